#include "models/nn/reprune.h"

#include <algorithm>
#include <cmath>
#include <random>

#include "models/nn/cluster.h"
#include "models/nn/quantize.h"

namespace qdes::nn {

namespace {

/// Filter i's kernel for input channel j: R x S values.
std::vector<double> kernel(const Tensor& w, std::int64_t i, std::int64_t j) {
    const std::int64_t C = w.shape[1], RS = w.shape[2] * w.shape[3];
    const float* k = w.data() + (i * C + j) * RS;
    return std::vector<double>(k, k + RS);
}

}  // namespace

std::vector<KernelRepresentativeLayer> prune_kernel_representatives(Graph& graph, double sparsity,
                                                                    const KernelRepresentativeOptions& o) {
    if (!(sparsity > 0 && sparsity < 1))
        throw ModelError("prune_ratio: " + number_text(sparsity) + " is outside (0, 1)");
    StructuredOptions so;
    so.layers = o.layers;
    so.exclude = o.exclude;
    std::vector<std::pair<int, int>> layers;  // (conv, batch norm)
    for (int l : layers_to_shrink(graph, so)) {
        const Node& n = graph.nodes[static_cast<std::size_t>(l)];
        const int bn = batchnorm_after(graph, l);
        if (n.op == Op::kConv && bn >= 0) {
            layers.emplace_back(l, bn);
        } else if (!o.layers.empty()) {
            throw ModelError("kernel-representative pruning of " + n.name +
                             ": it needs a convolution followed by batch norm (the layer sparsity comes from gamma)");
        }
    }
    if (layers.empty()) throw ModelError("kernel-representative pruning: no convolution followed by batch norm");
    // 1. The global |gamma| threshold and each layer's sparsity.
    std::vector<float> all;
    for (auto [l, b] : layers)
        for (float g : graph.nodes[static_cast<std::size_t>(b)].param("gamma").values) all.push_back(std::abs(g));
    const double threshold = percentile_of(all, 100 * sparsity);
    std::mt19937_64 rng(o.seed);
    std::vector<KernelRepresentativeLayer> report;
    std::vector<std::pair<int, UnitMap>> plan;
    for (auto [l, b] : layers) {
        const Node& conv = graph.nodes[static_cast<std::size_t>(l)];
        const auto& gamma = graph.nodes[static_cast<std::size_t>(b)].param("gamma").values;
        const std::int64_t K = conv.out_channels, C = conv.in_channels;
        KernelRepresentativeLayer r;
        r.node = l;
        std::int64_t below = 0;
        for (float g : gamma) below += std::abs(g) <= threshold;
        r.sparsity = static_cast<double>(below) / static_cast<double>(K);
        r.kept = std::max<std::int64_t>(1, static_cast<std::int64_t>(std::ceil((1 - r.sparsity) * K - 1e-9)));
        // 2. Per input channel: Ward linkage of the K kernels; the cut height is the largest height of merge
        // number ceil(s K) over the channels.
        const auto merges = static_cast<std::int64_t>(std::ceil(r.sparsity * static_cast<double>(K) - 1e-9));
        std::vector<std::vector<Merge>> linkage(static_cast<std::size_t>(C));
        for (std::int64_t j = 0; j < C; ++j) {
            std::vector<std::vector<double>> kernels;
            for (std::int64_t i = 0; i < K; ++i) kernels.push_back(kernel(conv.param("weight"), i, j));
            linkage[static_cast<std::size_t>(j)] = ward_linkage(kernels);
            if (merges > 0)
                r.cut_height =
                    std::max(r.cut_height, linkage[static_cast<std::size_t>(j)]
                                                  [static_cast<std::size_t>(std::min<std::int64_t>(merges, K - 1) - 1)]
                                                      .height);
        }
        // cluster[j][i]: the cluster of filter i's kernel in channel j (heights above the cut stay apart).
        std::vector<std::vector<int>> cluster(static_cast<std::size_t>(C));
        std::vector<int> clusters_in(static_cast<std::size_t>(C));
        for (std::int64_t j = 0; j < C; ++j) {
            cluster[static_cast<std::size_t>(j)] =
                merges > 0 ? cut_at_height(linkage[static_cast<std::size_t>(j)], static_cast<int>(K), r.cut_height)
                           : cut_after(linkage[static_cast<std::size_t>(j)], static_cast<int>(K), 0);
            const auto& c = cluster[static_cast<std::size_t>(j)];
            clusters_in[static_cast<std::size_t>(j)] = *std::max_element(c.begin(), c.end()) + 1;
            r.clusters += clusters_in[static_cast<std::size_t>(j)];
        }
        // 3. Greedy maximum coverage.
        std::vector<std::vector<bool>> covered(static_cast<std::size_t>(C));
        auto reset = [&] {
            for (std::int64_t j = 0; j < C; ++j)
                covered[static_cast<std::size_t>(j)].assign(
                    static_cast<std::size_t>(clusters_in[static_cast<std::size_t>(j)]), false);
        };
        reset();
        std::vector<bool> chosen(static_cast<std::size_t>(K), false);
        std::vector<int> keep;
        bool first_pass = true;
        while (static_cast<std::int64_t>(keep.size()) < r.kept) {
            std::vector<int> best;
            std::int64_t best_score = -1;
            for (std::int64_t i = 0; i < K; ++i) {
                if (chosen[static_cast<std::size_t>(i)]) continue;
                std::int64_t score = 0;
                for (std::int64_t j = 0; j < C; ++j)
                    score += !covered[static_cast<std::size_t>(j)][static_cast<std::size_t>(
                        cluster[static_cast<std::size_t>(j)][static_cast<std::size_t>(i)])];
                if (score > best_score) {
                    best_score = score;
                    best.clear();
                }
                if (score == best_score) best.push_back(static_cast<int>(i));
            }
            if (best_score == 0) {
                if (first_pass) {
                    for (const auto& cj : covered) r.covered += std::count(cj.begin(), cj.end(), true);
                    first_pass = false;
                }
                if (o.refill == CoverageRefill::kGamma) {
                    // The rest by largest |gamma|.
                    std::vector<int> rest;
                    for (std::int64_t i = 0; i < K; ++i)
                        if (!chosen[static_cast<std::size_t>(i)]) rest.push_back(static_cast<int>(i));
                    std::stable_sort(rest.begin(), rest.end(), [&](int a, int c) {
                        return std::abs(gamma[static_cast<std::size_t>(a)]) >
                               std::abs(gamma[static_cast<std::size_t>(c)]);
                    });
                    for (int i : rest) {
                        if (static_cast<std::int64_t>(keep.size()) >= r.kept) break;
                        chosen[static_cast<std::size_t>(i)] = true;
                        keep.push_back(i);
                    }
                    break;
                }
                reset();
                continue;
            }
            const int pick = best[std::uniform_int_distribution<std::size_t>(0, best.size() - 1)(rng)];
            chosen[static_cast<std::size_t>(pick)] = true;
            keep.push_back(pick);
            for (std::int64_t j = 0; j < C; ++j)
                covered[static_cast<std::size_t>(j)][static_cast<std::size_t>(
                    cluster[static_cast<std::size_t>(j)][static_cast<std::size_t>(pick)])] = true;
        }
        if (first_pass)
            for (const auto& cj : covered) r.covered += std::count(cj.begin(), cj.end(), true);
        plan.emplace_back(l, UnitMap::pruning(K, keep));
        report.push_back(r);
    }
    // 4. Remove the filters that were not chosen (and the next layer's inputs from them); no compensation.
    for (auto& [l, map] : plan) shrink_units(graph, l, map);
    return report;
}

void prune_representative_election(Graph& graph, double ratio, const StructuredOptions& so, Election election) {
    if (!(ratio > 0 && ratio < 1)) throw ModelError("prune_ratio: " + number_text(ratio) + " is outside (0, 1)");
    std::vector<std::pair<int, UnitMap>> plan;
    for (int l : layers_to_shrink(graph, so)) {
        const Node& node = graph.nodes[static_cast<std::size_t>(l)];
        const Tensor& w = node.param("weight");
        const std::int64_t K = w.shape[0], per = w.size() / K;
        std::vector<std::vector<double>> filters;
        for (std::int64_t i = 0; i < K; ++i) filters.emplace_back(w.data() + i * per, w.data() + (i + 1) * per);
        const std::int64_t k = units_kept(K, ratio);
        const auto label = cut_after(ward_linkage(filters), static_cast<int>(K), static_cast<int>(K - k));
        std::vector<int> keep;
        for (int c = 0; c < static_cast<int>(k); ++c) {
            std::vector<int> members;
            for (std::int64_t i = 0; i < K; ++i)
                if (label[static_cast<std::size_t>(i)] == c) members.push_back(static_cast<int>(i));
            std::vector<double> centroid(static_cast<std::size_t>(per), 0.0);
            for (int i : members)
                for (std::int64_t x = 0; x < per; ++x)
                    centroid[static_cast<std::size_t>(x)] +=
                        filters[static_cast<std::size_t>(i)][static_cast<std::size_t>(x)] /
                        static_cast<double>(members.size());
            int best = -1;
            double best_d = 0, best_norm = 0;
            for (int i : members) {
                double d = 0, norm = 0;
                for (std::int64_t x = 0; x < per; ++x) {
                    const double v = filters[static_cast<std::size_t>(i)][static_cast<std::size_t>(x)];
                    d += (v - centroid[static_cast<std::size_t>(x)]) * (v - centroid[static_cast<std::size_t>(x)]);
                    norm += v * v;
                }
                const bool better = election == Election::kMaxNorm ? norm > best_norm
                                                                   : (d < best_d || (d == best_d && norm > best_norm));
                if (best < 0 || better) {
                    best = i;
                    best_d = d;
                    best_norm = norm;
                }
            }
            keep.push_back(best);
        }
        plan.emplace_back(l, UnitMap::pruning(K, keep));
    }
    for (auto& [l, map] : plan) shrink_units(graph, l, map);
}

}  // namespace qdes::nn
