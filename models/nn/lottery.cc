#include "models/nn/lottery.h"

#include <algorithm>
#include <cmath>

#include "models/nn/inference.h"

namespace qdes::nn {

namespace {

bool listed(const std::vector<std::string>& names, const std::string& name) {
    return std::find(names.begin(), names.end(), name) != names.end();
}

/// Name of the last convolution or fully connected node.
std::string output_layer(const Graph& graph) {
    for (auto it = graph.nodes.rbegin(); it != graph.nodes.rend(); ++it)
        if (it->op == Op::kConv || it->op == Op::kLinear) return it->name;
    throw ModelError("network '" + graph.name + "' has no convolution or fully connected layer to prune");
}

double accuracy(const Graph& graph, const Dataset& eval) {
    return static_cast<double>(count_correct(graph, eval.samples, eval.labels)) /
           static_cast<double>(std::max<std::int64_t>(eval.size(), 1));
}

/// Replaces every weight of `graph` by `from`'s, times the mask where `graph` has one.
void reset_weights(Graph& graph, const Graph& from) {
    for (std::size_t i = 0; i < graph.nodes.size(); ++i) {
        graph.nodes[i].params = from.nodes[i].params;
        for (const auto& [role, mask] : graph.nodes[i].masks) {
            Tensor& w = graph.nodes[i].param(role);
            for (std::size_t k = 0; k < w.values.size(); ++k) w.values[k] *= mask.values[k];
        }
    }
}

/// Trains from the current weights; when `rewind` is given, keeps the weights after `steps` steps in it.
void train_keeping(Graph& graph, const Dataset& data, TrainOptions o, std::int64_t steps, Graph* rewind) {
    if (rewind && steps > 0)
        o.on_step = [&](std::int64_t done, const Graph& g) {
            if (done == steps) *rewind = g;
        };
    train(graph, data, o);
}

/// The options lottery_prune reads: the fractions and the excluded names.
void check_pruning(const Graph& graph, const LotteryOptions& options) {
    if (!(options.fraction > 0 && options.fraction < 1))
        throw ModelError("fraction: " + number_text(options.fraction) + " per round is outside (0, 1)");
    if (!(options.output_fraction >= 0 && options.output_fraction < 1))
        throw ModelError("output_fraction: " + number_text(options.output_fraction) + " is outside [0, 1)");
    graph.check_names(options.exclude, "exclude");
}

}  // namespace

double prunable_density(const Graph& graph, const std::vector<std::string>& exclude) {
    double kept = 0, all = 0;
    for (const auto& pw : prunable_weights(graph, exclude)) {
        const Node& node = graph.nodes[static_cast<std::size_t>(pw.node)];
        const Tensor& w = node.param(pw.role);
        all += static_cast<double>(w.size());
        const auto it = node.masks.find(pw.role);
        if (it == node.masks.end()) {
            kept += static_cast<double>(w.size());
            continue;
        }
        for (float m : it->second.values) kept += m;
    }
    return all > 0 ? kept / all : 1.0;
}

void check_lottery(const Graph& graph, const LotteryOptions& options) {
    if (options.rounds < 0) throw ModelError("rounds: " + std::to_string(options.rounds) + " is negative");
    if (options.rewind_steps < 0) throw ModelError("rewind_steps: must be >= 0");
    check_pruning(graph, options);
    check_trainable(graph);
    output_layer(graph);
}

void lottery_prune(Graph& graph, int round, const LotteryOptions& options) {
    check_pruning(graph, options);
    const std::string output = output_layer(graph);
    auto total = [&](double p) { return 1 - std::pow(1 - p, round); };
    std::vector<std::string> hidden_exclude = options.exclude;
    if (!listed(hidden_exclude, output)) hidden_exclude.push_back(output);
    prune_magnitude(graph, total(options.fraction), options.scope, hidden_exclude);
    if (listed(options.exclude, output)) return;
    std::vector<std::string> all_but_output;
    for (const auto& pw : prunable_weights(graph))
        if (graph.nodes[static_cast<std::size_t>(pw.node)].name != output)
            all_but_output.push_back(graph.nodes[static_cast<std::size_t>(pw.node)].name);
    prune_magnitude(graph, total(options.output_fraction), PruneScope::kLayer, all_but_output);
}

std::vector<LotteryRound> find_lottery_ticket(Graph& graph, const Dataset& train_set, const Dataset& eval,
                                              const LotteryOptions& options, std::uint64_t control_seed,
                                              bool return_control,
                                              const std::function<void(const LotteryRound&)>& on_round) {
    check_lottery(graph, options);
    for (Node& node : graph.nodes) node.masks.clear();
    initialize(graph, options.init_seed);
    Graph rewind = graph;  // theta_k; theta_0 until training passes step k
    train_keeping(graph, train_set, options.train, options.rewind_steps, &rewind);
    std::vector<LotteryRound> rounds;
    LotteryRound dense{0, prunable_density(graph, options.exclude), accuracy(graph, eval), -1};
    rounds.push_back(dense);
    if (on_round) on_round(dense);
    Graph control;
    for (int r = 1; r <= options.rounds; ++r) {
        lottery_prune(graph, r, options);  // on the trained weights of the previous round
        reset_weights(graph, rewind);
        train(graph, train_set, options.train);
        LotteryRound round{r, prunable_density(graph, options.exclude), accuracy(graph, eval), -1};
        if (control_seed > 0 && (r == options.rounds || !return_control)) {
            control = graph;
            initialize(control, control_seed);
            train(control, train_set, options.train);
            round.control_accuracy = accuracy(control, eval);
        }
        rounds.push_back(round);
        if (on_round) on_round(round);
    }
    if (return_control && control_seed > 0 && options.rounds > 0) graph = std::move(control);
    return rounds;
}

}  // namespace qdes::nn
