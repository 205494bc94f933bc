#pragma once
/// Decoding graphs: nodes are detectors, edges are independent error mechanisms that flip one detector (an edge to
/// the boundary) or two, each with its probability, its weight ln((1 - p) / p) and the observables it flips.
/// Builders for the memories whose errors are graphlike: the 2D toric code and the repetition code, under code
/// capacity noise (perfect syndromes) and phenomenological noise (data flips p per round, syndrome bits flip q).

#include <cstdint>
#include <string>
#include <vector>

#include "models/quantum/codes/css_code.h"
#include "models/quantum/fast_rng.h"

namespace qdes::qec {

struct DecodingGraph {
    static constexpr std::uint32_t kBoundary = 0xffffffffu;
    struct Edge {
        std::uint32_t a = 0, b = kBoundary;  ///< b may be kBoundary
        double p = 0;
        double weight = 0;             ///< ln((1 - p) / p)
        std::uint64_t observables = 0;  ///< bit k: the edge flips observable k
    };

    std::uint32_t num_nodes = 0;
    std::vector<Edge> edges;
    /// Incident edges of node v: incident[offset[v] .. offset[v + 1]). Built by finish().
    std::vector<std::uint32_t> offset, incident;
    /// Nodes per round (the checks of one syndrome layer); 0 when the graph has no time structure.
    std::uint32_t nodes_per_round = 0;
    std::string description;

    /// Adds an edge; throws std::invalid_argument for p outside (0, 0.5] or a node out of range.
    void add_edge(std::uint32_t a, std::uint32_t b, double p, std::uint64_t observables);
    /// Builds the adjacency; call once after the last add_edge.
    void finish();
    std::uint32_t other(const Edge& e, std::uint32_t v) const { return e.a == v ? e.b : e.a; }
};

/// The errors of one type on a CSS code whose every qubit is in at most two checks of the detecting type.
/// `detect` 'Z': X errors seen by the Z checks, flipping the Z logicals (a Z-basis memory); 'X' the converse.
/// rounds = 0: code capacity, one layer of detectors (the syndrome), each qubit flips with p_data. rounds = T >= 1:
/// phenomenological, T noisy syndrome rounds and a final perfect one (the data readout): detector (t, c) is check
/// c's value in round t against round t - 1 (against 0 for t = 0); before each noisy round every qubit flips
/// with p_data, and each noisy syndrome bit flips with p_meas. Throws std::invalid_argument for a code that is not
/// graphlike for this error type.
DecodingGraph css_decoding_graph(const quantum::CssCode& code, char detect, std::uint32_t rounds, double p_data,
                                 double p_meas);

/// One sample of the graph's errors: each edge fires independently with its p.
struct GraphSample {
    std::vector<std::uint32_t> defects;  ///< nodes flipped an odd number of times, ascending
    std::uint64_t observables = 0;       ///< the observables the errors flipped
    std::uint32_t errors = 0;
};

/// Draws samples of a graph's errors (the graph must outlive it).
class GraphSampler {
  public:
    explicit GraphSampler(const DecodingGraph& graph);
    void sample(quantum::FastRng& rng, GraphSample& out);

  private:
    const DecodingGraph& graph_;
    std::vector<std::uint64_t> threshold_;  ///< per edge: fires when a uniform 64-bit word is below it
    std::vector<std::uint8_t> flipped_;
};

}  // namespace qdes::qec
