#include "crypto/key_update.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "crypto/aead_gnutls.h"
#include "crypto/aead_limits.h"
#include "crypto/aead_null.h"
#include "crypto/aead_openssl.h"
#include "crypto/packet_keys.h"
#include "unit/crypto/crypto_test_util.h"
#include "unit/crypto/rfc_vectors.h"

namespace tquic::crypto {
namespace {

using test::hex;
using test::to_hex;

constexpr CipherSuite kSuite = CipherSuite::aes_128_gcm_sha256;

std::vector<std::uint8_t> bytes32(std::uint8_t seed) {
  std::vector<std::uint8_t> v(32);
  for (std::size_t i = 0; i < v.size(); ++i) v[i] = static_cast<std::uint8_t>(seed + i);
  return v;
}

// Seals a small packet with `aead`, returns header-less ciphertext.
std::vector<std::uint8_t> seal(Aead& aead, std::uint64_t pn) {
  std::vector<std::uint8_t> buf(40, static_cast<std::uint8_t>(pn));
  const std::vector<std::uint8_t> ad{0x40, 0x01, static_cast<std::uint8_t>(pn)};
  EXPECT_TRUE(aead.seal(pn, ad, buf).ok());
  return buf;
}

OpenOutcome open(Aead& aead, std::uint64_t pn, std::vector<std::uint8_t> buf) {
  const std::vector<std::uint8_t> ad{0x40, 0x01, static_cast<std::uint8_t>(pn)};
  auto r = aead.open(pn, ad, buf);
  EXPECT_TRUE(r.ok());
  return r ? *r : OpenOutcome::authentication_failed;
}

// What a receiver does with a 1-RTT packet: pick keys by phase bit + pn,
// open, report success to the state machine.
Status receive(KeyPhaseState& rx, std::uint8_t bit, std::uint64_t pn,
               const std::vector<std::uint8_t>& packet, Timestamp now, OpenOutcome& outcome) {
  const RecvKeySlot slot = rx.select_recv_keys(bit, pn);
  outcome = open(rx.recv_aead(slot), pn, packet);
  if (outcome != OpenOutcome::ok) return ok_status();
  return rx.on_packet_opened(slot, pn, now);
}

// RFC 9001 A.5 lists "quic ku" of its secret; RFC 9369 A.5 "quicv2 ku".
TEST(KeyUpdate, NextSecretMatchesRfcAppendixA5) {
  Secret next;
  ASSERT_TRUE(derive_next_secret(CipherSuite::chacha20_poly1305_sha256, QuicVersion::v1,
                                 hex(rfc::kChachaSecret), next)
                  .ok());
  EXPECT_EQ(to_hex(next.span()), rfc::kV1Chacha.ku);
  ASSERT_TRUE(derive_next_secret(CipherSuite::chacha20_poly1305_sha256, QuicVersion::v2,
                                 hex(rfc::kChachaSecret), next)
                  .ok());
  EXPECT_EQ(to_hex(next.span()), rfc::kV2Chacha.ku);
  // SHA-384 suites use 48-byte secrets (reference value from Python hmac).
  std::vector<std::uint8_t> s48(48);
  for (std::size_t i = 0; i < s48.size(); ++i) s48[i] = static_cast<std::uint8_t>(i);
  ASSERT_TRUE(derive_next_secret(CipherSuite::aes_256_gcm_sha384, QuicVersion::v1, s48, next).ok());
  EXPECT_EQ(to_hex(next.span()),
            "d21f524277390ba96b86484d9c687f850f1e4d1f997033bba06051129179a762a94067d065f3f715e83d65"
            "a7bf8c79b9");
  ASSERT_TRUE(derive_next_secret(CipherSuite::aes_256_gcm_sha384, QuicVersion::v2, s48, next).ok());
  EXPECT_EQ(to_hex(next.span()),
            "5d745f2979be4db8e0cee23c76e261c7dd642f4181be807cef5b222c3d249eea8aef3941a4bb072775e4cf"
            "0bf1eae44c");
  EXPECT_FALSE(
      derive_next_secret(CipherSuite::aes_256_gcm_sha384, QuicVersion::v1, bytes32(0), next).ok());
}

// After an update the send key is the one derived from "quic ku"(secret),
// and the header protection key is not part of the update at all.
TEST(KeyUpdate, UpdatedSendKeyIsDerivedFromTheNextSecret) {
  const auto send_secret = bytes32(1);
  KeyPhaseState state;
  ASSERT_TRUE(state.install(kSuite, QuicVersion::v1, send_secret, bytes32(100)).ok());
  state.on_packet_sent(0);
  state.on_packet_acked(0);
  ASSERT_TRUE(state.initiate_update(timestamp_from_ns(5)).ok());

  Secret next;
  ASSERT_TRUE(derive_next_secret(kSuite, QuicVersion::v1, send_secret, next).ok());
  auto expected = make_packet_protection_keys(kSuite, QuicVersion::v1, next.span());
  auto original = make_packet_protection_keys(kSuite, QuicVersion::v1, send_secret);
  ASSERT_TRUE(expected.ok() && original.ok());
  EXPECT_EQ(to_hex(seal(state.send_aead(), 9)), to_hex(seal(*expected->aead, 9)));
  EXPECT_NE(to_hex(seal(state.send_aead(), 9)), to_hex(seal(*original->aead, 9)));
  EXPECT_EQ(state.key_phase(), 1u);
  EXPECT_EQ(state.key_phase_bit(), 1);
  EXPECT_EQ(state.last_update_time(), timestamp_from_ns(5));
}

class KeyPhaseFlowTest : public testing::Test {
 protected:
  void SetUp() override {
    // Different libraries on each side: keys must interoperate.
    ASSERT_TRUE(client_.install(kSuite, QuicVersion::v1, c2s_, s2c_, &make_openssl_aead).ok());
    ASSERT_TRUE(server_.install(kSuite, QuicVersion::v1, s2c_, c2s_, &make_gnutls_aead).ok());
  }
  std::vector<std::uint8_t> send(KeyPhaseState& tx, std::uint64_t pn) {
    tx.on_packet_sent(pn);
    return seal(tx.send_aead(), pn);
  }

  std::vector<std::uint8_t> c2s_ = bytes32(0x10);
  std::vector<std::uint8_t> s2c_ = bytes32(0x80);
  KeyPhaseState client_;
  KeyPhaseState server_;
  OpenOutcome outcome_ = OpenOutcome::authentication_failed;
};

TEST_F(KeyPhaseFlowTest, InitiateRespondAndHandleReordering) {
  // Phase 0 traffic both ways.
  const auto c0 = send(client_, 0);
  const auto c1 = send(client_, 1);
  ASSERT_TRUE(receive(server_, 0, 0, c0, timestamp_from_ns(1), outcome_).ok());
  EXPECT_EQ(outcome_, OpenOutcome::ok);
  const auto s0 = send(server_, 0);
  ASSERT_TRUE(receive(client_, 0, 0, s0, timestamp_from_ns(2), outcome_).ok());
  EXPECT_EQ(outcome_, OpenOutcome::ok);

  // §6.1: no update before a packet of the current phase is acknowledged.
  EXPECT_FALSE(client_.update_permitted());
  EXPECT_FALSE(client_.initiate_update(timestamp_from_ns(3)).ok());
  client_.on_packet_acked(0);
  ASSERT_TRUE(client_.update_permitted());
  ASSERT_TRUE(client_.initiate_update(timestamp_from_ns(10)).ok());
  EXPECT_EQ(client_.key_phase_bit(), 1);
  EXPECT_FALSE(client_.update_permitted());  // nothing sent in phase 1 yet

  // The server's delayed phase-0 packet still opens at the client (previous keys).
  const auto s1 = send(server_, 1);
  EXPECT_EQ(client_.select_recv_keys(0, 1), RecvKeySlot::previous);
  ASSERT_TRUE(receive(client_, 0, 1, s1, timestamp_from_ns(11), outcome_).ok());
  EXPECT_EQ(outcome_, OpenOutcome::ok);

  // Client's first phase-1 packet: the server detects the update by the bit.
  const auto c2 = send(client_, 2);
  EXPECT_EQ(server_.select_recv_keys(1, 2), RecvKeySlot::next);
  ASSERT_TRUE(receive(server_, 1, 2, c2, timestamp_from_ns(20), outcome_).ok());
  EXPECT_EQ(outcome_, OpenOutcome::ok);
  EXPECT_EQ(server_.key_phase(), 1u);  // send keys followed (§6.2)
  EXPECT_EQ(server_.last_update_time(), timestamp_from_ns(20));
  EXPECT_TRUE(server_.has_previous_keys());

  // Reordered phase-0 packet from the client (pn 1 < 2): previous keys.
  EXPECT_EQ(server_.select_recv_keys(0, 1), RecvKeySlot::previous);
  ASSERT_TRUE(receive(server_, 0, 1, c1, timestamp_from_ns(21), outcome_).ok());
  EXPECT_EQ(outcome_, OpenOutcome::ok);

  // Server replies with phase-1 keys; the client opens with its current keys.
  const auto s2 = send(server_, 2);
  EXPECT_EQ(client_.select_recv_keys(1, 2), RecvKeySlot::current);
  ASSERT_TRUE(receive(client_, 1, 2, s2, timestamp_from_ns(22), outcome_).ok());
  EXPECT_EQ(outcome_, OpenOutcome::ok);

  // After ~3 PTO (the transport's call) old keys go; a late phase-0 packet
  // is then tried with the next keys and simply fails authentication.
  server_.discard_previous_keys();
  EXPECT_FALSE(server_.has_previous_keys());
  EXPECT_EQ(server_.select_recv_keys(0, 1), RecvKeySlot::next);
  ASSERT_TRUE(receive(server_, 0, 1, c1, timestamp_from_ns(100), outcome_).ok());
  EXPECT_EQ(outcome_, OpenOutcome::authentication_failed);
  EXPECT_EQ(server_.key_phase(), 1u);  // a failed packet changes nothing
}

TEST_F(KeyPhaseFlowTest, SecondUpdateCanBeInitiatedByTheOtherSide) {
  const auto c0 = send(client_, 0);
  ASSERT_TRUE(receive(server_, 0, 0, c0, timestamp_from_ns(1), outcome_).ok());
  const auto s0 = send(server_, 0);
  ASSERT_TRUE(receive(client_, 0, 0, s0, timestamp_from_ns(1), outcome_).ok());
  client_.on_packet_acked(0);
  ASSERT_TRUE(client_.initiate_update(timestamp_from_ns(2)).ok());
  const auto c1 = send(client_, 1);
  ASSERT_TRUE(receive(server_, 1, 1, c1, timestamp_from_ns(3), outcome_).ok());
  ASSERT_EQ(server_.key_phase(), 1u);
  const auto s1 = send(server_, 1);
  ASSERT_TRUE(receive(client_, 1, 1, s1, timestamp_from_ns(4), outcome_).ok());
  // The server's phase-1 packet is acknowledged: it may update (phase 2, bit 0).
  server_.on_packet_acked(1);
  ASSERT_TRUE(server_.initiate_update(timestamp_from_ns(5)).ok());
  const auto s2 = send(server_, 2);
  EXPECT_EQ(client_.select_recv_keys(0, 2), RecvKeySlot::next);  // pn 2 > 1: not old
  ASSERT_TRUE(receive(client_, 0, 2, s2, timestamp_from_ns(6), outcome_).ok());
  EXPECT_EQ(outcome_, OpenOutcome::ok);
  EXPECT_EQ(client_.key_phase(), 2u);
  const auto c2 = send(client_, 2);
  ASSERT_TRUE(receive(server_, 0, 2, c2, timestamp_from_ns(7), outcome_).ok());
  EXPECT_EQ(outcome_, OpenOutcome::ok);
}

// §6.2: a peer that updates again before we sent anything with the keys of
// its last update may be treated as KEY_UPDATE_ERROR.
TEST_F(KeyPhaseFlowTest, ConsecutiveUpdateWithoutAcknowledgementIsKeyUpdateError) {
  client_.on_packet_sent(0);
  client_.on_packet_acked(0);
  ASSERT_TRUE(client_.initiate_update(timestamp_from_ns(1)).ok());
  const auto c1 = send(client_, 1);
  server_.on_packet_sent(0);  // the server had sent in phase 0
  ASSERT_TRUE(receive(server_, 1, 1, c1, timestamp_from_ns(2), outcome_).ok());
  ASSERT_EQ(server_.key_phase(), 1u);
  // A rogue client skips waiting for the server's acknowledgement.
  client_.on_packet_acked(1);
  ASSERT_TRUE(client_.initiate_update(timestamp_from_ns(3)).ok());
  const auto c2 = send(client_, 2);
  ASSERT_EQ(server_.select_recv_keys(0, 2), RecvKeySlot::next);
  auto st = receive(server_, 0, 2, c2, timestamp_from_ns(4), outcome_);
  ASSERT_FALSE(st.ok());
  EXPECT_TRUE(st.error().is_transport(TransportErrorCode::KEY_UPDATE_ERROR));
}

// Whole short-header packets through unprotect_one_rtt(): the Key Phase bit
// travels under header protection and drives the update on the receiver.
TEST(UnprotectOneRtt, KeyPhaseBitDrivesThePeerUpdate) {
  const auto c2s = bytes32(0x21);
  const auto s2c = bytes32(0x42);
  KeyPhaseState client;
  KeyPhaseState server;
  ASSERT_TRUE(client.install(kSuite, QuicVersion::v1, c2s, s2c).ok());
  ASSERT_TRUE(server.install(kSuite, QuicVersion::v1, s2c, c2s).ok());
  auto hp_material = derive_packet_key_material(kSuite, QuicVersion::v1, c2s);
  ASSERT_TRUE(hp_material.ok());
  auto client_hp = make_header_protector(kSuite, hp_material->hp_key.span());
  auto server_hp = make_header_protector(kSuite, hp_material->hp_key.span());
  ASSERT_TRUE(client_hp.ok() && server_hp.ok());
  constexpr std::size_t kPnOffset = 1 + 8;  // 8-byte DCID
  auto build = [&](std::uint64_t pn) {
    std::vector<std::uint8_t> p(kPnOffset + 2 + 30 + kAeadTagLength, 0x61);
    p[0] = static_cast<std::uint8_t>(0x41 | (client.key_phase_bit() << 2));
    client.on_packet_sent(pn);
    EXPECT_TRUE(protect(p, kPnOffset, 2, pn, 30, client.send_aead(), **client_hp).ok());
    return p;
  };
  std::uint64_t largest = kNoPacketNumber;
  auto deliver = [&](std::vector<std::uint8_t> p, std::int64_t t) {
    auto r = unprotect_one_rtt(p, kPnOffset, largest, server, **server_hp, timestamp_from_ns(t));
    EXPECT_TRUE(r.ok());
    if (r && r->outcome == UnprotectOutcome::ok &&
        (largest == kNoPacketNumber || r->packet_number > largest)) {
      largest = r->packet_number;
    }
    return r ? r->outcome : UnprotectOutcome::too_short;
  };
  const auto p0 = build(0);
  const auto p1 = build(1);
  EXPECT_EQ(deliver(p0, 1), UnprotectOutcome::ok);
  server.on_packet_sent(0);
  client.on_packet_acked(0);
  ASSERT_TRUE(client.initiate_update(timestamp_from_ns(2)).ok());
  const auto p2 = build(2);
  EXPECT_EQ(deliver(p2, 3), UnprotectOutcome::ok);
  EXPECT_EQ(server.key_phase(), 1u);
  EXPECT_EQ(deliver(p1, 4), UnprotectOutcome::ok);  // reordered, old phase
  auto forged = build(3);
  forged[20] ^= 1;
  EXPECT_EQ(deliver(forged, 5), UnprotectOutcome::authentication_failed);
  EXPECT_EQ(server.key_phase(), 1u);
  std::vector<std::uint8_t> runt(kPnOffset + 19, 0x40);
  EXPECT_EQ(deliver(runt, 6), UnprotectOutcome::too_short);
}

TEST(KeyPhaseState, ConfidentialityLimitCountsPacketsPerPhase) {
  KeyPhaseState state;
  ASSERT_TRUE(state.install(kSuite, QuicVersion::v1, bytes32(1), bytes32(2)).ok());
  const std::uint64_t limit = aead_confidentiality_limit(kSuite);
  for (std::uint64_t pn = 0; pn + 1 < limit; ++pn) state.on_packet_sent(pn);
  EXPECT_FALSE(state.confidentiality_limit_reached());
  state.on_packet_sent(limit);
  EXPECT_TRUE(state.confidentiality_limit_reached());
  EXPECT_EQ(state.packets_protected_in_phase(), limit);
  state.on_packet_acked(5);
  ASSERT_TRUE(state.initiate_update(timestamp_from_ns(1)).ok());
  EXPECT_FALSE(state.confidentiality_limit_reached());
  EXPECT_EQ(state.packets_protected_in_phase(), 0u);
}

TEST(KeyPhaseState, InstallValidatesSecretsAndWorksWithNullProtection) {
  KeyPhaseState state;
  EXPECT_FALSE(state.installed());
  EXPECT_FALSE(state.update_permitted());
  EXPECT_FALSE(
      state.install(kSuite, QuicVersion::v1, bytes32(1), std::vector<std::uint8_t>(31)).ok());
  EXPECT_FALSE(state.installed());
  NullProtection null = make_null_protection_for_testing();
  ASSERT_TRUE(
      state.install(kSuite, QuicVersion::v2, bytes32(1), bytes32(1), null.aead_factory).ok());
  EXPECT_EQ(state.send_aead().backend(), CryptoBackend::null_for_testing);
  // Same secret both ways: what we send opens with our current receive key,
  // but not with the next one (keys differ per phase even for the null AEAD).
  const auto p = seal(state.send_aead(), 3);
  EXPECT_EQ(open(state.recv_aead(RecvKeySlot::current), 3, p), OpenOutcome::ok);
  EXPECT_EQ(open(state.recv_aead(RecvKeySlot::next), 3, p), OpenOutcome::authentication_failed);
}

TEST(IntegrityLimit, ClosesOnceTheLimitIsExceeded) {
  IntegrityLimitCounter counter;
  for (int i = 0; i < 3; ++i) EXPECT_TRUE(counter.on_authentication_failure(std::uint64_t{3}).ok());
  auto st = counter.on_authentication_failure(std::uint64_t{3});
  ASSERT_FALSE(st.ok());
  EXPECT_TRUE(st.error().is_transport(TransportErrorCode::AEAD_LIMIT_REACHED));
  EXPECT_EQ(counter.failures(), 4u);
  IntegrityLimitCounter per_suite;
  EXPECT_TRUE(per_suite.on_authentication_failure(CipherSuite::chacha20_poly1305_sha256).ok());
  EXPECT_EQ(per_suite.failures(), 1u);
}

}  // namespace
}  // namespace tquic::crypto
