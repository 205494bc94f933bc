#include "models/nn/inference.h"

#include <Eigen/Dense>
#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>

#include "models/nn/im2col.h"

namespace qdes::nn {

namespace {

using RowMat = Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
using RowMap = Eigen::Map<RowMat>;
using ConstRowMap = Eigen::Map<const RowMat>;

Shape sample_shape(const Tensor& batch) {
    return Shape(batch.shape.begin() + 1, batch.shape.end());
}

Tensor conv(const Node& node, const Tensor& x) {
    const std::int64_t n = x.shape[0], C = x.shape[1], H = x.shape[2], W = x.shape[3];
    const std::int64_t R = node.kernel_h, S = node.kernel_w, K = node.out_channels, g = node.groups;
    const std::int64_t P = (H + 2 * node.pad_h - R) / node.stride_h + 1;
    const std::int64_t Q = (W + 2 * node.pad_w - S) / node.stride_w + 1;
    const std::int64_t Cg = C / g, Kg = K / g, rows = Cg * R * S;
    Tensor y({n, K, P, Q});
    const Tensor& w = node.param("weight");
    const float* bias = node.has("bias") ? node.param("bias").data() : nullptr;
    RowMat cols(rows, P * Q);
    const ConvGeometry geometry{Cg, H, W, R, S, P, Q, node.stride_h, node.stride_w, node.pad_h, node.pad_w};
    for (std::int64_t s = 0; s < n; ++s) {
        const float* in = x.data() + s * C * H * W;
        float* out = y.data() + s * K * P * Q;
        for (std::int64_t gi = 0; gi < g; ++gi) {
            im2col(geometry, in + gi * Cg * H * W, cols.data());
            ConstRowMap wg(w.data() + gi * Kg * rows, Kg, rows);
            RowMap out_g(out + gi * Kg * P * Q, Kg, P * Q);
            out_g.noalias() = wg * cols;
        }
        if (bias)
            for (std::int64_t k = 0; k < K; ++k)
                for (std::int64_t i = 0; i < P * Q; ++i) out[k * P * Q + i] += bias[k];
    }
    return y;
}

Tensor linear(const Node& node, const Tensor& x) {
    const std::int64_t in = node.in_features, out = node.out_features;
    const std::int64_t rows = x.size() / in;
    Shape shape = x.shape;
    shape.back() = out;
    Tensor y(shape);
    ConstRowMap X(x.data(), rows, in);
    ConstRowMap Wt(node.param("weight").data(), out, in);
    RowMap Y(y.data(), rows, out);
    Y.noalias() = X * Wt.transpose();
    if (node.has("bias")) {
        Eigen::Map<const Eigen::RowVectorXf> b(node.param("bias").data(), out);
        Y.rowwise() += b;
    }
    return y;
}

Tensor batchnorm(const Node& node, const Tensor& x) {
    Tensor y = x;
    const std::int64_t n = x.shape[0], C = x.shape[1];
    const std::int64_t inner = x.size() / (n * C);
    const float *gamma = node.param("gamma").data(), *beta = node.param("beta").data();
    const float *mean = node.param("mean").data(), *var = node.param("var").data();
    for (std::int64_t c = 0; c < C; ++c) {
        const float scale = gamma[c] / std::sqrt(var[c] + static_cast<float>(node.eps));
        const float shift = beta[c] - mean[c] * scale;
        for (std::int64_t s = 0; s < n; ++s) {
            float* p = y.data() + (s * C + c) * inner;
            for (std::int64_t i = 0; i < inner; ++i) p[i] = p[i] * scale + shift;
        }
    }
    return y;
}

Tensor pool(const Node& node, const Tensor& x, bool max) {
    const std::int64_t n = x.shape[0], C = x.shape[1], H = x.shape[2], W = x.shape[3];
    const std::int64_t k = node.pool_kernel, st = node.pool_stride, pad = node.pool_pad;
    const std::int64_t P = (H + 2 * pad - k) / st + 1, Q = (W + 2 * pad - k) / st + 1;
    Tensor y({n, C, P, Q});
    for (std::int64_t sc = 0; sc < n * C; ++sc) {
        const float* plane = x.data() + sc * H * W;
        float* out = y.data() + sc * P * Q;
        for (std::int64_t p = 0; p < P; ++p)
            for (std::int64_t q = 0; q < Q; ++q) {
                float acc = max ? -std::numeric_limits<float>::infinity() : 0.0f;
                std::int64_t inside = 0;
                for (std::int64_t r = 0; r < k; ++r)
                    for (std::int64_t t = 0; t < k; ++t) {
                        const std::int64_t h = p * st - pad + r, v = q * st - pad + t;
                        if (h < 0 || h >= H || v < 0 || v >= W) continue;
                        ++inside;
                        acc = max ? std::max(acc, plane[h * W + v]) : acc + plane[h * W + v];
                    }
                if (!max) acc /= static_cast<float>(node.count_include_pad ? k * k : std::max<std::int64_t>(inside, 1));
                out[p * Q + q] = acc;
            }
    }
    return y;
}

Tensor global_avgpool(const Tensor& x) {
    const std::int64_t n = x.shape[0], C = x.shape[1], hw = x.shape[2] * x.shape[3];
    Tensor y({n, C, 1, 1});
    for (std::int64_t i = 0; i < n * C; ++i) {
        double s = 0;
        for (std::int64_t j = 0; j < hw; ++j) s += x.values[static_cast<std::size_t>(i * hw + j)];
        y.values[static_cast<std::size_t>(i)] = static_cast<float>(s / static_cast<double>(hw));
    }
    return y;
}

Tensor softmax_last(const Tensor& x) {
    Tensor y = x;
    const std::int64_t d = x.shape.back(), rows = x.size() / d;
    for (std::int64_t r = 0; r < rows; ++r) {
        float* p = y.data() + r * d;
        const float m = *std::max_element(p, p + d);
        float s = 0;
        for (std::int64_t i = 0; i < d; ++i) s += (p[i] = std::exp(p[i] - m));
        for (std::int64_t i = 0; i < d; ++i) p[i] /= s;
    }
    return y;
}

Tensor tokens(const Tensor& x) {
    const std::int64_t n = x.shape[0], C = x.shape[1], HW = x.shape[2] * x.shape[3];
    Tensor y({n, HW, C});
    for (std::int64_t s = 0; s < n; ++s)
        for (std::int64_t c = 0; c < C; ++c)
            for (std::int64_t t = 0; t < HW; ++t) y.values[(s * HW + t) * C + c] = x.values[(s * C + c) * HW + t];
    return y;
}

/// Mixture of experts, per sample: softmax router, top-k gates renormalised over the chosen experts, each expert
/// taking at most ceil(k T cf / E) tokens, all first choices (in token order) before second choices.
Tensor moe(const Node& node, const Tensor& x, RoutingStats* stats) {
    const std::int64_t n = x.shape[0], T = x.shape[1], d = node.d_model, f = node.d_ff, E = node.experts;
    const std::int64_t k = node.top_k;
    const auto capacity = static_cast<std::int64_t>(
        std::ceil(static_cast<double>(k * T) * node.capacity_factor / static_cast<double>(E)));
    Tensor y({n, T, d});
    const Tensor& wr = node.param("router_weight");
    const float* br = node.has("router_bias") ? node.param("router_bias").data() : nullptr;
    const float* b1 = node.has("fc1_bias") ? node.param("fc1_bias").data() : nullptr;
    const float* b2 = node.has("fc2_bias") ? node.param("fc2_bias").data() : nullptr;
    if (stats && stats->accepted.size() != static_cast<std::size_t>(E)) stats->accepted.assign(E, 0);
    RowMat probs(T, E);
    std::vector<std::int64_t> choice(static_cast<std::size_t>(T * k));
    std::vector<float> gate(static_cast<std::size_t>(T * k));
    std::vector<std::vector<std::int64_t>> routed(static_cast<std::size_t>(E));  // (token, slot) per expert
    std::vector<std::int64_t> order(static_cast<std::size_t>(E));
    for (std::int64_t s = 0; s < n; ++s) {
        ConstRowMap X(x.data() + s * T * d, T, d);
        probs.noalias() = X * ConstRowMap(wr.data(), E, d).transpose();
        for (std::int64_t t = 0; t < T; ++t) {
            float* p = probs.data() + t * E;
            if (br)
                for (std::int64_t e = 0; e < E; ++e) p[e] += br[e];
            const float m = *std::max_element(p, p + E);
            float sum = 0;
            for (std::int64_t e = 0; e < E; ++e) sum += (p[e] = std::exp(p[e] - m));
            for (std::int64_t e = 0; e < E; ++e) p[e] /= sum;
            std::iota(order.begin(), order.end(), 0);
            std::partial_sort(order.begin(), order.begin() + k, order.end(),
                              [&](std::int64_t a, std::int64_t b) { return p[a] > p[b] || (p[a] == p[b] && a < b); });
            float top = 0;
            for (std::int64_t r = 0; r < k; ++r) top += p[order[static_cast<std::size_t>(r)]];
            for (std::int64_t r = 0; r < k; ++r) {
                choice[static_cast<std::size_t>(t * k + r)] = order[static_cast<std::size_t>(r)];
                gate[static_cast<std::size_t>(t * k + r)] = p[order[static_cast<std::size_t>(r)]] / top;
            }
        }
        for (auto& r : routed) r.clear();
        std::int64_t dropped = 0;
        for (std::int64_t r = 0; r < k; ++r)
            for (std::int64_t t = 0; t < T; ++t) {
                auto& list = routed[static_cast<std::size_t>(choice[static_cast<std::size_t>(t * k + r)])];
                if (static_cast<std::int64_t>(list.size()) < capacity)
                    list.push_back(t * k + r);
                else
                    ++dropped;
            }
        for (std::int64_t e = 0; e < E; ++e) {
            const auto& list = routed[static_cast<std::size_t>(e)];
            if (list.empty()) continue;
            const std::int64_t m = static_cast<std::int64_t>(list.size());
            RowMat xe(m, d);
            for (std::int64_t i = 0; i < m; ++i) xe.row(i) = X.row(list[static_cast<std::size_t>(i)] / k);
            RowMat h = xe * ConstRowMap(node.param("fc1_weight").data() + e * f * d, f, d).transpose();
            if (b1) h.rowwise() += Eigen::Map<const Eigen::RowVectorXf>(b1 + e * f, f);
            h = h.cwiseMax(0.0f);
            RowMat ye = h * ConstRowMap(node.param("fc2_weight").data() + e * d * f, d, f).transpose();
            if (b2) ye.rowwise() += Eigen::Map<const Eigen::RowVectorXf>(b2 + e * d, d);
            for (std::int64_t i = 0; i < m; ++i) {
                const std::int64_t slot = list[static_cast<std::size_t>(i)];
                RowMap(y.data() + (s * T + slot / k) * d, 1, d) += gate[static_cast<std::size_t>(slot)] * ye.row(i);
            }
            if (stats) stats->accepted[static_cast<std::size_t>(e)] += m;
        }
        if (stats) {
            stats->dropped += dropped;
            stats->tokens += T;
            stats->samples += 1;
        }
    }
    return y;
}

Tensor fake_quantize_input(const Node& node, const Tensor& x) {
    Tensor y = x;
    const int b = node.activation_bits;
    const double lo = node.input_signed ? -std::ldexp(1.0, b - 1) : 0.0;
    const double hi = node.input_signed ? std::ldexp(1.0, b - 1) - 1 : std::ldexp(1.0, b) - 1;
    const double s = node.input_scale, z = static_cast<double>(node.input_zero_point);
    for (float& v : y.values) v = static_cast<float>((std::clamp(std::nearbyint(v / s) + z, lo, hi) - z) * s);
    return y;
}

}  // namespace

Tensor run_node(const Node& node, const std::vector<const Tensor*>& given, RoutingStats* routing) {
    std::vector<const Tensor*> inputs = given;
    Tensor quantized;
    if (node.activation_bits > 0 && node.input_scale > 0) {
        quantized = fake_quantize_input(node, *given.at(0));
        inputs[0] = &quantized;
    }
    const Tensor& x = *inputs.at(0);
    switch (node.op) {
        case Op::kConv:
            return conv(node, x);
        case Op::kLinear:
            return linear(node, x);
        case Op::kBatchNorm:
            return batchnorm(node, x);
        case Op::kRelu: {
            Tensor y = x;
            for (float& v : y.values) v = std::max(v, 0.0f);
            return y;
        }
        case Op::kClip: {
            Tensor y = x;
            const auto lo = static_cast<float>(node.clip_min), hi = static_cast<float>(node.clip_max);
            for (float& v : y.values) v = std::min(std::max(v, lo), hi);
            return y;
        }
        case Op::kMaxPool:
            return pool(node, x, true);
        case Op::kAvgPool:
            return pool(node, x, false);
        case Op::kGlobalAvgPool:
            return global_avgpool(x);
        case Op::kAdd: {
            Tensor y = x;
            const Tensor& b = *inputs.at(1);
            for (std::size_t i = 0; i < y.values.size(); ++i) y.values[i] += b.values[i];
            return y;
        }
        case Op::kFlatten: {
            Tensor y = x;
            y.shape = {x.shape[0], x.size() / std::max<std::int64_t>(x.shape[0], 1)};
            return y;
        }
        case Op::kSoftmax:
            return softmax_last(x);
        case Op::kTokens:
            return tokens(x);
        case Op::kMoe:
            return moe(node, x, routing);
    }
    throw ModelError("node '" + node.name + "': operator not implemented");
}

Tensor forward(const Graph& graph, const Tensor& batch, const ForwardOptions& options) {
    if (batch.shape.empty() || sample_shape(batch) != graph.input_shape)
        throw ModelError("network '" + graph.name + "' takes samples of shape " + to_string(graph.input_shape) +
                         ", got a batch of shape " + to_string(batch.shape));
    const int count = static_cast<int>(graph.nodes.size());
    if (count == 0) return batch;
    // The last node reading each output, so that outputs can be freed once read.
    std::vector<int> last_use(static_cast<std::size_t>(count), -1);
    for (int i = 0; i < count; ++i)
        for (int j : graph.inputs_of(i))
            if (j >= 0) last_use[static_cast<std::size_t>(j)] = i;
    std::vector<Tensor> out(static_cast<std::size_t>(count));
    for (int i = 0; i < count; ++i) {
        std::vector<const Tensor*> in;
        for (int j : graph.inputs_of(i)) in.push_back(j < 0 ? &batch : &out[static_cast<std::size_t>(j)]);
        const Node& node = graph.nodes[static_cast<std::size_t>(i)];
        RoutingStats* routing = options.routing && node.op == Op::kMoe ? &(*options.routing)[i] : nullptr;
        out[static_cast<std::size_t>(i)] = run_node(node, in, routing);
        if (options.observe) options.observe(i, out[static_cast<std::size_t>(i)]);
        for (int j : graph.inputs_of(i))
            if (j >= 0 && last_use[static_cast<std::size_t>(j)] == i) out[static_cast<std::size_t>(j)] = Tensor();
    }
    return std::move(out.back());
}

std::vector<int> argmax_rows(const Tensor& logits) {
    const std::int64_t n = logits.shape.at(0), k = logits.size() / std::max<std::int64_t>(n, 1);
    std::vector<int> best(static_cast<std::size_t>(n));
    for (std::int64_t i = 0; i < n; ++i) {
        const float* p = logits.data() + i * k;
        best[static_cast<std::size_t>(i)] = static_cast<int>(std::max_element(p, p + k) - p);
    }
    return best;
}

std::int64_t count_correct(const Graph& graph, const Tensor& samples, const std::vector<int>& labels,
                           const ForwardOptions& options, std::int64_t batch) {
    const std::int64_t n = samples.shape.at(0), per = n > 0 ? samples.size() / n : 0;
    if (static_cast<std::int64_t>(labels.size()) != n)
        throw ModelError("count_correct: " + std::to_string(n) + " samples but " + std::to_string(labels.size()) +
                         " labels");
    std::int64_t correct = 0;
    for (std::int64_t first = 0; first < n; first += batch) {
        const std::int64_t count = std::min(batch, n - first);
        Tensor part;
        part.shape = samples.shape;
        part.shape[0] = count;
        part.values.assign(samples.values.begin() + first * per, samples.values.begin() + (first + count) * per);
        const auto pred = argmax_rows(forward(graph, part, options));
        for (std::int64_t i = 0; i < count; ++i)
            correct += pred[static_cast<std::size_t>(i)] == labels[static_cast<std::size_t>(first + i)];
    }
    return correct;
}

}  // namespace qdes::nn
