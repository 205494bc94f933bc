#pragma once
/// Lottery tickets: iterative magnitude pruning with rewinding (Frankle & Carbin, ICLR 2019; rewinding to an early
/// iteration from Frankle et al. 2020, open_lth's --rewinding_steps), and the random re-initialisation control.
///
/// 1. Initialise theta_0 (PyTorch's default, seeded), train, keeping theta_k after k steps (k = 0: theta_0).
/// 2. Each round prunes the fraction p of the surviving weights with the smallest trained |w| (per layer, the
///    output layer at its own rate; or one global threshold), resets the survivors to theta_k and trains again with
///    the mask fixed. After r rounds the density of the pruned layers is (1 - p)^r.
/// 3. The control trains the same mask from a fresh initialisation (another seed) instead of theta_k.
///
/// Every training uses the same options (and so the same sample order).

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "models/nn/dataset.h"
#include "models/nn/graph.h"
#include "models/nn/prune.h"
#include "models/nn/train.h"

namespace qdes::nn {

struct LotteryOptions {
    int rounds = 5;
    double fraction = 0.2;         ///< of the surviving weights, per round
    double output_fraction = 0.1;  ///< the same for the last weighted layer (Frankle & Carbin's LeNet: half)
    PruneScope scope = PruneScope::kLayer;
    std::vector<std::string> exclude;  ///< layers never pruned
    std::int64_t rewind_steps = 0;     ///< reset to the weights after this many steps (0: the initialisation)
    std::uint64_t init_seed = 1;
    TrainOptions train;
};

struct LotteryRound {
    int round = 0;                 ///< 0: the dense network
    double density = 1;            ///< kept fraction of the prunable weights
    double accuracy = 0;           ///< the ticket's top-1 on the evaluation set after training
    double control_accuracy = -1;  ///< the same mask from a fresh initialisation (when asked for), else -1
};

/// Runs the procedure on `graph`'s architecture (its weights are replaced). Accuracy is measured on `eval` after
/// every round. When `control_seed` is set (> 0), each round also trains the control from that seed (only the last
/// round when `return_control`). On return, `graph` is the last round's trained ticket, or the trained control
/// when `return_control` is set.
/// `on_round` (optional) is called after each round.
std::vector<LotteryRound> find_lottery_ticket(Graph& graph, const Dataset& train_set, const Dataset& eval,
                                              const LotteryOptions& options, std::uint64_t control_seed = 0,
                                              bool return_control = false,
                                              const std::function<void(const LotteryRound&)>& on_round = {});

/// Checks the options against the network without training: the rounds, rewinding step and fractions, the excluded
/// names, that the trainer handles every node and that there is a layer to prune. Throws ModelError naming the
/// option ("fraction: ...").
void check_lottery(const Graph& graph, const LotteryOptions& options);

/// Prunes `graph` (already trained) so that `1 - (1 - fraction)^round` of each prunable layer's weights are gone,
/// the last weighted layer at `output_fraction` instead (layer scope), by magnitude; masks accumulate.
void lottery_prune(Graph& graph, int round, const LotteryOptions& options);

/// The kept fraction of the prunable weights (those named by prunable_weights, after `exclude`).
double prunable_density(const Graph& graph, const std::vector<std::string>& exclude = {});

}  // namespace qdes::nn
