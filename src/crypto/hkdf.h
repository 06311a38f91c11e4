// HKDF (RFC 5869) and TLS 1.3 HKDF-Expand-Label (RFC 8446 §7.1) for SHA-256
// and SHA-384: the key schedule pieces QUIC uses (RFC 9001 §5.1, §5.2, §6.1).
// Used when keys change, never per packet.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "base/bytes.h"
#include "base/result.h"
#include "crypto/cipher_suite.h"

namespace tquic::crypto {

// The "tls13 " prefix plus label must fit in the HkdfLabel's 8-bit length.
inline constexpr std::size_t kMaxHkdfLabelLength = 255 - 6;
inline constexpr std::size_t kMaxHkdfContextLength = 255;

// PRK = HMAC-Hash(salt, IKM); `prk_out` must be exactly hash_length(hash).
Status hkdf_extract(HashAlgorithm hash, ByteSpan salt, ByteSpan ikm, MutByteSpan prk_out);

// OKM = T(1) | T(2) | ... truncated to out.size() (at most 255 * hash length).
Status hkdf_expand(HashAlgorithm hash, ByteSpan prk, ByteSpan info, MutByteSpan out);

// Serialises the TLS 1.3 HkdfLabel { uint16 length; opaque label<7..255> =
// "tls13 " + label; opaque context<0..255> } into `out`; returns its size.
Result<std::size_t> encode_hkdf_label(std::uint16_t length, std::string_view label,
                                      ByteSpan context, MutByteSpan out);

// HKDF-Expand-Label(secret, label, context, out.size()).
Status hkdf_expand_label(HashAlgorithm hash, ByteSpan secret, std::string_view label,
                         ByteSpan context, MutByteSpan out);

}  // namespace tquic::crypto
