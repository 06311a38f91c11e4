// qlog of whole connections (draft-ietf-quic-qlog-main-schema JSON-SEQ,
// draft-ietf-quic-qlog-quic-events): every record parses, the header comes
// first, times never go back, and the events agree with the connection's
// own statistics.
#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "conn_test_harness.h"
#include "transport/qlog/qlog_sink.h"

namespace tquic::transport::testing {
namespace {

using nlohmann::json;

struct RecordingSink final : QlogSink {
  explicit RecordingSink(std::vector<std::string>& out) : records(out) {}
  void write(std::string_view record) override { records.emplace_back(record); }
  std::vector<std::string>& records;
};

// Logs clients and servers into separate record lists; `enabled = false`
// makes it decline every connection.
struct RecordingFactory final : QlogSinkFactory {
  std::unique_ptr<QlogSink> open(const QlogTraceInfo& info) override {
    ++opened;
    odcid.assign(info.original_dcid.begin(), info.original_dcid.end());
    if (!enabled) return nullptr;
    return std::make_unique<RecordingSink>(info.role == wire::Role::client ? client : server);
  }
  bool enabled = true;
  int opened = 0;
  std::vector<std::uint8_t> odcid;
  std::vector<std::string> client, server;
};

struct Trace {
  json header;
  std::vector<json> events;

  std::vector<json> named(std::string_view name) const {
    std::vector<json> out;
    for (const json& e : events)
      if (e["name"] == name) out.push_back(e);
    return out;
  }
  std::size_t count(std::string_view name) const { return named(name).size(); }
};

// RFC 7464: each record is RS, one JSON text, LF.
Trace parse(const std::vector<std::string>& records) {
  Trace t;
  for (std::size_t i = 0; i < records.size(); ++i) {
    const std::string& r = records[i];
    EXPECT_GE(r.size(), 3u);
    EXPECT_EQ(r.front(), '\x1e') << "record " << i;
    EXPECT_EQ(r.back(), '\n') << "record " << i;
    EXPECT_EQ(std::count(r.begin(), r.end(), '\x1e'), 1) << "record " << i;
    EXPECT_EQ(std::count(r.begin(), r.end(), '\n'), 1) << "one line per record: " << r;
    json j = json::parse(r.substr(1), nullptr, /*allow_exceptions=*/false);
    EXPECT_FALSE(j.is_discarded()) << r;
    if (i == 0) t.header = std::move(j);
    else t.events.push_back(std::move(j));
  }
  return t;
}

std::string hex(const std::vector<std::uint8_t>& b) {
  static const char* d = "0123456789abcdef";
  std::string s;
  for (auto c : b) (s += d[c >> 4]) += d[c & 15];
  return s;
}

void expect_header(const Trace& t, const char* vantage, const std::string& odcid) {
  const json& h = t.header;
  EXPECT_EQ(h["file_schema"], "urn:ietf:params:qlog:file:sequential");
  EXPECT_EQ(h["serialization_format"], "application/qlog+json-seq");
  EXPECT_EQ(h["trace"]["vantage_point"]["type"], vantage);
  EXPECT_EQ(h["trace"]["event_schemas"], json::parse(R"(["urn:ietf:params:qlog:events:quic-13"])"));
  const json& common = h["trace"]["common_fields"];
  EXPECT_EQ(common["group_id"], odcid);
  EXPECT_EQ(common["time_format"], "relative_to_epoch");
  EXPECT_EQ(common["reference_time"]["clock_type"], "monotonic");
  EXPECT_EQ(common["reference_time"]["epoch"], "unknown");
}

void expect_times_monotonic(const Trace& t) {
  double last = 0;
  for (const json& e : t.events) {
    ASSERT_TRUE(e["time"].is_number()) << e;
    ASSERT_TRUE(e["name"].get<std::string>().starts_with("quic:")) << e;
    ASSERT_TRUE(e["data"].is_object()) << e;
    EXPECT_GE(e["time"].get<double>(), last) << e;
    last = e["time"].get<double>();
  }
}

std::size_t lost_packets(const Trace& t) {
  std::size_t n = 0;
  for (const json& e : t.named("quic:packet_lost")) n += e["data"].value("is_mtu_probe_packet", false) ? 0 : 1;
  return n;
}

std::vector<std::string> states(const Trace& t) {
  std::vector<std::string> out;
  for (const json& e : t.named("quic:connection_state_updated")) out.push_back(e["data"]["new"]);
  return out;
}

std::vector<std::uint8_t> bytes(std::size_t n) {
  std::vector<std::uint8_t> v(n);
  for (std::size_t i = 0; i < n; ++i) v[i] = static_cast<std::uint8_t>(i * 7 + 3);
  return v;
}

// Client -> server transfer of `size` bytes on a new stream.
bool transfer(Pipe& p, std::size_t size) {
  const auto data = bytes(size);
  auto id = p.client->open_stream(true);
  if (!id) return false;
  std::size_t written = 0;
  return p.run_until([&] {
    if (written < data.size()) written += *p.client->stream_write(*id, ByteSpan(data).subspan(written), true);
    for (ByteSpan v = p.server->stream_peek(*id); !v.empty(); v = p.server->stream_peek(*id))
      p.server->stream_consume(*id, v.size());
    return p.server->stream_fin_received(*id);
  });
}

struct QlogRun {
  RecordingFactory factory;
  ConnectionConfig config;
  std::unique_ptr<Pipe> pipe;
  QlogRun() {
    config.qlog = &factory;
    pipe = std::make_unique<Pipe>(config);
  }
};

TEST(ConnectionQlog, LossyTransferIsLoggedConsistentlyWithTheStatistics) {
  QlogRun run;
  Pipe& p = *run.pipe;
  p.loss = 0.05;
  ASSERT_TRUE(p.handshake());
  ASSERT_TRUE(transfer(p, 400'000));
  p.client->close(0x42, "done \"here\"\n", p.now);
  ASSERT_TRUE(p.run_until([&] { return p.client->is_closed() && p.server->is_closed(); }, 30s));
  p.drain_events();

  ASSERT_EQ(run.factory.opened, 2);
  const Trace client = parse(run.factory.client);
  const Trace server = parse(run.factory.server);
  const std::string odcid = hex(run.factory.odcid);
  expect_header(client, "client", odcid);
  expect_header(server, "server", odcid);
  expect_times_monotonic(client);
  expect_times_monotonic(server);

  const ConnectionStats cs = p.client->stats(), ss = p.server->stats();
  EXPECT_EQ(client.count("quic:packet_sent"), cs.packets_sent);
  EXPECT_EQ(server.count("quic:packet_sent"), ss.packets_sent);
  EXPECT_EQ(client.count("quic:packet_received"), cs.packets_received);
  EXPECT_EQ(server.count("quic:packet_received"), ss.packets_received);
  EXPECT_EQ(client.count("quic:packet_dropped"), cs.packets_dropped);
  EXPECT_EQ(server.count("quic:packet_dropped"), ss.packets_dropped);
  EXPECT_GT(cs.packets_lost, 0u) << "5% loss over a 400 kB transfer";
  EXPECT_EQ(lost_packets(client), cs.packets_lost);
  EXPECT_EQ(lost_packets(server), ss.packets_lost);
  EXPECT_EQ(cs.qlog_records, run.factory.client.size());
  EXPECT_EQ(ss.qlog_records, run.factory.server.size());
}

TEST(ConnectionQlog, HandshakeEventsOfBothEnds) {
  QlogRun run;
  Pipe& p = *run.pipe;
  ASSERT_TRUE(p.handshake());
  ASSERT_TRUE(p.run_until([&] { return p.client->stats().qlog_records > 0 && p.client->is_established() &&
                                       std::any_of(p.client_events.begin(), p.client_events.end(), [](auto& e) {
                                         return e.type == ConnectionEventType::handshake_confirmed;
                                       }); }));
  const Trace client = parse(run.factory.client);
  const Trace server = parse(run.factory.server);
  for (const Trace* t : {&client, &server}) {
    ASSERT_FALSE(t->events.empty());
    EXPECT_EQ(t->events.front()["name"], "quic:connection_started");
    EXPECT_EQ(t->events.front()["time"], 0);
    const auto params = t->named("quic:parameters_set");
    ASSERT_EQ(params.size(), 2u);
    EXPECT_EQ(params[0]["data"]["initiator"], "local");
    EXPECT_EQ(params[1]["data"]["initiator"], "remote");
    EXPECT_EQ(params[0]["data"]["initial_max_data"], p.config.initial_max_data);
    EXPECT_EQ(params[1]["data"]["initial_max_data"], p.config.initial_max_data);
    const auto st = states(*t);
    ASSERT_GE(st.size(), 3u);
    EXPECT_EQ(st[0], "handshake_started");
    EXPECT_EQ(st[1], "handshake_complete");
    EXPECT_EQ(st[2], "handshake_confirmed");
    EXPECT_EQ(t->count("quic:version_information"), 1u);
    EXPECT_GE(t->count("quic:recovery_metrics_updated"), 1u);
    EXPECT_EQ(t->count("quic:recovery_parameters_set"), 1u);
    const auto alpn = t->named("quic:alpn_information");
    ASSERT_EQ(alpn.size(), 2u);
    EXPECT_EQ(alpn[1]["data"]["chosen_alpn"]["string_value"], "hq-interop");
    // Initial, Handshake and 1-RTT secrets of both sides appear; the
    // Initial and Handshake ones are discarded again.
    std::map<std::string, int> updated, discarded;
    for (const json& e : t->named("quic:key_updated")) ++updated[e["data"]["key_type"]];
    for (const json& e : t->named("quic:key_discarded")) ++discarded[e["data"]["key_type"]];
    for (const char* k : {"client_initial_secret", "server_initial_secret", "client_handshake_secret",
                          "server_handshake_secret", "client_1rtt_secret", "server_1rtt_secret"})
      EXPECT_EQ(updated[k], 1) << k;
    for (const char* k : {"client_initial_secret", "server_initial_secret", "client_handshake_secret",
                          "server_handshake_secret"})
      EXPECT_EQ(discarded[k], 1) << k;
  }
  // The server's connection_started names the client's address.
  const json started = server.events.front()["data"];
  EXPECT_EQ(started["remote"]["ip_v4"], "10.0.0.1");
  EXPECT_EQ(started["remote"]["port_v4"], 5000);
  // The client's first packet is an Initial with a CRYPTO frame at offset 0,
  // padded to 1200 bytes.
  const json first = client.named("quic:packet_sent").front()["data"];
  EXPECT_EQ(first["header"]["packet_type"], "initial");
  EXPECT_EQ(first["header"]["packet_number"], 0);
  EXPECT_EQ(first["header"]["version"], "00000001");
  EXPECT_EQ(first["header"]["dcid"], hex(run.factory.odcid));
  EXPECT_EQ(first["frames"][0]["frame_type"], "crypto");
  EXPECT_EQ(first["frames"][0]["offset"], 0);
  EXPECT_GE(first["raw"]["length"].get<int>(), 1200);
}

TEST(ConnectionQlog, PacketsCarryTheirFramesAndAcks) {
  QlogRun run;
  Pipe& p = *run.pipe;
  ASSERT_TRUE(p.handshake());
  ASSERT_TRUE(transfer(p, 100'000));
  const Trace client = parse(run.factory.client);
  const Trace server = parse(run.factory.server);
  // The server received exactly the stream bytes the client sent (no loss).
  std::uint64_t sent = 0, received = 0;
  bool fin = false;
  for (const json& e : client.named("quic:packet_sent"))
    for (const json& f : e["data"]["frames"])
      if (f["frame_type"] == "stream") sent += f["raw"]["length"].get<std::uint64_t>();
  for (const json& e : server.named("quic:packet_received"))
    for (const json& f : e["data"]["frames"])
      if (f["frame_type"] == "stream") {
        received += f["raw"]["length"].get<std::uint64_t>();
        fin |= f["fin"].get<bool>();
      }
  EXPECT_EQ(sent, 100'000u);
  EXPECT_EQ(received, 100'000u);
  EXPECT_TRUE(fin);
  // Packet numbers rise within each packet type.
  std::map<std::string, std::int64_t> last;
  for (const json& e : client.named("quic:packet_sent")) {
    const std::string type = e["data"]["header"]["packet_type"];
    const std::int64_t pn = e["data"]["header"]["packet_number"];
    EXPECT_GT(pn, last.count(type) ? last[type] : -1) << type;
    last[type] = pn;
  }
  // Every packet the client saw acknowledged was one it sent, once.
  std::map<std::string, std::vector<std::uint64_t>> acked;
  for (const json& e : client.named("quic:packets_acked"))
    for (const json& pn : e["data"]["packet_numbers"]) acked[e["data"]["packet_number_space"]].push_back(pn);
  auto& app = acked["application_data"];
  ASSERT_FALSE(app.empty());
  std::sort(app.begin(), app.end());
  EXPECT_EQ(std::adjacent_find(app.begin(), app.end()), app.end()) << "acknowledged twice";
  EXPECT_LE(app.back(), static_cast<std::uint64_t>(last["1RTT"]));
  // ACK frames carry ranges and a delay.
  bool ack_seen = false;
  for (const json& e : server.named("quic:packet_sent"))
    for (const json& f : e["data"]["frames"])
      if (f["frame_type"] == "ack" && e["data"]["header"]["packet_type"] == "1RTT") {
        ack_seen = true;
        EXPECT_TRUE(f["ack_delay"].is_number());
        EXPECT_FALSE(f["acked_ranges"].empty());
      }
  EXPECT_TRUE(ack_seen);
  // Recovery metrics are logged only when something changed.
  for (const json& e : client.named("quic:recovery_metrics_updated")) EXPECT_FALSE(e["data"].empty());
  const auto metrics = client.named("quic:recovery_metrics_updated");
  EXPECT_TRUE(std::any_of(metrics.begin(), metrics.end(), [](const json& e) { return e["data"].contains("smoothed_rtt"); }));
  EXPECT_TRUE(std::any_of(metrics.begin(), metrics.end(), [](const json& e) { return e["data"].contains("congestion_window"); }));
  EXPECT_GE(client.count("quic:congestion_state_updated"), 1u);
}

TEST(ConnectionQlog, CloseIsLoggedWithItsErrorAtBothEnds) {
  QlogRun run;
  Pipe& p = *run.pipe;
  ASSERT_TRUE(p.handshake());
  const std::string reason = "bye \"now\"\n\xff";
  p.client->close(0x1234, reason, p.now);
  ASSERT_TRUE(p.run_until([&] { return p.client->is_closed() && p.server->is_closed(); }, 30s));
  const Trace client = parse(run.factory.client);
  const Trace server = parse(run.factory.server);
  const auto c = client.named("quic:connection_closed");
  const auto s = server.named("quic:connection_closed");
  ASSERT_EQ(c.size(), 1u);
  ASSERT_EQ(s.size(), 1u);
  EXPECT_EQ(c[0]["data"]["initiator"], "local");
  EXPECT_EQ(s[0]["data"]["initiator"], "remote");
  for (const json* e : {&c[0], &s[0]}) {
    EXPECT_EQ((*e)["data"]["application_error"], "unknown");
    EXPECT_EQ((*e)["data"]["error_code"], 0x1234);
    EXPECT_EQ((*e)["data"]["trigger"], "application");
    EXPECT_EQ((*e)["data"]["reason"], "bye \"now\"\n\xef\xbf\xbd");  // invalid UTF-8 replaced
  }
  const auto cst = states(client), sst = states(server);
  EXPECT_EQ(cst.back(), "closed");
  EXPECT_NE(std::find(cst.begin(), cst.end(), "closing"), cst.end());
  EXPECT_EQ(sst.back(), "closed");
  EXPECT_NE(std::find(sst.begin(), sst.end(), "draining"), sst.end());
  // The CONNECTION_CLOSE frame itself is in the client's packets: as sent
  // in 1-RTT, and as APPLICATION_ERROR where the handshake keys were still
  // in use (RFC 9000 §10.2.3).
  bool app_frame_seen = false;
  for (const json& e : client.named("quic:packet_sent"))
    for (const json& f : e["data"]["frames"]) {
      if (f["frame_type"] != "connection_close") continue;
      if (e["data"]["header"]["packet_type"] == "1RTT") {
        app_frame_seen = true;
        EXPECT_EQ(f.value("error_space", ""), "application");
        EXPECT_EQ(f.value("error_code", 0), 0x1234);
      } else {
        EXPECT_EQ(f.value("error", ""), "application_error");
      }
    }
  EXPECT_TRUE(app_frame_seen);
}

TEST(ConnectionQlog, IdleTimeoutIsLoggedAsSuch) {
  RecordingFactory factory;
  ConnectionConfig cfg;
  cfg.qlog = &factory;
  cfg.max_idle_timeout = 2s;
  Pipe p(cfg);
  ASSERT_TRUE(p.handshake());
  ASSERT_TRUE(p.run_until([&] { return p.client->is_closed(); }, 30s));
  const auto closed = parse(factory.client).named("quic:connection_closed");
  ASSERT_EQ(closed.size(), 1u);
  EXPECT_EQ(closed[0]["data"]["trigger"], "idle_timeout");
  EXPECT_FALSE(closed[0]["data"].contains("connection_error"));
}

TEST(ConnectionQlog, KeyUpdateIsLocalAtTheInitiatorAndRemoteAtThePeer) {
  QlogRun run;
  Pipe& p = *run.pipe;
  ASSERT_TRUE(p.handshake());
  ASSERT_TRUE(transfer(p, 20'000));
  ASSERT_TRUE(p.run_until([&] { return p.client->initiate_key_update().ok(); }, 5s));
  ASSERT_TRUE(transfer(p, 20'000));
  const auto find_update = [](const Trace& t) {
    for (const json& e : t.named("quic:key_updated"))
      if (e["data"].value("key_phase", 0) == 1) return e["data"];
    return json();
  };
  const json c = find_update(parse(run.factory.client));
  const json s = find_update(parse(run.factory.server));
  ASSERT_FALSE(c.is_null());
  ASSERT_FALSE(s.is_null());
  EXPECT_EQ(c["trigger"], "local_update");
  EXPECT_EQ(s["trigger"], "remote_update");
}

TEST(ConnectionQlog, NatRebindingShowsTheNewTupleAndItsValidation) {
  QlogRun run;
  Pipe& p = *run.pipe;
  ASSERT_TRUE(p.handshake());
  ASSERT_TRUE(transfer(p, 10'000));
  p.client_tuple.local.port = 6000;  // the NAT picked a new port
  p.rebind_client = true;
  ASSERT_TRUE(transfer(p, 50'000));
  ASSERT_TRUE(p.run_until([&] { return p.server->stats().qlog_records > 0 && std::any_of(
      p.server_events.begin(), p.server_events.end(),
      [](auto& e) { return e.type == ConnectionEventType::path_validated; }); }));
  const Trace server = parse(run.factory.server);
  const auto tuples = server.named("quic:tuple_assigned");
  ASSERT_GE(tuples.size(), 2u);
  EXPECT_EQ(tuples[0]["data"]["tuple_id"], "");
  EXPECT_EQ(tuples[1]["data"]["tuple_id"], "1");
  EXPECT_EQ(tuples[1]["data"]["tuple_remote"]["port_v4"], 6000);
  std::vector<std::string> migration;
  for (const json& e : server.named("quic:migration_state_updated")) migration.push_back(e["data"]["new"]);
  for (const char* st : {"probing_started", "migration_started", "probing_successful", "migration_complete"})
    EXPECT_NE(std::find(migration.begin(), migration.end(), st), migration.end()) << st;
}

TEST(ConnectionQlog, WithoutASinkNothingIsFormatted) {
  RecordingFactory factory;
  factory.enabled = false;
  ConnectionConfig cfg;
  cfg.qlog = &factory;
  Pipe p(cfg);
  p.loss = 0.05;
  ASSERT_TRUE(p.handshake());
  ASSERT_TRUE(transfer(p, 100'000));
  EXPECT_EQ(factory.opened, 2) << "the factory is asked once per connection";
  EXPECT_EQ(p.client->stats().qlog_records, 0u);
  EXPECT_EQ(p.server->stats().qlog_records, 0u);
  EXPECT_TRUE(factory.client.empty());
  EXPECT_TRUE(factory.server.empty());

  Pipe plain;  // no factory at all
  ASSERT_TRUE(plain.handshake());
  EXPECT_EQ(plain.client->stats().qlog_records, 0u);
}

}  // namespace
}  // namespace tquic::transport::testing
