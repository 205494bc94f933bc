#include "analysis/queueing_theory.h"

#include <stdexcept>

namespace qdes::analysis {

double erlang_c(int servers, double a) {
    if (servers < 1 || a < 0 || a >= servers) throw std::invalid_argument("Erlang C needs 0 <= a < c");
    // Sum a^k / k! for k < c by recurrence, then the k = c term scaled by 1 / (1 - rho).
    double term = 1, sum = 0;
    for (int k = 0; k < servers; ++k) {
        sum += term;
        term *= a / (k + 1);
    }
    double tail = term / (1 - a / servers);
    return tail / (sum + tail);
}

MMcResult mmc_steady_state(double lambda, double mu, int servers) {
    if (lambda <= 0 || mu <= 0 || servers < 1) throw std::invalid_argument("M/M/c needs positive rates and c >= 1");
    if (lambda >= servers * mu) throw std::invalid_argument("M/M/c is unstable: lambda >= c mu");
    MMcResult r;
    double a = lambda / mu;
    r.utilization = a / servers;
    r.probability_wait = erlang_c(servers, a);
    r.mean_wait = r.probability_wait / (servers * mu - lambda);
    r.mean_queue_length = lambda * r.mean_wait;
    r.mean_sojourn = r.mean_wait + 1 / mu;
    r.mean_in_system = lambda * r.mean_sojourn;
    return r;
}

}  // namespace qdes::analysis
