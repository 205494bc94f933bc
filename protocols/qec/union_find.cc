#include "protocols/qec/union_find.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>

namespace qdes::qec {

UnionFindDecoder::UnionFindDecoder(const DecodingGraph& graph, std::uint32_t resolution)
    : g_(graph),
      boundary_node_(graph.num_nodes),
      growth_(graph.edges.size(), 0),
      rate_(graph.edges.size(), 0),
      parent_(graph.num_nodes + 1, 0),
      size_(graph.num_nodes + 1, 0),
      parity_(graph.num_nodes + 1, 0),
      at_boundary_(graph.num_nodes + 1, 0),
      in_cluster_(graph.num_nodes + 1, 0),
      defect_(graph.num_nodes + 1, 0),
      visited_(graph.num_nodes + 1, 0),
      listed_(graph.num_nodes + 1, 0),
      frontier_(graph.num_nodes + 1),
      via_edge_(graph.num_nodes + 1, 0) {
    if (resolution < 1 || resolution > 1024)
        throw std::invalid_argument("union-find resolution " + std::to_string(resolution) + ": must be 1 to 1024");
    double lightest = 0;
    for (const DecodingGraph::Edge& e : graph.edges)
        if (e.weight > 0 && (lightest == 0 || e.weight < lightest)) lightest = e.weight;
    length_.reserve(graph.edges.size());
    for (const DecodingGraph::Edge& e : graph.edges) {
        const double units = lightest > 0 ? std::round(double(resolution) * e.weight / lightest) : resolution;
        length_.push_back(std::uint16_t(std::clamp(units, 1.0, 65535.0)));
    }
}

std::uint32_t UnionFindDecoder::find(std::uint32_t v) {
    while (parent_[v] != v) {
        parent_[v] = parent_[parent_[v]];
        v = parent_[v];
    }
    return v;
}

void UnionFindDecoder::touch(std::uint32_t v) {
    in_cluster_[v] = 1;
    touched_nodes_.push_back(v);
}

void UnionFindDecoder::merge(std::uint32_t u, std::uint32_t v) {
    if (!in_cluster_[u]) std::swap(u, v);  // u is in a cluster (it grew the edge)
    const std::uint32_t ru = find(u);
    if (!in_cluster_[v]) {  // v joins u's cluster
        touch(v);
        parent_[v] = ru;
        size_[v] = 1;
        ++size_[ru];
        frontier_[ru].push_back(v);
        return;
    }
    std::uint32_t rv = find(v);
    if (ru == rv) return;
    std::uint32_t big = ru, small = rv;
    if (size_[big] < size_[small]) std::swap(big, small);
    parent_[small] = big;
    size_[big] += size_[small];
    parity_[big] ^= parity_[small];
    at_boundary_[big] |= at_boundary_[small];
    auto& into = frontier_[big];
    auto& from = frontier_[small];
    into.insert(into.end(), from.begin(), from.end());
    from.clear();
    roots_.push_back(big);
}

std::uint64_t UnionFindDecoder::decode(const std::vector<std::uint32_t>& defects) { return run(defects, nullptr); }

std::uint64_t UnionFindDecoder::decode_edges(const std::vector<std::uint32_t>& defects,
                                             std::vector<std::uint32_t>& edges) {
    edges.clear();
    return run(defects, &edges);
}

std::uint64_t UnionFindDecoder::run(const std::vector<std::uint32_t>& defects, std::vector<std::uint32_t>* edges) {
    for (std::uint32_t d : defects) {
        touch(d);
        parent_[d] = d;
        size_[d] = 1;
        parity_[d] = 1;
        defect_[d] = 1;
        frontier_[d].assign(1, d);
        roots_.push_back(d);
    }
    while (true) {
        // The active clusters (odd, off the boundary), and the smallest frontier among them.
        growing_.clear();
        std::size_t smallest = ~std::size_t(0);
        std::size_t kept = 0;
        for (std::uint32_t r : roots_) {
            if (find(r) != r || !active(r) || listed_[r]) continue;  // merged, even, at the boundary, or a repeat
            listed_[r] = 1;
            roots_[kept++] = r;
            smallest = std::min(smallest, frontier_[r].size());
        }
        roots_.resize(kept);
        for (std::uint32_t r : roots_) listed_[r] = 0;
        if (roots_.empty()) break;
        if (smallest == 0) {  // an odd cluster that has grown over its whole component and meets no boundary
            clear();
            throw std::invalid_argument("union-find: the detection events have no correction (a component of the "
                                        "graph without a boundary holds an odd number of them)");
        }
        for (std::uint32_t r : roots_)
            if (frontier_[r].size() == smallest) growing_.push_back(r);
        // Grow: each step adds one unit to every ungrown edge of each growing cluster's frontier (two when both
        // its ends grow it). Nothing changes between steps until an edge completes, so the steps up to the first
        // completion are taken at once: the edge lengths' resolution costs no iterations.
        // A frontier node whose edges have all grown leaves the frontier here, when it is next looked at.
        for (std::uint32_t r : growing_) {
            auto& front = frontier_[r];
            std::size_t still = 0;
            for (std::uint32_t v : front) {
                bool open = false;
                for (std::uint32_t k = g_.offset[v]; k < g_.offset[v + 1]; ++k) {
                    const std::uint32_t e = g_.incident[k];
                    if (growth_[e] >= length_[e]) continue;
                    open = true;
                    if (rate_[e]++ == 0) rated_.push_back(e);
                }
                if (open) front[still++] = v;
            }
            front.resize(still);
        }
        if (rated_.empty()) continue;  // the growing clusters had only stale frontiers: choose again
        std::uint32_t steps = ~0u;
        for (std::uint32_t e : rated_)
            steps = std::min(steps, (std::uint32_t(length_[e] - growth_[e]) + rate_[e] - 1) / rate_[e]);
        for (std::uint32_t e : rated_) {
            if (growth_[e] == 0) touched_edges_.push_back(e);
            const std::uint32_t grown = std::min<std::uint32_t>(length_[e], growth_[e] + steps * rate_[e]);
            growth_[e] = std::uint16_t(grown);
            if (grown == length_[e]) grown_now_.push_back(e);
            rate_[e] = 0;
        }
        rated_.clear();
        // Merge along the edges that finished growing.
        for (std::uint32_t e : grown_now_) {
            const DecodingGraph::Edge& edge = g_.edges[e];
            if (edge.b == DecodingGraph::kBoundary) at_boundary_[find(edge.a)] = 1;
            else merge(edge.a, edge.b);
        }
        grown_now_.clear();
    }
    const std::uint64_t correction = peel(edges);
    clear();
    return correction;
}

void UnionFindDecoder::clear() {
    for (std::uint32_t v : touched_nodes_) {
        in_cluster_[v] = parity_[v] = at_boundary_[v] = defect_[v] = visited_[v] = 0;
        frontier_[v].clear();
    }
    visited_[boundary_node_] = 0;
    for (std::uint32_t e : touched_edges_) growth_[e] = 0;
    touched_nodes_.clear();
    touched_edges_.clear();
    roots_.clear();
    growing_.clear();
    grown_now_.clear();
    for (std::uint32_t e : rated_) rate_[e] = 0;
    rated_.clear();
}

std::uint64_t UnionFindDecoder::peel(std::vector<std::uint32_t>* edges) {
    // A spanning forest of the grown edges by breadth-first search: first from the boundary, then from each
    // cluster node not yet reached. order_ lists the nodes as reached; via_edge_ is each one's edge to its parent.
    order_.clear();
    const auto grown = [this](std::uint32_t e) { return growth_[e] >= length_[e]; };
    const auto search = [&](std::size_t from) {
        for (std::size_t i = from; i < order_.size(); ++i) {
            const std::uint32_t v = order_[i];
            if (v == boundary_node_) continue;
            for (std::uint32_t k = g_.offset[v]; k < g_.offset[v + 1]; ++k) {
                const std::uint32_t e = g_.incident[k];
                if (!grown(e)) continue;
                std::uint32_t w = g_.other(g_.edges[e], v);
                if (w == DecodingGraph::kBoundary) w = boundary_node_;
                if (visited_[w]) continue;
                visited_[w] = 1;
                via_edge_[w] = e;
                order_.push_back(w);
            }
        }
    };
    // The boundary's children: nodes with a grown edge to it.
    visited_[boundary_node_] = 1;
    for (std::uint32_t e : touched_edges_) {
        const DecodingGraph::Edge& edge = g_.edges[e];
        if (edge.b != DecodingGraph::kBoundary || !grown(e) || visited_[edge.a]) continue;
        visited_[edge.a] = 1;
        via_edge_[edge.a] = e;
        order_.push_back(edge.a);
    }
    search(0);
    for (std::uint32_t v : touched_nodes_) {
        if (visited_[v]) continue;
        visited_[v] = 1;
        via_edge_[v] = ~0u;  // a root
        const std::size_t from = order_.size();
        order_.push_back(v);
        search(from);
    }
    std::uint64_t correction = 0;
    for (std::size_t i = order_.size(); i-- > 0;) {
        const std::uint32_t v = order_[i];
        if (!defect_[v] || via_edge_[v] == ~0u) continue;
        const DecodingGraph::Edge& edge = g_.edges[via_edge_[v]];
        correction ^= edge.observables;
        if (edges) edges->push_back(via_edge_[v]);
        defect_[v] = 0;
        const std::uint32_t up = g_.other(edge, v);
        if (up != DecodingGraph::kBoundary) defect_[up] ^= 1;
    }
    return correction;
}

}  // namespace qdes::qec
