#include "crypto/stateless_reset.h"

#include <gnutls/crypto.h>

#include <array>
#include <cstring>
#include <utility>

#include "crypto/secret.h"

namespace tquic::crypto {
namespace {

gnutls_hmac_hd_t as_hmac(void* h) { return static_cast<gnutls_hmac_hd_t>(h); }

}  // namespace

Result<KeyedHasher> KeyedHasher::create(ByteSpan static_key) {
  if (static_key.size() < kMinStaticKeyLength) return Error::local("static key too short");
  gnutls_hmac_hd_t handle = nullptr;
  if (gnutls_hmac_init(&handle, GNUTLS_MAC_SHA256, static_key.data(), static_key.size()) != 0) {
    return Error::local("HMAC-SHA256 key setup failed");
  }
  return KeyedHasher(handle);
}

KeyedHasher::KeyedHasher(KeyedHasher&& other) noexcept
    : handle_(std::exchange(other.handle_, nullptr)) {}

KeyedHasher& KeyedHasher::operator=(KeyedHasher&& other) noexcept {
  if (this != &other) {
    if (handle_ != nullptr) gnutls_hmac_deinit(as_hmac(handle_), nullptr);
    handle_ = std::exchange(other.handle_, nullptr);
  }
  return *this;
}

KeyedHasher::~KeyedHasher() {
  if (handle_ != nullptr) gnutls_hmac_deinit(as_hmac(handle_), nullptr);
}

Status KeyedHasher::digest(ByteSpan input, MutByteSpan out) {
  if (handle_ == nullptr) return Error::local("keyed hasher has no key");
  if (out.size() > kKeyedDigestLength) return Error::local("keyed digest output too long");
  std::array<std::uint8_t, kKeyedDigestLength> full{};
  const bool ok = input.empty() || gnutls_hmac(as_hmac(handle_), input.data(), input.size()) == 0;
  // Always finish: gnutls_hmac_output also resets the keyed state for reuse.
  gnutls_hmac_output(as_hmac(handle_), full.data());
  if (!ok) return Error::local("HMAC-SHA256 failed");
  if (!out.empty()) std::memcpy(out.data(), full.data(), out.size());
  secure_zero(MutByteSpan(full));
  return ok_status();
}

Result<StatelessResetTokenGenerator> StatelessResetTokenGenerator::create(ByteSpan static_key) {
  TQUIC_TRY_ASSIGN(auto hasher, KeyedHasher::create(static_key));
  return StatelessResetTokenGenerator(std::move(hasher));
}

Result<wire::StatelessResetToken> StatelessResetTokenGenerator::token_for(
    const wire::ConnectionId& cid) {
  wire::StatelessResetToken token{};
  TQUIC_TRY(hasher_.digest(cid.span(), MutByteSpan(token)));
  return token;
}

}  // namespace tquic::crypto
