#pragma once
/// Counter-based random streams (Philox4x32-10, Salmon et al., "Parallel random numbers: as easy as 1, 2, 3", SC'11).
///
/// A stream is a pure function of (run seed, stream id, position): the run seed is the Philox key, and the 128-bit
/// counter is (stream id, block index). A stream id is derived from a component's name and a purpose string
/// (`stream_id("arrivals", "interarrival")`), so a component's numbers do not change when other components are
/// added, removed or constructed in another order, and never depend on threads. There is no global generator.
///
/// Distributions are written here, not taken from <random>, whose algorithms differ between standard libraries;
/// a seed therefore gives the same run with any compiler.

#include <array>
#include <cstdint>
#include <string_view>

#include "sim/ints.h"

namespace qdes {

/// One Philox4x32 block: 10 rounds over a 128-bit counter with a 64-bit key.
std::array<std::uint32_t, 4> philox4x32_10(std::array<std::uint32_t, 4> counter, std::array<std::uint32_t, 2> key);

/// A 64-bit id for (component name, purpose), stable across runs, builds and platforms.
std::uint64_t stream_id(std::string_view component, std::string_view purpose);

/// Derives a child seed (a sweep point's seed from a campaign seed and its index, for example).
std::uint64_t derive_seed(std::uint64_t seed, std::uint64_t index);

class RandomStream {
  public:
    RandomStream(std::uint64_t seed, std::uint64_t stream);

    std::uint32_t next_u32() {
        if (index_ == 4) refill();
        return buffer_[index_++];
    }
    std::uint64_t next_u64() {
        if (index_ >= 3) {  // not two words left in this block
            std::uint64_t lo = next_u32();
            return (std::uint64_t(next_u32()) << 32) | lo;
        }
        std::uint64_t v = (std::uint64_t(buffer_[index_ + 1]) << 32) | buffer_[index_];
        index_ += 2;
        return v;
    }
    /// Uniform on [0, 1), 53 random bits.
    double uniform01();
    /// Uniform on (0, 1], never 0: safe under log.
    double uniform_open0();
    /// Uniform integer in [0, n), without modulo bias. Requires n > 0.
    std::uint64_t uniform_below(std::uint64_t n) {
        // Lemire's multiply-and-reject method ("Fast random integer generation in an interval", 2019).
        u128 m = u128(next_u64()) * n;
        if (std::uint64_t(m) < n) return uniform_below_slow(n, m);
        return std::uint64_t(m >> 64);
    }
    bool bernoulli(double p) { return uniform01() < p; }
    /// Exponential with the given mean (inverse transform).
    double exponential(double mean);
    /// Standard normal (Box-Muller; one of each pair is kept, so the position is simple to reason about).
    double normal();

    /// Number of 32-bit words drawn so far: with (seed, stream) this is the whole state, for checkpoints.
    std::uint64_t position() const { return block_ * 4 + index_ - 4; }
    /// Restores a position returned by `position()`.
    void seek(std::uint64_t position);

  private:
    void refill();
    std::uint64_t uniform_below_slow(std::uint64_t n, u128 m);

    std::array<std::uint32_t, 2> key_;
    std::uint64_t stream_;
    std::uint64_t block_ = 0;  ///< index of the next block to generate
    std::array<std::uint32_t, 4> buffer_{};
    unsigned index_ = 4;  ///< next unread word of buffer_; 4 means empty
};

}  // namespace qdes
