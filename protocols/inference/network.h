#pragma once
/// Lowering a network graph (models/nn) to the accelerator's GEMM list.
///
/// - Convolution: M = P Q x batch, N = K / groups, K = (C / groups) R S, one GEMM per group (depthwise: C groups
///   of N = 1); the GEMM reads (C / groups) H W distinct inputs per sample.
/// - Fully connected: M = batch (x T on tokens), N = out, K = in.
/// - Mixture of experts: the router (M = T x batch, N = E, K = d) and, per expert, fc1 (M = its tokens, N = d_ff,
///   K = d) and fc2 (N = d, K = d_ff). An expert's tokens are measured on real inputs (RoutingStats, scaled to the
///   batch) or, without a measurement, its capacity. An expert that receives no token sends no GEMM.
/// - Pooling, batch norm (folded), activations, adds, flatten and softmax run outside the array: no GEMM.
///
/// Precision: the node's weight_bits and activation_bits where set, else the defaults. Sparsity: a weight whose
/// every run of m consecutive values along K holds at most n nonzeros becomes N:M (the tightest of 1:4, 2:4, 1:2,
/// 4:8, 2:8, 1:8 it meets, when its density lies in [0.9 n / m, n / m]); any other weight with zeros becomes
/// unstructured at its measured density when that is below `dense_above`.

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "hardware/accel/gemm.h"
#include "models/nn/graph.h"
#include "models/nn/inference.h"

namespace qdes::inference {

struct GraphLoweringOptions {
    std::uint64_t batch = 1;     ///< samples per inference
    accel::Precision precision;  ///< for nodes that state no bits
    accel::Sparsity::Format sparse_format = accel::Sparsity::Format::kBitmap;
    double dense_above = 0.95;                                 ///< a weight at least this dense is run dense
    bool detect_nm = true;                                     ///< recognise N:M patterns
    const std::map<int, nn::RoutingStats>* routing = nullptr;  ///< measured expert loads, by MoE node index
};

/// One GEMM's origin: which node it came from and which weight.
struct LoweredOp {
    accel::GemmOp op;
    int node = -1;
    std::string weight;  ///< the weight role ("weight", "fc1_weight", ...)
};

std::vector<LoweredOp> lower_graph(const nn::Graph& graph, const GraphLoweringOptions& options);
/// Just the GEMMs.
std::vector<accel::GemmOp> gemms_of(const std::vector<LoweredOp>& lowered);

/// The sparsity the accelerator sees for `weight` (rows = outputs, each row of `k` values along K).
accel::Sparsity sparsity_of(const nn::Tensor& weight, std::int64_t rows, std::int64_t k,
                            const GraphLoweringOptions& options);

}  // namespace qdes::inference
