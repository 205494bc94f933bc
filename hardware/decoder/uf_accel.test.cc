#include "hardware/decoder/uf_accel.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <stdexcept>

namespace qdes::hw {
namespace {

// A chain of five vertices with a boundary edge at each end, every edge two units long:
//   B -e0- 0 -e1- 1 -e2- 2 -e3- 3 -e4- 4 -e5- B       (e0 and e5 flip observable 0)
UfGraph chain() {
    UfGraph g;
    g.vertices = 5;
    g.add_edge(0, UfGraph::kBoundary, 2, 1);
    for (std::uint32_t v = 0; v + 1 < 5; ++v) g.add_edge(v, v + 1, 2, 0);
    g.add_edge(4, UfGraph::kBoundary, 2, 1);
    g.finish();
    return g;
}

std::vector<std::uint32_t> sorted(std::vector<std::uint32_t> v) {
    std::sort(v.begin(), v.end());
    return v;
}

// One PE per vertex (C = 1) and a binary tree over 5 PEs (h = 3).
UfAccelConfig binary_tree() {
    UfAccelConfig c;
    c.tree_fanin = 2;
    return c;
}

TEST(UfAccel, ASinglePairCostsOneGrowStepOneMergeAndADepthOneForest) {
    const UfGraph g = chain();
    UfAccelerator accel(g, binary_tree());
    ASSERT_EQ(accel.contexts(), 1u);
    ASSERT_EQ(accel.tree_depth(), 3u);
    const UfAccelResult& r = accel.decode({1, 2});
    // load 1 + 3; one grow step (e2 gains 2 and completes) 1 + 3; merge of {1, 2}, root 1 at distance 1 from 2:
    // 1 x (3 x 1 + 1) + 3 x 3; peel of a forest of depth 1: 1 x 2 x 1 + 2 x 3.
    EXPECT_EQ(r.cycles.grow_steps, 1u);
    EXPECT_EQ(r.cycles.merges, 1u);
    EXPECT_EQ(r.cycles.forest_depth, 1u);
    EXPECT_EQ(r.cycles.load, 1u);
    EXPECT_EQ(r.cycles.grow, 1u);
    EXPECT_EQ(r.cycles.merge, 4u);
    EXPECT_EQ(r.cycles.peel, 2u);
    EXPECT_EQ(r.cycles.sync, 3u + 3u + 9u + 6u);
    EXPECT_EQ(r.cycles.total(), 29u);
    EXPECT_EQ(sorted(r.edges), (std::vector<std::uint32_t>{2}));
    EXPECT_EQ(r.observables, 0u);
}

TEST(UfAccel, TwoClustersThatMergeIntoAChainCostTheChainsLength) {
    const UfGraph g = chain();
    UfAccelerator accel(g, binary_tree());
    const UfAccelResult& r = accel.decode({1, 3});
    // Step 1: e1, e2, e3, e4 reach 1 of 2, nothing completes (1 + 3). Step 2: all four complete (1 + 3) and the
    // cluster 0..4 forms, root 0, whose farthest vertex is 4 edges away: 1 x (3 x 4 + 1) + 9. Its forest is the
    // chain from 0 (depth 4): 8 + 6. Peeling: 3 passes its defect over e3 to 2, which passes it over e2 to 1.
    EXPECT_EQ(r.cycles.grow_steps, 2u);
    EXPECT_EQ(r.cycles.merges, 1u);
    EXPECT_EQ(r.cycles.merge, 13u);
    EXPECT_EQ(r.cycles.forest_depth, 4u);
    EXPECT_EQ(r.cycles.peel, 8u);
    EXPECT_EQ(r.cycles.total(), 1u + 3u + 2u * (1u + 3u) + 13u + 9u + 8u + 6u);
    EXPECT_EQ(sorted(r.edges), (std::vector<std::uint32_t>{2, 3}));
    EXPECT_EQ(r.observables, 0u);
}

TEST(UfAccel, AnOddClusterLeftAfterAMergeGrowsOnToTheBoundary) {
    const UfGraph g = chain();
    UfAccelerator accel(g, binary_tree());
    const UfAccelResult& r = accel.decode({1, 2, 4});
    // Step 1: e2 completes ({1, 2} even), e4 and e5 reach 1 (1 + 3; merge 4 + 9). Step 2: only {4} grows; e4 and e5
    // complete: 3 joins and the cluster reaches the boundary, root 3 one edge from 4 (1 + 3; merge 4 + 9). Forest:
    // root 1 with child 2; 4 under the boundary with child 3: depth 2 (4 + 6). Corrections e2 and e5.
    EXPECT_EQ(r.cycles.grow_steps, 2u);
    EXPECT_EQ(r.cycles.merges, 2u);
    EXPECT_EQ(r.cycles.forest_depth, 2u);
    EXPECT_EQ(r.cycles.total(), 1u + 3u + (1u + 3u) + (4u + 9u) + (1u + 3u) + (4u + 9u) + (4u + 6u));
    EXPECT_EQ(sorted(r.edges), (std::vector<std::uint32_t>{2, 5}));
    EXPECT_EQ(r.observables, 1u);
}

TEST(UfAccel, TimeMultiplexingMultipliesEveryVertexStepByTheContextsPerPe) {
    const UfGraph g = chain();
    UfAccelConfig c = binary_tree();
    c.pes = 2;  // C = 3, h = 1
    UfAccelerator accel(g, c);
    EXPECT_EQ(accel.contexts(), 3u);
    EXPECT_EQ(accel.tree_depth(), 1u);
    const UfAccelResult& r = accel.decode({1, 2});
    EXPECT_EQ(r.cycles.total(), (3u + 1u) + (3u + 1u) + (3u * 4u + 3u) + (3u * 2u + 2u));
    EXPECT_EQ(accel.seconds(r.cycles.total()), double(r.cycles.total()) / 250e6);
}

TEST(UfAccel, NoDefectsCostOnlyTheLoad) {
    const UfGraph g = chain();
    UfAccelerator accel(g, binary_tree());
    const UfAccelResult& r = accel.decode({});
    EXPECT_EQ(r.cycles.total(), 4u);
    EXPECT_TRUE(r.edges.empty());
}

TEST(UfAccel, StateMemoryCountsIdsFlagsPortsAndGrowthRegisters) {
    const UfGraph g = chain();
    // 5 vertices: 3 id bits + 5 flags + 2 port bits (degree 2) each; 6 edges x 8 bits: 50 + 48 = 98 bits.
    EXPECT_EQ(UfAccelerator(g, binary_tree()).memory_needed_bytes(), 13u);
    UfAccelConfig small = binary_tree();
    small.memory_bytes = 12;
    try {
        UfAccelerator accel(g, small);
        FAIL() << "a memory of 12 bytes was taken";
    } catch (const std::invalid_argument& e) {
        EXPECT_NE(std::string(e.what()).find("needs 13 bytes"), std::string::npos) << e.what();
    }
}

TEST(UfAccel, RefusesAZeroClockANarrowTreeAndLengthsBeyondItsRegisters) {
    const UfGraph g = chain();
    UfAccelConfig c;
    c.clock_hz = 0;
    EXPECT_THROW(UfAccelerator(g, c), std::invalid_argument);
    c = UfAccelConfig{};
    c.tree_fanin = 1;
    EXPECT_THROW(UfAccelerator(g, c), std::invalid_argument);
    c = UfAccelConfig{};
    c.growth_bits = 1;  // lengths up to 1; the chain's are 2
    EXPECT_THROW(UfAccelerator(g, c), std::invalid_argument);
}

TEST(UfAccel, RefusesAnOddNumberOfDefectsOnAGraphWithoutBoundaryAndRecovers) {
    UfGraph ring;
    ring.vertices = 3;
    ring.add_edge(0, 1, 1, 0);
    ring.add_edge(1, 2, 1, 0);
    ring.add_edge(2, 0, 1, 1);
    ring.finish();
    UfAccelerator accel(ring, UfAccelConfig{});
    EXPECT_THROW(accel.decode({0}), std::invalid_argument);
    const UfAccelResult& r = accel.decode({0, 2});  // the state was cleared: e2 joins them
    EXPECT_EQ(sorted(r.edges), (std::vector<std::uint32_t>{2}));
    EXPECT_EQ(r.observables, 1u);
}

}  // namespace
}  // namespace qdes::hw
