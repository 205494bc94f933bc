#include "models/nn/mixed_precision.h"

#include <gtest/gtest.h>

#include <map>

#include "models/nn/bit_allocation.h"
#include "models/nn/dataset.h"
#include "models/nn/model_file.h"
#include "tests/support/test_util.h"

namespace qdes::nn {
namespace {

using testing::nn_fixture;

TEST(MixedPrecision, LatencyBudgetAllocatesExactlyOnTheCallersCosts) {
    // A made-up latency model, not monotone in the width (4 bits dearer than 8 on fc2), so the budget's ends are
    // each layer's cheapest and dearest widths, not the all-narrow and all-wide allocations.
    Graph g = read_model(nn_fixture("digits_mlp.h5"));
    const Dataset train = load_dataset("digits", "train");
    const std::vector<int> labels(train.labels.begin(), train.labels.begin() + 64);
    std::map<std::pair<std::string, int>, double> table = {
        {{"fc1", 2}, 10}, {{"fc1", 4}, 20}, {{"fc1", 8}, 40}, {{"fc2", 2}, 5}, {{"fc2", 4}, 30},
        {{"fc2", 8}, 20}, {{"fc3", 2}, 1},  {{"fc3", 4}, 2},  {{"fc3", 8}, 3},
    };
    MixedPrecisionOptions o;
    o.bits = {2, 4, 8};
    o.budget = BitBudget::kLatency;
    o.alpha = 0.4;
    o.probes = 4;
    int calls = 0;
    o.latency = [&](int node, int bits) {
        ++calls;
        return table.at({g.nodes[static_cast<std::size_t>(node)].name, bits});
    };
    const MixedPrecisionReport r = quantize_mixed_precision(g, train.batch(0, 64), labels, o);
    EXPECT_EQ(calls, 9);
    ASSERT_EQ(r.layers.size(), 3u);
    // Cheapest 10 + 5 + 1 = 16, dearest 40 + 30 + 3 = 73: budget 16 + 0.4 x 57.
    EXPECT_DOUBLE_EQ(r.budget, 16 + 0.4 * 57);
    std::vector<std::vector<BitOption>> options;
    double cost = 0;
    for (const LayerPrecision& l : r.layers) {
        ASSERT_EQ(l.cost.size(), 3u);
        const double sensitivity = std::max(l.trace, 0.0) / static_cast<double>(l.weights);
        options.push_back({});
        for (std::size_t k = 0; k < 3; ++k) {
            EXPECT_EQ(l.cost[k], table.at({l.name, o.bits[k]}));
            options.back().push_back({o.bits[k], l.cost[k], sensitivity * l.error[k]});
        }
        cost += table.at({l.name, l.bits});
        EXPECT_EQ(g.nodes[static_cast<std::size_t>(g.find(l.name))].weight_bits, l.bits);
    }
    const BitAllocation best = allocate_bits_brute_force(options, r.budget);
    ASSERT_TRUE(best.feasible);
    for (std::size_t i = 0; i < r.layers.size(); ++i)
        EXPECT_EQ(r.layers[i].bits, o.bits[static_cast<std::size_t>(best.choice[i])]) << r.layers[i].name;
    EXPECT_DOUBLE_EQ(r.cost, cost);
    EXPECT_LE(r.cost, r.budget);
    // Without a latency model the budget is refused, by name.
    Graph fresh = read_model(nn_fixture("digits_mlp.h5"));
    o.latency = nullptr;
    try {
        check_mixed_precision(fresh, o);
        FAIL();
    } catch (const ModelError& e) {
        EXPECT_EQ(std::string(e.what()).rfind("budget:", 0), 0u) << e.what();
    }
}

}  // namespace
}  // namespace qdes::nn
