#include "sim/statistics.h"

#include <gtest/gtest.h>

#include <cmath>

#include "sim/random.h"

namespace qdes {

TEST(Tally, MeanVarianceAndExtremes) {
    Tally t;
    for (double x : {2.0, 4.0, 4.0, 4.0, 5.0, 5.0, 7.0, 9.0}) t.add(x);
    EXPECT_EQ(t.count(), 8u);
    EXPECT_DOUBLE_EQ(t.mean(), 5.0);
    EXPECT_DOUBLE_EQ(t.variance(), 32.0 / 7.0);
    StatSummary s = t.summary(0);
    EXPECT_EQ(s.min, 2.0);
    EXPECT_EQ(s.max, 9.0);
}

// For independent observations batch means must agree with the classical sigma / sqrt(n), within the spread of
// an estimate made from 32 to 63 batches (about 1/sqrt(2 x 31) relative, so 40% is over three such spreads).
TEST(BatchMeans, StandardErrorMatchesIidFormula) {
    RandomStream r(3, 4);
    Tally t;
    const int n = 100000;
    for (int i = 0; i < n; ++i) t.add(r.normal());
    StatSummary s = t.summary(0);
    EXPECT_GE(s.batches, BatchMeans::kMinBatches);
    EXPECT_LT(s.batches, 2 * BatchMeans::kMinBatches);
    EXPECT_NEAR(s.std_error, 1.0 / std::sqrt(n), 0.4 / std::sqrt(n));
}

// An AR(1) sequence x_k = a x_{k-1} + e_k has Var(mean) ~ sigma_e^2 / (1-a)^2 / n; naive iid errors would be
// (1+a)/(1-a) = 19 times too small in variance for a = 0.9. Batch means must see the correlation.
TEST(BatchMeans, StandardErrorAccountsForCorrelation) {
    RandomStream r(8, 9);
    Tally t;
    const int n = 400000;
    const double a = 0.9;
    double x = 0;
    for (int i = 0; i < n; ++i) {
        x = a * x + r.normal();
        t.add(x);
    }
    double expected = 1.0 / (1 - a) / std::sqrt(double(n));
    EXPECT_NEAR(t.summary(0).std_error, expected, 0.4 * expected);
}

TEST(TimeAverage, IntegratesAPiecewiseConstantLevel) {
    TimeAverage q;
    q.set(0, 0);
    q.set(10, 2);  // 0 for 10 ps
    q.set(30, 1);  // 2 for 20 ps
    EXPECT_DOUBLE_EQ(q.mean(40), (0 * 10 + 2 * 20 + 1 * 10) / 40.0);
    StatSummary s = q.summary(40);
    EXPECT_EQ(s.min, 0);
    EXPECT_EQ(s.max, 2);
}

TEST(TimeAverage, ResetStartsAtTheCurrentLevel) {
    TimeAverage q;
    q.set(0, 5);
    q.reset(100);
    q.set(200, 1);
    EXPECT_DOUBLE_EQ(q.mean(300), (5 * 100 + 1 * 100) / 200.0);
}

// A level that alternates 0/1 in independent exponential holding times of mean 1 us: mean 1/2, and the batch-means
// error must shrink like 1/sqrt(T) (checked against a long-run estimate of the asymptotic variance, 40%).
TEST(TimeAverage, BatchMeansErrorIsReasonable) {
    RandomStream r(11, 12);
    TimeAverage q;
    TimePs t = 0;
    int level = 0;
    q.set(0, 0);
    for (int i = 0; i < 200000; ++i) {
        t += TimePs(r.exponential(1e6));
        level ^= 1;
        q.set(t, level);
    }
    StatSummary s = q.summary(t);
    EXPECT_NEAR(s.mean, 0.5, 5 * s.std_error);
    // A telegraph process switching at rate 1/m has autocovariance e^{-2|tau|/m} / 4, so the time average over T
    // has asymptotic variance (1/T) * integral of it = m / (4 T).
    double expected = std::sqrt(1e6 / (4.0 * double(t)));
    EXPECT_NEAR(s.std_error, expected, 0.4 * expected);
}

}  // namespace qdes
