// Drives a whole client/server connection pair with fuzzer-chosen frame
// payloads: each input is a sequence of records
//   [target: 1 byte][length: 2 bytes][payload]
// where the target byte picks the receiving side (client or server) and the
// encryption level the payload is handled at. Between records the two
// connections exchange their real (encrypted) packets for a few virtual
// milliseconds, so whatever state a payload created is exercised by the
// normal send and receive paths. Any crash, sanitizer report or hang is a
// finding; protocol errors are expected and must simply close the
// connection.
#include <cstddef>
#include <cstdint>
#include <ctime>
#include <deque>
#include <memory>
#include <vector>

#include "crypto/tls/self_signed.h"
#include "crypto/tls/tls_context.h"
#include "transport/connection/connection.h"
#include "wire/packet_header.h"

using namespace tquic;
using namespace tquic::transport;

namespace {

class Cids final : public CidSource {
 public:
  explicit Cids(std::uint8_t tag) : tag_(tag) {}
  bool next_cid(wire::ConnectionId& cid, wire::StatelessResetToken& token) override {
    std::uint8_t b[8] = {tag_, static_cast<std::uint8_t>(++n_), 0, 0, 0, 0, 0, 1};
    wire::ConnectionId::from_bytes(ByteSpan(b, 8), cid);
    token.fill(tag_);
    token[1] = static_cast<std::uint8_t>(n_);
    return true;
  }

 private:
  std::uint8_t tag_;
  std::uint8_t n_ = 0;
};

struct Tls {
  std::unique_ptr<crypto::TlsContext> server, client;
  Tls() {
    std::string err;
    auto cert = crypto::generate_self_signed(1'700'000'000, {"localhost"}, {}, 3650, err);
    crypto::TlsServerOptions so;
    so.cert_pem = cert.cert_pem;
    so.key_pem = cert.key_pem;
    so.alpn = {"hq-interop"};
    server = crypto::TlsContext::make_server(so, err);
    crypto::TlsClientOptions co;
    co.insecure = true;
    co.alpn = {"hq-interop"};
    client = crypto::TlsContext::make_client(co, err);
  }
};

struct Pair {
  ConnectionConfig config;
  Cids ccids{0xc1}, scids{0x51};
  std::unique_ptr<Connection> client, server;
  PathTuple ct{NetAddress::ipv4({10, 0, 0, 1}, 5000), NetAddress::ipv4({10, 0, 0, 2}, 443)};
  PathTuple st{NetAddress::ipv4({10, 0, 0, 2}, 443), NetAddress::ipv4({10, 0, 0, 1}, 5000)};
  Timestamp now = timestamp_from_ns(1'000'000'000);
  std::vector<std::uint8_t> buf = std::vector<std::uint8_t>(65536);
  std::deque<std::vector<std::uint8_t>> to_server, to_client;

  // Moves every ready datagram across and runs due timers; bounded.
  void exchange(int rounds) {
    for (int r = 0; r < rounds; ++r) {
      move(*client, to_server);
      if (server) move(*server, to_client);
      while (!to_server.empty()) {
        auto d = std::move(to_server.front());
        to_server.pop_front();
        if (!server && !accept(d)) return;
        (void)server->on_datagram(d, st, EcnMark::not_ect, now);
      }
      while (!to_client.empty()) {
        auto d = std::move(to_client.front());
        to_client.pop_front();
        (void)client->on_datagram(d, ct, EcnMark::not_ect, now);
      }
      now += 5ms;
      if (client->next_deadline() <= now) client->on_timeout(now);
      if (server && server->next_deadline() <= now) server->on_timeout(now);
      ConnectionEvent ev;
      while (client->poll_event(ev)) {
      }
      while (server && server->poll_event(ev)) {
      }
    }
  }

  void move(Connection& from, std::deque<std::vector<std::uint8_t>>& q) {
    for (int i = 0; i < 64; ++i) {
      auto t = from.write_train(buf, now);
      if (!t || t->segments == 0) return;
      for (std::size_t off = 0; off < t->bytes; off += t->segment_size)
        q.emplace_back(buf.begin() + static_cast<long>(off),
                       buf.begin() + static_cast<long>(std::min<std::size_t>(off + t->segment_size, t->bytes)));
    }
  }

  bool accept(const std::vector<std::uint8_t>& first) {
    auto h = wire::parse_packet_header(first, 8);
    if (!h) return false;
    ServerOptions o;
    o.tuple = st;
    o.client_dcid = h->dcid;
    o.client_scid = h->scid;
    o.original_dcid = h->dcid;
    o.version = h->version;
    o.random_seed.assign(32, 9);
    static Tls tls;
    auto s = Connection::server(config, *tls.server, scids, std::move(o), now);
    if (!s) return false;
    server = std::move(*s);
    return true;
  }
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static Tls tls;
  Pair p;
  p.config.max_datagram_frame_size = 1200;
  p.config.initial_max_streams_bidi = 16;
  ClientOptions co;
  co.server_name = "localhost";
  co.tuple = p.ct;
  co.random_seed.assign(32, 7);
  auto c = Connection::client(p.config, *tls.client, p.ccids, std::move(co), p.now);
  if (!c) return 0;
  p.client = std::move(*c);
  p.exchange(20);  // handshake
  if (!p.server) return 0;
  std::size_t off = 0;
  std::vector<std::uint8_t> payload;
  for (int records = 0; records < 32 && off + 3 <= size; ++records) {
    const std::uint8_t target = data[off];
    const std::size_t len = std::min<std::size_t>((data[off + 1] << 8) | data[off + 2], size - off - 3);
    payload.assign(data + off + 3, data + off + 3 + len);
    off += 3 + len;
    Connection& conn = (target & 1) ? *p.server : *p.client;
    static constexpr wire::EncryptionLevel kLevels[] = {wire::EncryptionLevel::one_rtt, wire::EncryptionLevel::one_rtt,
                                                        wire::EncryptionLevel::handshake, wire::EncryptionLevel::initial};
    conn.process_payload_for_testing(kLevels[(target >> 1) & 3], payload, p.now);
    p.exchange(4);
  }
  p.exchange(10);
  return 0;
}
