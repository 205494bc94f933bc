#pragma once
/// Expert pruning of a fine-tuned sparse mixture of experts, data-free, by the change of the router rows
/// (Chowdhury et al., "A provably effective method for pruning experts in fine-tuned sparse mixture-of-experts",
/// ICML 2024, arXiv 2405.16646).
///
/// For each MoE node, with router rows w_s of the pretrained (0) and fine-tuned (T) checkpoints, expert s scores
/// - kNormChange: ||w_s(T)|| - ||w_s(0)||, the change of the row's l2 norm (the paper's abstract: experts whose
///   router norm changed least are pruned first);
/// - kChangeNorm: ||w_s(T) - w_s(0)||, the norm of the change (the other reading of the wording).
/// The floor(r E) experts with the smallest scores go (ties: the higher index first), with their router rows and
/// weights; softmax and top-k then run over the E' = E - floor(r E) left, and the capacity ceil(k T cf / E')
/// follows from E' (models/nn/inference.h).

#include <string>
#include <vector>

#include "models/nn/graph.h"

namespace qdes::nn {

enum class ExpertScore { kNormChange, kChangeNorm };
ExpertScore expert_score_from_name(const std::string& name);  ///< "norm_change" or "change_norm"

struct ExpertPruneOptions {
    ExpertScore score = ExpertScore::kNormChange;
    bool largest_first = false;       ///< prune the largest scores instead (a control, not the method)
    std::vector<std::string> layers;  ///< MoE nodes pruned (empty: all)
};

struct ExpertPruneReport {
    std::string node;
    std::vector<double> scores;  ///< per original expert
    std::vector<int> kept;       ///< original indices of the experts left, ascending
};

/// Removes the fraction `ratio` (in (0, 1)) of the experts of each MoE node of `finetuned`, scored against the same
/// node of `pretrained`. Throws ModelError when the checkpoints do not match (node, experts, d_model), when fewer
/// than top_k experts would be left ("ratio: ..."), or for a layer that is no MoE node ("layers: ...").
std::vector<ExpertPruneReport> prune_experts(Graph& finetuned, const Graph& pretrained, double ratio,
                                             const ExpertPruneOptions& options = {});

/// Keeps only the experts `kept` (original indices, ascending) of MoE node `node`.
void keep_experts(Node& node, const std::vector<int>& kept);

}  // namespace qdes::nn
