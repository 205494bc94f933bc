// Decoding graphs from detector error models: merging, boundaries, refusals; every single fault of Stim's d = 5
// surface code circuit corrected by both decoders; logical error rates that fall with the distance below threshold.

#include "protocols/qec/dem_graph.h"

#include <gtest/gtest.h>

#include <cmath>

#include "models/quantum/codes/rotated_surface.h"
#include "models/quantum/error_analysis.h"
#include "models/quantum/program.h"
#include "protocols/qec/union_find.h"
#include "tests/support/test_util.h"

namespace qdes::qec {
namespace {

using quantum::DetectorErrorModel;

TEST(DemGraph, EdgesFromPartsWithParallelOnesMerged) {
    DetectorErrorModel m = quantum::parse_dem(
        "error(0.1) D0 D1\nerror(0.2) D1 D0 ^ D2 L0\nerror(0.05) D2 L0\nerror(0.01) L0\nerror(0.3) D1 D0 L0\n", "m.dem");
    DemGraphReport r;
    DecodingGraph g = graph_from_dem(m, &r);
    EXPECT_EQ(g.num_nodes, 3u);
    ASSERT_EQ(g.edges.size(), 2u);
    EXPECT_EQ(r.merged_parts, 2u);       // D0 D1 once more, D2 L0 once
    EXPECT_EQ(r.conflicting_parts, 1u);  // D0 D1 L0 flips another observable than the merged D0 D1 (0.26)
    EXPECT_EQ(r.undetectable_errors, 1u);
    EXPECT_NEAR(r.undetectable_probability, 0.01, 1e-15);
    const DecodingGraph::Edge& pair = g.edges[0];
    EXPECT_EQ(pair.a, 0u);
    EXPECT_EQ(pair.b, 1u);
    EXPECT_EQ(pair.p, 0.3);  // 0.3 against 0.1 * 0.8 + 0.2 * 0.9 = 0.26: the likelier, with L0, is kept
    EXPECT_EQ(pair.observables, 1u);
    const DecodingGraph::Edge& boundary = g.edges[1];
    EXPECT_EQ(boundary.b, DecodingGraph::kBoundary);
    EXPECT_NEAR(boundary.p, 0.2 * 0.95 + 0.05 * 0.8, 1e-15);
    EXPECT_EQ(boundary.observables, 1u);
}

TEST(DemGraph, RefusesAHyperedgeNamingItsLine) {
    DetectorErrorModel m = quantum::parse_dem("error(0.1) D0 D1\nerror(0.1) D0 D1 D2\n", "h.dem");
    try {
        graph_from_dem(m);
        FAIL();
    } catch (const std::invalid_argument& e) {
        EXPECT_NE(std::string(e.what()).find("h.dem:2: error(0.100000) flips D0 D1 D2"), std::string::npos) << e.what();
    }
}

DetectorErrorModel surface_dem(std::uint32_t d, double p) {
    return quantum::analyze_errors(
        quantum::rotated_surface_memory(quantum::RotatedSurfaceOptions::uniform(d, d, 'X', p)),
        quantum::ErrorAnalysisOptions{true});
}

class SingleFaults : public ::testing::TestWithParam<std::string> {};

// Distance 5: every single fault of the circuit is corrected (its detectors decode to its observables).
TEST_P(SingleFaults, AreAllCorrected) {
    DetectorErrorModel m = surface_dem(5, 0.001);
    DecodingGraph g = graph_from_dem(m);
    std::unique_ptr<Decoder> dec = make_decoder(GetParam(), g);
    std::size_t wrong = 0;
    for (const quantum::DemErrorMechanism& e : m.errors) {
        const quantum::DemSymptom s = e.combined();
        wrong += dec->decode(s.detectors) != s.observables;
    }
    EXPECT_EQ(wrong, 0u) << "of " << m.errors.size() << " faults";
}

INSTANTIATE_TEST_SUITE_P(Decoders, SingleFaults, ::testing::Values("matching", "union_find"));

CircuitDecodingRun sample_and_decode(std::uint32_t d, double p, const std::string& decoder, std::size_t batches) {
    quantum::Circuit c = quantum::rotated_surface_memory(quantum::RotatedSurfaceOptions::uniform(d, d, 'X', p));
    quantum::Program prog = quantum::compile(c);
    DecodingGraph g = graph_from_dem(quantum::analyze_errors(c, quantum::ErrorAnalysisOptions{true}));
    std::unique_ptr<Decoder> dec = make_decoder(decoder, g);
    quantum::FrameSimulator sim(prog, 4096, /*seed=*/7, /*stream=*/d);
    CircuitDecodingRun run;
    for (std::size_t b = 0; b < batches; ++b) {
        sim.run();
        decode_batch(sim, 4096, *dec, run);
    }
    return run;
}

// Below threshold (p = 0.3%), distance 5 fails less often than distance 3 by more than 4 standard errors of the
// difference, for both decoders; and matching is not worse than union-find beyond the same tolerance.
TEST(CircuitDecoding, LogicalErrorFallsWithDistanceBelowThreshold) {
    for (const char* decoder : {"matching", "union_find"}) {
        CircuitDecodingRun d3 = sample_and_decode(3, 0.003, decoder, 6);
        CircuitDecodingRun d5 = sample_and_decode(5, 0.003, decoder, 6);
        const double f3 = double(d3.failures) / double(d3.shots), f5 = double(d5.failures) / double(d5.shots);
        const double se = std::sqrt(f3 * (1 - f3) / double(d3.shots) + f5 * (1 - f5) / double(d5.shots));
        EXPECT_GT(f3 - f5, 4 * se) << decoder << ": d=3 " << f3 << ", d=5 " << f5;
        std::printf("%s: p=0.003, d=3 %.5f, d=5 %.5f per shot (%llu shots each)\n", decoder, f3, f5,
                    (unsigned long long)d3.shots);
    }
}

}  // namespace
}  // namespace qdes::qec

namespace qdes::qec {
namespace {

// Every pair of error mechanisms of the d = 3, p = 0.003 surface code memory (24 310 pairs, all but a few beyond
// what distance 3 corrects), decoded exactly once each: the summed probability p_i p_j of the pairs a decoder gets
// wrong. Matching: 7.23e-3. Union-find with half-weight edge lengths got 1.74e-2 (2.4x); with eighths 7.69e-3.
TEST(CircuitDecoding, UnionFindWithFineEdgeLengthsFailsAlmostOnlyWhereMatchingFails) {
    const quantum::DetectorErrorModel dem = quantum::analyze_errors(
        quantum::compile(quantum::rotated_surface_memory(quantum::RotatedSurfaceOptions::uniform(3, 3, 'X', 0.003))),
        quantum::ErrorAnalysisOptions{true});
    const DecodingGraph g = graph_from_dem(dem);
    UnionFindDecoder fine(g), coarse(g, 2);
    auto matching = make_decoder("matching", g);
    double w_fine = 0, w_coarse = 0, w_matching = 0;
    for (std::size_t i = 0; i < dem.errors.size(); ++i)
        for (std::size_t j = i + 1; j < dem.errors.size(); ++j) {
            const quantum::DemSymptom s = quantum::xor_symptoms(dem.errors[i].combined(), dem.errors[j].combined());
            const double w = dem.errors[i].p * dem.errors[j].p;
            w_fine += w * (fine.decode(s.detectors) != s.observables);
            w_coarse += w * (coarse.decode(s.detectors) != s.observables);
            w_matching += w * (matching->decode(s.detectors) != s.observables);
        }
    EXPECT_NEAR(w_matching, 7.23e-3, 0.01e-3);
    EXPECT_LT(w_fine, 1.1 * w_matching);
    EXPECT_GT(w_coarse, 2 * w_matching);
}

}  // namespace
}  // namespace qdes::qec
