// Bounded anti-replay store for TLS 1.3 0-RTT (RFC 8446 §8, RFC 9001 §9.2).
// GnuTLS asks it to remember each ClientHello that carried early data within
// the replay window; a second sighting makes the server reject 0-RTT. Memory
// is fixed at construction: when full, the oldest entry is evicted, which
// only ever turns a would-be-accepted 0-RTT into a rejected one (safe).
#pragma once

#include <cstddef>
#include <cstdint>
#include <ctime>
#include <unordered_set>
#include <vector>

namespace tquic::crypto {

class ReplayCache {
 public:
  explicit ReplayCache(std::size_t capacity);

  // True if `key` was new and is now stored; false if it was seen before.
  bool insert(const unsigned char* key, std::size_t len, std::time_t expires);
  std::size_t size() const { return index_.size(); }

 private:
  struct Entry {
    std::uint64_t hash = 0;
    std::time_t expires = 0;
  };
  static std::uint64_t hash_key(const unsigned char* key, std::size_t len);

  std::vector<Entry> ring_;
  std::size_t next_ = 0;
  std::unordered_multiset<std::uint64_t> index_;
};

}  // namespace tquic::crypto
