// Gap sampling for sparse noise: the table sampler and the logarithm fallback draw the geometric distribution.

#include "models/quantum/noise.h"

#include <gtest/gtest.h>

#include <bit>
#include <cmath>

#include "models/quantum/fast_rng.h"
#include "models/quantum/frame_simulator.h"
#include "models/quantum/program.h"

namespace qdes::quantum {
namespace {

TEST(GeometricSampler, MatchesTheGeometricDistribution) {
    // For each p: the mean (1 - p) / p and P(gap = 0) = p, P(gap >= 4 / p) = (1 - p)^(4/p) (the table's tail
    // restart), each within 5 standard errors of 400 000 draws.
    for (double p : {0.5, 0.1, 0.01, 0.003, 0.001, 0.0002}) {
        GeometricSampler gap(p);
        FastRng rng(RandomStream(9, 1));
        const int n = 400000;
        const std::uint64_t tail_at = std::uint64_t(std::ceil(4 / p));
        double sum = 0, sum2 = 0, zero = 0, tail = 0;
        for (int i = 0; i < n; ++i) {
            const double g = double(gap(rng));
            sum += g;
            sum2 += g * g;
            zero += g == 0;
            tail += g >= double(tail_at);
        }
        const double mean = (1 - p) / p, var = (1 - p) / (p * p);
        EXPECT_NEAR(sum / n, mean, 5 * std::sqrt(var / n)) << "p=" << p;
        EXPECT_NEAR(sum2 / n - (sum / n) * (sum / n), var, 0.05 * var) << "p=" << p;
        EXPECT_NEAR(zero / n, p, 5 * std::sqrt(p * (1 - p) / n)) << "p=" << p;
        const double pt = std::pow(1 - p, double(tail_at));
        EXPECT_NEAR(tail / n, pt, 5 * std::sqrt(pt * (1 - pt) / n) + 1e-12) << "p=" << p;
    }
}

TEST(GeometricSampler, GridVisitsEachSiteWithProbabilityP) {
    // 64 rows x 4096 shots, p = 0.02, 50 passes: every row's hit count within 5 SE of its expectation, and no hit
    // outside the grid.
    GeometricSampler gap(0.02);
    FastRng rng(RandomStream(3, 4));
    std::vector<double> per_row(64, 0);
    for (int pass = 0; pass < 50; ++pass)
        for_each_hit_2d(rng, gap, 64, 4096, [&](std::uint64_t r, std::uint64_t s) {
            ASSERT_LT(r, 64u);
            ASSERT_LT(s, 4096u);
            per_row[r] += 1;
        });
    const double n = 50.0 * 4096, expect = 0.02 * n, se = std::sqrt(n * 0.02 * 0.98);
    for (double c : per_row) EXPECT_NEAR(c, expect, 5 * se);
}

}  // namespace
}  // namespace qdes::quantum

namespace qdes::quantum {
namespace {

// Layer-aligned noise (common random numbers across circuits): a layer that two circuits share draws the same
// noise in both, whatever their other layers are; without it the draws fall out of step; repeated runs, batches
// and repeated layers within a run still draw fresh noise.
TEST(LayerAlignedNoise, ASharedLayerDrawsTheSameNoiseInEveryCircuit) {
    auto frames_of = [](const char* text, bool aligned, int runs) {
        const Program p = compile(parse_circuit(text));
        FrameSimulator sim(p, 512, 5, 9);
        sim.set_layer_aligned_noise(aligned);
        sim.run();
        for (int r = 1; r < runs; ++r) sim.run_again();
        std::vector<std::vector<std::uint64_t>> rows;
        for (std::uint32_t q = 0; q < p.num_qubits; ++q)
            rows.emplace_back(sim.x_frame().row(q), sim.x_frame().row(q) + sim.x_frame().words());
        return rows;
    };
    // The second layer (X_ERROR on 3 and 4) is shared; the first differs in probability and in length.
    const char* a = "X_ERROR(0.3) 0 1 2\nTICK\nX_ERROR(0.2) 3 4\nTICK\n";
    const char* b = "X_ERROR(0.1) 0 1 2\nX_ERROR(0.4) 0 1 2 5\nTICK\nX_ERROR(0.2) 3 4\nTICK\n";
    for (int runs : {1, 3}) {
        const auto fa = frames_of(a, true, runs), fb = frames_of(b, true, runs);
        EXPECT_EQ(fa[3], fb[3]) << runs;
        EXPECT_EQ(fa[4], fb[4]) << runs;
        EXPECT_NE(fa[0], fb[0]);
        const auto ua = frames_of(a, false, runs), ub = frames_of(b, false, runs);
        EXPECT_NE(ua[3], ub[3]);  // one stream: b's longer first layer shifts the draws
    }
    // A layer that occurs twice in a run draws fresh noise the second time: the frame of qubit 3 after two equal
    // layers is not all zero (it would be if both drew the same flips), and its rate is 2 p (1 - p) within 5
    // standard errors.
    const auto twice = frames_of("X_ERROR(0.2) 3\nTICK\nX_ERROR(0.2) 3\nTICK\n", true, 1);
    std::uint64_t ones = 0;
    for (std::uint64_t w : twice[3]) ones += std::uint64_t(std::popcount(w));
    const double rate = double(ones) / 512, expected = 2 * 0.2 * 0.8;
    EXPECT_NEAR(rate, expected, 5 * std::sqrt(expected * (1 - expected) / 512));
}

}  // namespace
}  // namespace qdes::quantum
