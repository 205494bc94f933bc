#pragma once
/// Memory lifetimes under Toom's rule on the 2D Ising memory (L x L torus, all bits start at 0), bit-parallel over
/// shots: the LEC circuit (CX parity extraction onto north and east ancillas, a CCX layer, ancilla reset; run by the
/// frame simulator with the engine's noise models) and the textbook cellular automaton (synchronous
/// majority(self, north, east), then independent flips). A shot fails at the first round after which a strict
/// majority of its bits is wrong; shots alive at the round cap are right-censored.

#include <cstdint>
#include <functional>

#include "sim/failure_times.h"
#include "models/quantum/noise.h"

namespace qdes::lec {

struct ToomOptions {
    std::uint32_t L = 8;
    std::uint64_t max_rounds = 1000;  ///< shots alive after this many rounds are censored
    std::uint64_t shots = 1024;
    std::uint64_t seed = 1;
    std::uint64_t stream = 0;
};

/// The Toom LEC circuit with `noise` (gate_bitflip or gate_depolarizing, as in the engine).
FailureTimes toom_circuit_lifetimes(const ToomOptions& o, const quantum::NoiseModel& noise);

/// The Toom cellular automaton: each round majority(self, north, east), then each bit flips with probability q.
FailureTimes toom_automaton_lifetimes(const ToomOptions& o, double q);

/// Counts, per shot, the set bits across `rows` rows of `words` words each (row r at base + r * stride) and
/// marks the shots whose count exceeds `limit`: out[w] bit s set when shot 64 w + s has more than limit ones.
void shots_over(const std::uint64_t* base, std::size_t stride, std::size_t rows, std::size_t words, std::uint64_t limit,
                std::uint64_t* out);

}  // namespace qdes::lec
