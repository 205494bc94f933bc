#pragma once
/// The 4D toric code under a 4D version of Toom's rule, as a measurement-free LEC circuit. The rule is the
/// Toom-like local decoder that Breuckmann, Duivenvoorden, Michels and Terhal compare with Hastings' decoder in
/// "Local decoders for the 2D and 4D toric code" (arXiv:1609.00510); here it is written as a circuit of faulty
/// gates.
///
/// Qubits sit on the 6 L^4 plaquettes of an L^4 torus (quantum::toric4d_code). The bit-flip sector has one ancilla
/// per edge: CX gates copy the edge's Z check (the parity of its 6 plaquettes) onto it, and one CCX per plaquette
/// (v; a, b) flips the plaquette when its two designated edges, the ones on its far side, (v + e_b; a) and
/// (v + e_a; b), both fire. Restricted to one (a, b)-plane this is Toom's NEC rule on the plaquettes (north = +b,
/// east = +a): it cuts the far corners of syndrome loops, so islands of errors erode. Bit-flip noise creates no
/// phase errors; for noise symmetric under exchanging X and Z the phase sector, which by the lattice's self-duality
/// (plaquettes to dual plaquettes, edges to cubes) runs the same rule on cube ancillas with CCZ, has the same
/// statistics: the study simulates the bit-flip sector and says so (phase_sector: symmetry).
///
/// Logical failure: after each round the rule runs without noise on a copy of each shot's errors until the
/// syndrome is empty, at most `decode_rounds` steps; then the logical operators are read, and any of the 6 flipped
/// is a failure. Some error configurations are fixed points of the rule although they have a syndrome: a strip of
/// plaquettes wrapping the torus has two straight boundary lines and no corner to cut (the noisy rule erodes it
/// later, as Toom's rule erodes a stripe). Such a readout is reported as undecided, and each logical is read as
/// the majority of its L^2 translates, of which a narrow strip crosses only a few.

#include <array>
#include <cstdint>
#include <memory>
#include <vector>

#include "models/quantum/bit_table.h"
#include "models/quantum/circuit.h"
#include "models/quantum/frame_simulator.h"
#include "models/quantum/noise.h"
#include "models/quantum/program.h"
#include "protocols/lec/batch.h"

namespace qdes::lec {

/// One CSS sector with a local rule: checks over data qubits, two designated checks per data qubit (flip it when
/// both fire), and the logical operators whose parity a logical error flips, each given by equivalent translates.
struct LocalRuleCode {
    std::uint32_t num_data = 0;
    std::vector<std::vector<std::uint32_t>> checks;
    std::vector<std::array<std::uint32_t, 2>> designated;  ///< per data qubit: two check indices
    /// logicals[k]: translates of logical k, which differ by products of checks, so that on an error without
    /// syndrome they all have the same parity. The readout takes their majority (a tie reads as flipped), which
    /// also reads through a leftover syndrome that touches only a few of them.
    std::vector<std::vector<std::vector<std::uint32_t>>> logicals;
};

/// The bit-flip sector of the 4D toric code with the 4D Toom rule: checks are the edges' Z checks (edge (v, d) is
/// check d L^4 + v); logical k, for the plane of directions (a, b), is read on the (a, b)-plaquettes at
/// x_a = i, x_b = j across the other two directions, for all L^2 translates (i, j) (quantum::toric4d_code's Z
/// logical is the translate (0, 0)).
LocalRuleCode toric4d_toom_rule(std::uint32_t L);

/// One LEC round: data 0..num_data-1, ancilla of check c at num_data + c. Resets the ancillas, copies each check's
/// parity onto its ancilla in conflict-free CX layers, then flips each data qubit whose designated ancillas are
/// both 1 in conflict-free CCX layers; the engine's gate noise model is added.
quantum::Circuit local_rule_round(const LocalRuleCode& code, const quantum::NoiseModel& noise,
                                  const std::string& source);

/// The rule without noise, on errors (one row per data qubit, bit-parallel over shots): repeats "compute the
/// syndrome, flip every qubit whose designated checks both fire" until the syndrome of every shot is empty or
/// `max_steps` steps were made, then reads the logicals (each by the majority of its translates).
class NoiselessDecoder {
  public:
    NoiselessDecoder(const LocalRuleCode& code, std::size_t words);
    /// errors: num_data rows of `words` words, row q at errors + q * stride (left unchanged). Sets per shot:
    /// wrong (a logical read as flipped) and undecided (syndrome not empty after max_steps). Returns the most
    /// steps any shot needed (max_steps + 1 when some shot was undecided).
    std::uint64_t decode(const std::uint64_t* errors, std::size_t stride, std::uint64_t max_steps, std::uint64_t* wrong,
                         std::uint64_t* undecided);
    /// The errors after the last decode (for tests: one step with max_steps = 1).
    const quantum::BitTable& errors() const { return e_; }

  private:
    bool syndrome();  ///< of e_ into s_; sets busy_; true when any shot has one

    const LocalRuleCode& code_;
    std::size_t words_;
    quantum::BitTable e_, s_;
    std::vector<std::uint64_t> busy_, parity_, flipped_;
};

struct Toric4dOptions {
    std::uint64_t decode_rounds = 0;  ///< bound of the noiseless readout; 0: 8 L
};

class Toric4dBatch final : public LecBatch {
  public:
    Toric4dBatch(const LecOptions& o, const quantum::NoiseModel& noise, const Toric4dOptions& t = {});
    void state_of(std::size_t shot, std::vector<SiteBit>& out) const override;
    const LocalRuleCode& code() const { return code_; }
    std::uint64_t decode_bound() const { return bound_; }
    /// The most noiseless steps a decided readout needed so far.
    std::uint64_t most_decode_steps() const { return most_steps_; }
    void save_state(StateWriter& w) const override;
    void restore_state(StateReader& r) override;

  private:
    void restart() override;
    void advance(std::uint64_t* wrong) override;

    LocalRuleCode code_;
    std::uint32_t L_;
    std::uint64_t bound_;
    std::unique_ptr<NoiselessDecoder> decoder_;
    std::vector<std::uint64_t> undecided_now_, wrong_now_;  ///< per word of the whole capacity
    std::uint64_t most_steps_ = 0;
};

}  // namespace qdes::lec
