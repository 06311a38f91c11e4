#include "endpoint/cid_generator.h"

#include <cstring>

namespace tquic::endpoint {

bool CidGenerator::configure(const QuicLbConfig& config, std::span<const std::uint8_t> server_id,
                             ByteSpan nonce_key, std::string& error) {
  if (!codec_.configure(config, error)) return false;
  if (server_id.size() != config.server_id_length)
    return (error = "server id length does not match the QUIC-LB config"), false;
  if (!nonce_prf_.set_key(nonce_key)) return (error = "CID nonce key must be 16 bytes"), false;
  std::memcpy(server_id_.data(), server_id.data(), server_id.size());
  counter_ = 0;
  return true;
}

bool CidGenerator::next(wire::ConnectionId& out) {
  Block in{}, block{};
  std::uint64_t c = ++counter_;
  std::memcpy(in.data(), &c, sizeof c);
  if (!nonce_prf_.encrypt(in, block)) return false;
  const auto& cfg = codec_.config();
  // Block bytes beyond the nonce feed the first octet's free bits.
  return codec_.encode(std::span(server_id_.data(), cfg.server_id_length),
                       std::span(block.data(), cfg.nonce_length), block[15], out);
}

}  // namespace tquic::endpoint
