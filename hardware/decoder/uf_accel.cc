#include "hardware/decoder/uf_accel.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>

namespace qdes::hw {

namespace {

constexpr std::uint32_t kNone = 0xffffffffu;

std::uint32_t bits_for(std::uint64_t values) {  // bits to tell `values` values apart
    std::uint32_t b = 0;
    while ((std::uint64_t(1) << b) < values) ++b;
    return b;
}

}  // namespace

void UfGraph::add_edge(std::uint32_t a, std::uint32_t b, std::uint16_t length, std::uint64_t observables) {
    if (a >= vertices || (b != kBoundary && b >= vertices))
        throw std::invalid_argument("uf_accel: edge " + std::to_string(a) + " - " + std::to_string(b) +
                                    " names a vertex beyond the " + std::to_string(vertices) + " the graph has");
    if (a == b) throw std::invalid_argument("uf_accel: edge " + std::to_string(a) + " - " + std::to_string(b) +
                                            " is a loop");
    if (length == 0) throw std::invalid_argument("uf_accel: an edge of length 0");
    edges.push_back(Edge{a, b, length, observables});
}

void UfGraph::finish() {
    offset.assign(std::size_t(vertices) + 1, 0);
    for (const Edge& e : edges) {
        ++offset[e.a + 1];
        if (e.b != kBoundary) ++offset[e.b + 1];
    }
    for (std::uint32_t v = 0; v < vertices; ++v) offset[v + 1] += offset[v];
    incident.assign(offset.back(), 0);
    std::vector<std::uint32_t> fill(offset.begin(), offset.end() - 1);
    for (std::uint32_t i = 0; i < edges.size(); ++i) {
        incident[fill[edges[i].a]++] = i;
        if (edges[i].b != kBoundary) incident[fill[edges[i].b]++] = i;
    }
}

UfAccelerator::UfAccelerator(const UfGraph& graph, const UfAccelConfig& config)
    : g_(graph),
      config_(config),
      cid_(graph.vertices, kNone),
      members_(graph.vertices),
      defect_(graph.vertices, 0),
      odd_(graph.vertices, 0),
      boundary_(graph.vertices, 0),
      changed_(graph.vertices, 0),
      growth_(graph.edges.size(), 0),
      level_(graph.vertices, 0),
      via_(graph.vertices, kNone),
      mark_(graph.vertices, 0) {
    check(config_);
    if (graph.offset.size() != std::size_t(graph.vertices) + 1)
        throw std::logic_error("uf_accel: the graph was not finished");
    const std::uint32_t V = std::max<std::uint32_t>(graph.vertices, 1);
    pes_used_ = config_.pes == 0 ? V : std::min(config_.pes, V);
    contexts_ = (V + pes_used_ - 1) / pes_used_;
    tree_depth_ = 1;
    for (std::uint64_t reach = config_.tree_fanin; reach < pes_used_; reach *= config_.tree_fanin) ++tree_depth_;
    std::uint32_t degree = 0;
    for (std::uint32_t v = 0; v < graph.vertices; ++v) degree = std::max(degree, graph.offset[v + 1] - graph.offset[v]);
    const std::uint32_t longest = (1u << config_.growth_bits) - 1;
    for (const UfGraph::Edge& e : graph.edges)
        if (e.length > longest)
            throw std::invalid_argument("an edge of length " + std::to_string(e.length) + " growth units does not fit "
                                        "the decoder's " + std::to_string(config_.growth_bits) + "-bit growth "
                                        "registers (at most " + std::to_string(longest) + "): lower the resolution "
                                        "or widen the registers");
    memory_needed_ = memory_needed(graph.vertices, graph.edges.size(), degree, config_.growth_bits);
    if (config_.memory_bytes != 0 && config_.memory_bytes < memory_needed_)
        throw std::invalid_argument(
            "the decoder's state memory (" + std::to_string(config_.memory_bytes) + " bytes) is too small for this "
            "decoding graph of " + std::to_string(graph.vertices) + " vertices and " +
            std::to_string(graph.edges.size()) + " edges: it needs " + std::to_string(memory_needed_) + " bytes");
}

void UfAccelerator::check(const UfAccelConfig& config) {
    if (!(config.clock_hz > 0) || !std::isfinite(config.clock_hz))
        throw std::invalid_argument("the decoder's clock must be a positive frequency");
    if (config.tree_fanin < 2) throw std::invalid_argument("the controller tree's fan-in must be at least 2");
    if (config.growth_bits < 1 || config.growth_bits > 16)
        throw std::invalid_argument("the decoder's growth registers must be 1 to 16 bits wide");
}

std::uint64_t UfAccelerator::memory_needed(std::uint64_t vertices, std::uint64_t edges, std::uint32_t largest_degree,
                                           std::uint32_t growth_bits) {
    const std::uint64_t per_vertex = bits_for(std::max<std::uint64_t>(vertices, 1)) + 5 +
                                     bits_for(std::uint64_t(largest_degree) + 1);
    return (vertices * per_vertex + edges * growth_bits + 7) / 8;
}

const UfAccelResult& UfAccelerator::decode(const std::vector<std::uint32_t>& defects) {
    result_.observables = 0;
    result_.edges.clear();  // keeps its capacity from decode to decode
    result_.cycles = UfAccelCycles{};
    UfAccelCycles& cy = result_.cycles;
    const std::uint64_t C = contexts_, h = tree_depth_;
    cy.load = C;
    cy.sync = h;
    for (std::uint32_t d : defects) {
        if (d >= g_.vertices || cid_[d] != kNone) {
            clear();
            throw std::invalid_argument("uf_accel: defect " + std::to_string(d) + " is out of range or repeated");
        }
        cid_[d] = d;
        members_[d].assign(1, d);
        defect_[d] = odd_[d] = 1;
        touched_.push_back(d);
        roots_.push_back(d);
    }
    while (true) {
        // The active clusters.
        std::size_t kept = 0;
        for (std::uint32_t r : roots_)
            if (cid_[r] == r && odd_[r] && !boundary_[r] && !changed_[r]) {
                changed_[r] = 1;  // used here as "listed"
                roots_[kept++] = r;
            }
        roots_.resize(kept);
        for (std::uint32_t r : roots_) changed_[r] = 0;
        if (roots_.empty()) break;
        // One grow step.
        ++cy.grow_steps;
        cy.grow += C;
        cy.sync += h;
        completed_.clear();
        for (std::uint32_t r : roots_) {
            bool grew = false;
            for (std::uint32_t v : members_[r])
                for (std::uint32_t k = g_.offset[v]; k < g_.offset[v + 1]; ++k) {
                    const std::uint32_t e = g_.incident[k];
                    const std::uint16_t len = g_.edges[e].length;
                    if (growth_[e] >= len) continue;
                    grew = true;
                    if (growth_[e] == 0) touched_edges_.push_back(e);
                    if (++growth_[e] == len) completed_.push_back(e);
                }
            if (!grew) {
                clear();
                throw std::invalid_argument("uf_accel: the detection events have no correction (a component of the "
                                            "graph without a boundary holds an odd number of them)");
            }
        }
        if (completed_.empty()) continue;
        ++cy.merges;
        const std::uint64_t e = merge(completed_);
        cy.merge += C * (3 * e + 1);
        cy.sync += 3 * h;
    }
    if (!defects.empty()) {
        peel();
        cy.peel = C * 2 * cy.forest_depth;
        cy.sync += 2 * h;
    }
    clear();
    return result_;
}

std::uint32_t UfAccelerator::merge(const std::vector<std::uint32_t>& completed) {
    std::vector<std::uint32_t>& roots = merged_;  // the roots of clusters that changed, repeats included
    roots.clear();
    for (std::uint32_t e : completed) {
        const UfGraph::Edge& edge = g_.edges[e];
        if (edge.b == UfGraph::kBoundary) {
            const std::uint32_t r = cid_[edge.a];
            boundary_[r] = 1;
            roots.push_back(r);
            continue;
        }
        std::uint32_t a = edge.a, b = edge.b;
        if (cid_[a] == kNone) std::swap(a, b);  // a is in a cluster (it grew the edge)
        if (cid_[b] == kNone) {  // b starts as a cluster of its own, even, and merges below
            cid_[b] = b;
            members_[b].assign(1, b);
            touched_.push_back(b);
        }
        const std::uint32_t ra = cid_[a], rb = cid_[b];
        if (ra == rb) continue;
        // The root is the lowest vertex number, as the flood of ids leaves it.
        const std::uint32_t keep = std::min(ra, rb), gone = std::max(ra, rb);
        for (std::uint32_t v : members_[gone]) cid_[v] = keep;
        auto& into = members_[keep];
        into.insert(into.end(), members_[gone].begin(), members_[gone].end());
        members_[gone].clear();
        odd_[keep] ^= odd_[gone];
        boundary_[keep] |= boundary_[gone];
        roots.push_back(keep);
        roots_.push_back(keep);
    }
    std::uint32_t e = 0;
    for (std::uint32_t r : roots) {
        const std::uint32_t root = cid_[r];  // a later merge may have moved it
        if (changed_[root]) continue;
        changed_[root] = 1;
        e = std::max(e, eccentricity(root));
    }
    for (std::uint32_t r : roots) changed_[cid_[r]] = 0;
    return e;
}

std::uint32_t UfAccelerator::eccentricity(std::uint32_t root) {
    // Breadth-first over the grown edges (all inside the cluster).
    ++stamp_;
    queue_.assign(1, root);
    mark_[root] = stamp_;
    level_[root] = 0;
    std::uint32_t far = 0;
    for (std::size_t i = 0; i < queue_.size(); ++i) {
        const std::uint32_t v = queue_[i];
        far = std::max(far, level_[v]);
        for (std::uint32_t k = g_.offset[v]; k < g_.offset[v + 1]; ++k) {
            const std::uint32_t e = g_.incident[k];
            const UfGraph::Edge& edge = g_.edges[e];
            if (edge.b == UfGraph::kBoundary || growth_[e] < edge.length) continue;
            const std::uint32_t w = edge.a == v ? edge.b : edge.a;
            if (mark_[w] == stamp_) continue;
            mark_[w] = stamp_;
            level_[w] = level_[v] + 1;
            queue_.push_back(w);
        }
    }
    return far;
}

void UfAccelerator::peel() {
    // Levels (level_ = 1 + level; 0: not reached), as the PEs compute them round by round: level 0 the roots of the
    // clusters off the boundary, level 1 under the boundary the vertices with a grown boundary edge; a vertex first
    // reached from level k hangs from its lowest-numbered grown edge to level k.
    ++stamp_;
    std::vector<std::uint32_t>& order = queue_;
    order.clear();
    const auto grown = [this](std::uint32_t e) { return growth_[e] >= g_.edges[e].length; };
    for (std::uint32_t v : touched_)
        if (cid_[v] == v && !boundary_[v]) {
            mark_[v] = stamp_;
            level_[v] = 1;
            via_[v] = kNone;
            order.push_back(v);
        }
    for (std::uint32_t e : touched_edges_) {
        const UfGraph::Edge& edge = g_.edges[e];
        if (edge.b != UfGraph::kBoundary || !grown(e)) continue;
        const std::uint32_t v = edge.a;
        if (mark_[v] != stamp_) {
            mark_[v] = stamp_;
            level_[v] = 2;
            via_[v] = e;
            order.push_back(v);
        } else if (e < via_[v]) {
            via_[v] = e;
        }
    }
    std::uint32_t depth = 0;
    std::size_t begin = 0;
    while (begin < order.size()) {
        const std::uint32_t here = level_[order[begin]];
        std::size_t end = begin;
        while (end < order.size() && level_[order[end]] == here) ++end;
        for (std::size_t i = begin; i < end; ++i) {
            const std::uint32_t v = order[i];
            for (std::uint32_t k = g_.offset[v]; k < g_.offset[v + 1]; ++k) {
                const std::uint32_t e = g_.incident[k];
                const UfGraph::Edge& edge = g_.edges[e];
                if (edge.b == UfGraph::kBoundary || !grown(e)) continue;
                const std::uint32_t w = edge.a == v ? edge.b : edge.a;
                if (mark_[w] != stamp_) {
                    mark_[w] = stamp_;
                    level_[w] = here + 1;
                    via_[w] = e;
                    order.push_back(w);
                } else if (level_[w] == here + 1 && e < via_[w]) {
                    via_[w] = e;
                }
            }
        }
        depth = here - 1;
        begin = end;
    }
    result_.cycles.forest_depth = depth;
    for (std::size_t i = order.size(); i-- > 0;) {
        const std::uint32_t v = order[i];
        if (!defect_[v] || via_[v] == kNone) continue;
        const UfGraph::Edge& edge = g_.edges[via_[v]];
        result_.observables ^= edge.observables;
        result_.edges.push_back(via_[v]);
        defect_[v] = 0;
        const std::uint32_t up = edge.a == v ? edge.b : edge.a;
        if (up != UfGraph::kBoundary) defect_[up] ^= 1;
    }
}

void UfAccelerator::clear() {
    for (std::uint32_t v : touched_) {
        cid_[v] = kNone;
        members_[v].clear();
        defect_[v] = odd_[v] = boundary_[v] = changed_[v] = 0;
    }
    for (std::uint32_t e : touched_edges_) growth_[e] = 0;
    touched_.clear();
    touched_edges_.clear();
    roots_.clear();
    completed_.clear();
}

}  // namespace qdes::hw
