// The union-find accelerator's simulated decode latency (hardware/decoder/uf_accel.h) beside a published hardware
// figure and the software decoder on this CPU (issue 24).
//
// Graphs: the rotated surface code memory X with d rounds under circuit-level noise p = 0.001 (its exact DEM,
// decomposed), d = 3 to 17; and the 2D toric code with d noisy rounds under phenomenological p = q = 0.001, L = d =
// 5 to 21. 5000 syndromes per graph, drawn from the graph's own independent edges. The accelerator has one PE per
// vertex, a fan-in 4 tree, edge lengths in halves (circuit level: eighths, growth_bits 10), and runs at 100 MHz.
// Reference in the same invocation: the software union-find (every odd cluster growing, the same lengths: the same
// corrections) timed on one core.
//
// Published: Helios on a Xilinx VCU129 FPGA decodes the rotated surface code in 11.5 ns per measurement round on
// average at d = 21 under 0.1% phenomenological noise, and in 23.7 ns per round at d = 17 under circuit-level noise
// (Liyanage, Wu, Tagare and Zhong, "FPGA-based distributed union-find decoder for surface codes", IEEE TQE 2024,
// arXiv:2406.08491, abstract). Helios's planar code and its pipelining differ from this model; the toric code
// stands in for its phenomenological case.
//
// usage: uf_accel_bench [syndromes]

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "models/quantum/codes/css_code.h"
#include "models/quantum/codes/rotated_surface.h"
#include "models/quantum/error_analysis.h"
#include "protocols/qec/accel_decoder.h"
#include "protocols/qec/dem_graph.h"
#include "protocols/qec/union_find.h"
#include "sim/random.h"

using namespace qdes;

namespace {

void run(const std::string& name, std::uint32_t d, const qec::DecodingGraph& g, std::uint32_t resolution,
         std::uint32_t growth_bits, std::size_t shots) {
    qec::GraphSampler sampler(g);
    quantum::FastRng rng(RandomStream(d, 24));
    std::vector<std::vector<std::uint32_t>> syndromes(shots);
    qec::GraphSample sample;
    double events = 0;
    for (auto& s : syndromes) {
        sampler.sample(rng, sample);
        s = sample.defects;
        events += double(s.size());
    }
    hw::UfAccelConfig config;
    config.clock_hz = 100e6;
    config.growth_bits = growth_bits;
    qec::AcceleratedUnionFind accel(g, resolution, config);
    qec::UnionFindDecoder software(g, resolution, qec::UnionFindDecoder::Growth::kAllOdd);
    double cycles = 0, grow = 0, merge = 0, peel = 0, sync = 0;
    std::uint64_t mismatches = 0;
    std::vector<std::uint64_t> predicted(shots);
    for (std::size_t i = 0; i < shots; ++i) {
        predicted[i] = accel.decode(syndromes[i]);
        const hw::UfAccelCycles& c = accel.last_cycles();
        cycles += double(c.total());
        grow += double(c.grow);
        merge += double(c.merge);
        peel += double(c.peel);
        sync += double(c.sync);
    }
    double best = 1e300;
    for (int pass = 0; pass < 3; ++pass) {
        const auto t0 = std::chrono::steady_clock::now();
        std::uint64_t wrong = 0;
        for (std::size_t i = 0; i < shots; ++i) wrong += software.decode(syndromes[i]) != predicted[i];
        best = std::min(best, std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count());
        mismatches = wrong;
    }
    const double n = double(shots), ns_per_decode = cycles / n / config.clock_hz * 1e9;
    const double cpu_ns = best / n * 1e9;
    std::printf("%-22s d=%-3u %6u vertices %7.2f events  %8.1f cycles (grow %6.1f merge %6.1f peel %5.1f sync %6.1f)"
                "  %8.1f ns/decode %7.2f ns/round | CPU %8.1f ns/decode, accelerator / CPU %.2f | differ %llu\n",
                name.c_str(), d, g.num_nodes, events / n, cycles / n, grow / n, merge / n, peel / n, sync / n,
                ns_per_decode, ns_per_decode / d, cpu_ns, ns_per_decode / cpu_ns, (unsigned long long)mismatches);
    std::fflush(stdout);
}

}  // namespace

int main(int argc, char** argv) {
    const std::size_t shots = argc > 1 ? std::size_t(std::atoll(argv[1])) : 5000;
    for (std::uint32_t d = 5; d <= 21; d += 4) {
        const qec::DecodingGraph g = qec::css_decoding_graph(quantum::make_code("toric2d", d), 'Z', d, 0.001, 0.001);
        run("toric phenomenological", d, g, 2, 8, shots);
    }
    for (std::uint32_t d = 3; d <= 17; d += 2) {
        const quantum::Circuit c =
            quantum::rotated_surface_memory(quantum::RotatedSurfaceOptions::uniform(d, d, 'X', 0.001));
        const qec::DecodingGraph g = qec::graph_from_dem(quantum::analyze_errors(c, quantum::ErrorAnalysisOptions{true}));
        run("surface circuit-level", d, g, 8, 10, shots);
    }
}
