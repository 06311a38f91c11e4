// The whole state of one connection as plain data (mvfst's state-as-struct
// design). Behaviour lives in free functions split by concern:
//   conn_setup.cc    creating client and server state, transport parameters
//   conn_tls.cc      the TLS adaptor's sink: CRYPTO data, secrets, peer params
//   conn_recv.cc     datagram -> packets -> decrypted payloads
//   conn_frames.cc   one handler per received frame type
//   conn_ack.cc      ACK processing, loss and retransmission bookkeeping
//   conn_send.cc     write_train: choosing what to send, packets, GSO trains
//   conn_frames_out.cc  writing frames into a packet being built
//   conn_streams.cc  the application's stream API and the stream table
//   conn_close.cc    CONNECTION_CLOSE, closing and draining, idle timeout
//   conn_timers.cc   next_deadline and on_timeout
//   conn_paths.cc    path validation, migration, NAT rebinding
//   conn_cids.cc     connection IDs of both sides
//   conn_ecn.cc      ECN marking, validation and the CE congestion signal
//   conn_version.cc  version negotiation: compatible (RFC 9368 §2.3) and
//                    after a Version Negotiation packet (§2.1), downgrade checks
//   conn_preferred_address.cc  the server's preferred_address (RFC 9000 §9.6)
// Only one thread ever touches a ConnectionState (HOTPATH rule 4).
#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "base/pool.h"
#include "crypto/aead.h"
#include "crypto/cipher_suite.h"
#include "crypto/header_protection.h"
#include "crypto/key_update.h"
#include "crypto/packet_keys.h"
#include "crypto/quic_version.h"
#include "crypto/random.h"
#include "crypto/tls/tls_session.h"
#include "transport/cc/congestion_controller.h"
#include "transport/cc/pacer.h"
#include "transport/connection/connection.h"
#include "transport/connection/datagram_queue.h"
#include "transport/connection/sent_frames.h"
#include "transport/flow/flow_controller.h"
#include "transport/recovery/delivery_rate.h"
#include "transport/recovery/ecn_validator.h"
#include "transport/recovery/loss_detection.h"
#include "transport/recovery/received_packet_tracker.h"
#include "transport/stream/recv_buffer.h"
#include "transport/stream/recv_stream.h"
#include "transport/stream/scheduler.h"
#include "transport/stream/send_buffer.h"
#include "transport/stream/send_stream.h"
#include "transport/stream/stream_limits.h"
#include "wire/encryption_level.h"
#include "wire/transport_parameters.h"

namespace tquic::transport {

inline constexpr std::size_t kMaxPaths = 8;
// Peer CIDs: up to 8 active (we advertise active_connection_id_limit <= 8)
// and as many again being retired (RFC 9000 §5.1.2: track at least twice
// the limit).
inline constexpr std::size_t kMaxActivePeerCids = 8;
inline constexpr std::size_t kMaxPeerCids = 2 * kMaxActivePeerCids;
inline constexpr std::size_t kMaxLocalCids = 8;

// Keys protecting one direction at Initial, 0-RTT or Handshake level.
struct LevelKeys {
  std::unique_ptr<crypto::Aead> aead;
  std::unique_ptr<crypto::HeaderProtector> hp;
  bool ready() const { return aead && hp; }
  void reset() {
    aead.reset();
    hp.reset();
  }
};

// Version negotiation state (RFC 9368; RFC 9369 §4.1 for versions 1 and 2).
// `ConnectionState::version` is the version in use (the negotiated one once
// known); `original` is the Chosen Version of this connection attempt, which
// 0-RTT keeps using.
struct VersionState {
  crypto::QuicVersion original = crypto::QuicVersion::v1;
  std::uint32_t first_attempt = 0;      // Original Version of the whole sequence (before a VN packet)
  bool negotiated = false;              // client: the negotiated version is known
  bool reacted_to_vn = false;           // client: this attempt follows a Version Negotiation packet
  wire::ConnectionId initial_key_cid;   // the client DCID the Initial keys derive from
  LevelKeys original_initial_rx;        // server: opens the client's original-version Initials
  LevelKeys candidate_rx;               // client: keys of a compatible version a server Initial used
  LevelKeys candidate_tx;
  std::uint32_t candidate_version = 0;
};

// CRYPTO data of one encryption level, both directions.
struct CryptoStream {
  CryptoStream(ChunkPool& pool, std::uint64_t capacity)
      : rx(pool, capacity, TransportErrorCode::CRYPTO_BUFFER_EXCEEDED), tx(pool, capacity) {}
  RecvBuffer rx;
  SendBuffer tx;
};

// Per packet-number space state that is not recovery (RFC 9000 §12.3).
struct PacketSpace {
  PacketSpace(PacketNumberSpace space, ChunkPool& pool, std::uint64_t crypto_capacity, const AckPolicy& policy)
      : acks(space, policy), crypto(pool, crypto_capacity) {}
  ReceivedPacketTracker acks;
  CryptoStream crypto;
  std::uint64_t next_pn = 0;
  std::uint64_t largest_rx_pn = crypto::kNoPacketNumber;
  LevelKeys rx;   // Initial / Handshake (1-RTT keys live in KeyPhaseState)
  LevelKeys tx;
  bool discarded = false;
  std::uint8_t probes_pending = 0;  // PTO probes to send in this space
  std::uint64_t largest_acked_ack = 0;  // for ack-of-ack pruning
  EcnSpaceAccounting ecn;  // ECT(0) sent and ECN counts reported (RFC 9000 §13.4)
};

struct PathState {
  std::uint64_t id = 0;
  PathTuple tuple;
  std::unique_ptr<LossDetection> recovery;
  std::unique_ptr<CongestionController> cc;
  Pacer pacer;
  std::uint16_t max_datagram_size = 1200;
  // Validation (RFC 9000 §8.2) and anti-amplification (§8.1).
  bool validated = false;
  bool challenge_pending = false;   // a PATH_CHALLENGE must be (re)sent
  std::array<std::uint8_t, 8> challenge{};
  Timestamp challenge_deadline = kTimeInfinite;
  Timestamp challenge_retry = kTimeInfinite;  // resend the challenge if unanswered by then
  std::uint8_t challenges_sent = 0;
  bool response_pending = false;
  std::array<std::uint8_t, 8> response{};
  std::uint64_t bytes_received = 0;  // before validation: anti-amplification
  std::uint64_t bytes_sent = 0;
  std::uint64_t peer_cid_seq = 0;
  bool active = true;
  // DPLPMTUD (RFC 8899) search state.
  std::uint16_t pmtu_probe_size = 0;    // size in flight, 0 = none
  std::uint16_t pmtu_search_high = 0;   // smallest size known to fail
  Timestamp pmtu_next_probe = kTimeZero;
  std::uint8_t pmtu_failures = 0;
  // Delivery-rate state of every sent packet, per space, indexed by
  // pn & (size - 1); kept as large as the sent-packet window.
  std::array<std::vector<DeliveryRateSnapshot>, 3> snapshots;
  // ECN validation of this path (RFC 9000 §13.4.2, conn_ecn.cc).
  EcnValidator ecn;
};

// The CID tables hold values, never markers: a zero-length CID (RFC 9000
// §5.1) is a CID like any other, and whether a slot holds anything is its
// state.
enum class PeerCidState : std::uint8_t {
  free,      // nothing here
  active,    // issued by the peer, usable (§5.1.1)
  retiring,     // no longer used; RETIRE_CONNECTION_ID to send (§5.1.2)
  retire_sent,  // RETIRE_CONNECTION_ID in flight: freed when acknowledged
};

struct PeerCid {
  PeerCidState state = PeerCidState::free;
  std::uint64_t sequence = 0;
  wire::ConnectionId cid;
  wire::StatelessResetToken reset_token{};
  bool has_reset_token = false;
  bool in_use = false;  // a path has sent with it (§10.3.1: only then is its token checked)
};

struct LocalCid {
  bool active = false;  // issued and not retired
  std::uint64_t sequence = 0;
  wire::ConnectionId cid;
  wire::StatelessResetToken reset_token{};
  bool advertised = false;  // NEW_CONNECTION_ID sent (or the handshake CID)
  bool new_cid_pending = false;
};

struct StreamSetup {
  bool can_send = false;
  std::uint64_t max_buffered = 0;
  std::uint64_t peer_max_stream_data = 0;
  bool can_receive = false;
  std::uint64_t initial_window = 0;
  std::uint64_t max_window = 0;
};

struct Stream {
  Stream(StreamId stream_id, ChunkPool& pool, const StreamSetup& setup) : id(stream_id), entry(stream_id) {
    if (setup.can_send) send.emplace(pool, setup.max_buffered, setup.peer_max_stream_data);
    if (setup.can_receive) recv.emplace(pool, setup.initial_window, setup.max_window);
  }
  StreamId id;
  std::optional<SendStream> send;
  std::optional<RecvStream> recv;
  SchedulerEntry entry;
  bool scheduled = false;
  bool readable_notified = false;
  bool write_blocked = false;     // the app was told "no room": notify when there is
  bool max_stream_data_pending = false;
  bool stop_sending_pending = false;
  std::uint64_t stop_sending_code = 0;
  bool app_done_reading = false;
};

enum class ConnPhase : std::uint8_t { handshake, established, closing, draining, closed };

// Everything pending at the connection level that is not stream data.
struct PendingControl {
  bool handshake_done = false;
  bool max_data = false;
  bool data_blocked = false;
  bool max_streams_bidi = false;
  bool max_streams_uni = false;
  bool streams_blocked_bidi = false;
  bool streams_blocked_uni = false;
  bool ping = false;             // an ack-eliciting packet is wanted (keep-alive, probe)
  bool new_token = false;
};

struct ConnQlog;  // conn_qlog.h

struct ConnectionState final : crypto::TlsEventSink {
  ConnectionState(const ConnectionConfig& cfg, wire::Role r);
  ~ConnectionState();  // returns every stream (and its chunks) to the pools

  // crypto::TlsEventSink (conn_tls.cc)
  Status on_handshake_data(wire::EncryptionLevel level, ByteSpan data) override;
  Status on_secret(wire::EncryptionLevel level, crypto::SecretDirection dir, std::uint16_t suite,
                   ByteSpan secret) override;
  Status on_peer_transport_parameters(ByteSpan encoded) override;
  void on_session_ticket(ByteSpan session) override;
  void on_early_data_refused() override { zero_rtt_rx.reset(); }

  ConnectionConfig config;
  wire::Role role;
  crypto::QuicVersion version = crypto::QuicVersion::v1;
  VersionState vn;
  ConnPhase phase = ConnPhase::handshake;
  CidSource* cid_source = nullptr;
  crypto::Csprng rng;

  // --- TLS and keys ---
  const crypto::TlsContext* tls_context = nullptr;  // client: a new attempt after Version Negotiation
  std::string server_name;
  std::unique_ptr<crypto::TlsSession> tls;
  bool handshake_complete = false;
  bool handshake_confirmed = false;
  crypto::KeyPhaseState one_rtt;
  std::unique_ptr<crypto::HeaderProtector> one_rtt_hp_rx;
  std::unique_ptr<crypto::HeaderProtector> one_rtt_hp_tx;
  crypto::CipherSuite one_rtt_suite = crypto::CipherSuite::aes_128_gcm_sha256;
  std::vector<std::uint8_t> pending_1rtt_read_secret;
  std::vector<std::uint8_t> pending_1rtt_write_secret;
  LevelKeys zero_rtt_rx;   // server
  LevelKeys zero_rtt_tx;   // client
  bool zero_rtt_rejected = false;
  std::uint64_t aead_failures = 0;

  // --- packet spaces (index: PacketNumberSpace) ---
  ChunkPool chunks;
  std::array<std::unique_ptr<PacketSpace>, 3> spaces;
  PacketSpace& space(PacketNumberSpace s) { return *spaces[index_of(s)]; }

  // --- paths ---
  std::array<std::unique_ptr<PathState>, kMaxPaths> paths;
  std::size_t active_path = 0;
  PathState& path() { return *paths[active_path]; }
  const PathState& path() const { return *paths[active_path]; }
  std::uint64_t next_path_id = 1;
  bool use_preferred_address = false;        // client (ClientOptions)
  std::uint64_t preferred_path_id = 0;       // client: the path probing the preferred address

  // --- connection IDs ---
  std::array<PeerCid, kMaxPeerCids> peer_cids;
  std::array<LocalCid, kMaxLocalCids> local_cids;
  std::uint64_t next_local_cid_seq = 0;
  std::uint64_t peer_retire_prior_to = 0;
  // RFC 9000 §5.1.1: an endpoint that chose a zero-length CID is sent an
  // empty DCID on every path and never issues or retires CIDs.
  bool local_cid_zero_length = false;  // ours (ClientOptions/ServerOptions::zero_length_cid)
  bool peer_cid_zero_length = false;   // the peer's, from its first long header (§7.2)
  wire::ConnectionId original_dcid;   // client's first DCID (server: from options)
  wire::ConnectionId initial_scid;    // our SCID in long headers
  wire::ConnectionId retry_scid;
  std::vector<std::uint8_t> retry_token;  // client: echo in Initials
  bool retry_received = false;

  // --- transport parameters ---
  wire::TransportParameters local_params;
  wire::TransportParameters peer_params;
  bool peer_params_received = false;
  std::vector<std::uint8_t> peer_params_encoded;  // remembered with the ticket

  // --- flow control and streams ---
  RecvFlowController conn_rx;
  SendFlowController conn_tx{0};
  StreamLimits stream_limits;
  std::unordered_map<StreamId, Stream*> streams;
  Pool<Stream> stream_pool{64};
  StreamScheduler scheduler;
  std::vector<StreamId> streams_with_control;  // MAX_STREAM_DATA / RESET / STOP_SENDING pending

  // --- datagrams (RFC 9221): bounded queues, counted when full ---
  DatagramQueue datagrams_out;
  DatagramQueue datagrams_in;
  std::uint64_t datagrams_refused = 0;

  // --- sending ---
  SentFrameStore sent_frames;
  static constexpr std::size_t kAckRangesReserved = 256;  // 4 KiB
  static constexpr std::size_t kCcPacketsReserved = 128;
  std::vector<CcPacket> cc_acked;   // scratch for congestion-control events
  std::vector<CcPacket> cc_lost;
  std::vector<wire::AckRange> ack_ranges_scratch;
  PendingControl pending;
  std::vector<std::uint8_t> new_token;   // server: NEW_TOKEN to send; client: received
  std::vector<std::uint8_t> initial_token;  // client: token for our Initials (earlier NEW_TOKEN)
  bool early_data_enabled = false;       // client: send 0-RTT when TLS allows

  // --- timers and lifecycle ---
  Timestamp last_activity{};       // idle timer base (RFC 9000 §10.1)
  Timestamp last_ack_eliciting_sent{};
  Timestamp last_write_attempt{};
  Duration idle_timeout{};
  Timestamp close_deadline = kTimeInfinite;  // end of closing/draining
  Timestamp key_discard_deadline = kTimeInfinite;  // old 1-RTT read keys
  bool close_frame_pending = false;
  Timestamp last_close_sent{};
  CloseInfo close_info;
  std::vector<std::uint8_t> session_ticket;
  std::vector<std::uint8_t> session_params;
  bool first_handshake_packet_sent = false;

  // --- events and statistics ---
  EventQueue events;
  ConnectionStats stats;
  std::unique_ptr<ConnQlog> qlog;  // set only if a qlog sink was given (conn_qlog.h)
};

// The path whose recovery, congestion controller and pacer govern the
// application packet number space. Without multipath there is one packet
// number space for all paths (RFC 9000 §12.3), so one recovery instance
// (path 0's) serves whichever path is active; migration resets its
// congestion state (RFC 9000 §9.4).
inline PathState& recovery_path(ConnectionState& s) { return *s.paths[0]; }
inline const PathState& recovery_path(const ConnectionState& s) { return *s.paths[0]; }

// --- functions shared across the conn_*.cc files ---
// conn_setup.cc
std::unique_ptr<PacketSpace> make_packet_space(ConnectionState& s, PacketNumberSpace space);
Result<std::vector<std::uint8_t>> encode_local_params(const ConnectionState& s);
Status install_initial_keys(ConnectionState& s, crypto::QuicVersion version, const wire::ConnectionId& client_dcid);
Status start_tls(ConnectionState& s, const crypto::TlsContext& tls, std::string server_name,
                 std::vector<std::uint8_t> ticket);
// conn_close.cc
void close_with_error(ConnectionState& s, const Error& e, Timestamp now);
void enter_draining(ConnectionState& s, Timestamp now);
Duration three_pto(const ConnectionState& s);
// conn_streams.cc
Result<Stream*> stream_for_frame(ConnectionState& s, StreamId id, bool receiving, std::uint64_t frame_type);
Stream* find_stream(const ConnectionState& s, StreamId id);
void schedule_stream(ConnectionState& s, Stream& st);
void maybe_collect_stream(ConnectionState& s, Stream& st);
void note_stream_control(ConnectionState& s, Stream& st);
std::uint64_t peer_initial_send_limit(const ConnectionState& s, StreamId id);
// conn_tls.cc
Status discard_space(ConnectionState& s, PacketNumberSpace space, Timestamp now);
Status on_handshake_progress(ConnectionState& s, Timestamp now);
// conn_cids.cc
bool is_stateless_reset(const ConnectionState& s, ByteSpan datagram);
void replenish_local_cids(ConnectionState& s);

inline PacketNumberSpace space_of(wire::EncryptionLevel level) {
  switch (level) {
    case wire::EncryptionLevel::initial: return PacketNumberSpace::initial;
    case wire::EncryptionLevel::handshake: return PacketNumberSpace::handshake;
    default: return PacketNumberSpace::application_data;
  }
}

}  // namespace tquic::transport
