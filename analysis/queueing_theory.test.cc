#include "analysis/queueing_theory.h"

#include <gtest/gtest.h>

#include <cmath>
#include <map>

#include "sim/queueing/queueing.h"
#include "sim/scenario.h"
#include "sim/scenario_build.h"
#include "tests/support/test_util.h"

namespace qdes::analysis {
namespace {

/// Runs a scenario file from the library (with overrides) and returns its statistics by name.
std::map<std::string, StatSummary> run_library_scenario(const std::string& relative_path,
                                                        const std::vector<std::string>& overrides = {}) {
    ComponentRegistry registry;
    register_queueing_components(registry);
    Diagnostics d;
    auto source = read_scenario_file(qdes::testing::source_dir() / relative_path, d);
    EXPECT_TRUE(source) << d.to_string();
    auto scenario = load_scenario(*source, overrides, registry, d);
    EXPECT_TRUE(scenario) << d.to_string();
    auto built = build_scenario(*scenario, registry, nullptr, d);
    EXPECT_TRUE(built) << d.to_string();
    built->simulation->run(built->stop);
    std::map<std::string, StatSummary> stats;
    for (const StatisticEntry& e : built->simulation->statistics()) {
        stats[e.name] = e.statistic->summary(built->simulation->now());
    }
    return stats;
}

/// |measured - expected| within `k` batch-means standard errors, and the error small enough to mean something.
void expect_within(const StatSummary& s, double expected, double k, const std::string& what) {
    EXPECT_LT(s.std_error, 0.05 * std::abs(expected)) << what << ": too few observations for a real check";
    EXPECT_NEAR(s.mean, expected, k * s.std_error) << what << " (std error " << s.std_error << ")";
}

}  // namespace

TEST(ErlangC, SingleServerWaitProbabilityIsTheLoad) {
    for (double rho : {0.1, 0.5, 0.8, 0.99}) EXPECT_NEAR(erlang_c(1, rho), rho, 1e-12);
}

// C(2, 1) = (1/2 * 1/(1-1/2)) / (1 + 1 + 1) = 1/3, by hand from the formula.
TEST(ErlangC, TwoServersByHand) {
    EXPECT_NEAR(erlang_c(2, 1.0), 1.0 / 3.0, 1e-12);
}

TEST(MMc, MM1ClosedForms) {
    MMcResult r = mmc_steady_state(0.8, 1.0, 1);
    EXPECT_NEAR(r.mean_wait, 4.0, 1e-12);          // rho / (mu - lambda)
    EXPECT_NEAR(r.mean_queue_length, 3.2, 1e-12);  // rho^2 / (1 - rho)
    EXPECT_NEAR(r.mean_in_system, 4.0, 1e-12);     // rho / (1 - rho)
    EXPECT_THROW(mmc_steady_state(1.0, 1.0, 1), std::invalid_argument);
}

// The scenario library's M/M/1 (rho = 0.8, 400 000 customers after warm-up) against theory. Tolerance: 4 batch-
// means standard errors for each quantity (a false alarm about once in 16 000 per quantity for a normal estimate).
TEST(MMcScenarios, MM1MatchesTheory) {
    auto stats = run_library_scenario("scenarios/queueing/mm1.yaml", {"record.trace=[]"});
    MMcResult theory = mmc_steady_state(0.8e6, 1.0e6, 1);  // rates per second
    expect_within(stats["queue.wait"], theory.mean_wait, 4, "M/M/1 mean wait");
    expect_within(stats["queue.length"], theory.mean_queue_length, 4, "M/M/1 mean queue length");
    expect_within(stats["server.utilization"], theory.utilization, 4, "M/M/1 utilisation");
    expect_within(stats["sink.sojourn"], theory.mean_sojourn, 4, "M/M/1 mean sojourn");
}

TEST(MMcScenarios, MM4MatchesErlangC) {
    auto stats = run_library_scenario("scenarios/queueing/mmc.yaml");
    MMcResult theory = mmc_steady_state(3.2e6, 1.0e6, 4);
    EXPECT_NEAR(theory.probability_wait, 0.5964, 1e-4);  // the value quoted in the scenario file
    expect_within(stats["queue.wait"], theory.mean_wait, 4, "M/M/4 mean wait");
    expect_within(stats["queue.length"], theory.mean_queue_length, 4, "M/M/4 mean queue length");
    expect_within(stats["server.utilization"], theory.utilization, 4, "M/M/4 utilisation");
}

// Other seeds and loads, shorter: the agreement is not an accident of one seed.
TEST(MMcScenarios, OtherSeedsAndLoadsMatchTheory) {
    for (auto [seed, servers, interarrival] :
         std::vector<std::tuple<int, int, std::string>>{{2, 1, "2 us"}, {3, 2, "800 ns"}, {4, 8, "150 ns"}}) {
        auto stats = run_library_scenario(
            "scenarios/queueing/mmc.yaml",
            {"seed=" + std::to_string(seed), "components.server.servers=" + std::to_string(servers),
             "components.arrivals.interarrival=" + interarrival, "stop.when.at_least=200000"});
        double lambda = 1e12 / double(parse_duration(interarrival));
        MMcResult theory = mmc_steady_state(lambda, 1.0e6, servers);
        std::string what = "seed " + std::to_string(seed) + ", c = " + std::to_string(servers);
        expect_within(stats["queue.wait"], theory.mean_wait, 4, what + " wait");
        expect_within(stats["server.utilization"], theory.utilization, 4, what + " utilisation");
    }
}

}  // namespace qdes::analysis
