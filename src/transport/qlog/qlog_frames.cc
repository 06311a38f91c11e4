#include "transport/qlog/qlog_frames.h"

#include <variant>

#include "transport/qlog/qlog_errors.h"
#include "wire/frame_decoder.h"

namespace tquic::transport::qlog {
namespace {

void raw_length(JsonWriter& w, std::uint64_t length) {
  w.key("raw");
  w.begin_object();
  w.field("length", length);
  w.end_object();
}

// ACK Delay in microseconds is field << exponent (RFC 9000 §19.3); clamp
// absurd values instead of overflowing.
Duration ack_delay_of(std::uint64_t field, std::uint64_t exponent) {
  if (exponent > 20 || field > (std::uint64_t{1} << 40)) return std::chrono::microseconds(std::int64_t{1} << 40);
  const std::uint64_t us = field << exponent;
  return std::chrono::microseconds(static_cast<std::int64_t>(std::min<std::uint64_t>(us, std::uint64_t{1} << 40)));
}

void write_ack_fields(JsonWriter& w, const wire::AckFields& f, std::uint64_t exponent) {
  w.field("ack_delay", ack_delay_of(f.ack_delay, exponent));
  w.key("acked_ranges");
  w.begin_array();
  for (const wire::AckRange r : f.ranges()) {
    w.begin_array();
    w.uint(r.smallest);
    if (r.largest != r.smallest) w.uint(r.largest);
    w.end_array();
  }
  w.end_array();
  if (f.ecn_counts) {
    w.field("ect1", f.ecn_counts->ect1);
    w.field("ect0", f.ecn_counts->ect0);
    w.field("ce", f.ecn_counts->ecn_ce);
  }
}

const char* stream_type(bool bidirectional) { return bidirectional ? "bidirectional" : "unidirectional"; }

struct FrameFields {
  JsonWriter& w;
  std::uint64_t exponent;

  void operator()(const wire::PaddingFrame& f) {
    w.key("raw");
    w.begin_object();
    w.field("length", std::uint64_t{f.length});
    w.field("payload_length", std::uint64_t{f.length});
    w.end_object();
  }
  void operator()(const wire::PingFrame&) {}
  void operator()(const wire::AckFrame& f) { write_ack_fields(w, f, exponent); }
  void operator()(const wire::PathAckFrame& f) {
    w.field("path_id", f.path_id);
    write_ack_fields(w, f, exponent);
  }
  void operator()(const wire::ResetStreamFrame& f) {
    w.field("stream_id", f.stream_id);
    write_error(w, "error", true, f.application_protocol_error_code);
    w.field("final_size", f.final_size);
  }
  void operator()(const wire::StopSendingFrame& f) {
    w.field("stream_id", f.stream_id);
    write_error(w, "error", true, f.application_protocol_error_code);
  }
  void operator()(const wire::CryptoFrame& f) {
    w.field("offset", f.offset);
    raw_length(w, f.crypto_data.size());
  }
  void operator()(const wire::NewTokenFrame& f) {
    w.key("token");
    w.begin_object();
    raw_length(w, f.token.size());
    w.end_object();
  }
  void operator()(const wire::StreamFrame& f) {
    w.field("stream_id", f.stream_id);
    w.field("offset", f.offset);
    w.field("fin", f.fin);
    raw_length(w, f.stream_data.size());
  }
  void operator()(const wire::MaxDataFrame& f) { w.field("maximum", f.maximum_data); }
  void operator()(const wire::MaxStreamDataFrame& f) {
    w.field("stream_id", f.stream_id);
    w.field("maximum", f.maximum_stream_data);
  }
  void operator()(const wire::MaxStreamsFrame& f) {
    w.field("stream_type", stream_type(f.bidirectional));
    w.field("maximum", f.maximum_streams);
  }
  void operator()(const wire::DataBlockedFrame& f) { w.field("limit", f.maximum_data); }
  void operator()(const wire::StreamDataBlockedFrame& f) {
    w.field("stream_id", f.stream_id);
    w.field("limit", f.maximum_stream_data);
  }
  void operator()(const wire::StreamsBlockedFrame& f) {
    w.field("stream_type", stream_type(f.bidirectional));
    w.field("limit", f.maximum_streams);
  }
  void operator()(const wire::NewConnectionIdFrame& f) {
    w.field("sequence_number", f.sequence_number);
    w.field("retire_prior_to", f.retire_prior_to);
    w.field("connection_id_length", static_cast<std::uint64_t>(f.connection_id.size()));
    w.key("connection_id");
    w.hex(f.connection_id.span());
    w.key("stateless_reset_token");
    w.hex(f.stateless_reset_token);
  }
  void operator()(const wire::RetireConnectionIdFrame& f) { w.field("sequence_number", f.sequence_number); }
  void operator()(const wire::PathChallengeFrame& f) {
    w.key("data");
    w.hex(f.data);
  }
  void operator()(const wire::PathResponseFrame& f) {
    w.key("data");
    w.hex(f.data);
  }
  void operator()(const wire::ConnectionCloseFrame& f) {
    w.field("error_space", f.is_application ? "application" : "transport");
    write_error(w, "error", f.is_application, f.error_code);
    w.key("reason");
    w.string(ByteSpan(f.reason_phrase));
    if (!f.is_application) w.field("trigger_frame_type", f.frame_type);
  }
  void operator()(const wire::HandshakeDoneFrame&) {}
  void operator()(const wire::DatagramFrame& f) { raw_length(w, f.datagram_data.size()); }
  void operator()(const wire::AckFrequencyFrame& f) {
    w.field("sequence_number", f.sequence_number);
    w.field("ack_eliciting_threshold", f.ack_eliciting_threshold);
    w.field("requested_max_ack_delay", Duration(std::chrono::microseconds(
                                           static_cast<std::int64_t>(std::min<std::uint64_t>(
                                               f.requested_max_ack_delay, std::uint64_t{1} << 40)))));
    w.field("reordering_threshold", f.reordering_threshold);
  }
  void operator()(const wire::ImmediateAckFrame&) {}
  // Multipath frames: the path ID and the frame's own numbers.
  void operator()(const wire::PathAbandonFrame& f) {
    w.field("path_id", f.path_id);
    w.field("error_code", f.error_code);
  }
  void operator()(const wire::PathStatusBackupFrame& f) {
    w.field("path_id", f.path_id);
    w.field("path_status_sequence_number", f.path_status_sequence_number);
  }
  void operator()(const wire::PathStatusAvailableFrame& f) {
    w.field("path_id", f.path_id);
    w.field("path_status_sequence_number", f.path_status_sequence_number);
  }
  void operator()(const wire::PathNewConnectionIdFrame& f) {
    w.field("path_id", f.path_id);
    w.field("sequence_number", f.sequence_number);
    w.field("retire_prior_to", f.retire_prior_to);
    w.key("connection_id");
    w.hex(f.connection_id.span());
  }
  void operator()(const wire::PathRetireConnectionIdFrame& f) {
    w.field("path_id", f.path_id);
    w.field("sequence_number", f.sequence_number);
  }
  void operator()(const wire::MaxPathIdFrame& f) { w.field("maximum_path_id", f.maximum_path_id); }
  void operator()(const wire::PathsBlockedFrame& f) { w.field("maximum_path_id", f.maximum_path_id); }
  void operator()(const wire::PathCidsBlockedFrame& f) {
    w.field("path_id", f.path_id);
    w.field("next_sequence_number", f.next_sequence_number);
  }
};

}  // namespace

void write_frame(JsonWriter& w, const wire::Frame& frame, std::uint64_t ack_delay_exponent) {
  w.begin_object();
  w.field("frame_type", wire::frame_type_name(wire::frame_type_of(frame)));
  std::visit(FrameFields{w, ack_delay_exponent}, frame);
  w.end_object();
}

void write_frame_type_only(JsonWriter& w, const char* frame_type) {
  w.begin_object();
  w.field("frame_type", frame_type);
  w.end_object();
}

void write_frames(JsonWriter& w, ByteSpan payload, std::uint64_t ack_delay_exponent) {
  w.key("frames");
  w.begin_array();
  ByteReader r(payload);
  while (!r.empty()) {
    const std::size_t before = r.remaining();
    auto f = wire::decode_frame(r);
    if (!f) {
      // RFC 9000 §12.4: the frame that did not decode; its type if known.
      w.begin_object();
      w.field("frame_type", "unknown");
      w.field("frame_type_bytes", f.error().frame_type);
      raw_length(w, before);
      w.end_object();
      break;
    }
    write_frame(w, *f, ack_delay_exponent);
  }
  w.end_array();
}

}  // namespace tquic::transport::qlog
