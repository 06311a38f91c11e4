// HTTP/3 SETTINGS (RFC 9114 §7.2.4) with the parameters tquic understands:
//   SETTINGS_QPACK_MAX_TABLE_CAPACITY 0x01, SETTINGS_QPACK_BLOCKED_STREAMS 0x07
//   (RFC 9204 §5), SETTINGS_MAX_FIELD_SECTION_SIZE 0x06 (RFC 9114 §7.2.4.1),
//   SETTINGS_ENABLE_CONNECT_PROTOCOL 0x08 (RFC 9220 §3, RFC 8441 §3),
//   SETTINGS_H3_DATAGRAM 0x33 (RFC 9297 §2.1.1).
// Unknown and reserved (0x1f * N + 0x21) identifiers are ignored; the HTTP/2
// identifiers 0x02-0x05 and duplicates are H3_SETTINGS_ERROR.
#pragma once

#include <cstddef>
#include <cstdint>

#include "base/bytes.h"
#include "base/result.h"

namespace tquic::h3 {

enum class SettingId : std::uint64_t {
  qpack_max_table_capacity = 0x01,
  max_field_section_size = 0x06,
  qpack_blocked_streams = 0x07,
  enable_connect_protocol = 0x08,
  h3_datagram = 0x33,
};

// SETTINGS_MAX_FIELD_SECTION_SIZE defaults to "unlimited" (§7.2.4.1); this
// value (not encodable as a varint) stands for it and is never sent.
inline constexpr std::uint64_t kUnlimitedFieldSectionSize = ~std::uint64_t{0};

// The peer's (or our own) settings. Members start at the RFC defaults, which
// are also the values in force before the peer's SETTINGS arrive.
struct Settings {
  std::uint64_t qpack_max_table_capacity = 0;
  std::uint64_t max_field_section_size = kUnlimitedFieldSectionSize;
  std::uint64_t qpack_blocked_streams = 0;
  bool enable_connect_protocol = false;
  bool h3_datagram = false;

  bool operator==(const Settings&) const = default;
};

constexpr bool is_reserved_setting_id(std::uint64_t id) {
  return id >= 0x21 && (id - 0x21) % 0x1f == 0;
}
// HTTP/2 settings with no HTTP/3 equivalent (§7.2.4.1, §11.2.2).
constexpr bool is_http2_setting_id(std::uint64_t id) { return id >= 0x02 && id <= 0x05; }

// A reserved setting (identifier 0x1f * n + 0x21) to send as grease.
struct GreaseSetting {
  std::uint64_t n = 0;
  std::uint64_t value = 0;
};

// Size of the SETTINGS payload that write_settings_frame() emits: every
// setting whose value differs from its default, plus `grease` if given.
// 0 is a valid size (all defaults, no grease).
std::size_t settings_payload_size(const Settings& s, const GreaseSetting* grease = nullptr);

// Writes a whole SETTINGS frame (type, length, payload). False, with nothing
// written, if it does not fit or a value exceeds 2^62-1.
bool write_settings_frame(ByteWriter& w, const Settings& s,
                          const GreaseSetting* grease = nullptr);

// Writes only the payload (no frame header, no grease): the form in which a
// client keeps the server's settings with a session ticket.
bool write_settings_payload(ByteWriter& w, const Settings& s);

// RFC 9114 §7.2.4.2: a server that accepted 0-RTT must not send settings
// that a client complying with the `remembered` ones could violate: no
// smaller limit, no extension withdrawn, and (RFC 9204 §3.2.3) a non-zero
// remembered QPACK table capacity unchanged.
bool settings_compatible(const Settings& remembered, const Settings& current);

// Parses a SETTINGS payload. Errors: H3_FRAME_ERROR (truncated identifier or
// value), H3_SETTINGS_ERROR (HTTP/2 identifier, duplicate identifier, or an
// ENABLE_CONNECT_PROTOCOL / H3_DATAGRAM value other than 0 or 1).
// Duplicates of known identifiers are always detected; duplicates among
// unknown identifiers are detected for the first kTrackedUnknownSettings of
// them (detection is a MAY, §7.2.4, and tracking is bounded so a large
// frame costs linear time).
inline constexpr std::size_t kTrackedUnknownSettings = 32;
Result<Settings> parse_settings_payload(ByteSpan payload);

}  // namespace tquic::h3
