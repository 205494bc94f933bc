// Union-find decoding time per round and per detection event on the 2D toric code, L = 8, 16, 32 with L noisy
// rounds, phenomenological noise (q = p) at p = 0.02 and p = 0.01, and code capacity at p = 0.05. Shots are
// sampled first and then decoded back to back (the sampling is not timed); best of 5 passes. Exact matching is
// timed at L = 8 for comparison.
//
// usage: decoder_bench [shots]    (default 2000)

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "protocols/qec/decoder.h"

using namespace qdes;

namespace {

struct Case {
    const char* decoder;
    std::uint32_t L;
    bool phenomenological;
    double p;
};

void run(const Case& c, std::uint64_t shots) {
    const quantum::CssCode code = quantum::toric2d_code(c.L);
    const std::uint32_t rounds = c.phenomenological ? c.L : 0;
    const qec::DecodingGraph g = qec::css_decoding_graph(code, 'Z', rounds, c.p, c.p);
    auto decoder = qec::make_decoder(c.decoder, g);
    quantum::FastRng rng(RandomStream(1, 2));
    qec::GraphSampler sampler(g);
    std::vector<qec::GraphSample> samples(shots);
    std::uint64_t events = 0;
    for (auto& s : samples) {
        sampler.sample(rng, s);
        events += s.defects.size();
    }
    double best = 1e300;
    std::uint64_t failures = 0;
    for (int pass = 0; pass < 5; ++pass) {
        failures = 0;
        const auto t0 = std::chrono::steady_clock::now();
        for (const auto& s : samples) failures += decoder->decode(s.defects) != s.observables;
        best = std::min(best, std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count());
    }
    const double per_shot = best / double(shots);
    std::printf("%-10s L=%-3u %-16s p=%-5g %8.1f events/shot %10.3g s/shot %10.3g s/round %10.3g s/event  fail %.4f\n",
                c.decoder, c.L, c.phenomenological ? "phenomenological" : "code capacity", c.p,
                double(events) / double(shots), per_shot, per_shot / std::max<std::uint32_t>(1, rounds),
                best / double(events), double(failures) / double(shots));
}

}  // namespace

int main(int argc, char** argv) {
    const std::uint64_t shots = argc > 1 ? std::strtoull(argv[1], nullptr, 10) : 2000;
    const Case cases[] = {
        {"union_find", 8, true, 0.02},   {"union_find", 16, true, 0.02},  {"union_find", 32, true, 0.02},
        {"union_find", 8, true, 0.01},   {"union_find", 16, true, 0.01},  {"union_find", 32, true, 0.01},
        {"union_find", 8, false, 0.05},  {"union_find", 16, false, 0.05}, {"union_find", 32, false, 0.05},
        {"matching", 8, true, 0.02},     {"matching", 8, false, 0.05},
    };
    for (const Case& c : cases) run(c, c.decoder == std::string("matching") ? std::min<std::uint64_t>(shots, 200) : shots);
}
