// Bounds-checked cursors over byte spans: the only way wire code touches
// packet memory. Every read checks the remaining length before it moves, so
// a parser can never read past the end or underflow a length
// (HOTPATH.md rule 14). Neither type allocates or owns memory.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <span>

namespace tquic {

using ByteSpan = std::span<const std::uint8_t>;
using MutByteSpan = std::span<std::uint8_t>;

class ByteReader {
 public:
  ByteReader() = default;
  explicit ByteReader(ByteSpan data) : data_(data) {}

  std::size_t remaining() const { return data_.size() - pos_; }
  std::size_t position() const { return pos_; }
  bool empty() const { return pos_ == data_.size(); }
  ByteSpan whole() const { return data_; }
  ByteSpan rest() const { return data_.subspan(pos_); }
  ByteSpan consumed() const { return data_.first(pos_); }

  // Each reader returns false (and moves nothing) if too few bytes remain.
  bool read_u8(std::uint8_t& out) {
    if (remaining() < 1) return false;
    out = data_[pos_++];
    return true;
  }
  bool read_u16(std::uint16_t& out) { return read_be(out, 2); }
  bool read_u24(std::uint32_t& out) { return read_be(out, 3); }
  bool read_u32(std::uint32_t& out) { return read_be(out, 4); }
  bool read_u64(std::uint64_t& out) { return read_be(out, 8); }
  bool peek_u8(std::uint8_t& out) const {
    if (remaining() < 1) return false;
    out = data_[pos_];
    return true;
  }
  // A view of the next `n` bytes (no copy).
  bool read_span(std::size_t n, ByteSpan& out) {
    if (remaining() < n) return false;
    out = data_.subspan(pos_, n);
    pos_ += n;
    return true;
  }
  bool skip(std::size_t n) {
    if (remaining() < n) return false;
    pos_ += n;
    return true;
  }

 private:
  template <class U>
  bool read_be(U& out, std::size_t n) {
    if (remaining() < n) return false;
    U v = 0;
    for (std::size_t i = 0; i < n; ++i) v = static_cast<U>((v << 8) | data_[pos_ + i]);
    out = v;
    pos_ += n;
    return true;
  }

  ByteSpan data_{};
  std::size_t pos_ = 0;
};

class ByteWriter {
 public:
  ByteWriter() = default;
  explicit ByteWriter(MutByteSpan buf) : buf_(buf) {}

  std::size_t remaining() const { return buf_.size() - pos_; }
  std::size_t written() const { return pos_; }
  MutByteSpan buffer() const { return buf_; }
  ByteSpan data() const { return ByteSpan(buf_.data(), pos_); }
  std::uint8_t* cursor() const { return buf_.data() + pos_; }

  // Each writer returns false (and writes nothing) if the buffer is too small.
  bool write_u8(std::uint8_t v) {
    if (remaining() < 1) return false;
    buf_[pos_++] = v;
    return true;
  }
  bool write_u16(std::uint16_t v) { return write_be(v, 2); }
  bool write_u24(std::uint32_t v) { return write_be(v, 3); }
  bool write_u32(std::uint32_t v) { return write_be(v, 4); }
  bool write_u64(std::uint64_t v) { return write_be(v, 8); }
  bool write_bytes(ByteSpan b) {
    if (remaining() < b.size()) return false;
    if (!b.empty()) std::memcpy(buf_.data() + pos_, b.data(), b.size());
    pos_ += b.size();
    return true;
  }
  bool write_zeros(std::size_t n) {
    if (remaining() < n) return false;
    std::memset(buf_.data() + pos_, 0, n);
    pos_ += n;
    return true;
  }
  // Reserve `n` bytes to be filled later (e.g. a length field); returns the
  // offset of the reserved region.
  bool reserve(std::size_t n, std::size_t& offset) {
    if (remaining() < n) return false;
    offset = pos_;
    pos_ += n;
    return true;
  }

 private:
  template <class U>
  bool write_be(U v, std::size_t n) {
    if (remaining() < n) return false;
    for (std::size_t i = 0; i < n; ++i)
      buf_[pos_ + i] = static_cast<std::uint8_t>(v >> (8 * (n - 1 - i)));
    pos_ += n;
    return true;
  }

  MutByteSpan buf_{};
  std::size_t pos_ = 0;
};

}  // namespace tquic
