#include "models/nn/hessian.h"

#include <algorithm>
#include <cmath>
#include <random>

#include "models/nn/train.h"

namespace qdes::nn {

namespace {

Tensor gradient_at(Graph& g, const Tensor& batch, const std::vector<int>& labels, const WeightRef& w) {
    LossGradients lg = loss_gradients(g, batch, labels, {.batchnorm_training = false});
    auto node = lg.grads.find(w.node);
    if (node == lg.grads.end() || node->second.count(w.role) == 0)
        throw ModelError("node '" + g.nodes.at(static_cast<std::size_t>(w.node)).name + "': no gradient for '" +
                         w.role + "'");
    return std::move(node->second.at(w.role));
}

double dot(const Tensor& a, const Tensor& b) {
    double s = 0;
    for (std::size_t i = 0; i < a.values.size(); ++i) s += double(a.values[i]) * b.values[i];
    return s;
}

}  // namespace

Tensor hessian_vector_product(const Graph& graph, const Tensor& batch, const std::vector<int>& labels,
                              const WeightRef& w, const Tensor& v, double eps) {
    if (w.node < 0 || w.node >= static_cast<int>(graph.nodes.size()))
        throw ModelError("hessian: node index " + std::to_string(w.node) + " is not in the network");
    Graph g = graph;
    Tensor& weight = g.nodes[static_cast<std::size_t>(w.node)].param(w.role);
    if (v.values.size() != weight.values.size())
        throw ModelError("hessian: the direction has " + std::to_string(v.size()) + " entries, the weight " +
                         std::to_string(weight.size()));
    double scale = 0;
    for (float x : v.values) scale = std::max<double>(scale, std::abs(x));
    if (scale == 0) return Tensor(weight.shape);
    const Tensor original = weight;
    auto shifted = [&](double sign) {
        for (std::size_t i = 0; i < weight.values.size(); ++i)
            weight.values[i] = static_cast<float>(original.values[i] + sign * eps * v.values[i] / scale);
        return gradient_at(g, batch, labels, w);
    };
    const Tensor up = shifted(+1), down = shifted(-1);
    Tensor hv(original.shape);
    for (std::size_t i = 0; i < hv.values.size(); ++i)
        hv.values[i] = static_cast<float>((double(up.values[i]) - down.values[i]) / (2 * eps) * scale);
    return hv;
}

TraceEstimate hutchinson_trace(const Graph& graph, const Tensor& batch, const std::vector<int>& labels,
                               const WeightRef& w, int probes, std::uint64_t seed, double rel_tol, double eps) {
    if (probes < 2) throw ModelError("hessian: Hutchinson needs at least 2 probes");
    std::mt19937_64 rng(seed);
    const Tensor& weight = graph.nodes.at(static_cast<std::size_t>(w.node)).param(w.role);
    Tensor z(weight.shape);
    double sum = 0, squares = 0;
    TraceEstimate e;
    for (int t = 0; t < probes; ++t) {
        for (float& x : z.values) x = (rng() >> 63) ? 1.0f : -1.0f;
        const double q = dot(z, hessian_vector_product(graph, batch, labels, w, z, eps));
        sum += q;
        squares += q * q;
        e.probes = t + 1;
        const double n = e.probes, mean = sum / n;
        e.trace = mean;
        e.std_error = n > 1 ? std::sqrt(std::max(0.0, (squares - n * mean * mean) / (n - 1)) / n) : 0;
        if (rel_tol > 0 && e.probes >= 10 && e.std_error < rel_tol * std::abs(mean)) break;
    }
    return e;
}

double coordinate_trace(const Graph& graph, const Tensor& batch, const std::vector<int>& labels, const WeightRef& w,
                        double eps) {
    const Tensor& weight = graph.nodes.at(static_cast<std::size_t>(w.node)).param(w.role);
    Tensor e(weight.shape);
    double trace = 0;
    for (std::size_t i = 0; i < e.values.size(); ++i) {
        e.values[i] = 1;
        trace += hessian_vector_product(graph, batch, labels, w, e, eps).values[i];
        e.values[i] = 0;
    }
    return trace;
}

}  // namespace qdes::nn
