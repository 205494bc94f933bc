// Gap sampling for sparse noise: the table sampler and the logarithm fallback draw the geometric distribution.

#include "models/quantum/noise.h"

#include <gtest/gtest.h>

#include <cmath>

#include "models/quantum/fast_rng.h"

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
