// A sans-I/O QUIC endpoint (RFC 9000 §5.2): many connections behind one
// socket set. It routes received datagrams to connections by Destination
// CID, accepts new connections from client Initials, answers what has no
// connection (Version Negotiation, Retry, stateless reset), keeps one timer
// per connection in a heap, and hands out outgoing GSO trains.
//
// Like Connection, every call is one complete action and the caller owns
// sockets, buffers and the clock:
//
//   ep.on_datagram(bytes, tuple, ecn, now);      // for each received datagram
//   while (auto t = ep.write_train(buf, now); t && t->segments) send(*t);
//   arm_timer(ep.next_deadline());  ...  ep.on_timeout(now);
//   while (ep.poll_event(ev)) handle(ev);         // after every call
//
// Connections are named by ConnectionHandle. connection(handle) gives the
// Connection for streams and datagrams; using it marks the connection for
// the next write_train(), which also picks up its new deadline and events.
//
// Routing: short headers carry our CIDs, whose length is fixed by the
// QUIC-LB layout; long headers carry their DCID length. Every CID a
// connection issues is registered before the peer can learn it; retired
// CIDs are unregistered when the connection reports them; a closed
// connection loses all its routes, its timer and finally its slot.
// A client connection with a zero-length CID (ClientOptions::
// zero_length_cid) is routed by local address instead (RFC 9000 §5.2.1):
// datagrams that match no CID and arrive on its ClientOptions::tuple.local
// go to it, and no stateless reset is ever sent for them. One such
// connection per local address (§5.1); with tuple.local unset, one per
// endpoint.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <vector>

#include "base/bytes.h"
#include "base/net_address.h"
#include "base/result.h"
#include "base/time.h"
#include "crypto/random.h"
#include "endpoint/cid_generator.h"
#include "endpoint/cid_table.h"
#include "endpoint/connection_slot.h"
#include "endpoint/endpoint_config.h"
#include "endpoint/endpoint_events.h"
#include "endpoint/retry_responder.h"
#include "endpoint/stateless_queue.h"
#include "endpoint/stateless_reset.h"
#include "endpoint/timer_heap.h"
#include "endpoint/vn_responder.h"
#include "endpoint/zero_length_routes.h"
#include "endpoint/token.h"
#include "transport/connection/connection.h"
#include "wire/packet_header.h"

namespace tquic::endpoint {

class Endpoint {
 public:
  static Result<std::unique_ptr<Endpoint>> create(EndpointConfig config, EndpointTls tls);
  ~Endpoint();
  Endpoint(const Endpoint&) = delete;
  Endpoint& operator=(const Endpoint&) = delete;

  // --- datagrams and time ---
  // `tuple` is as seen here: local = our address, remote = the sender.
  // `datagram` is decrypted in place. Errors: local misuse only.
  Status on_datagram(MutByteSpan datagram, const PathTuple& tuple, transport::EcnMark ecn, Timestamp now);
  // The next train to send: the endpoint's own packets first (one per
  // train), then connections with something to send, round robin. A train
  // with 0 segments: nothing more until the next event.
  Result<transport::TxTrain> write_train(MutByteSpan buffer, Timestamp now);
  Timestamp next_deadline() const { return timers_.next_deadline(); }
  // Runs every connection whose deadline is <= now, each once.
  void on_timeout(Timestamp now);

  // --- events ---
  bool poll_event(EndpointEvent& out);

  // --- connections ---
  // Starts a client connection (needs EndpointTls::client). The endpoint
  // sets options.random_seed. With options.zero_length_cid, fails if
  // another such connection already uses options.tuple.local.
  Result<ConnectionHandle> connect(transport::ClientOptions options, Timestamp now);
  // nullptr for a stale handle. Marks the connection for the next write_train().
  transport::Connection* connection(ConnectionHandle handle);
  std::size_t connection_count() const { return live_count_; }

  // --- information ---
  const EndpointStats& stats() const;
  std::size_t cid_length() const { return cids_.cid_length(); }
  std::size_t routed_cid_count() const { return table_.size(); }
  std::size_t pending_stateless_packets() const { return out_.size(); }
  // The reset token the endpoint gives out for `cid` (tests, tools).
  Result<wire::StatelessResetToken> reset_token_for(const wire::ConnectionId& cid);

 private:
  friend class SlotCidSource;
  Endpoint(EndpointConfig config, EndpointTls tls);
  Status setup();

  // endpoint.cc: slots, CIDs, events
  Result<std::uint32_t> allocate_slot();
  void free_slot(std::uint32_t index);
  void release_handed_out();
  bool issue_cid(std::uint32_t index, wire::ConnectionId& cid, wire::StatelessResetToken& token);
  bool route_cid(ConnectionSlot& slot, std::uint32_t index, const wire::ConnectionId& cid, bool client_dcid);
  void unroute_all(std::uint32_t index);
  void on_cid_issued(ConnectionSlot& slot, std::uint32_t index, std::uint64_t sequence);
  void on_cid_retired(ConnectionSlot& slot, std::uint64_t sequence);
  void after_call(std::uint32_t index, Timestamp now);
  void drain_events(ConnectionSlot& slot, std::uint32_t index);
  void remove_connection(std::uint32_t index);
  void push_event(const EndpointEvent& e, bool droppable);
  void mark_dirty(std::uint32_t index);
  ConnectionHandle handle_of(std::uint32_t index) const;
  std::uint64_t unix_seconds(Timestamp now) const;

  // endpoint_recv.cc: routing, accepting, stateless answers
  void route_long_header(MutByteSpan datagram, const PathTuple& tuple, transport::EcnMark ecn, Timestamp now);
  void route_short_header(MutByteSpan datagram, const PathTuple& tuple, transport::EcnMark ecn, Timestamp now);
  void deliver(std::uint32_t index, MutByteSpan datagram, const PathTuple& tuple, transport::EcnMark ecn,
               Timestamp now);
  void accept_initial(MutByteSpan datagram, const wire::PacketHeader& h, const PathTuple& tuple,
                      transport::EcnMark ecn, Timestamp now);
  bool check_token(const wire::PacketHeader& h, const PathTuple& tuple, Timestamp now,
                   transport::ServerOptions& o, bool& drop);
  void send_retry(const wire::PacketHeader& h, const PathTuple& tuple, Timestamp now);
  void send_version_negotiation(const wire::InvariantHeader& h, std::size_t datagram_size,
                                const PathTuple& tuple, Timestamp now);
  void send_stateless_reset(ByteSpan dcid, std::size_t datagram_size, const PathTuple& tuple, Timestamp now);
  bool accepts_version(std::uint32_t version) const;
  void drop(std::uint64_t& counter);

  EndpointConfig config_;
  transport::ConnectionConfig server_connection_;  // config_.connection with the server's versions
  EndpointTls tls_;
  crypto::Csprng rng_;
  CidGenerator cids_;
  CidTable table_;
  ZeroLengthRoutes zero_length_routes_;
  TimerHeap timers_;
  TokenCodec tokens_;
  StatelessResetter resets_;
  RetryResponder retry_;
  TokenBucket vn_bucket_;
  StatelessQueue out_;

  std::vector<std::unique_ptr<ConnectionSlot>> slots_;
  std::vector<std::uint32_t> free_slots_;
  std::vector<std::uint32_t> dirty_;      // ring of slots to write, capacity = slots_.size()
  std::size_t dirty_head_ = 0;
  std::size_t dirty_count_ = 0;
  std::vector<std::uint32_t> due_;        // on_timeout scratch
  std::vector<std::uint32_t> handed_out_; // `removed` delivered: free at the next call
  std::vector<EndpointEvent> events_;
  std::size_t events_read_ = 0;
  std::size_t live_count_ = 0;
  mutable EndpointStats stats_;
};

}  // namespace tquic::endpoint
