#include "models/nn/reprune.h"

#include <gtest/gtest.h>

#include <cmath>

#include "models/nn/cluster.h"
#include "models/nn/model_file.h"
#include "sim/h5.h"
#include "tests/support/test_util.h"

namespace qdes::nn {
namespace {

using testing::nn_fixture;

TEST(WardLinkage, EqualsScipyOnRandomKernelSets) {
    // tests/fixtures/nn/ward_reference.h5: scipy.cluster.hierarchy.linkage(method='ward') of seeded random sets
    // (scripts/make_ward_reference.py), rows (a, b, height, size).
    h5::silence_library_errors();
    h5::Handle f = h5::open_file_read(nn_fixture("ward_reference.h5"));
    const auto sets = h5::member_names(f.id());
    ASSERT_EQ(sets.size(), 6u);
    for (const auto& name : sets) {
        h5::Handle g = h5::open_group(f.id(), name);
        const auto points = h5::read_float_array(g.id(), "points");
        const auto expected = h5::read_float_array(g.id(), "linkage");
        const std::size_t n = points.dims[0], d = points.dims[1];
        std::vector<std::vector<double>> rows(n);
        for (std::size_t i = 0; i < n; ++i)
            rows[i].assign(points.values.begin() + i * d, points.values.begin() + (i + 1) * d);
        const auto merges = ward_linkage(rows);
        ASSERT_EQ(merges.size(), n - 1) << name;
        for (std::size_t m = 0; m + 1 < n; ++m) {
            EXPECT_EQ(merges[m].a, static_cast<int>(expected.values[m * 4])) << name << " merge " << m;
            EXPECT_EQ(merges[m].b, static_cast<int>(expected.values[m * 4 + 1])) << name << " merge " << m;
            // The reference heights were stored as float32 here: agreement to float precision.
            EXPECT_NEAR(merges[m].height, expected.values[m * 4 + 2], 1e-6 * std::max(1.0, merges[m].height))
                << name << " merge " << m;
            EXPECT_EQ(merges[m].size, static_cast<int>(expected.values[m * 4 + 3])) << name << " merge " << m;
        }
    }
}

TEST(WardLinkage, HeightsAndCutsByHand) {
    // 0 and 1 at distance 1, 2 at 10 from both: the first merge joins 0 and 1 at height 1 (sqrt(2 x 0.5 x 1)),
    // then {0,1} with 2 at sqrt(2 x 2 x 1 / 3) x distance(centroid (0.5, 0), (0.5, 10)) = 10 sqrt(4/3).
    const auto m = ward_linkage({{0, 0}, {1, 0}, {0.5, 10}});
    ASSERT_EQ(m.size(), 2u);
    EXPECT_EQ(m[0].a, 0);
    EXPECT_EQ(m[0].b, 1);
    EXPECT_DOUBLE_EQ(m[0].height, 1.0);
    EXPECT_EQ(m[1].a, 2);
    EXPECT_EQ(m[1].b, 3);
    EXPECT_NEAR(m[1].height, 10 * std::sqrt(4.0 / 3.0), 1e-12);
    EXPECT_EQ(m[1].size, 3);
    EXPECT_EQ(cut_at_height(m, 3, 0.5), (std::vector<int>{0, 1, 2}));
    EXPECT_EQ(cut_at_height(m, 3, 1.0), (std::vector<int>{0, 0, 1}));
    EXPECT_EQ(cut_after(m, 3, 2), (std::vector<int>{0, 0, 0}));
}

TEST(KernelRepresentatives, KeepsTheBatchNormShareAndCoversEveryKernelCluster) {
    const Graph g = read_model(nn_fixture("fmnist_cnn.h5"));
    Graph p = g;
    const auto report = prune_kernel_representatives(p, 0.5, {});
    ASSERT_EQ(report.size(), 2u);  // conv1 and conv2; fc1 has no batch norm
    // 48 gammas, the 0.5-quantile interpolates between the 24th and 25th smallest: 24 channels at or below it.
    std::int64_t kept = 0;
    for (const auto& r : report) {
        const Node& conv = p.nodes[static_cast<std::size_t>(r.node)];
        EXPECT_EQ(conv.out_channels, r.kept);
        const std::int64_t K = g.nodes[static_cast<std::size_t>(r.node)].out_channels;
        EXPECT_EQ(r.kept, static_cast<std::int64_t>(std::ceil((1 - r.sparsity) * K - 1e-9)));
        // The cut leaves each channel at most K - ceil(s K) clusters, so k_l filters can cover them; the greedy
        // cover reaches most of them.
        const std::int64_t C = g.nodes[static_cast<std::size_t>(r.node)].in_channels;
        EXPECT_LE(r.clusters, C * r.kept);
        EXPECT_GE(r.covered, r.clusters * 9 / 10);
        EXPECT_LE(r.covered, r.clusters);
        kept += r.kept;
    }
    EXPECT_EQ(kept, 48 - 24);
    EXPECT_EQ(p.nodes[static_cast<std::size_t>(p.find("conv2"))].in_channels,
              p.nodes[static_cast<std::size_t>(p.find("conv1"))].out_channels);
    // Same seed, same choice; the tie-break seed can change it.
    Graph again = g;
    prune_kernel_representatives(again, 0.5, {});
    EXPECT_EQ(again.nodes[1].param("gamma").values, p.nodes[1].param("gamma").values);
    // Bad settings.
    Graph bad = g;
    EXPECT_THROW(prune_kernel_representatives(bad, 1.0, {}), ModelError);
    KernelRepresentativeOptions fc;
    fc.layers = {"fc1"};
    try {
        prune_kernel_representatives(bad, 0.5, fc);
        FAIL();
    } catch (const ModelError& e) {
        EXPECT_NE(std::string(e.what()).find("fc1: it needs a convolution followed by batch norm"), std::string::npos)
            << e.what();
    }
}

/// input [3] -> fc (6 units) -> relu -> out (2): fc's units form two tight groups.
Graph two_groups() {
    Graph g;
    g.name = "two_groups";
    g.input_shape = {3};
    Node fc;
    fc.name = "fc";
    fc.op = Op::kLinear;
    fc.in_features = 3;
    fc.out_features = 6;
    fc.params["weight"] = Tensor({6, 3});
    fc.params["weight"].values = {1, 0.1f, 0, 1, 0, 0, 1, -0.1f, 0, 0, 0.2f, 5, 0, -0.2f, 5, 0, 0, 5.1f};
    Node relu;
    relu.name = "relu";
    relu.op = Op::kRelu;
    Node out;
    out.name = "out";
    out.op = Op::kLinear;
    out.in_features = 6;
    out.out_features = 2;
    out.params["weight"] = Tensor({2, 6}, 1.0f);
    g.nodes = {fc, relu, out};
    return g;
}

TEST(RepresentativeElection, OneFilterPerClusterByCentroidOrNorm) {
    // Groups {0, 1, 2} (centroid = unit 1) and {3, 4, 5} (centroid (0, 0, 5.033): nearest is unit 5).
    Graph c = two_groups();
    prune_representative_election(c, 2.0 / 3.0, {}, Election::kCentroid);
    const auto& w = c.nodes[0].param("weight").values;
    EXPECT_EQ(w, (std::vector<float>{1, 0, 0, 0, 0, 5.1f}));
    // Largest norm: units 0 and 2 tie (the first wins) and unit 5.
    Graph n = two_groups();
    prune_representative_election(n, 2.0 / 3.0, {}, Election::kMaxNorm);
    EXPECT_EQ(n.nodes[0].param("weight").values, (std::vector<float>{1, 0.1f, 0, 0, 0, 5.1f}));
    EXPECT_EQ(n.nodes[2].in_features, 2);
    EXPECT_THROW(prune_representative_election(n, 0.0, {}, Election::kCentroid), ModelError);
}

}  // namespace
}  // namespace qdes::nn
