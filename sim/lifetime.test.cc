// Lifetime estimators on synthetic data with known answers: censored exponential samples, exact fidelity curves,
// power laws and crossing curves.

#include "sim/lifetime.h"

#include <gtest/gtest.h>

#include <cmath>
#include <random>

namespace qdes {
namespace {

FailureTimes censored_exponential(std::mt19937_64& rng, double tau, double cap, int n) {
    std::exponential_distribution<double> exp(1 / tau);
    FailureTimes d;
    for (int i = 0; i < n; ++i) {
        double t = exp(rng);
        d.times.push_back(std::min(t, cap));
        d.censored.push_back(t > cap);
    }
    return d;
}

TEST(Lifetime, ChiSquareQuantile) {
    EXPECT_NEAR(chi2_1_quantile(0.95), 3.841459, 1e-5);
    EXPECT_NEAR(chi2_1_quantile(0.6827), 1.0, 1e-3);
}

TEST(Lifetime, MaximumLikelihoodWithCensoringIsUnbiasedAndTheIntervalCovers) {
    // tau = 50 with a cap at 60: about 30% of shots censored. Over 400 repetitions the 95% interval must cover the
    // truth in 95% +- 3 standard errors (1.1%) of them, and the mean estimate be within 5 standard errors.
    std::mt19937_64 rng(7);
    const double tau = 50, cap = 60;
    int covered = 0;
    double sum = 0, sum2 = 0;
    const int reps = 400;
    for (int r = 0; r < reps; ++r) {
        FailureTimes d = censored_exponential(rng, tau, cap, 500);
        LifetimeEstimate e = exponential_lifetime(d);
        covered += e.lower <= tau && tau <= e.upper;
        sum += e.tau;
        sum2 += e.tau * e.tau;
        EXPECT_EQ(e.failures + e.censored, 500u);
    }
    const double mean = sum / reps, sd = std::sqrt(sum2 / reps - mean * mean);
    EXPECT_NEAR(mean, tau, 5 * sd / std::sqrt(double(reps)));
    const double coverage = double(covered) / reps, se = std::sqrt(0.95 * 0.05 / reps);
    EXPECT_NEAR(coverage, 0.95, 3 * se);
}

TEST(Lifetime, NoFailuresGivesOnlyALowerBound) {
    FailureTimes d{{100, 100, 100}, {1, 1, 1}};
    LifetimeEstimate e = exponential_lifetime(d);
    EXPECT_TRUE(std::isinf(e.tau));
    EXPECT_TRUE(std::isinf(e.upper));
    EXPECT_NEAR(e.lower, 2 * 300 / 3.841459, 1e-3);
}

TEST(Lifetime, ExponentialCheckAcceptsExponentialAndRejectsOtherShapes) {
    std::mt19937_64 rng(3);
    FailureTimes uncensored = censored_exponential(rng, 20, 1e9, 4000);
    ExponentialCheck a = check_exponential(uncensored, 1e9);
    EXPECT_TRUE(a.consistent) << a.cv << " +- " << a.cv_std_error;
    EXPECT_NEAR(a.cv_expected, 1.0, 1e-12);
    FailureTimes capped = censored_exponential(rng, 20, 25, 4000);
    ExponentialCheck b = check_exponential(capped, 25);
    EXPECT_LT(b.cv_expected, 0.8);  // truncation narrows the spread
    EXPECT_TRUE(b.consistent) << b.cv << " vs " << b.cv_expected << " +- " << b.cv_std_error;
    // Failures that all happen near the same time (a wear-out, not a memoryless decay) fail the check.
    FailureTimes peaked;
    std::normal_distribution<double> normal(20, 2);
    for (int i = 0; i < 4000; ++i) {
        peaked.times.push_back(std::max(0.0, normal(rng)));
        peaked.censored.push_back(0);
    }
    EXPECT_FALSE(check_exponential(peaked, 1e9).consistent);
}

TEST(Lifetime, ErrorPerRound) {
    EXPECT_NEAR(error_per_round(100), 1 - std::exp(-0.01), 1e-15);
    EXPECT_THROW(error_per_round(0), std::invalid_argument);
}

TEST(Lifetime, FidelityFitRecoversTau) {
    // Binomial samples of F(t) = (1 + exp(-t / 40)) / 2 at 12 times, 20000 shots each.
    std::mt19937_64 rng(11);
    std::vector<double> t, f, n;
    for (int k = 1; k <= 12; ++k) {
        double tk = 10.0 * k, F = 0.5 * (1 + std::exp(-tk / 40));
        std::binomial_distribution<int> b(20000, F);
        t.push_back(tk);
        f.push_back(b(rng) / 20000.0);
        n.push_back(20000);
    }
    FidelityFit fit = fit_fidelity(t, f, n);
    EXPECT_NEAR(fit.tau, 40, 5 * fit.std_error);
    EXPECT_LT(fit.std_error, 2);
    EXPECT_LT(fit.chi2_per_dof, 3);
}

LifetimeEstimate with_relative_width(double tau, double sigma_log) {
    const double z = 1.959964;
    return LifetimeEstimate{tau, tau * std::exp(-z * sigma_log), tau * std::exp(z * sigma_log), 100, 0, 100 * tau};
}

TEST(Lifetime, PowerLawSlopeIsTheEffectiveDistance) {
    std::mt19937_64 rng(5);
    std::normal_distribution<double> noise(0, 0.05);
    std::vector<double> p;
    std::vector<LifetimeEstimate> tau;
    for (double x : {0.001, 0.002, 0.004, 0.008, 0.016}) {
        p.push_back(x);
        tau.push_back(with_relative_width(3.0 * std::pow(x, -2.5) * std::exp(noise(rng)), 0.05));
    }
    PowerLaw fit = fit_power_law(p, tau);
    EXPECT_NEAR(fit.exponent, 2.5, 5 * fit.std_error);
    EXPECT_LT(fit.std_error, 0.1);
}

TEST(Lifetime, ThresholdIsTheCrossingWithAnInterval) {
    // tau_L(p) = (p_th / p)^L: the curves for L = 4 and 8 cross exactly at p_th = 0.01.
    std::vector<double> p;
    std::vector<LifetimeEstimate> small, large;
    for (double x = 0.004; x < 0.025; x *= 1.25) {
        p.push_back(x);
        small.push_back(with_relative_width(std::pow(0.01 / x, 4), 0.05));
        large.push_back(with_relative_width(std::pow(0.01 / x, 8), 0.05));
    }
    Crossing c = threshold_crossing(p, small, large);
    ASSERT_TRUE(c.found);
    EXPECT_NEAR(c.p, 0.01, 2e-4);  // interpolation in log p between grid points
    EXPECT_LT(c.lower, 0.01);
    EXPECT_GT(c.upper, 0.01);
    EXPECT_GT(c.bootstrap_found_fraction, 0.99);
    // Parallel curves never cross.
    std::vector<LifetimeEstimate> shifted;
    for (const auto& e : small) shifted.push_back(with_relative_width(e.tau * 3, 0.05));
    EXPECT_FALSE(threshold_crossing(p, small, shifted).found);
}

}  // namespace
}  // namespace qdes
