#include "endpoint/token.h"

#include <array>
#include <cstring>

#include "crypto/backend_selection.h"

namespace tquic::endpoint {
namespace {

constexpr std::uint8_t kMarker = 0xb0;
constexpr std::size_t kHeaderLength = 1 + 16;
constexpr std::size_t kTagLength = 16;
constexpr std::size_t kMinSealed = 8 + 1 + 4 + 1 + 1;  // IPv4, empty CIDs
constexpr std::uint64_t kMaxClockSkewSeconds = 2;

bool write_cid(ByteWriter& w, const wire::ConnectionId& cid) {
  return w.write_u8(static_cast<std::uint8_t>(cid.size())) && w.write_bytes(cid.span());
}

bool read_cid(ByteReader& r, wire::ConnectionId& cid) {
  std::uint8_t n = 0;
  ByteSpan b;
  return r.read_u8(n) && r.read_span(n, b) && wire::ConnectionId::from_bytes(b, cid);
}

bool write_plaintext(ByteWriter& w, const TokenFields& f) {
  const std::size_t ip_len = f.client.ip_size();
  return ip_len != 0 && w.write_u64(f.issued_unix_seconds) &&
         w.write_u8(static_cast<std::uint8_t>(f.client.family)) &&
         w.write_bytes(ByteSpan(f.client.ip.data(), ip_len)) && write_cid(w, f.original_dcid) &&
         write_cid(w, f.retry_scid);
}

bool read_plaintext(ByteSpan plain, TokenFields& f) {
  ByteReader r(plain);
  std::uint8_t family = 0;
  if (!r.read_u64(f.issued_unix_seconds) || !r.read_u8(family)) return false;
  if (family != static_cast<std::uint8_t>(AddressFamily::ipv4) &&
      family != static_cast<std::uint8_t>(AddressFamily::ipv6))
    return false;
  f.client = NetAddress{};
  f.client.family = static_cast<AddressFamily>(family);
  ByteSpan ip;
  if (!r.read_span(f.client.ip_size(), ip)) return false;
  std::memcpy(f.client.ip.data(), ip.data(), ip.size());
  return read_cid(r, f.original_dcid) && read_cid(r, f.retry_scid) && r.empty();
}

Block sequence_block(std::uint64_t sequence) {
  Block b{};
  for (std::size_t i = 0; i < 8; ++i) b[i] = static_cast<std::uint8_t>(sequence >> (56 - 8 * i));
  return b;
}

}  // namespace

bool token_kind(ByteSpan token, TokenKind& kind) {
  if (token.empty() || (token[0] & 0xf0) != kMarker) return false;
  const std::uint8_t k = token[0] & 0x0f;
  if (k != static_cast<std::uint8_t>(TokenKind::retry) && k != static_cast<std::uint8_t>(TokenKind::new_token))
    return false;
  kind = static_cast<TokenKind>(k);
  return true;
}

Status TokenCodec::configure(ByteSpan key_material, std::uint64_t first_sequence) {
  if (key_material.size() != kTokenKeyMaterialLength) return Error::local("token key material must be 44 bytes");
  TQUIC_TRY_ASSIGN(aead_, crypto::make_aead(crypto::CipherSuite::aes_128_gcm_sha256, key_material.first(16),
                                            key_material.subspan(16, 12)));
  if (!mask_.set_key(key_material.subspan(28, 16))) return Error::local("cannot set up the token mask key");
  next_sequence_ = first_sequence;
  return ok_status();
}

Result<std::size_t> TokenCodec::seal(const TokenFields& f, MutByteSpan out) {
  if (!aead_) return Error::local("token codec not configured");
  if (out.size() < kMaxTokenLength) return Error::local("token buffer too small");
  const std::uint64_t sequence = next_sequence_++;
  Block masked{};
  if (!mask_.encrypt(sequence_block(sequence), masked)) return Error::local("token mask failed");
  out[0] = static_cast<std::uint8_t>(kMarker | static_cast<std::uint8_t>(f.kind));
  std::memcpy(out.data() + 1, masked.data(), masked.size());
  ByteWriter w(out.subspan(kHeaderLength, out.size() - kHeaderLength - kTagLength));
  if (!write_plaintext(w, f)) return Error::local("token fields do not encode");
  const std::size_t sealed = w.written() + kTagLength;
  TQUIC_TRY(aead_->seal(sequence, ByteSpan(out.data(), kHeaderLength), out.subspan(kHeaderLength, sealed)));
  return kHeaderLength + sealed;
}

TokenCheck TokenCodec::open(ByteSpan token, TokenFields& out) {
  TokenKind kind{};
  if (!aead_ || !token_kind(token, kind)) return TokenCheck::malformed;
  if (token.size() < kHeaderLength + kMinSealed + kTagLength || token.size() > kMaxTokenLength)
    return TokenCheck::malformed;
  Block masked{}, plain_block{};
  std::memcpy(masked.data(), token.data() + 1, masked.size());
  if (!mask_.decrypt(masked, plain_block)) return TokenCheck::forged;
  for (std::size_t i = 8; i < 16; ++i)
    if (plain_block[i] != 0) return TokenCheck::forged;  // cheap early rejection
  std::uint64_t sequence = 0;
  for (std::size_t i = 0; i < 8; ++i) sequence = (sequence << 8) | plain_block[i];
  std::array<std::uint8_t, kMaxTokenLength> buf{};
  const std::size_t sealed = token.size() - kHeaderLength;
  std::memcpy(buf.data(), token.data() + kHeaderLength, sealed);
  auto opened = aead_->open(sequence, token.first(kHeaderLength), MutByteSpan(buf.data(), sealed));
  if (!opened || *opened != crypto::OpenOutcome::ok) return TokenCheck::forged;
  out.kind = kind;
  if (!read_plaintext(ByteSpan(buf.data(), sealed - kTagLength), out)) return TokenCheck::malformed;
  return TokenCheck::valid;
}

TokenCheck TokenCodec::validate(ByteSpan token, const NetAddress& client, std::uint64_t now_unix_seconds,
                                const TokenLifetimes& lifetimes, TokenFields& out) {
  const TokenCheck opened = open(token, out);
  if (opened != TokenCheck::valid) return opened;
  if (!out.client.same_ip(client)) return TokenCheck::wrong_address;
  if (out.issued_unix_seconds > now_unix_seconds + kMaxClockSkewSeconds) return TokenCheck::expired;
  const std::uint64_t lifetime =
      out.kind == TokenKind::retry ? lifetimes.retry_seconds : lifetimes.new_token_seconds;
  const std::uint64_t age = now_unix_seconds > out.issued_unix_seconds ? now_unix_seconds - out.issued_unix_seconds : 0;
  if (age > lifetime) return TokenCheck::expired;
  return TokenCheck::valid;
}

}  // namespace tquic::endpoint
