#include "models/nn/mixed_precision.h"

#include <algorithm>
#include <set>

#include "models/nn/bit_allocation.h"
#include "models/nn/hessian.h"
#include "models/nn/train.h"

namespace qdes::nn {

namespace {

/// ||W - Q_b(W)||^2 of every quantizable layer at b bits, by quantizing a copy.
std::vector<double> quantization_errors(const Graph& graph, const std::vector<int>& layers, int bits,
                                        const WeightQuantOptions& quant) {
    Graph copy = graph;
    for (Node& n : copy.nodes) n.weight_bits = 0;
    WeightQuantOptions o = quant;
    o.bits = bits;
    quantize_weights(copy, o);
    std::vector<double> out;
    for (int i : layers) {
        const Tensor &w = graph.nodes[static_cast<std::size_t>(i)].param("weight"),
                     &q = copy.nodes[static_cast<std::size_t>(i)].param("weight");
        double s = 0;
        for (std::size_t k = 0; k < w.values.size(); ++k) s += std::pow(double(w.values[k]) - q.values[k], 2);
        out.push_back(s);
    }
    return out;
}

}  // namespace

void check_mixed_precision(const Graph& graph, const MixedPrecisionOptions& options) {
    if (options.bits.empty()) throw ModelError("bits: no candidate bit width");
    for (int b : options.bits) check_bits(b, "bits");
    if (!(options.alpha >= 0 && options.alpha <= 1))
        throw ModelError("alpha: " + number_text(options.alpha) + " is outside [0, 1]");
    graph.check_names(options.quant.exclude, "exclude");
    if (options.budget == BitBudget::kLatency && !options.latency)
        throw ModelError("budget: a latency budget needs a latency model of the layers");
    check_trainable(graph);
}

MixedPrecisionReport quantize_mixed_precision(Graph& graph, const Tensor& samples, const std::vector<int>& labels,
                                              const MixedPrecisionOptions& options) {
    check_mixed_precision(graph, options);
    std::vector<int> bits = options.bits;
    std::sort(bits.begin(), bits.end());
    bits.erase(std::unique(bits.begin(), bits.end()), bits.end());
    fold_batchnorm(graph);
    const std::vector<NodeInfo> info = graph.infer();
    std::vector<int> layers;
    MixedPrecisionReport report;
    for (int i = 0; i < static_cast<int>(graph.nodes.size()); ++i) {
        const Node& n = graph.nodes[static_cast<std::size_t>(i)];
        if (n.op != Op::kConv && n.op != Op::kLinear) continue;
        if (std::find(options.quant.exclude.begin(), options.quant.exclude.end(), n.name) !=
            options.quant.exclude.end())
            continue;
        layers.push_back(i);
        LayerPrecision l;
        l.name = n.name;
        l.weights = n.param("weight").size();
        l.macs = info[static_cast<std::size_t>(i)].macs;
        const TraceEstimate t = hutchinson_trace(graph, samples, labels, {i, "weight"}, std::max(options.probes, 2),
                                                 options.seed + i, 1e-2);
        l.trace = t.trace;
        l.trace_std_error = t.std_error;
        report.layers.push_back(l);
    }
    if (layers.empty()) throw ModelError("exclude: no convolution or fully connected layer is left to quantize");
    for (int b : bits) {
        const std::vector<double> errors = quantization_errors(graph, layers, b, options.quant);
        for (std::size_t k = 0; k < layers.size(); ++k) report.layers[k].error.push_back(errors[k]);
    }
    std::vector<std::vector<BitOption>> choices;
    double low = 0, high = 0;
    for (std::size_t i = 0; i < report.layers.size(); ++i) {
        LayerPrecision& l = report.layers[i];
        std::vector<BitOption> layer;
        // A negative trace estimate (a saddle direction, or noise) would reward error; the curvature is floored at 0.
        const double sensitivity = options.use_trace ? std::max(l.trace, 0.0) / static_cast<double>(l.weights) : 1.0;
        double cheapest = 0, dearest = 0;
        for (std::size_t k = 0; k < bits.size(); ++k) {
            double cost = 0;
            switch (options.budget) {
                case BitBudget::kSize:
                    cost = static_cast<double>(l.weights) * bits[k];
                    break;
                case BitBudget::kBops:
                    cost = static_cast<double>(l.macs) * bits[k] * options.activation_bits;
                    break;
                case BitBudget::kLatency:
                    cost = options.latency(layers[i], bits[k]);
                    break;
            }
            l.cost.push_back(cost);
            layer.push_back({bits[k], cost, sensitivity * l.error[k]});
            cheapest = k == 0 ? cost : std::min(cheapest, cost);
            dearest = k == 0 ? cost : std::max(dearest, cost);
        }
        low += cheapest;
        high += dearest;
        choices.push_back(layer);
    }
    report.budget = low + options.alpha * (high - low);
    const BitAllocation a = allocate_bits(choices, report.budget);
    report.cost = a.cost;
    report.penalty = a.penalty;
    for (std::size_t k = 0; k < layers.size(); ++k) {
        const int b = bits[static_cast<std::size_t>(a.choice[k])];
        report.layers[k].bits = b;
        graph.nodes[static_cast<std::size_t>(layers[k])].weight_bits = b;
    }
    quantize_weights(graph, options.quant);
    return report;
}

}  // namespace qdes::nn
