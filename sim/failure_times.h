#pragma once
/// Per-shot failure times of a lifetime study, right-censored at the end of the run. Protocols produce them;
/// analysis/lifetime.h estimates lifetimes from them.

#include <cstdint>
#include <vector>

namespace qdes {

/// Failure times of shots (in rounds or seconds); censored[i] means shot i was still alive at times[i] when the
/// run stopped (right-censored), not that it failed then.
struct FailureTimes {
    std::vector<double> times;
    std::vector<std::uint8_t> censored;
};

}  // namespace qdes
