#pragma once
/// A union-find decoder accelerator, cycle by cycle, in the style of Helios (Liyanage, Wu, Deters and Zhong,
/// "Scalable quantum error correction for surface codes using FPGA", IEEE QCE 2023, arXiv:2301.08419; and
/// Liyanage, Wu, Tagare and Zhong, "FPGA-based distributed union-find decoder for surface codes", IEEE TQE 2024):
/// a processing element (PE) per vertex of the decoding graph, neighbour links along its edges, and a controller
/// that reaches every PE through a tree. This is our own model of such a machine; the cycle rules below are its
/// definition, and the counts follow from the actual syndrome.
///
/// Each vertex holds its cluster id (the lowest vertex number of its cluster: the cluster's root), its defect bit
/// and its cluster's flags (odd, at the boundary, active = odd and not at the boundary); each edge a growth
/// register, held by its first vertex, and its length in growth units. With fewer PEs than vertices, each PE serves
/// C = ceil(vertices / PEs) vertices in turn (time multiplexing), so a step that every vertex takes costs C cycles.
/// A signal to or from the controller (any edge completed, any register changed, any cluster active) crosses the
/// tree in h cycles, h the tree's depth over the PEs in use (fan-in `tree_fanin`, at least 1).
///
///   load       C cycles (each vertex takes its syndrome bit), then h (the controller learns whether any fired);
///   grow step  C + h: every vertex of an active cluster adds one unit to each of its edges not fully grown (an edge
///              between two such vertices gains two), and the controller learns whether an edge completed;
///   merge      after a step that completed edges: the clusters they touch merge (or reach the boundary). Over the
///              grown edges the roots' ids flood out (e rounds, and one that changes nothing), the parity and the
///              boundary flag converge to the root (e rounds), and the new active flag floods back (e rounds), where
///              e is the largest distance, in grown edges, from a changed cluster's root to its vertices: C (3 e + 1)
///              cycles, and 3 h for the controller to see each of the three settle;
///   peel       once no cluster is active: a spanning forest is built level by level from the roots (the boundary,
///              or a cluster's root when it does not touch the boundary; a vertex hangs from its lowest-numbered
///              grown edge to the level above) and peeled from its deepest level up, a level per round: C (2 D)
///              cycles for a forest of depth D, and 2 h. Nothing to peel (no defect): no cycles.
///
/// The grown edges, the forest and so the correction are those of the software union-find with every odd cluster
/// growing (protocols/qec/union_find.h, Growth::kAllOdd) at the same edge lengths; tests hold the two equal.
///
/// State memory: per vertex its cluster id (ceil(log2 vertices) bits), five flag bits and its parent port
/// (ceil(log2(largest degree + 1)) bits); per edge a growth register of `growth_bits` bits, which bounds the
/// lengths it can hold.

#include <cstdint>
#include <string>
#include <vector>

namespace qdes::hw {

/// The decoding graph as the accelerator holds it.
struct UfGraph {
    static constexpr std::uint32_t kBoundary = 0xffffffffu;
    struct Edge {
        std::uint32_t a = 0, b = kBoundary;  ///< b may be kBoundary
        std::uint16_t length = 1;            ///< growth units to grow fully, at least 1
        std::uint64_t observables = 0;       ///< bit k: the edge flips observable k
    };
    std::uint32_t vertices = 0;
    std::vector<Edge> edges;
    /// Incident edges of vertex v in increasing order: incident[offset[v] .. offset[v + 1]). Built by finish().
    std::vector<std::uint32_t> offset, incident;

    /// Throws std::invalid_argument for a vertex out of range, a loop or a zero length.
    void add_edge(std::uint32_t a, std::uint32_t b, std::uint16_t length, std::uint64_t observables);
    void finish();
};

struct UfAccelConfig {
    double clock_hz = 250e6;
    std::uint32_t pes = 0;          ///< processing elements (0: one per vertex)
    std::uint64_t memory_bytes = 0;  ///< state memory for all vertices and edges (0: as much as needed)
    std::uint32_t tree_fanin = 4;   ///< fan-in of the controller's tree
    std::uint32_t growth_bits = 8;  ///< width of an edge's growth register
};

/// Cycles of one decode, by stage.
struct UfAccelCycles {
    std::uint64_t load = 0, grow = 0, merge = 0, peel = 0, sync = 0;  ///< sync: crossings of the controller's tree
    std::uint32_t grow_steps = 0, merges = 0, forest_depth = 0;
    std::uint64_t total() const { return load + grow + merge + peel + sync; }
};

struct UfAccelResult {
    std::uint64_t observables = 0;    ///< flipped by the correction
    std::vector<std::uint32_t> edges;  ///< the correction, by edge index
    UfAccelCycles cycles;
};

class UfAccelerator {
  public:
    /// Throws std::invalid_argument for a clock that is not positive, a fan-in below 2, growth registers outside 1 to
    /// 16 bits or too narrow for an edge's length, or state memory too small for the graph (the message gives what it
    /// needs).
    UfAccelerator(const UfGraph& graph, const UfAccelConfig& config);
    /// Checks a configuration on its own (clock, fan-in, register width).
    static void check(const UfAccelConfig& config);
    /// The state memory a graph of this size needs, in bytes.
    static std::uint64_t memory_needed(std::uint64_t vertices, std::uint64_t edges, std::uint32_t largest_degree,
                                       std::uint32_t growth_bits);

    /// Decodes the defects (distinct vertices, any order). Throws std::invalid_argument when an odd cluster fills a
    /// part of the graph that has no boundary (no correction exists).
    const UfAccelResult& decode(const std::vector<std::uint32_t>& defects);

    std::uint32_t contexts() const { return contexts_; }      ///< C: vertices per PE
    std::uint32_t tree_depth() const { return tree_depth_; }  ///< h
    std::uint32_t pes_used() const { return pes_used_; }
    std::uint64_t memory_needed_bytes() const { return memory_needed_; }
    double seconds(std::uint64_t cycles) const { return double(cycles) / config_.clock_hz; }
    const UfAccelConfig& config() const { return config_; }

  private:
    /// Merges the clusters through the completed edges; returns e (see above) over the clusters that changed.
    std::uint32_t merge(const std::vector<std::uint32_t>& completed);
    std::uint32_t eccentricity(std::uint32_t root);
    void peel();
    void clear();

    const UfGraph& g_;
    UfAccelConfig config_;
    std::uint32_t contexts_ = 1, tree_depth_ = 1, pes_used_ = 1;
    std::uint64_t memory_needed_ = 0;
    UfAccelResult result_;

    // Per decode (reset through touched_):
    std::vector<std::uint32_t> cid_;                   ///< cluster id per vertex (kNone: in no cluster)
    std::vector<std::vector<std::uint32_t>> members_;  ///< per root
    std::vector<std::uint8_t> defect_, odd_, boundary_, changed_;
    std::vector<std::uint16_t> growth_;
    std::vector<std::uint32_t> level_, via_, mark_;
    std::vector<std::uint32_t> touched_, touched_edges_, roots_, completed_, merged_, queue_;
    std::uint32_t stamp_ = 0;
};

}  // namespace qdes::hw
