#include "protocols/qec/decoder.h"

#include <chrono>
#include <cmath>
#include <stdexcept>

#include "protocols/qec/matching.h"
#include "protocols/qec/union_find.h"

namespace qdes::qec {

std::vector<std::string> decoder_names() { return {"union_find", "matching"}; }

std::unique_ptr<Decoder> make_decoder(const std::string& name, const DecodingGraph& graph) {
    if (name == "union_find") return std::make_unique<UnionFindDecoder>(graph);
    if (name == "matching") return std::make_unique<MatchingDecoder>(graph);
    throw std::invalid_argument("unknown decoder \"" + name + "\"; known: union_find, matching");
}

double DecodingRun::failure_rate_error() const {
    if (shots == 0) return 0;
    const double f = failure_rate();
    return std::sqrt(f * (1 - f) / double(shots));
}

DecodingRun run_decoding(const DecodingGraph& graph, Decoder& decoder, std::uint64_t shots, std::uint64_t seed) {
    quantum::FastRng rng(RandomStream(seed, 0x6465636f6465ull));  // "decode"
    GraphSampler sampler(graph);
    GraphSample sample;
    DecodingRun run;
    std::chrono::steady_clock::duration spent{};
    for (std::uint64_t s = 0; s < shots; ++s) {
        sampler.sample(rng, sample);
        const auto t0 = std::chrono::steady_clock::now();
        const std::uint64_t predicted = decoder.decode(sample.defects);
        spent += std::chrono::steady_clock::now() - t0;
        run.defects += sample.defects.size();
        if (predicted != sample.observables) ++run.failures;
    }
    run.shots = shots;
    run.decode_seconds = std::chrono::duration<double>(spent).count();
    return run;
}

}  // namespace qdes::qec
