#include "transport/qlog/qlog_values.h"

#include <algorithm>

namespace tquic::transport::qlog {
namespace {

constexpr char kHex[] = "0123456789abcdef";

std::size_t format_ipv4(const std::uint8_t* ip, char* out) {
  std::size_t n = 0;
  for (int i = 0; i < 4; ++i) {
    if (i) out[n++] = '.';
    const unsigned v = ip[i];
    if (v >= 100) out[n++] = static_cast<char>('0' + v / 100);
    if (v >= 10) out[n++] = static_cast<char>('0' + v / 10 % 10);
    out[n++] = static_cast<char>('0' + v % 10);
  }
  return n;
}

std::size_t format_ipv6(const std::uint8_t* ip, char* out) {
  std::size_t n = 0;
  for (int i = 0; i < 16; ++i) {
    if (i && i % 2 == 0) out[n++] = ':';
    out[n++] = kHex[ip[i] >> 4];
    out[n++] = kHex[ip[i] & 0xf];
  }
  return n;
}

void write_preferred_address(JsonWriter& w, const wire::PreferredAddress& pa) {
  w.key("preferred_address");
  w.begin_object();
  if (pa.has_ipv4()) {
    w.key("ip_v4");
    write_ip(w, NetAddress::ipv4(pa.ipv4_address, pa.ipv4_port));
    w.field("port_v4", pa.ipv4_port);
  }
  if (pa.has_ipv6()) {
    w.key("ip_v6");
    write_ip(w, NetAddress::ipv6(pa.ipv6_address, pa.ipv6_port));
    w.field("port_v6", pa.ipv6_port);
  }
  w.key("connection_id");
  w.hex(pa.connection_id.span());
  w.key("stateless_reset_token");
  w.hex(pa.stateless_reset_token);
  w.end_object();
}

void write_cid_parameters(JsonWriter& w, const wire::TransportParameters& p) {
  if (p.original_destination_connection_id) {
    w.key("original_destination_connection_id");
    w.hex(p.original_destination_connection_id->span());
  }
  if (p.initial_source_connection_id) {
    w.key("initial_source_connection_id");
    w.hex(p.initial_source_connection_id->span());
  }
  if (p.retry_source_connection_id) {
    w.key("retry_source_connection_id");
    w.hex(p.retry_source_connection_id->span());
  }
  if (p.stateless_reset_token) {
    w.key("stateless_reset_token");
    w.hex(*p.stateless_reset_token);
  }
}

}  // namespace

void write_ip(JsonWriter& w, const NetAddress& a) {
  char text[40];
  const std::size_t n = a.family == AddressFamily::ipv6 ? format_ipv6(a.ip.data(), text) : format_ipv4(a.ip.data(), text);
  w.string(std::string_view(text, n));
}

void write_endpoint_info(JsonWriter& w, const NetAddress& a, const wire::ConnectionId* cid) {
  w.begin_object();
  if (a.family == AddressFamily::ipv4) {
    w.key("ip_v4");
    write_ip(w, a);
    w.field("port_v4", a.port);
  } else if (a.family == AddressFamily::ipv6) {
    w.key("ip_v6");
    write_ip(w, a);
    w.field("port_v6", a.port);
  }
  if (cid) {
    w.key("connection_ids");
    w.begin_array();
    w.hex(cid->span());
    w.end_array();
  }
  w.end_object();
}

void write_alpn(JsonWriter& w, ByteSpan alpn) {
  w.begin_object();
  w.key("byte_value");
  w.hex(alpn);
  if (std::all_of(alpn.begin(), alpn.end(), [](std::uint8_t c) { return c >= 0x20 && c < 0x7f; })) {
    w.key("string_value");
    w.string(alpn);
  }
  w.end_object();
}

void write_transport_parameters(JsonWriter& w, const wire::TransportParameters& p, bool restored) {
  if (!restored) write_cid_parameters(w, p);
  w.field("disable_active_migration", p.disable_active_migration);
  w.field("max_idle_timeout", p.max_idle_timeout_ms);
  w.field("max_udp_payload_size", p.max_udp_payload_size);
  if (!restored) {
    w.field("ack_delay_exponent", p.ack_delay_exponent);
    w.field("max_ack_delay", p.max_ack_delay_ms);
  }
  w.field("active_connection_id_limit", p.active_connection_id_limit);
  w.field("initial_max_data", p.initial_max_data);
  w.field("initial_max_stream_data_bidi_local", p.initial_max_stream_data_bidi_local);
  w.field("initial_max_stream_data_bidi_remote", p.initial_max_stream_data_bidi_remote);
  w.field("initial_max_stream_data_uni", p.initial_max_stream_data_uni);
  w.field("initial_max_streams_bidi", p.initial_max_streams_bidi);
  w.field("initial_max_streams_uni", p.initial_max_streams_uni);
  if (!restored && p.preferred_address) write_preferred_address(w, *p.preferred_address);
  w.field("max_datagram_frame_size", p.max_datagram_frame_size);
  if (restored) return;
  // Extension members ($$quic-parametersset-extension): multipath and
  // ack-frequency negotiation.
  if (p.initial_max_path_id) w.field("initial_max_path_id", *p.initial_max_path_id);
  if (p.min_ack_delay_us) w.field("min_ack_delay", Duration(std::chrono::microseconds(
                                                        static_cast<std::int64_t>(*p.min_ack_delay_us))));
}

}  // namespace tquic::transport::qlog
