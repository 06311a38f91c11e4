// Header protection (RFC 9001 §5.4): a 5-byte mask computed from a 16-byte
// sample of the ciphertext hides the low bits of the first byte and the
// packet number. One HeaderProtector per "quic hp" key, created once and
// reused; computing a mask never allocates.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <memory>

#include "base/bytes.h"
#include "base/result.h"
#include "crypto/cipher_suite.h"
#include "crypto/crypto_backend.h"

namespace tquic::crypto {

inline constexpr std::size_t kHpMaskLength = 5;
inline constexpr std::size_t kMaxPacketNumberLength = 4;
using HeaderProtectionMask = std::array<std::uint8_t, kHpMaskLength>;

class HeaderProtector {
 public:
  virtual ~HeaderProtector() = default;
  HeaderProtector(const HeaderProtector&) = delete;
  HeaderProtector& operator=(const HeaderProtector&) = delete;

  // mask = AES-ECB(hp, sample)[0..5] or ChaCha20(hp, counter=sample[0..4],
  // nonce=sample[4..16], {0,0,0,0,0}). `sample` must be 16 bytes.
  virtual Status make_mask(ByteSpan sample, HeaderProtectionMask& mask) = 0;
  virtual CryptoBackend backend() const = 0;

 protected:
  HeaderProtector() = default;
};

// Checks the header protection key size for `suite`.
Status check_hp_key_size(CipherSuite suite, ByteSpan hp_key);

Result<std::unique_ptr<HeaderProtector>> make_openssl_header_protector(CipherSuite suite,
                                                                       ByteSpan hp_key);
Result<std::unique_ptr<HeaderProtector>> make_gnutls_header_protector(CipherSuite suite,
                                                                      ByteSpan hp_key);

// What a receiver learns from a packet. too_short and authentication_failed
// mean "drop the packet" (RFC 9001 §5.4.2, §9.5), not a connection error.
enum class UnprotectOutcome : std::uint8_t { ok, too_short, authentication_failed };

// Sender side (§5.4.1): `packet` holds header (with the unprotected first
// byte and packet number at pn_offset) and sealed payload; the sample starts
// at pn_offset + 4 and must lie inside `packet` (the caller pads).
Status apply_header_protection(MutByteSpan packet, std::size_t pn_offset, std::size_t pn_length,
                               HeaderProtector& hp);

struct RemovedHeaderProtection {
  UnprotectOutcome outcome = UnprotectOutcome::too_short;
  std::uint8_t first_byte = 0;     // with protection removed
  std::size_t pn_length = 0;       // 1..4, from the unprotected first byte
  std::uint32_t truncated_pn = 0;  // the encoded packet number field
  std::size_t header_length = 0;   // pn_offset + pn_length: AEAD associated data
};

// Receiver side: removes protection in place without knowing the packet
// number length (sample at pn_offset + 4). The first byte and all four
// candidate packet number bytes are processed the same way whatever the
// length turns out to be (no branch on secret bits, §9.5). A packet too short
// to hold a sample is reported as UnprotectOutcome::too_short, untouched.
Result<RemovedHeaderProtection> remove_header_protection(MutByteSpan packet, std::size_t pn_offset,
                                                         HeaderProtector& hp);

}  // namespace tquic::crypto
