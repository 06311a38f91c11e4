#include "sim/quic_node_helpers.h"

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <string>

#include "crypto/tls/self_signed.h"
#include "netsim/rng.h"
#include "wire/packet_header.h"

namespace tquic::sim {
namespace {

constexpr std::size_t kEventTypes = static_cast<std::size_t>(transport::ConnectionEventType::closed) + 1;

struct SimPki {
  std::unique_ptr<crypto::TlsContext> server;
  std::unique_ptr<crypto::TlsContext> client;

  SimPki() {
    std::string err;
    const crypto::PemCertificate cert = crypto::generate_self_signed(std::time(nullptr), {"localhost"}, {}, 1, err);
    if (cert.cert_pem.empty()) std::abort();
    crypto::TlsServerOptions so;
    so.cert_pem = cert.cert_pem;
    so.key_pem = cert.key_pem;
    so.alpn = {"hq-interop"};
    server = crypto::TlsContext::make_server(so, err);
    crypto::TlsClientOptions co;
    co.ca_pem = cert.cert_pem;
    co.alpn = {"hq-interop"};
    client = crypto::TlsContext::make_client(co, err);
    if (!server || !client) std::abort();
  }
};

const SimPki& pki() {
  static const SimPki p;
  return p;
}

std::vector<std::uint8_t> random_seed_for(std::uint64_t seed, std::uint64_t stream) {
  std::uint64_t state = derive_seed(seed, stream);
  std::vector<std::uint8_t> out(32);
  for (std::size_t i = 0; i < out.size(); i += 8) {
    const std::uint64_t w = splitmix64(state);
    for (std::size_t k = 0; k < 8; ++k) out[i + k] = static_cast<std::uint8_t>(w >> (8 * k));
  }
  return out;
}

}  // namespace

NetAddress to_net_address(const Address& a) {
  NetAddress n;
  n.family = a.family == Address::Family::ipv4   ? AddressFamily::ipv4
             : a.family == Address::Family::ipv6 ? AddressFamily::ipv6
                                                 : AddressFamily::none;
  n.port = a.port;
  n.ip = a.bytes;
  return n;
}

Address to_sim_address(const NetAddress& n) {
  Address a;
  a.family = n.family == AddressFamily::ipv4   ? Address::Family::ipv4
             : n.family == AddressFamily::ipv6 ? Address::Family::ipv6
                                               : Address::Family::unspecified;
  a.port = n.port;
  a.bytes = n.ip;
  return a;
}

const crypto::TlsContext& sim_server_tls() { return *pki().server; }
const crypto::TlsContext& sim_client_tls() { return *pki().client; }

bool CounterCids::next_cid(wire::ConnectionId& cid, wire::StatelessResetToken& token) {
  const std::uint64_t n = ++counter_;
  std::uint8_t b[8] = {tag_, 0, 0, 0, 0, 0, 0, 0};
  for (int i = 0; i < 7; ++i) b[1 + i] = static_cast<std::uint8_t>(n >> (8 * i));
  if (!wire::ConnectionId::from_bytes(ByteSpan(b, sizeof b), cid)) return false;
  std::uint64_t state = (std::uint64_t{tag_} << 56) ^ n;
  for (std::size_t i = 0; i < token.size(); i += 8) {
    const std::uint64_t w = splitmix64(state);
    for (std::size_t k = 0; k < 8 && i + k < token.size(); ++k) token[i + k] = static_cast<std::uint8_t>(w >> (8 * k));
  }
  return true;
}

QuicNode::QuicNode(const NodeSetup& setup, App& app)
    : setup_(setup),
      app_(app),
      cids_(setup.role == wire::Role::client ? 0xc1 : 0x5e),
      rx_(kMaxDatagramBytes),
      tx_(std::size_t{setup.config.gso_segments} * kMaxDatagramBytes),
      event_counts_(kEventTypes, 0) {}

QuicNode::~QuicNode() = default;

std::uint64_t QuicNode::event_count(transport::ConnectionEventType type) const {
  return event_counts_[static_cast<std::size_t>(type)];
}

void QuicNode::start_client(Timestamp now) {
  transport::ClientOptions o;
  o.server_name = "localhost";
  o.tuple = PathTuple{to_net_address(setup_.local), to_net_address(setup_.server)};
  o.random_seed = random_seed_for(setup_.seed, 0xc11e47);
  o.zero_length_cid = setup_.zero_length_cid;
  auto c = transport::Connection::client(setup_.config, sim_client_tls(), cids_, std::move(o), now);
  if (!c) {
    create_failed_ = true;
    create_error_ = c.error().reason;
    return;
  }
  conn_ = std::move(*c);
}

// The server is created from the client's first Initial, as an endpoint
// would: anything else arriving first is ignored.
void QuicNode::accept_server(const Datagram& d, Timestamp now) {
  auto h = wire::parse_packet_header(d.data, 8);
  if (!h || h->type != wire::PacketType::initial || d.data.size() < 1200) {
    ++counters_.ignored_before_accept;
    return;
  }
  transport::ServerOptions o;
  o.tuple = PathTuple{to_net_address(d.to), to_net_address(d.from)};
  o.client_dcid = h->dcid;
  o.client_scid = h->scid;
  o.original_dcid = h->dcid;
  o.version = h->version;
  o.random_seed = random_seed_for(setup_.seed, 0x5e7e7);
  o.zero_length_cid = setup_.zero_length_cid;
  auto s = transport::Connection::server(setup_.config, sim_server_tls(), cids_, std::move(o), now);
  if (!s) {
    create_failed_ = true;
    create_error_ = s.error().reason;
    ++counters_.ignored_before_accept;
    return;
  }
  conn_ = std::move(*s);
}

void QuicNode::on_datagram(const Datagram& d, Timestamp now) {
  ++counters_.datagrams_in;
  if (!conn_ && setup_.role == wire::Role::server && !create_failed_) accept_server(d, now);
  if (!conn_) return;
  // The core decrypts in place: give it a copy it may write to.
  std::memcpy(rx_.data(), d.data.data(), d.data.size());
  const PathTuple tuple{to_net_address(d.to), to_net_address(d.from)};
  const auto ecn = static_cast<transport::EcnMark>(d.ecn & 3);
  if (!conn_->on_datagram(MutByteSpan(rx_.data(), d.data.size()), tuple, ecn, now)) ++counters_.on_datagram_errors;
  after_call(now);
}

Timestamp QuicNode::next_deadline() {
  if (!conn_) {
    const bool waiting = setup_.role == wire::Role::client && !create_failed_;
    return waiting ? setup_.start : kTimeInfinite;
  }
  return std::min(conn_->next_deadline(), app_.next_deadline());
}

void QuicNode::on_timeout(Timestamp now) {
  if (!conn_) {
    if (setup_.role == wire::Role::client && !create_failed_ && now >= setup_.start) start_client(now);
    return;
  }
  if (conn_->next_deadline() <= now) conn_->on_timeout(now);
  after_call(now);
}

void QuicNode::flush(Timestamp now, Sender& sender) {
  if (!conn_) return;
  app_.pump(*conn_, now);
  drain_events(now);
  std::size_t trains = 0;
  for (; trains < kMaxTrainsPerFlush; ++trains) {
    auto t = conn_->write_train(MutByteSpan(tx_.data(), tx_.size()), now);
    if (!t) {
      ++counters_.write_errors;
      break;
    }
    if (t->segments == 0) break;
    send_train(*t, sender);
  }
  if (trains == kMaxTrainsPerFlush) ++counters_.write_loop_exhausted;
  drain_events(now);
}

void QuicNode::send_train(const transport::TxTrain& t, Sender& sender) {
  ++counters_.trains;
  const Address from = to_sim_address(t.tuple.local);
  const Address to = to_sim_address(t.tuple.remote);
  const std::size_t seg = t.segment_size ? t.segment_size : t.bytes;
  for (std::size_t off = 0; off < t.bytes; off += seg) {
    const std::size_t n = std::min(seg, t.bytes - off);
    ++counters_.datagrams_out;
    counters_.bytes_out += n;
    if (!sender.send(from, to, ByteSpan(tx_.data() + off, n), static_cast<std::uint8_t>(t.ecn))) {
      ++counters_.unroutable;
    }
  }
}

void QuicNode::after_call(Timestamp now) {
  drain_events(now);
  app_.pump(*conn_, now);
  drain_events(now);
}

void QuicNode::drain_events(Timestamp now) {
  transport::ConnectionEvent ev;
  while (conn_->poll_event(ev)) {
    ++counters_.events;
    ++event_counts_[static_cast<std::size_t>(ev.type)];
    if (ev.type == transport::ConnectionEventType::handshake_completed && handshake_at_ == kTimeInfinite)
      handshake_at_ = now;
    if (ev.type == transport::ConnectionEventType::closed && closed_event_at_ == kTimeInfinite)
      closed_event_at_ = now;
    app_.on_event(*conn_, ev, now);
  }
  if (conn_->is_closed() && fully_closed_at_ == kTimeInfinite) fully_closed_at_ = now;
}

}  // namespace tquic::sim
