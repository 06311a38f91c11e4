#include "wire/version_selection.h"

#include <gtest/gtest.h>

#include <initializer_list>
#include <vector>

namespace tquic::wire {
namespace {

constexpr std::uint32_t kV1 = kQuicVersion1;
constexpr std::uint32_t kV2 = kQuicVersion2;
constexpr std::uint32_t kGrease = 0x1a2a3a4a;

VersionInformation vi(std::uint32_t chosen, std::initializer_list<std::uint32_t> available) {
  VersionInformation v;
  v.chosen_version = chosen;
  for (std::uint32_t a : available) EXPECT_TRUE(v.add_available_version(a));
  return v;
}

std::vector<std::uint8_t> vn_list(std::initializer_list<std::uint32_t> versions) {
  std::vector<std::uint8_t> b;
  for (std::uint32_t v : versions)
    for (int shift = 24; shift >= 0; shift -= 8) b.push_back(static_cast<std::uint8_t>(v >> shift));
  return b;
}

void expect_negotiation_error(const Status& st) {
  ASSERT_FALSE(st.ok());
  EXPECT_TRUE(st.error().is_transport(TransportErrorCode::VERSION_NEGOTIATION_ERROR)) << st.error().reason;
}

TEST(VersionSelection, OneAndTwoAreCompatibleBothWaysUnknownVersionsAreNot) {
  EXPECT_TRUE(is_compatible_version(kV1, kV2));
  EXPECT_TRUE(is_compatible_version(kV2, kV1));
  EXPECT_TRUE(is_compatible_version(kV1, kV1));
  EXPECT_FALSE(is_compatible_version(kV1, kGrease));
  EXPECT_FALSE(is_compatible_version(0xff00001d, kV1));
}

TEST(VersionSelection, ClientListsCompatibleVersionsInPreferenceOrderWithTheChosenOne) {
  const std::uint32_t pref[] = {kV2, kGrease, kV1, kV2};
  const VersionInformation v = client_version_information(kV1, pref);
  EXPECT_EQ(v.chosen_version, kV1);
  ASSERT_EQ(v.available_versions().size(), 2u);  // no reserved version, no duplicate
  EXPECT_EQ(v.available_versions()[0], kV2);
  EXPECT_EQ(v.available_versions()[1], kV1);
  // The chosen version is always listed (RFC 9368 §3), even if not preferred.
  const std::uint32_t only_v2[] = {kV2};
  const VersionInformation w = client_version_information(kV1, only_v2);
  ASSERT_EQ(w.available_versions().size(), 2u);
  EXPECT_EQ(w.available_versions()[1], kV1);
}

TEST(VersionSelection, ServerTakesItsOwnPreferenceAmongTheClientsCompatibleVersions) {
  const std::uint32_t prefers_v2[] = {kV2, kV1};
  const std::uint32_t prefers_v1[] = {kV1, kV2};
  const std::uint32_t v1_only[] = {kV1};
  EXPECT_EQ(negotiate_compatible_version(prefers_v2, vi(kV1, {kV1, kV2})), kV2);
  EXPECT_EQ(negotiate_compatible_version(prefers_v1, vi(kV1, {kV2, kV1})), kV1);
  EXPECT_EQ(negotiate_compatible_version(v1_only, vi(kV1, {kV2, kV1})), kV1);
  EXPECT_EQ(negotiate_compatible_version(prefers_v2, vi(kV1, {kV1})), kV1) << "client disabled compatible VN";
}

TEST(VersionSelection, ClientPicksItsMostPreferredOfferedVersion) {
  const auto offered = vn_list({kGrease, kV1, kV2});
  const std::uint32_t pref[] = {kV2, kV1};
  EXPECT_EQ(select_offered_version(pref, VersionList(offered)), kV2);
  const auto v1_only = vn_list({kV1});
  const std::uint32_t v2_only[] = {kV2};
  EXPECT_EQ(select_offered_version(v2_only, VersionList(v1_only)), 0u);
}

TEST(VersionSelection, ServerRequiresTheClientsChosenVersionToBeTheOneInUse) {
  EXPECT_TRUE(validate_client_version_information(std::nullopt, kV1).ok());
  EXPECT_TRUE(validate_client_version_information(vi(kV1, {kV1, kV2}), kV1).ok());
  expect_negotiation_error(validate_client_version_information(vi(kV2, {kV2, kV1}), kV1));
}

TEST(VersionSelection, ClientAcceptsAnHonestServer) {
  const std::uint32_t pref[] = {kV2, kV1};
  ClientVersionContext switched{kV1, kV2, pref, false};
  EXPECT_TRUE(validate_server_version_information(vi(kV2, {kV1, kV2}), switched).ok());
  ClientVersionContext stayed{kV1, kV1, pref, false};
  EXPECT_TRUE(validate_server_version_information(vi(kV1, {kV1}), stayed).ok());
  EXPECT_TRUE(validate_server_version_information(std::nullopt, stayed).ok()) << "v1 server without RFC 9368";
}

TEST(VersionSelection, ClientRejectsAChosenVersionOtherThanTheNegotiatedOne) {
  const std::uint32_t pref[] = {kV2, kV1};
  // The long header said v2 but the authenticated parameters say v1.
  expect_negotiation_error(validate_server_version_information(vi(kV1, {kV1, kV2}), {kV1, kV2, pref, false}));
  // A version the client never offered.
  const std::uint32_t v1_only[] = {kV1};
  expect_negotiation_error(validate_server_version_information(vi(kV2, {kV2}), {kV1, kV2, v1_only, false}));
}

TEST(VersionSelection, ClientRequiresVersionInformationAfterASwitchOrInVersion2) {
  const std::uint32_t pref[] = {kV2, kV1};
  expect_negotiation_error(validate_server_version_information(std::nullopt, {kV1, kV2, pref, false}));
  expect_negotiation_error(validate_server_version_information(std::nullopt, {kV2, kV2, pref, false}));
}

TEST(VersionSelection, AfterVersionNegotiationTheServersListMustConfirmTheChoice) {
  const std::uint32_t pref[] = {kV2, kV1};
  // Honest: the server only speaks v1, the client retried in v1.
  EXPECT_TRUE(validate_server_version_information(vi(kV1, {kV1}), {kV1, kV1, pref, true}).ok());
  // RFC 9368 §8: a v1 server without version_information reads as {1, [1]}.
  EXPECT_TRUE(validate_server_version_information(std::nullopt, {kV1, kV1, pref, true}).ok());
  // Downgrade: the server also speaks v2, which the client prefers.
  expect_negotiation_error(validate_server_version_information(vi(kV1, {kV1, kV2}), {kV1, kV1, pref, true}));
  // An empty list after Version Negotiation.
  expect_negotiation_error(validate_server_version_information(vi(kV1, {}), {kV1, kV1, pref, true}));
  // Missing and not version 1.
  expect_negotiation_error(validate_server_version_information(std::nullopt, {kV2, kV2, pref, true}));
}

}  // namespace
}  // namespace tquic::wire
