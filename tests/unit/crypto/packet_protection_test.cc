#include "crypto/packet_protection.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "crypto/initial_secrets.h"
#include "crypto/key_update.h"
#include "crypto/packet_keys.h"
#include "unit/crypto/crypto_test_util.h"
#include "unit/crypto/rfc_vectors.h"

namespace tquic::crypto {
namespace {

using test::hex;
using test::to_hex;

struct InitialCase {
  QuicVersion version;
  bool client;  // client Initial (A.2) or server Initial (A.3)
  CryptoBackend backend;
};

std::string case_name(const testing::TestParamInfo<InitialCase>& p) {
  return std::string(p.param.version == QuicVersion::v1 ? "v1_" : "v2_") +
         (p.param.client ? "client_" : "server_") + crypto_backend_name(p.param.backend);
}

class InitialPacketTest : public testing::TestWithParam<InitialCase> {
 protected:
  void SetUp() override {
    const InitialCase& c = GetParam();
    const bool v1 = c.version == QuicVersion::v1;
    auto keys =
        make_initial_keys(c.version, hex(rfc::kClientDcid), BackendChoice{c.backend, c.backend});
    ASSERT_TRUE(keys.ok());
    keys_ = std::move(c.client ? keys->client : keys->server);
    if (c.client) {
      header_ = hex(v1 ? rfc::kV1ClientHeader : rfc::kV2ClientHeader);
      payload_ = hex(v1 ? rfc::kV1ClientCryptoFrame : rfc::kV2ClientCryptoFrame);
      payload_.resize(rfc::kClientPayloadLength, 0x00);  // PADDING frames
      sample_ = v1 ? rfc::kV1ClientSample : rfc::kV2ClientSample;
      mask_ = v1 ? rfc::kV1ClientMask : rfc::kV2ClientMask;
      expected_ = v1 ? rfc::kV1ClientInitialProtected : rfc::kV2ClientInitialProtected;
      pn_ = rfc::kClientPacketNumber;
      pn_length_ = 4;
    } else {
      header_ = hex(v1 ? rfc::kV1ServerHeader : rfc::kV2ServerHeader);
      payload_ = hex(v1 ? rfc::kV1ServerPayload : rfc::kV2ServerPayload);
      sample_ = v1 ? rfc::kV1ServerSample : rfc::kV2ServerSample;
      mask_ = v1 ? rfc::kV1ServerMask : rfc::kV2ServerMask;
      expected_ = v1 ? rfc::kV1ServerInitialProtected : rfc::kV2ServerInitialProtected;
      pn_ = rfc::kServerPacketNumber;
      pn_length_ = 2;
    }
    pn_offset_ = header_.size() - pn_length_;
  }

  std::vector<std::uint8_t> plaintext_packet() const {
    std::vector<std::uint8_t> p = header_;
    p.insert(p.end(), payload_.begin(), payload_.end());
    p.resize(p.size() + kAeadTagLength);
    return p;
  }

  PacketProtectionKeys keys_;
  std::vector<std::uint8_t> header_;
  std::vector<std::uint8_t> payload_;
  const char* sample_ = "";
  const char* mask_ = "";
  const char* expected_ = "";
  std::uint64_t pn_ = 0;
  std::size_t pn_length_ = 0;
  std::size_t pn_offset_ = 0;
};

TEST_P(InitialPacketTest, ProtectReproducesTheRfcPacketByteForByte) {
  auto packet = plaintext_packet();
  auto n = protect(packet, pn_offset_, pn_length_, pn_, payload_.size(), *keys_.aead,
                   *keys_.header_protector);
  ASSERT_TRUE(n.ok()) << n.error().reason;
  EXPECT_EQ(*n, packet.size());
  EXPECT_EQ(to_hex(packet), to_hex(hex(expected_)));
  // The intermediate values of the appendix: sample and mask.
  EXPECT_EQ(to_hex(ByteSpan(packet).subspan(pn_offset_ + 4, 16)), sample_);
  HeaderProtectionMask mask{};
  ASSERT_TRUE(keys_.header_protector->make_mask(hex(sample_), mask).ok());
  EXPECT_EQ(to_hex(mask), mask_);
}

TEST_P(InitialPacketTest, UnprotectRecoversHeaderPacketNumberAndPayload) {
  auto packet = hex(expected_);
  auto r = unprotect(packet, pn_offset_, kNoPacketNumber, *keys_.aead, *keys_.header_protector);
  ASSERT_TRUE(r.ok());
  ASSERT_EQ(r->outcome, UnprotectOutcome::ok);
  EXPECT_EQ(r->packet_number, pn_);
  EXPECT_EQ(r->pn_length, pn_length_);
  EXPECT_EQ(r->header_length, header_.size());
  EXPECT_EQ(r->first_byte, header_[0]);
  EXPECT_EQ(to_hex(ByteSpan(packet).first(header_.size())), to_hex(header_));
  EXPECT_EQ(to_hex(r->payload), to_hex(payload_));
  // The payload is a view into the packet buffer: decrypted in place.
  EXPECT_EQ(r->payload.data(), packet.data() + header_.size());
}

TEST_P(InitialPacketTest, TamperedPacketsAreDroppedNotErrors) {
  const auto good = hex(expected_);
  // Header byte (DCID, in the associated data), a ciphertext byte, a tag byte,
  // the protected first byte and a protected packet number byte.
  for (std::size_t pos :
       {std::size_t{6}, header_.size() + 3, good.size() - 1, std::size_t{0}, pn_offset_}) {
    for (std::uint8_t bit : {0x01, 0x80}) {
      auto packet = good;
      packet[pos] ^= bit;
      auto r = unprotect(packet, pn_offset_, kNoPacketNumber, *keys_.aead, *keys_.header_protector);
      ASSERT_TRUE(r.ok()) << "pos " << pos;
      EXPECT_EQ(r->outcome, UnprotectOutcome::authentication_failed) << "pos " << pos;
      EXPECT_TRUE(r->payload.empty());
    }
  }
}

TEST_P(InitialPacketTest, RuntsTooShortForASampleAreDropped) {
  auto packet = hex(expected_);
  const std::size_t min_size = pn_offset_ + 4 + 16;
  auto runt =
      std::vector<std::uint8_t>(packet.begin(), packet.begin() + static_cast<long>(min_size - 1));
  const auto before = runt;
  auto r = unprotect(runt, pn_offset_, kNoPacketNumber, *keys_.aead, *keys_.header_protector);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->outcome, UnprotectOutcome::too_short);
  EXPECT_EQ(runt, before);  // untouched
  // Exactly long enough for a sample: processed (and fails authentication).
  auto just =
      std::vector<std::uint8_t>(packet.begin(), packet.begin() + static_cast<long>(min_size));
  auto r2 = unprotect(just, pn_offset_, kNoPacketNumber, *keys_.aead, *keys_.header_protector);
  ASSERT_TRUE(r2.ok());
  EXPECT_EQ(r2->outcome, UnprotectOutcome::authentication_failed);
  // pn_offset beyond the packet.
  auto r3 = unprotect(packet, packet.size(), kNoPacketNumber, *keys_.aead, *keys_.header_protector);
  ASSERT_TRUE(r3.ok());
  EXPECT_EQ(r3->outcome, UnprotectOutcome::too_short);
}

INSTANTIATE_TEST_SUITE_P(
    RfcAppendixA, InitialPacketTest,
    testing::Values(InitialCase{QuicVersion::v1, true, CryptoBackend::openssl},
                    InitialCase{QuicVersion::v1, true, CryptoBackend::gnutls},
                    InitialCase{QuicVersion::v1, false, CryptoBackend::openssl},
                    InitialCase{QuicVersion::v1, false, CryptoBackend::gnutls},
                    InitialCase{QuicVersion::v2, true, CryptoBackend::openssl},
                    InitialCase{QuicVersion::v2, true, CryptoBackend::gnutls},
                    InitialCase{QuicVersion::v2, false, CryptoBackend::openssl},
                    InitialCase{QuicVersion::v2, false, CryptoBackend::gnutls}),
    case_name);

// RFC 9001 A.5 / RFC 9369 A.5: ChaCha20-Poly1305 short header packet.
struct ChachaCase {
  QuicVersion version;
  CryptoBackend backend;
};

class ChachaShortHeaderTest : public testing::TestWithParam<ChachaCase> {
 protected:
  const rfc::ChachaVectors& v() const {
    return GetParam().version == QuicVersion::v1 ? rfc::kV1Chacha : rfc::kV2Chacha;
  }
};

TEST_P(ChachaShortHeaderTest, KeysNonceMaskAndPacket) {
  const ChachaCase c = GetParam();
  constexpr CipherSuite kSuite = CipherSuite::chacha20_poly1305_sha256;
  const auto secret = hex(rfc::kChachaSecret);
  auto m = derive_packet_key_material(kSuite, c.version, secret);
  ASSERT_TRUE(m.ok());
  EXPECT_EQ(to_hex(m->key.span()), v().key);
  EXPECT_EQ(to_hex(m->iv.span()), v().iv);
  EXPECT_EQ(to_hex(m->hp_key.span()), v().hp);
  Secret ku;
  ASSERT_TRUE(derive_next_secret(kSuite, c.version, secret, ku).ok());
  EXPECT_EQ(to_hex(ku.span()), v().ku);

  auto keys =
      make_packet_protection_keys(kSuite, c.version, secret, BackendChoice{c.backend, c.backend});
  ASSERT_TRUE(keys.ok());
  EXPECT_EQ(to_hex(keys->aead->nonce_for(rfc::kChachaPacketNumber)), v().nonce);
  HeaderProtectionMask mask{};
  ASSERT_TRUE(keys->header_protector->make_mask(hex(v().sample), mask).ok());
  EXPECT_EQ(to_hex(mask), v().mask);

  auto packet = hex(rfc::kChachaHeader);
  packet.push_back(0x01);  // PING
  packet.resize(packet.size() + kAeadTagLength);
  auto n = protect(packet, 1, 3, rfc::kChachaPacketNumber, 1, *keys->aead, *keys->header_protector);
  ASSERT_TRUE(n.ok()) << n.error().reason;
  EXPECT_EQ(*n, 21u);  // the smallest possible packet
  EXPECT_EQ(to_hex(packet), v().packet);
  EXPECT_EQ(to_hex(ByteSpan(packet).subspan(4)), v().ciphertext);

  auto r = unprotect(packet, 1, rfc::kChachaPacketNumber - 1, *keys->aead, *keys->header_protector);
  ASSERT_TRUE(r.ok());
  ASSERT_EQ(r->outcome, UnprotectOutcome::ok);
  EXPECT_EQ(r->packet_number, rfc::kChachaPacketNumber);
  EXPECT_EQ(r->pn_length, 3u);
  EXPECT_EQ(to_hex(ByteSpan(packet).first(4)), rfc::kChachaHeader);
  EXPECT_EQ(to_hex(r->payload), rfc::kChachaPlaintext);
}

INSTANTIATE_TEST_SUITE_P(RfcAppendixA5, ChachaShortHeaderTest,
                         testing::Values(ChachaCase{QuicVersion::v1, CryptoBackend::openssl},
                                         ChachaCase{QuicVersion::v1, CryptoBackend::gnutls},
                                         ChachaCase{QuicVersion::v2, CryptoBackend::openssl},
                                         ChachaCase{QuicVersion::v2, CryptoBackend::gnutls}),
                         [](const testing::TestParamInfo<ChachaCase>& p) {
                           return std::string(p.param.version == QuicVersion::v1 ? "v1_" : "v2_") +
                                  crypto_backend_name(p.param.backend);
                         });

// RFC 9000 Appendix A.3 example and the edges of the window.
TEST(DecodePacketNumber, RfcExampleAndWindowEdges) {
  EXPECT_EQ(decode_packet_number(0xa82f30ea, 0x9b32, 2), 0xa82f9b32u);
  EXPECT_EQ(decode_packet_number(kNoPacketNumber, 0, 1), 0u);
  EXPECT_EQ(decode_packet_number(kNoPacketNumber, 0xff, 1), 0xffu);
  EXPECT_EQ(decode_packet_number(0xff, 0x00, 1), 0x100u);  // wraps up
  EXPECT_EQ(decode_packet_number(0x100, 0xff, 1), 0xffu);  // reordered, goes down
  EXPECT_EQ(decode_packet_number(0x17f, 0x00, 1),
            0x200u);  // expected 0x180: 0x100 is exactly hwin away
  EXPECT_EQ(decode_packet_number(0x17e, 0x00, 1), 0x100u);
  EXPECT_EQ(decode_packet_number(0x1234567, 0x234568, 3), 0x1234568u);
  EXPECT_EQ(decode_packet_number(0x80000000, 0x7fffffff, 4), 0x7fffffffu);
  // Never decodes beyond 2^62 - 1.
  const std::uint64_t max = kMaxPacketNumber;
  EXPECT_EQ(decode_packet_number(max - 1, static_cast<std::uint32_t>(max & 0xff), 1), max);
  EXPECT_EQ(decode_packet_number(max - 1, 0x00, 1), (max & ~std::uint64_t{0xff}));
}

class ProtectArgumentsTest : public testing::Test {
 protected:
  void SetUp() override {
    auto keys = make_initial_keys(QuicVersion::v1, hex(rfc::kClientDcid));
    ASSERT_TRUE(keys.ok());
    keys_ = std::move(keys->client);
  }
  Result<std::size_t> run(std::vector<std::uint8_t>& p, std::size_t pn_offset, std::size_t pn_len,
                          std::size_t payload_len) {
    return protect(p, pn_offset, pn_len, 7, payload_len, *keys_.aead, *keys_.header_protector);
  }
  PacketProtectionKeys keys_;
};

TEST_F(ProtectArgumentsTest, RejectsInconsistentOrTooSmallInput) {
  std::vector<std::uint8_t> p(64, 0);
  p[0] = 0x41;  // short header, 2-byte packet number
  EXPECT_FALSE(run(p, 5, 0, 20).ok());
  EXPECT_FALSE(run(p, 5, 5, 20).ok());
  EXPECT_FALSE(run(p, 5, 1, 20).ok());  // first byte says 2
  EXPECT_FALSE(run(p, 0, 2, 20).ok());  // packet number cannot start at 0
  EXPECT_FALSE(run(p, 5, 2, 64).ok());  // no room for payload + tag
  EXPECT_FALSE(run(p, 5, 2, 1).ok());   // 2 + 1 + 16 < 20: no sample
  EXPECT_FALSE(run(p, 65, 2, 0).ok());  // offset beyond the buffer
  EXPECT_TRUE(run(p, 5, 2, 2).ok());    // 2 + 2 + 16 == 20: just enough
  std::vector<std::uint8_t> exact(5 + 2 + 41 + 16, 0);
  exact[0] = 0x41;
  auto n = run(exact, 5, 2, 41);
  ASSERT_TRUE(n.ok());
  EXPECT_EQ(*n, exact.size());
}

TEST_F(ProtectArgumentsTest, RoundTripsEveryPacketNumberLength) {
  for (std::size_t pn_len = 1; pn_len <= 4; ++pn_len) {
    const std::uint64_t pn = 0x12345678ULL + pn_len;
    std::vector<std::uint8_t> p(1 + 8 + pn_len + 30 + 16, 0xaa);
    p[0] = static_cast<std::uint8_t>(0x40 | (pn_len - 1));
    auto n = protect(p, 9, pn_len, pn, 30, *keys_.aead, *keys_.header_protector);
    ASSERT_TRUE(n.ok());
    auto r = unprotect(p, 9, pn - 1, *keys_.aead, *keys_.header_protector);
    ASSERT_TRUE(r.ok());
    ASSERT_EQ(r->outcome, UnprotectOutcome::ok) << pn_len;
    EXPECT_EQ(r->packet_number, pn);
    EXPECT_EQ(r->pn_length, pn_len);
    EXPECT_EQ(r->payload.size(), 30u);
    for (std::uint8_t b : r->payload) EXPECT_EQ(b, 0xaa);
  }
}

}  // namespace
}  // namespace tquic::crypto
