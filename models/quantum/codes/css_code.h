#pragma once
/// CSS codes as the memory experiments need them: qubits, X and Z checks, logical operators, and the standard
/// syndrome-extraction memory circuit. Builders: repetition code, 2D classical Ising memory, 2D toric code, 4D toric
/// code.

#include <cstdint>
#include <string>
#include <vector>

#include "models/quantum/circuit.h"
#include "models/quantum/noise.h"

namespace qdes::quantum {

using QubitSet = std::vector<std::uint32_t>;

struct CssCode {
    std::string name;
    std::uint32_t num_qubits = 0;
    std::vector<QubitSet> x_checks;  ///< each an X-type stabilizer (detects Z errors)
    std::vector<QubitSet> z_checks;  ///< each a Z-type stabilizer (detects X errors)
    /// x_logicals[k] and z_logicals[k] anticommute; all other pairs commute.
    std::vector<QubitSet> x_logicals;
    std::vector<QubitSet> z_logicals;
};

/// Distance-d repetition code: d qubits in a line, Z checks on neighbours (d - 1), one logical qubit.
CssCode repetition_code(std::uint32_t d);
/// 2D classical Ising memory: L x L spins on a torus, ZZ checks on the 2 L^2 edges. Qubit (r, c) is r * L + c;
/// check 2 * (r * L + c) joins it with its east neighbour, check 2 * (r * L + c) + 1 with its south neighbour.
CssCode ising2d_code(std::uint32_t L);
/// 2D toric code: 2 L^2 qubits on the edges of an L x L torus, X checks on vertices, Z checks on plaquettes,
/// 2 logical qubits, distance L.
CssCode toric2d_code(std::uint32_t L);
/// 4D toric code: 6 L^4 qubits on the plaquettes of an L^4 torus, Z checks on the 4 L^4 edges (weight 6), X checks
/// on the 4 L^4 cubes (weight 6), 6 logical qubits, distance L^2.
CssCode toric4d_code(std::uint32_t L);

/// By name ("repetition", "ising2d", "toric2d", "toric4d") and size; std::invalid_argument otherwise.
CssCode make_code(const std::string& name, std::uint32_t size);
std::vector<std::string> code_names();

/// Rank over GF(2) of the incidence rows given as qubit sets.
std::size_t gf2_rank(const std::vector<QubitSet>& rows, std::uint32_t num_qubits);
/// n - rank(X checks) - rank(Z checks).
std::size_t num_logical_qubits(const CssCode& code);
/// True when every check commutes with every check and logical, and x_logicals[i] anticommutes with
/// z_logicals[j] exactly when i == j. `why` says what failed.
bool check_commutation(const CssCode& code, std::string* why = nullptr);
/// Smallest weight of an operator of the given type ('X' or 'Z') that commutes with every check of the other
/// type and is not a product of checks, by enumeration up to `max_weight`. Returns 0 if none that light exists.
std::uint32_t brute_force_distance(const CssCode& code, char type, std::uint32_t max_weight);

/// The standard memory experiment: data qubits 0..n-1, then one ancilla per Z check, then per X check. Resets the
/// data in `basis` ('Z': |0...0>, 'X': |+...+>), measures every check `rounds` times by CNOTs in conflict-free
/// layers (Z checks first, then X checks between Hadamards), then measures the data in `basis`. Detectors compare
/// each check with its previous value (the first round: only checks of the memory's basis); observables are the
/// logical operators of that basis. Noise: gate_bitflip and gate_depolarizing as in add_gate_noise;
/// phenomenological: each round starts with X_ERROR(p) (Z_ERROR(p) for basis X) on the data, and every syndrome
/// measurement flips with q.
struct MemoryOptions {
    std::uint64_t rounds = 1;
    char basis = 'Z';
    NoiseModel noise;
};
Circuit memory_circuit(const CssCode& code, const MemoryOptions& options);

/// Toom's rule as measurement-free local error correction on the 2D Ising memory (Toom, 1980; the NEC rule): each
/// round copies the parities of every spin with its north and its east neighbour onto two ancillas (four CX
/// layers), and a CCX layer flips each spin whose two ancillas both fire, i.e. whose north and east neighbours
/// both disagree with it. Spins are qubits 0..L^2-1, north ancillas L^2.., east ancillas 2 L^2... After `rounds`
/// rounds the spins are measured; detectors are the ZZ edge checks of that readout, and observable 0 is spin 0.
Circuit toom_memory_circuit(std::uint32_t L, std::uint64_t rounds, const NoiseModel& noise);

}  // namespace qdes::quantum
