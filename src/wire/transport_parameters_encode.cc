// Transport parameter encoding (RFC 9000 §18). One template walks the
// parameters in id order and feeds a sink: SizeSink counts, WriteSink writes,
// so transport_parameters_encoded_size is exact by construction.
#include "wire/transport_parameters.h"
#include "wire/varint.h"

namespace tquic::wire {

namespace {

using Id = TransportParameterId;

constexpr std::uint64_t raw(Id id) { return static_cast<std::uint64_t>(id); }

class SizeSink {
 public:
  bool header(std::uint64_t id, std::size_t length) { return varint(id) && varint(length); }
  bool varint(std::uint64_t v) {
    const std::size_t n = varint_size(v);  // 0: not encodable
    total_ += n;
    return n != 0;
  }
  bool bytes(ByteSpan b) { return add(b.size()); }
  bool u8(std::uint8_t) { return add(1); }
  bool u16(std::uint16_t) { return add(2); }
  bool u32(std::uint32_t) { return add(4); }
  std::size_t total() const { return total_; }

 private:
  bool add(std::size_t n) {
    total_ += n;
    return true;
  }
  std::size_t total_ = 0;
};

class WriteSink {
 public:
  explicit WriteSink(ByteWriter& w) : w_(w) {}
  bool header(std::uint64_t id, std::size_t length) {
    return write_varint(w_, id) && write_varint(w_, length);
  }
  bool varint(std::uint64_t v) { return write_varint(w_, v); }
  bool bytes(ByteSpan b) { return w_.write_bytes(b); }
  bool u8(std::uint8_t v) { return w_.write_u8(v); }
  bool u16(std::uint16_t v) { return w_.write_u16(v); }
  bool u32(std::uint32_t v) { return w_.write_u32(v); }

 private:
  ByteWriter& w_;
};

template <class Sink>
bool emit_integer(Sink& s, Id id, std::uint64_t v) {
  const std::size_t n = varint_size(v);
  return n != 0 && s.header(raw(id), n) && s.varint(v);
}

// Integer parameters equal to their default are not sent (§18.2 defaults).
template <class Sink>
bool emit_unless_default(Sink& s, Id id, std::uint64_t v, std::uint64_t default_value) {
  return v == default_value || emit_integer(s, id, v);
}

template <class Sink>
bool emit_cid(Sink& s, Id id, const std::optional<ConnectionId>& cid) {
  return !cid || (s.header(raw(id), cid->size()) && s.bytes(cid->span()));
}

// RFC 9000 §18.2 Figure 22.
template <class Sink>
bool emit_preferred_address(Sink& s, const PreferredAddress& pa) {
  const std::size_t length =
      4 + 2 + 16 + 2 + 1 + pa.connection_id.size() + kStatelessResetTokenLength;
  return s.header(raw(Id::preferred_address), length) && s.bytes(pa.ipv4_address) &&
         s.u16(pa.ipv4_port) && s.bytes(pa.ipv6_address) && s.u16(pa.ipv6_port) &&
         s.u8(static_cast<std::uint8_t>(pa.connection_id.size())) &&
         s.bytes(pa.connection_id.span()) && s.bytes(pa.stateless_reset_token);
}

// RFC 9368 §3.
template <class Sink>
bool emit_version_information(Sink& s, const VersionInformation& vi) {
  const auto available = vi.available_versions();
  if (!s.header(raw(Id::version_information), 4 * (1 + available.size()))) return false;
  if (!s.u32(vi.chosen_version)) return false;
  for (std::uint32_t v : available)
    if (!s.u32(v)) return false;
  return true;
}

template <class Sink>
bool emit_connection_parameters(Sink& s, const TransportParameters& tp) {
  return emit_cid(s, Id::original_destination_connection_id,
                  tp.original_destination_connection_id) &&
         emit_unless_default(s, Id::max_idle_timeout, tp.max_idle_timeout_ms, 0) &&
         (!tp.stateless_reset_token ||
          (s.header(raw(Id::stateless_reset_token), kStatelessResetTokenLength) &&
           s.bytes(*tp.stateless_reset_token))) &&
         emit_unless_default(s, Id::max_udp_payload_size, tp.max_udp_payload_size,
                             kDefaultMaxUdpPayloadSize);
}

template <class Sink>
bool emit_flow_control_parameters(Sink& s, const TransportParameters& tp) {
  return emit_unless_default(s, Id::initial_max_data, tp.initial_max_data, 0) &&
         emit_unless_default(s, Id::initial_max_stream_data_bidi_local,
                             tp.initial_max_stream_data_bidi_local, 0) &&
         emit_unless_default(s, Id::initial_max_stream_data_bidi_remote,
                             tp.initial_max_stream_data_bidi_remote, 0) &&
         emit_unless_default(s, Id::initial_max_stream_data_uni, tp.initial_max_stream_data_uni,
                             0) &&
         emit_unless_default(s, Id::initial_max_streams_bidi, tp.initial_max_streams_bidi, 0) &&
         emit_unless_default(s, Id::initial_max_streams_uni, tp.initial_max_streams_uni, 0);
}

template <class Sink>
bool emit_path_parameters(Sink& s, const TransportParameters& tp) {
  return emit_unless_default(s, Id::ack_delay_exponent, tp.ack_delay_exponent,
                             kDefaultAckDelayExponent) &&
         emit_unless_default(s, Id::max_ack_delay, tp.max_ack_delay_ms, kDefaultMaxAckDelayMs) &&
         (!tp.disable_active_migration || s.header(raw(Id::disable_active_migration), 0)) &&
         (!tp.preferred_address || emit_preferred_address(s, *tp.preferred_address)) &&
         emit_unless_default(s, Id::active_connection_id_limit, tp.active_connection_id_limit,
                             kDefaultActiveConnectionIdLimit) &&
         emit_cid(s, Id::initial_source_connection_id, tp.initial_source_connection_id) &&
         emit_cid(s, Id::retry_source_connection_id, tp.retry_source_connection_id);
}

template <class Sink>
bool emit_extension_parameters(Sink& s, const TransportParameters& tp) {
  return (!tp.version_information || emit_version_information(s, *tp.version_information)) &&
         emit_unless_default(s, Id::max_datagram_frame_size, tp.max_datagram_frame_size, 0) &&
         (!tp.initial_max_path_id ||
          emit_integer(s, Id::initial_max_path_id, *tp.initial_max_path_id)) &&
         (!tp.min_ack_delay_us || emit_integer(s, Id::min_ack_delay, *tp.min_ack_delay_us));
}

template <class Sink>
bool emit_all(Sink& s, const TransportParameters& tp,
              std::span<const GreaseTransportParameter> grease) {
  if (!emit_connection_parameters(s, tp) || !emit_flow_control_parameters(s, tp) ||
      !emit_path_parameters(s, tp) || !emit_extension_parameters(s, tp))
    return false;
  for (const GreaseTransportParameter& g : grease)
    if (!s.header(g.id, g.value.size()) || !s.bytes(g.value)) return false;
  return true;
}

// Everything encode refuses before writing a byte.
bool encodable(const TransportParameters& tp, Role sender,
               std::span<const GreaseTransportParameter> grease) {
  if (!validate_transport_parameters(tp, sender).ok()) return false;
  if (!tp.initial_source_connection_id) return false;  // RFC 9000 §7.3: always sent
  if (sender == Role::server && !tp.original_destination_connection_id) return false;
  for (const GreaseTransportParameter& g : grease)
    if (!is_reserved_transport_parameter_id(g.id) || g.id > kVarintMax) return false;
  return true;
}

// Largest N with 31 * N + 27 below 2^30 (a 4-byte varint).
constexpr std::uint32_t kGreaseNLimit = ((std::uint32_t{1} << 30) - 27) / 31;

}  // namespace

GreaseTransportParameter make_grease_transport_parameter(ByteSpan random) {
  if (random.size() < 4) return GreaseTransportParameter{};
  std::uint32_t n = 0;
  for (std::size_t i = 0; i < 4; ++i) n = (n << 8) | random[i];
  return GreaseTransportParameter{31 * std::uint64_t{n % kGreaseNLimit} + 27, random.subspan(4)};
}

bool encode_transport_parameters(ByteWriter& w, const TransportParameters& tp, Role sender,
                                 std::span<const GreaseTransportParameter> grease) {
  // Size first (0: not encodable), so a failed encode writes nothing.
  const std::size_t size = transport_parameters_encoded_size(tp, sender, grease);
  if (size == 0 || w.remaining() < size) return false;
  WriteSink sink(w);
  return emit_all(sink, tp, grease);
}

// initial_source_connection_id is always emitted, so a valid encoding is never
// empty and 0 can mean "not encodable".
std::size_t transport_parameters_encoded_size(const TransportParameters& tp, Role sender,
                                              std::span<const GreaseTransportParameter> grease) {
  if (!encodable(tp, sender, grease)) return 0;
  SizeSink sink;
  if (!emit_all(sink, tp, grease)) return 0;
  return sink.total();
}

}  // namespace tquic::wire
