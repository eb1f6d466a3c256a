// A small deterministic random source for the graph library: splitmix64,
// with our own bounded and real mappings, so that a seed gives the same
// dataset and split with every standard library (std::uniform_*_distribution
// is implementation-defined).
#ifndef ATTNC_GRAPHDATA_RANDOM_H
#define ATTNC_GRAPHDATA_RANDOM_H

#include <cstdint>

namespace attnc::graph {

class SplitMix64 {
public:
  explicit SplitMix64(uint64_t seed) : state_(seed) {}

  uint64_t next() {
    uint64_t z = (state_ += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
  }

  /// Uniform in [0, bound), bound > 0 (Lemire's method, unbiased).
  uint64_t below(uint64_t bound) {
    unsigned __int128 m = static_cast<unsigned __int128>(next()) * bound;
    uint64_t low = static_cast<uint64_t>(m);
    if (low < bound) {
      uint64_t threshold = (0 - bound) % bound;
      while (low < threshold) {
        m = static_cast<unsigned __int128>(next()) * bound;
        low = static_cast<uint64_t>(m);
      }
    }
    return static_cast<uint64_t>(m >> 64);
  }

  /// Uniform in [0, 1) with 53 random bits.
  double unit() { return static_cast<double>(next() >> 11) * 0x1.0p-53; }

private:
  uint64_t state_;
};

} // namespace attnc::graph

#endif // ATTNC_GRAPHDATA_RANDOM_H
