// Stream-count accounting (RFC 9000 §2.1, §4.6, §19.11, §19.14).
//
// Two sides, per direction (bidirectional / unidirectional):
//  - streams we open, bounded by the peer's max_streams (transport parameter,
//    then MAX_STREAMS); when we hit that limit we report STREAMS_BLOCKED once
//    per limit value;
//  - streams the peer opens, bounded by the limit we advertised. A frame naming
//    a stream above it is a STREAM_LIMIT_ERROR; a frame naming a stream above
//    the highest opened one implicitly opens every lower-numbered stream of
//    that type (§2.1). As the peer's streams close we hand back credit with
//    MAX_STREAMS once half of the concurrency window can be renewed.
// Frames that name a stream in an impossible way (STREAM on our send-only
// stream, MAX_STREAM_DATA on a receive-only stream, any frame for a local
// stream we never opened) are STREAM_STATE_ERROR (§19.4, §19.5, §19.8,
// §19.10, §19.13).
#pragma once

#include <array>
#include <cstdint>
#include <optional>

#include "base/result.h"
#include "transport/stream/stream_id.h"
#include "wire/role.h"

namespace tquic::transport {

// Which part of *our* stream a received frame addresses.
enum class StreamPart : std::uint8_t {
  receiving,  // STREAM, RESET_STREAM, STREAM_DATA_BLOCKED (sent by the data sender)
  sending,    // MAX_STREAM_DATA, STOP_SENDING (sent by the data receiver)
};

// Peer streams newly opened by a frame: `count` streams starting at `first`,
// consecutive within the type (IDs first, first + 4, ...). count == 0 when the
// stream was already open or is locally initiated.
struct StreamOpening {
  StreamId first = 0;
  std::uint64_t count = 0;
};

class StreamLimits {
 public:
  // `max_bidi` / `max_uni`: how many concurrent streams of each direction we
  // let the peer open (our initial_max_streams_* transport parameters).
  StreamLimits(wire::Role local, std::uint64_t max_bidi, std::uint64_t max_uni);

  wire::Role local_role() const { return local_; }

  // --- streams we open -----------------------------------------------------
  // The peer's initial_max_streams_* transport parameters (> 2^60 is a
  // TRANSPORT_PARAMETER_ERROR). Never lowers a limit.
  Status on_peer_transport_parameters(std::uint64_t max_bidi, std::uint64_t max_uni);
  // MAX_STREAMS from the peer (> 2^60 is a FRAME_ENCODING_ERROR). Returns
  // true if the limit grew; smaller values are ignored.
  Result<bool> on_max_streams(StreamDirection dir, std::uint64_t max_streams);
  // Opens our next stream of `dir`; a `blocked` error at the peer's limit.
  Result<StreamId> open_local(StreamDirection dir);
  std::uint64_t local_opened(StreamDirection dir) const { return side(dir).local_opened; }
  std::uint64_t peer_max_streams(StreamDirection dir) const { return side(dir).peer_limit; }
  // The limit to report in STREAMS_BLOCKED, once per limit value, after
  // open_local() failed at it.
  std::optional<std::uint64_t> streams_blocked_pending(StreamDirection dir) const;
  void on_streams_blocked_sent(StreamDirection dir, std::uint64_t limit);

  // --- streams the peer opens ----------------------------------------------
  // Validates a received frame's stream ID and opens peer streams it implies.
  Result<StreamOpening> on_frame_for_stream(StreamId id, StreamPart part,
                                            std::uint64_t frame_type = 0);
  // A peer-initiated stream reached a terminal state in both directions.
  void on_peer_stream_closed(StreamDirection dir);
  std::uint64_t peer_opened(StreamDirection dir) const { return side(dir).peer_opened; }
  std::uint64_t max_streams_advertised(StreamDirection dir) const { return side(dir).advertised; }
  // New limit to send in MAX_STREAMS, once at least half of the window can
  // be renewed (closed streams free credit).
  std::optional<std::uint64_t> max_streams_pending(StreamDirection dir) const;
  void on_max_streams_sent(StreamDirection dir, std::uint64_t limit);

 private:
  struct Side {
    // streams we open
    std::uint64_t peer_limit = 0;
    std::uint64_t local_opened = 0;
    bool blocked = false;
    std::optional<std::uint64_t> blocked_reported;
    // streams the peer opens
    std::uint64_t window = 0;      // concurrency we allow
    std::uint64_t advertised = 0;  // highest limit we advertised
    std::uint64_t peer_opened = 0;
    std::uint64_t peer_closed = 0;
  };

  Side& side(StreamDirection dir) { return sides_[static_cast<std::size_t>(dir)]; }
  const Side& side(StreamDirection dir) const { return sides_[static_cast<std::size_t>(dir)]; }
  Result<StreamOpening> on_local_stream_frame(StreamId id, StreamPart part,
                                              std::uint64_t frame_type) const;
  Result<StreamOpening> on_peer_stream_frame(StreamId id, StreamPart part,
                                             std::uint64_t frame_type);

  wire::Role local_;
  std::array<Side, 2> sides_{};
};

}  // namespace tquic::transport
