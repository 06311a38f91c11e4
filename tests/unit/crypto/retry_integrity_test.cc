#include "crypto/retry_integrity.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "unit/crypto/crypto_test_util.h"
#include "unit/crypto/rfc_vectors.h"

namespace tquic::crypto {
namespace {

using test::hex;
using test::to_hex;

struct RetryCase {
  QuicVersion version;
  CryptoBackend backend;
};

class RetryIntegrityTest : public testing::TestWithParam<RetryCase> {
 protected:
  void SetUp() override {
    const auto retry = hex(GetParam().version == QuicVersion::v1 ? rfc::kV1Retry : rfc::kV2Retry);
    ASSERT_EQ(retry.size(), 36u);
    without_tag_.assign(retry.begin(), retry.end() - 16);
    tag_.assign(retry.end() - 16, retry.end());
    ASSERT_TRUE(wire::ConnectionId::from_bytes(hex(rfc::kClientDcid), odcid_));
    // Pseudo-packet built from raw bytes: ODCID length, ODCID, Retry without tag.
    pseudo_.push_back(static_cast<std::uint8_t>(odcid_.size()));
    pseudo_.insert(pseudo_.end(), odcid_.data(), odcid_.data() + odcid_.size());
    pseudo_.insert(pseudo_.end(), without_tag_.begin(), without_tag_.end());
    auto ri = RetryIntegrity::create(GetParam().version, GetParam().backend);
    ASSERT_TRUE(ri.ok());
    retry_.emplace_back(std::move(*ri));
  }
  RetryIntegrity& integrity() { return retry_.front(); }

  std::vector<std::uint8_t> without_tag_;
  std::vector<std::uint8_t> tag_;
  std::vector<std::uint8_t> pseudo_;
  wire::ConnectionId odcid_;
  std::vector<RetryIntegrity> retry_;
};

TEST_P(RetryIntegrityTest, TagMatchesRfcAppendixA4) {
  auto tag = integrity().compute_tag(pseudo_);
  ASSERT_TRUE(tag.ok());
  EXPECT_EQ(to_hex(*tag), to_hex(tag_));
  auto ok = integrity().verify_tag(pseudo_, tag_);
  ASSERT_TRUE(ok.ok());
  EXPECT_TRUE(*ok);
  // Reusable: the same context computes the same tag again.
  auto again = integrity().compute_tag(pseudo_);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(*again, *tag);
}

TEST_P(RetryIntegrityTest, PseudoPacketBuilderMatchesRawBytes) {
  std::vector<std::uint8_t> out(128);
  auto n = build_retry_pseudo_packet(odcid_, without_tag_, out);
  ASSERT_TRUE(n.ok());
  out.resize(*n);
  EXPECT_EQ(out, pseudo_);
  std::vector<std::uint8_t> small(pseudo_.size() - 1);
  EXPECT_FALSE(build_retry_pseudo_packet(odcid_, without_tag_, small).ok());
}

TEST_P(RetryIntegrityTest, WrongOdcidTokenOrTagIsRejected) {
  auto wrong_odcid = pseudo_;
  wrong_odcid[1] ^= 0x01;
  EXPECT_FALSE(*integrity().verify_tag(wrong_odcid, tag_));
  auto wrong_token = pseudo_;
  wrong_token.back() ^= 0x20;
  EXPECT_FALSE(*integrity().verify_tag(wrong_token, tag_));
  auto wrong_tag = tag_;
  wrong_tag[15] ^= 0x01;
  EXPECT_FALSE(*integrity().verify_tag(pseudo_, wrong_tag));
  const std::vector<std::uint8_t> short_tag(tag_.begin(), tag_.end() - 1);
  EXPECT_FALSE(*integrity().verify_tag(pseudo_, short_tag));
  EXPECT_TRUE(*integrity().verify_tag(pseudo_, tag_));
}

INSTANTIATE_TEST_SUITE_P(RfcAppendixA4, RetryIntegrityTest,
                         testing::Values(RetryCase{QuicVersion::v1, CryptoBackend::openssl},
                                         RetryCase{QuicVersion::v1, CryptoBackend::gnutls},
                                         RetryCase{QuicVersion::v2, CryptoBackend::openssl},
                                         RetryCase{QuicVersion::v2, CryptoBackend::gnutls}),
                         [](const testing::TestParamInfo<RetryCase>& p) {
                           return std::string(p.param.version == QuicVersion::v1 ? "v1_" : "v2_") +
                                  crypto_backend_name(p.param.backend);
                         });

TEST(RetryIntegrity, VersionsUseDifferentKeys) {
  auto v1 = RetryIntegrity::create(QuicVersion::v1);
  auto v2 = RetryIntegrity::create(QuicVersion::v2);
  ASSERT_TRUE(v1.ok() && v2.ok());
  const std::vector<std::uint8_t> pseudo =
      hex("08"
          "8394c8f03e515708"
          "ff00000001");
  EXPECT_NE(*v1->compute_tag(pseudo), *v2->compute_tag(pseudo));
}

}  // namespace
}  // namespace tquic::crypto
