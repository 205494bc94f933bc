#pragma once
/// The union-find decoder (Delfosse and Nickerson, "Almost-linear time decoding algorithm for topological codes",
/// Quantum 5, 595 (2021)), with weighted growth and weighted edges.
///
/// Growth: every defect starts a cluster. While some cluster has odd parity and does not touch the boundary, the
/// odd clusters with the smallest frontier grow (the paper's weighted growth; the frontier: the cluster's nodes with
/// ungrown edges, pruned as the cluster next grows): each edge on their boundary gains one unit of growth from each
/// side that grows it, and is part of the erasure once its growth reaches its length. The steps up to the next
/// completed edge are taken at once.
///
/// An edge's length is its weight ln((1 - p) / p) in units of 1/8 of the lightest edge's weight (the resolution),
/// rounded (at least 1); equal weights behave as the paper's half-edges. Half-weight units (resolution 2) round the
/// circuit-level weights of a surface code's error model so coarsely that union-find failed 3.2% of shots where
/// matching fails 0.67% (d = 3, p = 0.003); eighths bring it to 0.76%, at the same speed there.
///
/// With `Growth::kAllOdd` every odd cluster off the boundary grows at each step (the paper's unweighted growth, as
/// distributed hardware does it: hardware/decoder/uf_accel.h).
///
/// Fully grown edges merge the clusters they join (union by size, path halving). Peeling: a spanning forest of the
/// grown edges is built level by level from its roots (the boundary for clusters that touch it, else the
/// cluster's lowest-numbered node); a node of level k + 1 hangs from its lowest-numbered grown edge to level k. The
/// forest is peeled from its deepest level up: a node that holds a defect puts its edge in the correction and passes
/// the defect to its parent. The rule is local, so a processing element per node computes the same forest.

#include <cstdint>
#include <vector>

#include "protocols/qec/decoder.h"

namespace qdes::qec {

/// Each edge's length in growth units: its weight in units of 1/resolution of the lightest weight, rounded, at least
/// 1 (all `resolution` when no weight is positive). Throws std::invalid_argument for a resolution outside 1..1024.
std::vector<std::uint16_t> union_find_lengths(const DecodingGraph& graph, std::uint32_t resolution);

class UnionFindDecoder final : public Decoder {
  public:
    static constexpr std::uint32_t kDefaultResolution = 8;
    enum class Growth {
        kSmallestFrontier,  ///< the odd clusters with the smallest frontier grow (weighted growth)
        kAllOdd,            ///< every odd cluster grows
    };
    /// `resolution`: length units per lightest edge weight (2: the paper's half-edges).
    explicit UnionFindDecoder(const DecodingGraph& graph, std::uint32_t resolution = kDefaultResolution,
                              Growth growth = Growth::kSmallestFrontier);
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
    /// Resets what a decode touched.
    void clear();
    std::uint64_t run(const std::vector<std::uint32_t>& defects, std::vector<std::uint32_t>* edges);

    const DecodingGraph& g_;
    Growth growth_policy_;
    std::uint32_t boundary_node_;         ///< index of the virtual boundary node in the per-node arrays
    std::vector<std::uint16_t> length_;  ///< per edge
    // Per decode (reset through touched_nodes_ / touched_edges_):
    std::vector<std::uint16_t> growth_;
    std::vector<std::uint8_t> rate_;       ///< per edge: units it gains per step of the current growth
    std::vector<std::uint32_t> rated_;     ///< the edges with a rate
    std::vector<std::uint32_t> parent_, size_;
    std::vector<std::uint8_t> parity_, at_boundary_, in_cluster_, defect_, listed_;
    std::vector<std::uint32_t> level_;   ///< peeling: 1 + a node's level in the forest (0: not reached)
    std::vector<std::vector<std::uint32_t>> frontier_;  ///< per root: nodes that may still have ungrown edges
    std::vector<std::uint32_t> touched_nodes_, touched_edges_, roots_, growing_, grown_now_, order_, via_edge_;
    std::vector<std::uint32_t> lowest_;  ///< per root: its cluster's lowest-numbered node (peeling)
};

}  // namespace qdes::qec
