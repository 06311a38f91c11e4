// Deterministic pseudo-random numbers for link emulation.
//
// xoshiro256** (Blackman & Vigna, 2018) seeded through splitmix64. Every link
// owns its own generator: there is no global state and no std::random_device,
// so a simulation is fully determined by its seed. derive_seed() gives each
// link of a network an independent stream from one network seed.
#pragma once

#include <cstdint>

#include "base/time.h"

namespace tquic::sim {

// One splitmix64 step (also the recommended seeder for xoshiro).
constexpr std::uint64_t splitmix64(std::uint64_t& state) {
  std::uint64_t z = (state += 0x9e3779b97f4a7c15ULL);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

// A seed for sub-stream `stream` of `seed` (e.g. one per link direction).
constexpr std::uint64_t derive_seed(std::uint64_t seed, std::uint64_t stream) {
  std::uint64_t s = seed;
  const std::uint64_t a = splitmix64(s);
  s = a ^ (stream + 0x632be59bd9b4e019ULL);
  return splitmix64(s);
}

class Rng {
 public:
  explicit constexpr Rng(std::uint64_t seed) {
    std::uint64_t s = seed;
    for (auto& word : state_) word = splitmix64(s);
  }

  constexpr std::uint64_t next() {
    const std::uint64_t result = rotl(state_[1] * 5, 7) * 9;
    const std::uint64_t t = state_[1] << 17;
    state_[2] ^= state_[0];
    state_[3] ^= state_[1];
    state_[1] ^= state_[2];
    state_[0] ^= state_[3];
    state_[2] ^= t;
    state_[3] = rotl(state_[3], 45);
    return result;
  }

  // Uniform in [0, bound); 0 when bound is 0. Lemire's unbiased method.
  std::uint64_t below(std::uint64_t bound) {
    if (bound == 0) return 0;
    unsigned __int128 m = static_cast<unsigned __int128>(next()) * bound;
    auto low = static_cast<std::uint64_t>(m);
    if (low < bound) {
      const std::uint64_t threshold = (0 - bound) % bound;
      while (low < threshold) {  // expected < 2 rounds; bounded by probability
        m = static_cast<unsigned __int128>(next()) * bound;
        low = static_cast<std::uint64_t>(m);
      }
    }
    return static_cast<std::uint64_t>(m >> 64);
  }

  // Uniform in [0, 1) with 53 bits of precision.
  double uniform01() { return static_cast<double>(next() >> 11) * 0x1.0p-53; }

  // True with probability p. Draws nothing when p <= 0 or p >= 1, so a
  // disabled impairment never perturbs the stream of the others.
  bool chance(double p) {
    if (p <= 0.0) return false;
    if (p >= 1.0) return true;
    return uniform01() < p;
  }

  // Uniform in [0, max] (inclusive).
  Duration up_to(Duration max) {
    if (max.count() <= 0) return Duration(0);
    return Duration(static_cast<Duration::rep>(below(static_cast<std::uint64_t>(max.count()) + 1)));
  }

 private:
  static constexpr std::uint64_t rotl(std::uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }

  std::uint64_t state_[4]{};
};

}  // namespace tquic::sim
