#pragma once
/// The space-time decoding graph of a readout-cycle memory (protocols/qec/readout_cycle.h), with its edge
/// probabilities estimated from sampled detection events.
///
/// Layers t = 0..T: layer t < T holds readout t's detection events (its syndrome against readout t - 1, against 0
/// for t = 0); layer T is a perfect final readout (the data measured, or read from the simulator's frames). Node
/// (t, c) is check c in layer t. Each data qubit q read by checks A and B (A first in the CX schedule) gives edges
///   space  (A, t) - (B, t)        an error between two readouts' CX gates on q, or an LEC flip of q;
///   late   (B, t) - (A, t + 1)    an error on q after A's CX and before B's in readout t;
///   early  (A, t) - (B, t + 1)    the converse (absent for this schedule, kept for the estimate to decide);
/// a qubit in a single check A gives a boundary edge at (A, t); and every check gives a time edge (c, t) - (c, t + 1)
/// (a wrong readout). Edges through q flip the logicals that contain q.
///
/// Edges fall in classes: (relation, kind of qubit: the CX layers of its checks, kind of layer: the first, the
/// bulk, the last against the perfect readout). All edges of a class are translates of each other, so one
/// probability serves the class. It is estimated from detection events as in Google Quantum AI, "Exponential
/// suppression of bit or phase errors with cyclic error correction", Nature 595, 383 (2021), supplementary: for
/// two detectors that only this class of edge joins, p = 1/2 - 1/2 sqrt(1 - 4 (<x_i x_j> - <x_i><x_j>) /
/// (1 - 2 <x_i> - 2 <x_j> + 4 <x_i x_j>)), with the averages taken over the shots and over every translate. A
/// boundary edge's p follows from its node's firing rate once the other edges at the node are known. LEC rounds
/// keep the errors graphlike (an LEC flip is a data flip), so the same graph serves every readout interval.

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <tuple>
#include <vector>

#include "models/quantum/bit_table.h"
#include "models/quantum/dem.h"
#include "models/quantum/program.h"
#include "protocols/qec/decoder.h"
#include "protocols/qec/decoding_graph.h"
#include "protocols/qec/readout_cycle.h"

namespace qdes::qec {

class SpaceTimeModel {
  public:
    enum Relation : std::uint8_t { kSpace, kLate, kEarly, kTime, kBoundary };
    static const char* relation_name(Relation r);

    struct Class {
        Relation relation = kSpace;
        std::uint32_t qubit_kind = 0;  ///< index into qubit_kinds(); 0 for time edges
        std::uint8_t layer_kind = 1;   ///< 0: the edge's upper layer is 0; 2: it is the perfect layer T; 1: between
        double p = 0;                  ///< 0: no such edge
        double samples = 0;            ///< shots x translates behind the estimate
        bool estimated = false;        ///< false: no data, or not significant (p is then the floor, or 0)
    };

    explicit SpaceTimeModel(const ReadoutCycle& cycle);

    /// Estimates every class from detection events: `layers[t][c]` is a row of `words` 64-bit words, bit s for shot
    /// s of `shots`, for t = 0..T (layer T the perfect readout). Space and time classes that show no significant
    /// correlation get `floor_p` (so that every defect can still pair); diagonal and boundary ones are dropped.
    void estimate(const std::vector<std::vector<const std::uint64_t*>>& layers, std::size_t words, std::size_t shots,
                  double floor_p);
    /// What set_from_error_model found.
    struct ErrorModelFit {
        std::size_t mechanisms = 0;      ///< error mechanisms of the model
        std::size_t matched = 0;         ///< of them, one edge of the graph each
        std::size_t decomposed = 0;      ///< more than two detection events, split into two to four edges
        std::size_t unmatched = 0;       ///< the others (no such edges)
        double unmatched_p = 0;          ///< their summed probability
        double undetectable_logical_p = 0;  ///< summed probability of mechanisms that flip a logical silently
        double spread = 0;               ///< largest relative deviation of an edge's p from its class's mean
    };
    /// Sets every class from the exact detector error model of history_circuit(cycle, code, runs): each mechanism's
    /// raw syndrome flips become detection events (a flip of readout t's syndrome fires layers t and t + 1), a
    /// mechanism with one or two events and the observables of an edge of the graph is that edge, a larger one (an
    /// LEC round removing an error the last readout saw fires four) is split, as Stim's decompose_errors does, into
    /// up to four edges whose events and observables XOR to its own, and each of them takes its probability; the
    /// edges' probabilities combine as independent XORs, and a class takes the mean over its translates. Space and time
    /// classes that no mechanism reaches get `floor_p`; the others none.
    ErrorModelFit set_from_error_model(const quantum::DetectorErrorModel& model, std::uint32_t T, double floor_p);
    /// Sets each class's probability (p[k] for classes()[k]), keeping the rest of what the classes say.
    void set_probabilities(const std::vector<double>& p);
    /// Sets every class of a relation by hand (tests, and phenomenological models).
    void set(Relation relation, std::uint8_t layer_kind, double p);

    const std::vector<Class>& classes() const { return classes_; }
    /// "(layer a, layer b)" for each kind of qubit: the CX layers of its checks.
    const std::vector<std::pair<std::uint32_t, std::uint32_t>>& qubit_kinds() const { return qubit_kinds_; }
    std::uint32_t checks() const { return m_; }

    /// The graph of layers [t0, t1) of a history whose perfect layer is T (t1 <= T + 1). With `top_open`, edges from
    /// layer t1 - 1 up to t1 end at the boundary (the future). Node (t, c) is (t - t0) * checks() + c. Built once
    /// per shape and kept.
    const DecodingGraph& window(std::uint32_t t0, std::uint32_t t1, std::uint32_t T, bool top_open);
    /// The decoder of that graph (one per shape and decoder name): make_decoder's, or the factory set for the name.
    Decoder& decoder(const std::string& name, std::uint32_t t0, std::uint32_t t1, std::uint32_t T, bool top_open);
    using DecoderFactory = std::function<std::unique_ptr<Decoder>(const DecodingGraph&)>;
    void set_decoder_factory(const std::string& name, DecoderFactory factory) {
        factories_[name] = std::move(factory);
    }

    /// One edge of a history: class, nodes (t, c) (tb = kNoLayer: the boundary), observables it flips.
    static constexpr std::uint32_t kNoLayer = 0xffffffffu;
    struct EdgeInstance {
        std::uint32_t cls, ta, ca, tb, cb;
        std::uint64_t observables;
    };
    /// Every edge of the history of layers 0..T whose lower layer is in [from, to).
    std::vector<EdgeInstance> edges(std::uint32_t T, std::uint32_t from, std::uint32_t to) const;

  private:
    std::size_t class_of(Relation r, std::uint32_t qubit_kind, std::uint8_t layer_kind) const;

    const ReadoutCycle& cycle_;
    std::uint32_t m_;
    std::vector<std::pair<std::uint32_t, std::uint32_t>> qubit_kinds_;
    std::vector<std::uint32_t> kind_of_qubit_;
    std::vector<Class> classes_;
    std::map<std::tuple<Relation, std::uint32_t, std::uint8_t>, std::size_t> class_index_;
    struct Shape {
        std::unique_ptr<DecodingGraph> graph;
        std::map<std::string, std::unique_ptr<Decoder>> decoders;
    };
    std::map<std::tuple<bool, std::uint32_t, bool, bool, bool>, Shape> shapes_;
    std::map<std::string, DecoderFactory> factories_;
};

/// Detection events of `shots` fresh shots of `cycle` (compiled as `program`) run `runs` times: rows t * m + c for
/// readout layers t = 0..T-1 (T = runs, or 0 for a cycle without readout) and the perfect layer T, read from the
/// frames at the end; with `logicals`, then one row per Z logical: its flip. Bit s of a row is shot s.
quantum::BitTable sample_detection_events(const quantum::Program& program, const ReadoutCycle& cycle,
                                          const quantum::CssCode& code, std::uint64_t runs, std::size_t shots,
                                          std::uint64_t seed, std::uint64_t stream, bool logicals = false);

/// Row r of `out` (r = first_row + i) becomes row i of `base` (or zero when `base` is null) XOR the parity of
/// the `frame` rows (one per qubit) of sets[i]: a check's syndrome bit, or a logical's flip, per shot.
void xor_parities(const quantum::BitTable& frame, const std::vector<quantum::QubitSet>& sets,
                  const quantum::BitTable* base, quantum::BitTable& out, std::size_t first_row);

/// The circuit of a whole history for the detector error model: the cycle `runs` times, then the data measured
/// without noise (the perfect readout), with one detector per check on each readout's raw syndrome bit (as the
/// cycle has them) and on the perfect readout's parity, and the Z logicals as observables. Detector t * m + c is
/// check c in readout t; with no readouts in the cycle, only the perfect layer's m.
quantum::Circuit history_circuit(const ReadoutCycle& cycle, const quantum::CssCode& code, std::uint64_t runs);

/// The rows of such a table by layer, as SpaceTimeModel::estimate takes them.
std::vector<std::vector<const std::uint64_t*>> layers_of(const quantum::BitTable& events, std::uint32_t checks);

}  // namespace qdes::qec
