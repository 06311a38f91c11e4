// A netsim node that is a real QUIC endpoint: one tquic::transport::Connection
// (client, or server created from the first Initial as an endpoint would)
// behind the simulator's Endpoint interface, plus an App that drives the
// connection's stream / datagram API.
//
//   datagram in  -> Connection::on_datagram (copied: the core decrypts in place)
//   flush        -> App::pump, then write_train until it runs dry; each train
//                   is split by segment_size into separate datagrams (as GSO
//                   would) and handed to the Sender
//   deadline     -> min(Connection::next_deadline, App::next_deadline)
// After every call the node drains the connection's events into the App.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <vector>

#include "base/net_address.h"
#include "crypto/tls/tls_context.h"
#include "netsim/address.h"
#include "netsim/endpoint.h"
#include "netsim/link_config.h"
#include "transport/connection/connection.h"
#include "wire/role.h"

namespace tquic::sim {

NetAddress to_net_address(const Address& a);
Address to_sim_address(const NetAddress& a);

// Process-wide TLS contexts for scenarios (one self-signed certificate for
// "localhost", ALPN "hq-interop").
const crypto::TlsContext& sim_server_tls();
const crypto::TlsContext& sim_client_tls();

// What runs on top of a connection. Calls happen only from the node, on the
// simulator's thread, with the network's virtual time.
class App {
 public:
  virtual ~App() = default;
  virtual void on_event(transport::Connection& conn, const transport::ConnectionEvent& event, Timestamp now) = 0;
  // Before every write and after every received datagram / timeout.
  virtual void pump(transport::Connection& conn, Timestamp now) = 0;
  // When the app wants pump() called without network activity.
  virtual Timestamp next_deadline() const { return kTimeInfinite; }
};

// Connection IDs from a counter (8 bytes: tag, then the count), reset
// tokens derived from them.
class CounterCids final : public transport::CidSource {
 public:
  explicit CounterCids(std::uint8_t tag) : tag_(tag) {}
  bool next_cid(wire::ConnectionId& cid, wire::StatelessResetToken& token) override;
  std::uint64_t issued() const { return counter_; }

 private:
  std::uint8_t tag_;
  std::uint64_t counter_ = 0;
};

struct NodeSetup {
  wire::Role role = wire::Role::client;
  transport::ConnectionConfig config{};
  std::uint64_t seed = 1;          // the connection's CSPRNG seed is derived from it
  Address local{};                 // the node's own address
  Address server{};                // client: where to connect
  Timestamp start = kTimeZero;     // client: when to send the first Initial
  bool zero_length_cid = false;    // ClientOptions / ServerOptions::zero_length_cid
};

struct NodeCounters {
  std::uint64_t datagrams_in = 0;
  std::uint64_t datagrams_out = 0;
  std::uint64_t bytes_out = 0;
  std::uint64_t trains = 0;
  std::uint64_t unroutable = 0;         // Sender::send found no path
  std::uint64_t ignored_before_accept = 0;  // server: datagrams before a valid Initial
  std::uint64_t write_errors = 0;       // write_train returned an error
  std::uint64_t on_datagram_errors = 0; // on_datagram returned an error
  std::uint64_t write_loop_exhausted = 0;  // write_train never ran dry in one flush
  std::uint64_t events = 0;
};

class QuicNode final : public Endpoint {
 public:
  static constexpr std::size_t kMaxTrainsPerFlush = 1u << 16;

  QuicNode(const NodeSetup& setup, App& app);
  ~QuicNode() override;
  QuicNode(const QuicNode&) = delete;
  QuicNode& operator=(const QuicNode&) = delete;

  // Endpoint
  void on_datagram(const Datagram& datagram, Timestamp now) override;
  Timestamp next_deadline() override;
  void on_timeout(Timestamp now) override;
  void flush(Timestamp now, Sender& sender) override;

  // nullptr before the client started / the server accepted.
  transport::Connection* connection() { return conn_.get(); }
  const transport::Connection* connection() const { return conn_.get(); }
  const NodeCounters& counters() const { return counters_; }
  const Address& local() const { return setup_.local; }
  // The connection could not be created (the reason is in create_error()).
  bool create_failed() const { return create_failed_; }
  const char* create_error() const { return create_error_; }

  // Virtual times of milestones; kTimeInfinite until they happen.
  Timestamp handshake_completed_at() const { return handshake_at_; }
  Timestamp closed_event_at() const { return closed_event_at_; }
  Timestamp fully_closed_at() const { return fully_closed_at_; }
  std::uint64_t event_count(transport::ConnectionEventType type) const;

 private:
  void start_client(Timestamp now);
  void accept_server(const Datagram& d, Timestamp now);
  void drain_events(Timestamp now);
  void send_train(const transport::TxTrain& train, Sender& sender);
  void after_call(Timestamp now);

  NodeSetup setup_;
  App& app_;
  CounterCids cids_;
  std::unique_ptr<transport::Connection> conn_;
  std::vector<std::uint8_t> rx_;
  std::vector<std::uint8_t> tx_;
  NodeCounters counters_;
  std::vector<std::uint64_t> event_counts_;
  bool create_failed_ = false;
  const char* create_error_ = "";
  Timestamp handshake_at_ = kTimeInfinite;
  Timestamp closed_event_at_ = kTimeInfinite;
  Timestamp fully_closed_at_ = kTimeInfinite;
};

}  // namespace tquic::sim
