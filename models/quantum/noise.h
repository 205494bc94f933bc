#pragma once
/// Noise: sparse sampling of rare events, and the named noise models that attach noise to a noiseless circuit.

#include <cmath>
#include <cstdint>
#include <string>
#include <vector>

#include "models/quantum/circuit.h"
#include "sim/random.h"

namespace qdes::quantum {

/// Draws geometric gaps (failures before the next success of Bernoulli(p) trials). For p >= 1e-3, by table
/// lookup: with x a uniform 64-bit integer, the gap is at least k exactly when x < T_k = (1 - p)^k 2^64, so the gap
/// is the largest k with x < T_k, found from a guide table indexed by the top bits of x and a short scan. Gaps of
/// K = 4 / p or more (probability e^-4) restart from K, which the memorylessness of the distribution makes exact.
/// Smaller p falls back to inversion with a logarithm (rare events: the cost does not matter there).
class GeometricSampler {
  public:
    explicit GeometricSampler(double p);
    double p() const { return p_; }

    template <class Rng>
    std::uint64_t operator()(Rng& rng) const {
        if (table_.empty()) {
            const double skip = std::log(rng.uniform_open0()) * inv_log_q_;  // >= 0: truncation is the floor
            return skip >= 1.8e19 ? ~std::uint64_t(0) : std::uint64_t(skip);
        }
        std::uint64_t base = 0;
        while (true) {
            const std::uint64_t x = rng.next_u64();
            if (x < table_[K_]) {
                base += K_;
                continue;
            }
            std::uint32_t k = guide_[x >> shift_];
            while (x < table_[k + 1]) ++k;
            return base + k;
        }
    }

  private:
    double p_;
    double inv_log_q_;
    std::uint32_t K_ = 0;
    unsigned shift_ = 0;
    std::vector<std::uint64_t> table_;   ///< T_0 .. T_K
    std::vector<std::uint32_t> guide_;  ///< per bucket of x: the gap at the bucket's largest x
};

/// The same over a rows x shots grid of trials, visited row by row: calls f(row, shot) for each success. Avoids a
/// division per success: the position only wraps to a later row when a gap crosses the end of one.
template <class Rng, class F>
void for_each_hit_2d(Rng& rng, const GeometricSampler& gap, std::uint64_t rows, std::uint64_t shots, F&& f) {
    const double p = gap.p();
    if (p <= 0 || rows == 0 || shots == 0) return;
    if (p >= 1) {
        for (std::uint64_t r = 0; r < rows; ++r)
            for (std::uint64_t s = 0; s < shots; ++s) f(r, s);
        return;
    }
    const double total = double(rows) * double(shots);
    std::uint64_t row = 0, shot = 0;
    double done = 0;  // trials before (row, shot)
    while (true) {
        const std::uint64_t whole = gap(rng);
        if (double(whole) >= total - done) return;
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
