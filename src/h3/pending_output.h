// The bytes of one QUIC stream that the connection has not taken yet.
//
// The h3 layer writes whole frames; Connection::stream_write takes what its
// send buffer allows (backpressure). What it refuses is kept here and goes
// out first on the next write or flush, so frames are never torn and never
// reordered. The stream's FIN can be queued behind pending bytes.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "base/bytes.h"
#include "base/result.h"
#include "transport/connection/connection.h"

namespace tquic::h3 {

class PendingOutput {
 public:
  // Writes `bytes` after anything pending; keeps what is refused.
  Status write(transport::Connection& conn, transport::StreamId id, ByteSpan bytes);
  // Sends the FIN after every pending byte (at once if nothing is pending).
  Status finish(transport::Connection& conn, transport::StreamId id);
  // Offers the pending bytes (and FIN) again.
  Status flush(transport::Connection& conn, transport::StreamId id);

  bool empty() const { return size() == 0 && !fin_pending_; }
  std::size_t size() const { return bytes_.size() - head_; }
  bool fin_sent() const { return fin_sent_; }
  bool fin_requested() const { return fin_pending_ || fin_sent_; }
  void clear();

 private:
  std::vector<std::uint8_t> bytes_;
  std::size_t head_ = 0;  // bytes_[head_, end) are pending
  bool fin_pending_ = false;
  bool fin_sent_ = false;
};

}  // namespace tquic::h3
