// Toom's rule lifetimes: the circuit and the automaton against hand-checkable facts.

#include "protocols/lec/toom.h"

#include <gtest/gtest.h>

#include <numeric>

namespace qdes::lec {
namespace {

double mean_time(const FailureTimes& f) {
    return std::accumulate(f.times.begin(), f.times.end(), 0.0) / double(f.times.size());
}

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
    ToomOptions o;
    o.max_rounds = 2000;
    o.shots = 512;
    quantum::NoiseModel noise{quantum::NoiseModel::Kind::kGateBitflip, 0.004, -1, 0};
    double previous = 0;
    for (std::uint32_t L : {2u, 3u, 4u}) {
        o.L = L;
        double circuit = mean_time(toom_circuit_lifetimes(o, noise));
        EXPECT_GT(circuit, previous) << "L=" << L;
        previous = circuit;
    }
    previous = 0;
    for (std::uint32_t L : {2u, 3u, 4u}) {
        o.L = L;
        double automaton = mean_time(toom_automaton_lifetimes(o, 0.03));
        EXPECT_GT(automaton, previous) << "L=" << L;
        previous = automaton;
    }
}

}  // namespace
}  // namespace qdes::lec
