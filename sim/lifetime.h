#pragma once
/// Estimators for memory-lifetime studies: the exponential lifetime from right-censored failure times with a
/// likelihood-ratio interval, the exponentiality check, the logical error per round, the fit of the logical
/// fidelity F(t) = (1 + exp(-t / tau)) / 2, the effective distance D_eff (slope of log tau against log p), and the
/// threshold as the crossing of tau(p) curves for two sizes with a bootstrap interval.

#include <cstdint>
#include <limits>
#include <vector>

namespace qdes {

/// Failure times of shots (in rounds or seconds); censored[i] means shot i was still alive at times[i] when the
/// run stopped (right-censored), not that it failed then.
struct FailureTimes {
    std::vector<double> times;
    std::vector<std::uint8_t> censored;
};

struct LifetimeEstimate {
    double tau = 0;      ///< maximum-likelihood mean lifetime: total time at risk / failures
    double lower = 0;    ///< likelihood-ratio confidence interval
    double upper = std::numeric_limits<double>::infinity();
    std::uint64_t failures = 0;
    std::uint64_t censored = 0;
    double time_at_risk = 0;  ///< sum of all times, failed or censored
};

/// Exponential lifetime with right censoring: the log-likelihood is -d ln(tau) - T / tau (d failures, T total time
/// at risk), maximised at tau = T / d; the interval holds the tau whose likelihood-ratio statistic is below the
/// chi-square(1) quantile of `confidence`. With no failure, tau is infinite and only the lower bound is finite.
LifetimeEstimate exponential_lifetime(const FailureTimes& data, double confidence = 0.95);

/// Logical error per round for a lifetime tau in rounds: 1 - exp(-1 / tau).
double error_per_round(double tau_rounds);

/// Coefficient of variation of the observed failure times against what an exponential lifetime predicts: 1 without
/// censoring, less when every shot is censored at `cap` (the failures then follow an exponential truncated at cap).
struct ExponentialCheck {
    double cv = 0;           ///< of the failure times observed
    double cv_std_error = 0; ///< bootstrap standard error
    double cv_expected = 1;  ///< for an exponential with the estimated tau, truncated at the cap
    bool consistent = false; ///< |cv - cv_expected| <= 3 standard errors
};
ExponentialCheck check_exponential(const FailureTimes& data, double cap, std::uint64_t seed = 1);

/// F(t) = (1 + exp(-t / tau)) / 2 fitted by weighted least squares to measured fidelities `f` at times `t` from
/// `shots` shots each (binomial weights); returns tau and its standard error from the curvature.
struct FidelityFit {
    double tau = 0;
    double std_error = 0;
    double chi2_per_dof = 0;
};
FidelityFit fit_fidelity(const std::vector<double>& t, const std::vector<double>& f, const std::vector<double>& shots);

/// Weighted least-squares slope of log(tau) against log(p): the effective distance is -slope. Each tau's weight
/// comes from its interval (sigma of log tau = (log upper - log lower) / (2 z)).
struct PowerLaw {
    double exponent = 0;  ///< D_eff: tau ~ p^(-exponent)
    double std_error = 0;
    double log_prefactor = 0;
};
PowerLaw fit_power_law(const std::vector<double>& p, const std::vector<LifetimeEstimate>& tau, double confidence = 0.95);

/// Where tau(p) for a smaller and a larger size cross (in log p, by linear interpolation of log tau between the
/// points that bracket the sign change of log tau_large - log tau_small). The interval comes from a parametric
/// bootstrap: each tau drawn log-normally with the width of its interval.
struct Crossing {
    bool found = false;
    double p = 0;
    double lower = 0, upper = 0;  ///< bootstrap percentile interval
    double bootstrap_found_fraction = 0;
};
Crossing threshold_crossing(const std::vector<double>& p, const std::vector<LifetimeEstimate>& small,
                            const std::vector<LifetimeEstimate>& large, double confidence = 0.95,
                            std::uint64_t seed = 1, int resamples = 2000);

/// The chi-square(1) quantile for a two-sided confidence level (3.841 for 0.95).
double chi2_1_quantile(double confidence);

}  // namespace qdes
