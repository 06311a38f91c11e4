// Version Negotiation packets (RFC 9000 §6, §17.2.1; RFC 8999 §6). VN is
// version independent: its CIDs echo those of a packet of any version, so
// they are handled as views of up to 255 bytes.
#pragma once

#include <cstddef>
#include <cstdint>
#include <iterator>
#include <span>

#include "base/bytes.h"
#include "base/result.h"

namespace tquic::wire {

// A view of the Supported Version list (big-endian 32-bit values).
class VersionList {
 public:
  class Iterator {
   public:
    using iterator_category = std::forward_iterator_tag;
    using value_type = std::uint32_t;
    using difference_type = std::ptrdiff_t;
    using pointer = void;
    using reference = std::uint32_t;

    Iterator() = default;
    Iterator(const VersionList* list, std::size_t i) : list_(list), i_(i) {}
    std::uint32_t operator*() const { return (*list_)[i_]; }
    Iterator& operator++() {
      ++i_;
      return *this;
    }
    Iterator operator++(int) {
      Iterator old = *this;
      ++i_;
      return old;
    }
    friend bool operator==(const Iterator& a, const Iterator& b) { return a.i_ == b.i_; }

   private:
    const VersionList* list_ = nullptr;
    std::size_t i_ = 0;
  };

  VersionList() = default;
  // Precondition: bytes.size() is a multiple of 4 (parse_version_negotiation
  // checks it).
  explicit VersionList(ByteSpan bytes) : bytes_(bytes) {}

  std::size_t size() const { return bytes_.size() / 4; }
  bool empty() const { return size() == 0; }
  std::uint32_t operator[](std::size_t i) const {
    const std::uint8_t* p = bytes_.data() + 4 * i;
    return (std::uint32_t{p[0]} << 24) | (std::uint32_t{p[1]} << 16) |
           (std::uint32_t{p[2]} << 8) | std::uint32_t{p[3]};
  }
  bool contains(std::uint32_t version) const {
    for (std::uint32_t v : *this)
      if (v == version) return true;
    return false;
  }
  Iterator begin() const { return Iterator(this, 0); }
  Iterator end() const { return Iterator(this, size()); }
  ByteSpan bytes() const { return bytes_; }

 private:
  ByteSpan bytes_{};
};

struct VersionNegotiationPacket {
  std::uint8_t first_byte = 0;  // Unused bits: arbitrary, ignore
  ByteSpan dcid;                // 0..255 bytes
  ByteSpan scid;                // 0..255 bytes
  VersionList versions;         // never empty
};

// `packet` is the whole rest of the datagram (a VN packet is never
// coalesced). Errors (header drops, wire/header_drop.h): truncated; not a
// long header or version != 0 (malformed_version_negotiation); empty list or
// a list not a multiple of 4 bytes (malformed_version_negotiation).
Result<VersionNegotiationPacket> parse_version_negotiation(ByteSpan packet);

// Bytes needed for a VN packet; 0 if a CID is longer than 255 bytes or
// `version_count` is 0.
std::size_t version_negotiation_size(std::size_t dcid_length, std::size_t scid_length,
                                     std::size_t version_count);

// Writes a VN packet. `dcid` must be the Source CID of the packet being
// answered and `scid` its Destination CID (RFC 9000 §17.2.1). The first byte
// is 0x80 | 0x40 (looks like the Fixed Bit, RFC 9000 §17.2.1) | the low 6
// bits of `random_first_byte_bits`. Errors: local (bad arguments), blocked
// (no room); writes nothing on error.
Status write_version_negotiation(ByteWriter& w, ByteSpan dcid, ByteSpan scid,
                                 std::span<const std::uint32_t> versions,
                                 std::uint8_t random_first_byte_bits);

}  // namespace tquic::wire
