#include "models/nn/prune.h"

#include <gtest/gtest.h>

#include <numeric>
#include <random>

#include "models/nn/dataset.h"
#include "models/nn/inference.h"
#include "models/nn/model_file.h"
#include "models/nn/sparsity.h"
#include "tests/support/test_util.h"

namespace qdes::nn {
namespace {

using testing::nn_fixture;

std::int64_t zeros(const Tensor& t) {
    std::int64_t z = 0;
    for (float v : t.values) z += v == 0.0f;
    return z;
}

TEST(MagnitudePruning, LayerWiseRemovesTheSmallestFractionOfEachLayer) {
    Graph g = read_model(nn_fixture("digits_mlp.h5"));
    const Graph before = g;
    prune_magnitude(g, 0.7, PruneScope::kLayer);
    for (const auto& pw : prunable_weights(g)) {
        const Tensor& w = g.nodes[static_cast<std::size_t>(pw.node)].param(pw.role);
        const Tensor& w0 = before.nodes[static_cast<std::size_t>(pw.node)].param(pw.role);
        EXPECT_EQ(zeros(w), std::llround(0.7 * static_cast<double>(w.size())));
        // Every kept weight is at least as large as every pruned one.
        float largest_pruned = 0, smallest_kept = 1e30f;
        for (std::size_t i = 0; i < w.values.size(); ++i) {
            if (w.values[i] == 0.0f)
                largest_pruned = std::max(largest_pruned, std::abs(w0.values[i]));
            else
                smallest_kept = std::min(smallest_kept, std::abs(w.values[i]));
        }
        EXPECT_LE(largest_pruned, smallest_kept);
    }
}

TEST(MagnitudePruning, GlobalUsesOneThresholdAndMasksAccumulate) {
    Graph g = read_model(nn_fixture("digits_mlp.h5"));
    const Graph before = g;
    prune_magnitude(g, 0.5, PruneScope::kGlobal, {"fc3"});
    std::int64_t total = 0, pruned = 0;
    float largest_pruned = 0, smallest_kept = 1e30f;  // over all layers: one threshold
    for (const auto& pw : prunable_weights(g, {"fc3"})) {
        const Node& n = g.nodes[static_cast<std::size_t>(pw.node)];
        const auto& w0 = before.nodes[static_cast<std::size_t>(pw.node)].param(pw.role).values;
        total += n.param(pw.role).size();
        pruned += zeros(n.masks.at(pw.role));
        for (std::size_t i = 0; i < w0.size(); ++i) {
            if (n.masks.at(pw.role).values[i] == 0.0f)
                largest_pruned = std::max(largest_pruned, std::abs(w0[i]));
            else
                smallest_kept = std::min(smallest_kept, std::abs(w0[i]));
        }
    }
    EXPECT_EQ(pruned, std::llround(0.5 * static_cast<double>(total)));
    EXPECT_LE(largest_pruned, smallest_kept);
    EXPECT_TRUE(g.nodes[static_cast<std::size_t>(g.find("fc3"))].masks.empty());
    // A second, larger fraction keeps every earlier decision: the first mask is inside the second.
    const Graph first = g;
    prune_magnitude(g, 0.8, PruneScope::kGlobal, {"fc3"});
    for (const auto& pw : prunable_weights(g, {"fc3"})) {
        const auto& m1 = first.nodes[static_cast<std::size_t>(pw.node)].masks.at(pw.role).values;
        const auto& m2 = g.nodes[static_cast<std::size_t>(pw.node)].masks.at(pw.role).values;
        for (std::size_t i = 0; i < m1.size(); ++i)
            if (m1[i] == 0.0f) {
                EXPECT_EQ(m2[i], 0.0f);
            }
    }
    EXPECT_THROW(prune_magnitude(g, 1.5, PruneScope::kGlobal), ModelError);
    EXPECT_THROW(prune_magnitude(g, 0.5, PruneScope::kGlobal, {"fc9"}), ModelError);
}

TEST(NmPruning, EveryGroupOfMKeepsItsNLargest) {
    Graph g = read_model(nn_fixture("fmnist_cnn.h5"));
    const Graph before = g;
    prune_nm(g, 2, 4);
    for (const auto& pw : prunable_weights(g)) {
        const Node& n = g.nodes[static_cast<std::size_t>(pw.node)];
        const auto& w = n.param(pw.role).values;
        const auto& w0 = before.nodes[static_cast<std::size_t>(pw.node)].param(pw.role).values;
        const std::int64_t k = n.param(pw.role).size() / n.param(pw.role).shape[0];
        for (std::int64_t r = 0; r < n.param(pw.role).shape[0]; ++r)
            for (std::int64_t s = 0; s + 4 <= k; s += 4) {
                int kept = 0;
                for (int i = 0; i < 4; ++i) kept += w[static_cast<std::size_t>(r * k + s + i)] != 0.0f;
                ASSERT_EQ(kept, 2);
                for (int i = 0; i < 4; ++i)
                    for (int j = 0; j < 4; ++j) {
                        const auto a = static_cast<std::size_t>(r * k + s + i),
                                   b = static_cast<std::size_t>(r * k + s + j);
                        if (w[a] != 0.0f && w[b] == 0.0f) {
                            EXPECT_GE(std::abs(w0[a]), std::abs(w0[b]));
                        }
                    }
            }
    }
}

TEST(SparsityReport, CountsRowsColumnsChannelsAndKernelsAsDistillerDoes) {
    Graph g = read_model(nn_fixture("fmnist_cnn.h5"));
    Tensor& w = g.nodes[static_cast<std::size_t>(g.find("conv2"))].param("weight");  // [32, 16, 3, 3]
    for (std::int64_t k = 0; k < 32; ++k)
        for (std::int64_t i = 0; i < 9; ++i) {
            w.values[static_cast<std::size_t>((k * 16 + 5) * 9 + i)] = 0.0f;  // input channel 5 everywhere
            if (k == 7)
                for (std::int64_t c = 0; c < 16; ++c) w.values[static_cast<std::size_t>((k * 16 + c) * 9 + i)] = 0.0f;
        }
    w.values[static_cast<std::size_t>((0 * 16 + 0) * 9 + 4)] = 0.0f;  // one more element
    const auto report = sparsity_report(g);
    const auto& r = report[1];
    ASSERT_EQ(r.layer, "conv2");
    EXPECT_EQ(r.nnz_dense, 32 * 16 * 9);
    EXPECT_EQ(r.nnz, 32 * 16 * 9 - 32 * 9 - 15 * 9 - 1);
    EXPECT_DOUBLE_EQ(r.rows, 1.0 / 32);  // filter 7
    EXPECT_DOUBLE_EQ(r.filters_3d, 1.0 / 32);
    EXPECT_DOUBLE_EQ(r.channels, 1.0 / 16);                     // channel 5
    EXPECT_DOUBLE_EQ(r.kernels_2d, (32.0 + 15.0) / (32 * 16));  // channel 5 of each filter + filter 7's others
    EXPECT_DOUBLE_EQ(r.cols, 9.0 / (16 * 9));                   // the 9 columns of channel 5
    EXPECT_NE(format_sparsity_report(report).find("conv2"), std::string::npos);
}

TEST(MagnitudePruning, BeatsRandomPruningOnLeNetWithoutFineTuning) {
    // The premise of magnitude pruning: small weights matter less. On the 10 000 Fashion-MNIST test images,
    // layer-wise magnitude pruning keeps more accuracy than random pruning at the same per-layer sparsity (paired
    // on the same images; a 5-point margin is far beyond the ~0.4-point standard error of a difference here).
    const Dataset test = load_fashion_mnist("test");
    auto accuracy = [&](const Graph& g) {
        const auto pred = argmax_rows(forward(g, test.samples));
        std::int64_t ok = 0;
        for (std::size_t i = 0; i < pred.size(); ++i) ok += pred[i] == test.labels[i];
        return static_cast<double>(ok) / static_cast<double>(test.size());
    };
    for (double fraction : {0.5, 0.8}) {
        Graph magnitude = read_model(nn_fixture("lenet_300_100.h5"));
        prune_magnitude(magnitude, fraction, PruneScope::kLayer);
        Graph random = read_model(nn_fixture("lenet_300_100.h5"));
        std::mt19937 rng(3);
        for (const auto& pw : prunable_weights(random)) {
            auto& w = random.nodes[static_cast<std::size_t>(pw.node)].param(pw.role).values;
            std::vector<std::size_t> idx(w.size());
            std::iota(idx.begin(), idx.end(), 0);
            std::shuffle(idx.begin(), idx.end(), rng);
            for (std::size_t i = 0;
                 i < static_cast<std::size_t>(std::llround(fraction * static_cast<double>(w.size()))); ++i)
                w[idx[i]] = 0.0f;
        }
        const double mag = accuracy(magnitude), rnd = accuracy(random);
        EXPECT_GT(mag, rnd + 0.05) << "fraction " << fraction;
    }
}

}  // namespace
}  // namespace qdes::nn
