// Decoding graphs by count; both decoders against every error they must correct (weight up to (d - 1) / 2 on
// the toric and repetition codes, every single fault under phenomenological noise); and, statistically, the
// threshold behaviour: below the published thresholds the larger code fails less, above them more.

#include <gtest/gtest.h>

#include <cmath>
#include <functional>

#include "protocols/qec/decoder.h"
#include "protocols/qec/union_find.h"

namespace qdes::qec {
namespace {

TEST(DecodingGraph, ToricCodeCapacityAndPhenomenologicalCounts) {
    const quantum::CssCode code = quantum::toric2d_code(4);
    const DecodingGraph capacity = css_decoding_graph(code, 'Z', 0, 0.1, 0.1);
    EXPECT_EQ(capacity.num_nodes, 16u);  // the plaquettes
    EXPECT_EQ(capacity.edges.size(), 32u);  // the qubits
    for (std::uint32_t v = 0; v < capacity.num_nodes; ++v) EXPECT_EQ(capacity.offset[v + 1] - capacity.offset[v], 4u);
    EXPECT_NEAR(capacity.edges[0].weight, std::log(9.0), 1e-12);
    const DecodingGraph phenomenological = css_decoding_graph(code, 'Z', 3, 0.02, 0.01);
    EXPECT_EQ(phenomenological.num_nodes, 16u * 4);  // 3 noisy rounds and the perfect readout
    EXPECT_EQ(phenomenological.edges.size(), 32u * 3 + 16 * 3);
    // Each Z logical is flipped by the L qubits of its support.
    for (int k = 0; k < 2; ++k) {
        int flipping = 0;
        for (const auto& e : capacity.edges) flipping += (e.observables >> k) & 1;
        EXPECT_EQ(flipping, 4);
    }
    const DecodingGraph repetition = css_decoding_graph(quantum::repetition_code(5), 'Z', 0, 0.1, 0.1);
    int to_boundary = 0;
    for (const auto& e : repetition.edges) to_boundary += e.b == DecodingGraph::kBoundary;
    EXPECT_EQ(to_boundary, 2);
    EXPECT_THROW(css_decoding_graph(quantum::ising2d_code(4), 'Z', 0, 0.1, 0.1), std::invalid_argument);
    EXPECT_THROW(css_decoding_graph(code, 'Z', 0, 0.7, 0.1), std::invalid_argument);
}

/// Calls f with every set of at most `most` distinct edges of the graph.
void for_each_error(const DecodingGraph& g, int most, const std::function<void(const std::vector<std::uint32_t>&)>& f) {
    std::vector<std::uint32_t> chosen;
    std::function<void(std::uint32_t)> next = [&](std::uint32_t from) {
        f(chosen);
        if (int(chosen.size()) == most) return;
        for (std::uint32_t e = from; e < g.edges.size(); ++e) {
            chosen.push_back(e);
            next(e + 1);
            chosen.pop_back();
        }
    };
    next(0);
}

/// Decodes every error of weight <= most; returns how many were decoded wrongly.
int wrong_decodings(const DecodingGraph& g, Decoder& decoder, int most, int* errors_tried) {
    int wrong = 0;
    std::vector<std::uint8_t> flipped(g.num_nodes, 0);
    for_each_error(g, most, [&](const std::vector<std::uint32_t>& error) {
        std::uint64_t observables = 0;
        for (std::uint32_t e : error) {
            observables ^= g.edges[e].observables;
            flipped[g.edges[e].a] ^= 1;
            if (g.edges[e].b != DecodingGraph::kBoundary) flipped[g.edges[e].b] ^= 1;
        }
        std::vector<std::uint32_t> defects;
        for (std::uint32_t v = 0; v < g.num_nodes; ++v)
            if (flipped[v]) defects.push_back(v), flipped[v] = 0;
        wrong += decoder.decode(defects) != observables;
        ++*errors_tried;
    });
    return wrong;
}

TEST(Decoders, CorrectEveryErrorOfWeightUpToHalfTheDistance) {
    for (const std::string& name : decoder_names()) {
        int tried = 0;
        const DecodingGraph toric = css_decoding_graph(quantum::toric2d_code(5), 'Z', 0, 0.05, 0.05);
        auto decoder = make_decoder(name, toric);
        EXPECT_EQ(wrong_decodings(toric, *decoder, 2, &tried), 0) << name;
        EXPECT_EQ(tried, 1 + 50 + 50 * 49 / 2);
        tried = 0;
        const DecodingGraph repetition = css_decoding_graph(quantum::repetition_code(7), 'Z', 0, 0.05, 0.05);
        decoder = make_decoder(name, repetition);
        EXPECT_EQ(wrong_decodings(repetition, *decoder, 3, &tried), 0) << name;  // boundary edges included
        EXPECT_EQ(tried, 1 + 7 + 21 + 35);
        tried = 0;
        const DecodingGraph phenomenological = css_decoding_graph(quantum::toric2d_code(5), 'Z', 3, 0.02, 0.02);
        decoder = make_decoder(name, phenomenological);
        EXPECT_EQ(wrong_decodings(phenomenological, *decoder, 1, &tried), 0) << name;
        EXPECT_EQ(tried, 1 + 50 * 3 + 25 * 3);
    }
}

/// Failure rates of one decoder at sizes `small` and `large` (rounds = size for phenomenological noise, 0 for code
/// capacity) at p; returns large - small in standard errors.
double separation(const std::string& name, bool phenomenological, std::uint32_t small, std::uint32_t large, double p,
                  std::uint64_t shots) {
    double rate[2], error[2];
    const std::uint32_t sizes[2] = {small, large};
    for (int i = 0; i < 2; ++i) {
        const DecodingGraph g =
            css_decoding_graph(quantum::toric2d_code(sizes[i]), 'Z', phenomenological ? sizes[i] : 0, p, p);
        auto decoder = make_decoder(name, g);
        const DecodingRun run = run_decoding(g, *decoder, shots, 11 + i);
        rate[i] = run.failure_rate();
        error[i] = run.failure_rate_error();
    }
    return (rate[1] - rate[0]) / std::hypot(error[0], error[1]);
}

TEST(Decoders, CodeCapacityBelowAndAboveThreshold) {
    // Thresholds near 10.3% (matching) and 9.9% (union-find): at 6% the L = 8 code fails less than L = 4, at 14 to
    // 15% more; each by more than 3 standard errors.
    EXPECT_LT(separation("matching", false, 4, 8, 0.06, 2000), -3);
    EXPECT_GT(separation("matching", false, 4, 8, 0.15, 2000), 3);
    EXPECT_LT(separation("union_find", false, 4, 8, 0.06, 4000), -3);
    EXPECT_GT(separation("union_find", false, 4, 8, 0.14, 4000), 3);
}

TEST(Decoders, PhenomenologicalBelowAndAboveThreshold) {
    // Thresholds near 2.9% (matching) and 2.6% (union-find), L rounds for size L: at 1.6 to 1.8% the L = 6 code
    // fails less than L = 4, at 4 to 4.5% more; by more than 3 standard errors.
    EXPECT_LT(separation("matching", true, 4, 6, 0.018, 1000), -3);
    EXPECT_GT(separation("matching", true, 4, 6, 0.045, 1000), 3);
    EXPECT_LT(separation("union_find", true, 4, 6, 0.016, 4000), -3);
    EXPECT_GT(separation("union_find", true, 4, 6, 0.04, 4000), 3);
}

}  // namespace
}  // namespace qdes::qec

namespace qdes::qec {
namespace {

// Two defects joined by an edge of 1.7 times the weight of each one's boundary edge: matching pairs them. In
// half-weight units the pair edge (3.4, so 3 units, grown from both ends) and the boundary edges (2 units) finish in
// the same step and the peeling, rooted at the boundary, sends both defects there (weight 2, observable flipped);
// in eighths the pair edge (14 units: 7 steps) finishes before the boundary edges (8 steps).
TEST(UnionFind, FineEdgeLengthsPreferTheLighterCorrection) {
    DecodingGraph g;
    g.num_nodes = 2;
    const double boundary_p = 0.1, pair_p = 1 / (1 + std::exp(1.7 * std::log(9.0)));
    g.add_edge(0, DecodingGraph::kBoundary, boundary_p, 1);
    g.add_edge(1, DecodingGraph::kBoundary, boundary_p, 0);
    g.add_edge(0, 1, pair_p, 0);
    g.finish();
    EXPECT_EQ(UnionFindDecoder(g).decode({0, 1}), 0u);
    EXPECT_EQ(UnionFindDecoder(g, 2).decode({0, 1}), 1u);
    EXPECT_EQ(make_decoder("matching", g)->decode({0, 1}), 0u);
}

TEST(UnionFind, RefusesAnOddNumberOfEventsOnAComponentWithoutBoundary) {
    DecodingGraph g;
    g.num_nodes = 3;
    g.add_edge(0, 1, 0.1, 0);
    g.add_edge(1, 2, 0.1, 0);
    g.finish();
    UnionFindDecoder uf(g);
    EXPECT_THROW(uf.decode({0}), std::invalid_argument);
    EXPECT_EQ(uf.decode({0, 2}), 0u);  // and the decoder is clean for the next shot
    EXPECT_THROW(UnionFindDecoder(g, 0), std::invalid_argument);
}

}  // namespace
}  // namespace qdes::qec
