// HOTPATH.md rule 1: protecting and unprotecting packets never allocates.
// This test binary interposes malloc & co. (glibc's __libc_* entry points do
// the real work) and counts calls while packets are sealed, opened, forged,
// masked, Retry-tagged and reset-tokened. Under AddressSanitizer, which owns
// malloc itself, the interposer is left out and the test is skipped.
#include <gtest/gtest.h>

#include <vector>

#include "crypto/backend_selection.h"
#include "crypto/packet_keys.h"
#include "crypto/packet_protection.h"
#include "crypto/retry_integrity.h"
#include "crypto/stateless_reset.h"
#include "support/malloc_counter.h"
#include "unit/crypto/crypto_test_util.h"

namespace tquic::crypto {
namespace {

using tquic::test_support::AllocationCounter;

struct Case {
  CipherSuite suite;
  CryptoBackend backend;
};

class NoAllocationTest : public testing::TestWithParam<Case> {};

TEST_P(NoAllocationTest, ProtectUnprotectForgeAndMaskNeverAllocate) {
  if (!tquic::test_support::malloc_hook_active()) GTEST_SKIP() << "malloc is owned by a sanitizer in this build";
  const Case c = GetParam();
  const std::vector<std::uint8_t> secret(hash_length(cipher_suite_traits(c.suite).hash), 0x33);
  auto keys = make_packet_protection_keys(c.suite, QuicVersion::v1, secret,
                                          BackendChoice{c.backend, c.backend});
  ASSERT_TRUE(keys.ok());
  Aead& aead = *keys->aead;
  HeaderProtector& hp = *keys->header_protector;
  std::vector<std::uint8_t> packet(1350, 0x5c);
  constexpr std::size_t kPnOffset = 9;
  constexpr std::size_t kPayload = 1350 - kPnOffset - 4 - 16;
  auto round = [&](std::uint64_t pn) {
    packet[0] = 0x43;  // short header, 4-byte packet number
    auto n = protect(packet, kPnOffset, 4, pn, kPayload, aead, hp);
    auto r = unprotect(packet, kPnOffset, pn - 1, aead, hp);
    packet[100] ^= 1;  // and a forgery
    packet[0] = 0x43;
    auto n2 = protect(packet, kPnOffset, 4, pn, kPayload, aead, hp);
    packet[200] ^= 1;
    auto forged = unprotect(packet, kPnOffset, pn - 1, aead, hp);
    return n.ok() && n2.ok() && r.ok() && r->outcome == UnprotectOutcome::ok && forged.ok() &&
           forged->outcome == UnprotectOutcome::authentication_failed;
  };
  ASSERT_TRUE(round(1));  // warm-up: libraries may set up lazily on first use
  AllocationCounter counter;
  bool all_ok = true;
  for (std::uint64_t pn = 2; pn < 200; ++pn) all_ok = round(pn) && all_ok;
  const std::size_t allocations = counter.count();
  EXPECT_TRUE(all_ok);
  EXPECT_EQ(allocations, 0u) << cipher_suite_traits(c.suite).name << " / "
                             << crypto_backend_name(c.backend);
}

INSTANTIATE_TEST_SUITE_P(
    AllSuitesAndBackends, NoAllocationTest,
    testing::Values(Case{CipherSuite::aes_128_gcm_sha256, CryptoBackend::openssl},
                    Case{CipherSuite::aes_128_gcm_sha256, CryptoBackend::gnutls},
                    Case{CipherSuite::aes_256_gcm_sha384, CryptoBackend::openssl},
                    Case{CipherSuite::aes_256_gcm_sha384, CryptoBackend::gnutls},
                    Case{CipherSuite::chacha20_poly1305_sha256, CryptoBackend::openssl},
                    Case{CipherSuite::chacha20_poly1305_sha256, CryptoBackend::gnutls}),
    [](const testing::TestParamInfo<Case>& p) {
      return std::string(cipher_suite_traits(p.param.suite).name).substr(4) + "_" +
             crypto_backend_name(p.param.backend);
    });

TEST(NoAllocation, RetryTagAndStatelessResetTokenReuseTheirContexts) {
  if (!tquic::test_support::malloc_hook_active()) GTEST_SKIP() << "malloc is owned by a sanitizer in this build";
  for (CryptoBackend backend : test::kRealBackends) {
    auto retry = RetryIntegrity::create(QuicVersion::v1, backend);
    ASSERT_TRUE(retry.ok());
    const std::vector<std::uint8_t> pseudo(60, 0x17);
    ASSERT_TRUE(retry->compute_tag(pseudo).ok());
    AllocationCounter counter;
    for (int i = 0; i < 50; ++i) {
      auto tag = retry->compute_tag(pseudo);
      EXPECT_TRUE(tag.ok() && *retry->verify_tag(pseudo, *tag));
    }
    EXPECT_EQ(counter.count(), 0u) << crypto_backend_name(backend);
  }
  auto gen = StatelessResetTokenGenerator::create(std::vector<std::uint8_t>(32, 9));
  ASSERT_TRUE(gen.ok());
  wire::ConnectionId cid;
  ASSERT_TRUE(wire::ConnectionId::from_bytes(std::vector<std::uint8_t>(8, 1), cid));
  ASSERT_TRUE(gen->token_for(cid).ok());
  AllocationCounter counter;
  for (int i = 0; i < 50; ++i) EXPECT_TRUE(gen->token_for(cid).ok());
  EXPECT_EQ(counter.count(), 0u);
}

}  // namespace
}  // namespace tquic::crypto
