#include "protocols/qec/union_find.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>

namespace qdes::qec {

std::vector<std::uint16_t> union_find_lengths(const DecodingGraph& graph, std::uint32_t resolution) {
    if (resolution < 1 || resolution > 1024)
        throw std::invalid_argument("union-find resolution " + std::to_string(resolution) + ": must be 1 to 1024");
    double lightest = 0;
    for (const DecodingGraph::Edge& e : graph.edges)
        if (e.weight > 0 && (lightest == 0 || e.weight < lightest)) lightest = e.weight;
    std::vector<std::uint16_t> length;
    length.reserve(graph.edges.size());
    for (const DecodingGraph::Edge& e : graph.edges) {
        const double units = lightest > 0 ? std::round(double(resolution) * e.weight / lightest) : resolution;
        length.push_back(std::uint16_t(std::clamp(units, 1.0, 65535.0)));
    }
    return length;
}

UnionFindDecoder::UnionFindDecoder(const DecodingGraph& graph, std::uint32_t resolution, Growth growth)
    : g_(graph),
      growth_policy_(growth),
      boundary_node_(graph.num_nodes),
      growth_(graph.edges.size(), 0),
      rate_(graph.edges.size(), 0),
      parent_(graph.num_nodes + 1, 0),
      size_(graph.num_nodes + 1, 0),
      parity_(graph.num_nodes + 1, 0),
      at_boundary_(graph.num_nodes + 1, 0),
      in_cluster_(graph.num_nodes + 1, 0),
      defect_(graph.num_nodes + 1, 0),
      listed_(graph.num_nodes + 1, 0),
      level_(graph.num_nodes + 1, 0),
      frontier_(graph.num_nodes + 1),
      via_edge_(graph.num_nodes + 1, 0),
      lowest_(graph.num_nodes + 1, graph.num_nodes) {
    length_ = union_find_lengths(graph, resolution);
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
            if (growth_policy_ == Growth::kAllOdd || frontier_[r].size() == smallest) growing_.push_back(r);
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
        in_cluster_[v] = parity_[v] = at_boundary_[v] = defect_[v] = 0;
        level_[v] = 0;
        lowest_[v] = boundary_node_;
        frontier_[v].clear();
    }
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
    // A spanning forest of the grown edges, level by level: level 0 is the boundary and the lowest-numbered node of
    // each cluster off it; a node first reached from level k hangs from its lowest-numbered grown edge to level k.
    // order_ lists the nodes level by level; via_edge_ is each one's edge to its parent and
    // level_ is 1 + its level (0: not reached).
    order_.clear();
    const auto grown = [this](std::uint32_t e) { return growth_[e] >= length_[e]; };
    // lowest_ holds boundary_node_ (above every node) outside a decode; clear() restores it.
    for (std::uint32_t v : touched_nodes_) {
        std::uint32_t& low = lowest_[find(v)];
        low = std::min(low, v);
    }
    // Level 1 under the boundary: nodes with a grown edge to it.
    for (std::uint32_t e : touched_edges_) {
        const DecodingGraph::Edge& edge = g_.edges[e];
        if (edge.b != DecodingGraph::kBoundary || !grown(e)) continue;
        const std::uint32_t v = edge.a;
        if (level_[v] == 0) {
            level_[v] = 2;
            via_edge_[v] = e;
            order_.push_back(v);
        } else if (e < via_edge_[v]) {
            via_edge_[v] = e;
        }
    }
    const std::size_t boundary_children = order_.size();
    for (std::uint32_t v : touched_nodes_) {
        const std::uint32_t r = find(v);
        if (at_boundary_[r] || lowest_[r] != v) continue;
        level_[v] = 1;
        via_edge_[v] = ~0u;  // a root
        order_.push_back(v);
    }
    // Roots first, then the boundary's children, so that the levels lie in order.
    std::rotate(order_.begin(), order_.begin() + std::ptrdiff_t(boundary_children), order_.end());
    std::size_t level_begin = 0;
    while (level_begin < order_.size()) {
        const std::size_t level_end =
            std::find_if(order_.begin() + std::ptrdiff_t(level_begin), order_.end(),
                         [&](std::uint32_t v) { return level_[v] != level_[order_[level_begin]]; }) -
            order_.begin();
        const std::uint32_t next_level = level_[order_[level_begin]] + 1;
        for (std::size_t i = level_begin; i < level_end; ++i) {
            const std::uint32_t v = order_[i];
            for (std::uint32_t k = g_.offset[v]; k < g_.offset[v + 1]; ++k) {
                const std::uint32_t e = g_.incident[k];
                if (!grown(e)) continue;
                const std::uint32_t w = g_.other(g_.edges[e], v);
                if (w == DecodingGraph::kBoundary) continue;
                if (level_[w] == 0) {
                    level_[w] = next_level;
                    via_edge_[w] = e;
                    order_.push_back(w);
                } else if (level_[w] == next_level && e < via_edge_[w]) {
                    via_edge_[w] = e;
                }
            }
        }
        level_begin = level_end;
    }
    // Peel from the deepest level up; the nodes of one level do not affect each other.
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
