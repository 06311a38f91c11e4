// Received datagrams: routing by Destination CID (RFC 9000 §5.2), the
// accept path for client Initials (§7, §8.1, §14.1) and the stateless
// answers -- Version Negotiation (§6), Retry (§8.1.2), stateless reset
// (§10.3).
#include <array>

#include "endpoint/endpoint.h"
#include "wire/invariant_header.h"
#include "wire/version.h"

namespace tquic::endpoint {
namespace {

constexpr std::size_t kMinInitialDatagram = 1200;  // RFC 9000 §14.1
constexpr std::size_t kMinClientDcidLength = 8;    // RFC 9000 §7.2
constexpr std::size_t kConnectionSeedLength = 32;

}  // namespace

void Endpoint::drop(std::uint64_t& counter) {
  ++counter;
  ++stats_.datagrams_dropped;
}

bool Endpoint::accepts_version(std::uint32_t version) const {
  if (!wire::is_supported_version(version)) return false;
  for (std::uint32_t v : config_.versions)
    if (v == version) return true;
  return false;
}

Status Endpoint::on_datagram(MutByteSpan datagram, const PathTuple& tuple, transport::EcnMark ecn,
                             Timestamp now) {
  release_handed_out();
  ++stats_.datagrams_received;
  if (datagram.empty()) {
    drop(stats_.unknown_cid);
    return ok_status();
  }
  if (datagram[0] & wire::kHeaderFormBit) route_long_header(datagram, tuple, ecn, now);
  else route_short_header(datagram, tuple, ecn, now);
  return ok_status();
}

void Endpoint::deliver(std::uint32_t index, MutByteSpan datagram, const PathTuple& tuple,
                       transport::EcnMark ecn, Timestamp now) {
  ConnectionSlot& s = *slots_[index];
  if (s.state != SlotState::live) {
    drop(stats_.unknown_cid);
    return;
  }
  ++stats_.datagrams_routed;
  if (!s.conn->on_datagram(datagram, tuple, ecn, now)) ++stats_.connection_errors;
  mark_dirty(index);
  after_call(index, now);
}

// Short header: the DCID is one of ours, so it has our length -- or it is
// empty, for a connection with a zero-length CID, found by the local
// address (RFC 9000 §5.2.1). Unknown -> a stateless reset, within the size
// and rate limits (never for a zero-length CID: a reset token belongs to a
// CID, §10.3).
void Endpoint::route_short_header(MutByteSpan datagram, const PathTuple& tuple, transport::EcnMark ecn,
                                  Timestamp now) {
  const std::size_t n = cids_.cid_length();
  const bool fits = datagram.size() >= 1 + n;
  const ByteSpan dcid = fits ? ByteSpan(datagram).subspan(1, n) : ByteSpan();
  const std::uint32_t index = fits ? table_.find(dcid) : CidTable::kNoValue;
  if (index != CidTable::kNoValue) return deliver(index, datagram, tuple, ecn, now);
  const std::uint32_t zero_length = zero_length_routes_.find(tuple.local);
  if (zero_length != ZeroLengthRoutes::kNoValue) return deliver(zero_length, datagram, tuple, ecn, now);
  if (!fits) return drop(stats_.unknown_cid);
  send_stateless_reset(dcid, datagram.size(), tuple, now);
}

void Endpoint::route_long_header(MutByteSpan datagram, const PathTuple& tuple, transport::EcnMark ecn,
                                 Timestamp now) {
  auto inv = wire::parse_invariant_header(datagram, cids_.cid_length());
  if (!inv) {
    drop(stats_.unknown_cid);
    return;
  }
  const std::uint32_t index = table_.find(inv->dcid);
  if (index != CidTable::kNoValue) return deliver(index, datagram, tuple, ecn, now);
  if (inv->dcid.empty()) {  // RFC 9000 §5.2.1: a zero-length CID is found by the local address
    const std::uint32_t zero_length = zero_length_routes_.find(tuple.local);
    if (zero_length != ZeroLengthRoutes::kNoValue) return deliver(zero_length, datagram, tuple, ecn, now);
  }
  if (inv->version == wire::kVersionNegotiationVersion || !tls_.server) {
    drop(stats_.unknown_cid);  // never answer a VN (§6.1); clients accept nothing
    return;
  }
  if (!accepts_version(inv->version)) return send_version_negotiation(*inv, datagram.size(), tuple, now);
  auto h = wire::parse_packet_header(datagram, cids_.cid_length());
  if (!h || h->type != wire::PacketType::initial) {
    drop(stats_.unknown_cid);  // e.g. 0-RTT that overtook its Initial
    return;
  }
  accept_initial(datagram, *h, tuple, ecn, now);
}

// A client's first Initial (RFC 9000 §7): validate its size and token,
// answer with a Retry if required, else create the server connection.
void Endpoint::accept_initial(MutByteSpan datagram, const wire::PacketHeader& h, const PathTuple& tuple,
                              transport::EcnMark ecn, Timestamp now) {
  if (datagram.size() < kMinInitialDatagram) return drop(stats_.initial_too_small);
  if (live_count_ >= config_.max_connections) return drop(stats_.connections_refused);
  transport::ServerOptions o;
  o.tuple = tuple;
  o.client_dcid = h.dcid;
  o.client_scid = h.scid;
  o.original_dcid = h.dcid;
  o.version = h.version;
  bool reject = false;
  o.address_validated = check_token(h, tuple, now, o, reject);
  if (reject) return drop(stats_.tokens_rejected);
  if (!o.address_validated && config_.require_retry) return send_retry(h, tuple, now);
  if (!o.address_validated && h.dcid.size() < kMinClientDcidLength) return drop(stats_.unknown_cid);
  auto slot = allocate_slot();
  if (!slot) return drop(stats_.connections_refused);
  const std::uint32_t index = *slot;
  ConnectionSlot& s = *slots_[index];
  if (!route_cid(s, index, h.dcid, true)) {  // later Initials and 0-RTT carry it too
    free_slot(index);
    return drop(stats_.unknown_cid);
  }
  o.random_seed.resize(kConnectionSeedLength);
  rng_.fill(o.random_seed);
  if (config_.issue_new_tokens) {
    std::array<std::uint8_t, kMaxTokenLength> token{};
    auto n = tokens_.seal(TokenFields{TokenKind::new_token, tuple.remote, unix_seconds(now), {}, {}}, token);
    if (n) o.new_token.assign(token.begin(), token.begin() + static_cast<std::ptrdiff_t>(*n));
  }
  const bool validated = o.address_validated;
  auto c = transport::Connection::server(server_connection_, *tls_.server, s.cid_source, std::move(o), now);
  if (!c) {
    free_slot(index);
    ++stats_.connection_errors;
    return drop(stats_.connections_refused);
  }
  s.conn = std::move(*c);
  s.state = SlotState::live;
  ++live_count_;
  ++stats_.connections_accepted;
  on_cid_issued(s, index, 0);
  push_event(EndpointEvent{EndpointEventType::accepted, handle_of(index), {}, validated}, false);
  deliver(index, datagram, tuple, ecn, now);
}

// RFC 9000 §8.1.2-8.1.3. Returns whether the token validates the client's
// address. A token that authenticates as our Retry token but fails a check
// sets `reject` (the client will not accept a second Retry); anything else
// that does not validate is treated as no token at all.
bool Endpoint::check_token(const wire::PacketHeader& h, const PathTuple& tuple, Timestamp now,
                           transport::ServerOptions& o, bool& reject) {
  if (h.token.empty()) return false;
  TokenKind claimed{};
  if (!token_kind(h.token, claimed)) return false;  // not one of ours
  TokenFields f;
  TokenCheck c = tokens_.validate(h.token, tuple.remote, unix_seconds(now), config_.token_lifetimes, f);
  if (c == TokenCheck::valid && f.kind == TokenKind::retry && !(h.dcid == f.retry_scid))
    c = TokenCheck::wrong_address;  // replayed on another Retry's CID
  if (c != TokenCheck::valid) {
    if (c != TokenCheck::forged && c != TokenCheck::malformed && f.kind == TokenKind::retry) {
      reject = true;
    } else {
      ++stats_.tokens_rejected;
    }
    return false;
  }
  ++stats_.tokens_accepted;
  if (f.kind == TokenKind::retry) {
    o.original_dcid = f.original_dcid;
    o.retry_scid = f.retry_scid;
  }
  return true;
}

void Endpoint::send_retry(const wire::PacketHeader& h, const PathTuple& tuple, Timestamp now) {
  MutByteSpan slot = out_.reserve();
  if (slot.empty()) return;
  wire::ConnectionId retry_scid;  // routable to this shard, never issued to a connection
  if (!cids_.next(retry_scid)) return;
  std::array<std::uint8_t, kMaxTokenLength> token{};
  auto n = tokens_.seal(TokenFields{TokenKind::retry, tuple.remote, unix_seconds(now), h.dcid, retry_scid}, token);
  if (!n) return;
  RetryRequest r{h.version, h.scid, h.dcid, retry_scid, ByteSpan(token.data(), *n),
                 static_cast<std::uint8_t>(rng_.next_u64() & 0x0f)};
  auto size = retry_.write(r, slot);
  if (!size) return;
  out_.commit(*size, tuple);
  ++stats_.retries_sent;
}

// RFC 9000 §6.1: only for datagrams a client's first flight could be
// (>= 1200 bytes), so VN never amplifies; rate limited on top.
void Endpoint::send_version_negotiation(const wire::InvariantHeader& h, std::size_t datagram_size,
                                        const PathTuple& tuple, Timestamp now) {
  if (datagram_size < kMinInitialDatagram) return drop(stats_.unknown_cid);
  if (!vn_bucket_.take(now)) return drop(stats_.stateless_rate_limited);
  MutByteSpan slot = out_.reserve();
  if (slot.empty()) return;
  const std::size_t n = write_version_negotiation_response(h, config_.versions, rng_.next_u64(), slot);
  if (n == 0) return;
  out_.commit(n, tuple);
  ++stats_.version_negotiations_sent;
}

void Endpoint::send_stateless_reset(ByteSpan dcid, std::size_t datagram_size, const PathTuple& tuple,
                                    Timestamp now) {
  if (StatelessResetter::reset_size(datagram_size, 0) == 0) return drop(stats_.resets_not_sent_small);
  wire::ConnectionId cid;
  if (!wire::ConnectionId::from_bytes(dcid, cid)) return drop(stats_.unknown_cid);
  MutByteSpan slot = out_.reserve();
  if (slot.empty()) return;
  std::size_t size = 0;
  switch (resets_.build(cid, datagram_size, rng_, now, slot, size)) {
    case ResetOutcome::built:
      out_.commit(size, tuple);
      ++stats_.stateless_resets_sent;
      return;
    case ResetOutcome::rate_limited: return drop(stats_.stateless_rate_limited);
    case ResetOutcome::trigger_too_small: return drop(stats_.resets_not_sent_small);
    case ResetOutcome::failed: return drop(stats_.unknown_cid);
  }
}

}  // namespace tquic::endpoint
