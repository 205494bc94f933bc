#include "models/nn/bit_allocation.h"

#include <gtest/gtest.h>

#include <random>
#include <stdexcept>

namespace qdes::nn {
namespace {

/// Random layers with 2 or 3 options whose cost rises and penalty falls with the bits, as in quantization: integer
/// costs (bits x weights) so that the sums are exact, penalties with a random scale per layer.
std::vector<std::vector<BitOption>> random_layers(int layers, std::mt19937& rng) {
    std::uniform_int_distribution<int> weights(10, 5000), options(2, 3);
    std::uniform_real_distribution<double> sensitivity(0.01, 10.0);
    std::vector<std::vector<BitOption>> out;
    for (int i = 0; i < layers; ++i) {
        const int n = weights(rng), k = options(rng);
        const double s = sensitivity(rng);
        std::vector<BitOption> layer;
        for (int bits : {2, 4, 8}) {
            if (k == 2 && bits == 2) continue;
            // Uniform quantization error shrinks 4x per added bit: penalty ~ s n 4^-bits.
            layer.push_back({bits, double(n * bits), s * n * std::pow(4.0, -bits)});
        }
        out.push_back(layer);
    }
    return out;
}

TEST(BitAllocation, TheFrontDynamicProgramEqualsEnumeration) {
    std::mt19937 rng(17);
    int feasible = 0, mixed = 0;
    for (int trial = 0; trial < 60; ++trial) {
        const auto layers = random_layers(2 + trial % 11, rng);  // up to 12 layers, 3^12 = 531441 combinations
        double low = 0, high = 0;
        for (const auto& l : layers) low += l.front().cost, high += l.back().cost;
        // Budgets from below the cheapest to above the dearest, HAWQ-V3's low + alpha (high - low) among them.
        for (double alpha : {-0.1, 0.0, 0.25, 0.5, 0.75, 1.0}) {
            const double budget = low + alpha * (high - low);
            const BitAllocation dp = allocate_bits(layers, budget), brute = allocate_bits_brute_force(layers, budget);
            ASSERT_EQ(dp.feasible, brute.feasible) << trial << " " << alpha;
            EXPECT_DOUBLE_EQ(dp.penalty, brute.penalty) << trial << " " << alpha;
            EXPECT_LE(dp.cost, budget + (dp.feasible ? 0 : 1e300));
            // The reported totals are those of the choices.
            double cost = 0, penalty = 0;
            for (std::size_t i = 0; i < layers.size(); ++i) {
                cost += layers[i][static_cast<std::size_t>(dp.choice[i])].cost;
                penalty += layers[i][static_cast<std::size_t>(dp.choice[i])].penalty;
            }
            EXPECT_DOUBLE_EQ(cost, dp.cost);
            EXPECT_NEAR(penalty, dp.penalty, 1e-9 * penalty);
            if (dp.feasible) ++feasible;
            bool all_same = true;
            for (std::size_t i = 1; i < dp.choice.size(); ++i)
                all_same = all_same && layers[i][static_cast<std::size_t>(dp.choice[i])].bits ==
                                           layers[0][static_cast<std::size_t>(dp.choice[0])].bits;
            if (!all_same) ++mixed;
        }
    }
    EXPECT_EQ(feasible, 60 * 5);  // all but alpha = -0.1
    EXPECT_GT(mixed, 100);        // the budgets in between do mix bit widths
}

TEST(BitAllocation, HandWorkedCase) {
    // Two layers, 4 or 8 bits. Budget 12: only one layer can have 8 bits; the more sensitive one (layer 1) gets it.
    const std::vector<std::vector<BitOption>> layers{{{4, 4, 1.0}, {8, 8, 0.5}}, {{4, 4, 3.0}, {8, 8, 0.1}}};
    const BitAllocation a = allocate_bits(layers, 12);
    ASSERT_TRUE(a.feasible);
    EXPECT_EQ(a.choice, (std::vector<int>{0, 1}));
    EXPECT_DOUBLE_EQ(a.cost, 12);
    EXPECT_DOUBLE_EQ(a.penalty, 1.1);
    EXPECT_EQ(allocate_bits(layers, 16).choice, (std::vector<int>{1, 1}));
    const BitAllocation none = allocate_bits(layers, 7);
    EXPECT_FALSE(none.feasible);
    EXPECT_EQ(none.choice, (std::vector<int>{0, 0}));
    EXPECT_THROW(allocate_bits({{}}, 1), std::invalid_argument);
}

}  // namespace
}  // namespace qdes::nn
