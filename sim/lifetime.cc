#include "sim/lifetime.h"

#include <algorithm>
#include <cmath>
#include <random>
#include <stdexcept>

namespace qdes {

namespace {

/// x with f(x) = 0 for f increasing on [lo, hi], by bisection.
template <class F>
double bisect(F&& f, double lo, double hi) {
    for (int i = 0; i < 200; ++i) {
        double mid = 0.5 * (lo + hi);
        if (f(mid) < 0)
            lo = mid;
        else
            hi = mid;
    }
    return 0.5 * (lo + hi);
}

double normal_quantile_two_sided(double confidence) {
    // z with P(|Z| <= z) = confidence.
    return bisect([&](double z) { return std::erf(z / std::sqrt(2.0)) - confidence; }, 0.0, 40.0);
}

double sigma_log(const LifetimeEstimate& e, double z) {
    if (!std::isfinite(e.upper) || e.lower <= 0) return std::numeric_limits<double>::infinity();
    return (std::log(e.upper) - std::log(e.lower)) / (2 * z);
}

}  // namespace

double chi2_1_quantile(double confidence) {
    if (!(confidence > 0 && confidence < 1)) throw std::invalid_argument("confidence must be in (0, 1)");
    double z = normal_quantile_two_sided(confidence);
    return z * z;
}

LifetimeEstimate exponential_lifetime(const FailureTimes& data, double confidence) {
    if (data.times.size() != data.censored.size())
        throw std::invalid_argument("failure times and censored flags differ in length");
    LifetimeEstimate e;
    for (std::size_t i = 0; i < data.times.size(); ++i) {
        if (!(data.times[i] >= 0)) throw std::invalid_argument("failure times must be non-negative");
        e.time_at_risk += data.times[i];
        if (data.censored[i])
            ++e.censored;
        else
            ++e.failures;
    }
    const double q = chi2_1_quantile(confidence);
    const double T = e.time_at_risk, d = double(e.failures);
    if (e.failures == 0) {
        e.tau = std::numeric_limits<double>::infinity();
        e.lower = T > 0 ? 2 * T / q : 0;  // 2 (0 - (-T / tau)) = q
        return e;
    }
    e.tau = T / d;
    const double best = -d * std::log(e.tau) - d;
    // Likelihood-ratio statistic as a function of log tau: zero at the maximum, growing on both sides.
    auto statistic = [&](double log_tau) { return 2 * (best - (-d * log_tau - T * std::exp(-log_tau))) - q; };
    const double center = std::log(e.tau);
    e.lower = std::exp(bisect([&](double x) { return -statistic(x); }, center - 60, center));
    e.upper = std::exp(bisect(statistic, center, center + 60));
    return e;
}

double error_per_round(double tau_rounds) {
    if (!(tau_rounds > 0)) throw std::invalid_argument("tau must be positive");
    return -std::expm1(-1 / tau_rounds);
}

ExponentialCheck check_exponential(const FailureTimes& data, double cap, std::uint64_t seed) {
    std::vector<double> failed;
    bool any_censored = false;
    for (std::size_t i = 0; i < data.times.size(); ++i) {
        if (data.censored[i])
            any_censored = true;
        else
            failed.push_back(data.times[i]);
    }
    if (failed.size() < 10) throw std::invalid_argument("the exponential check needs at least 10 failures");
    auto cv_of = [](const std::vector<double>& v) {
        double mean = 0;
        for (double x : v) mean += x;
        mean /= double(v.size());
        double ss = 0;
        for (double x : v) ss += (x - mean) * (x - mean);
        return std::sqrt(ss / double(v.size() - 1)) / mean;
    };
    ExponentialCheck c;
    c.cv = cv_of(failed);
    std::mt19937_64 rng(seed);
    std::uniform_int_distribution<std::size_t> pick(0, failed.size() - 1);
    std::vector<double> resample(failed.size());
    double s1 = 0, s2 = 0;
    const int kResamples = 400;
    for (int r = 0; r < kResamples; ++r) {
        for (double& x : resample) x = failed[pick(rng)];
        double v = cv_of(resample);
        s1 += v;
        s2 += v * v;
    }
    c.cv_std_error = std::sqrt(std::max(0.0, s2 / kResamples - (s1 / kResamples) * (s1 / kResamples)));
    const double tau = exponential_lifetime(data).tau;
    if (any_censored && std::isfinite(cap)) {
        // Moments of an exponential truncated to [0, cap].
        const double e = std::exp(-cap / tau), w = e / (1 - e);
        const double m1 = tau - cap * w;
        const double m2 = 2 * tau * tau - (cap * cap + 2 * tau * cap) * w;
        c.cv_expected = std::sqrt(std::max(0.0, m2 - m1 * m1)) / m1;
    }
    c.consistent = std::abs(c.cv - c.cv_expected) <= 3 * c.cv_std_error;
    return c;
}

FidelityFit fit_fidelity(const std::vector<double>& t, const std::vector<double>& f, const std::vector<double>& shots) {
    if (t.size() != f.size() || t.size() != shots.size() || t.size() < 2)
        throw std::invalid_argument("fit_fidelity needs at least two (t, F, shots) points of equal count");
    auto chi2 = [&](double log_tau) {
        const double tau = std::exp(log_tau);
        double s = 0;
        for (std::size_t k = 0; k < t.size(); ++k) {
            const double model = 0.5 * (1 + std::exp(-t[k] / tau));
            const double var = std::max(f[k] * (1 - f[k]), 1.0 / shots[k]) / shots[k];
            s += (f[k] - model) * (f[k] - model) / var;
        }
        return s;
    };
    const double t_max = *std::max_element(t.begin(), t.end());
    double lo = std::log(std::max(t_max, 1e-300) * 1e-4), hi = std::log(std::max(t_max, 1e-300) * 1e4);
    // Golden-section search: chi2 is unimodal in log tau for fidelities between 1/2 and 1.
    const double g = (std::sqrt(5.0) - 1) / 2;
    double a = hi - g * (hi - lo), b = lo + g * (hi - lo), fa = chi2(a), fb = chi2(b);
    for (int i = 0; i < 200; ++i) {
        if (fa < fb) {
            hi = b;
            b = a;
            fb = fa;
            a = hi - g * (hi - lo);
            fa = chi2(a);
        } else {
            lo = a;
            a = b;
            fa = fb;
            b = lo + g * (hi - lo);
            fb = chi2(b);
        }
    }
    FidelityFit fit;
    const double x = 0.5 * (lo + hi);
    fit.tau = std::exp(x);
    const double h = 1e-3;
    const double second = (chi2(x + h) - 2 * chi2(x) + chi2(x - h)) / (h * h);  // in log tau
    fit.std_error = second > 0 ? fit.tau * std::sqrt(2 / second) : std::numeric_limits<double>::infinity();
    fit.chi2_per_dof = chi2(x) / double(t.size() - 1);
    return fit;
}

PowerLaw fit_power_law(const std::vector<double>& p, const std::vector<LifetimeEstimate>& tau, double confidence) {
    if (p.size() != tau.size()) throw std::invalid_argument("fit_power_law: p and tau differ in length");
    const double z = normal_quantile_two_sided(confidence);
    double sw = 0, sx = 0, sy = 0, sxx = 0, sxy = 0;
    int used = 0;
    for (std::size_t k = 0; k < p.size(); ++k) {
        const double s = sigma_log(tau[k], z);
        if (!std::isfinite(s) || !std::isfinite(tau[k].tau) || s <= 0) continue;
        const double w = 1 / (s * s), x = std::log(p[k]), y = std::log(tau[k].tau);
        sw += w;
        sx += w * x;
        sy += w * y;
        sxx += w * x * x;
        sxy += w * x * y;
        ++used;
    }
    if (used < 2) throw std::invalid_argument("fit_power_law needs two points with finite lifetimes and intervals");
    const double det = sw * sxx - sx * sx;
    PowerLaw out;
    const double slope = (sw * sxy - sx * sy) / det;
    out.exponent = -slope;
    out.std_error = std::sqrt(sw / det);
    out.log_prefactor = (sy - slope * sx) / sw;
    return out;
}

namespace {

bool crossing_of(const std::vector<double>& logp, const std::vector<double>& diff, double& at) {
    for (std::size_t k = 0; k + 1 < diff.size(); ++k) {
        if (diff[k] > 0 && diff[k + 1] <= 0) {
            at = logp[k] + (logp[k + 1] - logp[k]) * diff[k] / (diff[k] - diff[k + 1]);
            return true;
        }
    }
    return false;
}

}  // namespace

Crossing threshold_crossing(const std::vector<double>& p, const std::vector<LifetimeEstimate>& small,
                            const std::vector<LifetimeEstimate>& large, double confidence, std::uint64_t seed,
                            int resamples) {
    if (p.size() != small.size() || p.size() != large.size())
        throw std::invalid_argument("threshold_crossing: p and the lifetimes differ in length");
    std::vector<std::size_t> order(p.size());
    for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
    std::sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return p[a] < p[b]; });
    const double z = normal_quantile_two_sided(confidence);
    std::vector<double> logp, mean_s, mean_l, sig_s, sig_l;
    for (std::size_t i : order) {
        if (!std::isfinite(small[i].tau) || !std::isfinite(large[i].tau)) continue;  // no failures: no estimate
        logp.push_back(std::log(p[i]));
        mean_s.push_back(std::log(small[i].tau));
        mean_l.push_back(std::log(large[i].tau));
        sig_s.push_back(std::min(sigma_log(small[i], z), 10.0));
        sig_l.push_back(std::min(sigma_log(large[i], z), 10.0));
    }
    Crossing c;
    std::vector<double> diff(logp.size());
    for (std::size_t k = 0; k < diff.size(); ++k) diff[k] = mean_l[k] - mean_s[k];
    double at = 0;
    c.found = crossing_of(logp, diff, at);
    if (c.found) c.p = std::exp(at);
    std::mt19937_64 rng(seed);
    std::normal_distribution<double> normal;
    std::vector<double> found;
    for (int r = 0; r < resamples; ++r) {
        for (std::size_t k = 0; k < diff.size(); ++k)
            diff[k] = (mean_l[k] + sig_l[k] * normal(rng)) - (mean_s[k] + sig_s[k] * normal(rng));
        if (crossing_of(logp, diff, at)) found.push_back(at);
    }
    c.bootstrap_found_fraction = resamples ? double(found.size()) / resamples : 0;
    if (!found.empty()) {
        std::sort(found.begin(), found.end());
        const double alpha = (1 - confidence) / 2;
        c.lower = std::exp(found[std::size_t(alpha * double(found.size() - 1))]);
        c.upper = std::exp(found[std::size_t((1 - alpha) * double(found.size() - 1))]);
    }
    return c;
}

}  // namespace qdes
