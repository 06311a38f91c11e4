// HTTP/3 over real in-memory QUIC connections: the transport's virtual-time
// Pipe (unit/transport/conn_test_harness.h) with ALPN "h3", and each side
// driven by whatever the test plugs in (a Session, a FileServerApp, or raw
// stream operations on the Connection for misbehaving peers).
#pragma once

#include <gtest/gtest.h>

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "base/file_source.h"
#include "h3/frames.h"
#include "h3/qpack/encoder.h"
#include "h3/session.h"
#include "h3/settings.h"
#include "h3/stream_types.h"
#include "unit/transport/conn_test_harness.h"

namespace tquic::h3::test {

using transport::Connection;
using transport::ConnectionEvent;
using transport::ConnectionEventType;
using transport::StreamId;

inline std::unique_ptr<crypto::TlsContext> h3_client_tls() {
  crypto::TlsClientOptions o;
  o.ca_pem = transport::testing::pki().cert.cert_pem;
  o.alpn = {"h3"};
  std::string err;
  auto c = crypto::TlsContext::make_client(o, err);
  EXPECT_TRUE(c) << err;
  return c;
}

inline transport::ConnectionConfig h3_connection_config() {
  transport::ConnectionConfig cfg;
  // RFC 9297 needs DATAGRAM frames. Kept small: the connection reserves
  // 2 x 256 slots of this size up front.
  cfg.max_datagram_frame_size = 1400;
  return cfg;
}

inline std::string pattern(std::size_t n, unsigned seed = 1) {
  std::string s(n, '\0');
  for (std::size_t i = 0; i < n; ++i) s[i] = static_cast<char>((i * 131 + seed * 7 + (i >> 9)) & 0xff);
  return s;
}

inline ByteSpan bytes(std::string_view s) {
  return ByteSpan(reinterpret_cast<const std::uint8_t*>(s.data()), s.size());
}

inline std::uint64_t code(H3Error e) { return static_cast<std::uint64_t>(e); }

// Files in memory, by relative path. `truncate_at` makes reads of one file
// stop early (a file that shrank while being sent).
class MemoryFiles final : public FileSource {
 public:
  std::map<std::string, std::string> files;
  std::map<std::string, FileStatus> failures;  // open() answers these instead
  std::string truncated;                       // this file's reads stop at truncate_at
  std::uint64_t truncate_at = 0;
  std::size_t opened = 0;
  std::vector<std::string> opened_paths;

  OpenedFile open(std::string_view relative_path) override {
    const std::string path(relative_path);
    opened_paths.push_back(path);
    OpenedFile out;
    if (auto f = failures.find(path); f != failures.end()) {
      out.status = f->second;
      return out;
    }
    const auto it = files.find(path);
    if (it == files.end()) {
      out.status = FileStatus::not_found;
      return out;
    }
    handles_[next_] = path;
    out.status = FileStatus::ok;
    out.handle = next_++;
    out.size = it->second.size();
    ++opened;
    return out;
  }

  Result<std::size_t> read(std::uint64_t handle, std::uint64_t offset, MutByteSpan out) override {
    const auto h = handles_.find(handle);
    if (h == handles_.end()) return Error::local("bad handle");
    const std::string& data = files.at(h->second);
    std::uint64_t limit = data.size();
    if (h->second == truncated) limit = std::min<std::uint64_t>(limit, truncate_at);
    if (offset >= limit) return std::size_t{0};
    const std::size_t n = static_cast<std::size_t>(std::min<std::uint64_t>(out.size(), limit - offset));
    std::copy_n(data.data() + offset, n, out.data());
    return n;
  }

  void close(std::uint64_t handle) override { handles_.erase(handle); }
  std::size_t open_handles() const { return handles_.size(); }

 private:
  std::map<std::uint64_t, std::string> handles_;
  std::uint64_t next_ = 100;
};

// What a client saw of one request.
struct Exchange {
  std::uint16_t status = 0;
  std::vector<std::pair<std::string, std::string>> headers;
  std::vector<std::pair<std::string, std::string>> trailers;
  std::string body;
  bool finished = false;
  bool reset = false;
  bool reset_by_peer = false;
  std::uint64_t reset_code = 0;

  std::string header(const std::string& name) const {
    for (const auto& [n, v] : headers)
      if (n == name) return v;
    return "<none>";
  }
  bool ended() const { return finished || reset; }
};

inline std::vector<std::pair<std::string, std::string>> copy_fields(std::span<const FieldLine> f) {
  std::vector<std::pair<std::string, std::string>> out;
  for (const FieldLine& l : f) out.emplace_back(std::string(l.name), std::string(l.value));
  return out;
}

// A Session recording everything it reports, reading bodies as they come.
struct RecordingSide {
  Session session;
  std::map<StreamId, Exchange> exchanges;
  std::vector<SessionEvent> events;
  bool read_bodies = true;
  std::function<void(Connection&, const SessionEvent&, Timestamp)> on_event;  // optional extra handling

  RecordingSide(wire::Role role, const SessionConfig& cfg = {}) : session(role, cfg) {}

  void connection_event(Connection& conn, const ConnectionEvent& ev, Timestamp now) {
    session.on_connection_event(conn, ev, now);
    drain(conn, now);
  }
  void poll(Connection& conn, Timestamp now) {
    session.poll(conn, now);
    drain(conn, now);
  }
  void read_body(Connection& conn, StreamId id, Timestamp now) {
    for (ByteSpan b = session.peek_body(conn, id); !b.empty(); b = session.peek_body(conn, id)) {
      exchanges[id].body.append(b.begin(), b.end());
      EXPECT_EQ(session.consume_body(conn, id, b.size(), now), b.size());
    }
  }
  void drain(Connection& conn, Timestamp now) {
    SessionEvent ev;
    while (session.poll_event(ev)) {
      events.push_back(ev);
      Exchange& x = exchanges[ev.stream_id];
      switch (ev.type) {
        case SessionEventType::response:
          x.status = session.response(ev.stream_id)->status;
          x.headers = copy_fields(session.headers(ev.stream_id));
          break;
        case SessionEventType::request: x.headers = copy_fields(session.headers(ev.stream_id)); break;
        case SessionEventType::data:
          if (read_bodies) read_body(conn, ev.stream_id, now);
          break;
        case SessionEventType::trailers: x.trailers = copy_fields(session.trailers(ev.stream_id)); break;
        case SessionEventType::finished: x.finished = true; break;
        case SessionEventType::stream_reset:
          x.reset = true;
          x.reset_by_peer = ev.by_peer;
          x.reset_code = ev.error_code;
          break;
        default: break;
      }
      if (on_event) on_event(conn, ev, now);
    }
  }
  std::size_t count(SessionEventType t) const {
    return static_cast<std::size_t>(
        std::count_if(events.begin(), events.end(), [&](const SessionEvent& e) { return e.type == t; }));
  }
};

// The pipe: each side is a pair of functions (events, poll); unset ones
// just record the connection events.
struct H3Pipe {
  using EventFn = std::function<void(Connection&, const ConnectionEvent&, Timestamp)>;
  using PollFn = std::function<void(Connection&, Timestamp)>;

  transport::testing::Pipe pipe;
  EventFn client_event, server_event;
  PollFn client_poll, server_poll;
  std::vector<ConnectionEvent> client_seen, server_seen;  // every connection event

  explicit H3Pipe(transport::ConnectionConfig cfg = h3_connection_config()) : pipe(cfg) {
    pipe.ctls = h3_client_tls();
  }

  // Starts over with another connection configuration (before handshake()).
  void configure(const transport::ConnectionConfig& cfg) {
    pipe = transport::testing::Pipe(cfg);
    pipe.ctls = h3_client_tls();
  }

  Connection& client() { return *pipe.client; }
  Connection& server() { return *pipe.server; }
  Timestamp now() const { return pipe.now; }

  void attach_client(RecordingSide& side) {
    client_event = [&side](Connection& c, const ConnectionEvent& e, Timestamp t) { side.connection_event(c, e, t); };
    client_poll = [&side](Connection& c, Timestamp t) { side.poll(c, t); };
  }
  void attach_server(RecordingSide& side) {
    server_event = [&side](Connection& c, const ConnectionEvent& e, Timestamp t) { side.connection_event(c, e, t); };
    server_poll = [&side](Connection& c, Timestamp t) { side.poll(c, t); };
  }
  template <class App>
  void attach_server_app(App& app) {
    server_event = [&app](Connection& c, const ConnectionEvent& e, Timestamp t) { app.on_connection_event(c, e, t); };
    server_poll = [&app](Connection& c, Timestamp t) { app.poll(c, t); };
  }
  template <class App>
  void attach_client_app(App& app) {
    client_event = [&app](Connection& c, const ConnectionEvent& e, Timestamp t) { app.on_connection_event(c, e, t); };
    client_poll = [&app](Connection& c, Timestamp t) { app.poll(c, t); };
  }

  void deliver() {
    auto forward = [&](std::vector<ConnectionEvent>& evs, std::vector<ConnectionEvent>& seen, Connection* conn,
                       const EventFn& fn) {
      std::vector<ConnectionEvent> batch;
      batch.swap(evs);
      for (const ConnectionEvent& e : batch) {
        seen.push_back(e);
        if (fn && conn) fn(*conn, e, pipe.now);
      }
    };
    forward(pipe.client_events, client_seen, pipe.client.get(), client_event);
    forward(pipe.server_events, server_seen, pipe.server.get(), server_event);
    if (client_poll && pipe.client) client_poll(*pipe.client, pipe.now);
    if (server_poll && pipe.server) server_poll(*pipe.server, pipe.now);
  }

  void step() {
    pipe.step();
    deliver();
  }

  template <class Pred>
  bool run_until(Pred done, Duration limit = 30s) {
    const Timestamp end = pipe.now + limit;
    bool ok = false;
    while (!(ok = done()) && pipe.now < end) {
      step();
      if (::testing::Test::HasFatalFailure()) return false;
    }
    return ok;
  }

  // When the next datagram arrives or timer fires (after sending what is ready).
  Timestamp next_activity() {
    pipe.flush(*pipe.client, pipe.to_server);
    if (pipe.server) pipe.flush(*pipe.server, pipe.to_client);
    Timestamp next = pipe.client->next_deadline();
    if (pipe.server) next = std::min(next, pipe.server->next_deadline());
    if (!pipe.to_server.empty()) next = std::min(next, pipe.to_server.front().arrival);
    if (!pipe.to_client.empty()) next = std::min(next, pipe.to_client.front().arrival);
    return next;
  }

  // Runs exactly `d` of virtual time: whatever happens before its end.
  void run_for(Duration d) {
    const Timestamp end = pipe.now + d;
    while (next_activity() <= end) {
      step();
      if (::testing::Test::HasFatalFailure()) return;
    }
    pipe.now = end;
  }

  bool handshake() {
    pipe.start_client();
    return run_until([&] { return pipe.client->is_established() && pipe.server && pipe.server->is_established(); });
  }

  bool client_closed() const { return pipe.client && pipe.client->close_info().closed; }
  bool server_closed() const { return pipe.server && pipe.server->close_info().closed; }
};

// ---- raw peers: bytes straight onto Connection streams --------------------

template <class F>
std::vector<std::uint8_t> build(F&& write, std::size_t capacity = 1 << 16) {
  std::vector<std::uint8_t> b(capacity);
  ByteWriter w(b);
  EXPECT_TRUE(write(w));
  b.resize(w.written());
  return b;
}

inline void raw_write(Connection& c, StreamId id, const std::vector<std::uint8_t>& b, bool fin = false) {
  auto n = c.stream_write(id, b, fin);
  ASSERT_TRUE(n);
  ASSERT_EQ(*n, b.size());
}

inline StreamId raw_open(Connection& c, bool bidi) {
  auto id = c.open_stream(bidi);
  EXPECT_TRUE(id);
  return id ? *id : 0;
}

// Opens a unidirectional stream of `type` and writes `body` after the type.
inline StreamId raw_uni(Connection& c, std::uint64_t type, const std::vector<std::uint8_t>& body = {},
                        bool fin = false) {
  const StreamId id = raw_open(c, false);
  std::vector<std::uint8_t> b = build([&](ByteWriter& w) { return write_stream_type(w, type); });
  b.insert(b.end(), body.begin(), body.end());
  raw_write(c, id, b, fin);
  return id;
}

inline std::vector<std::uint8_t> settings_frame(const Settings& s = {}) {
  return build([&](ByteWriter& w) { return write_settings_frame(w, s); });
}

// A QPACK-encoded field section with a static-table-only encoder.
inline std::vector<std::uint8_t> encode_section(std::vector<qpack::FieldLine> lines, StreamId id = 0) {
  qpack::Encoder e;
  std::vector<std::uint8_t> section(1 << 14), ins(1 << 12);
  ByteWriter sw(section), iw(ins);
  auto r = e.encode_field_section(id, lines, sw, iw);
  EXPECT_TRUE(r);
  section.resize(sw.written());
  return section;
}

inline std::vector<std::uint8_t> headers_frame(const std::vector<std::uint8_t>& section) {
  return build([&](ByteWriter& w) { return write_headers_frame(w, section); });
}

inline std::vector<std::uint8_t> data_frame(std::string_view payload) {
  return build([&](ByteWriter& w) { return write_data_frame(w, bytes(payload)); });
}

inline std::vector<qpack::FieldLine> get_request(std::string_view path) {
  return {{":method", "GET"}, {":scheme", "https"}, {":authority", "localhost"}, {":path", path}};
}

inline std::vector<std::uint8_t> concat(std::initializer_list<std::vector<std::uint8_t>> parts) {
  std::vector<std::uint8_t> out;
  for (const auto& p : parts) out.insert(out.end(), p.begin(), p.end());
  return out;
}

// Reads everything readable on `id` into a string (a raw peer's view).
inline std::string raw_read(Connection& c, StreamId id) {
  std::string out;
  for (ByteSpan v = c.stream_peek(id); !v.empty(); v = c.stream_peek(id)) {
    out.append(v.begin(), v.end());
    c.stream_consume(id, v.size());
  }
  return out;
}

inline bool saw(const std::vector<ConnectionEvent>& evs, ConnectionEventType t, StreamId id,
                std::uint64_t error_code) {
  return std::any_of(evs.begin(), evs.end(), [&](const ConnectionEvent& e) {
    return e.type == t && e.stream_id == id && e.error_code == error_code;
  });
}

}  // namespace tquic::h3::test
