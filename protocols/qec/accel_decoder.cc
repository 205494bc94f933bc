#include "protocols/qec/accel_decoder.h"

#include <cmath>

#include "protocols/qec/union_find.h"

namespace qdes::qec {

hw::UfGraph lower_to_uf_accel(const DecodingGraph& graph, std::uint32_t resolution) {
    const std::vector<std::uint16_t> length = union_find_lengths(graph, resolution);
    hw::UfGraph g;
    g.vertices = graph.num_nodes;
    g.edges.reserve(graph.edges.size());
    for (std::size_t i = 0; i < graph.edges.size(); ++i) {
        const DecodingGraph::Edge& e = graph.edges[i];
        g.add_edge(e.a, e.b == DecodingGraph::kBoundary ? hw::UfGraph::kBoundary : e.b, length[i], e.observables);
    }
    g.finish();
    return g;
}

AcceleratedUnionFind::AcceleratedUnionFind(const DecodingGraph& graph, std::uint32_t resolution,
                                           const hw::UfAccelConfig& config)
    : lowered_(lower_to_uf_accel(graph, resolution)),
      accel_(std::make_unique<hw::UfAccelerator>(lowered_, config)) {}

const hw::UfAccelResult& AcceleratedUnionFind::run(const std::vector<std::uint32_t>& defects) {
    const hw::UfAccelResult& r = accel_->decode(defects);
    cycles_ = r.cycles;
    const std::uint64_t cycles = r.cycles.total();
    last_ = Simulated{cycles, TimePs(std::llround(accel_->seconds(cycles) * 1e12))};
    return r;
}

std::uint64_t AcceleratedUnionFind::decode(const std::vector<std::uint32_t>& defects) {
    return run(defects).observables;
}

std::uint64_t AcceleratedUnionFind::decode_edges(const std::vector<std::uint32_t>& defects,
                                                 std::vector<std::uint32_t>& edges) {
    const hw::UfAccelResult& r = run(defects);
    edges = r.edges;
    return r.observables;
}

}  // namespace qdes::qec
