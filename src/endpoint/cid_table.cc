#include "endpoint/cid_table.h"

#include <algorithm>
#include <cstring>

namespace tquic::endpoint {
namespace {

constexpr std::size_t kMinCapacity = 16;

std::uint64_t load_u64(const std::uint8_t* p, std::size_t n) {
  std::uint64_t v = 0;
  std::memcpy(&v, p, std::min<std::size_t>(n, 8));
  return v;
}

// 64x64 -> 128 multiply folded to 64 bits (the wyhash/mum mixing step).
std::uint64_t mum(std::uint64_t a, std::uint64_t b) {
  __extension__ using U128 = unsigned __int128;
  const U128 r = static_cast<U128>(a) * b;
  return static_cast<std::uint64_t>(r) ^ static_cast<std::uint64_t>(r >> 64);
}

bool same_key(ByteSpan key, const std::uint8_t* bytes, std::size_t length) {
  return key.size() == length && (length == 0 || std::memcmp(key.data(), bytes, length) == 0);
}

}  // namespace

CidTable::CidTable(ByteSpan hash_key) {
  std::array<std::uint8_t, 32> k{};
  if (!hash_key.empty()) std::memcpy(k.data(), hash_key.data(), std::min(hash_key.size(), k.size()));
  for (std::size_t i = 0; i < 4; ++i) key_[i] = load_u64(k.data() + 8 * i, 8) ^ (0x9e3779b97f4a7c15ull * (i + 1));
  entries_.resize(kMinCapacity);
}

// Keys are at most 20 bytes: three words plus the length, each folded in
// with its own secret word.
std::uint32_t CidTable::hash_of(ByteSpan key) const {
  const std::size_t n = std::min(key.size(), wire::kMaxCidLength);
  std::array<std::uint8_t, 24> buf{};
  if (n) std::memcpy(buf.data(), key.data(), n);
  const std::uint64_t a = load_u64(buf.data(), 8), b = load_u64(buf.data() + 8, 8),
                      c = load_u64(buf.data() + 16, 8);
  const std::uint64_t h = mum(a ^ key_[0], b ^ key_[1]) ^ mum(c ^ key_[2], n ^ key_[3]);
  const std::uint64_t f = mum(h, 0xa0761d6478bd642full ^ key_[0]);
  return static_cast<std::uint32_t>(f) | 0x80000000u;
}

std::size_t CidTable::find_index(ByteSpan key, std::uint32_t hash) const {
  const std::size_t mask = entries_.size() - 1;
  for (std::size_t i = home_of(hash), probes = 0; probes < entries_.size(); i = (i + 1) & mask, ++probes) {
    const Entry& e = entries_[i];
    if (e.hash == 0) break;
    if (e.hash == hash && same_key(key, e.bytes.data(), e.length)) return i;
  }
  return entries_.size();
}

void CidTable::place(const Entry& e) {
  const std::size_t mask = entries_.size() - 1;
  std::size_t i = home_of(e.hash);
  while (entries_[i].hash != 0) i = (i + 1) & mask;
  entries_[i] = e;
}

void CidTable::reserve(std::size_t wanted) {
  std::size_t cap = entries_.size();
  while (cap / 2 < wanted) cap *= 2;
  if (cap == entries_.size()) return;
  std::vector<Entry> old(cap);
  old.swap(entries_);
  for (const Entry& e : old)
    if (e.hash != 0) place(e);
}

CidInsert CidTable::insert(ByteSpan key, std::uint32_t value) {
  if (key.size() > wire::kMaxCidLength) return CidInsert::full;
  const std::uint32_t h = hash_of(key);
  if (find_index(key, h) != entries_.size()) return CidInsert::duplicate;
  if (size_ + 1 > full_load()) return CidInsert::full;
  Entry e;
  e.hash = h;
  e.value = value;
  e.length = static_cast<std::uint8_t>(key.size());
  if (!key.empty()) std::memcpy(e.bytes.data(), key.data(), key.size());
  place(e);
  ++size_;
  return CidInsert::inserted;
}

std::uint32_t CidTable::find(ByteSpan key) const {
  if (key.size() > wire::kMaxCidLength) return kNoValue;
  const std::size_t i = find_index(key, hash_of(key));
  return i == entries_.size() ? kNoValue : entries_[i].value;
}

// Backward-shift deletion: every later entry of the run whose home is not
// between the hole and itself moves into the hole.
bool CidTable::erase(ByteSpan key) {
  if (key.size() > wire::kMaxCidLength) return false;
  std::size_t hole = find_index(key, hash_of(key));
  if (hole == entries_.size()) return false;
  const std::size_t mask = entries_.size() - 1;
  for (std::size_t j = (hole + 1) & mask; entries_[j].hash != 0; j = (j + 1) & mask) {
    const std::size_t home = home_of(entries_[j].hash);
    const bool stays = hole <= j ? (hole < home && home <= j) : (hole < home || home <= j);
    if (stays) continue;
    entries_[hole] = entries_[j];
    hole = j;
  }
  entries_[hole] = Entry{};
  --size_;
  return true;
}

}  // namespace tquic::endpoint
