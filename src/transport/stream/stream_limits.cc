#include "transport/stream/stream_limits.h"

#include <algorithm>

namespace tquic::transport {

StreamLimits::StreamLimits(wire::Role local, std::uint64_t max_bidi, std::uint64_t max_uni)
    : local_(local) {
  side(StreamDirection::bidi).window = std::min(max_bidi, kMaxStreamsLimit);
  side(StreamDirection::bidi).advertised = side(StreamDirection::bidi).window;
  side(StreamDirection::uni).window = std::min(max_uni, kMaxStreamsLimit);
  side(StreamDirection::uni).advertised = side(StreamDirection::uni).window;
}

Status StreamLimits::on_peer_transport_parameters(std::uint64_t max_bidi,
                                                  std::uint64_t max_uni) {
  if (max_bidi > kMaxStreamsLimit || max_uni > kMaxStreamsLimit) {
    return Error::transport(TransportErrorCode::TRANSPORT_PARAMETER_ERROR,
                            "initial_max_streams above 2^60");
  }
  Side& bidi = side(StreamDirection::bidi);
  Side& uni = side(StreamDirection::uni);
  bidi.peer_limit = std::max(bidi.peer_limit, max_bidi);
  uni.peer_limit = std::max(uni.peer_limit, max_uni);
  return ok_status();
}

Result<bool> StreamLimits::on_max_streams(StreamDirection dir, std::uint64_t max_streams) {
  if (max_streams > kMaxStreamsLimit) {
    return Error::transport(TransportErrorCode::FRAME_ENCODING_ERROR,
                            "MAX_STREAMS above 2^60",
                            dir == StreamDirection::bidi ? 0x12 : 0x13);
  }
  Side& s = side(dir);
  if (max_streams <= s.peer_limit) return false;  // §19.11: ignore non-increasing
  s.peer_limit = max_streams;
  s.blocked = false;
  return true;
}

Result<StreamId> StreamLimits::open_local(StreamDirection dir) {
  Side& s = side(dir);
  if (s.local_opened >= s.peer_limit) {
    s.blocked = true;
    return Error::blocked("peer stream limit reached");
  }
  const StreamId id = make_stream_id(stream_type_of(local_, dir), s.local_opened);
  ++s.local_opened;
  return id;
}

std::optional<std::uint64_t> StreamLimits::streams_blocked_pending(StreamDirection dir) const {
  const Side& s = side(dir);
  if (!s.blocked || s.local_opened < s.peer_limit) return std::nullopt;
  if (s.blocked_reported && *s.blocked_reported == s.peer_limit) return std::nullopt;
  return s.peer_limit;
}

void StreamLimits::on_streams_blocked_sent(StreamDirection dir, std::uint64_t limit) {
  side(dir).blocked_reported = limit;
}

Result<StreamOpening> StreamLimits::on_frame_for_stream(StreamId id, StreamPart part,
                                                        std::uint64_t frame_type) {
  if (id > kMaxStreamId) {
    return Error::transport(TransportErrorCode::STREAM_LIMIT_ERROR, "stream ID above 2^62-1",
                            frame_type);
  }
  if (is_locally_initiated(id, local_)) return on_local_stream_frame(id, part, frame_type);
  return on_peer_stream_frame(id, part, frame_type);
}

Result<StreamOpening> StreamLimits::on_local_stream_frame(StreamId id, StreamPart part,
                                                          std::uint64_t frame_type) const {
  if (part == StreamPart::receiving && is_uni(id)) {
    return Error::transport(TransportErrorCode::STREAM_STATE_ERROR,
                            "frame for the receiving part of a send-only stream", frame_type);
  }
  if (stream_index(id) >= side(stream_direction(id)).local_opened) {
    return Error::transport(TransportErrorCode::STREAM_STATE_ERROR,
                            "frame for a locally initiated stream not yet opened", frame_type);
  }
  return StreamOpening{id, 0};
}

Result<StreamOpening> StreamLimits::on_peer_stream_frame(StreamId id, StreamPart part,
                                                         std::uint64_t frame_type) {
  if (part == StreamPart::sending && is_uni(id)) {
    return Error::transport(TransportErrorCode::STREAM_STATE_ERROR,
                            "frame for the sending part of a receive-only stream", frame_type);
  }
  Side& s = side(stream_direction(id));
  const std::uint64_t index = stream_index(id);
  if (index >= s.advertised) {
    return Error::transport(TransportErrorCode::STREAM_LIMIT_ERROR,
                            "peer opened a stream beyond our limit", frame_type);
  }
  if (index < s.peer_opened) return StreamOpening{id, 0};
  // §2.1: opening a stream opens every lower-numbered stream of its type.
  const StreamOpening opening{make_stream_id(stream_type(id), s.peer_opened),
                              index - s.peer_opened + 1};
  s.peer_opened = index + 1;
  return opening;
}

void StreamLimits::on_peer_stream_closed(StreamDirection dir) {
  Side& s = side(dir);
  if (s.peer_closed < s.peer_opened) ++s.peer_closed;
}

std::optional<std::uint64_t> StreamLimits::max_streams_pending(StreamDirection dir) const {
  const Side& s = side(dir);
  if (s.window == 0) return std::nullopt;
  const std::uint64_t candidate = std::min(s.peer_closed + s.window, kMaxStreamsLimit);
  const std::uint64_t step = std::max<std::uint64_t>(1, s.window / 2);
  if (candidate < s.advertised + step) return std::nullopt;
  return candidate;
}

void StreamLimits::on_max_streams_sent(StreamDirection dir, std::uint64_t limit) {
  Side& s = side(dir);
  s.advertised = std::max(s.advertised, std::min(limit, kMaxStreamsLimit));
}

}  // namespace tquic::transport
