#pragma once
/// Exact per-layer bit allocation under one budget, with no solver (HAWQ-V3 states it as an integer linear program;
/// Yao et al., ICML 2021): choose one option per layer, minimising the summed penalty (e.g. HAWQ-V2's
/// Tr(H_i)/n_i ||W_i - Q_b(W_i)||^2) subject to the summed cost (model size, BOPS, latency) staying within the
/// budget.
///
/// allocate_bits is exact: a dynamic program over layers that keeps, after each layer, every partial allocation
/// that no other beats on both cost and penalty (the Pareto front), so nothing is discretised. Its size is bounded
/// by the number of distinct partial costs; with 2-3 options and tens of layers it stays small.
/// allocate_bits_brute_force enumerates every combination, for checks.

#include <cstdint>
#include <vector>

namespace qdes::nn {

struct BitOption {
    int bits = 8;
    double cost = 0;     ///< what the budget limits
    double penalty = 0;  ///< what is minimised
};

struct BitAllocation {
    bool feasible = false;    ///< some choice fits the budget
    std::vector<int> choice;  ///< per layer, the index into its options
    double cost = 0, penalty = 0;
};

/// `options[i]` lists layer i's choices (at least one each). Of allocations with equal penalty the cheaper wins.
/// When nothing fits: the cheapest allocation, with feasible = false.
BitAllocation allocate_bits(const std::vector<std::vector<BitOption>>& options, double budget);

/// The same by enumeration (refuses more than 2^24 combinations, throwing std::invalid_argument).
BitAllocation allocate_bits_brute_force(const std::vector<std::vector<BitOption>>& options, double budget);

}  // namespace qdes::nn
