#pragma once
/// The decoding graph of a detector error model, and shots of a circuit sampled and decoded on it.
///
/// Each graphlike part of an error (one detector: an edge to the boundary; two: an edge between them) becomes an
/// edge with the error's probability, as PyMatching reads a decomposed model. Parallel edges that flip the same
/// observables are independent and merge (p = p1 (1 - p2) + p2 (1 - p1)); parallel edges that flip different
/// observables cannot both be kept by a matching decoder, so the likelier one is kept and the others counted.
/// Errors that flip observables and no detector are undetectable: no edge, counted.

#include <cstdint>
#include <string>

#include "models/quantum/dem.h"
#include "models/quantum/frame_simulator.h"
#include "protocols/qec/decoder.h"
#include "protocols/qec/decoding_graph.h"

namespace qdes::qec {

struct DemGraphReport {
    std::uint64_t edges = 0;                 ///< distinct edges of the graph
    std::uint64_t merged_parts = 0;          ///< graphlike parts folded into an existing edge
    std::uint64_t conflicting_parts = 0;     ///< parts dropped for an edge with other observables
    std::uint64_t undetectable_errors = 0;   ///< errors that flip an observable and no detector
    double undetectable_probability = 0;     ///< probability that an odd number of those fires
};

/// The graph of `model`. Throws std::invalid_argument naming the source, line and detectors of the first error
/// part with more than two detectors (the model is not graphlike: decompose it, `qdes analyze --decompose`), or
/// of an edge whose merged probability exceeds 1/2.
DecodingGraph graph_from_dem(const quantum::DetectorErrorModel& model, DemGraphReport* report = nullptr);

/// Shots of a circuit decoded: the prediction of every observable against the flips the sampler recorded.
struct CircuitDecodingRun {
    std::uint64_t shots = 0;
    std::uint64_t failures = 0;            ///< shots with any observable predicted wrongly
    std::uint64_t detection_events = 0;
    double decode_seconds = 0;             ///< CPU time in decode()
};

/// Decodes the first `shots` shots of the simulator's current batch (after run()) with `decoder`, adding them
/// to `run`. The graph's nodes are the circuit's detectors.
void decode_batch(const quantum::FrameSimulator& sim, std::size_t shots, Decoder& decoder, CircuitDecodingRun& run);

}  // namespace qdes::qec
