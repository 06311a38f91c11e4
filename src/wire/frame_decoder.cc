#include "wire/frame_decoder.h"

#include <algorithm>

#include "wire/varint.h"

namespace tquic::wire {
namespace {

using C = TransportErrorCode;

Error malformed(std::uint64_t type, const char* why) {
  return Error::transport(C::FRAME_ENCODING_ERROR, why, type);
}
Error truncated(std::uint64_t type) { return malformed(type, "truncated frame"); }

// Reads the listed varint members of `frame` in order.
template <class F, class... M>
Result<Frame> read_varint_fields(ByteReader& r, std::uint64_t type, F frame,
                                 M F::*... members) {
  if (!(read_varint(r, frame.*members) && ...)) return truncated(type);
  return Frame{frame};
}

// Reads a varint length and then that many bytes.
bool read_length_prefixed(ByteReader& r, ByteSpan& out) {
  std::uint64_t length = 0;
  return read_varint(r, length) && r.read_span(length, out);
}

Result<Frame> decode_padding(ByteReader& r) {
  const ByteSpan rest = r.rest();
  std::size_t run = 0;
  while (run < rest.size() && rest[run] == 0) ++run;
  (void)r.skip(run);
  return Frame{PaddingFrame{1 + run}};
}

// ACK / PATH_ACK body after the type (and Path Identifier).
Status read_ack_fields(ByteReader& r, std::uint64_t type, bool with_ecn, AckFields& a) {
  if (!read_varint(r, a.largest_acknowledged) || !read_varint(r, a.ack_delay) ||
      !read_varint(r, a.ack_range_count) || !read_varint(r, a.first_ack_range))
    return truncated(type);
  ByteSpan encoded;
  TQUIC_TRY(read_ack_ranges(r, a.largest_acknowledged, a.first_ack_range, a.ack_range_count,
                            type, encoded));
  a.ack_range_bytes = encoded;
  if (with_ecn) {
    EcnCounts ecn;
    if (!read_varint(r, ecn.ect0) || !read_varint(r, ecn.ect1) || !read_varint(r, ecn.ecn_ce))
      return truncated(type);
    a.ecn_counts = ecn;
  }
  return ok_status();
}

Result<Frame> decode_ack(ByteReader& r, std::uint64_t type) {
  AckFrame f;
  TQUIC_TRY(read_ack_fields(r, type, type == to_wire(FrameType::ack_ecn), f));
  return Frame{f};
}

Result<Frame> decode_path_ack(ByteReader& r, std::uint64_t type) {
  PathAckFrame f;
  if (!read_varint(r, f.path_id)) return truncated(type);
  TQUIC_TRY(read_ack_fields(r, type, type == to_wire(FrameType::path_ack_ecn), f));
  return Frame{f};
}

// RFC 9000 §19.6 / §19.8: offset + length must not exceed 2^62-1. `offset`
// came from a varint, so the subtraction cannot wrap.
bool exceeds_max_offset(std::uint64_t offset, std::uint64_t length) {
  return length > kMaxStreamOffset - offset;
}

Result<Frame> decode_crypto(ByteReader& r, std::uint64_t type) {
  CryptoFrame f;
  std::uint64_t length = 0;
  if (!read_varint(r, f.offset) || !read_varint(r, length)) return truncated(type);
  if (exceeds_max_offset(f.offset, length))
    return malformed(type, "CRYPTO offset + length above 2^62-1");
  ByteSpan data;
  if (!r.read_span(length, data)) return truncated(type);
  f.crypto_data = data;
  return Frame{f};
}

Result<Frame> decode_new_token(ByteReader& r, std::uint64_t type) {
  ByteSpan token;
  if (!read_length_prefixed(r, token)) return truncated(type);
  if (token.empty()) return malformed(type, "empty NEW_TOKEN token");
  return Frame{NewTokenFrame{token}};
}

Result<Frame> decode_stream(ByteReader& r, std::uint64_t type) {
  StreamFrame f;
  f.fin = (type & kStreamFrameFinBit) != 0;
  f.has_length = (type & kStreamFrameLenBit) != 0;
  if (!read_varint(r, f.stream_id)) return truncated(type);
  if ((type & kStreamFrameOffBit) != 0 && !read_varint(r, f.offset)) return truncated(type);
  std::uint64_t length = r.remaining();  // no LEN bit: up to the end of the packet
  if (f.has_length && !read_varint(r, length)) return truncated(type);
  if (exceeds_max_offset(f.offset, length))
    return malformed(type, "STREAM offset + length above 2^62-1");
  ByteSpan data;
  if (!r.read_span(length, data)) return truncated(type);
  f.stream_data = data;
  return Frame{f};
}

Result<Frame> decode_max_streams(ByteReader& r, std::uint64_t type, bool blocked) {
  std::uint64_t maximum_streams = 0;
  if (!read_varint(r, maximum_streams)) return truncated(type);
  if (maximum_streams > kMaxStreamsLimit) return malformed(type, "stream count above 2^60");
  const bool bidirectional = (type & 1) == 0;
  if (blocked) return Frame{StreamsBlockedFrame{bidirectional, maximum_streams}};
  return Frame{MaxStreamsFrame{bidirectional, maximum_streams}};
}

// Sequence Number, Retire Prior To, Length, Connection ID, Stateless Reset
// Token: shared by NEW_CONNECTION_ID and PATH_NEW_CONNECTION_ID.
template <class F>
Status read_new_connection_id(ByteReader& r, std::uint64_t type, F& f) {
  std::uint8_t length = 0;
  ByteSpan cid;
  ByteSpan token;
  if (!read_varint(r, f.sequence_number) || !read_varint(r, f.retire_prior_to) ||
      !r.read_u8(length))
    return truncated(type);
  if (length < 1 || length > kMaxCidLength) return malformed(type, "connection ID length not 1..20");
  if (f.retire_prior_to > f.sequence_number)
    return malformed(type, "Retire Prior To above Sequence Number");
  if (!r.read_span(length, cid) || !r.read_span(kStatelessResetTokenLength, token))
    return truncated(type);
  (void)ConnectionId::from_bytes(cid, f.connection_id);  // length checked above
  std::copy(token.begin(), token.end(), f.stateless_reset_token.begin());
  return ok_status();
}

template <class F>
Result<Frame> decode_path_data(ByteReader& r, std::uint64_t type) {
  F f;
  ByteSpan data;
  if (!r.read_span(kPathChallengeDataLength, data)) return truncated(type);
  std::copy(data.begin(), data.end(), f.data.begin());
  return Frame{f};
}

Result<Frame> decode_connection_close(ByteReader& r, std::uint64_t type) {
  ConnectionCloseFrame f;
  f.is_application = type == to_wire(FrameType::connection_close_app);
  if (!read_varint(r, f.error_code)) return truncated(type);
  if (!f.is_application && !read_varint(r, f.frame_type)) return truncated(type);
  ByteSpan reason;
  if (!read_length_prefixed(r, reason)) return truncated(type);
  f.reason_phrase = reason;
  return Frame{f};
}

Result<Frame> decode_datagram(ByteReader& r, std::uint64_t type) {
  DatagramFrame f;
  f.has_length = (type & kDatagramFrameLenBit) != 0;
  std::uint64_t length = r.remaining();  // no LEN bit: up to the end of the packet
  ByteSpan data;
  if ((f.has_length && !read_varint(r, length)) || !r.read_span(length, data))
    return truncated(type);
  f.datagram_data = data;
  return Frame{f};
}

// RFC 9000 frames 0x00-0x1e and IMMEDIATE_ACK (0x1f).
Result<Frame> decode_core_frame(ByteReader& r, std::uint64_t type) {
  using T = FrameType;
  switch (static_cast<T>(type)) {
    case T::padding: return decode_padding(r);
    case T::ping: return Frame{PingFrame{}};
    case T::ack: case T::ack_ecn: return decode_ack(r, type);
    case T::reset_stream:
      return read_varint_fields(r, type, ResetStreamFrame{}, &ResetStreamFrame::stream_id,
                                &ResetStreamFrame::application_protocol_error_code,
                                &ResetStreamFrame::final_size);
    case T::stop_sending:
      return read_varint_fields(r, type, StopSendingFrame{}, &StopSendingFrame::stream_id,
                                &StopSendingFrame::application_protocol_error_code);
    case T::crypto: return decode_crypto(r, type);
    case T::new_token: return decode_new_token(r, type);
    case T::max_data:
      return read_varint_fields(r, type, MaxDataFrame{}, &MaxDataFrame::maximum_data);
    case T::max_stream_data:
      return read_varint_fields(r, type, MaxStreamDataFrame{}, &MaxStreamDataFrame::stream_id,
                                &MaxStreamDataFrame::maximum_stream_data);
    case T::max_streams_bidi: case T::max_streams_uni: return decode_max_streams(r, type, false);
    case T::data_blocked:
      return read_varint_fields(r, type, DataBlockedFrame{}, &DataBlockedFrame::maximum_data);
    case T::stream_data_blocked:
      return read_varint_fields(r, type, StreamDataBlockedFrame{},
                                &StreamDataBlockedFrame::stream_id,
                                &StreamDataBlockedFrame::maximum_stream_data);
    case T::streams_blocked_bidi: case T::streams_blocked_uni:
      return decode_max_streams(r, type, true);
    case T::new_connection_id: {
      NewConnectionIdFrame f;
      TQUIC_TRY(read_new_connection_id(r, type, f));
      return Frame{f};
    }
    case T::retire_connection_id:
      return read_varint_fields(r, type, RetireConnectionIdFrame{},
                                &RetireConnectionIdFrame::sequence_number);
    case T::path_challenge: return decode_path_data<PathChallengeFrame>(r, type);
    case T::path_response: return decode_path_data<PathResponseFrame>(r, type);
    case T::connection_close: case T::connection_close_app:
      return decode_connection_close(r, type);
    case T::handshake_done: return Frame{HandshakeDoneFrame{}};
    case T::immediate_ack: return Frame{ImmediateAckFrame{}};
    default:
      if (is_stream_frame_type(static_cast<T>(type))) return decode_stream(r, type);
      return malformed(type, "unknown frame type");
  }
}

// Multipath frames other than PATH_ACK.
Result<Frame> decode_path_frame(ByteReader& r, std::uint64_t type) {
  using T = FrameType;
  switch (static_cast<T>(type)) {
    case T::path_abandon:
      return read_varint_fields(r, type, PathAbandonFrame{}, &PathAbandonFrame::path_id,
                                &PathAbandonFrame::error_code);
    case T::path_status_backup:
      return read_varint_fields(r, type, PathStatusBackupFrame{}, &PathStatusBackupFrame::path_id,
                                &PathStatusBackupFrame::path_status_sequence_number);
    case T::path_status_available:
      return read_varint_fields(r, type, PathStatusAvailableFrame{},
                                &PathStatusAvailableFrame::path_id,
                                &PathStatusAvailableFrame::path_status_sequence_number);
    case T::path_new_connection_id: {
      PathNewConnectionIdFrame f;
      if (!read_varint(r, f.path_id)) return truncated(type);
      TQUIC_TRY(read_new_connection_id(r, type, f));
      return Frame{f};
    }
    case T::path_retire_connection_id:
      return read_varint_fields(r, type, PathRetireConnectionIdFrame{},
                                &PathRetireConnectionIdFrame::path_id,
                                &PathRetireConnectionIdFrame::sequence_number);
    case T::max_path_id:
      return read_varint_fields(r, type, MaxPathIdFrame{}, &MaxPathIdFrame::maximum_path_id);
    case T::paths_blocked:
      return read_varint_fields(r, type, PathsBlockedFrame{}, &PathsBlockedFrame::maximum_path_id);
    case T::path_cids_blocked:
      return read_varint_fields(r, type, PathCidsBlockedFrame{}, &PathCidsBlockedFrame::path_id,
                                &PathCidsBlockedFrame::next_sequence_number);
    default: return malformed(type, "unknown frame type");
  }
}

// Frames above 0x1f: DATAGRAM, PATH_ACK, ACK_FREQUENCY and the multipath set.
Result<Frame> decode_extension_frame(ByteReader& r, std::uint64_t type) {
  using T = FrameType;
  switch (static_cast<T>(type)) {
    case T::datagram: case T::datagram_len: return decode_datagram(r, type);
    case T::path_ack: case T::path_ack_ecn: return decode_path_ack(r, type);
    case T::ack_frequency:
      return read_varint_fields(r, type, AckFrequencyFrame{},
                                &AckFrequencyFrame::sequence_number,
                                &AckFrequencyFrame::ack_eliciting_threshold,
                                &AckFrequencyFrame::requested_max_ack_delay,
                                &AckFrequencyFrame::reordering_threshold);
    default: return decode_path_frame(r, type);
  }
}

}  // namespace

Result<Frame> decode_frame(ByteReader& r) {
  const std::size_t start = r.position();
  std::uint64_t type = 0;
  if (!read_varint(r, type)) return malformed(0, "truncated frame type");
  // RFC 9000 §12.4: the Frame Type MUST use the shortest encoding.
  if (r.position() - start != varint_size(type))
    return Error::transport(C::PROTOCOL_VIOLATION, "frame type not minimally encoded", type);
  if (!is_known_frame_type(type)) return malformed(type, "unknown frame type");
  if (type <= to_wire(FrameType::immediate_ack)) return decode_core_frame(r, type);
  return decode_extension_frame(r, type);
}

}  // namespace tquic::wire
