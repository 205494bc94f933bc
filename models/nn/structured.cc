#include "models/nn/structured.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>

namespace qdes::nn {

namespace {

/// What stands between a layer and the layer that reads its units.
struct UnitPath {
    std::vector<int> batchnorms;  ///< per-channel batch norms on the way
    std::vector<int> depthwise;   ///< depthwise convolutions on the way (one filter per channel): they shrink too
    int next = -1;                ///< the convolution or fully connected layer reading the units
    std::int64_t block = 1;       ///< inputs of `next` per unit: R x S for a convolution, H x W after a flatten
};

std::int64_t units_of(const Node& node) {
    return node.op == Op::kConv ? node.out_channels : node.out_features;
}

/// One filter per channel, channel c out from channel c in (no channel multiplier).
bool is_depthwise(const Node& n) {
    return n.op == Op::kConv && n.groups > 1 && n.groups == n.in_channels && n.groups == n.out_channels;
}

/// Follows `layer`'s output to the next convolution or fully connected layer; throws ModelError saying why the
/// units cannot be removed on their own.
UnitPath path_of(const Graph& graph, int layer, const std::vector<NodeInfo>& info) {
    const Node& start = graph.nodes.at(static_cast<std::size_t>(layer));
    const std::string who = "structured pruning of " + start.name + ": ";
    if (start.op == Op::kConv && start.groups != 1)
        throw ModelError(who + "a grouped (depthwise) convolution ties its filters to its input channels");
    if (start.op != Op::kConv && !(start.op == Op::kLinear && info[static_cast<std::size_t>(layer)].output.size() == 1))
        throw ModelError(who + "only convolutions and fully connected layers on vectors have units to remove");
    UnitPath path;
    bool flattened = false;
    int cur = layer;
    for (;;) {
        const auto readers = graph.consumers(cur);
        const std::string here = graph.nodes[static_cast<std::size_t>(cur)].name;
        if (readers.empty())
            throw ModelError(who + "its units reach the network's output (" + here + "), which has a fixed width");
        if (readers.size() > 1)
            throw ModelError(who + here + " is read by " + std::to_string(readers.size()) +
                             " nodes, so its channels are tied to another path");
        const int c = readers[0];
        const Node& n = graph.nodes[static_cast<std::size_t>(c)];
        const std::string stop = who + "it reaches " + n.name + " (" + op_name(n.op) + ")";
        switch (n.op) {
            case Op::kBatchNorm:
                if (flattened) throw ModelError(stop + " after a flatten");
                path.batchnorms.push_back(c);
                break;
            case Op::kRelu:
            case Op::kClip:
            case Op::kMaxPool:
            case Op::kAvgPool:
            case Op::kGlobalAvgPool:
                if (flattened) throw ModelError(stop + " after a flatten");
                break;
            case Op::kFlatten: {
                const Shape& s = info[static_cast<std::size_t>(cur)].output;
                path.block = element_count(s) / s.at(0);
                flattened = true;
                break;
            }
            case Op::kConv:
                if (!flattened && is_depthwise(n)) {  // channel c in, channel c out: the channel goes through it
                    path.depthwise.push_back(c);
                    break;
                }
                if (flattened || n.groups != 1) throw ModelError(stop + ", whose inputs it cannot shrink");
                path.next = c;
                path.block = n.kernel_h * n.kernel_w;
                return path;
            case Op::kLinear:
                if (info[static_cast<std::size_t>(c)].output.size() != 1)
                    throw ModelError(stop + " on tokens, whose features it cannot shrink");
                if (!flattened) path.block = 1;
                path.next = c;
                return path;
            default:
                throw ModelError(stop + ", which ties its channels to another path");
        }
        cur = c;
    }
}

/// Rows 'keep' of a tensor whose leading dimension is the unit.
void keep_rows(Tensor& t, const std::vector<int>& keep) {
    const std::int64_t units = t.shape.at(0), per = t.size() / units;
    Tensor out = t;
    out.shape[0] = static_cast<std::int64_t>(keep.size());
    out.values.resize(keep.size() * static_cast<std::size_t>(per));
    for (std::size_t r = 0; r < keep.size(); ++r)
        std::copy_n(t.data() + keep[r] * per, per, out.data() + static_cast<std::int64_t>(r) * per);
    t = std::move(out);
}

/// The next layer's weight [out, units x block, ...] rewritten to [out, kept x block, ...] by the map.
Tensor fold_inputs(const Tensor& w, std::int64_t units, std::int64_t block, const UnitMap& map, bool is_mask) {
    const std::int64_t out = w.shape.at(0), in = w.size() / out;
    if (in != units * block)
        throw ModelError("structured pruning: the next layer reads " + std::to_string(in) + " inputs, not " +
                         std::to_string(units) + " units x " + std::to_string(block));
    const auto kept = static_cast<std::int64_t>(map.keep.size());
    Tensor r = w;
    r.shape[1] = w.shape[1] / units * kept;
    r.values.assign(static_cast<std::size_t>(out * kept * block), 0.0f);
    for (std::int64_t o = 0; o < out; ++o)
        for (std::int64_t u = 0; u < units; ++u) {
            const int t = map.target[static_cast<std::size_t>(u)];
            const float a = map.scale[static_cast<std::size_t>(u)];
            if (t < 0 || a == 0.0f) continue;
            const float* src = w.data() + o * in + u * block;
            float* dst = r.data() + o * kept * block + t * block;
            for (std::int64_t x = 0; x < block; ++x) dst[x] = is_mask ? std::max(dst[x], src[x]) : dst[x] + a * src[x];
        }
    return r;
}

std::vector<double> row_of(const Tensor& t, std::int64_t r) {
    const std::int64_t per = t.size() / t.shape.at(0);
    return std::vector<double>(t.data() + r * per, t.data() + (r + 1) * per);
}

double dot(const std::vector<double>& a, const std::vector<double>& b) {
    return std::inner_product(a.begin(), a.end(), b.begin(), 0.0);
}

/// The unit vectors a layer's units are compared by: weight rows, with the bias appended when no batch norm
/// follows (the bias then scales with the unit, [w | b]).
std::vector<std::vector<double>> unit_vectors(const Node& node, bool with_bias) {
    const Tensor& w = node.param("weight");
    std::vector<std::vector<double>> rows;
    for (std::int64_t r = 0; r < w.shape[0]; ++r) {
        rows.push_back(row_of(w, r));
        if (with_bias && node.has("bias"))
            rows.back().push_back(node.param("bias").values[static_cast<std::size_t>(r)]);
    }
    return rows;
}

}  // namespace

std::vector<int> layers_to_shrink(const Graph& graph, const StructuredOptions& o) {
    graph.check_names(o.exclude, "exclude");
    graph.check_names(o.layers, "layers");
    const auto ok = shrinkable_layers(graph);
    std::vector<int> out;
    if (!o.layers.empty()) {
        const auto info = graph.infer();
        for (const auto& n : o.layers) {
            const int i = graph.find(n);
            path_of(graph, i, info);  // throws the reason
            out.push_back(i);
        }
        std::sort(out.begin(), out.end());
        return out;
    }
    for (int i : ok)
        if (std::find(o.exclude.begin(), o.exclude.end(), graph.nodes[static_cast<std::size_t>(i)].name) ==
            o.exclude.end())
            out.push_back(i);
    return out;
}

int batchnorm_after(const Graph& graph, int layer) {
    const auto path = path_of(graph, layer, graph.infer());
    return path.batchnorms.empty() ? -1 : path.batchnorms.front();
}

namespace {

void check_ratio(double ratio) {
    if (!(ratio > 0 && ratio < 1))
        throw ModelError("prune_ratio: " + number_text(ratio) +
                         " is outside (0, 1): structured pruning removes "
                         "some units and keeps some");
}

}  // namespace

UnitMap UnitMap::pruning(std::int64_t units, std::vector<int> keep) {
    UnitMap m;
    std::sort(keep.begin(), keep.end());
    m.keep = std::move(keep);
    m.target.assign(static_cast<std::size_t>(units), -1);
    m.scale.assign(static_cast<std::size_t>(units), 0.0f);
    for (std::size_t t = 0; t < m.keep.size(); ++t) {
        m.target[static_cast<std::size_t>(m.keep[t])] = static_cast<int>(t);
        m.scale[static_cast<std::size_t>(m.keep[t])] = 1.0f;
    }
    return m;
}

std::vector<int> shrinkable_layers(const Graph& graph) {
    const auto info = graph.infer();
    std::vector<int> out;
    for (int i = 0; i < static_cast<int>(graph.nodes.size()); ++i) {
        const Op op = graph.nodes[static_cast<std::size_t>(i)].op;
        if (op != Op::kConv && op != Op::kLinear) continue;
        try {
            path_of(graph, i, info);
            out.push_back(i);
        } catch (const ModelError&) {
        }
    }
    return out;
}

void shrink_units(Graph& graph, int layer, const UnitMap& map) {
    const auto info = graph.infer();
    const UnitPath path = path_of(graph, layer, info);
    Node& node = graph.nodes[static_cast<std::size_t>(layer)];
    const std::int64_t units = units_of(node);
    if (map.target.size() != static_cast<std::size_t>(units) || map.scale.size() != map.target.size() ||
        map.keep.empty())
        throw ModelError("structured pruning of " + node.name + ": the unit map does not fit its " +
                         std::to_string(units) + " units");
    for (std::size_t t = 0; t < map.keep.size(); ++t)
        if (map.keep[t] < 0 || map.keep[t] >= units || (t > 0 && map.keep[t] <= map.keep[t - 1]))
            throw ModelError("structured pruning of " + node.name + ": kept units must be ascending and in range");
    for (const char* role : {"weight", "bias"})
        if (node.has(role)) keep_rows(node.param(role), map.keep);
    if (node.masks.count("weight")) keep_rows(node.masks.at("weight"), map.keep);
    (node.op == Op::kConv ? node.out_channels : node.out_features) = static_cast<std::int64_t>(map.keep.size());
    for (int b : path.batchnorms)
        for (auto& [role, t] : graph.nodes[static_cast<std::size_t>(b)].params) keep_rows(t, map.keep);
    const auto kept = static_cast<std::int64_t>(map.keep.size());
    for (int d : path.depthwise) {
        Node& dw = graph.nodes[static_cast<std::size_t>(d)];
        for (auto& [role, t] : dw.params) keep_rows(t, map.keep);
        for (auto& [role, t] : dw.masks) keep_rows(t, map.keep);
        dw.in_channels = dw.out_channels = dw.groups = kept;
    }
    Node& next = graph.nodes[static_cast<std::size_t>(path.next)];
    next.param("weight") = fold_inputs(next.param("weight"), units, path.block, map, false);
    if (next.masks.count("weight"))
        next.masks.at("weight") = fold_inputs(next.masks.at("weight"), units, path.block, map, true);
    if (next.op == Op::kConv)
        next.in_channels = static_cast<std::int64_t>(map.keep.size());
    else
        next.in_features = static_cast<std::int64_t>(map.keep.size()) * path.block;
    graph.infer();
}

UnitCriterion unit_criterion_from_name(const std::string& name) {
    if (name == "l1") return UnitCriterion::kL1;
    if (name == "l2") return UnitCriterion::kL2;
    if (name == "l2-gm") return UnitCriterion::kGeometricMedian;
    throw ModelError("criterion: '" + name + "' is not l1, l2 or l2-gm");
}

std::vector<int> select_units(const std::vector<std::vector<double>>& units, std::size_t count,
                              UnitCriterion criterion) {
    std::vector<double> score(units.size(), 0.0);
    for (std::size_t i = 0; i < units.size(); ++i) {
        switch (criterion) {
            case UnitCriterion::kL1:
                for (double v : units[i]) score[i] += std::abs(v);
                break;
            case UnitCriterion::kL2:
                score[i] = std::sqrt(dot(units[i], units[i]));
                break;
            case UnitCriterion::kGeometricMedian:
                for (std::size_t j = 0; j < units.size(); ++j) {
                    double d = 0;
                    for (std::size_t x = 0; x < units[i].size(); ++x)
                        d += (units[i][x] - units[j][x]) * (units[i][x] - units[j][x]);
                    score[i] += std::sqrt(d);
                }
                break;
        }
    }
    std::vector<int> order(units.size());
    std::iota(order.begin(), order.end(), 0);
    std::stable_sort(order.begin(), order.end(), [&](int a, int b) {
        return score[static_cast<std::size_t>(a)] > score[static_cast<std::size_t>(b)];
    });
    order.resize(std::min(count, order.size()));
    std::sort(order.begin(), order.end());
    return order;
}

std::int64_t units_kept(std::int64_t units, double ratio) {
    return std::clamp<std::int64_t>(std::llround(static_cast<double>(units) * (1.0 - ratio)), 1, units);
}

namespace {

/// The network's MACs after every layer in `layers` keeps units_kept(units, ratio) units. A convolution's or fully
/// connected layer's MACs are proportional to its output and to its input channels, a depthwise convolution's to
/// its channels, so each node's count scales by the kept fractions of what it writes and reads.
std::int64_t macs_after(const Graph& graph, const std::vector<NodeInfo>& info, const std::vector<int>& layers,
                        double ratio) {
    std::vector<double> factor(graph.nodes.size(), 1.0);
    for (int layer : layers) {
        const std::int64_t units = units_of(graph.nodes[static_cast<std::size_t>(layer)]);
        const double kept = static_cast<double>(units_kept(units, ratio)) / static_cast<double>(units);
        const UnitPath path = path_of(graph, layer, info);
        factor[static_cast<std::size_t>(layer)] *= kept;
        factor[static_cast<std::size_t>(path.next)] *= kept;
        for (int d : path.depthwise) factor[static_cast<std::size_t>(d)] *= kept;
    }
    double macs = 0;
    for (std::size_t n = 0; n < info.size(); ++n) macs += static_cast<double>(info[n].macs) * factor[n];
    return std::llround(macs);
}

}  // namespace

double ratio_for_macs(const Graph& graph, double macs_fraction, const StructuredOptions& o) {
    if (!(macs_fraction > 0 && macs_fraction < 1))
        throw ModelError("prune_ratio: " + number_text(macs_fraction) +
                         " of the MACs is outside (0, 1): some must go and some stay");
    const std::vector<int> layers = layers_to_shrink(graph, o);
    if (layers.empty()) throw ModelError("layers: " + graph.name + " has no layer whose units can be removed");
    const auto info = graph.infer();
    const auto before = static_cast<double>(graph.total_macs());
    const double target = before * (1 - macs_fraction);
    double hi = 1 - 1e-12;  // every layer down to one unit
    const auto least = static_cast<double>(macs_after(graph, info, layers, hi));
    if (least > target)
        throw ModelError("prune_ratio: removing " + number_text(100 * macs_fraction) + "% of " + graph.name +
                         "'s MACs needs more than its " + std::to_string(layers.size()) +
                         " shrinkable layers hold: at one unit each, " + number_text(100 * (1 - least / before)) +
                         "% go");
    double lo = 0;
    while (hi - lo > 1e-9) {
        const double mid = (lo + hi) / 2;
        (static_cast<double>(macs_after(graph, info, layers, mid)) <= target ? hi : lo) = mid;
    }
    return hi;
}

namespace {

/// Plans every chosen layer on the unmodified network (units are judged by the weights they were trained with, as
/// the neuron-merging code does), then shrinks them in order. `map_of(layer, keep)` gives a layer's unit map.
template <class MapOf>
std::vector<UnitMap> plan_and_shrink(Graph& graph, double ratio, const StructuredOptions& o, MapOf map_of) {
    check_ratio(ratio);
    const auto info = graph.infer();
    std::vector<std::pair<int, UnitMap>> plan;
    for (int layer : layers_to_shrink(graph, o)) {
        const Node& node = graph.nodes[static_cast<std::size_t>(layer)];
        const bool bn = !path_of(graph, layer, info).batchnorms.empty();
        const auto keep = select_units(unit_vectors(node, !bn),
                                       static_cast<std::size_t>(units_kept(units_of(node), ratio)), o.criterion);
        plan.emplace_back(layer, map_of(layer, keep));
    }
    std::vector<UnitMap> maps;
    for (auto& [layer, map] : plan) {
        shrink_units(graph, layer, map);
        maps.push_back(std::move(map));
    }
    return maps;
}

}  // namespace

void prune_units(Graph& graph, double ratio, const StructuredOptions& o) {
    plan_and_shrink(graph, ratio, o, [&](int layer, const std::vector<int>& keep) {
        return UnitMap::pruning(units_of(graph.nodes[static_cast<std::size_t>(layer)]), keep);
    });
}

UnitMap merge_map(const Graph& graph, int layer, const std::vector<int>& keep, const MergeOptions& o) {
    const auto info = graph.infer();
    const UnitPath path = path_of(graph, layer, info);
    const Node& node = graph.nodes[static_cast<std::size_t>(layer)];
    const std::int64_t units = units_of(node);
    UnitMap map = UnitMap::pruning(units, keep);
    if (path.batchnorms.size() > 1)
        throw ModelError("neuron merging of " + node.name + ": more than one batch norm before the next layer");
    if (!path.depthwise.empty())
        throw ModelError("neuron merging of " + node.name + ": its channels pass " +
                         graph.nodes[static_cast<std::size_t>(path.depthwise[0])].name +
                         ", a depthwise convolution filtering each channel with its own kernel, so a merged channel "
                         "has no single kernel there");
    if (!path.batchnorms.empty() && graph.consumers(layer).at(0) != path.batchnorms[0])
        throw ModelError("neuron merging of " + node.name +
                         ": its batch norm must read it directly (the merge scale passes the batch norm before the "
                         "activation)");
    const Node* bn = path.batchnorms.empty() ? nullptr : &graph.nodes[static_cast<std::size_t>(path.batchnorms[0])];
    const auto vec = unit_vectors(node, bn == nullptr);
    std::vector<double> norm(vec.size());
    for (std::size_t i = 0; i < vec.size(); ++i) norm[i] = std::sqrt(dot(vec[i], vec[i]));
    auto bias = [&](std::size_t i) { return node.has("bias") ? double(node.param("bias").values[i]) : 0.0; };
    for (std::size_t i = 0; i < vec.size(); ++i) {
        if (map.target[i] >= 0 || norm[i] == 0) continue;
        struct Candidate {
            std::size_t pos;
            double cos, scale, offset;
        };
        std::vector<Candidate> cands;
        for (std::size_t t = 0; t < map.keep.size(); ++t) {
            const auto j = static_cast<std::size_t>(map.keep[t]);
            if (norm[j] == 0) continue;
            const double cos = dot(vec[i], vec[j]) / (norm[i] * norm[j]), s = norm[i] / norm[j];
            if (!bn) {
                cands.push_back({t, cos, s, 0.0});
                continue;
            }
            const auto& P = bn->params;
            const double gi = P.at("gamma").values[i], gj = P.at("gamma").values[j];
            const double bi = P.at("beta").values[i], bj = P.at("beta").values[j];
            const double mi = P.at("mean").values[i], mj = P.at("mean").values[j];
            const double vi = P.at("var").values[i], vj = P.at("var").values[j];
            if (gi == 0 || gj == 0) continue;
            double S = 0, B = 0;
            if (o.bn_rule == MergeBnRule::kFirstPrinciples) {
                // z = w.x + c before the batch norm; w_i = s w_j gives z_i = s (z_j - c_j) + c_i, and
                // y = gamma (z - mean) / sigma + beta turns that into y_i = S y_j + B.
                const double si = std::sqrt(vi + bn->eps), sj = std::sqrt(vj + bn->eps);
                S = s * gi * sj / (gj * si);
                B = bi + gi / si * (bias(i) - s * bias(j) - mi) + gi * s / si * (mj - sj * bj / gj);
                if (S <= 0) continue;
            } else {
                S = s * gj * vi / (gi * vj);
                B = gj / vj * (s * (mi - vi * bi / gi) - mj) + bj;
            }
            cands.push_back({t, cos, S, std::abs(B) / S});
        }
        if (cands.empty()) continue;
        std::size_t best = 0;
        if (!bn) {
            for (std::size_t c = 1; c < cands.size(); ++c)
                if (cands[c].cos > cands[best].cos) best = c;
        } else {
            // Score: lambda x cosine distance + (1 - lambda) x the bias term, min-max normalised over candidates.
            double lo = std::numeric_limits<double>::infinity(), hi = -lo;
            for (const auto& c : cands) {
                lo = std::min(lo, c.offset);
                hi = std::max(hi, c.offset);
            }
            auto score = [&](const Candidate& c) {
                const double b = hi > lo ? (c.offset - lo) / (hi - lo) : 0.0;
                return o.lambda * (1 - c.cos) + (1 - o.lambda) * b;
            };
            for (std::size_t c = 1; c < cands.size(); ++c)
                if (score(cands[c]) < score(cands[best])) best = c;
        }
        const Candidate& c = cands[best];
        if (c.cos < o.threshold || c.cos <= 0) continue;  // too different in direction: dropped
        map.target[i] = static_cast<int>(c.pos);
        map.scale[i] = static_cast<float>(c.scale);
    }
    return map;
}

std::vector<int> merge_units(Graph& graph, double ratio, const MergeOptions& o) {
    const auto maps = plan_and_shrink(graph, ratio, o.selection, [&](int layer, const std::vector<int>& keep) {
        return merge_map(graph, layer, keep, o);
    });
    std::vector<int> merged;
    for (const UnitMap& map : maps) {
        int count = 0;
        for (std::size_t u = 0; u < map.target.size(); ++u)
            count += map.target[u] >= 0 && !std::binary_search(map.keep.begin(), map.keep.end(), int(u));
        merged.push_back(count);
    }
    return merged;
}

}  // namespace qdes::nn
