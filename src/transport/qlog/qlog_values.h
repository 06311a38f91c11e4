// qlog data types shared by several QUIC events
// (draft-ietf-quic-qlog-quic-events "QUIC data type definitions"):
// TupleEndpointInfo, IPAddress, ALPNIdentifier and the transport parameter
// members of parameters_set / parameters_restored.
#pragma once

#include "base/bytes.h"
#include "base/net_address.h"
#include "transport/qlog/json_writer.h"
#include "wire/connection_id.h"
#include "wire/transport_parameters.h"

namespace tquic::transport::qlog {

// IPAddress in its human-readable form: "192.0.2.1", or all eight IPv6
// groups ("2001:0db8:0000:...") — unambiguous and allocation-free.
void write_ip(JsonWriter& w, const NetAddress& a);

// A TupleEndpointInfo object: ip_v4/port_v4 or ip_v6/port_v6 (omitted for
// an unspecified address) and, if `cid` is non-null, connection_ids.
void write_endpoint_info(JsonWriter& w, const NetAddress& a, const wire::ConnectionId* cid);

// An ALPNIdentifier object with byte_value and, if printable, string_value.
void write_alpn(JsonWriter& w, ByteSpan alpn);

// The RFC 9000 §18.2 (and RFC 9221, extension) members of a parameters_set
// or parameters_restored event. `restored`: only the members
// parameters_restored defines.
void write_transport_parameters(JsonWriter& w, const wire::TransportParameters& p, bool restored = false);

}  // namespace tquic::transport::qlog
