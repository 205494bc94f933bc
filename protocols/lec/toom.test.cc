// Toom's rule lifetimes: the circuit and the automaton against hand-checkable facts.

#include "protocols/lec/toom.h"

#include <gtest/gtest.h>

#include <cmath>
#include <memory>


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
    LecOptions o;
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
    LecOptions o;
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

TEST(Toom, BiasedAutomatonFlipsEachValueAtItsOwnRate) {
    LecOptions o;
    o.L = 4;
    o.shots = 2048;
    o.max_rounds = 200;
    quantum::NoiseModel none;
    // Nothing ever turns a 0 into a 1: the stored 0 can never be lost, however often 1s would flip back.
    BiasedFlips only_down{0.0, 0.5};
    FailureTimes safe = run_lifetimes(*std::make_unique<ToomBatch>(ToomRule::kAutomaton, o, none, nullptr, &only_down), o);
    for (std::uint8_t c : safe.censored) EXPECT_TRUE(c);
    // Every 0 turns into a 1 after the first round.
    BiasedFlips only_up{1.0, 0.0};
    FailureTimes doomed = run_lifetimes(*std::make_unique<ToomBatch>(ToomRule::kAutomaton, o, none, nullptr, &only_up), o);
    for (double t : doomed.times) EXPECT_EQ(t, 1);
    // Equal rates are the symmetric automaton: the lifetimes agree within 4 combined standard errors (tau / sqrt(d)
    // each, from the exponential's Fisher information).
    o.max_rounds = 100000;
    const double q = 0.12;
    BiasedFlips even{q, q};
    const LifetimeEstimate a = exponential_lifetime(
        run_lifetimes(*std::make_unique<ToomBatch>(ToomRule::kAutomaton, o, none, nullptr, &even), o));
    const LifetimeEstimate b = exponential_lifetime(toom_automaton_lifetimes(o, q));
    const double se = std::hypot(a.tau / std::sqrt(double(a.failures)), b.tau / std::sqrt(double(b.failures)));
    EXPECT_EQ(a.failures, o.shots);
    EXPECT_LT(std::abs(a.tau - b.tau), 4 * se) << a.tau << " vs " << b.tau;
    EXPECT_THROW(ToomBatch(ToomRule::kCircuit, o, none, nullptr, &even), std::invalid_argument);
}

TEST(Toom, StateOfListsErrorsAndDomainWalls) {
    LecOptions o;
    o.L = 4;
    o.shots = 3;
    quantum::NoiseModel flips;
    flips.p = 1.0;  // every bit flips every round
    ToomBatch all(ToomRule::kAutomaton, o, flips);
    all.start(3);
    all.step();
    std::vector<SiteBit> sites;
    all.state_of(2, sites);
    ASSERT_EQ(sites.size(), 16u);  // every spin wrong, no domain wall
    for (std::size_t i = 0; i < sites.size(); ++i) {
        EXPECT_EQ(sites[i].what, SiteBit::kError);
        EXPECT_EQ(sites[i].x[0] * 4u + sites[i].x[1], i);
    }
    all.step();
    sites.clear();
    all.state_of(0, sites);
    EXPECT_TRUE(sites.empty());
    // The circuit under heavy noise: per shot, the listed errors decide the majority exactly as the failure check
    // does, and the syndrome bits are the north (0) and east (1) ancillas.
    o.shots = 64;
    ToomBatch loud(ToomRule::kCircuit, o, quantum::NoiseModel{quantum::NoiseModel::Kind::kGateBitflip, 0.15, -1, 0});
    loud.start(64);
    for (int round = 0; round < 3; ++round) {
        loud.step();
        std::uint64_t correct = 0;
        for (std::size_t s = 0; s < 64; ++s) {
            sites.clear();
            loud.state_of(s, sites);
            std::size_t errors = 0;
            for (const SiteBit& b : sites) {
                if (b.what == SiteBit::kError) ++errors;
                EXPECT_LE(b.type, b.what == SiteBit::kError ? 0 : 1);
                EXPECT_LT(b.x[0], 4);
                EXPECT_LT(b.x[1], 4);
            }
            correct += errors <= 8;
        }
        EXPECT_EQ(correct, loud.correct_now()) << "round " << round + 1;
        EXPECT_GT(correct, 0u);
        EXPECT_LT(correct, 64u);
    }
}

}  // namespace
}  // namespace qdes::lec
