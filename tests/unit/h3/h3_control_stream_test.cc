// Control stream state machine (RFC 9114 §6.2.1, §7.2.3-§7.2.7).
#include <gtest/gtest.h>

#include <cstdint>
#include <vector>

#include "h3/control_stream.h"
#include "h3/frames.h"
#include "h3/settings.h"
#include "h3_test_util.h"

namespace tquic::h3 {
namespace {

using test::Bytes;
using test::build;
using test::is_h3;
using wire::Role;

Bytes settings_frame(const Settings& s = {}) {
  const GreaseSetting grease{1, 1};
  return build([&](ByteWriter& w) { return write_settings_frame(w, s, &grease); });
}
Bytes goaway(std::uint64_t id) { return build([&](ByteWriter& w) { return write_goaway_frame(w, id); }); }
Bytes max_push_id(std::uint64_t id) {
  return build([&](ByteWriter& w) { return write_max_push_id_frame(w, id); });
}
Bytes cancel_push(std::uint64_t id) {
  return build([&](ByteWriter& w) { return write_cancel_push_frame(w, id); });
}
Bytes grease_frame() {
  return build([](ByteWriter& w) { return write_reserved_frame(w, 5, test::span_of("pad")); });
}

struct ControlRun {
  std::vector<ControlEvent> events;
  Status status;
};

// Feeds `b` in chunks of `chunk` bytes, collecting events until an error.
ControlRun feed(ControlStreamReceiver& rx, const Bytes& b, std::size_t chunk = 1 << 20) {
  ControlRun run;
  for (std::size_t pos = 0; pos < b.size(); pos += chunk) {
    ByteSpan in = ByteSpan(b).subspan(pos, std::min(chunk, b.size() - pos));
    for (;;) {
      auto ev = rx.next(in);
      if (!ev) {
        run.status = ev.error();
        return run;
      }
      in = in.subspan(ev->consumed);
      if (ev->kind == ControlEventKind::need_more) break;
      run.events.push_back(*ev);
    }
  }
  return run;
}

TEST(H3ControlStream, SettingsFirstThenFramesAtEveryChunkSize) {
  Settings s;
  s.max_field_section_size = 8192;
  s.enable_connect_protocol = true;
  const Bytes b = test::concat({settings_frame(s), grease_frame(), goaway(8), max_push_id(3),
                                grease_frame(), goaway(4), max_push_id(3), max_push_id(10)});
  for (std::size_t chunk = 1; chunk <= b.size(); ++chunk) {
    ControlStreamReceiver rx(Role::server);
    const ControlRun run = feed(rx, b, chunk);
    ASSERT_TRUE(run.status.ok()) << chunk << ": " << run.status.error().reason;
    ASSERT_EQ(run.events.size(), 6u);
    EXPECT_EQ(run.events[0].kind, ControlEventKind::settings);
    EXPECT_EQ(run.events[0].settings, s);
    EXPECT_EQ(run.events[1].kind, ControlEventKind::goaway);
    EXPECT_EQ(run.events[1].id, 8u);
    EXPECT_EQ(run.events[2].kind, ControlEventKind::max_push_id);
    EXPECT_EQ(run.events[5].id, 10u);
    EXPECT_TRUE(rx.settings_received());
    EXPECT_EQ(rx.peer_settings(), s);
    EXPECT_EQ(rx.last_goaway_id(), 4u);
    EXPECT_EQ(rx.peer_max_push_id(), 10u);
  }
}

struct Row {
  const char* name;
  Role local;
  Bytes stream;
  H3Error expected;
};

TEST(H3ControlStream, ErrorTable) {
  const Bytes s = settings_frame();
  const Bytes data = build([](ByteWriter& w) { return write_data_frame(w, test::span_of("x")); });
  const Bytes headers = build([](ByteWriter& w) { return write_headers_frame(w, test::span_of("h")); });
  const Bytes promise =
      build([](ByteWriter& w) { return write_push_promise_frame(w, 0, test::span_of("h")); });
  const Bytes bad_setting{0x04, 0x02, 0x02, 0x00};  // SETTINGS_ENABLE_PUSH
  const Row rows[] = {
      {"goaway first", Role::client, goaway(0), H3Error::H3_MISSING_SETTINGS},
      {"grease first", Role::client, grease_frame(), H3Error::H3_MISSING_SETTINGS},
      {"data first", Role::server, data, H3Error::H3_MISSING_SETTINGS},
      {"second settings", Role::server, test::concat({s, s}), H3Error::H3_FRAME_UNEXPECTED},
      {"data", Role::server, test::concat({s, data}), H3Error::H3_FRAME_UNEXPECTED},
      {"headers", Role::client, test::concat({s, headers}), H3Error::H3_FRAME_UNEXPECTED},
      {"push promise", Role::client, test::concat({s, promise}), H3Error::H3_FRAME_UNEXPECTED},
      {"http2 ping", Role::client, test::concat({s, Bytes{0x06, 0x00}}), H3Error::H3_FRAME_UNEXPECTED},
      {"http2 setting", Role::client, bad_setting, H3Error::H3_SETTINGS_ERROR},
      {"goaway increases", Role::client, test::concat({s, goaway(4), goaway(8)}), H3Error::H3_ID_ERROR},
      {"goaway push id increases", Role::server, test::concat({s, goaway(4), goaway(5)}),
       H3Error::H3_ID_ERROR},
      {"goaway not a request stream", Role::client, test::concat({s, goaway(2)}), H3Error::H3_ID_ERROR},
      {"max push id at client", Role::client, test::concat({s, max_push_id(1)}),
       H3Error::H3_FRAME_UNEXPECTED},
      {"max push id decreases", Role::server, test::concat({s, max_push_id(5), max_push_id(4)}),
       H3Error::H3_ID_ERROR},
      {"cancel push before max push id", Role::server, test::concat({s, cancel_push(0)}),
       H3Error::H3_ID_ERROR},
      {"cancel push never promised", Role::server, test::concat({s, max_push_id(5), cancel_push(0)}),
       H3Error::H3_ID_ERROR},
      {"cancel push at client without limit", Role::client, test::concat({s, cancel_push(0)}),
       H3Error::H3_ID_ERROR},
      {"goaway extra byte", Role::client, test::concat({s, Bytes{0x07, 0x02, 0x00, 0x00}}),
       H3Error::H3_FRAME_ERROR},
      {"goaway short varint", Role::client, test::concat({s, Bytes{0x07, 0x01, 0x40}}),
       H3Error::H3_FRAME_ERROR},
      {"truncated setting", Role::client, Bytes{0x04, 0x01, 0x01}, H3Error::H3_FRAME_ERROR},
  };
  for (const Row& r : rows) {
    for (std::size_t chunk : {std::size_t{1}, std::size_t{3}, r.stream.size()}) {
      ControlStreamReceiver rx(r.local);
      const ControlRun run = feed(rx, r.stream, chunk);
      ASSERT_FALSE(run.status.ok()) << r.name;
      EXPECT_TRUE(is_h3(run.status.error(), r.expected)) << r.name << " chunk " << chunk;
      // Sticky.
      auto again = rx.next(settings_frame());
      ASSERT_FALSE(again.ok());
      EXPECT_EQ(again.error().code, static_cast<std::uint64_t>(r.expected));
    }
  }
}

TEST(H3ControlStream, GoawayEqualIdsAllowed) {
  ControlStreamReceiver rx(Role::client);
  const ControlRun run = feed(rx, test::concat({settings_frame(), goaway(8), goaway(8), goaway(0)}));
  ASSERT_TRUE(run.status.ok());
  EXPECT_EQ(run.events.size(), 4u);
  EXPECT_EQ(rx.last_goaway_id(), 0u);
  // The largest client-initiated bidirectional stream ID a server can name.
  ControlStreamReceiver rx2(Role::client);
  EXPECT_TRUE(feed(rx2, test::concat({settings_frame(), goaway((1ull << 62) - 4)})).status.ok());
}

TEST(H3ControlStream, CancelPushWithinLimits) {
  ControlStreamReceiver server(Role::server);
  server.on_push_promised(0);
  server.on_push_promised(2);
  const ControlRun ok = feed(server, test::concat({settings_frame(), max_push_id(5), cancel_push(2)}));
  ASSERT_TRUE(ok.status.ok());
  EXPECT_EQ(ok.events.back().kind, ControlEventKind::cancel_push);
  EXPECT_EQ(ok.events.back().id, 2u);
  EXPECT_TRUE(is_h3(feed(server, cancel_push(3)).status.error(), H3Error::H3_ID_ERROR));

  ControlStreamReceiver client(Role::client);
  client.set_local_max_push_id(7);
  ASSERT_TRUE(feed(client, test::concat({settings_frame(), cancel_push(7)})).status.ok());
  EXPECT_TRUE(is_h3(feed(client, cancel_push(8)).status.error(), H3Error::H3_ID_ERROR));
}

TEST(H3ControlStream, ClosingIsCriticalError) {
  ControlStreamReceiver rx(Role::client);
  ASSERT_TRUE(feed(rx, settings_frame()).status.ok());
  EXPECT_TRUE(is_h3(rx.on_stream_end().error(), H3Error::H3_CLOSED_CRITICAL_STREAM));
  ControlStreamReceiver fresh(Role::server);
  EXPECT_TRUE(is_h3(fresh.on_stream_end().error(), H3Error::H3_CLOSED_CRITICAL_STREAM));
}

TEST(H3ControlStream, UnknownFramesAfterSettingsIgnored) {
  ControlStreamReceiver rx(Role::server);
  const Bytes unknown = build([](ByteWriter& w) { return write_frame(w, 0x0a, test::span_of("?")); });
  const ControlRun run = feed(rx, test::concat({settings_frame(), unknown, grease_frame(), unknown}));
  ASSERT_TRUE(run.status.ok());
  EXPECT_EQ(run.events.size(), 1u);
}

TEST(H3ControlStream, OversizedSettingsIsExcessiveLoad) {
  FrameReaderLimits limits;
  limits.max_settings_frame = 4;
  ControlStreamReceiver rx(Role::server, limits);
  Settings s;
  s.qpack_max_table_capacity = 1u << 20;
  s.qpack_blocked_streams = 100;
  EXPECT_TRUE(is_h3(feed(rx, settings_frame(s)).status.error(), H3Error::H3_EXCESSIVE_LOAD));
}

}  // namespace
}  // namespace tquic::h3
