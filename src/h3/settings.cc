#include "h3/settings.h"

#include <array>

#include "h3/frames.h"
#include "h3/h3_error.h"
#include "wire/varint.h"

namespace tquic::h3 {
namespace {

struct Entry {
  SettingId id;
  std::uint64_t value;
};

// The settings to send, defaults omitted. Returns how many were filled.
std::size_t non_default_entries(const Settings& s, std::array<Entry, 5>& out) {
  const Settings defaults;
  std::size_t n = 0;
  if (s.qpack_max_table_capacity != defaults.qpack_max_table_capacity)
    out[n++] = {SettingId::qpack_max_table_capacity, s.qpack_max_table_capacity};
  if (s.max_field_section_size != defaults.max_field_section_size)
    out[n++] = {SettingId::max_field_section_size, s.max_field_section_size};
  if (s.qpack_blocked_streams != defaults.qpack_blocked_streams)
    out[n++] = {SettingId::qpack_blocked_streams, s.qpack_blocked_streams};
  if (s.enable_connect_protocol) out[n++] = {SettingId::enable_connect_protocol, 1};
  if (s.h3_datagram) out[n++] = {SettingId::h3_datagram, 1};
  return n;
}

// Size of one Identifier + Value pair; 0 if either is not encodable.
std::size_t pair_size(std::uint64_t id, std::uint64_t value) {
  const std::size_t a = wire::varint_size(id);
  const std::size_t b = wire::varint_size(value);
  return (a == 0 || b == 0) ? 0 : a + b;
}

// Payload size, or 0 with `ok` false if something is not encodable.
std::size_t payload_size(const Settings& s, const GreaseSetting* grease, bool& ok) {
  std::array<Entry, 5> entries{};
  const std::size_t n = non_default_entries(s, entries);
  std::size_t size = 0;
  ok = true;
  for (std::size_t i = 0; i < n; ++i) {
    const std::size_t p = pair_size(static_cast<std::uint64_t>(entries[i].id), entries[i].value);
    ok = ok && p != 0;
    size += p;
  }
  if (grease != nullptr) {
    const std::size_t p = grease->n > kMaxReservedIndex
                              ? 0
                              : pair_size(reserved_type(grease->n), grease->value);
    ok = ok && p != 0;
    size += p;
  }
  return ok ? size : 0;
}

}  // namespace

std::size_t settings_payload_size(const Settings& s, const GreaseSetting* grease) {
  bool ok = false;
  return payload_size(s, grease, ok);
}

namespace {

bool write_entries(ByteWriter& w, const Settings& s, const GreaseSetting* grease) {
  std::array<Entry, 5> entries{};
  const std::size_t n = non_default_entries(s, entries);
  bool written = true;
  for (std::size_t i = 0; i < n; ++i) {
    written = written && wire::write_varint(w, static_cast<std::uint64_t>(entries[i].id)) &&
              wire::write_varint(w, entries[i].value);
  }
  if (grease != nullptr) {
    written = written && wire::write_varint(w, reserved_type(grease->n)) &&
              wire::write_varint(w, grease->value);
  }
  return written;
}

}  // namespace

bool write_settings_frame(ByteWriter& w, const Settings& s, const GreaseSetting* grease) {
  bool ok = false;
  const std::size_t length = payload_size(s, grease, ok);
  if (!ok) return false;
  const std::size_t header = frame_header_size(to_wire(FrameType::settings), length);
  if (w.remaining() < header + length) return false;
  return write_frame_header(w, to_wire(FrameType::settings), length) && write_entries(w, s, grease);
}

bool write_settings_payload(ByteWriter& w, const Settings& s) {
  bool ok = false;
  const std::size_t length = payload_size(s, nullptr, ok);
  return ok && w.remaining() >= length && write_entries(w, s, nullptr);
}

// §7.2.4.2 and RFC 9204 §3.2.3: a limit may grow, never shrink; a
// non-zero table capacity and an enabled extension must stay as they were.
bool settings_compatible(const Settings& remembered, const Settings& current) {
  if (remembered.qpack_max_table_capacity != 0 &&
      current.qpack_max_table_capacity != remembered.qpack_max_table_capacity)
    return false;
  return current.max_field_section_size >= remembered.max_field_section_size &&
         current.qpack_blocked_streams >= remembered.qpack_blocked_streams &&
         (current.enable_connect_protocol || !remembered.enable_connect_protocol) &&
         (current.h3_datagram || !remembered.h3_datagram);
}

namespace {

// Remembers identifiers already seen in one SETTINGS frame.
class SeenSettings {
 public:
  // False if `id` was seen before (within the tracked set).
  bool insert(std::uint64_t id) {
    const int bit = known_bit(id);
    if (bit >= 0) {
      const std::uint32_t mask = std::uint32_t{1} << bit;
      if (known_ & mask) return false;
      known_ |= mask;
      return true;
    }
    for (std::size_t i = 0; i < unknown_count_; ++i)
      if (unknown_[i] == id) return false;
    if (unknown_count_ < unknown_.size()) unknown_[unknown_count_++] = id;
    return true;
  }

 private:
  static int known_bit(std::uint64_t id) {
    switch (id) {
      case 0x01: return 0;
      case 0x06: return 1;
      case 0x07: return 2;
      case 0x08: return 3;
      case 0x33: return 4;
      default: return -1;
    }
  }
  std::uint32_t known_ = 0;
  std::array<std::uint64_t, kTrackedUnknownSettings> unknown_{};
  std::size_t unknown_count_ = 0;
};

Result<bool> parse_flag(std::uint64_t value, const char* why) {
  if (value > 1) return h3_error(H3Error::H3_SETTINGS_ERROR, why);
  return value == 1;
}

Status apply_setting(Settings& s, std::uint64_t id, std::uint64_t value) {
  switch (id) {
    case 0x01: s.qpack_max_table_capacity = value; break;
    case 0x06: s.max_field_section_size = value; break;
    case 0x07: s.qpack_blocked_streams = value; break;
    case 0x08: {
      TQUIC_TRY_ASSIGN(s.enable_connect_protocol,
                       parse_flag(value, "SETTINGS_ENABLE_CONNECT_PROTOCOL not 0 or 1"));
      break;
    }
    case 0x33: {
      TQUIC_TRY_ASSIGN(s.h3_datagram, parse_flag(value, "SETTINGS_H3_DATAGRAM not 0 or 1"));
      break;
    }
    default: break;  // unknown or reserved: ignored (§7.2.4, §9)
  }
  return ok_status();
}

}  // namespace

Result<Settings> parse_settings_payload(ByteSpan payload) {
  Settings s;
  SeenSettings seen;
  ByteReader r(payload);
  while (!r.empty()) {
    std::uint64_t id = 0;
    std::uint64_t value = 0;
    if (!wire::read_varint(r, id) || !wire::read_varint(r, value))
      return h3_error(H3Error::H3_FRAME_ERROR, "SETTINGS parameter truncated");
    if (is_http2_setting_id(id))
      return h3_error(H3Error::H3_SETTINGS_ERROR, "HTTP/2 setting in SETTINGS");
    if (!seen.insert(id))
      return h3_error(H3Error::H3_SETTINGS_ERROR, "duplicate setting identifier");
    TQUIC_TRY(apply_setting(s, id, value));
  }
  return s;
}

}  // namespace tquic::h3
