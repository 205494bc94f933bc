#pragma once
/// Simulated time: an unsigned 64-bit count of picoseconds (about 213 days of simulated time at most).

#include <cstdint>
#include <limits>

namespace qdes {

using TimePs = std::uint64_t;

inline constexpr TimePs kPicosecond = 1;
inline constexpr TimePs kNanosecond = 1'000;
inline constexpr TimePs kMicrosecond = 1'000'000;
inline constexpr TimePs kMillisecond = 1'000'000'000;
inline constexpr TimePs kSecond = 1'000'000'000'000;

/// A time later than every reachable time: "never" for stop conditions and deadlines.
inline constexpr TimePs kTimeNever = std::numeric_limits<TimePs>::max();

/// Seconds as a double, for reports and statistics (exact below 2^53 ps, about 104 days).
inline constexpr double to_seconds(TimePs t) {
    return static_cast<double>(t) * 1e-12;
}

}  // namespace qdes
