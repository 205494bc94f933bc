// Union-find decoding time per round and per detection event on the 2D toric code, L = 8, 16, 32 with L noisy
// rounds, phenomenological noise (q = p) at p = 0.02 and p = 0.01, and code capacity at p = 0.05. Shots are
// sampled first and then decoded back to back (the sampling is not timed); best of 5 passes. Exact matching is
// timed at L = 8 for comparison. Circuit level: the toric code's Z checks read out by CX circuits with
// gate_depolarizing noise p = 0.001 on every gate and reset and readout flips 0.001 (readout_memory's circuit at
// R = 1 on the ideal device: no idle noise), L readouts and a perfect data readout; the decoding graph (with its
// diagonal edges) estimated from 2048 calibration shots.
//
// usage: decoder_bench [shots]    (default 2000)

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "protocols/qec/decoder.h"
#include "protocols/qec/space_time.h"

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

// Circuit-level noise: sampled by the frame simulator, decoded on the estimated space-time graph.
void run_circuit_level(std::uint32_t L, double p, std::uint64_t shots) {
    const quantum::CssCode code = quantum::toric2d_code(L);
    qec::ReadoutCycleOptions o;
    o.lec = qec::LecKind::kNone;
    o.noise = {quantum::NoiseModel::Kind::kGateDepolarizing, p, -1, 0};
    const qec::ReadoutCycle cycle = qec::readout_cycle(code, o, hw::example_device("ideal"));
    const quantum::Program program = quantum::compile(cycle.timed.circuit);
    qec::SpaceTimeModel model(cycle);
    const std::uint32_t m = cycle.num_checks;
    const quantum::BitTable calibration = qec::sample_detection_events(program, cycle, code, L, 2048, 1, 1);
    model.estimate(qec::layers_of(calibration, m), 2048 / 64, 2048, 1.0 / (2048.0 * (L + 1) * m));
    const std::size_t S = (shots + 511) / 512 * 512;
    const quantum::BitTable events = qec::sample_detection_events(program, cycle, code, L, S, 2, 2);
    std::vector<std::vector<std::uint32_t>> defects(S);
    std::uint64_t total = 0;
    for (std::size_t row = 0; row < events.rows(); ++row)
        for (std::size_t s = 0; s < S; ++s)
            if (events.get(row, s)) {
                defects[s].push_back(std::uint32_t(row));
                ++total;
            }
    qec::Decoder& decoder = model.decoder("union_find", 0, L + 1, L, false);
    double best = 1e300;
    for (int pass = 0; pass < 5; ++pass) {
        const auto t0 = std::chrono::steady_clock::now();
        for (const auto& d : defects) (void)decoder.decode(d);
        best = std::min(best, std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count());
    }
    const double per_shot = best / double(S);
    std::printf("%-10s L=%-3u %-16s p=%-5g %8.1f events/shot %10.3g s/shot %10.3g s/round %10.3g s/event\n",
                "union_find", L, "circuit-level", p, double(total) / double(S), per_shot, per_shot / L,
                best / double(std::max<std::uint64_t>(total, 1)));
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
    for (std::uint32_t L : {8u, 16u, 32u}) run_circuit_level(L, 0.001, shots);
}
