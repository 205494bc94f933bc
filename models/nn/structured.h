#pragma once
/// Structured pruning: whole output units (neurons of a fully connected layer, filters of a convolution) are
/// removed and the layers physically shrink. The next layer is fixed up: its input channels that read removed
/// units go, or, for neuron merging, are added (scaled) onto the input channel of the unit each one merges into.
///
/// Two methods:
///   - norm-based filter pruning (Li et al., "Pruning filters for efficient ConvNets", ICLR 2017): keep the units
///     with the largest L1 (or L2) norm, or the ones farthest from the others (FPGM's geometric-median rule);
///   - neuron merging (Kim, Kim, Park, Jeon, NeurIPS 2020): each removed unit i whose weights are close in
///     direction to a kept unit j is merged into it with a scale, using ReLU's positive homogeneity
///     (relu(a x) = a relu(x) for a >= 0). Data-free, no fine-tuning.
///
/// A unit of node L is its row of L's weight (with its bias: [w | b]). Between L and the next convolution or fully
/// connected layer only per-channel operators may stand (batch norm, ReLU, clip, pooling, flatten, and depthwise
/// convolutions, whose filters of removed channels go too: MobileNetV2's expansion layers shrink through theirs); a
/// residual add, a mixture of experts or a second reader ties the channels to another path, and such a layer is
/// refused. Neuron merging refuses a path through a depthwise convolution (each channel has its own kernel there).
/// Merging relies on relu(a x) = a relu(x) and max/average pooling commuting with a > 0; a clipped ReLU (ReLU6) does
/// not commute with the scale, so merging through it is an approximation beyond the weights'.

#include <cstdint>
#include <string>
#include <vector>

#include "models/nn/graph.h"

namespace qdes::nn {

/// Where each of a layer's original units goes.
struct UnitMap {
    std::vector<int> keep;  ///< the kept units, ascending; they become units 0..keep.size()-1
    /// Per original unit: the new index it feeds (kept: its own; merged: the unit it merged into) or -1 (dropped).
    std::vector<int> target;
    /// Per original unit: the factor its contribution to the next layer is multiplied by (kept 1, dropped 0).
    std::vector<float> scale;

    /// Plain pruning: keep `keep`, drop the rest.
    static UnitMap pruning(std::int64_t units, std::vector<int> keep);
};

/// Removes node `layer`'s units outside map.keep, with their batch-norm entries and masks, and rewrites the next
/// convolution or fully connected layer's input channels: new channel t = sum over units u with target t of
/// scale[u] x old channel u. Throws ModelError when the layer cannot shrink on its own (see above).
void shrink_units(Graph& graph, int layer, const UnitMap& map);

/// The layers shrink_units accepts, in order: convolutions with groups 1 and fully connected layers on vectors
/// whose output reaches exactly one later convolution (groups 1) or fully connected layer through per-channel
/// operators and depthwise convolutions.
/// The classifier (no later layer) is not among them.
std::vector<int> shrinkable_layers(const Graph& graph);

struct StructuredOptions;
/// The layers `options` names (each checked, throwing ModelError with the reason it cannot shrink), or all
/// shrinkable layers but the excluded ones; ascending.
std::vector<int> layers_to_shrink(const Graph& graph, const StructuredOptions& options);

/// The batch norm between `layer` and the layer reading its units, or -1. Throws ModelError like shrink_units.
int batchnorm_after(const Graph& graph, int layer);

enum class UnitCriterion {
    kL1,               ///< largest sum |w|
    kL2,               ///< largest Euclidean norm
    kGeometricMedian,  ///< largest summed distance to all other units (FPGM: far from the geometric median)
};
UnitCriterion unit_criterion_from_name(const std::string& name);  ///< "l1", "l2", "l2-gm"

/// The `count` units to keep by `criterion`, ascending, from the unit vectors (one row each). Ties: lower index.
std::vector<int> select_units(const std::vector<std::vector<double>>& units, std::size_t count,
                              UnitCriterion criterion);

/// Units kept of a layer with `units` units after removing `ratio` of them: round(units (1 - ratio)), at least 1.
std::int64_t units_kept(std::int64_t units, double ratio);

struct StructuredOptions;
/// The smallest unit ratio r such that every layer `options` chooses keeping units_kept(units, r) units removes at
/// least `macs_fraction` of the network's MACs (graph.total_macs()), found by bisection to 1e-9 on the layer shapes
/// alone (which units stay does not change the count). Li et al. 2017 reach a FLOPs target on ResNets the same way,
/// pruning only the first convolution of each residual block. Throws ModelError when `macs_fraction` is outside
/// (0, 1) or more than the chosen layers can remove while keeping one unit each (naming that most).
double ratio_for_macs(const Graph& graph, double macs_fraction, const StructuredOptions& options);

struct StructuredOptions {
    UnitCriterion criterion = UnitCriterion::kL1;
    /// The layers to shrink, by name; empty: all shrinkable layers but those in `exclude`.
    std::vector<std::string> layers;
    std::vector<std::string> exclude;
};

/// Norm-based filter (neuron) pruning: each chosen layer keeps units_kept(units, ratio) units by the criterion on
/// [w | b] (on w alone when a batch norm follows); the rest are removed and the next layer's matching inputs
/// deleted. Every layer is judged by its original weights, before the layers ahead of it shrink (as the
/// neuron-merging code does; judging the already-merged weights did worse on LeNet at 50-80%). Throws ModelError
/// for a ratio outside (0, 1) or a named layer that cannot shrink.
void prune_units(Graph& graph, double ratio, const StructuredOptions& options);

/// How a batch norm between a merged layer and its ReLU enters the merge scale.
enum class MergeBnRule {
    /// Derived here: for w_i = s w_j, y_i = S y_j + B with S = s gamma_i sigma_j / (gamma_j sigma_i) and B the
    /// offset below; candidates with S <= 0 are skipped (relu(S y) = S relu(y) needs S > 0).
    kFirstPrinciples,
    /// The public code's formula (decompose.py): S = s gamma_j var_i / (gamma_i var_j), with the running variance
    /// in place of sigma and the gamma/sigma ratio inverted; kept only to compare with the published numbers.
    kPaperCode,
};

struct MergeOptions {
    StructuredOptions selection;
    double threshold = 0.1;  ///< a removed unit whose best cosine similarity is below this is dropped
    double lambda = 0.85;    ///< with batch norm: weight of the cosine distance against the normalised bias term
    MergeBnRule bn_rule = MergeBnRule::kFirstPrinciples;
};

/// The merge matrix of one layer for a given kept set (MergeOptions::selection is not used).
UnitMap merge_map(const Graph& graph, int layer, const std::vector<int>& keep, const MergeOptions& options);

/// Neuron merging: like prune_units (same kept units), but each removed unit is merged into its most similar kept
/// unit (or dropped when the similarity is below the threshold). Returns, per layer shrunk, how many units merged.
std::vector<int> merge_units(Graph& graph, double ratio, const MergeOptions& options);

}  // namespace qdes::nn
