// AEAD packet protection interface (RFC 9001 §5.3).
//
// One Aead object holds one key and IV, with the library context created
// once when the key is installed and reused for every packet: sealing and
// opening never allocate. Both operations work in place on the packet
// buffer, so the encryption is the copy (HOTPATH.md rule 2):
//
//   seal: buffer = plaintext (buffer.size() - 16 bytes) followed by 16 spare
//         bytes; afterwards buffer = ciphertext || tag.
//   open: buffer = ciphertext || tag; afterwards its first buffer.size() - 16
//         bytes are the plaintext (on authentication failure the contents are
//         unspecified and must be discarded).
//
// The nonce is the IV XOR the 62-bit packet number, left-padded (§5.3).
// An Aead object is owned by one connection and used by one thread at a time.
#pragma once

#include <array>
#include <cstdint>
#include <memory>

#include "base/bytes.h"
#include "base/result.h"
#include "crypto/cipher_suite.h"
#include "crypto/crypto_backend.h"

namespace tquic::crypto {

using AeadNonce = std::array<std::uint8_t, kAeadIvLength>;

// Result of opening a packet. authentication_failed is an ordinary event on
// the receive path, not an error: the packet is dropped and counted against
// the integrity limit (RFC 9001 §6.6, §9.5).
enum class OpenOutcome : std::uint8_t { ok, authentication_failed };

class Aead {
 public:
  virtual ~Aead() = default;
  Aead(const Aead&) = delete;
  Aead& operator=(const Aead&) = delete;

  // Local error only on misuse (buffer shorter than the tag) or library failure.
  virtual Status seal(std::uint64_t packet_number, ByteSpan associated_data,
                      MutByteSpan buffer) = 0;
  // A forged or corrupted packet yields OpenOutcome::authentication_failed,
  // never an Error. Error = misuse or library failure.
  virtual Result<OpenOutcome> open(std::uint64_t packet_number, ByteSpan associated_data,
                                   MutByteSpan buffer) = 0;

  virtual CryptoBackend backend() const = 0;
  CipherSuite suite() const { return suite_; }

  // IV XOR left-padded packet number (RFC 9001 §5.3).
  AeadNonce nonce_for(std::uint64_t packet_number) const;

 protected:
  Aead(CipherSuite suite, const AeadNonce& iv) : suite_(suite), iv_(iv) {}
  static constexpr std::size_t kTag = kAeadTagLength;

 private:
  CipherSuite suite_;
  AeadNonce iv_;
};

// Creates an AEAD for `suite` from raw key and IV bytes (key.size() must be
// the suite's key length, iv.size() == 12) with the given library.
using AeadFactory = Result<std::unique_ptr<Aead>> (*)(CipherSuite suite, ByteSpan key, ByteSpan iv);

}  // namespace tquic::crypto

namespace tquic::crypto {

// Checks that `key` and `iv` have the sizes `suite` needs.
Status check_aead_key_sizes(CipherSuite suite, ByteSpan key, ByteSpan iv);
// Copies a 12-byte IV (sizes already checked).
AeadNonce aead_iv_from(ByteSpan iv);

}  // namespace tquic::crypto
