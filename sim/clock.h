#pragma once
/// A clock domain: a period and a phase that map cycle numbers to simulated time and back.
///
/// The period is kept as an exact fraction of picoseconds, so a 1.2 GHz clock (833 1/3 ps) does not drift: cycle
/// n begins at `phase + floor(n * period)`, computed in 128-bit integers.

#include <cstdint>
#include <string>

#include "sim/time.h"
#include "sim/units.h"

namespace qdes {

class ClockDomain {
  public:
    /// A clock of the given frequency whose cycle 0 begins at `phase_ps`.
    ClockDomain(const Frequency& frequency, TimePs phase_ps = 0);
    /// A clock with a whole-picosecond period (must be > 0).
    static ClockDomain from_period(TimePs period_ps, TimePs phase_ps = 0);

    /// Start time of cycle `cycle`.
    TimePs cycle_start(std::uint64_t cycle) const;
    /// Duration of `cycles` whole cycles: floor(cycles * period).
    TimePs cycles_to_duration(std::uint64_t cycles) const;
    /// The cycle in progress at time t (the last cycle that started at or before t); 0 before the phase.
    std::uint64_t cycle_at(TimePs t) const;
    /// The first cycle edge at or after time t.
    TimePs next_edge(TimePs t) const;

    /// Period in picoseconds, rounded down (exact when the period is a whole number of picoseconds).
    TimePs period_ps_floor() const;
    TimePs phase_ps() const { return phase_ps_; }
    double frequency_hz() const { return 1e12 * double(period_den_) / double(period_num_); }
    std::string describe() const;

  private:
    ClockDomain(std::uint64_t num, std::uint64_t den, TimePs phase)
        : period_num_(num), period_den_(den), phase_ps_(phase) {}
    std::uint64_t period_num_;  ///< period = period_num_ / period_den_ picoseconds
    std::uint64_t period_den_;
    TimePs phase_ps_;
};

}  // namespace qdes
