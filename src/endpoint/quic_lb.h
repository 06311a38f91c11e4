// QUIC-LB connection IDs (draft-ietf-quic-load-balancers §3, §5): the first
// octet carries the config rotation bits and the length; then a server ID
// and a nonce, in plaintext or encrypted with AES-128 (single pass when they
// fill exactly 16 bytes, a four-pass Feistel network otherwise). A load
// balancer, or our own per-core sharding, recovers the server ID from any
// CID the server issued, so packets route without per-connection state.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>

#include "endpoint/aes_block.h"
#include "wire/connection_id.h"

namespace tquic::endpoint {

struct QuicLbConfig {
  std::uint8_t config_id = 0;         // 0..6; 7 marks unroutable CIDs (§3.2)
  std::size_t server_id_length = 1;   // >= 1
  std::size_t nonce_length = 6;       // >= 4; server_id + nonce <= 19
  std::optional<Block> key;           // absent: plaintext mode
  bool encode_length = true;          // length self-description in the first octet
};

class QuicLbCodec {
 public:
  // False with a one-line `error` if the lengths or config id are invalid.
  bool configure(const QuicLbConfig& config, std::string& error);

  std::size_t cid_length() const { return 1 + plaintext_length(); }
  std::size_t plaintext_length() const { return config_.server_id_length + config_.nonce_length; }
  const QuicLbConfig& config() const { return config_; }

  // Builds a CID from a server ID and a nonce of the configured lengths.
  // `random_bits` fills the low 5 bits of the first octet when the length is
  // not self-described.
  bool encode(std::span<const std::uint8_t> server_id, std::span<const std::uint8_t> nonce,
              std::uint8_t random_bits, wire::ConnectionId& out) const;
  // Recovers the server ID (and nonce) of a CID this config produced; false
  // if the CID is shorter than the config or carries another config id.
  bool decode(const wire::ConnectionId& cid, std::span<std::uint8_t> server_id,
              std::span<std::uint8_t> nonce = {}) const;

 private:
  using Half = std::array<std::uint8_t, 10>;
  void feistel_pass(std::uint8_t pass, const Half& in, Half& inout) const;
  void four_pass_encrypt(std::uint8_t* block) const;
  void four_pass_decrypt(std::uint8_t* block) const;
  void split(const std::uint8_t* block, Half& left, Half& right) const;
  void join(const Half& left, const Half& right, std::uint8_t* block) const;
  void clear_nibbles(Half& h, bool is_left) const;

  QuicLbConfig config_;
  AesBlock aes_;
};

}  // namespace tquic::endpoint
