// Endpoint lifecycle, connection slots, CID registration and events.
#include "endpoint/endpoint.h"

#include <algorithm>
#include <array>

namespace tquic::endpoint {
namespace {

constexpr std::size_t kConnectionSeedLength = 32;
constexpr std::size_t kResetKeyLength = 32;
// Table entries reserved per connection: 8 local CIDs, the client's first
// DCID and one replacement in flight. Inserts may go beyond that up to the
// table's full load, so a burst of retirements never fails a connection.
constexpr std::size_t kReservedCidsPerSlot = 10;
constexpr int kCidDrawAttempts = 8;

std::vector<std::uint8_t> draw(crypto::Csprng& rng, std::size_t n) {
  std::vector<std::uint8_t> v(n);
  rng.fill(v);
  return v;
}

}  // namespace

bool SlotCidSource::next_cid(wire::ConnectionId& cid, wire::StatelessResetToken& token) {
  return endpoint && endpoint->issue_cid(index, cid, token);
}

Endpoint::Endpoint(EndpointConfig config, EndpointTls tls)
    : config_(std::move(config)), tls_(tls), out_(config_.stateless_queue_capacity) {}

Endpoint::~Endpoint() = default;

Result<std::unique_ptr<Endpoint>> Endpoint::create(EndpointConfig config, EndpointTls tls) {
  std::unique_ptr<Endpoint> ep(new Endpoint(std::move(config), tls));
  TQUIC_TRY(ep->setup());
  return ep;
}

// Every secret derives from the seed, in a fixed order, so a seeded
// simulation is reproducible; static keys given in the config win.
Status Endpoint::setup() {
  TQUIC_TRY(rng_.seed(config_.seed));
  const auto hash_key = draw(rng_, 32);
  table_ = CidTable(hash_key);
  const auto nonce_key = draw(rng_, 16);
  std::string err;
  if (!cids_.configure(config_.cid_layout, config_.server_id, nonce_key, err))
    return Error::local("invalid connection ID layout or server id");
  auto reset_key = draw(rng_, kResetKeyLength);
  if (!config_.static_reset_key.empty()) reset_key = config_.static_reset_key;
  TQUIC_TRY(resets_.configure(reset_key, config_.stateless_reset_rate));
  auto token_key = draw(rng_, kTokenKeyMaterialLength);
  if (!config_.token_key.empty()) token_key = config_.token_key;
  TQUIC_TRY(tokens_.configure(token_key, rng_.next_u64()));
  TQUIC_TRY(retry_.configure());
  vn_bucket_.configure(config_.version_negotiation_rate);
  for (std::uint32_t v : config_.versions)
    if (!wire::is_supported_version(v)) return Error::local("endpoint configured with an unsupported version");
  if (config_.versions.empty() || config_.versions.size() >= kMaxAdvertisedVersions)
    return Error::local("endpoint needs 1..7 versions");
  const NetAddress& pa4 = config_.connection.preferred_address_ipv4;
  const NetAddress& pa6 = config_.connection.preferred_address_ipv6;
  if (pa4.valid() && pa4.family != AddressFamily::ipv4)
    return Error::local("connection.preferred_address_ipv4 must be an IPv4 address");
  if (pa6.valid() && pa6.family != AddressFamily::ipv6)
    return Error::local("connection.preferred_address_ipv6 must be an IPv6 address");
  // Server connections negotiate among the accepted versions, in this order
  // of preference (RFC 9368 §2.3), and list them in version_information.
  server_connection_ = config_.connection;
  server_connection_.versions = config_.versions;
  return ok_status();
}

// --- slots ---

Result<std::uint32_t> Endpoint::allocate_slot() {
  std::uint32_t index = 0;
  if (!free_slots_.empty()) {
    index = free_slots_.back();
    free_slots_.pop_back();
  } else {
    if (slots_.size() >= ConnectionHandle::kInvalid - 1) return Error::local("no connection slot left");
    index = static_cast<std::uint32_t>(slots_.size());
    slots_.push_back(std::make_unique<ConnectionSlot>());
    // Everything indexed by slot grows here, at connection setup only.
    std::vector<std::uint32_t> ring(slots_.size());
    for (std::size_t i = 0; i < dirty_count_; ++i) ring[i] = dirty_[(dirty_head_ + i) % dirty_.size()];
    dirty_.swap(ring);
    dirty_head_ = 0;
    timers_.reserve(slots_.size());
    due_.reserve(slots_.size());
    handed_out_.reserve(slots_.size());
  }
  ConnectionSlot& s = *slots_[index];
  s.cid_source.endpoint = this;
  s.cid_source.index = index;
  s.routed_count = 0;
  table_.reserve((live_count_ + 1) * kReservedCidsPerSlot);
  return index;
}

void Endpoint::free_slot(std::uint32_t index) {
  ConnectionSlot& s = *slots_[index];
  unroute_all(index);
  timers_.remove(index);
  s.conn.reset();
  s.state = SlotState::free;
  ++s.generation;  // every handle to the old connection is now stale
  free_slots_.push_back(index);
}

void Endpoint::release_handed_out() {
  for (std::uint32_t index : handed_out_) free_slot(index);
  handed_out_.clear();
}

ConnectionHandle Endpoint::handle_of(std::uint32_t index) const {
  return ConnectionHandle{index, slots_[index]->generation};
}

transport::Connection* Endpoint::connection(ConnectionHandle handle) {
  if (handle.index >= slots_.size()) return nullptr;
  ConnectionSlot& s = *slots_[handle.index];
  if (s.generation != handle.generation || s.state == SlotState::free) return nullptr;
  if (s.state == SlotState::live) mark_dirty(handle.index);
  return s.conn.get();
}

void Endpoint::mark_dirty(std::uint32_t index) {
  ConnectionSlot& s = *slots_[index];
  if (s.dirty) return;
  s.dirty = true;
  dirty_[(dirty_head_ + dirty_count_) % dirty_.size()] = index;
  ++dirty_count_;
}

std::uint64_t Endpoint::unix_seconds(Timestamp now) const {
  const std::int64_t ns = std::max<std::int64_t>(0, to_ns(now));
  return config_.unix_seconds_at_time_zero + static_cast<std::uint64_t>(ns / 1'000'000'000);
}

const EndpointStats& Endpoint::stats() const {
  stats_.stateless_queue_drops = out_.dropped();
  return stats_;
}

Result<wire::StatelessResetToken> Endpoint::reset_token_for(const wire::ConnectionId& cid) {
  return resets_.token_for(cid);
}

// --- connection IDs ---

bool Endpoint::issue_cid(std::uint32_t index, wire::ConnectionId& cid, wire::StatelessResetToken& token) {
  ConnectionSlot& s = *slots_[index];
  if (s.routed_count == kRoutedCidsPerSlot) return false;
  for (int attempt = 0; attempt < kCidDrawAttempts; ++attempt) {
    wire::ConnectionId c;
    if (!cids_.next(c)) return false;
    const CidInsert r = table_.insert(c, index);
    if (r == CidInsert::duplicate) continue;  // truncated nonce repeated: draw again
    if (r == CidInsert::full) return false;
    auto t = resets_.token_for(c);
    if (!t) {
      table_.erase(c);
      return false;
    }
    s.routed[s.routed_count++] = RoutedCid{c, 0, false, false};
    cid = c;
    token = *t;
    return true;
  }
  return false;
}

bool Endpoint::route_cid(ConnectionSlot& slot, std::uint32_t index, const wire::ConnectionId& cid,
                         bool client_dcid) {
  if (slot.routed_count == kRoutedCidsPerSlot) return false;
  if (table_.insert(cid, index) != CidInsert::inserted) return false;
  slot.routed[slot.routed_count++] = RoutedCid{cid, 0, false, client_dcid};
  return true;
}

void Endpoint::unroute_all(std::uint32_t index) {
  ConnectionSlot& slot = *slots_[index];
  for (std::size_t i = 0; i < slot.routed_count; ++i) table_.erase(slot.routed[i].cid);
  slot.routed_count = 0;
  if (slot.zero_length_cid) zero_length_routes_.remove(index);
  slot.zero_length_cid = false;
}

// The connection issued CID `sequence` (it was routed when drawn): learn
// its sequence number, which is how its retirement will be reported.
void Endpoint::on_cid_issued(ConnectionSlot& slot, std::uint32_t index, std::uint64_t sequence) {
  wire::ConnectionId cid;
  // A zero-length CID is routed by address (zero_length_routes_).
  if (!slot.conn->local_cid(sequence, cid) || cid.empty()) return;
  for (std::size_t i = 0; i < slot.routed_count; ++i) {
    RoutedCid& r = slot.routed[i];
    if (!r.is_client_dcid && r.cid == cid) {
      r.sequence = sequence;
      r.sequence_known = true;
      return;
    }
  }
  if (route_cid(slot, index, cid, false)) {
    slot.routed[slot.routed_count - 1].sequence = sequence;
    slot.routed[slot.routed_count - 1].sequence_known = true;
  }
}

void Endpoint::on_cid_retired(ConnectionSlot& slot, std::uint64_t sequence) {
  for (std::size_t i = 0; i < slot.routed_count; ++i) {
    RoutedCid& r = slot.routed[i];
    if (r.is_client_dcid || !r.sequence_known || r.sequence != sequence) continue;
    table_.erase(r.cid);
    r = slot.routed[--slot.routed_count];
    return;
  }
}

// --- events ---

void Endpoint::push_event(const EndpointEvent& e, bool droppable) {
  if (events_read_ > 0 && events_read_ >= events_.size() / 2) {  // compact in place, no allocation
    events_.erase(events_.begin(), events_.begin() + static_cast<std::ptrdiff_t>(events_read_));
    events_read_ = 0;
  }
  if (droppable && events_.size() - events_read_ >= config_.max_pending_events) {
    ++stats_.events_dropped;
    return;
  }
  events_.push_back(e);
}

bool Endpoint::poll_event(EndpointEvent& out) {
  release_handed_out();
  if (events_read_ == events_.size()) {
    events_.clear();
    events_read_ = 0;
    return false;
  }
  out = events_[events_read_++];
  if (out.type == EndpointEventType::removed) {
    slots_[out.handle.index]->state = SlotState::releasing;
    handed_out_.push_back(out.handle.index);
  }
  return true;
}

void Endpoint::drain_events(ConnectionSlot& slot, std::uint32_t index) {
  transport::ConnectionEvent ev;
  while (slot.conn->poll_event(ev)) {
    switch (ev.type) {
      case transport::ConnectionEventType::local_cid_issued: on_cid_issued(slot, index, ev.cid_sequence); break;
      case transport::ConnectionEventType::local_cid_retired: on_cid_retired(slot, ev.cid_sequence); break;
      default: push_event(EndpointEvent{EndpointEventType::connection, handle_of(index), ev, false}, true);
    }
  }
}

// After every call into a connection: events, then its deadline, then
// removal once it is closed for good.
void Endpoint::after_call(std::uint32_t index, Timestamp) {
  ConnectionSlot& s = *slots_[index];
  if (s.state != SlotState::live) return;
  drain_events(s, index);
  if (s.conn->is_closed()) {
    remove_connection(index);
    return;
  }
  timers_.update(index, s.conn->next_deadline());
}

void Endpoint::remove_connection(std::uint32_t index) {
  ConnectionSlot& s = *slots_[index];
  unroute_all(index);
  timers_.remove(index);
  s.state = SlotState::removed;
  --live_count_;
  ++stats_.connections_removed;
  push_event(EndpointEvent{EndpointEventType::removed, handle_of(index), {}, false}, false);
}

// --- client connections ---

Result<ConnectionHandle> Endpoint::connect(transport::ClientOptions options, Timestamp now) {
  release_handed_out();
  if (!tls_.client) return Error::local("endpoint has no client TLS context");
  const bool zero_length = options.zero_length_cid;
  const NetAddress local = options.tuple.local;
  if (zero_length && zero_length_routes_.overlaps_any(local))  // RFC 9000 §5.1
    return Error::local(
        "another connection with a zero-length connection ID uses this local address: give each its own "
        "ClientOptions::tuple.local");
  TQUIC_TRY_ASSIGN(std::uint32_t index, allocate_slot());
  ConnectionSlot& s = *slots_[index];
  options.random_seed = draw(rng_, kConnectionSeedLength);
  auto c = transport::Connection::client(config_.connection, *tls_.client, s.cid_source, std::move(options), now);
  if (!c) {
    free_slot(index);
    return c.error();
  }
  s.conn = std::move(*c);
  s.state = SlotState::live;
  ++live_count_;
  s.zero_length_cid = zero_length && zero_length_routes_.add(local, index);
  on_cid_issued(s, index, 0);
  mark_dirty(index);
  after_call(index, now);
  return handle_of(index);
}

}  // namespace tquic::endpoint
