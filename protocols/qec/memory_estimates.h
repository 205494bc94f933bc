#pragma once
/// The estimates every decoded-memory study reports, from k failed shots of n after T rounds: the logical error
/// per shot with its Wilson interval, and through F(T) = (1 + exp(-T / tau)) / 2 the lifetime tau in rounds and in
/// seconds and the logical error per round eps = (1 - exp(-1 / tau)) / 2.

#include <cstdint>

#include "sim/statistics.h"

namespace qdes::qec {

/// Wilson score interval for k successes in n trials at `z` standard normal deviations.
void wilson_interval(std::uint64_t k, std::uint64_t n, double z, double& lower, double& upper);
/// tau in rounds from the failure probability P after T rounds (infinity for P = 0, 0 for P >= 1/2).
double lifetime_of(double P, double T);
/// (1 - exp(-1 / tau)) / 2.
double error_per_round_of(double tau);

struct MemoryEstimates {
    Estimate logical_error, lifetime_rounds, lifetime_s, error_per_round;
    /// Sets all four; `round_seconds` converts rounds to seconds.
    void set(std::uint64_t failures, std::uint64_t shots, double rounds, double round_seconds, double confidence);
};

}  // namespace qdes::qec
