#include "models/nn/moe_prune.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>

#include "models/nn/dataset.h"
#include "models/nn/inference.h"
#include "models/nn/model_file.h"
#include "tests/support/test_util.h"

namespace qdes::nn {
namespace {

using testing::nn_fixture;

struct Checkpoints {
    Graph pretrained = read_model(nn_fixture("moe_pretrained.h5"));
    Graph finetuned = read_model(nn_fixture("moe_finetuned.h5"));
    Node& moe() { return finetuned.nodes[static_cast<std::size_t>(finetuned.find("moe"))]; }
};

double norm(const Tensor& w, int row, std::int64_t d) {
    double s = 0;
    for (std::int64_t i = 0; i < d; ++i) s += std::pow(w.values[static_cast<std::size_t>(row * d + i)], 2);
    return std::sqrt(s);
}

TEST(ExpertPruning, ScoresAreTheRouterRowChangeAndTheSmallestGo) {
    Checkpoints c;
    const Tensor w0 = c.pretrained.nodes[3].param("router_weight"), wt = c.moe().param("router_weight");
    const Tensor fc1 = c.moe().param("fc1_weight");
    const auto reports = prune_experts(c.finetuned, c.pretrained, 0.5);
    ASSERT_EQ(reports.size(), 1u);
    const auto& r = reports[0];
    ASSERT_EQ(r.scores.size(), 8u);
    for (int s = 0; s < 8; ++s) EXPECT_NEAR(r.scores[s], norm(wt, s, 32) - norm(w0, s, 32), 1e-6);
    // The four largest changes stay: every kept score is above every removed one.
    ASSERT_EQ(r.kept.size(), 4u);
    for (int s = 0; s < 8; ++s) {
        const bool kept = std::find(r.kept.begin(), r.kept.end(), s) != r.kept.end();
        for (int k : r.kept)
            if (!kept) {
                EXPECT_LT(r.scores[s], r.scores[k]);
            }
    }
    // E' = 4: router rows and expert weights of the kept experts, in order.
    const Node& n = c.moe();
    EXPECT_EQ(n.experts, 4);
    EXPECT_EQ(n.param("router_weight").shape, (Shape{4, 32}));
    EXPECT_EQ(n.param("fc2_weight").shape, (Shape{4, 32, 64}));
    for (int i = 0; i < 4; ++i)
        for (std::int64_t j = 0; j < 64 * 32; ++j)
            ASSERT_EQ(n.param("fc1_weight").values[static_cast<std::size_t>(i * 64 * 32 + j)],
                      fc1.values[static_cast<std::size_t>(r.kept[static_cast<std::size_t>(i)] * 64 * 32 + j)]);
    c.finetuned.infer();
}

TEST(ExpertPruning, ChangeNormReadingAndTheLargestFirstControl) {
    Checkpoints c, d;
    ExpertPruneOptions o;
    o.score = ExpertScore::kChangeNorm;
    const auto r = prune_experts(c.finetuned, c.pretrained, 0.25, o)[0];
    const Tensor w0 = c.pretrained.nodes[3].param("router_weight");
    const Tensor wt = read_model(nn_fixture("moe_finetuned.h5")).nodes[3].param("router_weight");
    for (int s = 0; s < 8; ++s) {
        double sq = 0;
        for (int i = 0; i < 32; ++i) sq += std::pow(wt.values[s * 32 + i] - w0.values[s * 32 + i], 2);
        EXPECT_NEAR(r.scores[s], std::sqrt(sq), 1e-6);
        EXPECT_GE(r.scores[s], 0);
    }
    EXPECT_EQ(r.kept.size(), 6u);  // floor(0.25 x 8) = 2 removed
    o.largest_first = true;
    const auto control = prune_experts(d.finetuned, d.pretrained, 0.25, o)[0];
    for (int s : control.kept)
        for (int t = 0; t < 8; ++t)
            if (std::find(control.kept.begin(), control.kept.end(), t) == control.kept.end()) {
                EXPECT_LT(control.scores[s], control.scores[t]);
            }
}

TEST(ExpertPruning, ThePrunedLayerComputesWhatTheFullOneDoesWithThoseExpertsNeverChosen) {
    // Pruning = the same network with the removed experts' router logits at -infinity (softmax probability 0, never
    // in the top k) and the capacity of E' experts. Run both on 200 digits: the logits agree to float rounding.
    Checkpoints c;
    Graph full = c.finetuned;
    const auto r = prune_experts(c.finetuned, c.pretrained, 0.5)[0];
    Node& m = full.nodes[3];
    for (int s = 0; s < 8; ++s)
        if (std::find(r.kept.begin(), r.kept.end(), s) == r.kept.end())
            m.param("router_bias").values[static_cast<std::size_t>(s)] = -1e30f;
    m.capacity_factor *= 8.0 / 4.0;  // ceil(k T cf 2 / 8) = ceil(k T cf / 4)
    const Dataset digits = load_dataset("digits-28", "test");
    const Tensor a = forward(full, digits.batch(0, 200)), b = forward(c.finetuned, digits.batch(0, 200));
    double worst = 0;
    for (std::size_t i = 0; i < a.values.size(); ++i)
        worst = std::max<double>(worst, std::abs(a.values[i] - b.values[i]));
    EXPECT_LT(worst, 1e-4);
    // And the pruned network is a different one from the unpruned (the test would pass trivially otherwise).
    const Tensor original = forward(read_model(nn_fixture("moe_finetuned.h5")), digits.batch(0, 200));
    double moved = 0;
    for (std::size_t i = 0; i < a.values.size(); ++i)
        moved = std::max<double>(moved, std::abs(original.values[i] - b.values[i]));
    EXPECT_GT(moved, 1e-2);
}

TEST(ExpertPruning, RefusesBadRatiosAndMismatchedCheckpoints) {
    Checkpoints c;
    EXPECT_THROW(prune_experts(c.finetuned, c.pretrained, 0.0), ModelError);
    EXPECT_THROW(prune_experts(c.finetuned, c.pretrained, 1.0), ModelError);
    try {  // floor(0.8 x 8) = 6 removed leaves 2 = top_k: allowed; 0.9 leaves 1
        prune_experts(c.finetuned, c.pretrained, 0.9);
        ADD_FAILURE() << "0.9 leaves one expert for top-2 routing";
    } catch (const ModelError& e) {
        EXPECT_NE(std::string(e.what()).find("ratio: 0.9 leaves 1 of the 8 experts of 'moe'"), std::string::npos)
            << e.what();
    }
    Graph lenet = read_model(nn_fixture("lenet_300_100.h5"));
    EXPECT_THROW(prune_experts(c.finetuned, lenet, 0.5), ModelError);
    ExpertPruneOptions o;
    o.layers = {"fc"};
    EXPECT_THROW(prune_experts(c.finetuned, c.pretrained, 0.5, o), ModelError);
    Checkpoints ok;
    EXPECT_EQ(prune_experts(ok.finetuned, ok.pretrained, 0.8)[0].kept.size(), 2u);
}

}  // namespace
}  // namespace qdes::nn
