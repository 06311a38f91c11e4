// Receiving side of the peer's HTTP/3 control stream (RFC 9114 §6.2.1).
//
// Feed the bytes that follow the stream type. Rules enforced:
//  - the first frame must be SETTINGS, else H3_MISSING_SETTINGS (an unknown
//    or reserved frame does not count, §9);
//  - a second SETTINGS is H3_FRAME_UNEXPECTED (§7.2.4);
//  - DATA, HEADERS, PUSH_PROMISE are H3_FRAME_UNEXPECTED (§7.2.1, §7.2.2,
//    §7.2.5), as are HTTP/2-only types (frame_reader);
//  - GOAWAY: a server's identifier must be a client-initiated bidirectional
//    stream ID (client side); identifiers never increase; else H3_ID_ERROR
//    (§5.2, §7.2.6);
//  - MAX_PUSH_ID: only a client may send it (H3_FRAME_UNEXPECTED at a
//    client), and it never decreases (H3_ID_ERROR) (§7.2.7);
//  - CANCEL_PUSH: the push ID must be within the MAX_PUSH_ID limit; a
//    server also needs to have promised it; else H3_ID_ERROR (§7.2.3);
//  - the stream ending (FIN or reset) is H3_CLOSED_CRITICAL_STREAM.
// Unknown and reserved frames after SETTINGS are ignored.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>

#include "base/bytes.h"
#include "base/result.h"
#include "h3/frame_reader.h"
#include "h3/settings.h"
#include "wire/role.h"

namespace tquic::h3 {

enum class ControlEventKind : std::uint8_t {
  need_more,    // all input consumed
  settings,     // the peer's SETTINGS (event.settings)
  goaway,       // event.id: stream ID (from a server) or push ID (from a client)
  max_push_id,  // event.id (server side)
  cancel_push,  // event.id
};

struct ControlEvent {
  ControlEventKind kind = ControlEventKind::need_more;
  Settings settings{};
  std::uint64_t id = 0;
  std::size_t consumed = 0;  // input bytes consumed by this call
};

class ControlStreamReceiver {
 public:
  explicit ControlStreamReceiver(wire::Role local_role, FrameReaderLimits limits = {})
      : local_role_(local_role), reader_(limits) {}

  // Same loop as FrameReader::next: advance the input by `consumed` and call
  // again until need_more. Errors are connection errors and sticky.
  Result<ControlEvent> next(ByteSpan in);
  // FIN or RESET_STREAM on the control stream.
  Status on_stream_end();

  // Client side: the largest push ID we have allowed with MAX_PUSH_ID.
  void set_local_max_push_id(std::uint64_t push_id) { local_max_push_id_ = push_id; }
  // Server side: we sent a PUSH_PROMISE with this push ID.
  void on_push_promised(std::uint64_t push_id);

  bool settings_received() const { return settings_received_; }
  const Settings& peer_settings() const { return peer_settings_; }
  std::optional<std::uint64_t> last_goaway_id() const { return goaway_id_; }
  // Server side: the largest push ID the client allowed.
  std::optional<std::uint64_t> peer_max_push_id() const { return peer_max_push_id_; }

 private:
  Status on_frame_header(std::uint64_t type);
  Result<ControlEvent> on_frame(std::uint64_t type, ByteSpan payload);
  Status on_goaway(std::uint64_t id);
  Status on_max_push_id(std::uint64_t push_id);
  Status on_cancel_push(std::uint64_t push_id) const;
  Error fail(const Error& e);

  wire::Role local_role_;
  FrameReader reader_;
  Settings peer_settings_{};
  bool settings_received_ = false;
  bool failed_ = false;
  Error error_{};
  std::optional<std::uint64_t> goaway_id_;
  std::optional<std::uint64_t> peer_max_push_id_;
  std::optional<std::uint64_t> local_max_push_id_;
  std::optional<std::uint64_t> max_promised_push_id_;
};

}  // namespace tquic::h3
