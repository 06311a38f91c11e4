// Issues connection IDs for one server shard (RFC 9000 §5.1): unique,
// unpredictable, and routable back to the shard by QUIC-LB decoding.
// The nonce is AES-128 of a counter under a secret key the caller supplies
// at startup (from the OS CSPRNG, or a seed in the simulator): distinct
// counters give distinct blocks, and nothing about one CID predicts the next
// (HOTPATH.md rule 16: no pointers, no visible counters).
#pragma once

#include <cstdint>
#include <string>

#include "endpoint/quic_lb.h"

namespace tquic::endpoint {

class CidGenerator {
 public:
  // `server_id` must have config.server_id_length bytes; `nonce_key` 16.
  bool configure(const QuicLbConfig& config, std::span<const std::uint8_t> server_id,
                 ByteSpan nonce_key, std::string& error);

  // A fresh CID. Truncating the nonce makes a repeat possible but unlikely
  // (2^-48 per pair for 6 bytes): the endpoint's CID table rejects
  // duplicates and asks again.
  bool next(wire::ConnectionId& out);
  // The shard a CID routes to, or false if it is not one of ours.
  bool server_id_of(const wire::ConnectionId& cid, std::span<std::uint8_t> out) const {
    return codec_.decode(cid, out);
  }
  std::size_t cid_length() const { return codec_.cid_length(); }

 private:
  QuicLbCodec codec_;
  AesBlock nonce_prf_;
  std::array<std::uint8_t, 19> server_id_{};
  std::uint64_t counter_ = 0;
};

}  // namespace tquic::endpoint
