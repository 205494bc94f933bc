#pragma once
/// Steady-state results for the M/M/c queue (Poisson arrivals, c exponential servers, unlimited FIFO waiting room),
/// used to check simulated queues. Formulas: Kleinrock, "Queueing Systems, Volume 1: Theory" (1975), section 3.5;
/// the probability of waiting is Erlang's C formula.

namespace qdes::analysis {

struct MMcResult {
    double utilization;        ///< rho = lambda / (c mu), fraction of servers busy
    double probability_wait;   ///< Erlang C: probability an arrival waits
    double mean_wait;          ///< Wq, mean time in queue (units of 1 / rate)
    double mean_queue_length;  ///< Lq, mean number waiting
    double mean_sojourn;       ///< W = Wq + 1 / mu
    double mean_in_system;     ///< L = lambda W
};

/// Steady state of M/M/c with arrival rate `lambda`, service rate `mu` per server and `servers` servers.
/// Requires lambda < servers * mu (a stable queue); throws std::invalid_argument otherwise.
MMcResult mmc_steady_state(double lambda, double mu, int servers);

/// Erlang's C formula C(c, a) for offered load a = lambda / mu Erlang (a < c).
double erlang_c(int servers, double offered_load);

}  // namespace qdes::analysis
