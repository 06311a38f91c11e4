// Invalid transport parameters in a real handshake (RFC 9000 §7.3, §7.4,
// §18.2; RFC 9001 §8.2): the connection closes with
// TRANSPORT_PARAMETER_ERROR and the peer is told.
//
// Client -> server: a ClientHello is made by a separate TLS session that
// carries hand-written (broken) parameters and is given to the server as the
// CRYPTO data of the client's Initial; the server's CONNECTION_CLOSE goes,
// in an Initial packet, to the real client that started the exchange.
// Server -> client: the server is created with connection IDs that do not
// match the client's (as a broken server would send them).
#include <gtest/gtest.h>

#include "conn_violation_util.h"
#include "crypto/tls/tls_session.h"
#include "wire/packet_header.h"

namespace tquic::transport::testing {
namespace {

using C = TransportErrorCode;
using L = wire::EncryptionLevel;

// Collects the ClientHello a TLS session writes at the Initial level.
class HelloSink final : public crypto::TlsEventSink {
 public:
  std::vector<std::uint8_t> hello;
  Status on_handshake_data(L level, ByteSpan data) override {
    if (level == L::initial) hello.insert(hello.end(), data.begin(), data.end());
    return ok_status();
  }
  Status on_secret(L, crypto::SecretDirection, std::uint16_t, ByteSpan) override { return ok_status(); }
  Status on_peer_transport_parameters(ByteSpan) override { return ok_status(); }
};

std::vector<std::uint8_t> client_hello_with(const crypto::TlsContext& ctx, std::vector<std::uint8_t> params) {
  HelloSink sink;
  crypto::TlsSessionOptions o;
  o.local_transport_parameters = std::move(params);
  o.server_name = "localhost";
  auto tls = crypto::TlsSession::create(ctx, sink, std::move(o));
  EXPECT_TRUE(tls) << tls.error().reason;
  if (!tls) return {};
  EXPECT_TRUE((*tls)->start());
  return sink.hello;
}

// One parameter: id, length, value (RFC 9000 §18).
Bytes& param(Bytes& b, std::uint64_t id, const std::vector<std::uint8_t>& value) {
  return b.v(id).v(value.size()).append(value);
}
std::vector<std::uint8_t> varint(std::uint64_t x) { return Bytes().v(x).data; }

enum class Iscid : std::uint8_t { correct, missing, wrong };

// A client's parameters: sane limits, initial_source_connection_id as
// asked, then `extra` (raw parameters, possibly broken).
std::vector<std::uint8_t> client_params(const wire::ConnectionId& scid, Iscid iscid, bool stream_limits,
                                        const std::vector<std::uint8_t>& extra) {
  Bytes b;
  param(b, 0x04, varint(1 << 20));  // initial_max_data
  param(b, 0x05, varint(1 << 18));  // initial_max_stream_data_bidi_local
  param(b, 0x06, varint(1 << 18));  // initial_max_stream_data_bidi_remote
  param(b, 0x07, varint(1 << 18));  // initial_max_stream_data_uni
  if (stream_limits) {
    param(b, 0x08, varint(100));  // initial_max_streams_bidi
    param(b, 0x09, varint(100));  // initial_max_streams_uni
  }
  if (iscid == Iscid::correct) param(b, 0x0f, std::vector<std::uint8_t>(scid.span().begin(), scid.span().end()));
  if (iscid == Iscid::wrong) param(b, 0x0f, std::vector<std::uint8_t>(8, 0xee));
  return b.append(extra).data;
}

struct ParamCase {
  const char* name;
  std::vector<std::uint8_t> extra;
  std::string reason;  // what the server says (proves which rule fired)
  Iscid iscid = Iscid::correct;
  bool stream_limits = true;  // the base set carries initial_max_streams_*
};

std::vector<std::uint8_t> p_int(std::uint64_t id, std::uint64_t v) {
  Bytes b;
  return param(b, id, varint(v)).data;
}
std::vector<std::uint8_t> p_bytes(std::uint64_t id, std::size_t n, std::uint8_t fill) {
  Bytes b;
  return param(b, id, std::vector<std::uint8_t>(n, fill)).data;
}

std::vector<ParamCase> refused() {
  constexpr std::uint64_t k2to60 = std::uint64_t{1} << 60;
  // preferred_address: IPv4 4+2, IPv6 16+2, CID length 1 + 8, token 16.
  std::vector<std::uint8_t> preferred = Bytes().fill(6, 1).fill(18, 0).u8(8).fill(8, 7).fill(16, 9).data;
  Bytes pa;
  param(pa, 0x0d, preferred);
  return {
      // §7.4: a parameter sent twice (SHOULD be TRANSPORT_PARAMETER_ERROR).
      {"DuplicateParameter", p_int(0x04, 5000), "duplicate transport parameter"},
      // §18.2: server-only parameters from a client.
      {"OriginalDestinationCidFromClient", p_bytes(0x00, 8, 0x11),
       "original_destination_connection_id sent by a client"},
      {"StatelessResetTokenFromClient", p_bytes(0x02, 16, 0x22), "stateless_reset_token sent by a client"},
      {"PreferredAddressFromClient", pa.data, "preferred_address sent by a client"},
      {"RetrySourceCidFromClient", p_bytes(0x10, 8, 0x33), "retry_source_connection_id sent by a client"},
      // §18.2: values out of range.
      {"AckDelayExponentAbove20", p_int(0x0a, 21), "ack_delay_exponent above 20"},
      {"MaxAckDelayOf2to14", p_int(0x0b, 1 << 14), "max_ack_delay of 2^14 or more"},
      {"MaxUdpPayloadSizeBelow1200", p_int(0x03, 1199), "max_udp_payload_size below 1200"},
      {"ActiveConnectionIdLimitBelow2", p_int(0x0e, 1), "active_connection_id_limit below 2"},
      {"ActiveConnectionIdLimitZero", p_int(0x0e, 0), "active_connection_id_limit below 2"},
      {"MaxStreamsBidiAbove2to60", p_int(0x08, k2to60 + 1), "initial_max_streams_bidi above 2^60", Iscid::correct,
       false},
      {"MaxStreamsUniAbove2to60", p_int(0x09, k2to60 + 1), "initial_max_streams_uni above 2^60", Iscid::correct,
       false},
      // draft-ietf-quic-ack-frequency: min_ack_delay above max_ack_delay.
      {"MinAckDelayAboveMaxAckDelay", p_int(0xff04de1b, 26'000), "min_ack_delay greater than max_ack_delay"},
      // §18: the encoding itself.
      {"IntegerWithTrailingBytes", Bytes().v(0x01).v(3).v(30).raw({0, 0}).data,
       "integer parameter length mismatch"},
      {"DisableMigrationWithValue", p_bytes(0x0c, 1, 1), "disable_active_migration is not empty"},
      {"LengthBeyondExtension", Bytes().v(0x01).v(8).raw({0x40, 0x10}).data, "transport parameter value truncated"},
      {"TruncatedId", {0x80, 0x00}, "transport parameter header truncated"},
      {"CidParameterLongerThan20", p_bytes(0x0f, 21, 0x44), "connection ID longer than 20", Iscid::missing},
      // §7.3: initial_source_connection_id absent or not the Initial's SCID.
      {"InitialSourceCidMissing", {}, "initial_source_connection_id missing", Iscid::missing},
      {"InitialSourceCidMismatch", {}, "initial_source_connection_id mismatch", Iscid::wrong},
  };
}

// As Pipe::accept_server, with the server's view of the handshake CIDs
// overridden where given. `validated`: the client presented a valid token,
// so no anti-amplification limit applies (RFC 9000 §8.1).
void accept_server_with(Pipe& p, const std::vector<std::uint8_t>& first, wire::ConnectionId original_dcid,
                        wire::ConnectionId retry_scid, bool validated = false) {
  auto h = wire::parse_packet_header(first, 8);
  ASSERT_TRUE(h);
  ServerOptions o;
  o.tuple = p.server_tuple;
  o.client_dcid = h->dcid;
  o.client_scid = h->scid;
  o.original_dcid = original_dcid.empty() ? h->dcid : original_dcid;
  o.retry_scid = retry_scid;
  o.address_validated = validated;
  o.version = h->version;
  o.random_seed = seed(9);
  auto s = Connection::server(p.config, *p.stls, p.server_cids, std::move(o), p.now);
  ASSERT_TRUE(s) << s.error().reason;
  p.server = std::move(*s);
}

wire::ConnectionId some_cid(std::uint8_t b) {
  const std::uint8_t bytes[8] = {b, b, b, b, b, b, b, b};
  wire::ConnectionId cid;
  wire::ConnectionId::from_bytes(ByteSpan(bytes, 8), cid);
  return cid;
}

// Starts the client, creates the server from its first Initial, and gives
// the server a ClientHello carrying `params` instead of the client's own.
// The client's datagram itself is not delivered: the server's address is
// taken as validated so it may answer.
void send_forged_hello(Pipe& p, const ParamCase& c) {
  p.start_client();
  p.flush(*p.client, p.to_server);
  ASSERT_FALSE(p.to_server.empty());
  const std::vector<std::uint8_t> first = p.to_server.front().bytes;
  p.to_server.clear();
  auto h = wire::parse_packet_header(first, 8);
  ASSERT_TRUE(h);
  accept_server_with(p, first, {}, {}, true);
  const auto hello = client_hello_with(*p.ctls, client_params(h->scid, c.iscid, c.stream_limits, c.extra));
  ASSERT_FALSE(hello.empty());
  inject(p, *p.server, L::initial, Bytes().u8(0x06).v(0).v(hello.size()).append(hello).data);
}

class TransportParamsFromClient : public ::testing::TestWithParam<ParamCase> {};

TEST_P(TransportParamsFromClient, ServerClosesWithTransportParameterError) {
  Pipe p;
  send_forged_hello(p, GetParam());
  EXPECT_EQ(p.server->close_info().reason, GetParam().reason);
  // The error comes out of TLS while it handles the CRYPTO frame.
  expect_connection_error(p, *p.server, *p.client, C::TRANSPORT_PARAMETER_ERROR, 0x06);
}

INSTANTIATE_TEST_SUITE_P(Table, TransportParamsFromClient, ::testing::ValuesIn(refused()),
                         [](const ::testing::TestParamInfo<ParamCase>& i) { return std::string(i.param.name); });

// The same path with acceptable parameters (including values at their
// limits and an unknown one): the server goes on with the handshake.
TEST(TransportParamsFromClientNot, ValidForgedParametersAreAccepted) {
  Pipe p;
  Bytes extra;
  extra.append(p_int(0x0a, 20)).append(p_int(0x0b, (1 << 14) - 1)).append(p_int(0x03, 1200));
  extra.append(p_int(0x0e, 2)).append(p_bytes(27 + 31 * 5, 3, 0)).append(p_bytes(0x7777, 0, 0));
  send_forged_hello(p, {"Valid", extra.data, ""});
  EXPECT_FALSE(p.server->close_info().closed) << p.server->close_info().reason;
  auto t = p.server->write_train(p.tx, p.now);
  ASSERT_TRUE(t);
  EXPECT_GT(t->segments, 0u) << "the server answers the ClientHello";
}

// --- server -> client, with the server's view of the CIDs altered ---

void run_with_altered_server(Pipe& p, wire::ConnectionId retry_scid) {
  p.start_client();
  p.flush(*p.client, p.to_server);
  ASSERT_FALSE(p.to_server.empty());
  accept_server_with(p, p.to_server.front().bytes, {}, retry_scid);
  ASSERT_TRUE(p.run_until([&] { return p.client->close_info().closed; }, 5s));
}

// §7.3: original_destination_connection_id must be the client's first DCID.
// The server believes it sent a Retry that made the client use its first
// DCID (so it still routes the client's Initials) and reports another CID as
// the original; the client checks the original first.
TEST(TransportParamsFromServer, OriginalDestinationCidMismatch) {
  Pipe p;
  p.start_client();
  p.flush(*p.client, p.to_server);
  ASSERT_FALSE(p.to_server.empty());
  auto h = wire::parse_packet_header(p.to_server.front().bytes, 8);
  ASSERT_TRUE(h);
  accept_server_with(p, p.to_server.front().bytes, some_cid(0x66), h->dcid);
  ASSERT_TRUE(p.run_until([&] { return p.client->close_info().closed; }, 5s));
  EXPECT_EQ(p.client->close_info().reason, "original_destination_connection_id mismatch");
  expect_connection_error(p, *p.client, *p.server, C::TRANSPORT_PARAMETER_ERROR, 0x06);
}

// §7.3: retry_source_connection_id without a Retry.
TEST(TransportParamsFromServer, RetrySourceCidWithoutRetry) {
  Pipe p;
  run_with_altered_server(p, some_cid(0x77));
  EXPECT_EQ(p.client->close_info().reason, "retry_source_connection_id without Retry");
  expect_connection_error(p, *p.client, *p.server, C::TRANSPORT_PARAMETER_ERROR, 0x06);
}

}  // namespace
}  // namespace tquic::transport::testing

namespace tquic::transport::testing {
namespace {

// RFC 9221 §3: a client that stores max_datagram_frame_size with its 0-RTT
// state MUST close with PROTOCOL_VIOLATION if the server's new value is
// smaller. tquic's client does not send DATAGRAM frames before the handshake
// (max_datagram_payload() is 0 until the server's parameters arrive), so it
// does not store the value for that use and takes the new one as it is.
// Should 0-RTT datagrams ever be allowed, this test is where the check's
// absence shows.
TEST(TransportParamsFromServer, DatagramLimitIsNotUsedFromRememberedParameters) {
  ConnectionConfig cfg;
  cfg.max_datagram_frame_size = 1400;
  Pipe first(cfg);
  ASSERT_TRUE(establish(first));
  ASSERT_TRUE(first.run_until([&] { return !first.client->session_ticket().empty(); }));
  ClientOptions o;
  o.session_ticket = first.client->session_ticket();
  o.remembered_params = first.client->session_params();

  Pipe second(cfg);
  second.stls = std::move(first.stls);  // same server: the ticket resumes
  second.start_client(std::move(o));
  EXPECT_EQ(second.client->max_datagram_payload(), 0u) << "no DATAGRAM in 0-RTT";
  second.config.max_datagram_frame_size = 500;  // the server comes back with less
  ASSERT_TRUE(second.run_until([&] { return second.client->is_established() && second.server->is_established(); }));
  EXPECT_TRUE(second.client->is_resumed());
  EXPECT_FALSE(second.client->close_info().closed) << second.client->close_info().reason;
  EXPECT_GT(second.client->max_datagram_payload(), 0u);
  EXPECT_LE(second.client->max_datagram_payload(), 500u);
}

}  // namespace
}  // namespace tquic::transport::testing
