#pragma once
/// REPrune, two papers by Park et al., applied one-shot to a trained network (selection only: the papers recover
/// accuracy by training, which the one-shot result does not include). Both remove whole filters, so the layers
/// shrink (models/nn/structured.h) and the accelerator sees narrower dense layers.
///
/// Kernel representatives (AAAI 2024, "REPrune: channel pruning via kernel representative selection"; steps as the
/// reference notes transcribe Alg. 1 and Eqs. 3-9, no public code): per convolution l followed by batch norm,
///   1. its sparsity s_l is the share of its |gamma| at or below the global s-quantile of all such layers' |gamma|;
///      it keeps k_l = ceil((1 - s_l) K) filters (at least one);
///   2. per input channel j, the K kernels W[:, j] (R x S each) are clustered by Ward linkage; the layer's cut
///      height h_l is the largest, over channels, height of merge number ceil(s_l K); each channel's dendrogram is
///      cut at h_l;
///   3. filters are chosen greedily to cover the most not-yet-covered (channel, cluster) pairs, ties broken
///      uniformly at random (seeded); when everything is covered before k_l are chosen, a fresh coverage pass
///      starts (or, as an option, the rest are filled by largest |gamma|).
///
/// Representative election (arXiv 2007.06932, 2020; only the abstract could be read, so this is qdes's reading,
/// marked as such): per layer, the K filters (C R S values each) are clustered by Ward linkage into exactly
/// k = round((1 - ratio) K) clusters, and each cluster elects one filter: the one nearest its centroid (ties: larger
/// norm) or, as an option, the one with the largest norm.

#include <cstdint>
#include <string>
#include <vector>

#include "models/nn/graph.h"
#include "models/nn/structured.h"

namespace qdes::nn {

enum class CoverageRefill {
    kFreshPass,  ///< start covering again from nothing
    kGamma,      ///< fill the remaining places by largest |gamma|
};

struct KernelRepresentativeOptions {
    std::vector<std::string> layers;  ///< empty: every shrinkable convolution followed by batch norm
    std::vector<std::string> exclude;
    std::uint64_t seed = 1;  ///< tie-breaking
    CoverageRefill refill = CoverageRefill::kFreshPass;
};

/// What the selection did to one layer.
struct KernelRepresentativeLayer {
    int node = -1;
    double sparsity = 0;        ///< s_l from batch norm
    std::int64_t kept = 0;      ///< k_l
    double cut_height = 0;      ///< h_l
    std::int64_t clusters = 0;  ///< (channel, cluster) pairs
    std::int64_t covered = 0;   ///< of those, covered by the kept filters
};

/// Kernel-representative REPrune with global channel sparsity `sparsity` in (0, 1). Throws ModelError for a
/// sparsity outside (0, 1), a named layer that cannot shrink or has no batch norm.
std::vector<KernelRepresentativeLayer> prune_kernel_representatives(Graph& graph, double sparsity,
                                                                    const KernelRepresentativeOptions& options);

enum class Election {
    kCentroid,  ///< the member nearest the cluster's centroid
    kMaxNorm,   ///< the member with the largest norm
};

/// Representative-election REPrune: every chosen layer keeps units_kept(K, ratio) filters, one per Ward cluster.
void prune_representative_election(Graph& graph, double ratio, const StructuredOptions& layers, Election election);

}  // namespace qdes::nn
