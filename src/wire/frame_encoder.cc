#include "wire/frame_encoder.h"

#include <algorithm>
#include <type_traits>

#include "wire/varint.h"

namespace tquic::wire {
namespace {

// Each frame layout is written once, as put(sink, frame), and run against
// two sinks: SizeSink measures, WriteSink writes. A sink turns `ok` false if
// a value cannot be encoded.
struct SizeSink {
  std::size_t size = 0;
  bool ok = true;
  void varint(std::uint64_t v) {
    const std::size_t n = varint_size(v);
    ok = ok && n != 0;
    size += n;
  }
  void u8(std::uint8_t) { size += 1; }
  void bytes(ByteSpan b) { size += b.size(); }
  void zeros(std::size_t n) { size += n; }
  void fail() { ok = false; }
};

struct WriteSink {
  ByteWriter& w;
  bool ok = true;
  void varint(std::uint64_t v) { ok = ok && write_varint(w, v); }
  void u8(std::uint8_t v) { ok = ok && w.write_u8(v); }
  void bytes(ByteSpan b) { ok = ok && w.write_bytes(b); }
  void zeros(std::size_t n) { ok = ok && w.write_zeros(n); }
  void fail() { ok = false; }
};

template <class Sink>
void put_type(Sink& s, FrameType t) {
  s.varint(to_wire(t));
}

template <class Sink>
void put(Sink& s, const PaddingFrame& f) {
  if (f.length == 0) s.fail();
  s.zeros(f.length);
}

// Frames with no field but their type.
template <class Sink, class F>
  requires(std::is_same_v<F, PingFrame> || std::is_same_v<F, HandshakeDoneFrame> ||
           std::is_same_v<F, ImmediateAckFrame>)
void put(Sink& s, const F& f) {
  put_type(s, f.type());
}

template <class Sink>
void put_ack_fields(Sink& s, const AckFields& a) {
  s.varint(a.largest_acknowledged);
  s.varint(a.ack_delay);
  s.varint(a.ack_range_count);
  s.varint(a.first_ack_range);
  s.bytes(a.ack_range_bytes);
  if (a.ecn_counts) {
    s.varint(a.ecn_counts->ect0);
    s.varint(a.ecn_counts->ect1);
    s.varint(a.ecn_counts->ecn_ce);
  }
}

template <class Sink>
void put(Sink& s, const AckFrame& f) {
  put_type(s, f.type());
  put_ack_fields(s, f);
}

template <class Sink>
void put(Sink& s, const PathAckFrame& f) {
  put_type(s, f.type());
  s.varint(f.path_id);
  put_ack_fields(s, f);
}

template <class Sink>
void put(Sink& s, const ResetStreamFrame& f) {
  put_type(s, f.type());
  s.varint(f.stream_id);
  s.varint(f.application_protocol_error_code);
  s.varint(f.final_size);
}

template <class Sink>
void put(Sink& s, const StopSendingFrame& f) {
  put_type(s, f.type());
  s.varint(f.stream_id);
  s.varint(f.application_protocol_error_code);
}

bool exceeds_max_offset(std::uint64_t offset, std::uint64_t length) {
  return offset > kMaxStreamOffset || length > kMaxStreamOffset - offset;
}

template <class Sink>
void put(Sink& s, const CryptoFrame& f) {
  if (exceeds_max_offset(f.offset, f.crypto_data.size())) s.fail();
  put_type(s, f.type());
  s.varint(f.offset);
  s.varint(f.crypto_data.size());
  s.bytes(f.crypto_data);
}

template <class Sink>
void put(Sink& s, const NewTokenFrame& f) {
  if (f.token.empty()) s.fail();  // RFC 9000 §19.7
  put_type(s, f.type());
  s.varint(f.token.size());
  s.bytes(f.token);
}

template <class Sink>
void put(Sink& s, const StreamFrame& f) {
  if (exceeds_max_offset(f.offset, f.stream_data.size())) s.fail();
  put_type(s, f.type());
  s.varint(f.stream_id);
  if (f.offset != 0) s.varint(f.offset);
  if (f.has_length) s.varint(f.stream_data.size());
  s.bytes(f.stream_data);
}

template <class Sink, class F>
  requires(std::is_same_v<F, MaxDataFrame> || std::is_same_v<F, DataBlockedFrame>)
void put(Sink& s, const F& f) {
  put_type(s, f.type());
  s.varint(f.maximum_data);
}

template <class Sink, class F>
  requires(std::is_same_v<F, MaxStreamDataFrame> || std::is_same_v<F, StreamDataBlockedFrame>)
void put(Sink& s, const F& f) {
  put_type(s, f.type());
  s.varint(f.stream_id);
  s.varint(f.maximum_stream_data);
}

template <class Sink, class F>
  requires(std::is_same_v<F, MaxStreamsFrame> || std::is_same_v<F, StreamsBlockedFrame>)
void put(Sink& s, const F& f) {
  if (f.maximum_streams > kMaxStreamsLimit) s.fail();  // RFC 9000 §19.11, §19.14
  put_type(s, f.type());
  s.varint(f.maximum_streams);
}

// Sequence Number .. Stateless Reset Token of (PATH_)NEW_CONNECTION_ID.
template <class Sink, class F>
void put_new_connection_id(Sink& s, const F& f) {
  const std::size_t length = f.connection_id.size();
  if (length < 1 || length > kMaxCidLength || f.retire_prior_to > f.sequence_number) s.fail();
  s.varint(f.sequence_number);
  s.varint(f.retire_prior_to);
  s.u8(static_cast<std::uint8_t>(length));
  s.bytes(f.connection_id.span());
  s.bytes(f.stateless_reset_token);
}

template <class Sink>
void put(Sink& s, const NewConnectionIdFrame& f) {
  put_type(s, f.type());
  put_new_connection_id(s, f);
}

template <class Sink>
void put(Sink& s, const PathNewConnectionIdFrame& f) {
  put_type(s, f.type());
  s.varint(f.path_id);
  put_new_connection_id(s, f);
}

template <class Sink>
void put(Sink& s, const RetireConnectionIdFrame& f) {
  put_type(s, f.type());
  s.varint(f.sequence_number);
}

template <class Sink, class F>
  requires(std::is_same_v<F, PathChallengeFrame> || std::is_same_v<F, PathResponseFrame>)
void put(Sink& s, const F& f) {
  put_type(s, f.type());
  s.bytes(f.data);
}

template <class Sink>
void put(Sink& s, const ConnectionCloseFrame& f) {
  put_type(s, f.type());
  s.varint(f.error_code);
  if (!f.is_application) s.varint(f.frame_type);
  s.varint(f.reason_phrase.size());
  s.bytes(f.reason_phrase);
}

template <class Sink>
void put(Sink& s, const DatagramFrame& f) {
  put_type(s, f.type());
  if (f.has_length) s.varint(f.datagram_data.size());
  s.bytes(f.datagram_data);
}

template <class Sink>
void put(Sink& s, const AckFrequencyFrame& f) {
  put_type(s, f.type());
  s.varint(f.sequence_number);
  s.varint(f.ack_eliciting_threshold);
  s.varint(f.requested_max_ack_delay);
  s.varint(f.reordering_threshold);
}

template <class Sink>
void put(Sink& s, const PathAbandonFrame& f) {
  put_type(s, f.type());
  s.varint(f.path_id);
  s.varint(f.error_code);
}

template <class Sink, class F>
  requires(std::is_same_v<F, PathStatusBackupFrame> || std::is_same_v<F, PathStatusAvailableFrame>)
void put(Sink& s, const F& f) {
  put_type(s, f.type());
  s.varint(f.path_id);
  s.varint(f.path_status_sequence_number);
}

template <class Sink>
void put(Sink& s, const PathRetireConnectionIdFrame& f) {
  put_type(s, f.type());
  s.varint(f.path_id);
  s.varint(f.sequence_number);
}

template <class Sink, class F>
  requires(std::is_same_v<F, MaxPathIdFrame> || std::is_same_v<F, PathsBlockedFrame>)
void put(Sink& s, const F& f) {
  put_type(s, f.type());
  s.varint(f.maximum_path_id);
}

template <class Sink>
void put(Sink& s, const PathCidsBlockedFrame& f) {
  put_type(s, f.type());
  s.varint(f.path_id);
  s.varint(f.next_sequence_number);
}

// Largest n with header_size + varint_size(n) + n <= space (or
// header_size + n <= space without a Length field), capped at `cap`. For
// each Length size, the best n is the room left or the largest value that
// size can hold, whichever is smaller.
std::size_t max_payload(std::size_t space, std::size_t header_size, bool with_length,
                        std::uint64_t cap) {
  if (space <= header_size) return 0;
  const std::size_t avail = space - header_size;
  std::uint64_t n = 0;
  if (!with_length) {
    n = avail;
  } else {
    static constexpr std::size_t kLengthSizes[] = {1, 2, 4, 8};
    for (std::size_t length_size : kLengthSizes) {
      if (avail <= length_size) break;
      const std::uint64_t largest_for_size =
          length_size == 8 ? kVarintMax : (std::uint64_t{1} << (8 * length_size - 2)) - 1;
      n = std::max(n, std::min<std::uint64_t>(avail - length_size, largest_for_size));
    }
  }
  return static_cast<std::size_t>(std::min(n, cap));
}

}  // namespace

std::size_t encoded_size(const Frame& f) {
  SizeSink s;
  std::visit([&s](const auto& x) { put(s, x); }, f);
  return s.ok ? s.size : 0;
}

bool encode_frame(ByteWriter& w, const Frame& f) {
  const std::size_t size = encoded_size(f);
  if (size == 0 || size > w.remaining()) return false;
  WriteSink s{w};
  std::visit([&s](const auto& x) { put(s, x); }, f);
  return s.ok;
}

// --- STREAM ---------------------------------------------------------------

std::size_t stream_frame_header_size(std::uint64_t stream_id, std::uint64_t offset,
                                     std::uint64_t length, bool with_length) {
  if (exceeds_max_offset(offset, length)) return 0;
  SizeSink s;
  s.varint(to_wire(FrameType::stream));
  s.varint(stream_id);
  if (offset != 0) s.varint(offset);
  if (with_length) s.varint(length);
  return s.ok ? s.size : 0;
}

bool write_stream_frame_header(ByteWriter& w, std::uint64_t stream_id, std::uint64_t offset,
                               std::uint64_t length, bool fin, bool with_length) {
  const std::size_t size = stream_frame_header_size(stream_id, offset, length, with_length);
  if (size == 0 || size > w.remaining()) return false;
  WriteSink s{w};
  put_type(s, stream_frame_type(offset != 0, with_length, fin));
  s.varint(stream_id);
  if (offset != 0) s.varint(offset);
  if (with_length) s.varint(length);
  return s.ok;
}

std::size_t max_stream_data_that_fits(std::size_t space_left, std::uint64_t stream_id,
                                      std::uint64_t offset, bool with_length) {
  const std::size_t header = stream_frame_header_size(stream_id, offset, 0, false);
  if (header == 0) return 0;
  return max_payload(space_left, header, with_length, kMaxStreamOffset - offset);
}

// --- CRYPTO ---------------------------------------------------------------

std::size_t crypto_frame_header_size(std::uint64_t offset, std::uint64_t length) {
  if (exceeds_max_offset(offset, length)) return 0;
  return 1 + varint_size(offset) + varint_size(length);
}

bool write_crypto_frame_header(ByteWriter& w, std::uint64_t offset, std::uint64_t length) {
  const std::size_t size = crypto_frame_header_size(offset, length);
  if (size == 0 || size > w.remaining()) return false;
  WriteSink s{w};
  put_type(s, FrameType::crypto);
  s.varint(offset);
  s.varint(length);
  return s.ok;
}

std::size_t max_crypto_data_that_fits(std::size_t space_left, std::uint64_t offset) {
  if (offset > kMaxStreamOffset) return 0;
  return max_payload(space_left, 1 + varint_size(offset), true, kMaxStreamOffset - offset);
}

// --- DATAGRAM -------------------------------------------------------------

std::size_t datagram_frame_header_size(std::uint64_t length, bool with_length) {
  if (!with_length) return 1;
  const std::size_t n = varint_size(length);
  return n == 0 ? 0 : 1 + n;
}

bool write_datagram_frame_header(ByteWriter& w, std::uint64_t length, bool with_length) {
  const std::size_t size = datagram_frame_header_size(length, with_length);
  if (size == 0 || size > w.remaining()) return false;
  WriteSink s{w};
  put_type(s, with_length ? FrameType::datagram_len : FrameType::datagram);
  if (with_length) s.varint(length);
  return s.ok;
}

std::size_t max_datagram_data_that_fits(std::size_t space_left, bool with_length) {
  return max_payload(space_left, 1, with_length, kVarintMax);
}

}  // namespace tquic::wire
