#include "endpoint/quic_lb.h"

#include <cstring>

namespace tquic::endpoint {

bool QuicLbCodec::configure(const QuicLbConfig& config, std::string& error) {
  if (config.config_id > 6) return (error = "QUIC-LB config id must be 0..6 (7 means unroutable)"), false;
  if (config.server_id_length < 1) return (error = "QUIC-LB server id needs at least 1 byte"), false;
  if (config.nonce_length < 4) return (error = "QUIC-LB nonce needs at least 4 bytes"), false;
  if (config.server_id_length + config.nonce_length > 19)
    return (error = "QUIC-LB server id + nonce must be at most 19 bytes"), false;
  config_ = config;
  if (config.key && !aes_.set_key(ByteSpan(config.key->data(), 16)))
    return (error = "cannot set up the QUIC-LB AES key"), false;
  return true;
}

// expand(length, pass, half) -> AES-ECB -> XOR the first half_len bytes into `inout`.
void QuicLbCodec::feistel_pass(std::uint8_t pass, const Half& in, Half& inout) const {
  const std::size_t len = plaintext_length();
  const std::size_t half = (len + 1) / 2;
  Block block{};
  std::memcpy(block.data(), in.data(), half);
  block[14] = static_cast<std::uint8_t>(len);
  block[15] = pass;
  Block out{};
  aes_.encrypt(block, out);
  for (std::size_t i = 0; i < half; ++i) inout[i] ^= out[i];
}

// For odd lengths the middle byte is shared: left keeps its high nibble,
// right its low nibble (§5.4.2 steps 2, 5, 7, 9, 11).
void QuicLbCodec::clear_nibbles(Half& h, bool is_left) const {
  const std::size_t len = plaintext_length();
  if (len % 2 == 0) return;
  const std::size_t half = (len + 1) / 2;
  if (is_left) h[half - 1] &= 0xf0;
  else h[0] &= 0x0f;
}

void QuicLbCodec::split(const std::uint8_t* block, Half& left, Half& right) const {
  const std::size_t len = plaintext_length();
  const std::size_t half = (len + 1) / 2;
  left = Half{};
  right = Half{};
  std::memcpy(left.data(), block, half);
  std::memcpy(right.data(), block + (len - half), half);
  clear_nibbles(left, true);
  clear_nibbles(right, false);
}

void QuicLbCodec::join(const Half& left, const Half& right, std::uint8_t* block) const {
  const std::size_t len = plaintext_length();
  const std::size_t half = (len + 1) / 2;
  std::memcpy(block, left.data(), half);
  if (len % 2 == 0) {
    std::memcpy(block + half, right.data(), half);
  } else {
    block[half - 1] = static_cast<std::uint8_t>(left[half - 1] | right[0]);
    std::memcpy(block + half, right.data() + 1, half - 1);
  }
}

void QuicLbCodec::four_pass_encrypt(std::uint8_t* block) const {
  Half l, r;
  split(block, l, r);
  feistel_pass(1, l, r);
  clear_nibbles(r, false);
  feistel_pass(2, r, l);
  clear_nibbles(l, true);
  feistel_pass(3, l, r);
  clear_nibbles(r, false);
  feistel_pass(4, r, l);
  clear_nibbles(l, true);
  join(l, r, block);
}

void QuicLbCodec::four_pass_decrypt(std::uint8_t* block) const {
  Half l, r;
  split(block, l, r);
  feistel_pass(4, r, l);
  clear_nibbles(l, true);
  feistel_pass(3, l, r);
  clear_nibbles(r, false);
  feistel_pass(2, r, l);
  clear_nibbles(l, true);
  feistel_pass(1, l, r);
  clear_nibbles(r, false);
  join(l, r, block);
}

bool QuicLbCodec::encode(std::span<const std::uint8_t> server_id, std::span<const std::uint8_t> nonce,
                         std::uint8_t random_bits, wire::ConnectionId& out) const {
  if (server_id.size() != config_.server_id_length || nonce.size() != config_.nonce_length) return false;
  std::array<std::uint8_t, wire::kMaxCidLength> cid{};
  const std::size_t len = plaintext_length();
  const std::uint8_t low = config_.encode_length ? static_cast<std::uint8_t>(len) : (random_bits & 0x1f);
  cid[0] = static_cast<std::uint8_t>((config_.config_id << 5) | low);
  std::memcpy(cid.data() + 1, server_id.data(), server_id.size());
  std::memcpy(cid.data() + 1 + server_id.size(), nonce.data(), nonce.size());
  if (config_.key) {
    if (len == 16) {
      Block in{}, enc{};
      std::memcpy(in.data(), cid.data() + 1, 16);
      if (!aes_.encrypt(in, enc)) return false;
      std::memcpy(cid.data() + 1, enc.data(), 16);
    } else {
      four_pass_encrypt(cid.data() + 1);
    }
  }
  return wire::ConnectionId::from_bytes(ByteSpan(cid.data(), 1 + len), out);
}

bool QuicLbCodec::decode(const wire::ConnectionId& cid, std::span<std::uint8_t> server_id,
                         std::span<std::uint8_t> nonce) const {
  const std::size_t len = plaintext_length();
  if (cid.size() < 1 + len || (cid[0] >> 5) != config_.config_id) return false;
  if (server_id.size() < config_.server_id_length) return false;
  std::array<std::uint8_t, wire::kMaxCidLength> pt{};
  std::memcpy(pt.data(), cid.data() + 1, len);
  if (config_.key) {
    if (len == 16) {
      Block in{}, dec{};
      std::memcpy(in.data(), pt.data(), 16);
      if (!aes_.decrypt(in, dec)) return false;
      std::memcpy(pt.data(), dec.data(), 16);
    } else {
      four_pass_decrypt(pt.data());
    }
  }
  std::memcpy(server_id.data(), pt.data(), config_.server_id_length);
  if (nonce.size() >= config_.nonce_length)
    std::memcpy(nonce.data(), pt.data() + config_.server_id_length, config_.nonce_length);
  return true;
}

}  // namespace tquic::endpoint
