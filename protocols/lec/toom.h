#pragma once
/// Memory lifetimes under Toom's rule on the 2D Ising memory (L x L torus, all bits start at 0), bit-parallel over
/// shots: the LEC circuit (CX parity extraction onto north and east ancillas, a CCX layer, ancilla reset; run by the
/// frame simulator with the engine's noise models) and the textbook cellular automaton (synchronous
/// majority(self, north, east), then independent flips). A shot fails at the first round after which a strict
/// majority of its bits is wrong; shots alive at the round cap are right-censored.

#include <cstdint>
#include <memory>
#include <vector>

#include "models/quantum/bit_table.h"
#include "models/quantum/fast_rng.h"
#include "models/quantum/frame_simulator.h"
#include "models/quantum/noise.h"
#include "models/quantum/program.h"
#include "protocols/lec/batch.h"
#include "protocols/lec/rule.h"

namespace qdes::lec {

enum class ToomRule { kCircuit, kAutomaton };

/// Biased noise for the automaton: after each round a bit at 0 flips to 1 with probability `up`, a bit at 1 flips
/// to 0 with probability `down` (the memory stores 0, so `up` pushes towards the wrong value).
struct BiasedFlips {
    double up = 0;
    double down = 0;
};

class ToomBatch final : public LecBatch {
  public:
    /// `noise` applies to the circuit; the automaton flips each bit with probability noise.p after each round, or
    /// with `biased` by its two rates. With `custom`, the circuit rule runs that rule file's round
    /// (protocols/lec/rule.h) instead of Toom's.
    ToomBatch(ToomRule rule, const LecOptions& o, const quantum::NoiseModel& noise, const LecRule* custom = nullptr,
              const BiasedFlips* biased = nullptr);
    void state_of(std::size_t shot, std::vector<SiteBit>& out) const override;
    void save_state(StateWriter& w) const override;
    void restore_state(StateReader& r) override;
    void restart_stream(std::uint64_t stream) override;

  private:
    void restart() override;
    void advance(std::uint64_t* wrong) override;

    ToomRule rule_;
    std::uint32_t L_;
    double q_;
    quantum::BitTable a_, b_, down_hits_;
    std::unique_ptr<quantum::FastRng> rng_;
    std::unique_ptr<quantum::GeometricSampler> gap_, down_gap_;  ///< down_gap_: biased noise only
};

/// Lifetimes of o.shots shots, batch after batch, each run to its round cap or until all its shots failed.
FailureTimes toom_lifetimes(ToomRule rule, const LecOptions& o, const quantum::NoiseModel& noise,
                            const LecRule* custom = nullptr);

/// The Toom LEC circuit with `noise` (gate_bitflip or gate_depolarizing, as in the engine).
FailureTimes toom_circuit_lifetimes(const LecOptions& o, const quantum::NoiseModel& noise);
/// The Toom cellular automaton: each round majority(self, north, east), then each bit flips with probability q.
FailureTimes toom_automaton_lifetimes(const LecOptions& o, double q);

/// Counts, per shot, the set bits across `rows` rows of `words` words each (row r at base + r * stride) and
/// marks the shots whose count exceeds `limit`: out[w] bit s set when shot 64 w + s has more than limit ones.
void shots_over(const std::uint64_t* base, std::size_t stride, std::size_t rows, std::size_t words, std::uint64_t limit,
                std::uint64_t* out);

}  // namespace qdes::lec
