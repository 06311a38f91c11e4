// A QUIC variable-length integer (RFC 9000 §16) assembled from bytes that
// may arrive split across stream chunks. Used by the HTTP/3 frame reader and
// the unidirectional stream header reader. Holds no buffer: each byte is
// folded into the value as it is consumed.
#pragma once

#include <cstddef>
#include <cstdint>

#include "base/bytes.h"
#include "wire/varint.h"

namespace tquic::h3 {

class PartialVarint {
 public:
  // Consumes bytes of `in` until the varint is complete (or `in` runs out);
  // returns how many bytes were consumed.
  std::size_t feed(ByteSpan in) {
    std::size_t used = 0;
    while (!complete() && used < in.size()) {
      const std::uint8_t b = in[used++];
      if (have_ == 0) {
        need_ = static_cast<std::uint8_t>(wire::varint_length_from_first_byte(b));
        value_ = b & 0x3f;
      } else {
        value_ = (value_ << 8) | b;
      }
      ++have_;
    }
    return used;
  }

  bool complete() const { return have_ != 0 && have_ == need_; }
  bool started() const { return have_ != 0; }
  std::uint64_t value() const { return value_; }
  // Encoded length of the varint (valid once started()).
  std::size_t encoded_length() const { return need_; }
  void reset() { *this = PartialVarint{}; }

 private:
  std::uint64_t value_ = 0;
  std::uint8_t need_ = 0;
  std::uint8_t have_ = 0;
};

}  // namespace tquic::h3
