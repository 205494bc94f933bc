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
#include <string>
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

/// A local rule on the 4D toric code's plaquettes, the same for every plaquette (v; a, b) (a < b) and for every
/// plane: flip the plaquette when every literal of one of its corrections holds. A literal reads the edge ancilla
/// of one of the plaquette's four edges, maybe negated:
///   a_near (v; a), b_near (v; b), a_far (v + e_b; a), b_far (v + e_a; b)
/// (the far edges are the ones on the plaquette's far side; the 4D Toom rule is one correction [a_far, b_far]).
/// Written as a rule file:
///
///   name: toric4d_toom
///   lattice: toric4d
///   corrections:
///     - {if: [a_far, b_far]}          # "!b_near" means the ancilla must be 0
struct Toric4dRule {
    enum Edge : std::uint8_t { kANear = 0, kBNear = 1, kAFar = 2, kBFar = 3 };
    struct Literal {
        Edge edge = kAFar;
        bool negated = false;
    };
    std::string name = "toric4d";
    std::string source;
    std::vector<std::vector<Literal>> corrections;
};

/// The 4D Toom rule as a Toric4dRule.
Toric4dRule toric4d_toom();
/// "a_near", "b_near", "a_far", "b_far".
const char* edge_name(Toric4dRule::Edge e);
/// Reads a 4D rule file; std::runtime_error "file:line:column: key: message" on any problem (unknown keys or
/// edges, an edge twice in one correction, a correction without a positive literal, which would fire on the
/// error-free memory).
Toric4dRule parse_toric4d_rule(const std::string& text, const std::string& source);
Toric4dRule load_toric4d_rule(const std::string& path);
std::string format_toric4d_rule(const Toric4dRule& rule, const std::string& comment = "");

/// One LEC round of the rule on the 4D toric code's bit-flip sector (local_rule_round's layout): resets the edge
/// ancillas, copies each edge's check in conflict-free CX layers (the CX to the edges a plaquette's corrections
/// read go last, as local_rule_round does for the designated edges), then the corrections as controlled gates in
/// conflict-free layers (CX, CCX or MCX by their number of literals; X gates around negated ones); the engine's
/// gate noise is added. With toric4d_toom() it is local_rule_round's circuit exactly.
quantum::Circuit toric4d_rule_round(std::uint32_t L, const Toric4dRule& rule, const quantum::NoiseModel& noise);
/// The gate layers of that round (the reset included).
std::size_t toric4d_rule_layers(std::uint32_t L, const Toric4dRule& rule);

struct Toric4dOptions {
    std::uint64_t decode_rounds = 0;  ///< bound of the noiseless readout; 0: 8 L
};

class Toric4dBatch final : public LecBatch {
  public:
    /// With `rule`, the round runs that rule (toric4d_rule_round) instead of the 4D Toom rule; the readout is the
    /// noiseless 4D Toom rule either way, so that every rule is read alike.
    Toric4dBatch(const LecOptions& o, const quantum::NoiseModel& noise, const Toric4dOptions& t = {},
                 const Toric4dRule* rule = nullptr);
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
