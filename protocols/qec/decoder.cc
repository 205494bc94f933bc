#include "protocols/qec/decoder.h"

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

std::uint64_t Decoder::decode_edges(const std::vector<std::uint32_t>&, std::vector<std::uint32_t>&) {
    throw std::logic_error(std::string("the ") + name() + " decoder does not report its correction's edges");
}

double DecodingRun::failure_rate_error() const {
    if (shots == 0) return 0;
    const double f = failure_rate();
    return std::sqrt(f * (1 - f) / double(shots));
}

DecodingRun run_decoding(const DecodingGraph& graph, Decoder& decoder, std::uint64_t shots, std::uint64_t seed) {
    quantum::FastRng rng(RandomStream(seed, 0x6465636f6465ull));  // "decode"
    GraphSampler sampler(graph);
    DecodingRun run;
    decode_shots(sampler, rng, decoder, shots, run, [](const GraphSample&, bool) {});
    return run;
}

}  // namespace qdes::qec
