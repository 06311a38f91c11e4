#include "crypto/initial_secrets.h"

#include <gtest/gtest.h>

#include "unit/crypto/crypto_test_util.h"
#include "unit/crypto/rfc_vectors.h"

namespace tquic::crypto {
namespace {

using test::hex;
using test::to_hex;

void expect_keys(QuicVersion version, const rfc::InitialVectors& v) {
  const auto dcid = hex(rfc::kClientDcid);
  auto s = derive_initial_secrets(version, dcid);
  ASSERT_TRUE(s.ok());
  EXPECT_EQ(to_hex(s->initial.span()), v.initial_secret);
  EXPECT_EQ(to_hex(s->client.span()), v.client.secret);
  EXPECT_EQ(to_hex(s->server.span()), v.server.secret);
  for (const auto& [secret, keys] :
       {std::pair{s->client.span(), v.client}, std::pair{s->server.span(), v.server}}) {
    auto m = derive_packet_key_material(kInitialCipherSuite, version, secret);
    ASSERT_TRUE(m.ok());
    EXPECT_EQ(to_hex(m->key.span()), keys.key);
    EXPECT_EQ(to_hex(m->iv.span()), keys.iv);
    EXPECT_EQ(to_hex(m->hp_key.span()), keys.hp);
  }
}

TEST(InitialSecrets, Rfc9001AppendixA1) { expect_keys(QuicVersion::v1, rfc::kV1Initial); }

TEST(InitialSecrets, Rfc9369AppendixA1) { expect_keys(QuicVersion::v2, rfc::kV2Initial); }

TEST(InitialSecrets, VersionsDeriveDifferentKeys) {
  const auto dcid = hex(rfc::kClientDcid);
  auto v1 = derive_initial_secrets(QuicVersion::v1, dcid);
  auto v2 = derive_initial_secrets(QuicVersion::v2, dcid);
  ASSERT_TRUE(v1.ok() && v2.ok());
  EXPECT_NE(to_hex(v1->client.span()), to_hex(v2->client.span()));
}

TEST(InitialSecrets, DcidLengthBounds) {
  // After a Retry with an empty SCID the DCID may be empty; 20 is the maximum.
  EXPECT_TRUE(derive_initial_secrets(QuicVersion::v1, ByteSpan()).ok());
  const std::vector<std::uint8_t> max_cid(20, 7);
  EXPECT_TRUE(derive_initial_secrets(QuicVersion::v1, max_cid).ok());
  const std::vector<std::uint8_t> too_long(21, 7);
  EXPECT_FALSE(derive_initial_secrets(QuicVersion::v1, too_long).ok());
}

TEST(InitialSecrets, MakeInitialKeysBuildsBothDirectionsWithEachBackend) {
  const auto dcid = hex(rfc::kClientDcid);
  for (CryptoBackend b : test::kRealBackends) {
    auto keys = make_initial_keys(QuicVersion::v1, dcid, BackendChoice{b, b});
    ASSERT_TRUE(keys.ok());
    EXPECT_EQ(keys->client.aead->backend(), b);
    EXPECT_EQ(keys->server.header_protector->backend(), b);
    EXPECT_EQ(keys->client.aead->suite(), CipherSuite::aes_128_gcm_sha256);
  }
  auto defaults = make_initial_keys(QuicVersion::v2, dcid);
  ASSERT_TRUE(defaults.ok());
  EXPECT_NE(defaults->client.aead->backend(), CryptoBackend::null_for_testing);
}

TEST(QuicVersion, WireMapping) {
  QuicVersion v{};
  EXPECT_TRUE(quic_version_from_wire(0x00000001, v));
  EXPECT_EQ(v, QuicVersion::v1);
  EXPECT_TRUE(quic_version_from_wire(0x6b3343cf, v));
  EXPECT_EQ(v, QuicVersion::v2);
  EXPECT_FALSE(quic_version_from_wire(0xff00001d, v));  // a draft version
  EXPECT_FALSE(quic_version_from_wire(0, v));           // version negotiation
}

}  // namespace
}  // namespace tquic::crypto
