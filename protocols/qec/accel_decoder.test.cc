#include "protocols/qec/accel_decoder.h"

#include <gtest/gtest.h>

#include <algorithm>

#include "models/quantum/codes/css_code.h"
#include "models/quantum/codes/rotated_surface.h"
#include "models/quantum/error_analysis.h"
#include "protocols/qec/dem_graph.h"
#include "protocols/qec/union_find.h"
#include "sim/random.h"

namespace qdes::qec {
namespace {

struct Agreement {
    std::size_t shots = 0, equal = 0, nonempty = 0;
    std::uint64_t cycles = 0;
};

// The accelerator's correction (edge set and observables) against the software union-find with every odd cluster
// growing, at the same edge lengths, on `shots` sampled syndromes.
Agreement compare(const DecodingGraph& g, std::uint32_t resolution, const hw::UfAccelConfig& config,
                  std::size_t shots, std::uint64_t seed) {
    UnionFindDecoder software(g, resolution, UnionFindDecoder::Growth::kAllOdd);
    AcceleratedUnionFind accel(g, resolution, config);
    GraphSampler sampler(g);
    quantum::FastRng rng(RandomStream(seed, 1));
    GraphSample sample;
    std::vector<std::uint32_t> a, b;
    Agreement r;
    for (std::size_t s = 0; s < shots; ++s) {
        sampler.sample(rng, sample);
        const std::uint64_t oa = software.decode_edges(sample.defects, a);
        const std::uint64_t ob = accel.decode_edges(sample.defects, b);
        std::sort(a.begin(), a.end());
        std::sort(b.begin(), b.end());
        r.equal += oa == ob && a == b;
        r.nonempty += !sample.defects.empty();
        r.cycles += accel.last_cycles().total();
        ++r.shots;
    }
    return r;
}

// 4000 syndromes of the L = 6 toric code over 6 noisy rounds (phenomenological, p = q = 3%): about 30 defects each,
// clusters that merge many times. One PE per vertex, and 16 PEs time-multiplexed.
TEST(AcceleratedUnionFind, CorrectionsEqualTheSoftwareUnionFindOnAToricHistory) {
    const DecodingGraph g = css_decoding_graph(quantum::make_code("toric2d", 6), 'Z', 6, 0.03, 0.03);
    for (std::uint32_t pes : {0u, 16u}) {
        hw::UfAccelConfig c;
        c.pes = pes;
        const Agreement r = compare(g, 2, c, 4000, 11);
        EXPECT_EQ(r.equal, r.shots) << pes << " PEs";
        EXPECT_GT(r.nonempty, 3900u);
    }
}

// 3000 syndromes of the d = 5 rotated surface code under circuit-level noise (p = 0.5%), on its exact DEM with
// boundaries and lengths in eighths of the lightest weight.
TEST(AcceleratedUnionFind, CorrectionsEqualTheSoftwareUnionFindOnASurfaceCodeDem) {
    const DecodingGraph g = graph_from_dem(quantum::analyze_errors(
        quantum::rotated_surface_memory(quantum::RotatedSurfaceOptions::uniform(5, 5, 'X', 0.005)),
        quantum::ErrorAnalysisOptions{true}));
    hw::UfAccelConfig c;
    c.growth_bits = 10;
    const Agreement r = compare(g, 8, c, 3000, 5);
    EXPECT_EQ(r.equal, r.shots);
    EXPECT_GT(r.nonempty, 2500u);
}

// Decoding costs more cycles with more defects: a time-multiplexed accelerator (C contexts per PE) spends about C
// times the vertex steps. Here the ratio of mean cycles at 16 PEs and at one PE per vertex (144 vertices: C = 9)
// lies between 4 and 9: the tree crossings do not scale with C, and a shorter tree over 16 PEs saves some.
TEST(AcceleratedUnionFind, TimeMultiplexingCostsUpToTheContextsPerPe) {
    const DecodingGraph g = css_decoding_graph(quantum::make_code("toric2d", 6), 'Z', 3, 0.02, 0.02);
    hw::UfAccelConfig full, few;
    few.pes = 16;
    const Agreement a = compare(g, 2, full, 500, 3), b = compare(g, 2, few, 500, 3);
    const double ratio = double(b.cycles) / double(a.cycles);
    EXPECT_GT(ratio, 4.0);
    EXPECT_LT(ratio, 9.0);
}

}  // namespace
}  // namespace qdes::qec
