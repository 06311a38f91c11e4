// Reads an unframed QPACK instruction stream (RFC 9204 §4.2: the encoder
// and decoder streams) from a connection. The QPACK codecs consume only
// whole instructions; an instruction split across the connection's receive
// chunks (or not fully arrived) is carried here and completed with the next
// bytes. The carry is bounded: an instruction longer than `max_carry` is the
// caller's error to report.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "base/bytes.h"
#include "base/result.h"
#include "transport/connection/connection.h"

namespace tquic::h3 {

class InstructionStreamReader {
 public:
  explicit InstructionStreamReader(std::size_t max_carry = 0) : max_carry_(max_carry) {}

  // Feeds every readable byte of `id` to `apply(ByteSpan) -> Result<size_t>`
  // (bytes of whole instructions used). Errors: apply's, or `too_long` when
  // a partial instruction exceeds the carry bound.
  template <class Apply>
  Status read(transport::Connection& conn, transport::StreamId id, Apply&& apply, const Error& too_long) {
    for (ByteSpan in = conn.stream_peek(id); !in.empty(); in = conn.stream_peek(id)) {
      if (carry_.empty()) {
        TQUIC_TRY_ASSIGN(const std::size_t used, apply(in));
        carry_.assign(in.begin() + static_cast<std::ptrdiff_t>(used), in.end());
      } else {
        carry_.insert(carry_.end(), in.begin(), in.end());
        TQUIC_TRY_ASSIGN(const std::size_t used, apply(ByteSpan(carry_)));
        carry_.erase(carry_.begin(), carry_.begin() + static_cast<std::ptrdiff_t>(used));
      }
      conn.stream_consume(id, in.size());
      if (carry_.size() > max_carry_) return too_long;
    }
    return ok_status();
  }

  std::size_t carried() const { return carry_.size(); }

 private:
  std::size_t max_carry_;
  std::vector<std::uint8_t> carry_;
};

}  // namespace tquic::h3
