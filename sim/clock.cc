#include "sim/clock.h"

#include <numeric>
#include <stdexcept>

#include "sim/ints.h"

namespace qdes {

ClockDomain::ClockDomain(const Frequency& frequency, TimePs phase_ps) : phase_ps_(phase_ps) {
    // period = 10^12 / (digits * 10^exponent) ps.
    u128 num = 1, den = frequency.hz.digits;
    int e = 12 - frequency.hz.exponent;
    for (; e > 0; --e) num *= 10;
    for (; e < 0; ++e) den *= 10;
    u128 g = num, b = den;
    while (b != 0) {
        u128 r = g % b;
        g = b;
        b = r;
    }
    num /= g;
    den /= g;
    if (den == 0 || num == 0 || num > u128(~std::uint64_t{0}) || den > u128(~std::uint64_t{0})) {
        throw UnitError("clock frequency " + format_frequency(frequency) + " is outside the supported range");
    }
    period_num_ = std::uint64_t(num);
    period_den_ = std::uint64_t(den);
}

ClockDomain ClockDomain::from_period(TimePs period_ps, TimePs phase_ps) {
    if (period_ps == 0) throw UnitError("a clock period must be positive");
    return ClockDomain(period_ps, 1, phase_ps);
}

TimePs ClockDomain::cycles_to_duration(std::uint64_t cycles) const {
    u128 t = u128(cycles) * period_num_ / period_den_;
    if (t > kTimeNever) throw std::overflow_error("cycle count beyond the simulated time range");
    return TimePs(t);
}

TimePs ClockDomain::cycle_start(std::uint64_t cycle) const {
    return phase_ps_ + cycles_to_duration(cycle);
}

std::uint64_t ClockDomain::cycle_at(TimePs t) const {
    if (t < phase_ps_) return 0;
    // Largest n with floor(n * num / den) <= t - phase, i.e. n * num < (t - phase + 1) * den.
    u128 rel = u128(t - phase_ps_) + 1;
    return std::uint64_t((rel * period_den_ - 1) / period_num_);
}

TimePs ClockDomain::next_edge(TimePs t) const {
    if (t <= phase_ps_) return phase_ps_;
    std::uint64_t n = cycle_at(t);
    TimePs start = cycle_start(n);
    return start == t ? t : cycle_start(n + 1);
}

TimePs ClockDomain::period_ps_floor() const {
    return period_num_ / period_den_;
}

std::string ClockDomain::describe() const {
    // The frequency is 10^12 * den / num Hz; print it exactly when that is a whole number of hertz.
    std::string text;
    if (period_num_ == 1 || (u128(period_den_) * 1000000000000ULL) % period_num_ == 0) {
        u128 hz = u128(period_den_) * 1000000000000ULL / period_num_;
        text = format_frequency(Frequency{Decimal{hz, 0}});
    } else {
        text = std::to_string(frequency_hz()) + " Hz";
    }
    return text + " (period " + format_duration_short(period_ps_floor()) + ", phase " + format_duration(phase_ps_) +
           ")";
}

}  // namespace qdes
