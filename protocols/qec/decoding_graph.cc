#include "protocols/qec/decoding_graph.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>

namespace qdes::qec {

void DecodingGraph::add_edge(std::uint32_t a, std::uint32_t b, double p, std::uint64_t observables) {
    if (!(p > 0 && p <= 0.5))
        throw std::invalid_argument("an error probability must be in (0, 0.5], got " + std::to_string(p));
    if (a >= num_nodes || (b != kBoundary && b >= num_nodes) || a == b)
        throw std::invalid_argument("edge " + std::to_string(a) + " - " + std::to_string(b) + " is not between two of " +
                                    std::to_string(num_nodes) + " nodes");
    Edge e;
    e.a = a, e.b = b, e.p = p, e.observables = observables;
    e.weight = std::log((1 - p) / p);
    edges.push_back(e);
}

void DecodingGraph::finish() {
    offset.assign(std::size_t(num_nodes) + 1, 0);
    for (const Edge& e : edges) {
        ++offset[e.a + 1];
        if (e.b != kBoundary) ++offset[e.b + 1];
    }
    for (std::uint32_t v = 0; v < num_nodes; ++v) offset[v + 1] += offset[v];
    incident.assign(offset.back(), 0);
    std::vector<std::uint32_t> fill(offset.begin(), offset.end() - 1);
    for (std::uint32_t i = 0; i < edges.size(); ++i) {
        incident[fill[edges[i].a]++] = i;
        if (edges[i].b != kBoundary) incident[fill[edges[i].b]++] = i;
    }
}

DecodingGraph css_decoding_graph(const quantum::CssCode& code, char detect, std::uint32_t rounds, double p_data,
                                 double p_meas) {
    if (detect != 'X' && detect != 'Z') throw std::invalid_argument("detect must be 'X' or 'Z'");
    const auto& checks = detect == 'Z' ? code.z_checks : code.x_checks;
    const auto& logicals = detect == 'Z' ? code.z_logicals : code.x_logicals;
    if (logicals.size() > 64) throw std::invalid_argument(code.name + ": more than 64 observables");
    // Per qubit: the checks it is in, and the observables it flips.
    std::vector<std::vector<std::uint32_t>> checks_of(code.num_qubits);
    for (std::uint32_t c = 0; c < checks.size(); ++c)
        for (std::uint32_t q : checks[c]) checks_of[q].push_back(c);
    std::vector<std::uint64_t> flips(code.num_qubits, 0);
    for (std::size_t k = 0; k < logicals.size(); ++k)
        for (std::uint32_t q : logicals[k]) flips[q] ^= std::uint64_t(1) << k;
    for (std::uint32_t q = 0; q < code.num_qubits; ++q)
        if (checks_of[q].size() > 2 || (checks_of[q].empty() && flips[q] != 0))
            throw std::invalid_argument(code.name + ": qubit " + std::to_string(q) + " is in " +
                                        std::to_string(checks_of[q].size()) + " " + detect +
                                        " checks; matching needs at most two (the errors are not graphlike)");
    const std::uint32_t n = std::uint32_t(checks.size());
    const std::uint32_t layers = rounds + 1;
    DecodingGraph g;
    g.nodes_per_round = n;
    g.num_nodes = rounds == 0 ? n : n * layers;
    for (std::uint32_t t = 0; t < (rounds == 0 ? 1 : rounds); ++t)
        for (std::uint32_t q = 0; q < code.num_qubits; ++q) {
            if (checks_of[q].empty()) continue;
            const std::uint32_t a = t * n + checks_of[q][0];
            const std::uint32_t b = checks_of[q].size() == 2 ? t * n + checks_of[q][1] : DecodingGraph::kBoundary;
            g.add_edge(a, b, p_data, flips[q]);
        }
    for (std::uint32_t t = 0; t < rounds; ++t)  // a wrong syndrome bit in noisy round t
        for (std::uint32_t c = 0; c < n; ++c) g.add_edge(t * n + c, (t + 1) * n + c, p_meas, 0);
    g.finish();
    g.description = code.name + (rounds == 0 ? ", code capacity" : ", phenomenological, " + std::to_string(rounds) +
                                                                       " noisy rounds");
    return g;
}

GraphSampler::GraphSampler(const DecodingGraph& graph) : graph_(graph), flipped_(graph.num_nodes, 0) {
    threshold_.reserve(graph.edges.size());
    for (const DecodingGraph::Edge& e : graph.edges)
        threshold_.push_back(e.p >= 0.5 ? std::uint64_t(1) << 63 : std::uint64_t(std::ldexp(e.p, 64)));
}

void GraphSampler::sample(quantum::FastRng& rng, GraphSample& out) {
    out.observables = 0;
    out.errors = 0;
    out.defects.clear();
    for (std::size_t i = 0; i < threshold_.size(); ++i) {
        if (rng.next_u64() >= threshold_[i]) continue;
        const DecodingGraph::Edge& e = graph_.edges[i];
        ++out.errors;
        out.observables ^= e.observables;
        flipped_[e.a] ^= 1;
        if (e.b != DecodingGraph::kBoundary) flipped_[e.b] ^= 1;
        out.defects.push_back(e.a);
        if (e.b != DecodingGraph::kBoundary) out.defects.push_back(e.b);
    }
    // Keep each node flipped an odd number of times once, ascending.
    std::vector<std::uint32_t>& d = out.defects;
    std::size_t kept = 0;
    for (std::uint32_t v : d)
        if (flipped_[v]) {
            flipped_[v] = 0;
            d[kept++] = v;
        }
    d.resize(kept);
    std::sort(d.begin(), d.end());
}

}  // namespace qdes::qec
