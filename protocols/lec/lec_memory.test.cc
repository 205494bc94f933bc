// The lec_memory component: one event per round, the same failure times as the batch API with the same random
// stream, and estimates consistent with the failure times.

#include "protocols/lec/lec_memory.h"
#include "protocols/lec/toom.h"

#include <gtest/gtest.h>

#include <cmath>

#include "sim/simulation.h"

namespace qdes::lec {
namespace {

TEST(LecMemory, ComponentRunsRoundByRoundAndMatchesTheBatchApi) {
    for (const char* rule : {"toom_circuit", "toom_automaton"}) {
        Simulation sim(SimulationConfig{.seed = 5});
        ComponentKind kind = LecMemory::kind();
        ParamValues p = defaults_with(kind.params, {{"rule", rule},
                                                    {"size", "4"},
                                                    {"p", rule == std::string("toom_circuit") ? "0.01" : "0.08"},
                                                    {"max_rounds", "400"},
                                                    {"shots", "1500"},
                                                    {"batch", "512"},
                                                    {"round_duration", "2 us"}});
        auto& memory = static_cast<LecMemory&>(kind.create(sim, "memory", p));
        RunResult r = sim.run();
        sim.finish();
        EXPECT_EQ(r.reason, StopReason::kQueueEmpty);
        const FailureTimes& got = memory.failure_times();
        ASSERT_EQ(got.times.size(), 1500u);
        // Every round was an event of 2 us, batch after batch: the last batch ends at its last round.
        double longest_last_batch = 0;
        for (std::size_t s = 1024; s < 1500; ++s) longest_last_batch = std::max(longest_last_batch, got.times[s]);
        EXPECT_EQ(r.end_ps % 2'000'000, 0u);
        EXPECT_GE(r.events, std::uint64_t(longest_last_batch));

        LecOptions o;
        o.L = 4;
        o.max_rounds = 400;
        o.shots = 1500;
        o.batch = 512;
        o.seed = 5;
        o.stream = stream_id("memory", "lec");
        quantum::NoiseModel n{quantum::NoiseModel::Kind::kGateBitflip, rule == std::string("toom_circuit") ? 0.01 : 0.08,
                              -1, 0};
        FailureTimes direct = toom_lifetimes(rule == std::string("toom_circuit") ? ToomRule::kCircuit : ToomRule::kAutomaton,
                                             o, n);
        EXPECT_EQ(got.times, direct.times) << rule;
        EXPECT_EQ(got.censored, direct.censored) << rule;

        LifetimeEstimate e = exponential_lifetime(direct);
        for (const StatisticEntry& s : sim.statistics()) {
            if (s.name != "memory.lifetime_rounds") continue;
            StatSummary sum = s.statistic->summary(sim.now());
            EXPECT_EQ(sum.kind, "estimate");
            EXPECT_DOUBLE_EQ(sum.mean, e.tau) << rule;
            EXPECT_DOUBLE_EQ(sum.min, e.lower);
            EXPECT_DOUBLE_EQ(sum.max, e.upper);
            EXPECT_EQ(sum.count, e.failures);
        }
        EXPECT_GT(e.failures, 100u) << rule;
        for (const StatisticEntry& s : sim.statistics()) {
            if (s.name != "memory.fidelity_lifetime") continue;
            StatSummary sum = s.statistic->summary(sim.now());
            // F(t) decays no faster than first failures happen: its tau is at least half the failure lifetime (the
            // two agree up to that factor for a memory whose logical value flips back and forth at random).
            EXPECT_GT(sum.mean, 0.5 * e.tau) << rule;
            EXPECT_TRUE(std::isnan(sum.std_error));
        }
    }
}

}  // namespace
}  // namespace qdes::lec
