#pragma once
/// Noise: sparse sampling of rare events, and the named noise models that attach noise to a noiseless circuit.

#include <cmath>
#include <cstdint>
#include <string>
#include <vector>

#include "models/quantum/circuit.h"
#include "sim/random.h"

namespace qdes::quantum {

/// Calls f(i) for each of `sites` independent Bernoulli(p) trials that succeed, in increasing order. The gaps
/// between successes are geometric, drawn by inversion, so the cost grows with p * sites, not with sites.
template <class F>
void for_each_hit(RandomStream& rng, double p, std::uint64_t sites, F&& f) {
    if (p <= 0 || sites == 0) return;
    if (p >= 1) {
        for (std::uint64_t i = 0; i < sites; ++i) f(i);
        return;
    }
    const double inv_log_q = 1.0 / std::log1p(-p);
    std::uint64_t i = 0;
    while (true) {
        double skip = std::floor(std::log(rng.uniform_open0()) * inv_log_q);  // failures before the next success
        if (skip >= double(sites - i)) return;
        i += std::uint64_t(skip);
        f(i);
        if (++i >= sites) return;
    }
}

/// A named noise model (docs/circuit_format.md):
/// - gate_bitflip: after every gate each qubit it touches flips (X) with probability p; a reset flips with p;
///   a measurement result flips with q.
/// - gate_depolarizing: after every gate the depolarizing channel of its arity (DEPOLARIZE1/2/3; an MCX on more
///   than three qubits gets DEPOLARIZE1 on each) with probability p; resets flip with p; measurements with q.
/// - phenomenological: data qubits flip with p once per round and syndrome bits flip with q (code builders only).
/// Each may add idle noise: X_ERROR (bit flip) or DEPOLARIZE1 (depolarizing) with probability `idle` on every
/// qubit that a layer (the gates between two TICKs) leaves alone.
struct NoiseModel {
    enum class Kind { kNone, kGateBitflip, kGateDepolarizing, kPhenomenological };
    Kind kind = Kind::kNone;
    double p = 0;
    double q = -1;  ///< measurement (syndrome) flip probability; negative means "the same as p"
    double idle = 0;

    double measurement_flip() const { return q < 0 ? p : q; }
    std::string name() const;
    /// Parses "none", "gate_bitflip", "gate_depolarizing", "phenomenological"; throws std::invalid_argument with
    /// the list of names otherwise.
    static Kind parse_kind(const std::string& name);
    static std::vector<std::string> kind_names();
};

/// The circuit with the model's gate, reset, measurement and idle noise added. Existing noise instructions are
/// kept. Phenomenological noise needs to know which qubits are data and which rounds there are, so only code
/// builders apply it; here it throws std::invalid_argument.
Circuit add_gate_noise(const Circuit& noiseless, const NoiseModel& model);

}  // namespace qdes::quantum
