#pragma once
/// The two kernel workloads, described once for both the qdes and the SystemC benchmark:
///   ring:   kRingNodes components in a ring pass one token, each hop taking 1 ns; kEvents hops.
///   jitter: kJitterNodes components each reschedule themselves after a random delay of 1 to 1000 ns (uniform,
///           whole nanoseconds, from a qdes RandomStream per component, so both kernels see the same delays);
///           kEvents firings.
/// Each benchmark prints one line per workload: "<kernel> <workload> events=<n> seconds=<s> rate=<events/s>".

#include <cstdint>

namespace qdes::bench {
inline constexpr int kRingNodes = 1000;
inline constexpr int kJitterNodes = 1000;
inline constexpr std::uint64_t kEvents = 10'000'000;
inline constexpr std::uint64_t kBenchSeed = 12345;
}  // namespace qdes::bench
