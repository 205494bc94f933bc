#pragma once
/// The frame simulator's noise generator: xoshiro256++ (Blackman and Vigna, "Scrambled linear pseudorandom number
/// generators", ACM TOMS 47 (2021)), seeded from a qdes counter-based stream so that every (seed, component,
/// purpose) still gives its own reproducible sequence. Sampling noise draws one or two 64-bit words per error and
/// one per 64 shots of every reset or measured qubit; Philox4x32-10 cost three to four times as much per word
/// there (callgrind: 55% of the instructions of a noisy surface-code run went to it).

#include <bit>
#include <cstdint>
#include <vector>

#include "sim/checkpoint.h"
#include "sim/ints.h"
#include "sim/random.h"

namespace qdes::quantum {

class FastRng {
  public:
    explicit FastRng(RandomStream seed_source) {
        for (auto& w : s_) w = seed_source.next_u64();
        if ((s_[0] | s_[1] | s_[2] | s_[3]) == 0) s_[0] = 1;  // the one state the generator must avoid
    }

    std::uint64_t next_u64() {
        const std::uint64_t result = std::rotl(s_[0] + s_[3], 23) + s_[0];
        const std::uint64_t t = s_[1] << 17;
        s_[2] ^= s_[0];
        s_[3] ^= s_[1];
        s_[1] ^= s_[2];
        s_[0] ^= s_[3];
        s_[2] ^= t;
        s_[3] = std::rotl(s_[3], 45);
        return result;
    }
    /// Uniform on (0, 1], 53 random bits: safe under log.
    double uniform_open0() { return (double(next_u64() >> 11) + 1.0) * 0x1.0p-53; }
    /// Uniform integer in [0, n) (multiply-shift; the bias is below n / 2^64).
    std::uint64_t uniform_below(std::uint64_t n) { return std::uint64_t((u128(next_u64()) * n) >> 64); }

    /// The generator's position, for checkpoints (sim/checkpoint.h); restore_state continues from it exactly and
    /// throws CheckpointError for anything but four words, not all zero.
    void save_state(StateWriter& w) const { w.vec(std::vector<std::uint64_t>(s_, s_ + 4)); }
    void restore_state(StateReader& r) {
        std::vector<std::uint64_t> s;
        r.vec(s);
        if (s.size() != 4 || (s[0] | s[1] | s[2] | s[3]) == 0)
            throw CheckpointError("a xoshiro256++ state is four words, not all zero");
        for (int i = 0; i < 4; ++i) s_[i] = s[std::size_t(i)];
    }

  private:
    std::uint64_t s_[4];
};

}  // namespace qdes::quantum
