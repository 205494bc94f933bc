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
template <class Rng, class F>
void for_each_hit(Rng& rng, double p, std::uint64_t sites, F&& f) {
    if (p <= 0 || sites == 0) return;
    if (p >= 1) {
        for (std::uint64_t i = 0; i < sites; ++i) f(i);
        return;
    }
    const double inv_log_q = 1.0 / std::log1p(-p);
    std::uint64_t i = 0;
    while (true) {
        const double skip = std::log(rng.uniform_open0()) * inv_log_q;  // failures before the next success, >= 0
        if (skip >= double(sites - i)) return;
        i += std::uint64_t(skip);
        f(i);
        if (++i >= sites) return;
    }
}

/// The same over a rows x shots grid of trials, visited row by row: calls f(row, shot) for each success. Avoids a
/// division per success: the position only wraps to a later row when a gap crosses the end of one.
template <class Rng, class F>
void for_each_hit_2d(Rng& rng, double p, std::uint64_t rows, std::uint64_t shots, F&& f) {
    if (p <= 0 || rows == 0 || shots == 0) return;
    if (p >= 1) {
        for (std::uint64_t r = 0; r < rows; ++r)
            for (std::uint64_t s = 0; s < shots; ++s) f(r, s);
        return;
    }
    const double inv_log_q = 1.0 / std::log1p(-p);
    const double total = double(rows) * double(shots);
    std::uint64_t row = 0, shot = 0;
    double done = 0;  // trials before (row, shot)
    while (true) {
        // Non-negative, so truncation is the floor (std::floor is a libm call without SSE4.1).
        const double skip = std::log(rng.uniform_open0()) * inv_log_q;
        if (skip >= total - done) return;
        const std::uint64_t whole = std::uint64_t(skip);
        done += double(whole) + 1;
        std::uint64_t s = shot + whole;
        if (s >= shots) {
            row += s / shots;
            s %= shots;
        }
        f(row, s);
        shot = s + 1;
        if (shot == shots) {
            shot = 0;
            ++row;
        }
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
