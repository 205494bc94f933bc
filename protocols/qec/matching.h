#pragma once
/// Exact minimum-weight perfect matching, and the matching decoder built on it.
///
/// `max_weight_matching` is Edmonds' blossom algorithm with dual variables in the O(n^3) form Galil describes
/// ("Efficient algorithms for finding maximum matching in graphs", ACM Computing Surveys 18 (1986)): stages that
/// each grow alternating trees from the free vertices, shrink odd cycles into blossoms, and either augment the
/// matching or change the duals by the largest step that keeps every edge's slack non-negative. It is written here
/// rather than taken from Boost Graph because Boost 1.74's maximum_weighted_matching is known to return wrong
/// matchings, crash on equal weights and loop forever on some inputs (boostorg/graph issues 199, 223 and 399),
/// and equal weights are the common case in decoding.

#include <cstdint>
#include <vector>

#include "protocols/qec/decoder.h"

namespace qdes::qec {

struct WeightedEdge {
    std::uint32_t u, v;
    std::int64_t weight;
};

/// A matching of largest total weight on vertices 0..n-1; with `max_cardinality`, the largest weight among the
/// matchings with the most edges. Returns mate[v] (-1 when v is unmatched).
std::vector<int> max_weight_matching(std::uint32_t n, const std::vector<WeightedEdge>& edges, bool max_cardinality);

/// Minimum-weight perfect matching on the defect graph: shortest paths (Dijkstra) between every two defects and
/// from each defect to the boundary, then a perfect matching of least total length in which each defect pairs with
/// another or with its own copy of the boundary (copies pair freely with each other), so that the correction is a
/// most likely error under independent edges. Exact; O(defects^3) per shot, for tests and small studies.
class MatchingDecoder final : public Decoder {
  public:
    explicit MatchingDecoder(const DecodingGraph& graph);
    std::uint64_t decode(const std::vector<std::uint32_t>& defects) override;
    const char* name() const override { return "matching"; }

  private:
    void shortest_paths(std::uint32_t source);

    const DecodingGraph& g_;
    std::uint32_t boundary_node_;
    double scale_ = 1;  ///< integer matching weights: path lengths x scale, rounded
    std::vector<double> dist_;
    std::vector<std::uint64_t> obs_;
    std::vector<std::uint32_t> reached_;
};

}  // namespace qdes::qec
