#pragma once
/// Float inference of a Graph with Eigen, on batches of samples.

#include <cstdint>
#include <functional>
#include <vector>

#include "models/nn/graph.h"

namespace qdes::nn {

/// Token routing seen by one mixture-of-experts node over all samples run.
struct RoutingStats {
    std::vector<std::int64_t> accepted;  ///< token-expert pairs each expert computed
    std::int64_t dropped = 0;            ///< token-expert pairs refused for lack of capacity
    std::int64_t tokens = 0;             ///< tokens routed
    std::int64_t samples = 0;
};

struct ForwardOptions {
    /// When set, routing counts of every kMoe node are added here, keyed by node index.
    std::map<int, RoutingStats>* routing = nullptr;
    /// When set, called with (node index, output batch) after each node runs: for calibration and statistics.
    std::function<void(int, const Tensor&)> observe;
};

/// Runs the network on `batch`, shaped [n, input_shape...]; returns the last node's output, [n, output...].
/// Throws ModelError when the batch's sample shape is not the network's input shape.
Tensor forward(const Graph& graph, const Tensor& batch, const ForwardOptions& options = {});

/// Runs one node on its input batches (each [n, per-sample shape...]), fake-quantizing the first input first when
/// the node says so (Node::input_scale).
Tensor run_node(const Node& node, const std::vector<const Tensor*>& inputs, RoutingStats* routing = nullptr);

/// Index of the largest value in each row of a [n, k] batch (ties: the lower index).
std::vector<int> argmax_rows(const Tensor& logits);

/// How many of the samples ([n, ...]) the network's top-1 answer gets right, run in batches of `batch`.
std::int64_t count_correct(const Graph& graph, const Tensor& samples, const std::vector<int>& labels,
                           const ForwardOptions& options = {}, std::int64_t batch = 500);

}  // namespace qdes::nn
