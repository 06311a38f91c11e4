// Unidirectional stream types (RFC 9114 §6.2, RFC 9204 §4.2) and the rules
// for the peer's critical streams.
//
// A unidirectional stream starts with Stream Type (i); a push stream then
// carries Push ID (i). UniStreamHeaderReader assembles that header from
// chunks of any size; PeerUniStreams applies the connection-level rules
// (one control / encoder / decoder stream per peer, only servers push,
// critical streams never close).
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>

#include "base/bytes.h"
#include "base/result.h"
#include "h3/partial_varint.h"
#include "wire/role.h"

namespace tquic::h3 {

enum class UniStreamType : std::uint64_t {
  control = 0x00,
  push = 0x01,
  qpack_encoder = 0x02,
  qpack_decoder = 0x03,
};

constexpr std::uint64_t to_wire(UniStreamType t) { return static_cast<std::uint64_t>(t); }

// Reserved ("grease") stream types 0x1f * N + 0x21 (§6.2.3).
constexpr bool is_reserved_stream_type(std::uint64_t type) {
  return type >= 0x21 && (type - 0x21) % 0x1f == 0;
}

enum class UniStreamKind : std::uint8_t { control, push, qpack_encoder, qpack_decoder, unknown };

constexpr UniStreamKind classify_stream_type(std::uint64_t type) {
  switch (type) {
    case 0x00: return UniStreamKind::control;
    case 0x01: return UniStreamKind::push;
    case 0x02: return UniStreamKind::qpack_encoder;
    case 0x03: return UniStreamKind::qpack_decoder;
    default: return UniStreamKind::unknown;  // reserved types included
  }
}

// Writes the stream type (for a push stream, use write_push_stream_header).
bool write_stream_type(ByteWriter& w, std::uint64_t type);
// Push Stream Header: type 0x01 + Push ID (§4.6). Atomic.
bool write_push_stream_header(ByteWriter& w, std::uint64_t push_id);

// Incremental reader of a unidirectional stream header.
class UniStreamHeaderReader {
 public:
  struct Outcome {
    bool complete = false;  // header fully read; stream data follows
    UniStreamKind kind = UniStreamKind::unknown;
    std::uint64_t type = 0;
    std::uint64_t push_id = 0;  // push streams only
    std::size_t consumed = 0;   // bytes of this call's input used
  };

  // Consumes header bytes of `in`. Once complete, further calls consume
  // nothing and repeat the outcome.
  Outcome feed(ByteSpan in);
  bool complete() const;
  // The stream ended (FIN or reset) before its header was complete: the
  // receiver simply forgets it (§6.2: tolerated, not an error).
  bool started() const { return type_.started(); }

 private:
  PartialVarint type_;
  PartialVarint push_id_;
};

// What to do with a newly identified peer unidirectional stream.
enum class UniStreamDisposition : std::uint8_t {
  process,  // control / QPACK / push: read it
  discard,  // unknown or reserved type: stop reading with
            // H3_STREAM_CREATION_ERROR or discard its data (§6.2)
};

// Connection-level bookkeeping of the peer's unidirectional streams.
class PeerUniStreams {
 public:
  explicit PeerUniStreams(wire::Role local_role) : local_role_(local_role) {}

  // H3_STREAM_CREATION_ERROR for a second control / encoder / decoder stream
  // (§6.2.1, RFC 9204 §4.2) or a push stream sent to a server (§6.2.2).
  Result<UniStreamDisposition> on_stream_type(UniStreamKind kind);
  // A control / encoder / decoder stream ended (FIN or reset):
  // H3_CLOSED_CRITICAL_STREAM. Other kinds: ok.
  Status on_stream_closed(UniStreamKind kind) const;

  bool has_control() const { return control_; }

 private:
  wire::Role local_role_;
  bool control_ = false;
  bool encoder_ = false;
  bool decoder_ = false;
};

// Client side: a push stream (or PUSH_PROMISE, CANCEL_PUSH) naming a push ID
// above the MAX_PUSH_ID we sent, or any push ID before we sent one, is
// H3_ID_ERROR (§4.6, §7.2.3, §7.2.5).
Status check_push_id_allowed(std::uint64_t push_id, std::optional<std::uint64_t> local_max_push_id);

}  // namespace tquic::h3
