#pragma once
/// User-defined local error correction rules on the 2D Ising memory, as a unit cell that qdes tiles over the
/// L x L torus (one data bit per site) and turns into a measurement-free round circuit:
///
///   name: toom
///   ancillas:                       # computed in this order, one of each per site
///     north: {parity: [[0, 0], [-1, 0]]}      # CX from the data bits at these (row, col) offsets
///     east:  {parity: [[0, 0], [0, 1]]}
///     both:  {and: [north, "east(0, 1)"]}      # hierarchical: an AND of ancillas (here and at offsets), by CCX/MCX
///   corrections:                    # after every ancilla: flip a data bit when all listed ancillas are 1
///     - {if: [north, east], flip: [0, 0]}     # "!name" means the ancilla must be 0
///
/// The round resets the ancillas, computes parities in conflict-free CX layers (an ancilla's offsets in the order
/// written, sites in order), ANDs in conflict-free CCX/MCX layers, and corrections likewise; negated controls get
/// X gates around their layer. Noise is the engine's gate model. `scenarios/lec/rules/toom.yaml` is Toom's rule, and
/// gives exactly the circuit (and so the samples) of the built-in one.

#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "models/quantum/circuit.h"
#include "models/quantum/noise.h"

namespace qdes::lec {

using Offset = std::array<int, 2>;  ///< (row, column); row -1 is north, column +1 is east

struct AncillaRef {
    std::size_t ancilla = 0;
    Offset offset{0, 0};
    bool negated = false;
};

struct LecRule {
    std::string name;
    std::string source;  ///< file, for messages
    struct Ancilla {
        std::string name;
        std::vector<Offset> parity;        ///< data offsets (a parity ancilla)
        std::vector<AncillaRef> all_of;    ///< or: the AND of these ancillas
    };
    std::vector<Ancilla> ancillas;
    struct Correction {
        std::vector<AncillaRef> when;  ///< all must hold
        Offset flip{0, 0};
    };
    std::vector<Correction> corrections;
};

/// Reads a rule file; std::runtime_error "file:line:column: key: message" on any problem (unknown keys, unknown or
/// later ancillas, empty lists, a correction without conditions).
LecRule load_lec_rule(const std::string& path);
LecRule parse_lec_rule(const std::string& text, const std::string& source);
/// The rule as a rule file that parse_lec_rule reads back to the same rule; `comment` (any lines) goes first, as
/// YAML comments.
std::string format_lec_rule(const LecRule& rule, const std::string& comment = "");

/// Gates (each a list of qubits) in layers where no qubit appears twice: each gate goes to the earliest layer that
/// has room for it. Returns the gates' indices per layer.
std::vector<std::vector<std::size_t>> layers_of(const std::vector<std::vector<std::uint32_t>>& gates,
                                                std::uint32_t num_qubits);

/// Two-qubit gates whose first and second qubits are disjoint sets (a bipartite graph, as CX gates from data to
/// ancillas) in exactly as many layers as the busiest qubit has gates (Koenig's edge colouring: each gate takes a
/// layer free at both ends, after swapping two layers along an alternating path if needed). Returns the gates'
/// indices per layer; std::invalid_argument if a qubit appears on both sides.
std::vector<std::vector<std::size_t>> bipartite_layers(const std::vector<std::vector<std::uint32_t>>& pairs,
                                                       std::uint32_t num_qubits);

/// Appends controlled gates (each: its controls, then its target; `negated[g][k]`: control k of gate g must be 0)
/// in conflict-free layers (layers_of): per layer, X gates on the negated controls, the gates (CX, CCX, or one MCX
/// each), the X gates again, then a TICK.
void add_controlled_layers(quantum::CircuitBuilder& b, const std::vector<std::vector<std::uint32_t>>& gates,
                           const std::vector<std::vector<bool>>& negated, std::uint32_t num_qubits);

/// One round of the rule on the L x L torus: data qubits 0..L^2-1, then L^2 qubits per ancilla in file order.
/// Throws std::invalid_argument when a gate would act twice on one qubit (an offset pointing back to the site
/// itself in an AND, say).
quantum::Circuit lec_round_circuit(const LecRule& rule, std::uint32_t L, const quantum::NoiseModel& noise);
/// The gate layers of that round (the ancilla reset included), without building it; the same exceptions.
std::size_t lec_round_layers(const LecRule& rule, std::uint32_t L);

}  // namespace qdes::lec
