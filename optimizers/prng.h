// Deterministic pseudo-random streams for the optimizers: xoshiro256**
// (Blackman & Vigna) seeded through SplitMix64, so every proposal is a pure
// function of (sweep seed, trial number) and a resumed or shared sweep
// proposes exactly what a fresh one would.
//
// Stream derivation (stable: changing it changes every sweep's proposals):
//   stream_seed(seed, n) = SplitMix(SplitMix(seed) XOR n)
//   the four xoshiro words = the first four SplitMix64 outputs from stream_seed
// where SplitMix(x) is one SplitMix64 output for state x (Mix64(x + golden)).
//
// Value type, not thread-safe; copy it to fork a stream.
#pragma once

#include <array>
#include <cstdint>

namespace sweep {

class Xoshiro256StarStar {
 public:
  // The stream for trial `trial_number` of a sweep seeded with `seed`.
  static Xoshiro256StarStar ForTrial(std::uint64_t seed, std::uint64_t trial_number) {
    return Xoshiro256StarStar(SplitMix(SplitMix(seed) ^ trial_number));
  }

  explicit Xoshiro256StarStar(std::uint64_t stream_seed) {
    std::uint64_t state = stream_seed;
    for (auto& word : s_) {
      word = SplitMix(state);
      state += kGolden;
    }
  }

  std::uint64_t Next() {
    const std::uint64_t result = Rotl(s_[1] * 5, 7) * 9;
    const std::uint64_t t = s_[1] << 17;
    s_[2] ^= s_[0];
    s_[3] ^= s_[1];
    s_[1] ^= s_[2];
    s_[0] ^= s_[3];
    s_[2] ^= t;
    s_[3] = Rotl(s_[3], 45);
    return result;
  }

  // Uniform on [0, 1) with 53 random bits: k * 2^-53 for k in [0, 2^53).
  double NextUnit() { return static_cast<double>(Next() >> 11) * 0x1p-53; }

 private:
  static constexpr std::uint64_t kGolden = 0x9e3779b97f4a7c15ULL;  // 2^64 / golden ratio

  // One SplitMix64 output for the state x (Steele, Lea & Flood 2014).
  static std::uint64_t SplitMix(std::uint64_t x) {
    std::uint64_t z = x + kGolden;
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
  }

  static std::uint64_t Rotl(std::uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }

  std::array<std::uint64_t, 4> s_{};
};

}  // namespace sweep
