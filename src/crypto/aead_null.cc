#include "crypto/aead_null.h"

#include <algorithm>
#include <array>
#include <cstring>

namespace tquic::crypto {
namespace {

// Two FNV-1a style 64-bit lanes. Each step is a bijection of the state for a
// fixed input byte, so changing any single byte always changes the tag.
class Checksum {
 public:
  void add(ByteSpan bytes) {
    for (std::uint8_t b : bytes) {
      a_ = (a_ ^ b) * 0x100000001b3ULL;
      b_ = (b_ ^ b) * 0x9e3779b97f4a7c15ULL + 0x632be59bd9b4e019ULL;
    }
  }
  void add_u64(std::uint64_t v) {
    std::array<std::uint8_t, 8> bytes{};
    for (std::size_t i = 0; i < 8; ++i) bytes[i] = static_cast<std::uint8_t>(v >> (8 * i));
    add(bytes);
  }
  void write(std::uint8_t* tag) const {
    for (std::size_t i = 0; i < 8; ++i) {
      tag[i] = static_cast<std::uint8_t>(a_ >> (8 * i));
      tag[8 + i] = static_cast<std::uint8_t>(b_ >> (8 * i));
    }
  }

 private:
  std::uint64_t a_ = 0xcbf29ce484222325ULL;
  std::uint64_t b_ = 0x84222325cbf29ce4ULL;
};

class NullAead final : public Aead {
 public:
  NullAead(CipherSuite suite, ByteSpan key, const AeadNonce& iv) : Aead(suite, iv) {
    key_len_ = std::min(key.size(), key_.size());
    if (key_len_ > 0) std::memcpy(key_.data(), key.data(), key_len_);
  }

  Status seal(std::uint64_t packet_number, ByteSpan associated_data, MutByteSpan buffer) override {
    if (buffer.size() < kTag) return Error::local("AEAD buffer shorter than the tag");
    tag_for(packet_number, associated_data, buffer.first(buffer.size() - kTag),
            buffer.data() + buffer.size() - kTag);
    return ok_status();
  }

  Result<OpenOutcome> open(std::uint64_t packet_number, ByteSpan associated_data,
                           MutByteSpan buffer) override {
    if (buffer.size() < kTag) return Error::local("AEAD buffer shorter than the tag");
    std::array<std::uint8_t, kAeadTagLength> expected{};
    tag_for(packet_number, associated_data, buffer.first(buffer.size() - kTag), expected.data());
    std::uint8_t diff = 0;  // constant-time compare, like the real AEADs
    for (std::size_t i = 0; i < kTag; ++i) diff |= expected[i] ^ buffer[buffer.size() - kTag + i];
    return diff == 0 ? OpenOutcome::ok : OpenOutcome::authentication_failed;
  }

  CryptoBackend backend() const override { return CryptoBackend::null_for_testing; }

 private:
  void tag_for(std::uint64_t pn, ByteSpan ad, ByteSpan payload, std::uint8_t* tag) const {
    Checksum c;
    c.add(ByteSpan(key_.data(), key_len_));
    c.add(nonce_for(pn));
    c.add_u64(ad.size());
    c.add(ad);
    c.add_u64(payload.size());
    c.add(payload);
    c.write(tag);
  }

  std::array<std::uint8_t, kMaxAeadKeyLength> key_{};
  std::size_t key_len_ = 0;
};

class NullHeaderProtector final : public HeaderProtector {
 public:
  Status make_mask(ByteSpan sample, HeaderProtectionMask& mask) override {
    if (sample.size() != kHpSampleLength)
      return Error::local("header protection sample must be 16 bytes");
    mask.fill(0);
    return ok_status();
  }
  CryptoBackend backend() const override { return CryptoBackend::null_for_testing; }
};

Result<std::unique_ptr<Aead>> make_null_aead(CipherSuite suite, ByteSpan key, ByteSpan iv) {
  if (key.size() > kMaxAeadKeyLength || iv.size() != kAeadIvLength) {
    return Error::local("null AEAD key or IV has the wrong length");
  }
  return std::unique_ptr<Aead>(new NullAead(suite, key, aead_iv_from(iv)));
}

}  // namespace

NullProtection make_null_protection_for_testing() {
  const std::array<std::uint8_t, kAeadIvLength> zero_iv{};
  NullProtection p;
  p.aead.reset(new NullAead(CipherSuite::aes_128_gcm_sha256, ByteSpan(), aead_iv_from(zero_iv)));
  p.header_protector.reset(new NullHeaderProtector());
  p.aead_factory = &make_null_aead;
  return p;
}

}  // namespace tquic::crypto
