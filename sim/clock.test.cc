#include "sim/clock.h"

#include <gtest/gtest.h>

namespace qdes {

TEST(ClockDomain, WholePicosecondPeriod) {
    ClockDomain c = ClockDomain::from_period(1000, 250);
    EXPECT_EQ(c.cycle_start(0), 250u);
    EXPECT_EQ(c.cycle_start(3), 3250u);
    EXPECT_EQ(c.cycle_at(3249), 2u);
    EXPECT_EQ(c.cycle_at(3250), 3u);
    EXPECT_EQ(c.cycle_at(0), 0u);
    EXPECT_EQ(c.next_edge(3250), 3250u);
    EXPECT_EQ(c.next_edge(3251), 4250u);
    EXPECT_EQ(c.next_edge(0), 250u);
}

TEST(ClockDomain, FractionalPeriodDoesNotDrift) {
    ClockDomain c(parse_frequency("1.2 GHz"));  // 833 1/3 ps
    EXPECT_EQ(c.cycle_start(3), 2500u);
    EXPECT_EQ(c.cycle_start(1'200'000'000), kSecond);  // exactly one second after 1.2e9 cycles
    EXPECT_EQ(c.cycle_start(1), 833u);
    EXPECT_EQ(c.period_ps_floor(), 833u);
    // cycle_at inverts cycle_start at every edge and just before it.
    for (std::uint64_t n = 1; n < 5000; n += 7) {
        EXPECT_EQ(c.cycle_at(c.cycle_start(n)), n);
        EXPECT_EQ(c.cycle_at(c.cycle_start(n) - 1), n - 1);
    }
}

TEST(ClockDomain, FrequencyAndDescription) {
    ClockDomain c(parse_frequency("1.2 GHz"), 100);
    EXPECT_NEAR(c.frequency_hz(), 1.2e9, 1e-3);
    EXPECT_EQ(c.describe(), "1.2 GHz (period 833 ps, phase 100 ps)");
}

}  // namespace qdes
