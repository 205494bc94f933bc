#include "models/nn/quantize.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include "models/nn/inference.h"

namespace qdes::nn {

namespace {

bool listed(const std::vector<std::string>& names, const std::string& name) {
    return std::find(names.begin(), names.end(), name) != names.end();
}

/// Quantizes `count` values at `x` with one set of parameters chosen from their range.
QuantParams quantize_block(float* x, std::size_t count, int bits, bool symmetric) {
    float lo = 0, hi = 0;
    for (std::size_t i = 0; i < count; ++i) {
        lo = std::min(lo, x[i]);
        hi = std::max(hi, x[i]);
    }
    const QuantParams q = symmetric ? symmetric_params(std::max(-lo, hi), bits) : asymmetric_params(lo, hi, bits);
    for (std::size_t i = 0; i < count; ++i) x[i] = q.fake(x[i]);
    return q;
}

/// Quantizes one weight tensor whose leading `channels` blocks are output channels.
void quantize_tensor(Tensor& w, std::int64_t channels, int bits, const WeightQuantOptions& o,
                     std::vector<QuantParams>& out) {
    if (o.granularity == Granularity::kTensor) {
        out.push_back(quantize_block(w.data(), w.values.size(), bits, o.symmetric));
        return;
    }
    const auto per = static_cast<std::size_t>(w.size() / channels);
    for (std::int64_t c = 0; c < channels; ++c)
        out.push_back(quantize_block(w.data() + static_cast<std::size_t>(c) * per, per, bits, o.symmetric));
}

}  // namespace

std::int64_t QuantParams::quantize(double x) const {
    const double q = std::nearbyint(x / scale) + static_cast<double>(zero_point);
    return static_cast<std::int64_t>(std::clamp(q, static_cast<double>(qmin), static_cast<double>(qmax)));
}

void check_bits(int bits, const std::string& what) {
    if (bits < 2 || bits > 16)
        throw ModelError(what + ": " + std::to_string(bits) + " bits is outside the quantizer's range 2..16");
}

QuantParams symmetric_params(double max_abs, int bits) {
    check_bits(bits, "bits");
    QuantParams q;
    q.qmax = (std::int64_t{1} << (bits - 1)) - 1;
    q.qmin = -q.qmax;
    q.scale = std::max(max_abs / static_cast<double>(q.qmax), 1e-8);
    return q;
}

QuantParams asymmetric_params(double lo, double hi, int bits) {
    check_bits(bits, "bits");
    lo = std::min(lo, 0.0);
    hi = std::max(hi, 0.0);
    QuantParams q;
    q.qmin = 0;
    q.qmax = (std::int64_t{1} << bits) - 1;
    q.scale = std::max((hi - lo) / static_cast<double>(q.qmax), 1e-8);
    q.zero_point = std::clamp<std::int64_t>(static_cast<std::int64_t>(std::nearbyint(-lo / q.scale)), 0, q.qmax);
    return q;
}

std::vector<QuantParams> quantize_weights(Graph& graph, const WeightQuantOptions& o) {
    check_bits(o.bits, "weight_bits");
    graph.check_names(o.exclude, "exclude");
    std::vector<QuantParams> out;
    for (Node& node : graph.nodes) {
        if (listed(o.exclude, node.name)) continue;
        if (node.op != Op::kConv && node.op != Op::kLinear && node.op != Op::kMoe) continue;
        const int bits = node.weight_bits > 0 ? node.weight_bits : o.bits;
        check_bits(bits, node.name + ": weight_bits");
        const std::size_t before = out.size();
        // Record which weights are nonzero before rounding, so that values rounded to zero are not taken for
        // pruned ones (the accelerator reads sparsity from masks).
        for (const char* role : {"weight", "fc1_weight", "fc2_weight"}) {
            if (!node.has(role) || node.masks.count(role)) continue;
            Tensor mask(node.param(role).shape, 1.0f);
            for (std::size_t i = 0; i < mask.values.size(); ++i)
                mask.values[i] = node.param(role).values[i] != 0.0f ? 1.0f : 0.0f;
            node.masks.emplace(role, std::move(mask));
        }
        if (node.op == Op::kMoe) {
            // Each expert's matrix [E, out, in] is quantized per expert row (channel) or per expert (tensor).
            for (const char* role : {"fc1_weight", "fc2_weight"}) {
                Tensor& w = node.param(role);
                const std::int64_t experts = w.shape[0];
                const std::int64_t rows = o.granularity == Granularity::kChannel ? w.shape[1] : 1;
                const auto per = static_cast<std::size_t>(w.size() / (experts * rows));
                for (std::int64_t r = 0; r < experts * rows; ++r)
                    out.push_back(quantize_block(w.data() + static_cast<std::size_t>(r) * per, per, bits, o.symmetric));
            }
        } else {
            Tensor& w = node.param("weight");
            quantize_tensor(w, w.shape[0], bits, o, out);
        }
        node.weight_bits = bits;
        node.weight_scales = static_cast<std::int64_t>(out.size() - before);
        node.weight_zero_points = !o.symmetric;
    }
    return out;
}

double percentile_of(std::vector<float>& values, double p) {
    if (values.empty()) return 0;
    const double pos = std::clamp(p, 0.0, 100.0) / 100.0 * static_cast<double>(values.size() - 1);
    const auto below = static_cast<std::size_t>(std::floor(pos));
    std::nth_element(values.begin(), values.begin() + static_cast<std::ptrdiff_t>(below), values.end());
    const double a = values[below];
    if (below + 1 >= values.size()) return a;
    const double b = *std::min_element(values.begin() + static_cast<std::ptrdiff_t>(below) + 1, values.end());
    return a + (pos - static_cast<double>(below)) * (b - a);
}

void calibrate_activations(Graph& graph, const Tensor& samples, const ActivationQuantOptions& o) {
    check_bits(o.bits, "activation_bits");
    graph.check_names(o.exclude, "exclude");
    if (o.calibration == Calibration::kPercentile && !(o.percentile > 50 && o.percentile <= 100))
        throw ModelError("calibration_percentile: " + number_text(o.percentile) + " is outside (50, 100]");
    const int n = static_cast<int>(graph.nodes.size());
    // reads[i]: the node whose output is node i's first input (-1: the network input), for the nodes calibrated;
    // kNotCalibrated for the others.
    constexpr int kNotCalibrated = -2;
    std::vector<int> reads(static_cast<std::size_t>(n), kNotCalibrated);
    for (int i = 0; i < n; ++i) {
        const Node& node = graph.nodes[static_cast<std::size_t>(i)];
        if ((node.op == Op::kConv || node.op == Op::kLinear) && !listed(o.exclude, node.name))
            reads[static_cast<std::size_t>(i)] = graph.inputs_of(i).at(0);
    }
    std::vector<std::vector<float>> seen(static_cast<std::size_t>(n));
    std::vector<std::pair<float, float>> range(static_cast<std::size_t>(n), {0.0f, 0.0f});
    auto record = [&](int producer, const Tensor& t) {
        for (int i = 0; i < n; ++i) {
            if (reads[static_cast<std::size_t>(i)] != producer) continue;
            if (o.calibration == Calibration::kPercentile) {
                auto& v = seen[static_cast<std::size_t>(i)];
                v.insert(v.end(), t.values.begin(), t.values.end());
            } else {
                auto& r = range[static_cast<std::size_t>(i)];
                for (float v : t.values) {
                    r.first = std::min(r.first, v);
                    r.second = std::max(r.second, v);
                }
            }
        }
    };
    record(-1, samples);
    ForwardOptions fo;
    fo.observe = [&](int node, const Tensor& out) { record(node, out); };
    // Calibrate on the float network: clear any earlier activation quantization first.
    Graph plain = graph;
    for (Node& node : plain.nodes) node.input_scale = 0;
    forward(plain, samples, fo);
    for (int i = 0; i < n; ++i) {
        if (reads[static_cast<std::size_t>(i)] == kNotCalibrated) continue;
        Node& node = graph.nodes[static_cast<std::size_t>(i)];
        const int bits = node.activation_bits > 0 ? node.activation_bits : o.bits;
        check_bits(bits, node.name + ": activation_bits");
        double lo = range[static_cast<std::size_t>(i)].first, hi = range[static_cast<std::size_t>(i)].second;
        if (o.calibration == Calibration::kPercentile) {
            auto& v = seen[static_cast<std::size_t>(i)];
            hi = percentile_of(v, o.percentile);
            lo = percentile_of(v, 100.0 - o.percentile);
        }
        const QuantParams q = asymmetric_params(lo, hi, bits);
        node.activation_bits = bits;
        node.input_scale = q.scale;
        node.input_zero_point = q.zero_point;
        node.input_signed = false;
    }
}

int fold_batchnorm(Graph& graph) {
    int folded = 0;
    for (int b = 0; b < static_cast<int>(graph.nodes.size()); ++b) {
        const Node& bn = graph.nodes[static_cast<std::size_t>(b)];
        if (bn.op != Op::kBatchNorm) continue;
        const int p = graph.inputs_of(b).at(0);
        if (p < 0) continue;
        Node& layer = graph.nodes[static_cast<std::size_t>(p)];
        if ((layer.op != Op::kConv && layer.op != Op::kLinear) || graph.consumers(p).size() != 1) continue;
        if (layer.op == Op::kLinear && graph.infer()[static_cast<std::size_t>(p)].output.size() != 1) continue;
        const std::int64_t K = layer.op == Op::kConv ? layer.out_channels : layer.out_features;
        Tensor& w = layer.param("weight");
        if (!layer.has("bias")) layer.params["bias"] = Tensor({K}, 0.0f);
        Tensor& bias = layer.param("bias");
        const auto per = static_cast<std::size_t>(w.size() / K);
        for (std::int64_t k = 0; k < K; ++k) {
            const auto c = static_cast<std::size_t>(k);
            const double gamma = bn.param("gamma").values[c], beta = bn.param("beta").values[c];
            const double mean = bn.param("mean").values[c], var = bn.param("var").values[c];
            const double a = gamma / std::sqrt(var + bn.eps);
            for (std::size_t i = 0; i < per; ++i) w.values[c * per + i] = static_cast<float>(w.values[c * per + i] * a);
            bias.values[c] = static_cast<float>((bias.values[c] - mean) * a + beta);
        }
        // Remove the batch norm: its readers read the layer; later indices shift down by one.
        if (b + 1 < static_cast<int>(graph.nodes.size()) &&
            graph.nodes[static_cast<std::size_t>(b) + 1].inputs.empty() && p != b - 1)
            graph.nodes[static_cast<std::size_t>(b) + 1].inputs = {b};  // "the previous node" stays the batch norm
        for (int i = b + 1; i < static_cast<int>(graph.nodes.size()); ++i)
            for (int& in : graph.nodes[static_cast<std::size_t>(i)].inputs) {
                if (in == b)
                    in = p;
                else if (in > b)
                    --in;
            }
        graph.nodes.erase(graph.nodes.begin() + b);
        --b;
        ++folded;
    }
    graph.infer();
    return folded;
}

}  // namespace qdes::nn
