#include "endpoint/vn_responder.h"

#include <array>

#include "wire/version.h"
#include "wire/version_negotiation.h"

namespace tquic::endpoint {

std::size_t write_version_negotiation_response(const wire::InvariantHeader& trigger,
                                               std::span<const std::uint32_t> versions,
                                               std::uint64_t random, MutByteSpan out) {
  if (versions.empty() || versions.size() >= kMaxAdvertisedVersions) return 0;
  std::array<std::uint32_t, kMaxAdvertisedVersions> list{};
  std::size_t n = 0;
  for (std::uint32_t v : versions) list[n++] = v;
  list[n++] = wire::make_reserved_version(static_cast<std::uint32_t>(random >> 8));
  ByteWriter w(out);
  const auto written = wire::write_version_negotiation(w, trigger.scid, trigger.dcid,
                                                       std::span(list.data(), n),
                                                       static_cast<std::uint8_t>(random));
  return written ? w.written() : 0;
}

}  // namespace tquic::endpoint
