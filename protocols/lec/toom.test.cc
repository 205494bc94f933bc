// Toom's rule lifetimes: the circuit and the automaton against hand-checkable facts.

#include "protocols/lec/toom.h"

#include <gtest/gtest.h>


namespace qdes::lec {
namespace {

TEST(Toom, ShotsOverCountsStrictMajorities) {
    // 5 rows, shots 0..6 with 0..6 ones spread over the rows (shot s has ones in rows < s, capped at 5).
    const std::size_t words = 1;
    std::vector<std::uint64_t> rows(5, 0);
    for (std::uint64_t s = 0; s < 7; ++s)
        for (std::uint64_t r = 0; r < std::min<std::uint64_t>(s, 5); ++r) rows[r] |= std::uint64_t(1) << s;
    std::uint64_t over = 0;
    shots_over(rows.data(), 1, 5, words, 2, &over);  // more than 2 of 5
    EXPECT_EQ(over, 0b1111000u);                     // shots 3, 4, 5, 6
}

TEST(Toom, NoNoiseNeverFailsAndCertainNoiseFailsAtOnce) {
    ToomOptions o;
    o.L = 6;
    o.max_rounds = 20;
    o.shots = 600;
    FailureTimes quiet = toom_automaton_lifetimes(o, 0.0);
    for (std::size_t i = 0; i < quiet.times.size(); ++i) {
        EXPECT_TRUE(quiet.censored[i]);
        EXPECT_EQ(quiet.times[i], 20);
    }
    FailureTimes loud = toom_automaton_lifetimes(o, 1.0);  // every bit flips every round: all wrong after round 1
    for (std::size_t i = 0; i < loud.times.size(); ++i) {
        EXPECT_FALSE(loud.censored[i]);
        EXPECT_EQ(loud.times[i], 1);
    }
    FailureTimes circuit = toom_circuit_lifetimes(o, quantum::NoiseModel{});
    for (std::size_t i = 0; i < circuit.times.size(); ++i) EXPECT_TRUE(circuit.censored[i]);
}

TEST(Toom, BelowThresholdLifetimeGrowsWithL) {
    // Well below threshold each step in L multiplies the lifetime: the 95% intervals must not even overlap.
    ToomOptions o;
    o.max_rounds = 4000;
    o.shots = 512;
    quantum::NoiseModel noise{quantum::NoiseModel::Kind::kGateBitflip, 0.004, -1, 0};
    for (ToomRule rule : {ToomRule::kCircuit, ToomRule::kAutomaton}) {
        if (rule == ToomRule::kAutomaton) noise.p = 0.03;
        LifetimeEstimate previous;
        previous.upper = 0;
        for (std::uint32_t L : {2u, 3u, 4u}) {
            o.L = L;
            LifetimeEstimate e = exponential_lifetime(toom_lifetimes(rule, o, noise));
            EXPECT_GT(e.lower, previous.upper) << "rule " << int(rule) << " L=" << L << ": tau " << e.tau;
            EXPECT_GT(e.failures, 20u) << "rule " << int(rule) << " L=" << L;
            previous = e;
        }
    }
}

}  // namespace
}  // namespace qdes::lec
