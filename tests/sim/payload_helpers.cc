#include "sim/payload_helpers.h"

#include <openssl/evp.h>

#include <algorithm>
#include <cstdlib>
#include <utility>

namespace tquic::sim {
namespace {

std::uint64_t payload_word(std::uint64_t seed, std::uint64_t index) {
  // splitmix64 finaliser over (seed, index): independent of every other word.
  std::uint64_t z = seed * 0x9e3779b97f4a7c15ULL + index * 0xbf58476d1ce4e5b9ULL + 0x94d049bb133111ebULL;
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

}  // namespace

Sha256::Sha256() : ctx_(EVP_MD_CTX_new()) {
  if (ctx_ == nullptr || EVP_DigestInit_ex(ctx_, EVP_sha256(), nullptr) != 1) std::abort();
}

Sha256::~Sha256() { EVP_MD_CTX_free(ctx_); }

Sha256::Sha256(Sha256&& other) noexcept : ctx_(std::exchange(other.ctx_, nullptr)) {}

Sha256& Sha256::operator=(Sha256&& other) noexcept {
  if (this != &other) {
    EVP_MD_CTX_free(ctx_);
    ctx_ = std::exchange(other.ctx_, nullptr);
  }
  return *this;
}

void Sha256::update(ByteSpan data) {
  if (!data.empty() && EVP_DigestUpdate(ctx_, data.data(), data.size()) != 1) std::abort();
}

Digest Sha256::finish() {
  Digest d{};
  unsigned int len = 0;
  if (EVP_DigestFinal_ex(ctx_, d.data(), &len) != 1 || len != d.size()) std::abort();
  return d;
}

void fill_payload(std::uint64_t seed, std::uint64_t offset, MutByteSpan out) {
  std::size_t i = 0;
  while (i < out.size()) {
    const std::uint64_t pos = offset + i;
    const std::uint64_t word = payload_word(seed, pos / 8);
    const std::size_t in_word = static_cast<std::size_t>(pos % 8);
    const std::size_t n = std::min<std::size_t>(8 - in_word, out.size() - i);
    for (std::size_t k = 0; k < n; ++k) out[i + k] = static_cast<std::uint8_t>(word >> (8 * (in_word + k)));
    i += n;
  }
}

Digest payload_digest(std::uint64_t seed, std::uint64_t size) {
  Sha256 sha;
  std::vector<std::uint8_t> buf(64 * 1024);
  for (std::uint64_t off = 0; off < size; off += buf.size()) {
    const std::size_t n = static_cast<std::size_t>(std::min<std::uint64_t>(buf.size(), size - off));
    fill_payload(seed, off, MutByteSpan(buf.data(), n));
    sha.update(ByteSpan(buf.data(), n));
  }
  return sha.finish();
}

PayloadSource::PayloadSource(std::uint64_t seed, std::uint64_t size)
    : seed_(seed), size_(size), window_(kWindow) {}

ByteSpan PayloadSource::pending() {
  if (window_begin_ == window_end_ && taken_ < size_) {
    const std::size_t n = static_cast<std::size_t>(std::min<std::uint64_t>(window_.size(), size_ - taken_));
    fill_payload(seed_, taken_, MutByteSpan(window_.data(), n));
    window_begin_ = 0;
    window_end_ = n;
  }
  return ByteSpan(window_.data() + window_begin_, window_end_ - window_begin_);
}

void PayloadSource::consume(std::size_t n) {
  n = std::min(n, window_end_ - window_begin_);
  window_begin_ += n;
  taken_ += n;
}

}  // namespace tquic::sim
