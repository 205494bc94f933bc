#include "protocols/inference/network.h"

#include <gtest/gtest.h>

#include "models/nn/dataset.h"
#include "models/nn/model_file.h"
#include "models/nn/onnx_import.h"
#include "models/nn/prune.h"
#include "tests/support/test_util.h"

namespace qdes::inference {
namespace {

using testing::nn_fixture;

std::uint64_t total_macs(const std::vector<accel::GemmOp>& ops) {
    std::uint64_t n = 0;
    for (const auto& op : ops) n += op.macs();
    return n;
}

TEST(GraphLowering, ResNet18GemmsCarryEveryMac) {
    const nn::Graph g = nn::import_onnx(nn_fixture("resnet18.onnx"));
    GraphLoweringOptions o;
    const auto ops = gemms_of(lower_graph(g, o));
    ASSERT_EQ(ops.size(), 21u);  // 20 convolutions and the classifier
    EXPECT_EQ(total_macs(ops), 1'814'073'344u);
    EXPECT_EQ(ops[0].M, 112u * 112u);
    EXPECT_EQ(ops[0].N, 64u);
    EXPECT_EQ(ops[0].K, 7u * 7u * 3u);
    EXPECT_EQ(ops[0].input_elements, 3u * 224u * 224u);
    EXPECT_EQ(ops.back().M, 1u);
    EXPECT_EQ(ops.back().N, 1000u);
    o.batch = 4;
    EXPECT_EQ(total_macs(gemms_of(lower_graph(g, o))), 4ull * 1'814'073'344ull);
}

TEST(GraphLowering, DepthwiseConvolutionsBecomeOneGemmPerChannel) {
    const nn::Graph g = nn::import_onnx(nn_fixture("mobilenet_v2.onnx"));
    const auto ops = gemms_of(lower_graph(g, {}));
    EXPECT_EQ(total_macs(ops), 300'774'272u);
    const auto& dw = ops[1];  // features.1's depthwise 3x3 over 32 channels at 112x112
    EXPECT_EQ(dw.groups, 32u);
    EXPECT_EQ(dw.N, 1u);
    EXPECT_EQ(dw.K, 9u);
    EXPECT_EQ(dw.M, 112u * 112u);
}

TEST(GraphLowering, PrunedWeightsArriveAsNmOrUnstructuredSparsity) {
    nn::Graph g = nn::read_model(nn_fixture("lenet_300_100.h5"));
    nn::prune_nm(g, 2, 4, {"fc3"});
    nn::prune_magnitude(g, 0.9, nn::PruneScope::kLayer, {"fc1", "fc2"});
    GraphLoweringOptions o;
    o.precision.weight_bits = 4;
    const auto ops = gemms_of(lower_graph(g, o));
    ASSERT_EQ(ops.size(), 3u);
    EXPECT_EQ(ops[0].sparsity.kind, accel::Sparsity::Kind::kNM);
    EXPECT_EQ(ops[0].sparsity.n, 2u);
    EXPECT_EQ(ops[0].sparsity.m, 4u);
    EXPECT_EQ(ops[2].sparsity.kind, accel::Sparsity::Kind::kUnstructured);
    EXPECT_NEAR(ops[2].sparsity.density, 0.1, 1e-9);
    EXPECT_EQ(ops[2].precision.weight_bits, 4u);
    g.nodes[static_cast<std::size_t>(g.find("fc2"))].weight_bits = 3;
    EXPECT_EQ(gemms_of(lower_graph(g, o))[1].precision.weight_bits, 3u);
}

TEST(GraphLowering, ExpertGemmsAreSizedByTheMeasuredRoutingHistogram) {
    const nn::Graph g = nn::read_model(nn_fixture("moe_pretrained.h5"));
    const nn::Dataset test =
        nn::load_fashion_mnist("test").subset({0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15});
    std::map<int, nn::RoutingStats> routing;
    nn::ForwardOptions f;
    f.routing = &routing;
    nn::forward(g, test.samples, f);
    const int moe = g.find("moe");
    const auto& stats = routing.at(moe);
    EXPECT_EQ(stats.tokens, 16 * 49);
    std::int64_t accepted = 0;
    for (auto a : stats.accepted) accepted += a;
    EXPECT_EQ(accepted + stats.dropped, 2 * 16 * 49);  // top-2: every token asks two experts
    GraphLoweringOptions o;
    o.batch = 16;
    o.routing = &routing;
    std::uint64_t expert_rows = 0;
    for (const auto& l : lower_graph(g, o))
        if (l.weight == "fc1_weight") expert_rows += l.op.M;
    EXPECT_EQ(static_cast<std::int64_t>(expert_rows), accepted);
    // Without a measurement every expert runs at its capacity, ceil(2 x 49 x 1.25 / 8) = 16 tokens per sample.
    o.routing = nullptr;
    o.batch = 1;
    for (const auto& l : lower_graph(g, o))
        if (l.weight == "fc1_weight") {
            EXPECT_EQ(l.op.M, 16u);
        }
}

}  // namespace
}  // namespace qdes::inference
