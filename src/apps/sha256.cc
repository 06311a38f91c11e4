#include "apps/sha256.h"

#include <openssl/evp.h>

#include <utility>

namespace tquic::apps {
namespace {

EVP_MD_CTX* md(void* p) { return static_cast<EVP_MD_CTX*>(p); }

}  // namespace

Sha256::Sha256() : ctx_(EVP_MD_CTX_new()) { EVP_DigestInit_ex(md(ctx_), EVP_sha256(), nullptr); }

Sha256::~Sha256() {
  if (ctx_) EVP_MD_CTX_free(md(ctx_));
}

Sha256::Sha256(Sha256&& o) noexcept : ctx_(std::exchange(o.ctx_, nullptr)) {}

Sha256& Sha256::operator=(Sha256&& o) noexcept {
  if (this != &o) {
    if (ctx_) EVP_MD_CTX_free(md(ctx_));
    ctx_ = std::exchange(o.ctx_, nullptr);
  }
  return *this;
}

void Sha256::update(ByteSpan data) {
  if (!data.empty()) EVP_DigestUpdate(md(ctx_), data.data(), data.size());
}

std::array<std::uint8_t, 32> Sha256::digest() {
  std::array<std::uint8_t, 32> out{};
  unsigned len = 0;
  EVP_DigestFinal_ex(md(ctx_), out.data(), &len);
  EVP_DigestInit_ex(md(ctx_), EVP_sha256(), nullptr);
  return out;
}

std::string Sha256::hex_digest() {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string s;
  for (std::uint8_t b : digest()) {
    s.push_back(kHex[b >> 4]);
    s.push_back(kHex[b & 0xf]);
  }
  return s;
}

}  // namespace tquic::apps
