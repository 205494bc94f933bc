#pragma once
/// Mixed-precision weight quantization from Hessian traces (HAWQ-V2 sensitivity, HAWQ-V3 budgeted allocation):
/// 1. batch norm is folded, so the traces belong to the weights that get quantized;
/// 2. per layer i, Tr(H_i) by Hutchinson on training samples (models/nn/hessian.h) and, per candidate bit width b,
///    the quantization error Delta_i(b) = ||W_i - Q_b(W_i)||^2 under the same quantizer that is applied after;
/// 3. penalty_i(b) = Tr(H_i) / n_i x Delta_i(b) (or Delta_i(b) alone, the trace-blind control), cost_i(b) the
///    layer's size (n_i b bits), BOPS (MACs_i x b x activation bits) or latency (the caller's model: nn_model runs
///    the layer on its accelerator, as HAWQ-V3 profiles each layer on the target hardware);
/// 4. the budget is the sum of each layer's cheapest width + alpha (sum of its dearest - that) (HAWQ-V3's
///    notebook: 0.5), and the exact allocation (models/nn/bit_allocation.h) picks one width per layer;
/// 5. each layer's Node::weight_bits is set and the weights are quantized.

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "models/nn/graph.h"
#include "models/nn/quantize.h"

namespace qdes::nn {

enum class BitBudget { kSize, kBops, kLatency };

struct MixedPrecisionOptions {
    std::vector<int> bits{4, 8};  ///< candidate widths, 2..16
    BitBudget budget = BitBudget::kSize;
    double alpha = 0.5;     ///< where the budget lies between all-lowest (0) and all-highest (1)
    bool use_trace = true;  ///< false: the penalty is the quantization error alone (a control)
    int probes = 50;        ///< Hutchinson probes per layer (stops early at a 1e-2 relative standard error)
    std::uint64_t seed = 1;
    int activation_bits = 8;   ///< for BOPS
    /// kLatency: the cost of node `node` (a convolution or fully connected layer) with its weights at `bits`, in any
    /// unit (nn_model: accelerator cycles).
    std::function<double(int node, int bits)> latency;
    WeightQuantOptions quant;  ///< symmetric, granularity, exclude (left in float, outside the budget)
};

struct LayerPrecision {
    std::string name;
    std::int64_t weights = 0, macs = 0;
    double trace = 0, trace_std_error = 0;
    std::vector<double> error;  ///< Delta(b) per candidate width
    std::vector<double> cost;   ///< cost(b) per candidate width
    int bits = 0;               ///< chosen
};

struct MixedPrecisionReport {
    std::vector<LayerPrecision> layers;
    double budget = 0, cost = 0, penalty = 0;
};

/// Checks the options against the network without computing anything: the candidate widths, alpha, the excluded
/// names, a latency model for a latency budget, and that the trainer can backpropagate through every node. Throws
/// ModelError ("bits: ...", "alpha: ...", "budget: ...").
void check_mixed_precision(const Graph& graph, const MixedPrecisionOptions& options);

/// Allocates and applies bit widths to `graph` (float, trainable by models/nn/train.h), measuring curvature on the
/// labelled `samples`. Throws ModelError for bad options ("bits: ...", "alpha: ...").
MixedPrecisionReport quantize_mixed_precision(Graph& graph, const Tensor& samples, const std::vector<int>& labels,
                                              const MixedPrecisionOptions& options);

}  // namespace qdes::nn
