#pragma once
/// Decoding as the syndromes stream in: a sliding window over the readout layers of a readout-cycle memory
/// (protocols/qec/space_time.h), and the latency a decode takes.
///
/// Window W, commit C (Dennis, Kitaev, Landahl and Preskill, "Topological quantum memory", J. Math. Phys. 43, 4452
/// (2002), sec. IV; Skoric et al., "Parallel window decoding enables scalable fault tolerant quantum computation",
/// Nature Communications 14, 7040 (2023)): once W layers past the last commit have arrived, the decoder solves them
/// with the window's top open (edges into the future end at the boundary), commits the correction's edges whose
/// lower layer is among the first C, and carries the defects those edges leave in layer C into the next window.
/// The last window, which holds the perfect final readout, is decoded whole. W = 0 decodes each history in one go
/// at its end (the reference; any decoder).

#include <cstdint>
#include <deque>
#include <optional>
#include <string>
#include <vector>

#include "protocols/qec/space_time.h"
#include "sim/time.h"

namespace qdes::qec {

/// How long one decode takes in simulated time.
struct LatencyModel {
    enum class Kind { kFixed, kLinear, kMeasured };
    Kind kind = Kind::kFixed;
    TimePs base_ps = 0;        ///< fixed: every decode; linear: the constant part
    TimePs per_defect_ps = 0;  ///< linear: per defect in the window
    double factor = 1;         ///< measured: the decode's measured CPU time x factor
    TimePs latency(std::size_t defects, double cpu_seconds) const;
    static Kind parse(const std::string& name);  ///< "fixed", "linear", "measured"
};

/// One shot's decoder state.
struct StreamState {
    std::uint32_t first = 0;                          ///< first layer not yet committed
    std::uint32_t received = 0;                       ///< readout layers received
    std::deque<std::vector<std::uint32_t>> pending;  ///< defects (checks) of layers first, first + 1, ...
    std::uint64_t frame = 0;                          ///< logicals flipped by the committed corrections
};

struct DecodeStep {
    bool decoded = false;        ///< false: the layer was only stored
    std::size_t defects = 0;     ///< in the decoded window
    double cpu_seconds = 0;      ///< measured time of the decode call
    std::uint32_t committed = 0;  ///< layers [0, committed) are final
    std::optional<Decoder::Simulated> simulated;  ///< a decoder on simulated hardware: the decode's cycles and time
};

class StreamingDecoder {
  public:
    /// window 0, or W >= 2 with 1 <= commit < W (streaming needs union_find or uf_accel, which report their
    /// correction's edges). Throws std::invalid_argument otherwise.
    StreamingDecoder(SpaceTimeModel& model, std::string decoder, std::uint32_t window, std::uint32_t commit);
    std::uint32_t window() const { return window_; }
    std::uint32_t commit() const { return commit_; }

    /// A readout layer arrives (the checks whose detectors fired).
    DecodeStep push(StreamState& s, std::vector<std::uint32_t> defects);
    /// The perfect final layer arrives: everything left is decoded; s.frame is then the decoder's prediction.
    DecodeStep finish(StreamState& s, std::vector<std::uint32_t> defects);

  private:
    DecodeStep decode(StreamState& s, std::uint32_t layers, bool last);

    SpaceTimeModel& model_;
    std::string name_;
    std::uint32_t window_, commit_;
    std::vector<std::uint32_t> defects_, edges_;
};

}  // namespace qdes::qec
