// Seed material from the kernel CSPRNG (getrandom(2)). The endpoint derives
// every key, CID and token secret from the seed the runtime gives it
// (endpoint/endpoint_config.h); this is where that seed comes from.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace tquic::runtime {

// `size` random bytes. False with a one-line `error` if the kernel refuses.
bool os_random_bytes(std::size_t size, std::vector<std::uint8_t>& out, std::string& error);

}  // namespace tquic::runtime
