#include "protocols/qec/memory_estimates.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include "sim/lifetime.h"  // chi2_1_quantile

namespace qdes::qec {

void wilson_interval(std::uint64_t k, std::uint64_t n, double z, double& lower, double& upper) {
    const double N = double(n), f = double(k) / N, z2 = z * z;
    const double centre = (f + z2 / (2 * N)) / (1 + z2 / N);
    const double half = z / (1 + z2 / N) * std::sqrt(f * (1 - f) / N + z2 / (4 * N * N));
    lower = std::max(0.0, centre - half);
    upper = std::min(1.0, centre + half);
}

double lifetime_of(double P, double T) {
    if (P <= 0) return std::numeric_limits<double>::infinity();
    if (P >= 0.5) return 0;
    return -T / std::log1p(-2 * P);
}

double error_per_round_of(double tau) { return tau > 0 ? -std::expm1(-1 / tau) / 2 : 0.5; }

void MemoryEstimates::set(std::uint64_t k, std::uint64_t n, double T, double round_s, double confidence) {
    if (n == 0) return;
    const double z = std::sqrt(chi2_1_quantile(confidence));
    double lower = 0, upper = 0;
    wilson_interval(k, n, z, lower, upper);
    const double P = double(k) / double(n), se = std::sqrt(P * (1 - P) / double(n));
    logical_error.set(P, se, lower, upper, k);
    const double tau = lifetime_of(P, T), tau_lo = lifetime_of(upper, T), tau_hi = lifetime_of(lower, T);
    // The standard error of tau by the delta method: dtau/dP = 2 T / ((1 - 2P) ln(1 - 2P)^2).
    const double slope = (P > 0 && P < 0.5) ? 2 * T / ((1 - 2 * P) * std::pow(std::log1p(-2 * P), 2)) : 0;
    lifetime_rounds.set(tau, slope * se, tau_lo, tau_hi, k);
    lifetime_s.set(tau * round_s, slope * se * round_s, tau_lo * round_s, tau_hi * round_s, k);
    error_per_round.set(error_per_round_of(tau), std::numeric_limits<double>::quiet_NaN(),
                        error_per_round_of(tau_hi), error_per_round_of(tau_lo), k);
}

}  // namespace qdes::qec
