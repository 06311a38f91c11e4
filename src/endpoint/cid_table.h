// Connection ID -> connection slot routing (RFC 9000 §5.2): the table every
// received datagram is looked up in.
//
// Open addressing with linear probing over a power-of-two array of inline
// entries; deletion shifts the following run back (no tombstones, so probe
// lengths never degrade under churn). A lookup hashes the key bytes in place
// and touches only the entries of one run: no allocation, no pointer chasing
// (HOTPATH.md rule 1). The array grows only in reserve(), which the endpoint
// calls when it sets up a connection; insert() never allocates and reports
// `full` instead.
//
// Keys are the bytes of a CID (0..20 bytes) -- or any other short byte
// string such as a stateless reset token. The hash is keyed with secret
// bytes from the endpoint's CSPRNG, because clients choose the Destination
// CIDs of their first Initials and could otherwise aim them all at one run.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <vector>

#include "base/bytes.h"
#include "wire/connection_id.h"

namespace tquic::endpoint {

enum class CidInsert : std::uint8_t { inserted, duplicate, full };

class CidTable {
 public:
  static constexpr std::uint32_t kNoValue = 0xffffffffu;

  // `hash_key`: 32 secret bytes (fewer are zero-padded).
  explicit CidTable(ByteSpan hash_key = {});

  // Grows (rehashes) so that `entries` keys fit below the grow load (1/2);
  // inserts may then go on up to the full load (3/4).
  void reserve(std::size_t entries);

  CidInsert insert(ByteSpan key, std::uint32_t value);
  CidInsert insert(const wire::ConnectionId& cid, std::uint32_t value) { return insert(cid.span(), value); }
  // The value stored for `key`, or kNoValue.
  std::uint32_t find(ByteSpan key) const;
  std::uint32_t find(const wire::ConnectionId& cid) const { return find(cid.span()); }
  bool erase(ByteSpan key);
  bool erase(const wire::ConnectionId& cid) { return erase(cid.span()); }

  std::size_t size() const { return size_; }
  std::size_t capacity() const { return entries_.size(); }

 private:
  struct Entry {
    std::uint32_t hash = 0;     // 0: empty (real hashes have the top bit set)
    std::uint32_t value = kNoValue;
    std::uint8_t length = 0;
    std::array<std::uint8_t, wire::kMaxCidLength> bytes{};
  };

  std::uint32_t hash_of(ByteSpan key) const;
  std::size_t home_of(std::uint32_t hash) const { return hash & (entries_.size() - 1); }
  std::size_t find_index(ByteSpan key, std::uint32_t hash) const;  // capacity() if absent
  void place(const Entry& e);
  std::size_t full_load() const { return entries_.size() / 4 * 3; }

  std::array<std::uint64_t, 4> key_{};
  std::vector<Entry> entries_;
  std::size_t size_ = 0;
};

}  // namespace tquic::endpoint
