#include "models/nn/prune.h"

#include <algorithm>
#include <cmath>
#include <numeric>

namespace qdes::nn {

namespace {

Tensor& mask_of(Node& node, const std::string& role) {
    auto it = node.masks.find(role);
    if (it == node.masks.end()) {
        // A new mask keeps everything: a weight that happens to be zero is not pruned until a mask says so.
        it = node.masks.emplace(role, Tensor(node.param(role).shape, 1.0f)).first;
    }
    return it->second;
}

/// A weight and its mask entry.
struct Entry {
    float* weight;
    float* mask;
};

/// Prunes the `count` smallest-magnitude entries (those already pruned first).
void prune_smallest(std::vector<Entry>& entries, std::size_t count) {
    std::vector<std::size_t> order(entries.size());
    std::iota(order.begin(), order.end(), 0);
    // Pruned weights first (mask 0), then by |w|, then by position.
    auto key = [&](std::size_t i) { return *entries[i].mask == 0.0f ? -1.0f : std::abs(*entries[i].weight); };
    std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return key(a) < key(b); });
    for (std::size_t i = 0; i < std::min(count, order.size()); ++i) {
        *entries[order[i]].mask = 0.0f;
        *entries[order[i]].weight = 0.0f;
    }
}

std::int64_t row_length(const Node& node, const std::string& role) {
    const Shape& s = node.param(role).shape;
    if (node.op == Op::kMoe) return s.back();
    std::int64_t k = 1;
    for (std::size_t i = 1; i < s.size(); ++i) k *= s[i];
    return k;
}

}  // namespace

std::vector<PrunableWeight> prunable_weights(const Graph& graph, const std::vector<std::string>& exclude) {
    graph.check_names(exclude, "exclude");
    std::vector<PrunableWeight> out;
    for (int i = 0; i < static_cast<int>(graph.nodes.size()); ++i) {
        const Node& n = graph.nodes[static_cast<std::size_t>(i)];
        if (std::find(exclude.begin(), exclude.end(), n.name) != exclude.end()) continue;
        if (n.op == Op::kConv || n.op == Op::kLinear) out.push_back({i, "weight"});
        if (n.op == Op::kMoe) {
            out.push_back({i, "fc1_weight"});
            out.push_back({i, "fc2_weight"});
        }
    }
    return out;
}

void prune_magnitude(Graph& graph, double fraction, PruneScope scope, const std::vector<std::string>& exclude) {
    if (!(fraction >= 0.0 && fraction <= 1.0))
        throw ModelError("magnitude pruning: fraction " + std::to_string(fraction) + " is outside [0, 1]");
    const auto weights = prunable_weights(graph, exclude);
    std::vector<Entry> all;
    for (const auto& pw : weights) {
        Node& node = graph.nodes[static_cast<std::size_t>(pw.node)];
        Tensor& w = node.param(pw.role);
        Tensor& m = mask_of(node, pw.role);
        std::vector<Entry> layer;
        for (std::size_t i = 0; i < w.values.size(); ++i) layer.push_back({&w.values[i], &m.values[i]});
        if (scope == PruneScope::kLayer) {
            prune_smallest(layer, static_cast<std::size_t>(std::llround(fraction * static_cast<double>(layer.size()))));
        } else {
            all.insert(all.end(), layer.begin(), layer.end());
        }
    }
    if (scope == PruneScope::kGlobal)
        prune_smallest(all, static_cast<std::size_t>(std::llround(fraction * static_cast<double>(all.size()))));
}

void prune_nm(Graph& graph, int n, int m, const std::vector<std::string>& exclude) {
    if (m < 1 || n < 0 || n > m) throw ModelError("N:M pruning: need 0 <= N <= M and M >= 1");
    for (const auto& pw : prunable_weights(graph, exclude)) {
        Node& node = graph.nodes[static_cast<std::size_t>(pw.node)];
        Tensor& w = node.param(pw.role);
        Tensor& mask = mask_of(node, pw.role);
        const std::int64_t k = row_length(node, pw.role), rows = w.size() / k;
        for (std::int64_t r = 0; r < rows; ++r)
            for (std::int64_t start = 0; start < k; start += m) {
                const std::int64_t end = std::min<std::int64_t>(start + m, k);
                std::vector<Entry> group;
                for (std::int64_t i = start; i < end; ++i)
                    group.push_back({&w.values[static_cast<std::size_t>(r * k + i)],
                                     &mask.values[static_cast<std::size_t>(r * k + i)]});
                const auto keep = std::min<std::size_t>(static_cast<std::size_t>(n), group.size());
                prune_smallest(group, group.size() - keep);
            }
    }
}

void apply_masks(Graph& graph) {
    for (auto& node : graph.nodes)
        for (const auto& [role, mask] : node.masks) {
            Tensor& w = node.param(role);
            for (std::size_t i = 0; i < w.values.size(); ++i) w.values[i] *= mask.values[i];
        }
}

}  // namespace qdes::nn
