// The lec_memory component: one event per round, the same failure times as the batch API with the same random
// stream, and estimates consistent with the failure times.

#include "protocols/lec/lec_memory.h"
#include "protocols/lec/toom.h"

#include <gtest/gtest.h>

#include <cmath>

#include "sim/simulation.h"

namespace qdes::lec {
namespace {

TEST(LecMemory, ResultsDoNotDependOnItsThreads) {
    // 5 batches of 256 shots run ahead on 1, 2 and 4 threads: the same failure times and statistics.
    for (const char* rule : {"toom_circuit", "toom_automaton"}) {
        std::vector<FailureTimes> times;
        std::vector<std::vector<double>> stats;
        for (const char* threads : {"1", "2", "4"}) {
            Simulation sim(SimulationConfig{.seed = 3});
            ComponentKind kind = LecMemory::kind();
            ParamValues p = defaults_with(kind.params, {{"rule", rule},
                                                        {"size", "4"},
                                                        {"p", rule == std::string("toom_circuit") ? "0.01" : "0.08"},
                                                        {"max_rounds", "300"},
                                                        {"shots", "1200"},
                                                        {"batch", "256"},
                                                        {"threads", threads}});
            auto& memory = static_cast<LecMemory&>(kind.create(sim, "memory", p));
            const RunResult r = sim.run();
            sim.finish();
            EXPECT_EQ(r.reason, StopReason::kQueueEmpty);
            times.push_back(memory.failure_times());
            std::vector<double> values;
            for (const StatisticEntry& s : sim.statistics()) values.push_back(s.statistic->summary(sim.now()).mean);
            values.push_back(double(r.events));
            values.push_back(double(r.end_ps));
            stats.push_back(values);
        }
        ASSERT_EQ(times[0].times.size(), 1200u);
        for (std::size_t i = 1; i < times.size(); ++i) {
            EXPECT_EQ(times[i].times, times[0].times) << rule << " " << i;
            EXPECT_EQ(times[i].censored, times[0].censored) << rule << " " << i;
            EXPECT_EQ(stats[i], stats[0]) << rule << " " << i;
        }
    }
}

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
        o.stream_per_batch = true;  // as the component runs its batches
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
