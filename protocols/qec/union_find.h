#pragma once
/// The union-find decoder (Delfosse and Nickerson, "Almost-linear time decoding algorithm for topological codes",
/// Quantum 5, 595 (2021)), with weighted growth and weighted edges.
///
/// Growth: every defect starts a cluster. While some cluster has odd parity and does not touch the boundary, the
/// odd clusters with the smallest boundary grow (the paper's weighted growth): each edge on their boundary gains
/// one unit of growth from each side that grows it, and is part of the erasure once its growth reaches its length.
/// An edge's length is its weight ln((1 - p) / p) in units of half the lightest edge's weight, rounded (at least
/// 1), so equal weights give the paper's half-edges. Fully grown edges merge the clusters they join (union by
/// size, path halving). Peeling: a spanning forest of the grown edges, rooted at the boundary where a cluster
/// touches it, is peeled from its leaves; a leaf that holds a defect puts its edge in the correction and passes
/// the defect to its parent.

#include <cstdint>
#include <vector>

#include "protocols/qec/decoder.h"

namespace qdes::qec {

class UnionFindDecoder final : public Decoder {
  public:
    explicit UnionFindDecoder(const DecodingGraph& graph);
    std::uint64_t decode(const std::vector<std::uint32_t>& defects) override;
    std::uint64_t decode_edges(const std::vector<std::uint32_t>& defects, std::vector<std::uint32_t>& edges) override;
    const char* name() const override { return "union_find"; }

  private:
    std::uint32_t find(std::uint32_t v);
    /// Joins the clusters of u and v along a grown edge (one of them may be in no cluster yet).
    void merge(std::uint32_t u, std::uint32_t v);
    bool active(std::uint32_t root) const { return parity_[root] && !at_boundary_[root]; }
    void touch(std::uint32_t v);
    std::uint64_t peel(std::vector<std::uint32_t>* edges);
    std::uint64_t run(const std::vector<std::uint32_t>& defects, std::vector<std::uint32_t>* edges);

    const DecodingGraph& g_;
    std::uint32_t boundary_node_;         ///< index of the virtual boundary node in the per-node arrays
    std::vector<std::uint16_t> length_;  ///< per edge
    // Per decode (reset through touched_nodes_ / touched_edges_):
    std::vector<std::uint16_t> growth_;
    std::vector<std::uint32_t> parent_, size_;
    std::vector<std::uint8_t> parity_, at_boundary_, in_cluster_, defect_, visited_, listed_;
    std::vector<std::vector<std::uint32_t>> frontier_;  ///< per root: nodes that may still have ungrown edges
    std::vector<std::uint32_t> touched_nodes_, touched_edges_, roots_, growing_, grown_now_, order_, via_edge_;
};

}  // namespace qdes::qec
