#include "wire/transport_parameters.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <initializer_list>
#include <iterator>
#include <string>
#include <vector>

#include "wire/varint.h"

namespace tquic::wire {
namespace {

using Bytes = std::vector<std::uint8_t>;
using Id = TransportParameterId;

constexpr std::uint64_t raw(Id id) { return static_cast<std::uint64_t>(id); }

ConnectionId cid(std::initializer_list<std::uint8_t> bytes) {
  const Bytes b(bytes);
  ConnectionId out;
  EXPECT_TRUE(ConnectionId::from_bytes(b, out));
  return out;
}

ConnectionId cid_of_length(std::size_t n, std::uint8_t fill) {
  const Bytes b(n, fill);
  ConnectionId out;
  EXPECT_TRUE(ConnectionId::from_bytes(b, out));
  return out;
}

Bytes varint_bytes(std::uint64_t v) {
  std::array<std::uint8_t, 8> buf{};
  ByteWriter w(buf);
  EXPECT_TRUE(write_varint(w, v));
  return Bytes(buf.begin(), buf.begin() + static_cast<long>(w.written()));
}

// Hand-built parameter blobs: (id, length, value) tuples written verbatim.
class Blob {
 public:
  Blob& param(std::uint64_t id, const Bytes& value) {
    append(varint_bytes(id));
    append(varint_bytes(value.size()));
    append(value);
    return *this;
  }
  Blob& param(Id id, const Bytes& value) { return param(raw(id), value); }
  Blob& integer(Id id, std::uint64_t v) { return param(id, varint_bytes(v)); }
  Blob& append(const Bytes& b) {
    bytes_.insert(bytes_.end(), b.begin(), b.end());
    return *this;
  }
  const Bytes& bytes() const { return bytes_; }

 private:
  Bytes bytes_;
};

Bytes u32_bytes(std::initializer_list<std::uint32_t> values) {
  Bytes out;
  for (std::uint32_t v : values)
    for (int shift = 24; shift >= 0; shift -= 8)
      out.push_back(static_cast<std::uint8_t>(v >> shift));
  return out;
}

Bytes preferred_address_value(std::uint8_t cid_len, std::size_t trailing = 0) {
  Bytes v = {192, 0, 2, 1, 0x11, 0x51};         // IPv4 + port 4433
  v.insert(v.end(), {0x20, 0x01, 0x0d, 0xb8});  // IPv6 2001:db8::1
  v.insert(v.end(), 11, 0);
  v.push_back(1);
  v.insert(v.end(), {0x11, 0x52});  // port 4434
  v.push_back(cid_len);
  v.insert(v.end(), cid_len, 0xab);
  v.insert(v.end(), kStatelessResetTokenLength, 0xcd);
  v.insert(v.end(), trailing, 0);
  return v;
}

VersionInformation version_info(std::uint32_t chosen,
                                std::initializer_list<std::uint32_t> available) {
  VersionInformation vi;
  vi.chosen_version = chosen;
  for (std::uint32_t v : available) EXPECT_TRUE(vi.add_available_version(v));
  return vi;
}

StatelessResetToken token(std::uint8_t fill) {
  StatelessResetToken t{};
  t.fill(fill);
  return t;
}

// Every parameter a sender of `role` may send, none at its default.
TransportParameters full_parameters(Role role) {
  TransportParameters tp;
  tp.max_idle_timeout_ms = 30000;
  tp.max_udp_payload_size = 1472;
  tp.initial_max_data = 1u << 24;
  tp.initial_max_stream_data_bidi_local = 1u << 20;
  tp.initial_max_stream_data_bidi_remote = 1u << 19;
  tp.initial_max_stream_data_uni = 1u << 18;
  tp.initial_max_streams_bidi = 100;
  tp.initial_max_streams_uni = 3;
  tp.ack_delay_exponent = 8;
  tp.max_ack_delay_ms = 40;
  tp.disable_active_migration = true;
  tp.active_connection_id_limit = 8;
  tp.initial_source_connection_id = cid({1, 2, 3, 4, 5, 6, 7, 8});
  tp.max_datagram_frame_size = 65535;
  tp.initial_max_path_id = 7;
  tp.min_ack_delay_us = 1000;
  if (role == Role::client) {
    tp.version_information = version_info(0x00000001, {0x00000001, 0x6b3343cf, 0x1a2a3a4a});
    return tp;
  }
  tp.version_information = version_info(0x6b3343cf, {0x6b3343cf, 0x00000001});
  tp.original_destination_connection_id = cid({9, 9, 9, 9, 9, 9, 9, 9});
  tp.stateless_reset_token = token(0x5a);
  PreferredAddress pa;
  pa.ipv4_address = {198, 51, 100, 7};
  pa.ipv4_port = 443;
  pa.ipv6_address[0] = 0x20;
  pa.ipv6_address[15] = 0x07;
  pa.ipv6_port = 8443;
  pa.connection_id = cid({0xc1, 0xc2, 0xc3, 0xc4});
  pa.stateless_reset_token = token(0x77);
  tp.preferred_address = pa;
  tp.retry_source_connection_id = cid({0xee, 0xef});
  return tp;
}

Bytes encode(const TransportParameters& tp, Role role,
             std::span<const GreaseTransportParameter> grease = {}) {
  Bytes buf(1024);
  ByteWriter w(buf);
  EXPECT_TRUE(encode_transport_parameters(w, tp, role, grease));
  EXPECT_EQ(w.written(), transport_parameters_encoded_size(tp, role, grease));
  buf.resize(w.written());
  return buf;
}

void expect_param_error(const Bytes& blob, Role sender) {
  const auto r = decode_transport_parameters(blob, sender);
  ASSERT_FALSE(r.ok());
  EXPECT_TRUE(r.error().is_transport(TransportErrorCode::TRANSPORT_PARAMETER_ERROR))
      << r.error().reason;
}

TransportParameters decode_ok(const Bytes& blob, Role sender) {
  auto r = decode_transport_parameters(blob, sender);
  EXPECT_TRUE(r.ok()) << (r.ok() ? "" : r.error().reason);
  return r.ok() ? *r : TransportParameters{};
}

// ---------------------------------------------------------------- round trips

TEST(TransportParameters, RoundTripServerWithEveryParameter) {
  const TransportParameters tp = full_parameters(Role::server);
  const Bytes blob = encode(tp, Role::server);
  EXPECT_EQ(decode_ok(blob, Role::server), tp);
}

TEST(TransportParameters, RoundTripClientWithEveryParameter) {
  const TransportParameters tp = full_parameters(Role::client);
  const Bytes blob = encode(tp, Role::client);
  EXPECT_EQ(decode_ok(blob, Role::client), tp);
}

TEST(TransportParameters, RoundTripExtremeLegalValues) {
  TransportParameters tp = full_parameters(Role::server);
  tp.max_idle_timeout_ms = kVarintMax;
  tp.initial_max_data = kVarintMax;
  tp.initial_max_streams_bidi = kMaxStreamsLimit;
  tp.initial_max_streams_uni = kMaxStreamsLimit;
  tp.ack_delay_exponent = kMaxAckDelayExponent;
  tp.max_ack_delay_ms = kMaxAckDelayLimitMs - 1;
  tp.min_ack_delay_us = (kMaxAckDelayLimitMs - 1) * 1000;
  tp.initial_max_path_id = kMaxPathIdLimit;
  tp.max_udp_payload_size = kMinMaxUdpPayloadSize;
  tp.initial_source_connection_id = cid_of_length(kMaxCidLength, 0x42);
  tp.preferred_address->connection_id = cid_of_length(kMaxCidLength, 0x43);
  EXPECT_EQ(decode_ok(encode(tp, Role::server), Role::server), tp);
}

TEST(TransportParameters, ZeroLengthConnectionIdsRoundTrip) {
  TransportParameters tp;
  tp.initial_source_connection_id = ConnectionId{};
  tp.original_destination_connection_id = ConnectionId{};
  tp.retry_source_connection_id = ConnectionId{};
  const Bytes blob = encode(tp, Role::server);
  EXPECT_EQ(blob, (Bytes{0x00, 0x00, 0x0f, 0x00, 0x10, 0x00}));
  EXPECT_EQ(decode_ok(blob, Role::server), tp);
}

// ------------------------------------------------------------------ defaults

TEST(TransportParameters, AbsentParametersTakeRfcDefaults) {
  const TransportParameters tp = decode_ok(Bytes{}, Role::server);
  EXPECT_EQ(tp.max_udp_payload_size, 65527u);
  EXPECT_EQ(tp.ack_delay_exponent, 3u);
  EXPECT_EQ(tp.max_ack_delay_ms, 25u);
  EXPECT_EQ(tp.max_ack_delay(), 25ms);
  EXPECT_EQ(tp.active_connection_id_limit, 2u);
  EXPECT_EQ(tp.max_idle_timeout(), Duration::zero());
  EXPECT_EQ(tp.initial_max_data, 0u);
  EXPECT_EQ(tp.initial_max_streams_bidi, 0u);
  EXPECT_EQ(tp.max_datagram_frame_size, 0u);
  EXPECT_FALSE(tp.disable_active_migration);
  EXPECT_FALSE(tp.original_destination_connection_id);
  EXPECT_FALSE(tp.initial_source_connection_id);
  EXPECT_FALSE(tp.stateless_reset_token);
  EXPECT_FALSE(tp.preferred_address);
  EXPECT_FALSE(tp.version_information);
  EXPECT_FALSE(tp.initial_max_path_id);
  EXPECT_FALSE(tp.min_ack_delay());
  EXPECT_EQ(tp, TransportParameters{});
}

TEST(TransportParameters, EncoderSkipsDefaultsButAlwaysSendsInitialSourceCid) {
  TransportParameters tp;
  tp.initial_source_connection_id = cid({0xaa, 0xbb});
  EXPECT_EQ(encode(tp, Role::client), (Bytes{0x0f, 0x02, 0xaa, 0xbb}));
}

TEST(TransportParameters, DurationAccessorsConvertUnitsAndSaturate) {
  TransportParameters tp;
  tp.max_idle_timeout_ms = 1500;
  tp.min_ack_delay_us = 250;
  EXPECT_EQ(tp.max_idle_timeout(), 1500ms);
  EXPECT_EQ(tp.min_ack_delay(), std::optional<Duration>(250us));
  tp.max_idle_timeout_ms = kVarintMax;
  EXPECT_EQ(tp.max_idle_timeout(), kDurationInfinite);
}

// ---------------------------------------------------------- encoder contract

TEST(TransportParameters, EncoderRefusesWhatDecoderWouldRefuse) {
  Bytes buf(1024);
  const auto refuses = [&](const TransportParameters& tp, Role role) {
    ByteWriter w(buf);
    EXPECT_FALSE(encode_transport_parameters(w, tp, role));
    EXPECT_EQ(w.written(), 0u);
    EXPECT_EQ(transport_parameters_encoded_size(tp, role), 0u);
  };
  TransportParameters no_iscid = full_parameters(Role::client);
  no_iscid.initial_source_connection_id.reset();
  refuses(no_iscid, Role::client);
  TransportParameters no_odcid = full_parameters(Role::server);
  no_odcid.original_destination_connection_id.reset();
  refuses(no_odcid, Role::server);
  refuses(full_parameters(Role::server), Role::client);  // server-only parameters
  TransportParameters bad = full_parameters(Role::client);
  bad.ack_delay_exponent = 21;
  refuses(bad, Role::client);
  TransportParameters too_big = full_parameters(Role::client);
  too_big.initial_max_data = kVarintMax + 1;
  refuses(too_big, Role::client);
}

TEST(TransportParameters, EncoderNeedsRoomForEveryByte) {
  const TransportParameters tp = full_parameters(Role::server);
  const std::size_t size = transport_parameters_encoded_size(tp, Role::server);
  ASSERT_GT(size, 0u);
  Bytes buf(size);
  for (std::size_t n = 0; n < size; ++n) {
    ByteWriter w(MutByteSpan(buf.data(), n));
    EXPECT_FALSE(encode_transport_parameters(w, tp, Role::server)) << n;
    EXPECT_EQ(w.written(), 0u);
  }
  ByteWriter w(buf);
  EXPECT_TRUE(encode_transport_parameters(w, tp, Role::server));
  EXPECT_EQ(w.written(), size);
}

// ------------------------------------------------------------------ greasing

TEST(TransportParameters, ReservedIdsAre31NPlus27) {
  EXPECT_TRUE(is_reserved_transport_parameter_id(27));
  EXPECT_TRUE(is_reserved_transport_parameter_id(58));
  EXPECT_TRUE(is_reserved_transport_parameter_id(31 * 1000 + 27));
  EXPECT_FALSE(is_reserved_transport_parameter_id(0));
  EXPECT_FALSE(is_reserved_transport_parameter_id(26));
  EXPECT_FALSE(is_reserved_transport_parameter_id(28));
  EXPECT_FALSE(is_reserved_transport_parameter_id(raw(Id::max_datagram_frame_size)));
  EXPECT_FALSE(is_reserved_transport_parameter_id(raw(Id::initial_max_path_id)));
  EXPECT_FALSE(is_reserved_transport_parameter_id(raw(Id::min_ack_delay)));
}

TEST(TransportParameters, GreaseParameterIsEmittedAndIgnoredOnDecode) {
  const Bytes random = {0xde, 0xad, 0xbe, 0xef, 1, 2, 3, 4, 5};
  const GreaseTransportParameter g = make_grease_transport_parameter(random);
  EXPECT_TRUE(is_reserved_transport_parameter_id(g.id));
  EXPECT_LE(varint_size(g.id), 4u);
  EXPECT_EQ(g.value.size(), 5u);
  const TransportParameters tp = full_parameters(Role::client);
  const std::array<GreaseTransportParameter, 1> grease{g};
  const Bytes blob = encode(tp, Role::client, grease);
  const Bytes plain = encode(tp, Role::client);
  Blob tail;
  tail.param(g.id, Bytes(random.begin() + 4, random.end()));
  ASSERT_EQ(blob.size(), plain.size() + tail.bytes().size());
  EXPECT_TRUE(std::equal(tail.bytes().begin(), tail.bytes().end(),
                         blob.begin() + static_cast<long>(plain.size())));
  EXPECT_EQ(decode_ok(blob, Role::client), tp);
}

TEST(TransportParameters, GreaseWithUnreservedIdIsRefused) {
  const std::array<GreaseTransportParameter, 1> grease{GreaseTransportParameter{0x20, {}}};
  Bytes buf(256);
  ByteWriter w(buf);
  EXPECT_FALSE(encode_transport_parameters(w, full_parameters(Role::client), Role::client, grease));
  EXPECT_EQ(w.written(), 0u);
}

TEST(TransportParameters, UnknownAndReservedIdsAreSkipped) {
  const Bytes blob = Blob()
                         .param(27, Bytes{1, 2, 3})
                         .integer(Id::initial_max_data, 1000)
                         .param(0x1234, Bytes(300, 0xff))
                         .param(31 * 77 + 27, Bytes{})
                         .param(0x2ab2, Bytes{0x01})  // not ours: ignored
                         .param(kVarintMax, Bytes{9})
                         .bytes();
  const TransportParameters tp = decode_ok(blob, Role::client);
  EXPECT_EQ(tp.initial_max_data, 1000u);
  TransportParameters expected;
  expected.initial_max_data = 1000;
  EXPECT_EQ(tp, expected);
}

TEST(TransportParameters, DuplicateUnknownIdsAreIgnored) {
  const Bytes blob =
      Blob().param(27, Bytes{1}).param(27, Bytes{2}).param(0x99, {}).param(0x99, {}).bytes();
  EXPECT_EQ(decode_ok(blob, Role::server), TransportParameters{});
}

// ---------------------------------------------------------------- duplicates

TEST(TransportParameters, DuplicateKnownIdIsRefused) {
  expect_param_error(
      Blob().integer(Id::initial_max_data, 1).integer(Id::initial_max_data, 1).bytes(),
      Role::client);
}

TEST(TransportParameters, DuplicateNonAdjacentCidIsRefused) {
  const Bytes blob = Blob()
                         .param(Id::initial_source_connection_id, {1})
                         .integer(Id::initial_max_data, 1)
                         .param(Id::initial_source_connection_id, {1})
                         .bytes();
  expect_param_error(blob, Role::server);
}

TEST(TransportParameters, DuplicateExtensionIdIsRefused) {
  expect_param_error(Blob().integer(Id::min_ack_delay, 1).integer(Id::min_ack_delay, 1).bytes(),
                     Role::client);
  expect_param_error(
      Blob().integer(Id::initial_max_path_id, 1).integer(Id::initial_max_path_id, 2).bytes(),
      Role::client);
  expect_param_error(Blob()
                         .param(Id::disable_active_migration, {})
                         .param(Id::disable_active_migration, {})
                         .bytes(),
                     Role::server);
}

// ---------------------------------------------------------------- truncation

// Offsets at which a tuple ends: a prefix cut there is a shorter valid blob.
std::vector<std::size_t> tuple_boundaries(const Bytes& blob) {
  std::vector<std::size_t> out{0};
  ByteReader r(blob);
  std::uint64_t id = 0, len = 0;
  while (read_varint(r, id) && read_varint(r, len) && r.skip(len)) out.push_back(r.position());
  EXPECT_TRUE(r.empty());
  return out;
}

void check_every_truncation(Role role) {
  const Bytes blob = encode(full_parameters(role), role);
  const auto boundaries = tuple_boundaries(blob);
  ASSERT_GT(boundaries.size(), 15u);
  for (std::size_t n = 0; n < blob.size(); ++n) {
    const Bytes prefix(blob.begin(), blob.begin() + static_cast<long>(n));
    const bool at_boundary = std::find(boundaries.begin(), boundaries.end(), n) != boundaries.end();
    const auto r = decode_transport_parameters(prefix, role);
    if (at_boundary) {
      EXPECT_TRUE(r.ok()) << "prefix " << n;
    } else {
      ASSERT_FALSE(r.ok()) << "prefix " << n;
      EXPECT_TRUE(r.error().is_transport(TransportErrorCode::TRANSPORT_PARAMETER_ERROR));
    }
  }
}

TEST(TransportParameters, TruncationAtEveryByteOfServerBlob) {
  check_every_truncation(Role::server);
}
TEST(TransportParameters, TruncationAtEveryByteOfClientBlob) {
  check_every_truncation(Role::client);
}

TEST(TransportParameters, LengthBeyondInputIsRefused) {
  Blob b;
  b.append(varint_bytes(raw(Id::initial_max_data))).append(varint_bytes(kVarintMax)).append({1});
  expect_param_error(b.bytes(), Role::client);
}

// ------------------------------------------------- server-only from a client

TEST(TransportParameters, OriginalDestinationCidFromClientIsRefused) {
  const Bytes blob = Blob().param(Id::original_destination_connection_id, {1, 2, 3, 4}).bytes();
  expect_param_error(blob, Role::client);
  EXPECT_TRUE(decode_transport_parameters(blob, Role::server).ok());
}

TEST(TransportParameters, StatelessResetTokenFromClientIsRefused) {
  const Bytes blob = Blob().param(Id::stateless_reset_token, Bytes(16, 1)).bytes();
  expect_param_error(blob, Role::client);
  EXPECT_TRUE(decode_transport_parameters(blob, Role::server).ok());
}

TEST(TransportParameters, PreferredAddressFromClientIsRefused) {
  const Bytes blob = Blob().param(Id::preferred_address, preferred_address_value(4)).bytes();
  expect_param_error(blob, Role::client);
  EXPECT_TRUE(decode_transport_parameters(blob, Role::server).ok());
}

TEST(TransportParameters, RetrySourceCidFromClientIsRefused) {
  const Bytes blob = Blob().param(Id::retry_source_connection_id, {1, 2}).bytes();
  expect_param_error(blob, Role::client);
  EXPECT_TRUE(decode_transport_parameters(blob, Role::server).ok());
}

// -------------------------------------------------------------- value ranges

TEST(TransportParameters, MaxUdpPayloadSizeBelow1200IsRefused) {
  expect_param_error(Blob().integer(Id::max_udp_payload_size, 1199).bytes(), Role::client);
  EXPECT_EQ(decode_ok(Blob().integer(Id::max_udp_payload_size, 1200).bytes(), Role::client)
                .max_udp_payload_size,
            1200u);
}

TEST(TransportParameters, AckDelayExponentAbove20IsRefused) {
  expect_param_error(Blob().integer(Id::ack_delay_exponent, 21).bytes(), Role::server);
  EXPECT_EQ(decode_ok(Blob().integer(Id::ack_delay_exponent, 20).bytes(), Role::server)
                .ack_delay_exponent,
            20u);
}

TEST(TransportParameters, MaxAckDelayOf2To14IsRefused) {
  expect_param_error(Blob().integer(Id::max_ack_delay, 1u << 14).bytes(), Role::client);
  EXPECT_EQ(decode_ok(Blob().integer(Id::max_ack_delay, (1u << 14) - 1).bytes(), Role::client)
                .max_ack_delay_ms,
            (1u << 14) - 1);
}

TEST(TransportParameters, ActiveConnectionIdLimitBelow2IsRefused) {
  expect_param_error(Blob().integer(Id::active_connection_id_limit, 1).bytes(), Role::client);
  expect_param_error(Blob().integer(Id::active_connection_id_limit, 0).bytes(), Role::client);
  EXPECT_EQ(decode_ok(Blob().integer(Id::active_connection_id_limit, 2).bytes(), Role::client)
                .active_connection_id_limit,
            2u);
}

TEST(TransportParameters, InitialMaxStreamsBidiAbove2To60IsRefused) {
  expect_param_error(Blob().integer(Id::initial_max_streams_bidi, kMaxStreamsLimit + 1).bytes(),
                     Role::client);
  EXPECT_EQ(decode_ok(Blob().integer(Id::initial_max_streams_bidi, kMaxStreamsLimit).bytes(),
                      Role::client)
                .initial_max_streams_bidi,
            kMaxStreamsLimit);
}

TEST(TransportParameters, InitialMaxStreamsUniAbove2To60IsRefused) {
  expect_param_error(Blob().integer(Id::initial_max_streams_uni, kMaxStreamsLimit + 1).bytes(),
                     Role::server);
  EXPECT_EQ(
      decode_ok(Blob().integer(Id::initial_max_streams_uni, kMaxStreamsLimit).bytes(), Role::server)
          .initial_max_streams_uni,
      kMaxStreamsLimit);
}

TEST(TransportParameters, InitialMaxPathIdAbove2To32Minus1IsRefused) {
  expect_param_error(Blob().integer(Id::initial_max_path_id, kMaxPathIdLimit + 1).bytes(),
                     Role::client);
  EXPECT_EQ(decode_ok(Blob().integer(Id::initial_max_path_id, 0).bytes(), Role::client)
                .initial_max_path_id,
            std::optional<std::uint64_t>(0));
}

TEST(TransportParameters, MinAckDelayGreaterThanMaxAckDelayIsRefused) {
  // Default max_ack_delay is 25 ms = 25000 µs.
  expect_param_error(Blob().integer(Id::min_ack_delay, 25001).bytes(), Role::client);
  EXPECT_EQ(
      decode_ok(Blob().integer(Id::min_ack_delay, 25000).bytes(), Role::client).min_ack_delay(),
      std::optional<Duration>(25ms));
}

TEST(TransportParameters, MinAckDelayIsCheckedAgainstMaxAckDelayWhateverTheOrder) {
  // min_ack_delay before max_ack_delay in the blob: the check sees the final value.
  expect_param_error(Blob().integer(Id::min_ack_delay, 2001).integer(Id::max_ack_delay, 2).bytes(),
                     Role::server);
  EXPECT_TRUE(decode_transport_parameters(
                  Blob().integer(Id::min_ack_delay, 2000).integer(Id::max_ack_delay, 2).bytes(),
                  Role::server)
                  .ok());
  expect_param_error(Blob().integer(Id::max_ack_delay, 0).integer(Id::min_ack_delay, 1).bytes(),
                     Role::server);
}

// ------------------------------------------------------------- value lengths

TEST(TransportParameters, IntegerWithTrailingBytesIsRefused) {
  expect_param_error(Blob().param(Id::initial_max_data, {0x05, 0x00}).bytes(), Role::client);
}

TEST(TransportParameters, IntegerShorterThanItsVarintIsRefused) {
  expect_param_error(Blob().param(Id::initial_max_data, {0x40}).bytes(), Role::client);
  expect_param_error(Blob().param(Id::initial_max_data, {0xc0, 0, 0, 0}).bytes(), Role::client);
}

TEST(TransportParameters, EmptyIntegerIsRefused) {
  expect_param_error(Blob().param(Id::max_idle_timeout, {}).bytes(), Role::client);
}

TEST(TransportParameters, NonMinimalIntegerFillingItsLengthIsAccepted) {
  const TransportParameters tp = decode_ok(
      Blob().param(Id::initial_max_streams_bidi, {0x80, 0x00, 0x00, 0x05}).bytes(), Role::client);
  EXPECT_EQ(tp.initial_max_streams_bidi, 5u);
}

TEST(TransportParameters, StatelessResetTokenOfWrongLengthIsRefused) {
  expect_param_error(Blob().param(Id::stateless_reset_token, Bytes(15, 1)).bytes(), Role::server);
  expect_param_error(Blob().param(Id::stateless_reset_token, Bytes(17, 1)).bytes(), Role::server);
}

TEST(TransportParameters, ConnectionIdLongerThan20IsRefused) {
  for (Id id : {Id::original_destination_connection_id, Id::initial_source_connection_id,
                Id::retry_source_connection_id}) {
    expect_param_error(Blob().param(id, Bytes(21, 1)).bytes(), Role::server);
    EXPECT_TRUE(
        decode_transport_parameters(Blob().param(id, Bytes(20, 1)).bytes(), Role::server).ok());
  }
}

TEST(TransportParameters, DisableActiveMigrationWithValueIsRefused) {
  expect_param_error(Blob().param(Id::disable_active_migration, {0}).bytes(), Role::client);
  EXPECT_TRUE(decode_ok(Blob().param(Id::disable_active_migration, {}).bytes(), Role::client)
                  .disable_active_migration);
}

// ---------------------------------------------------------- preferred_address

TEST(TransportParameters, PreferredAddressDecodesEveryField) {
  const TransportParameters tp = decode_ok(
      Blob().param(Id::preferred_address, preferred_address_value(4)).bytes(), Role::server);
  ASSERT_TRUE(tp.preferred_address);
  const PreferredAddress& pa = *tp.preferred_address;
  EXPECT_EQ(pa.ipv4_address, (std::array<std::uint8_t, 4>{192, 0, 2, 1}));
  EXPECT_EQ(pa.ipv4_port, 4433);
  EXPECT_EQ(pa.ipv6_address[0], 0x20);
  EXPECT_EQ(pa.ipv6_address[15], 1);
  EXPECT_EQ(pa.ipv6_port, 4434);
  EXPECT_EQ(pa.connection_id, cid({0xab, 0xab, 0xab, 0xab}));
  EXPECT_EQ(pa.stateless_reset_token, token(0xcd));
  EXPECT_TRUE(pa.has_ipv4());
  EXPECT_TRUE(pa.has_ipv6());
  EXPECT_FALSE(PreferredAddress{}.has_ipv4());
  EXPECT_FALSE(PreferredAddress{}.has_ipv6());
}

TEST(TransportParameters, PreferredAddressWithZeroLengthCidIsRefused) {
  expect_param_error(Blob().param(Id::preferred_address, preferred_address_value(0)).bytes(),
                     Role::server);
}

TEST(TransportParameters, PreferredAddressWithCidLongerThan20IsRefused) {
  expect_param_error(Blob().param(Id::preferred_address, preferred_address_value(21)).bytes(),
                     Role::server);
}

TEST(TransportParameters, PreferredAddressWithTrailingBytesIsRefused) {
  expect_param_error(Blob().param(Id::preferred_address, preferred_address_value(4, 1)).bytes(),
                     Role::server);
}

TEST(TransportParameters, PreferredAddressCutShortIsRefused) {
  Bytes value = preferred_address_value(8);
  for (std::size_t n = 0; n < value.size(); ++n)
    expect_param_error(Blob()
                           .param(Id::preferred_address,
                                  Bytes(value.begin(), value.begin() + static_cast<long>(n)))
                           .bytes(),
                       Role::server);
}

TEST(TransportParameters, PreferredAddressFromServerWithZeroLengthCidIsRefused) {
  expect_param_error(Blob()
                         .param(Id::preferred_address, preferred_address_value(4))
                         .param(Id::initial_source_connection_id, {})
                         .bytes(),
                     Role::server);
}

// -------------------------------------------------------- version_information

TEST(TransportParameters, VersionInformationDecodes) {
  const TransportParameters tp = decode_ok(
      Blob().param(Id::version_information, u32_bytes({0x6b3343cf, 1, 0x6b3343cf})).bytes(),
      Role::client);
  ASSERT_TRUE(tp.version_information);
  EXPECT_EQ(tp.version_information->chosen_version, 0x6b3343cfu);
  const auto available = tp.version_information->available_versions();
  ASSERT_EQ(available.size(), 2u);
  EXPECT_EQ(available[0], 1u);
  EXPECT_EQ(available[1], 0x6b3343cfu);
  EXPECT_FALSE(tp.version_information->available_versions_truncated());
}

TEST(TransportParameters, VersionInformationShorterThan4IsRefused) {
  expect_param_error(Blob().param(Id::version_information, {}).bytes(), Role::server);
  expect_param_error(Blob().param(Id::version_information, {0, 0, 1}).bytes(), Role::server);
}

TEST(TransportParameters, VersionInformationLengthNotMultipleOf4IsRefused) {
  expect_param_error(Blob().param(Id::version_information, {0, 0, 0, 1, 0, 0}).bytes(),
                     Role::server);
}

TEST(TransportParameters, VersionInformationChosenVersionZeroIsRefused) {
  expect_param_error(Blob().param(Id::version_information, u32_bytes({0})).bytes(), Role::server);
  expect_param_error(Blob().param(Id::version_information, u32_bytes({0, 0})).bytes(),
                     Role::client);
}

TEST(TransportParameters, VersionInformationAvailableVersionZeroIsRefused) {
  expect_param_error(Blob().param(Id::version_information, u32_bytes({1, 1, 0})).bytes(),
                     Role::server);
}

TEST(TransportParameters, ClientChosenVersionMissingFromAvailableIsRefused) {
  expect_param_error(Blob().param(Id::version_information, u32_bytes({1, 0x6b3343cf})).bytes(),
                     Role::client);
  expect_param_error(Blob().param(Id::version_information, u32_bytes({1})).bytes(), Role::client);
  // A server's Available Versions need not contain its Chosen Version, and may be empty.
  EXPECT_TRUE(
      decode_transport_parameters(
          Blob().param(Id::version_information, u32_bytes({1, 0x6b3343cf})).bytes(), Role::server)
          .ok());
  EXPECT_TRUE(decode_transport_parameters(
                  Blob().param(Id::version_information, u32_bytes({1})).bytes(), Role::server)
                  .ok());
}

TEST(TransportParameters, LongVersionListKeepsFirstVersionsAndIsFlagged) {
  Bytes value = u32_bytes({0x0a0a0a0a});
  for (std::uint32_t i = 1; i <= 40; ++i) {
    const Bytes v = u32_bytes({i});
    value.insert(value.end(), v.begin(), v.end());
  }
  const Bytes chosen = u32_bytes({0x0a0a0a0a});  // listed last, beyond what is kept
  value.insert(value.end(), chosen.begin(), chosen.end());
  const TransportParameters tp =
      decode_ok(Blob().param(Id::version_information, value).bytes(), Role::client);
  ASSERT_TRUE(tp.version_information);
  EXPECT_TRUE(tp.version_information->available_versions_truncated());
  ASSERT_EQ(tp.version_information->available_versions().size(),
            VersionInformation::kMaxAvailableVersions);
  EXPECT_EQ(tp.version_information->available_versions()[31], 32u);
}

// ------------------------------------------------------------- fuzz corpus

// The libFuzzer seeds are realistic blobs: client_* / server_* decode as sent
// by that role and survive a round trip; bad_* are refused.
TEST(TransportParameters, FuzzCorpusSeedsDecodeAsNamed) {
  const std::filesystem::path dir =
      std::filesystem::path(TQUIC_SOURCE_DIR) / "fuzz" / "corpus" / "transport_params";
  int seen = 0;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    std::ifstream in(entry.path(), std::ios::binary);
    const Bytes blob((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    const std::string name = entry.path().filename().string();
    SCOPED_TRACE(name);
    ++seen;
    if (name.rfind("bad_", 0) == 0) {
      expect_param_error(blob, Role::client);
      continue;
    }
    const Role role = name.rfind("server_", 0) == 0 ? Role::server : Role::client;
    const TransportParameters tp = decode_ok(blob, role);
    ASSERT_TRUE(tp.initial_source_connection_id);
    if (tp.version_information && tp.version_information->available_versions_truncated()) continue;
    EXPECT_EQ(decode_ok(encode(tp, role), role), tp);
  }
  EXPECT_GE(seen, 10);
}

// ---------------------------------------------------- RFC 9000 §7.3 CID checks

struct Handshake {
  ConnectionId client_scid = cid({0xc1, 0xc1, 0xc1, 0xc1});
  ConnectionId client_first_dcid = cid({0x51, 0x51, 0x51, 0x51, 0x51, 0x51, 0x51, 0x51});
  ConnectionId retry_scid = cid({0x52, 0x52});
  ConnectionId server_scid = cid({0x53, 0x53, 0x53});

  TransportParameters server_params(bool retry) const {
    TransportParameters tp;
    tp.initial_source_connection_id = server_scid;
    tp.original_destination_connection_id = client_first_dcid;
    if (retry) tp.retry_source_connection_id = retry_scid;
    return tp;
  }
  CidExpectations client_view(bool retry) const {
    CidExpectations e;
    e.peer_initial_scid = server_scid;
    e.local_cid = client_scid;
    e.original_destination_cid = client_first_dcid;
    if (retry) e.retry_scid = retry_scid;
    return e;
  }
};

void expect_cid_error(const Status& s,
                      TransportErrorCode code = TransportErrorCode::TRANSPORT_PARAMETER_ERROR) {
  ASSERT_FALSE(s.ok());
  EXPECT_TRUE(s.error().is_transport(code)) << s.error().reason;
}

TEST(TransportParametersCids, MatchingServerParametersWithoutRetryPass) {
  const Handshake h;
  EXPECT_TRUE(validate_peer_cids(h.server_params(false), Role::server, h.client_view(false)).ok());
}

TEST(TransportParametersCids, MatchingServerParametersWithRetryPass) {
  const Handshake h;
  EXPECT_TRUE(validate_peer_cids(h.server_params(true), Role::server, h.client_view(true)).ok());
}

TEST(TransportParametersCids, MissingInitialSourceCidIsRefused) {
  const Handshake h;
  TransportParameters tp = h.server_params(false);
  tp.initial_source_connection_id.reset();
  expect_cid_error(validate_peer_cids(tp, Role::server, h.client_view(false)));
}

TEST(TransportParametersCids, InitialSourceCidMismatchIsRefused) {
  const Handshake h;
  TransportParameters tp = h.server_params(false);
  tp.initial_source_connection_id = cid({0x53, 0x53});
  expect_cid_error(validate_peer_cids(tp, Role::server, h.client_view(false)));
}

TEST(TransportParametersCids, MissingOriginalDestinationCidIsRefused) {
  const Handshake h;
  TransportParameters tp = h.server_params(false);
  tp.original_destination_connection_id.reset();
  expect_cid_error(validate_peer_cids(tp, Role::server, h.client_view(false)));
}

TEST(TransportParametersCids, OriginalDestinationCidMismatchIsRefused) {
  const Handshake h;
  // After a Retry the server must still name the very first DCID, not the Retry's.
  TransportParameters tp = h.server_params(true);
  tp.original_destination_connection_id = h.retry_scid;
  expect_cid_error(validate_peer_cids(tp, Role::server, h.client_view(true)));
}

TEST(TransportParametersCids, MissingRetrySourceCidAfterRetryIsRefused) {
  const Handshake h;
  expect_cid_error(validate_peer_cids(h.server_params(false), Role::server, h.client_view(true)));
}

TEST(TransportParametersCids, RetrySourceCidWithoutRetryIsRefused) {
  const Handshake h;
  expect_cid_error(validate_peer_cids(h.server_params(true), Role::server, h.client_view(false)));
}

TEST(TransportParametersCids, RetrySourceCidMismatchIsRefused) {
  const Handshake h;
  TransportParameters tp = h.server_params(true);
  tp.retry_source_connection_id = cid({0x52, 0x53});
  expect_cid_error(validate_peer_cids(tp, Role::server, h.client_view(true)));
}

TEST(TransportParametersCids, ClientParametersAreCheckedAgainstClientScid) {
  const Handshake h;
  TransportParameters tp;
  tp.initial_source_connection_id = h.client_scid;
  CidExpectations server_view;
  server_view.peer_initial_scid = h.client_scid;
  server_view.local_cid = h.client_first_dcid;
  EXPECT_TRUE(validate_peer_cids(tp, Role::client, server_view).ok());
  tp.initial_source_connection_id = h.client_first_dcid;
  expect_cid_error(validate_peer_cids(tp, Role::client, server_view));
  tp.initial_source_connection_id = h.client_scid;
  tp.original_destination_connection_id = h.client_first_dcid;  // server-only
  expect_cid_error(validate_peer_cids(tp, Role::client, server_view));
}

TEST(TransportParametersCids, ZeroLengthCidsMustStillMatch) {
  Handshake h;
  h.server_scid = ConnectionId{};
  const TransportParameters tp = h.server_params(false);
  EXPECT_TRUE(validate_peer_cids(tp, Role::server, h.client_view(false)).ok());
  CidExpectations e = h.client_view(false);
  e.peer_initial_scid = cid({1});
  expect_cid_error(validate_peer_cids(tp, Role::server, e));
}

TEST(TransportParametersCids, MultipathWithZeroLengthCidIsProtocolViolation) {
  Handshake h;
  h.server_scid = ConnectionId{};
  TransportParameters tp = h.server_params(false);
  tp.initial_max_path_id = 2;
  expect_cid_error(validate_peer_cids(tp, Role::server, h.client_view(false)),
                   TransportErrorCode::PROTOCOL_VIOLATION);
  Handshake h2;
  h2.client_scid = ConnectionId{};
  TransportParameters tp2 = h2.server_params(false);
  tp2.initial_max_path_id = 2;
  expect_cid_error(validate_peer_cids(tp2, Role::server, h2.client_view(false)),
                   TransportErrorCode::PROTOCOL_VIOLATION);
  const Handshake ok;
  TransportParameters tp3 = ok.server_params(false);
  tp3.initial_max_path_id = 2;
  EXPECT_TRUE(validate_peer_cids(tp3, Role::server, ok.client_view(false)).ok());
}

}  // namespace
}  // namespace tquic::wire
