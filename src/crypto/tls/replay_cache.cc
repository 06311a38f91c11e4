#include "crypto/tls/replay_cache.h"

namespace tquic::crypto {

ReplayCache::ReplayCache(std::size_t capacity) : ring_(capacity ? capacity : 1) {
  index_.reserve(ring_.size());
}

std::uint64_t ReplayCache::hash_key(const unsigned char* key, std::size_t len) {
  std::uint64_t h = 0xcbf29ce484222325ull;  // FNV-1a; a collision only rejects 0-RTT
  for (std::size_t i = 0; i < len; ++i) {
    h ^= key[i];
    h *= 0x100000001b3ull;
  }
  return h;
}

bool ReplayCache::insert(const unsigned char* key, std::size_t len, std::time_t expires) {
  const std::uint64_t h = hash_key(key, len);
  if (index_.count(h) != 0) return false;
  Entry& slot = ring_[next_];
  if (slot.expires != 0) index_.erase(index_.find(slot.hash));
  slot = Entry{h, expires ? expires : 1};
  index_.insert(h);
  next_ = (next_ + 1) % ring_.size();
  return true;
}

}  // namespace tquic::crypto
