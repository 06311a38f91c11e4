// Encoder -> decoder round trips over many seeded header sets, with the
// encoder and decoder streams delivered late, in random pieces, so sections
// block and unblock; decoder feedback (acknowledgments, increments,
// cancellations) flows back the same way. Every decoded section must equal
// its input, and the decoder must never see a protocol error.
#include <gtest/gtest.h>

#include <deque>
#include <random>
#include <string>
#include <vector>

#include "h3/qpack/decoder.h"
#include "h3/qpack/encoder.h"
#include "qpack_test_util.h"

namespace tquic::h3::qpack {
namespace {

using test::as_lines;
using test::Bytes;
using test::CollectingSink;
using test::OwnedField;

struct Config {
  std::uint64_t table_capacity;  // encoder's wish and decoder's setting
  std::uint64_t blocked_streams;
  InsertPolicy policy;
  bool huffman;
};

std::string random_token(std::mt19937_64& rng, std::size_t max_len, bool binary) {
  std::string s(rng() % (max_len + 1), '\0');
  for (char& c : s)
    c = static_cast<char>(binary ? rng() % 256 : "abcdefghijklmnopqrstuvwxyz0123456789-/_.:"[rng() % 41]);
  return s;
}

// Header sets drawn from a small vocabulary (so fields repeat and get
// indexed), static-table fields, and fresh random ones.
std::vector<OwnedField> random_fields(std::mt19937_64& rng) {
  static const std::vector<OwnedField> vocabulary = {
      {":method", "GET"},        {":method", "POST"},          {":scheme", "https"},
      {":path", "/"},            {":path", "/api/v1/items"},   {":authority", "example.com"},
      {"user-agent", "tquic/0.1 (linux)"},                     {"accept", "*/*"},
      {"accept-encoding", "gzip, deflate, br"},                {"cookie", "session=0123456789abcdef"},
      {"x-request-id", "7f9c0e"}, {"content-type", "application/json"},
      {"cache-control", "no-cache"}, {"x-empty", ""},
  };
  std::vector<OwnedField> fields(rng() % 12);
  for (OwnedField& f : fields) {
    const unsigned kind = rng() % 10;
    if (kind < 6) {
      f = vocabulary[rng() % vocabulary.size()];
    } else if (kind < 8) {
      f = {vocabulary[rng() % vocabulary.size()].name, random_token(rng, 30, false)};
    } else {
      f = {random_token(rng, 12, false), random_token(rng, 60, kind == 9)};
    }
    f.never_indexed = rng() % 16 == 0;
  }
  return fields;
}

// One direction of a unidirectional stream: bytes written, delivered later
// in random pieces; the receiver keeps what it could not consume yet.
struct Pipe {
  std::deque<std::uint8_t> in_flight;
  Bytes unconsumed;

  void write(ByteSpan b) { in_flight.insert(in_flight.end(), b.begin(), b.end()); }
  template <class Consume>
  void deliver(std::size_t n, Consume&& consume) {
    n = std::min(n, in_flight.size());
    unconsumed.insert(unconsumed.end(), in_flight.begin(), in_flight.begin() + static_cast<long>(n));
    in_flight.erase(in_flight.begin(), in_flight.begin() + static_cast<long>(n));
    const std::size_t used = consume(ByteSpan(unconsumed));
    unconsumed.erase(unconsumed.begin(), unconsumed.begin() + static_cast<long>(used));
  }
};

struct Pending {
  std::uint64_t stream_id;
  Bytes section;
  std::vector<OwnedField> fields;
};

class Exchange {
 public:
  Exchange(const Config& c, std::uint64_t seed)
      : rng_(seed), encoder_(encoder_options(c)), decoder_(decoder_settings(c)), config_(c) {
    EXPECT_TRUE(encoder_.on_peer_settings(c.table_capacity, c.blocked_streams).ok());
  }

  void run(int sections) {
    for (int i = 0; i < sections; ++i) {
      send_section(static_cast<std::uint64_t>(i) * 4);
      ASSERT_NO_FATAL_FAILURE(shuffle_traffic());
      ASSERT_LE(encoder_.blocking_stream_count(), config_.blocked_streams);
    }
    // Drain everything: all sections must now decode.
    ASSERT_NO_FATAL_FAILURE(deliver_encoder_stream(SIZE_MAX));
    ASSERT_NO_FATAL_FAILURE(try_decode_all());
    ASSERT_NO_FATAL_FAILURE(deliver_decoder_stream(SIZE_MAX));
    EXPECT_TRUE(pending_.empty());
    EXPECT_EQ(encoder_.unacknowledged_sections(), 0u);
    EXPECT_EQ(decoder_.blocked_stream_count(), 0u);
  }

  std::size_t decoded() const { return decoded_; }
  std::size_t blocked() const { return blocked_; }
  std::uint64_t inserts() const { return encoder_.insert_count(); }

 private:
  static EncoderOptions encoder_options(const Config& c) {
    EncoderOptions o;
    o.max_table_capacity = c.table_capacity;
    o.insert_policy = c.policy;
    o.use_huffman = c.huffman;
    return o;
  }
  static DecoderSettings decoder_settings(const Config& c) {
    DecoderSettings s;
    s.max_table_capacity = c.table_capacity;
    s.max_blocked_streams = c.blocked_streams;
    return s;
  }

  void send_section(std::uint64_t stream_id) {
    Pending p{stream_id, Bytes(8192), random_fields(rng_)};
    Bytes es(rng_() % 4 == 0 ? rng_() % 40 : 4096);  // sometimes little stream credit
    ByteWriter sw(p.section);
    ByteWriter ew(es);
    const auto lines = as_lines(p.fields);
    const auto out = encoder_.encode_field_section(stream_id, lines, sw, ew);
    ASSERT_TRUE(out.ok()) << out.error().reason;
    if (config_.table_capacity == 0) {
      ASSERT_EQ(ew.written(), 0u);
      ASSERT_EQ(out->required_insert_count, 0u);
    }
    p.section.resize(sw.written());
    enc_pipe_.write(ew.data());
    pending_.push_back(std::move(p));
  }

  void shuffle_traffic() {
    ASSERT_NO_FATAL_FAILURE(deliver_encoder_stream(rng_() % 64));
    ASSERT_NO_FATAL_FAILURE(try_decode_all());
    // Now and then the application abandons a stream.
    if (!pending_.empty() && rng_() % 25 == 0) cancel(rng_() % pending_.size());
    ASSERT_NO_FATAL_FAILURE(deliver_decoder_stream(rng_() % 16));
  }

  void deliver_encoder_stream(std::size_t n) {
    enc_pipe_.deliver(n, [&](ByteSpan b) {
      const auto r = decoder_.on_encoder_stream(b);
      EXPECT_TRUE(r.ok()) << r.error().reason;
      return r.ok() ? *r : b.size();
    });
    Bytes ici(16);
    ByteWriter w(ici);
    if (rng_() % 2 == 0) {
      EXPECT_TRUE(decoder_.write_insert_count_increment(w));
    }
    dec_pipe_.write(w.data());
  }

  void deliver_decoder_stream(std::size_t n) {
    dec_pipe_.deliver(n, [&](ByteSpan b) {
      const auto r = encoder_.on_decoder_stream(b);
      EXPECT_TRUE(r.ok()) << r.error().reason;
      return r.ok() ? *r : b.size();
    });
  }

  void try_decode_all() {
    for (std::size_t i = 0; i < pending_.size();) {
      CollectingSink sink;
      Bytes scratch(8192);
      const Pending& p = pending_[i];
      const auto out = decoder_.decode_field_section(p.stream_id, p.section, sink, scratch);
      ASSERT_TRUE(out.ok()) << out.error().reason;
      if (out->status == DecodeStatus::blocked) {
        ++blocked_;
        ++i;
        continue;
      }
      ASSERT_EQ(out->status, DecodeStatus::complete);
      ASSERT_EQ(sink.fields, p.fields);
      if (out->needs_section_acknowledgment()) {
        Bytes ack(16);
        ByteWriter w(ack);
        ASSERT_TRUE(decoder_.write_section_acknowledgment(w, p.stream_id, out->required_insert_count));
        dec_pipe_.write(w.data());
      }
      ++decoded_;
      pending_.erase(pending_.begin() + static_cast<long>(i));
    }
  }

  void cancel(std::size_t index) {
    Bytes b(16);
    ByteWriter w(b);
    ASSERT_TRUE(decoder_.write_stream_cancellation(w, pending_[index].stream_id));
    dec_pipe_.write(w.data());
    pending_.erase(pending_.begin() + static_cast<long>(index));
  }

  std::mt19937_64 rng_;
  Encoder encoder_;
  Decoder decoder_;
  Config config_;
  Pipe enc_pipe_;
  Pipe dec_pipe_;
  std::vector<Pending> pending_;
  std::size_t decoded_ = 0;
  std::size_t blocked_ = 0;
};

class QpackRoundTrip : public ::testing::TestWithParam<Config> {};

TEST_P(QpackRoundTrip, ManyHeaderSetsSurviveDelayedStreams) {
  const Config& c = GetParam();
  std::size_t blocked = 0;
  for (std::uint64_t seed = 1; seed <= 12; ++seed) {
    SCOPED_TRACE("seed " + std::to_string(seed));
    Exchange x(c, seed * 7919);
    ASSERT_NO_FATAL_FAILURE(x.run(150));
    EXPECT_GT(x.decoded(), 100u);
    if (c.table_capacity >= 256 && c.policy == InsertPolicy::always) {
      EXPECT_GT(x.inserts(), 0u);
    }
    blocked += x.blocked();
  }
  // Blocking happens exactly when the settings allow it.
  if (c.blocked_streams == 0 || c.table_capacity == 0) {
    EXPECT_EQ(blocked, 0u);
  } else if (c.table_capacity >= 256) {
    EXPECT_GT(blocked, 0u);
  }
}

INSTANTIATE_TEST_SUITE_P(
    Configs, QpackRoundTrip,
    ::testing::Values(Config{0, 0, InsertPolicy::repeated, true},
                      Config{0, 0, InsertPolicy::always, false},
                      Config{64, 1, InsertPolicy::always, true},
                      Config{256, 0, InsertPolicy::always, true},
                      Config{256, 2, InsertPolicy::repeated, false},
                      Config{4096, 1, InsertPolicy::always, true},
                      Config{4096, 16, InsertPolicy::repeated, true},
                      Config{4096, 100, InsertPolicy::always, false}));

// With the dynamic table the same requests compress far better.
TEST(QpackRoundTripSize, DynamicTableShrinksRepeatedSections) {
  const std::vector<OwnedField> request = {
      {":method", "GET"}, {":scheme", "https"}, {":authority", "media.example.com"},
      {":path", "/segments/000123.m4s"}, {"user-agent", "tquic/0.1 (linux; x86_64)"},
      {"cookie", "id=4f6a0c2b9d; theme=dark"}, {"x-client-trace", "a1b2c3d4e5"}};
  auto total = [&](std::uint64_t capacity) {
    EncoderOptions o;
    o.max_table_capacity = capacity;
    Encoder e(o);
    EXPECT_TRUE(e.on_peer_settings(capacity, 4).ok());
    std::size_t bytes = 0;
    for (std::uint64_t i = 0; i < 20; ++i) {
      Bytes section(2048);
      Bytes es(2048);
      ByteWriter sw(section);
      ByteWriter ew(es);
      const auto lines = as_lines(request);
      EXPECT_TRUE(e.encode_field_section(i * 4, lines, sw, ew).ok());
      bytes += sw.written() + ew.written();
      // Acknowledge right away.
      Bytes ack(8);
      ByteWriter aw(ack);
      EXPECT_TRUE(write_section_acknowledgment(aw, i * 4));
      if (e.unacknowledged_sections() > 0) {
        EXPECT_TRUE(e.on_decoder_stream(aw.data()).ok());
      }
    }
    return bytes;
  };
  const std::size_t static_only = total(0);
  const std::size_t dynamic = total(4096);
  EXPECT_LT(dynamic * 3, static_only) << dynamic << " vs " << static_only;
}

}  // namespace
}  // namespace tquic::h3::qpack
