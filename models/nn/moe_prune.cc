#include "models/nn/moe_prune.h"

#include <algorithm>
#include <cmath>
#include <numeric>

namespace qdes::nn {

namespace {

double row_norm(const Tensor& w, std::int64_t row, std::int64_t d) {
    double s = 0;
    for (std::int64_t i = 0; i < d; ++i)
        s += double(w.values[static_cast<std::size_t>(row * d + i)]) * w.values[static_cast<std::size_t>(row * d + i)];
    return std::sqrt(s);
}

/// Keeps the rows `kept` of dimension 0 of `t`.
Tensor keep_rows(const Tensor& t, const std::vector<int>& kept) {
    const std::int64_t per = t.size() / t.shape.at(0);
    Shape shape = t.shape;
    shape[0] = static_cast<std::int64_t>(kept.size());
    Tensor out(shape);
    for (std::size_t i = 0; i < kept.size(); ++i)
        std::copy_n(t.data() + kept[i] * per, per, out.data() + static_cast<std::int64_t>(i) * per);
    return out;
}

}  // namespace

ExpertScore expert_score_from_name(const std::string& name) {
    if (name == "norm_change") return ExpertScore::kNormChange;
    if (name == "change_norm") return ExpertScore::kChangeNorm;
    throw ModelError("score: '" + name + "' is not norm_change or change_norm");
}

void keep_experts(Node& node, const std::vector<int>& kept) {
    for (auto& [role, t] : node.params) t = keep_rows(t, kept);
    for (auto& [role, m] : node.masks) m = keep_rows(m, kept);
    node.experts = static_cast<std::int64_t>(kept.size());
}

std::vector<ExpertPruneReport> prune_experts(Graph& finetuned, const Graph& pretrained, double ratio,
                                             const ExpertPruneOptions& options) {
    if (!(ratio > 0 && ratio < 1)) throw ModelError("ratio: " + number_text(ratio) + " is outside (0, 1)");
    finetuned.check_names(options.layers, "layers");
    for (const std::string& name : options.layers)
        if (finetuned.nodes[static_cast<std::size_t>(finetuned.find(name))].op != Op::kMoe)
            throw ModelError("layers: '" + name + "' is no mixture-of-experts node");
    std::vector<ExpertPruneReport> reports;
    for (Node& node : finetuned.nodes) {
        if (node.op != Op::kMoe) continue;
        if (!options.layers.empty() &&
            std::find(options.layers.begin(), options.layers.end(), node.name) == options.layers.end())
            continue;
        const int at = pretrained.find(node.name);
        if (at < 0 || pretrained.nodes[static_cast<std::size_t>(at)].op != Op::kMoe)
            throw ModelError("pretrained: the pretrained model has no mixture-of-experts node '" + node.name + "'");
        const Node& before = pretrained.nodes[static_cast<std::size_t>(at)];
        if (before.experts != node.experts || before.d_model != node.d_model)
            throw ModelError("pretrained: node '" + node.name + "' has " + std::to_string(before.experts) +
                             " experts of d_model " + std::to_string(before.d_model) + " in the pretrained model, " +
                             std::to_string(node.experts) + " of " + std::to_string(node.d_model) +
                             " in the fine-tuned one");
        const std::int64_t E = node.experts, d = node.d_model;
        const auto removed = static_cast<std::int64_t>(std::floor(ratio * static_cast<double>(E)));
        if (E - removed < node.top_k)
            throw ModelError("ratio: " + number_text(ratio) + " leaves " + std::to_string(E - removed) + " of the " +
                             std::to_string(E) + " experts of '" + node.name + "', fewer than its top-" +
                             std::to_string(node.top_k) + " routing needs");
        ExpertPruneReport report;
        report.node = node.name;
        const Tensor &wt = node.param("router_weight"), &w0 = before.param("router_weight");
        for (std::int64_t s = 0; s < E; ++s) {
            if (options.score == ExpertScore::kNormChange) {
                report.scores.push_back(row_norm(wt, s, d) - row_norm(w0, s, d));
            } else {
                double sq = 0;
                for (std::int64_t i = 0; i < d; ++i) {
                    const double diff = double(wt.values[static_cast<std::size_t>(s * d + i)]) -
                                        w0.values[static_cast<std::size_t>(s * d + i)];
                    sq += diff * diff;
                }
                report.scores.push_back(std::sqrt(sq));
            }
        }
        // Order of removal: smallest score first (largest first for the control); ties remove the higher index.
        std::vector<int> order(static_cast<std::size_t>(E));
        std::iota(order.begin(), order.end(), 0);
        std::stable_sort(order.begin(), order.end(), [&](int a, int b) {
            const double sa = report.scores[static_cast<std::size_t>(a)],
                         sb = report.scores[static_cast<std::size_t>(b)];
            if (sa != sb) return options.largest_first ? sa > sb : sa < sb;
            return a > b;
        });
        report.kept.assign(order.begin() + removed, order.end());
        std::sort(report.kept.begin(), report.kept.end());
        keep_experts(node, report.kept);
        reports.push_back(std::move(report));
    }
    if (reports.empty()) throw ModelError("layers: network '" + finetuned.name + "' has no mixture-of-experts node");
    return reports;
}

}  // namespace qdes::nn
