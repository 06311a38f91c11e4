// Paths (RFC 9000 §8, §9): anti-amplification before validation, path
// validation with PATH_CHALLENGE / PATH_RESPONSE, client migration and
// NAT rebinding; DPLPMTUD probe outcomes (RFC 8899, RFC 9000 §14.3).
#include "transport/connection/conn_paths.h"

#include <algorithm>

#include "transport/connection/conn_cids.h"
#include "transport/connection/conn_preferred_address.h"
#include "transport/connection/conn_qlog.h"
#include "transport/connection/conn_sent.h"

namespace tquic::transport {
namespace {

constexpr std::uint8_t kMaxChallenges = 3;

PathState* find_path(ConnectionState& s, const PathTuple& tuple) {
  for (auto& p : s.paths)
    if (p && p->active && p->tuple.remote == tuple.remote &&
        (!p->tuple.local.valid() || !tuple.local.valid() || p->tuple.local == tuple.local))
      return p.get();
  return nullptr;
}

void reset_congestion_state(ConnectionState& s) {
  PathState& rp = recovery_path(s);
  CongestionControlConfig cc;
  cc.max_datagram_size = s.path().max_datagram_size;
  cc.initial_rtt = s.config.initial_rtt;
  rp.cc = make_congestion_controller(s.config.congestion_control, cc);
  rp.recovery->rtt().reset();
}

}  // namespace

void start_validation(ConnectionState& s, PathState& p, Timestamp now) {
  s.rng.fill(MutByteSpan(p.challenge.data(), p.challenge.size()));
  p.challenge_pending = true;
  p.challenges_sent = 0;
  p.challenge_retry = kTimeInfinite;
  // RFC 9000 §8.2.4: give up after max(3 PTO, 6 * kInitialRtt)-ish.
  p.challenge_deadline = now + std::max<Duration>(three_pto(s), 6 * s.config.initial_rtt);
}

PathState* new_path(ConnectionState& s, const PathTuple& tuple) {
  for (std::size_t i = 0; i < s.paths.size(); ++i) {
    if (s.paths[i]) continue;
    auto p = std::make_unique<PathState>();
    PathState& base = s.path();
    p->id = s.next_path_id++;
    p->tuple = tuple;
    LossDetectionConfig lc;
    lc.is_server = s.role == wire::Role::server;
    lc.handshake_confirmed = s.handshake_confirmed;
    lc.initial_rtt = s.config.initial_rtt;
    p->recovery = std::make_unique<LossDetection>(lc);
    CongestionControlConfig cc;
    cc.max_datagram_size = 1200;  // RFC 9000 §9.4: reset congestion state on a new path
    p->cc = make_congestion_controller(s.config.congestion_control, cc);
    p->pacer = Pacer(1200, s.config.gso_segments);
    p->max_datagram_size = 1200;
    p->peer_cid_seq = base.peer_cid_seq;
    p->ecn.reset(s.config.enable_ecn);  // RFC 9000 §9.4 / §13.4.2: validate ECN on every new path
    s.paths[i] = std::move(p);
    return s.paths[i].get();
  }
  return nullptr;
}

void make_active_path(ConnectionState& s, PathState& p) {
  // RFC 9000 §9.4: a new address gets fresh congestion and RTT state; a
  // port-only change (NAT rebinding) keeps them.
  const bool new_ip = !p.tuple.remote.same_ip(s.path().tuple.remote);
  for (std::size_t i = 0; i < s.paths.size(); ++i)
    if (s.paths[i].get() == &p) s.active_path = i;
  if (new_ip) reset_congestion_state(s);
  if (is_preferred_address(s, p.tuple.local)) s.stats.preferred_address = PreferredAddressStatus::migrated;
  s.events.push({ConnectionEventType::path_migrated, 0, 0, p.id});
}

PathState* path_for_packet(ConnectionState& s, const PathTuple& tuple, wire::EncryptionLevel level, Timestamp now) {
  if (PathState* p = find_path(s, tuple)) return p;
  // Only 1-RTT packets may arrive on a new path (RFC 9000 §9: migration
  // needs a confirmed handshake), and only if the peer may migrate.
  if (level != wire::EncryptionLevel::one_rtt || !s.handshake_confirmed) return nullptr;
  // RFC 9000 §18.2: disable_active_migration does not cover our preferred address.
  const bool preferred = is_preferred_address(s, tuple.local);
  if (s.role == wire::Role::server && s.local_params.disable_active_migration && !preferred) return nullptr;
  PathState* p = new_path(s, tuple);
  // RFC 9000 §9.6.3: the server validates the path to its preferred
  // address before moving there; start now, alongside the PATH_RESPONSE.
  if (p && preferred && s.role == wire::Role::server) start_validation(s, *p, now);
  return p;
}

std::uint64_t amplification_budget(const PathState& p) {
  if (p.validated) return ~std::uint64_t{0};
  const std::uint64_t allowed = 3 * p.bytes_received;  // RFC 9000 §8.1
  return allowed > p.bytes_sent ? allowed - p.bytes_sent : 0;
}

void on_largest_packet_path(ConnectionState& s, const PathTuple& tuple, const FrameSummary& frames,
                            Timestamp now) {
  // Only clients migrate (RFC 9000 §9): a client never follows the
  // server's source address (after moving to the preferred address, the
  // server's packets from its original address are still processed, §9.6.3).
  if (s.role == wire::Role::client) return;
  PathState* p = find_path(s, tuple);
  if (!p || p == &s.path() || frames.probing_only) return;
  // RFC 9000 §9.3: a non-probing packet with the largest PN from a new
  // address moves the connection; the new path is validated, the old one
  // keeps its state for a while.
  if (!p->validated && p->challenge_deadline == kTimeInfinite) start_validation(s, *p, now);
  make_active_path(s, *p);
}

void on_path_response(ConnectionState& s, const wire::PathChallengeData& data, Timestamp now) {
  for (auto& p : s.paths) {
    if (!p || p->challenge != data || p->challenge_deadline == kTimeInfinite) continue;
    p->validated = true;
    p->challenge_deadline = kTimeInfinite;
    p->challenge_retry = kTimeInfinite;
    p->challenge_pending = false;
    s.events.push({ConnectionEventType::path_validated, 0, 0, p->id});
    on_preferred_path_validated(s, *p, now);
  }
}

void on_path_timeouts(ConnectionState& s, Timestamp now) {
  for (std::size_t i = 0; i < s.paths.size(); ++i) {
    PathState* p = s.paths[i].get();
    if (!p || p->challenge_deadline == kTimeInfinite || now < p->challenge_deadline) continue;
    p->challenge_deadline = kTimeInfinite;
    p->challenge_retry = kTimeInfinite;
    s.events.push({ConnectionEventType::path_failed, 0, 0, p->id});
    on_preferred_path_failed(s, *p);
    if (i == s.active_path && i != 0 && s.paths[0]) s.active_path = 0;  // fall back (§9.3.2)
    if (i != 0 && i != s.active_path) s.paths[i].reset();
  }
  // Resend challenges that went unanswered for a PTO, at most kMaxChallenges.
  for (auto& p : s.paths) {
    if (!p || p->challenge_deadline == kTimeInfinite || p->challenge_pending || now < p->challenge_retry) continue;
    p->challenge_retry = kTimeInfinite;
    if (p->challenges_sent < kMaxChallenges) p->challenge_pending = true;
  }
}

Timestamp path_deadline(const ConnectionState& s) {
  Timestamp t = kTimeInfinite;
  for (const auto& p : s.paths)
    if (p) t = std::min({t, p->challenge_deadline, p->challenge_retry});
  return t;
}

void on_pmtu_probe_acked(ConnectionState& s, PathState& path, std::uint64_t size) {
  if (size > path.max_datagram_size) {
    path.max_datagram_size = static_cast<std::uint16_t>(size);
    path.cc->set_max_datagram_size(path.max_datagram_size);
    // The ACK of the probe arrived just now (last_activity): the burst
    // quantum is counted in datagrams of the new size from here on.
    path.pacer.set_max_datagram_size(s.last_activity, path.max_datagram_size);
  }
  path.pmtu_probe_size = 0;
  path.pmtu_failures = 0;
  path.pmtu_next_probe = Timestamp{};  // continue the search at once
}

void on_pmtu_probe_lost(ConnectionState&, PathState& path, std::uint64_t size) {
  // RFC 8899 §5.1.3: one lost probe is weak evidence; three at a size set
  // the search ceiling below it.
  path.pmtu_probe_size = 0;
  if (++path.pmtu_failures >= 3 || path.pmtu_search_high == 0) {
    path.pmtu_search_high = static_cast<std::uint16_t>(size);
    path.pmtu_failures = 0;
  }
}

Status Connection::migrate(const PathTuple& tuple, Timestamp now) {
  ConnectionState& s = *s_;
  if (s.role != wire::Role::client || !s.handshake_confirmed)
    return Error::local("only a client with a confirmed handshake may migrate");
  if (s.peer_params.disable_active_migration) return Error::local("the server disabled active migration");
  // RFC 9000 §9.5: not with a peer that asked for a zero-length CID (the
  // paths would be trivially linkable); and our own zero-length CID makes
  // our local address the connection's identity (§5.2.1), so it stays.
  if (s.peer_cid_zero_length)
    return Error::local("the server uses a zero-length connection ID: migrating would link the paths");
  if (s.local_cid_zero_length)
    return Error::local("a connection with a zero-length connection ID is identified by its address: it cannot migrate");
  PathState* p = find_path(s, tuple);
  if (!p) p = new_path(s, tuple);
  if (!p) return Error::local("path table full");
  if (PeerCid* cid = take_unused_peer_cid(s)) p->peer_cid_seq = cid->sequence;
  p->validated = true;  // the client trusts its own new address; the server validates us
  for (std::size_t i = 0; i < s.paths.size(); ++i)
    if (s.paths[i].get() == p) s.active_path = i;
  s.events.push({ConnectionEventType::path_migrated, 0, 0, p->id});
  start_validation(s, *p, now);
  s.pending.ping = true;
  if (s.qlog) qlog_sync(s, now);
  return ok_status();
}

}  // namespace tquic::transport
