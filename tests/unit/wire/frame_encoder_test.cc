// Send-path header writers and "how much fits" helpers for STREAM, CRYPTO
// and DATAGRAM frames.
#include <gtest/gtest.h>

#include <cstdint>
#include <vector>

#include "wire/frame_decoder.h"
#include "wire/frame_encoder.h"
#include "wire/varint.h"

namespace tquic::wire {
namespace {

using Bytes = std::vector<std::uint8_t>;

constexpr std::uint64_t kValues[] = {
    0, 1, 63, 64, 16383, 16384, (std::uint64_t{1} << 30) - 1, std::uint64_t{1} << 30, kVarintMax};

Frame decode_one(ByteSpan bytes) {
  ByteReader r(bytes);
  auto f = decode_frame(r);
  EXPECT_TRUE(f.ok()) << (f.ok() ? "" : f.error().reason);
  EXPECT_TRUE(r.empty());
  return f.ok() ? *f : Frame{};
}

// Header written by the helper + payload placed by the caller decodes to the
// same frame encode_frame() would have produced.
TEST(FrameEncoder, StreamHeaderPlusPayloadDecodes) {
  const Bytes payload(300, 0x42);
  for (std::uint64_t id : {std::uint64_t{0}, std::uint64_t{64}, kVarintMax}) {
    for (std::uint64_t offset : {std::uint64_t{0}, std::uint64_t{1}, std::uint64_t{1} << 30}) {
      for (int flags = 0; flags < 4; ++flags) {
        const bool fin = flags & 1;
        const bool with_length = flags & 2;
        Bytes buf(400);
        ByteWriter w(buf);
        const std::size_t header = stream_frame_header_size(id, offset, payload.size(), with_length);
        ASSERT_TRUE(write_stream_frame_header(w, id, offset, payload.size(), fin, with_length));
        EXPECT_EQ(w.written(), header);
        ASSERT_TRUE(w.write_bytes(payload));
        const StreamFrame expect{id, offset, ByteSpan(payload), fin, with_length};
        EXPECT_EQ(w.written(), encoded_size(expect));
        EXPECT_EQ(decode_one(w.data()), Frame(expect));
      }
    }
  }
}

TEST(FrameEncoder, StreamHeaderRefusals) {
  Bytes buf(64);
  ByteWriter w(buf);
  EXPECT_EQ(stream_frame_header_size(0, kVarintMax, 1, true), 0u);
  EXPECT_FALSE(write_stream_frame_header(w, 0, kVarintMax, 1, false, true));
  EXPECT_FALSE(write_stream_frame_header(w, kVarintMax + 1, 0, 1, false, true));
  EXPECT_EQ(w.written(), 0u);
  // Does not fit: 1 (type) + 8 (id) + 8 (offset) + 1 (length) = 18 bytes.
  Bytes small(17);
  ByteWriter ws(small);
  EXPECT_EQ(stream_frame_header_size(kVarintMax, kVarintMax - 5, 5, true), 18u);
  EXPECT_FALSE(write_stream_frame_header(ws, kVarintMax, kVarintMax - 5, 5, false, true));
  EXPECT_EQ(ws.written(), 0u);
}

// Exhaustive over small spaces and around every Length-size boundary: the
// answer fits, and one byte more would not.
TEST(FrameEncoder, MaxStreamDataThatFitsIsTight) {
  for (std::uint64_t id : {std::uint64_t{4}, std::uint64_t{100}}) {
    for (std::uint64_t offset : {std::uint64_t{0}, std::uint64_t{70}, std::uint64_t{1} << 20}) {
      for (bool with_length : {false, true}) {
        for (std::size_t space = 0; space < 16500; ++space) {
          const std::size_t n = max_stream_data_that_fits(space, id, offset, with_length);
          if (n > 0) {
            EXPECT_LE(stream_frame_header_size(id, offset, n, with_length) + n, space);
          }
          const std::size_t more = stream_frame_header_size(id, offset, n + 1, with_length) + n + 1;
          ASSERT_GT(more, space) << "space " << space << " n " << n;
        }
      }
    }
  }
}

TEST(FrameEncoder, MaxStreamDataRespectsFinalOffsetLimit) {
  EXPECT_EQ(max_stream_data_that_fits(1500, 0, kVarintMax, true), 0u);
  EXPECT_EQ(max_stream_data_that_fits(1500, 0, kVarintMax - 3, true), 3u);
  EXPECT_EQ(max_stream_data_that_fits(1500, 0, kVarintMax - 3, false), 3u);
  EXPECT_EQ(max_stream_data_that_fits(1500, 0, kVarintMax + 1, true), 0u);
  EXPECT_EQ(max_stream_data_that_fits(1500, kVarintMax + 1, 0, true), 0u);
  // Type + id + 1-byte length + 1 data byte = 4.
  EXPECT_EQ(max_stream_data_that_fits(3, 0, 0, true), 0u);
  EXPECT_EQ(max_stream_data_that_fits(4, 0, 0, true), 1u);
  EXPECT_EQ(max_stream_data_that_fits(3, 0, 0, false), 1u);
  // 66 bytes of room after type + id: Length 64 needs 2 bytes -> 64 data bytes.
  EXPECT_EQ(max_stream_data_that_fits(68, 0, 0, true), 64u);
  // 65 bytes of room: 64 would need 66, 63 with a 1-byte Length takes 64.
  EXPECT_EQ(max_stream_data_that_fits(67, 0, 0, true), 63u);
}

TEST(FrameEncoder, CryptoHeaderAndFit) {
  const Bytes payload(1000, 0x17);
  for (std::uint64_t offset : kValues) {
    if (offset > kVarintMax - payload.size()) {
      EXPECT_EQ(crypto_frame_header_size(offset, payload.size()), 0u);
      continue;
    }
    Bytes buf(1100);
    ByteWriter w(buf);
    ASSERT_TRUE(write_crypto_frame_header(w, offset, payload.size()));
    EXPECT_EQ(w.written(), crypto_frame_header_size(offset, payload.size()));
    ASSERT_TRUE(w.write_bytes(payload));
    EXPECT_EQ(decode_one(w.data()), Frame(CryptoFrame{offset, ByteSpan(payload)}));
  }
  for (std::size_t space = 0; space < 17000; ++space) {
    const std::size_t n = max_crypto_data_that_fits(space, 1000);
    if (n > 0) {
      EXPECT_LE(crypto_frame_header_size(1000, n) + n, space);
    }
    ASSERT_GT(crypto_frame_header_size(1000, n + 1) + n + 1, space) << space;
  }
  EXPECT_EQ(max_crypto_data_that_fits(100, kVarintMax), 0u);
  Bytes tiny(2);
  ByteWriter wt(tiny);
  EXPECT_FALSE(write_crypto_frame_header(wt, 0, 64));
  EXPECT_EQ(wt.written(), 0u);
}

TEST(FrameEncoder, DatagramHeaderAndFit) {
  const Bytes payload(200, 0x99);
  for (bool with_length : {false, true}) {
    Bytes buf(300);
    ByteWriter w(buf);
    ASSERT_TRUE(write_datagram_frame_header(w, payload.size(), with_length));
    EXPECT_EQ(w.written(), datagram_frame_header_size(payload.size(), with_length));
    ASSERT_TRUE(w.write_bytes(payload));
    EXPECT_EQ(decode_one(w.data()), Frame(DatagramFrame{ByteSpan(payload), with_length}));
    for (std::size_t space = 0; space < 17000; ++space) {
      const std::size_t n = max_datagram_data_that_fits(space, with_length);
      if (n > 0) {
        EXPECT_LE(datagram_frame_header_size(n, with_length) + n, space);
      }
      ASSERT_GT(datagram_frame_header_size(n + 1, with_length) + n + 1, space) << space;
    }
  }
  EXPECT_EQ(datagram_frame_header_size(kVarintMax + 1, true), 0u);
  EXPECT_EQ(datagram_frame_header_size(0, true), 2u);
  EXPECT_EQ(datagram_frame_header_size(0, false), 1u);
  Bytes none;
  ByteWriter wn(none);
  EXPECT_FALSE(write_datagram_frame_header(wn, 0, false));
}

}  // namespace
}  // namespace tquic::wire
