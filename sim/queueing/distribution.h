#pragma once
/// Random durations for the queueing components: exponential or deterministic with a given mean.

#include <string>

#include "sim/random.h"
#include "sim/time.h"

namespace qdes {

enum class DurationDistribution { kExponential, kDeterministic };

/// Parses "exponential" or "deterministic" (the values the `distribution` parameters accept).
DurationDistribution duration_distribution(const std::string& name);

/// A draw rounded to the nearest picosecond.
TimePs draw_duration(DurationDistribution d, TimePs mean_ps, RandomStream& rng);

}  // namespace qdes
