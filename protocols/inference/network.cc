#include "protocols/inference/network.h"

#include <cmath>

namespace qdes::inference {

namespace {

bool meets_nm(const float* w, std::int64_t rows, std::int64_t k, std::uint32_t n, std::uint32_t m) {
    for (std::int64_t r = 0; r < rows; ++r)
        for (std::int64_t start = 0; start < k; start += m) {
            std::uint32_t nonzero = 0;
            for (std::int64_t i = start; i < std::min<std::int64_t>(start + m, k); ++i) nonzero += w[r * k + i] != 0.0f;
            if (nonzero > n) return false;
        }
    return true;
}

accel::Precision precision_of(const nn::Node& node, const accel::Precision& fallback) {
    accel::Precision p = fallback;
    if (node.weight_bits > 0) p.weight_bits = static_cast<std::uint32_t>(std::max(node.weight_bits, 2));
    if (node.activation_bits > 0) p.input_bits = static_cast<std::uint32_t>(std::max(node.activation_bits, 2));
    return p;
}

}  // namespace

accel::Sparsity sparsity_of(const nn::Tensor& weight, std::int64_t rows, std::int64_t k,
                            const GraphLoweringOptions& options) {
    accel::Sparsity s;
    std::int64_t nonzero = 0;
    for (float v : weight.values) nonzero += v != 0.0f;
    const double density = static_cast<double>(nonzero) / static_cast<double>(std::max<std::int64_t>(weight.size(), 1));
    if (density >= options.dense_above || nonzero == 0) return s;
    if (options.detect_nm) {
        // Tightest first: the pattern that promises the fewest nonzeros per group.
        static const std::pair<std::uint32_t, std::uint32_t> patterns[] = {{1, 8}, {1, 4}, {2, 8},
                                                                           {2, 4}, {4, 8}, {1, 2}};
        for (auto [n, m] : patterns) {
            // The pattern must explain the sparsity: a very sparse weight can meet 4:8 by chance, and is better run
            // as unstructured at its own density.
            const double ratio = static_cast<double>(n) / m;
            if (density > ratio + 1e-12 || density < 0.9 * ratio) continue;
            if (k >= static_cast<std::int64_t>(m) && meets_nm(weight.data(), rows, k, n, m)) {
                s.kind = accel::Sparsity::Kind::kNM;
                s.n = n;
                s.m = m;
                return s;
            }
        }
    }
    s.kind = accel::Sparsity::Kind::kUnstructured;
    s.density = density;
    s.format = options.sparse_format;
    return s;
}

std::vector<LoweredOp> lower_graph(const nn::Graph& graph, const GraphLoweringOptions& options) {
    const auto info = graph.infer();
    std::vector<LoweredOp> out;
    const auto batch = static_cast<std::int64_t>(options.batch);
    for (int i = 0; i < static_cast<int>(graph.nodes.size()); ++i) {
        const nn::Node& node = graph.nodes[static_cast<std::size_t>(i)];
        const nn::Shape in = graph.inputs_of(i)[0] < 0 ? graph.input_shape
                                                       : info[static_cast<std::size_t>(graph.inputs_of(i)[0])].output;
        const nn::Shape& y = info[static_cast<std::size_t>(i)].output;
        // Sparsity is read from a weight's mask when it has one (zeros that quantization rounds to are not pruning),
        // else from its zeros (a model pruned elsewhere and saved without masks).
        auto pattern_of = [&](const std::string& role) -> const nn::Tensor& {
            auto it = node.masks.find(role);
            return it != node.masks.end() ? it->second : node.param(role);
        };
        auto emit = [&](std::string name, std::int64_t M, std::int64_t N, std::int64_t K, std::int64_t groups,
                        std::int64_t inputs, const nn::Tensor& pattern, const std::string& role, std::int64_t w_rows,
                        std::int64_t w_k) {
            LoweredOp l;
            l.node = i;
            l.weight = role;
            l.op.name = std::move(name);
            l.op.M = static_cast<std::uint64_t>(M);
            l.op.N = static_cast<std::uint64_t>(N);
            l.op.K = static_cast<std::uint64_t>(K);
            l.op.groups = static_cast<std::uint64_t>(groups);
            l.op.input_elements = static_cast<std::uint64_t>(inputs);
            l.op.precision = precision_of(node, options.precision);
            l.op.sparsity = sparsity_of(pattern, w_rows, w_k, options);
            l.op.source = graph.name + ": " + node.name;
            accel::validate(l.op);
            out.push_back(std::move(l));
        };
        switch (node.op) {
            case nn::Op::kConv: {
                const std::int64_t g = node.groups, Cg = node.in_channels / g, k = Cg * node.kernel_h * node.kernel_w;
                emit(node.name, y[1] * y[2] * batch, node.out_channels / g, k, g, Cg * in[1] * in[2] * batch,
                     pattern_of("weight"), "weight", node.out_channels, k);
                break;
            }
            case nn::Op::kLinear: {
                const std::int64_t rows = (in.size() == 2 ? in[0] : 1) * batch;
                emit(node.name, rows, node.out_features, node.in_features, 1, 0, pattern_of("weight"), "weight",
                     node.out_features, node.in_features);
                break;
            }
            case nn::Op::kMoe: {
                const std::int64_t T = in[0], d = node.d_model, f = node.d_ff, E = node.experts;
                emit(node.name + ".router", T * batch, E, d, 1, 0, pattern_of("router_weight"), "router_weight", E, d);
                const auto capacity = static_cast<std::int64_t>(
                    std::ceil(static_cast<double>(node.top_k * T) * node.capacity_factor / static_cast<double>(E)));
                const nn::RoutingStats* measured = nullptr;
                if (options.routing) {
                    auto it = options.routing->find(i);
                    if (it != options.routing->end() && it->second.samples > 0) measured = &it->second;
                }
                for (std::int64_t e = 0; e < E; ++e) {
                    const std::int64_t tokens =
                        measured ? static_cast<std::int64_t>(std::llround(
                                       static_cast<double>(measured->accepted[static_cast<std::size_t>(e)]) *
                                       static_cast<double>(batch) / static_cast<double>(measured->samples)))
                                 : capacity * batch;
                    if (tokens == 0) continue;
                    nn::Tensor w1, w2;
                    const nn::Tensor& f1 = pattern_of("fc1_weight");
                    const nn::Tensor& f2 = pattern_of("fc2_weight");
                    w1.shape = {f, d};
                    w1.values.assign(f1.values.begin() + e * f * d, f1.values.begin() + (e + 1) * f * d);
                    w2.shape = {d, f};
                    w2.values.assign(f2.values.begin() + e * d * f, f2.values.begin() + (e + 1) * d * f);
                    const std::string prefix = node.name + ".expert" + std::to_string(e);
                    emit(prefix + ".fc1", tokens, f, d, 1, 0, w1, "fc1_weight", f, d);
                    emit(prefix + ".fc2", tokens, d, f, 1, 0, w2, "fc2_weight", d, f);
                }
                break;
            }
            default:
                break;
        }
    }
    return out;
}

std::vector<accel::GemmOp> gemms_of(const std::vector<LoweredOp>& lowered) {
    std::vector<accel::GemmOp> ops;
    ops.reserve(lowered.size());
    for (const auto& l : lowered) ops.push_back(l.op);
    return ops;
}

}  // namespace qdes::inference
