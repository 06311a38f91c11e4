// Version choice and downgrade checks (RFC 9368 §2-§4, §8; RFC 9369 §4).
#include "wire/version_selection.h"

namespace tquic::wire {
namespace {

constexpr Error negotiation_error(const char* why) {
  return Error::transport(TransportErrorCode::VERSION_NEGOTIATION_ERROR, why);
}

// RFC 9368 §4: the version the client would pick from a VN packet listing
// the server's Available Versions plus the negotiated version.
std::uint32_t pick_from_server_offer(std::span<const std::uint32_t> preference,
                                     const VersionInformation& server, std::uint32_t negotiated) {
  for (std::uint32_t v : preference)
    if (is_supported_version(v) && (v == negotiated || server.contains_available(v))) return v;
  return 0;
}

}  // namespace

VersionInformation client_version_information(std::uint32_t chosen,
                                              std::span<const std::uint32_t> preference) {
  VersionInformation vi;
  vi.chosen_version = chosen;
  bool chosen_listed = false;
  for (std::uint32_t v : preference) {
    if (!is_compatible_version(chosen, v) || vi.contains_available(v)) continue;
    if (v == chosen) chosen_listed = true;
    if (!vi.add_available_version(v)) break;
  }
  if (!chosen_listed) (void)vi.add_available_version(chosen);  // §3: it MUST be listed
  return vi;
}

VersionInformation server_version_information(std::uint32_t negotiated,
                                              std::span<const std::uint32_t> accepted) {
  VersionInformation vi;
  vi.chosen_version = negotiated;
  for (std::uint32_t v : accepted)
    if (v != 0 && !vi.contains_available(v) && !vi.add_available_version(v)) break;
  return vi;
}

std::uint32_t negotiate_compatible_version(std::span<const std::uint32_t> server_preference,
                                           const VersionInformation& client) {
  for (std::uint32_t v : server_preference)
    if (is_compatible_version(client.chosen_version, v) && client.contains_available(v)) return v;
  return client.chosen_version;
}

std::uint32_t select_offered_version(std::span<const std::uint32_t> client_preference,
                                     const VersionList& offered) {
  for (std::uint32_t v : client_preference)
    if (is_supported_version(v) && offered.contains(v)) return v;
  return 0;
}

Status validate_client_version_information(const std::optional<VersionInformation>& vi,
                                           std::uint32_t version_in_use) {
  if (vi && vi->chosen_version != version_in_use)
    return negotiation_error("client's chosen version differs from the version of its Initial packets");
  return ok_status();
}

Status validate_server_version_information(const std::optional<VersionInformation>& vi,
                                           const ClientVersionContext& ctx) {
  std::optional<VersionInformation> server = vi;
  if (!server && ctx.reacted_to_version_negotiation && ctx.negotiated == kQuicVersion1) {
    server.emplace();  // §8: a version 1 server that does not know the extension
    server->chosen_version = kQuicVersion1;
    (void)server->add_available_version(kQuicVersion1);
  }
  if (!server) {
    if (ctx.reacted_to_version_negotiation)
      return negotiation_error("version_information missing after Version Negotiation");
    if (ctx.negotiated != ctx.chosen || ctx.negotiated == kQuicVersion2)
      return negotiation_error("version_information missing from the server");
    return ok_status();
  }
  if (server->chosen_version != ctx.negotiated)
    return negotiation_error("server's chosen version differs from the negotiated version");
  const VersionInformation offered = client_version_information(ctx.chosen, ctx.preference);
  if (!offered.contains_available(server->chosen_version))
    return negotiation_error("server chose a version the client did not offer");
  if (!ctx.reacted_to_version_negotiation) return ok_status();
  if (server->available_versions().empty())
    return negotiation_error("server lists no available versions after Version Negotiation");
  const std::uint32_t pick = pick_from_server_offer(ctx.preference, *server, ctx.negotiated);
  if (pick != ctx.chosen && pick != ctx.negotiated)
    return negotiation_error("version downgrade: the server supports a version we prefer");
  return ok_status();
}

}  // namespace tquic::wire
