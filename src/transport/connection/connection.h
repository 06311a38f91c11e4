// A QUIC connection: the sans-I/O protocol engine (RFC 9000, 9001, 9002).
//
// The caller owns sockets, buffers and the clock. Each call is one complete
// action (DESIGN.md "Connection API"):
//
//   conn.on_datagram(bytes, tuple, ecn, now);   // for each received datagram
//   while (auto t = conn.write_train(buf, now); t && t->segments) send(*t);
//   arm_timer(conn.next_deadline());  ...  conn.on_timeout(now);
//   while (conn.poll_event(ev)) handle(ev);      // after every call
//
// Transport errors never escape as return values: they close the connection
// (CONNECTION_CLOSE with the RFC code) and surface as a `closed` event with
// close_info(). Return values carry only misuse (local errors) and
// backpressure (blocked).
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "base/bytes.h"
#include "base/net_address.h"
#include "base/result.h"
#include "base/time.h"
#include "crypto/tls/tls_context.h"
#include "transport/connection/connection_config.h"
#include "transport/connection/connection_events.h"
#include "transport/connection/connection_stats.h"
#include "transport/stream/scheduler.h"
#include "transport/stream/stream_id.h"
#include "wire/connection_id.h"
#include "wire/encryption_level.h"

namespace tquic::transport {

struct ConnectionState;

// ECN codepoint of a received datagram / to set on a sent one (RFC 3168).
enum class EcnMark : std::uint8_t { not_ect = 0, ect1 = 1, ect0 = 2, ce = 3 };

// Where new local connection IDs come from (the endpoint's keyed generator,
// so the endpoint can route them). Called at setup and when the peer
// retires CIDs, never per packet.
class CidSource {
 public:
  virtual bool next_cid(wire::ConnectionId& cid, wire::StatelessResetToken& token) = 0;

 protected:
  ~CidSource() = default;
};

// One train of equal-size datagrams for one path: a single GSO send.
struct TxTrain {
  std::size_t bytes = 0;          // total written into the buffer
  std::uint16_t segment_size = 0; // every datagram but the last has this size
  std::uint16_t segments = 0;     // 0: nothing to send now
  PathTuple tuple;                // send from tuple.local to tuple.remote
  EcnMark ecn = EcnMark::not_ect;
};

struct CloseInfo {
  bool closed = false;
  bool by_peer = false;
  bool is_application = false;  // application error space (0x1d)
  bool idle_timeout = false;
  bool stateless_reset = false;
  std::uint64_t error_code = 0;
  std::uint64_t frame_type = 0;
  std::string reason;
};

struct ClientOptions {
  std::string server_name;                 // SNI and certificate name
  PathTuple tuple;                         // local may be unspecified (port 0)
  std::vector<std::uint8_t> random_seed;   // >= 32 bytes from a CSPRNG
  // Tickets and tokens belong to the version of the connection that issued
  // them (RFC 9369 §5): use them with config.version == that version().
  std::vector<std::uint8_t> session_ticket;      // from an earlier session_ticket()
  std::vector<std::uint8_t> remembered_params;   // its transport parameters (0-RTT)
  std::vector<std::uint8_t> token;               // from an earlier new_token() (NEW_TOKEN)
  bool enable_early_data = true;
  // Move to the server's preferred_address of our address family once the
  // handshake is confirmed and the path there is validated (RFC 9000 §9.6).
  bool use_preferred_address = true;
  // RFC 9000 §5.1: use a zero-length connection ID. The peer then sends us
  // packets with an empty DCID, so whoever hands datagrams to this
  // connection must find it by local address (the Endpoint allows one such
  // connection per local address). The connection never issues
  // NEW_CONNECTION_ID (§5.1.1) and cannot migrate (§5.2.1).
  bool zero_length_cid = false;
};

struct ServerOptions {
  PathTuple tuple;                         // where the client's Initial arrived
  wire::ConnectionId client_dcid;          // DCID of the client's first Initial
  wire::ConnectionId client_scid;          // SCID of the client's first Initial
  wire::ConnectionId original_dcid;        // = client_dcid unless Retry was used
  wire::ConnectionId retry_scid;           // set when the Initial carried a Retry token
  bool address_validated = false;          // a valid Retry/NEW_TOKEN token was presented
  std::uint32_t version = 0;               // version of the client's Initial
  std::vector<std::uint8_t> random_seed;   // >= 32 bytes from a CSPRNG
  std::vector<std::uint8_t> new_token;     // minted by the endpoint; sent in NEW_TOKEN after the handshake
  bool zero_length_cid = false;            // as ClientOptions (the Endpoint routes servers by CID: never set)
};

class Connection {
 public:
  static Result<std::unique_ptr<Connection>> client(const ConnectionConfig& config,
                                                    const crypto::TlsContext& tls, CidSource& cids,
                                                    ClientOptions options, Timestamp now);
  static Result<std::unique_ptr<Connection>> server(const ConnectionConfig& config,
                                                    const crypto::TlsContext& tls, CidSource& cids,
                                                    ServerOptions options, Timestamp now);
  ~Connection();
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  // --- datagrams and time ---
  // `datagram` is decrypted in place. Errors: local misuse only.
  Status on_datagram(MutByteSpan datagram, const PathTuple& tuple, EcnMark ecn, Timestamp now);
  // Fills `buffer` with up to config.gso_segments datagrams for one path.
  Result<TxTrain> write_train(MutByteSpan buffer, Timestamp now);
  Timestamp next_deadline() const;
  void on_timeout(Timestamp now);

  // --- events ---
  bool poll_event(ConnectionEvent& out);

  // --- streams ---
  // Opens a local stream; a `blocked` error means the peer's MAX_STREAMS
  // limit is reached (a STREAMS_BLOCKED frame goes out; try again after the
  // next event).
  Result<StreamId> open_stream(bool bidirectional);
  // Takes as many bytes as flow control and buffering allow; `fin` applies
  // only if every byte was taken.
  Result<std::size_t> stream_write(StreamId id, ByteSpan data, bool fin);
  // Readable bytes at the read offset (a view; valid until the next call).
  ByteSpan stream_peek(StreamId id) const;
  std::size_t stream_consume(StreamId id, std::size_t n);
  bool stream_fin_received(StreamId id) const;  // everything up to FIN was read
  // The sending part is over (RFC 9000 §3.1 "Data Recvd" or "Reset Recvd"):
  // every byte and the FIN were acknowledged, or the reset was. Also true
  // for a stream already collected; false for one never opened.
  bool stream_send_terminal(StreamId id) const;
  Status stream_reset(StreamId id, std::uint64_t app_error);
  Status stream_stop_sending(StreamId id, std::uint64_t app_error);
  Status stream_set_priority(StreamId id, StreamPriority priority);

  // --- DATAGRAM frames (RFC 9221) ---
  Status send_datagram(ByteSpan payload);
  // Copies the oldest received datagram into `out`; returns its size, or
  // nothing pending (blocked).
  Result<std::size_t> read_datagram(MutByteSpan out);
  std::size_t max_datagram_payload() const;

  // --- lifecycle ---
  void close(std::uint64_t app_error, std::string_view reason, Timestamp now);
  bool is_established() const;
  bool is_closed() const;      // nothing more will be sent or received
  const CloseInfo& close_info() const;

  // --- information ---
  wire::Role role() const;
  std::uint32_t version() const;
  std::string_view alpn() const;
  bool is_resumed() const;
  bool early_data_accepted() const;
  // Client: 0-RTT keys are installed (a resumed session that allows early
  // data), so stream data written now leaves in 0-RTT packets (RFC 9001
  // §4.6.1). False once the handshake completes and 1-RTT keys take over;
  // if the server then rejected 0-RTT, that data is sent again in 1-RTT.
  bool early_data_available() const;
  // The negotiated TLS cipher suite id (crypto::kTlsAes128GcmSha256, ...);
  // 0 before the handshake chose one.
  std::uint16_t cipher_suite() const;
  // Client: the latest ticket + the server's transport parameters to
  // remember for 0-RTT (both empty until a ticket arrived).
  const std::vector<std::uint8_t>& session_ticket() const;
  const std::vector<std::uint8_t>& session_params() const;
  // Client: the latest NEW_TOKEN from the server (empty if none).
  const std::vector<std::uint8_t>& new_token() const;
  // The active local CID with `sequence`, for the endpoint's routing table
  // (empty for a zero-length CID: such a connection is routed by address).
  bool local_cid(std::uint64_t sequence, wire::ConnectionId& cid) const;
  ConnectionStats stats() const;

  // --- migration (client) ---
  // Starts using a new local address: validates the new path, then moves.
  Status migrate(const PathTuple& tuple, Timestamp now);

  // Start a 1-RTT key update now (RFC 9001 §6) if permitted.
  Status initiate_key_update();

  // --- testing hook ---
  // Handles `payload` as the decrypted payload of a packet at `level` that
  // arrived on the active path: frame-level tests and the connection fuzzer
  // reach every frame handler without building encrypted packets. Errors
  // close the connection exactly as for a real packet.
  void process_payload_for_testing(wire::EncryptionLevel level, MutByteSpan payload, Timestamp now);

 private:
  explicit Connection(std::unique_ptr<ConnectionState> state);
  std::unique_ptr<ConnectionState> s_;
};

}  // namespace tquic::transport
