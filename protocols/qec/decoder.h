#pragma once
/// The decoder interface: defects (the detectors that fired) in, the observables the decoder believes flipped out.
/// A shot is decoded correctly when that prediction equals the observables the errors actually flipped.

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "protocols/qec/decoding_graph.h"
#include "sim/time.h"

namespace qdes::qec {

class Decoder {
  public:
    virtual ~Decoder() = default;
    /// The observables (bit k: observable k) flipped by the correction the decoder chooses for `defects`
    /// (distinct nodes of its graph, any order).
    virtual std::uint64_t decode(const std::vector<std::uint32_t>& defects) = 0;
    /// The same, and the correction itself: the graph edges it flips (written to `edges`, cleared first), for
    /// decoders that commit part of a correction (a sliding window). Throws std::logic_error for a decoder that
    /// cannot say.
    virtual std::uint64_t decode_edges(const std::vector<std::uint32_t>& defects, std::vector<std::uint32_t>& edges);
    virtual const char* name() const = 0;
    /// A decoder on simulated hardware: the last decode's cycles and time. Software decoders: nothing.
    struct Simulated {
        std::uint64_t cycles = 0;
        TimePs latency_ps = 0;
    };
    virtual std::optional<Simulated> last_simulated() const { return std::nullopt; }
};

/// "union_find" or "matching" on `graph` (which must outlive the decoder); std::invalid_argument otherwise.
std::unique_ptr<Decoder> make_decoder(const std::string& name, const DecodingGraph& graph);
std::vector<std::string> decoder_names();

/// Shots of a graph's errors decoded one by one.
struct DecodingRun {
    std::uint64_t shots = 0;
    std::uint64_t failures = 0;  ///< shots whose predicted observables differ from the flipped ones
    std::uint64_t defects = 0;   ///< detection events over all shots
    double decode_seconds = 0;   ///< CPU time spent in decode()

    double failure_rate() const { return shots ? double(failures) / double(shots) : 0; }
    /// Binomial standard error of failure_rate().
    double failure_rate_error() const;
};

/// Draws `shots` samples and decodes each, adding them to `run` (only decode() is timed); `on_shot(sample,
/// failed)` sees every shot.
template <class OnShot>
void decode_shots(GraphSampler& sampler, quantum::FastRng& rng, Decoder& decoder, std::uint64_t shots,
                  DecodingRun& run, OnShot&& on_shot) {
    GraphSample sample;
    std::chrono::steady_clock::duration spent{};
    for (std::uint64_t s = 0; s < shots; ++s) {
        sampler.sample(rng, sample);
        const auto t0 = std::chrono::steady_clock::now();
        const std::uint64_t predicted = decoder.decode(sample.defects);
        spent += std::chrono::steady_clock::now() - t0;
        const bool failed = predicted != sample.observables;
        run.defects += sample.defects.size();
        run.failures += failed;
        on_shot(sample, failed);
    }
    run.shots += shots;
    run.decode_seconds += std::chrono::duration<double>(spent).count();
}

/// `shots` shots of the graph's errors from `seed`, decoded.
DecodingRun run_decoding(const DecodingGraph& graph, Decoder& decoder, std::uint64_t shots, std::uint64_t seed);

}  // namespace qdes::qec
