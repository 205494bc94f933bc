#pragma once
/// Unstructured pruning transforms: magnitude (layer-wise or global) and N:M. Each sets the layer's weight mask
/// (Node::masks) and zeroes the pruned weights; masks accumulate (a weight pruned once stays pruned).
///
/// Prunable weights are the "weight" of convolution and fully connected nodes and the expert weights of
/// mixture-of-experts nodes; biases, batch norm and routers are left alone, as are layers named in `exclude`.

#include <cstdint>
#include <string>
#include <vector>

#include "models/nn/graph.h"

namespace qdes::nn {

enum class PruneScope {
    kLayer,   ///< every layer loses the same fraction of its weights
    kGlobal,  ///< one magnitude threshold over all prunable weights (open_lth's sparse_global)
};

/// One prunable tensor: node index and weight role.
struct PrunableWeight {
    int node = -1;
    std::string role;
};
std::vector<PrunableWeight> prunable_weights(const Graph& graph, const std::vector<std::string>& exclude = {});

/// Zeroes the `fraction` (0..1) of prunable weights with the smallest |w| (already pruned weights count towards the
/// fraction and stay pruned). Ties are broken by position, so the result is deterministic. Throws ModelError for a
/// fraction outside [0, 1] or an excluded name that is no layer.
void prune_magnitude(Graph& graph, double fraction, PruneScope scope, const std::vector<std::string>& exclude = {});

/// Keeps the n largest |w| in every run of m consecutive weights along each output's row (K: in_features, or
/// C/groups x R x S for a convolution) and zeroes the rest: the N:M pattern sparse tensor cores run (2:4).
void prune_nm(Graph& graph, int n, int m, const std::vector<std::string>& exclude = {});

/// Multiplies every weight by its mask, so that a weight a mask removed stays zero (after a training step).
void apply_masks(Graph& graph);

}  // namespace qdes::nn
