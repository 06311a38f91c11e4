// The tquic perf wire format (apps/perf_protocol.h): every message and
// preface round-trips whole, byte by byte and followed by other bytes;
// malformed input is refused with a reason.
#include "apps/perf_protocol.h"

#include <gtest/gtest.h>

#include <vector>

#include "wire/varint.h"

namespace tquic::apps::perf {
namespace {

std::vector<std::uint8_t> encode(const ControlMessage& m) {
  std::vector<std::uint8_t> out(kMaxMessage);
  ByteWriter w(out);
  EXPECT_TRUE(write_message(w, m));
  out.resize(w.written());
  return out;
}

std::vector<std::uint8_t> preface(const DataHeader* h) {
  std::vector<std::uint8_t> out(kMaxDataPreface);
  ByteWriter w(out);
  EXPECT_TRUE(h ? write_data_preface(w, *h) : write_control_preface(w));
  out.resize(w.written());
  return out;
}

// Feeds `bytes` `step` bytes at a time; the status of the last feed and
// how many bytes were consumed overall.
template <class Parser>
ParseStatus feed_in_steps(Parser& p, const std::vector<std::uint8_t>& bytes, std::size_t step, std::size_t& used) {
  used = 0;
  ParseStatus st = ParseStatus::need_more;
  while (used < bytes.size() && st == ParseStatus::need_more) {
    const std::size_t n = std::min(step, bytes.size() - used);
    std::size_t consumed = 0;
    st = p.feed(ByteSpan(bytes.data() + used, n), consumed);
    EXPECT_LE(consumed, n);
    used += consumed;
  }
  return st;
}

ControlMessage sample_stats() {
  ControlMessage m;
  m.type = MessageType::stats;
  m.sample = ServerSample{123'456'789'012, 70'000, 50'000, 1'000'001};
  m.bytes_received = 1ull << 40;
  m.bytes_sent = 7;
  m.data_streams = 64;
  return m;
}

TEST(PerfProtocol, MessagesRoundTripInAnyPieces) {
  ControlMessage start;
  start.type = MessageType::start;
  start.mode = Mode::rr;
  ControlMessage ok;
  ok.type = MessageType::start_ok;
  ok.sample = ServerSample{1, 2, 3, 4};
  ok.engine = "uring";
  ok.cc = "bbr3";
  ControlMessage finish;
  finish.type = MessageType::finish;
  for (const ControlMessage& m : {start, ok, finish, sample_stats()}) {
    for (std::size_t step : {std::size_t{1}, std::size_t{3}, std::size_t{1000}}) {
      std::vector<std::uint8_t> bytes = encode(m);
      const std::size_t size = bytes.size();
      bytes.insert(bytes.end(), {0x04, 0x00, 0xff});  // the next message follows
      MessageParser p;
      std::size_t used = 0;
      ASSERT_EQ(feed_in_steps(p, bytes, step, used), ParseStatus::done) << p.error();
      EXPECT_EQ(used, size) << "exactly the message is consumed";
      const ControlMessage& got = p.message();
      EXPECT_EQ(got.type, m.type);
      EXPECT_EQ(got.mode, m.mode);
      EXPECT_EQ(got.sample.cpu_ns, m.sample.cpu_ns);
      EXPECT_EQ(got.sample.cpu_user_us, m.sample.cpu_user_us);
      EXPECT_EQ(got.sample.cpu_system_us, m.sample.cpu_system_us);
      EXPECT_EQ(got.sample.handshakes, m.sample.handshakes);
      EXPECT_EQ(got.engine, m.engine);
      EXPECT_EQ(got.cc, m.cc);
      EXPECT_EQ(got.bytes_received, m.bytes_received);
      EXPECT_EQ(got.bytes_sent, m.bytes_sent);
      EXPECT_EQ(got.data_streams, m.data_streams);
    }
  }
}

TEST(PerfProtocol, ConsecutiveMessagesParseOneAfterAnother) {
  std::vector<std::uint8_t> bytes = encode(sample_stats());
  ControlMessage finish;
  finish.type = MessageType::finish;
  const auto second = encode(finish);
  bytes.insert(bytes.end(), second.begin(), second.end());
  MessageParser p;
  std::size_t consumed = 0;
  ASSERT_EQ(p.feed(bytes, consumed), ParseStatus::done);
  EXPECT_EQ(p.message().type, MessageType::stats);
  ASSERT_EQ(p.feed(ByteSpan(bytes).subspan(consumed), consumed), ParseStatus::done);
  EXPECT_EQ(p.message().type, MessageType::finish);
  EXPECT_EQ(consumed, second.size());
}

TEST(PerfProtocol, ExtraPayloadBytesAreIgnoredForLaterVersions) {
  std::vector<std::uint8_t> bytes = {0x03, 0x02, 0xaa, 0xbb};  // FINISH with two unknown bytes
  MessageParser p;
  std::size_t consumed = 0;
  ASSERT_EQ(p.feed(bytes, consumed), ParseStatus::done);
  EXPECT_EQ(p.message().type, MessageType::finish);
  EXPECT_EQ(consumed, 4u);
}

TEST(PerfProtocol, MalformedMessagesAreRefused) {
  struct Case {
    std::vector<std::uint8_t> bytes;
    std::string reason;
  };
  const std::vector<Case> cases = {
      {{0x09, 0x00}, "unknown control message type"},
      {{0x01, 0x02, 0x02, 0x01}, "unsupported protocol version"},
      {{0x01, 0x02, 0x01, 0x06}, "unknown mode"},
      {{0x01, 0x02, 0x01, 0x00}, "unknown mode"},
      {{0x01, 0x01, 0x01}, "START is truncated"},
      {{0x04, 0x02, 0x01, 0x02}, "STATS is truncated"},
      {{0x02, 0x06, 0x01, 0x01, 0x01, 0x01, 0x21, 0x41}, "START_OK is malformed"},  // name longer than 32
      {{0x03, 0x40, 0x81}, "control message too long"},                            // 129 > 128
  };
  for (const Case& c : cases) {
    MessageParser p;
    std::size_t consumed = 0;
    EXPECT_EQ(p.feed(c.bytes, consumed), ParseStatus::error) << c.reason;
    EXPECT_NE(std::string(p.error()).find(c.reason), std::string::npos) << p.error();
  }
}

TEST(PerfProtocol, WritersRefuseWhatDoesNotFitAndWriteNothing) {
  ControlMessage ok;
  ok.type = MessageType::start_ok;
  ok.engine = std::string(kMaxNameLength + 1, 'x');
  std::vector<std::uint8_t> buf(kMaxMessage);
  ByteWriter w(buf);
  EXPECT_FALSE(write_message(w, ok)) << "a name longer than 32 bytes";
  EXPECT_EQ(w.written(), 0u);
  std::vector<std::uint8_t> small(3);
  ByteWriter s(small);
  EXPECT_FALSE(write_message(s, sample_stats()));
  EXPECT_EQ(s.written(), 0u);
  DataHeader h;
  h.response_bytes = wire::kVarintMax + 1;
  ByteWriter d(buf);
  EXPECT_FALSE(write_data_preface(d, h)) << "not a varint";
  EXPECT_EQ(d.written(), 0u);
  h.response_bytes = 1'000'000;
  ByteWriter d2(small);
  EXPECT_FALSE(write_data_preface(d2, h));
  EXPECT_EQ(d2.written(), 0u);
}

TEST(PerfProtocol, PrefacesRoundTripAndLeaveThePayload) {
  DataHeader h;
  h.respond_after_request = true;
  h.response_bytes = 1ull << 33;
  h.response_duration_ms = 2500;
  for (std::size_t step : {std::size_t{1}, std::size_t{2}, std::size_t{100}}) {
    std::vector<std::uint8_t> bytes = preface(&h);
    const std::size_t size = bytes.size();
    bytes.insert(bytes.end(), 50, 0xee);  // request payload follows
    PrefaceParser p;
    std::size_t used = 0;
    ASSERT_EQ(feed_in_steps(p, bytes, step, used), ParseStatus::done) << p.error();
    EXPECT_EQ(used, size);
    EXPECT_EQ(p.type(), StreamType::data);
    EXPECT_TRUE(p.header().respond_after_request);
    EXPECT_EQ(p.header().response_bytes, h.response_bytes);
    EXPECT_EQ(p.header().response_duration_ms, 2500u);
  }
  std::vector<std::uint8_t> control = preface(nullptr);
  control.push_back(0x01);
  PrefaceParser p;
  std::size_t used = 0;
  ASSERT_EQ(p.feed(control, used), ParseStatus::done);
  EXPECT_EQ(p.type(), StreamType::control);
  EXPECT_EQ(used, control.size() - 1);
}

TEST(PerfProtocol, MalformedPrefacesAreRefused) {
  PrefaceParser a;
  std::size_t used = 0;
  const std::vector<std::uint8_t> other_type = {0x05};
  EXPECT_EQ(a.feed(other_type, used), ParseStatus::error);
  EXPECT_STREQ(a.error(), "unknown stream type");
  PrefaceParser b;
  const std::vector<std::uint8_t> bad_flags = {0x40, 0x71, 0x02, 0x00, 0x00};
  EXPECT_EQ(b.feed(bad_flags, used), ParseStatus::error);
  EXPECT_STREQ(b.error(), "unknown data header flags");
  PrefaceParser c;
  const std::vector<std::uint8_t> partial = {0x40, 0x71, 0x00, 0x44};
  EXPECT_EQ(c.feed(partial, used), ParseStatus::need_more);
  EXPECT_EQ(used, partial.size());
}

TEST(PerfProtocol, ModeNames) {
  EXPECT_EQ(mode_name(Mode::up), "up");
  EXPECT_EQ(mode_name(Mode::down), "down");
  EXPECT_EQ(mode_name(Mode::bidi), "bidi");
  EXPECT_EQ(mode_name(Mode::rr), "rr");
  EXPECT_EQ(mode_name(Mode::handshake), "handshake");
}

}  // namespace
}  // namespace tquic::apps::perf
