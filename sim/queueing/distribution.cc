#include "sim/queueing/distribution.h"

#include <cmath>
#include <stdexcept>

namespace qdes {

DurationDistribution duration_distribution(const std::string& name) {
    if (name == "exponential") return DurationDistribution::kExponential;
    if (name == "deterministic") return DurationDistribution::kDeterministic;
    throw std::invalid_argument("unknown distribution \"" + name + "\"");
}

TimePs draw_duration(DurationDistribution d, TimePs mean_ps, RandomStream& rng) {
    if (d == DurationDistribution::kDeterministic) return mean_ps;
    return TimePs(std::llround(rng.exponential(double(mean_ps))));
}

}  // namespace qdes
