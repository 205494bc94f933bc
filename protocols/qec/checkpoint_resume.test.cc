// Checkpoints of every kind that can be checkpointed: a run stopped part-way (its last checkpoint taken between two
// batches) and continued in a new simulation from that checkpoint ends with exactly the statistics of the run that
// was never stopped.

#include <gtest/gtest.h>

#include <cstdio>

#include "models/quantum/quantum_memory.h"
#include "protocols/lec/lec_memory.h"
#include "protocols/qec/decoding_memory.h"
#include "sim/scenario.h"
#include "sim/scenario_build.h"
#include "tests/support/test_util.h"

namespace qdes {
namespace {

ComponentRegistry registry() {
    ComponentRegistry r;
    quantum::register_quantum_components(r);
    lec::register_lec_components(r);
    qec::register_qec_components(r);
    return r;
}

BuiltScenario build(const std::string& yaml, const ComponentRegistry& reg) {
    Diagnostics d;
    std::optional<Scenario> s = load_scenario(ScenarioSource{"t.yaml", yaml}, {}, reg, d);
    EXPECT_TRUE(s) << d.to_string();
    std::optional<BuiltScenario> b = build_scenario(*s, reg, nullptr, d);
    EXPECT_TRUE(b) << d.to_string();
    return std::move(*b);
}

/// Every statistic, exactly (%.17g), except the decoder's measured CPU time.
std::string statistics_of(const Simulation& sim) {
    std::string out;
    for (const StatisticEntry& e : sim.statistics()) {
        if (e.name.find("cpu") != std::string::npos) continue;
        const StatSummary s = e.statistic->summary(sim.now());
        char line[256];
        std::snprintf(line, sizeof line, "%s %.17g %.17g %.17g %.17g %llu\n", e.name.c_str(), s.mean, s.std_error,
                      s.min, s.max, static_cast<unsigned long long>(s.count));
        out += line;
    }
    return out;
}

struct Case {
    const char* what;
    const char* yaml;
};

class CheckpointResume : public ::testing::TestWithParam<Case> {};

TEST_P(CheckpointResume, EndsExactlyWhereTheUninterruptedRunEnds) {
    const Case& c = GetParam();
    const ComponentRegistry reg = registry();
    testing::TempDir dir;
    const auto path = dir.path() / "run.h5.checkpoint";

    BuiltScenario whole = build(c.yaml, reg);
    whole.simulation->run(whole.stop);
    whole.simulation->finish();
    const std::string expected = statistics_of(*whole.simulation);

    BuiltScenario first = build(c.yaml, reg);
    first.simulation->enable_checkpoints({path, 0.0, "scenario"});
    StopCondition part = first.stop;
    part.max_events = whole.simulation->events_executed() * 3 / 5;  // a few batches in
    first.simulation->run(part);
    ASSERT_GT(first.simulation->checkpoints_written(), 1u) << "stop later";
    ASSERT_FALSE(first.simulation->pending_events() == 0) << "stop earlier";
    const Checkpoint saved = read_checkpoint(path);

    BuiltScenario second = build(c.yaml, reg);
    second.simulation->resume_from(saved);
    EXPECT_EQ(second.simulation->now(), saved.now_ps);
    second.simulation->run(second.stop);
    second.simulation->finish();
    EXPECT_EQ(statistics_of(*second.simulation), expected);
}

INSTANTIATE_TEST_SUITE_P(
    Kinds, CheckpointResume,
    ::testing::Values(
        Case{"toom_circuit",
             "name: t\nseed: 4\ncomponents:\n  memory: {kind: lec_memory, rule: toom_circuit, size: 4, p: 0.01,"
             " max_rounds: 3000, shots: 1024, batch: 128}\n"},
        Case{"toric4d_circuit",
             "name: t\nseed: 4\ncomponents:\n  memory: {kind: lec_memory, rule: toric4d_circuit, size: 2, p: 0.001,"
             " max_rounds: 500, shots: 256, batch: 64}\n"},
        Case{"decoding_memory",
             "name: t\nseed: 4\ncomponents:\n  memory: {kind: decoding_memory, code: toric2d, size: 6,"
             " noise: phenomenological, p: 0.02, decoder: union_find, shots: 4000, batch: 500}\n"},
        Case{"quantum_memory",
             "name: t\nseed: 4\ncomponents:\n  memory: {kind: quantum_memory, code: toric2d, size: 4, rounds: 4,"
             " noise: gate_depolarizing, p: 0.002, shots: 4096, batch: 512}\n"}),
    [](const ::testing::TestParamInfo<Case>& info) { return std::string(info.param.what); });

}  // namespace
}  // namespace qdes
