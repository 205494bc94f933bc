#include "models/nn/structured.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <numeric>
#include <random>

#include "models/nn/dataset.h"
#include "models/nn/inference.h"
#include "models/nn/model_file.h"
#include "models/nn/onnx_import.h"
#include "tests/support/test_util.h"

namespace qdes::nn {
namespace {

using testing::nn_fixture;

double max_difference(const Tensor& a, const Tensor& b) {
    EXPECT_EQ(a.shape, b.shape);
    double worst = 0;
    for (std::size_t i = 0; i < a.values.size(); ++i)
        worst = std::max(worst, double(std::abs(a.values[i] - b.values[i])));
    return worst;
}

/// Zeroes the columns of `reader`'s weight that read unit u of the layer before it (block inputs per unit).
void zero_inputs(Node& reader, std::int64_t units, const std::vector<int>& keep) {
    Tensor& w = reader.param("weight");
    const std::int64_t out = w.shape[0], in = w.size() / out, block = in / units;
    for (std::int64_t u = 0; u < units; ++u) {
        if (std::binary_search(keep.begin(), keep.end(), static_cast<int>(u))) continue;
        for (std::int64_t o = 0; o < out; ++o)
            for (std::int64_t x = 0; x < block; ++x) w.values[static_cast<std::size_t>(o * in + u * block + x)] = 0;
    }
}

TEST(UnitSelection, CriteriaRankUnitsAsDefined) {
    // Unit 0: L1 4, L2 2.83; unit 1: L1 3, L2 3; unit 2: L1 1, L2 1; unit 3 far from the others.
    const std::vector<std::vector<double>> u = {{2, 2}, {3, 0}, {1, 0}, {-5, -5}};
    EXPECT_EQ(select_units(u, 2, UnitCriterion::kL1), (std::vector<int>{0, 3}));
    EXPECT_EQ(select_units(u, 3, UnitCriterion::kL1), (std::vector<int>{0, 1, 3}));
    EXPECT_EQ(select_units({{2, 2}, {3, 0}, {1, 0}}, 1, UnitCriterion::kL2), (std::vector<int>{1}));
    // Summed distances to the others: 0: sqrt5 + sqrt5 + sqrt98 = 14.37, 1: sqrt5 + 2 + sqrt89 = 13.67,
    // 2: sqrt5 + 2 + sqrt61 = 12.05, 3: sqrt98 + sqrt89 + sqrt61 = 27.14.
    EXPECT_EQ(select_units(u, 2, UnitCriterion::kGeometricMedian), (std::vector<int>{0, 3}));
    EXPECT_EQ(select_units(u, 3, UnitCriterion::kGeometricMedian), (std::vector<int>{0, 1, 3}));
    EXPECT_EQ(units_kept(300, 0.7), 90);
    EXPECT_EQ(units_kept(100, 0.8), 20);
    EXPECT_EQ(units_kept(3, 0.99), 1);
}

TEST(FilterPruning, LeNetShrinksAndEqualsTheNetworkWithThoseUnitsCutOff) {
    const Graph g = read_model(nn_fixture("lenet_300_100.h5"));
    EXPECT_EQ(shrinkable_layers(g), (std::vector<int>{g.find("fc1"), g.find("fc2")}));
    Graph p = g;
    prune_units(p, 0.6, {});
    const Node& fc1 = p.nodes[static_cast<std::size_t>(p.find("fc1"))];
    const Node& fc2 = p.nodes[static_cast<std::size_t>(p.find("fc2"))];
    const Node& fc3 = p.nodes[static_cast<std::size_t>(p.find("fc3"))];
    EXPECT_EQ(fc1.out_features, 120);
    EXPECT_EQ(fc2.in_features, 120);
    EXPECT_EQ(fc2.out_features, 40);
    EXPECT_EQ(fc3.in_features, 40);
    EXPECT_EQ(p.total_params(), 784 * 120 + 120 + 120 * 40 + 40 + 40 * 10 + 10);

    // Reference: the original network whose next layers ignore the removed units, chosen on the original weights.
    Graph ref = g;
    std::vector<std::vector<int>> keeps;
    for (const char* name : {"fc1", "fc2"}) {
        const Node& layer = g.nodes[static_cast<std::size_t>(g.find(name))];
        std::vector<std::vector<double>> rows;
        for (std::int64_t r = 0; r < layer.out_features; ++r) {
            const auto& w = layer.param("weight").values;
            rows.emplace_back(w.begin() + r * layer.in_features, w.begin() + (r + 1) * layer.in_features);
            rows.back().push_back(layer.param("bias").values[static_cast<std::size_t>(r)]);
        }
        keeps.push_back(
            select_units(rows, static_cast<std::size_t>(units_kept(layer.out_features, 0.6)), UnitCriterion::kL1));
    }
    zero_inputs(ref.nodes[static_cast<std::size_t>(ref.find("fc2"))], 300, keeps[0]);
    zero_inputs(ref.nodes[static_cast<std::size_t>(ref.find("fc3"))], 100, keeps[1]);
    const Tensor x = load_dataset("fashion-mnist", "test").batch(0, 300);
    EXPECT_LT(max_difference(forward(p, x), forward(ref, x)), 1e-4);
}

TEST(FilterPruning, CnnFixUpCrossesBatchNormPoolingAndFlatten) {
    const Graph g = read_model(nn_fixture("fmnist_cnn.h5"));
    const int conv1 = g.find("conv1"), conv2 = g.find("conv2"), fc1 = g.find("fc1");
    EXPECT_EQ(shrinkable_layers(g), (std::vector<int>{conv1, conv2, fc1}));
    const Tensor x = load_dataset("fashion-mnist", "test").batch(0, 100);
    // conv2's filters feed fc1 through BN, ReLU, pooling and a flatten of 32 x 7 x 7.
    Graph p = g, ref = g;
    const std::vector<int> keep = {0, 3, 4, 9, 10, 17, 20, 31};
    shrink_units(p, conv2, UnitMap::pruning(32, keep));
    EXPECT_EQ(p.nodes[static_cast<std::size_t>(conv2)].out_channels, 8);
    EXPECT_EQ(p.nodes[static_cast<std::size_t>(conv2) + 1].param("gamma").size(), 8);
    EXPECT_EQ(p.nodes[static_cast<std::size_t>(fc1)].in_features, 8 * 7 * 7);
    zero_inputs(ref.nodes[static_cast<std::size_t>(fc1)], 32, keep);
    EXPECT_LT(max_difference(forward(p, x), forward(ref, x)), 1e-4);
    // conv1 into conv2: input channels of a 3x3 convolution.
    Graph p1 = g, ref1 = g;
    shrink_units(p1, conv1, UnitMap::pruning(16, {1, 2, 5, 7, 11}));
    EXPECT_EQ(p1.nodes[static_cast<std::size_t>(conv2)].in_channels, 5);
    zero_inputs(ref1.nodes[static_cast<std::size_t>(conv2)], 16, {1, 2, 5, 7, 11});
    EXPECT_LT(max_difference(forward(p1, x), forward(ref1, x)), 1e-4);
}

TEST(FilterPruning, TiedOrFixedWidthLayersAreRefusedWithTheReason) {
    Graph g = read_model(nn_fixture("lenet_300_100.h5"));
    try {
        prune_units(g, 0.5, {UnitCriterion::kL1, {"fc3"}, {}});
        FAIL() << "the classifier was pruned";
    } catch (const ModelError& e) {
        EXPECT_NE(std::string(e.what()).find("fc3: its units reach the network's output"), std::string::npos)
            << e.what();
    }
    EXPECT_THROW(prune_units(g, 0.0, {}), ModelError);
    EXPECT_THROW(prune_units(g, 1.0, {}), ModelError);
    EXPECT_THROW(prune_units(g, 0.5, {UnitCriterion::kL1, {"nope"}, {}}), ModelError);
    EXPECT_THROW(unit_criterion_from_name("l3"), ModelError);
    // ResNet-18: only each basic block's first convolution can shrink on its own; the others feed residual adds.
    const Graph resnet = import_onnx(nn_fixture("resnet18.onnx"), {true, 1});
    const auto ok = shrinkable_layers(resnet);
    EXPECT_EQ(ok.size(), 8u);
    for (int i : ok) EXPECT_EQ(resnet.consumers(resnet.consumers(i)[0]).size(), 1u);
    // MobileNetV2: a depthwise convolution is refused by name.
    const Graph mobilenet = import_onnx(nn_fixture("mobilenet_v2.onnx"), {true, 1});
    for (std::size_t i = 0; i < mobilenet.nodes.size(); ++i) {
        if (mobilenet.nodes[i].op != Op::kConv || mobilenet.nodes[i].groups == 1) continue;
        Graph m = mobilenet;
        try {
            prune_units(m, 0.5, {UnitCriterion::kL1, {mobilenet.nodes[i].name}, {}});
            FAIL();
        } catch (const ModelError& e) {
            EXPECT_NE(std::string(e.what()).find("depthwise"), std::string::npos) << e.what();
        }
        break;
    }
}

TEST(FilterPruning, MobileNetV2ExpansionShrinksThroughItsDepthwiseConvolution) {
    const Graph g = import_onnx(nn_fixture("mobilenet_v2.onnx"), {true, 1});
    // The stem, 16 expansion convolutions, the projections of features.1 and features.17 (no residual add reads
    // them) and the last 1x1 convolution; the other projections feed residual adds.
    const auto ok = shrinkable_layers(g);
    EXPECT_EQ(ok.size(), 20u);
    // features.2's expansion (16 -> 96) feeds ReLU6, the 3x3 depthwise convolution (with a bias), ReLU6 and the
    // projection. Removing half its filters removes those channels of the depthwise convolution too, and equals the
    // network whose projection ignores them (the depthwise bias of a removed channel must not leak through).
    const int expand = ok.at(2);
    const Node& e = g.nodes[static_cast<std::size_t>(expand)];
    ASSERT_EQ(e.out_channels, 96);
    std::vector<int> keep;
    for (int u = 0; u < 96; u += 2) keep.push_back(u);
    Graph p = g, ref = g;
    shrink_units(p, expand, UnitMap::pruning(96, keep));
    int dw = expand, project = -1;
    while (p.nodes[static_cast<std::size_t>(dw)].op != Op::kConv || dw == expand) dw = p.consumers(dw).at(0);
    project = dw;
    do project = p.consumers(project).at(0);
    while (p.nodes[static_cast<std::size_t>(project)].op != Op::kConv);
    const Node& d = p.nodes[static_cast<std::size_t>(dw)];
    EXPECT_EQ(d.groups, 48);
    EXPECT_EQ(d.in_channels, 48);
    EXPECT_EQ(d.param("weight").shape, (Shape{48, 1, 3, 3}));
    EXPECT_EQ(p.nodes[static_cast<std::size_t>(project)].in_channels, 48);
    zero_inputs(ref.nodes[static_cast<std::size_t>(project)], 96, keep);
    std::mt19937 rng(11);
    std::normal_distribution<float> normal;
    Tensor x({1, 3, 224, 224});
    for (float& v : x.values) v = normal(rng);
    const Tensor y = forward(ref, x);
    double scale = 0;
    for (float v : y.values) scale = std::max(scale, double(std::abs(v)));
    EXPECT_LT(max_difference(forward(p, x), y), 1e-5 * scale);
    EXPECT_EQ(g.total_macs() - p.total_macs(), 48 * (112 * 112 * 16 + 56 * 56 * 9 + 56 * 56 * 24));
    // Merging through a depthwise convolution is refused: each channel has its own kernel there.
    Graph m = g;
    MergeOptions mo;
    mo.selection.layers = {e.name};
    try {
        merge_units(m, 0.5, mo);
        FAIL() << "merged through a depthwise convolution";
    } catch (const ModelError& err) {
        EXPECT_NE(std::string(err.what()).find("depthwise"), std::string::npos) << err.what();
    }
}

TEST(FilterPruning, RatioForMacsIsTheSmallestRatioMeetingTheTarget) {
    // LeNet-300-100 keeping k1 = round(300 (1 - r)) and k2 = round(100 (1 - r)) units has 784 k1 + k1 k2 + 10 k2 MACs.
    const Graph g = read_model(nn_fixture("lenet_300_100.h5"));
    const auto macs = [](double r) {
        const double k1 = double(units_kept(300, r)), k2 = double(units_kept(100, r));
        return 784 * k1 + k1 * k2 + 10 * k2;
    };
    ASSERT_EQ(g.total_macs(), 266200);
    for (double f : {0.1, 0.5, 0.75, 0.9}) {
        const double r = ratio_for_macs(g, f, {});
        EXPECT_LE(macs(r), (1 - f) * 266200) << f;
        EXPECT_GT(macs(r - 2e-9), (1 - f) * 266200) << f;
        Graph p = g;
        prune_units(p, r, {});
        EXPECT_EQ(double(p.total_macs()), macs(r)) << f;
        EXPECT_EQ(p.nodes[static_cast<std::size_t>(p.find("fc1"))].out_features, units_kept(300, r)) << f;
    }
    // One unit per layer leaves 784 + 1 + 10 MACs: 99.70% is the most that can go.
    try {
        ratio_for_macs(g, 0.999, {});
        FAIL();
    } catch (const ModelError& e) {
        EXPECT_NE(std::string(e.what()).find("at one unit each, 99.7014% go"), std::string::npos) << e.what();
    }
    EXPECT_THROW(ratio_for_macs(g, 0.0, {}), ModelError);
    EXPECT_THROW(ratio_for_macs(g, 1.0, {}), ModelError);
    // ResNet-18 to half its 1.814 GMAC through the 8 first convolutions of its basic blocks.
    const Graph resnet = import_onnx(nn_fixture("resnet18.onnx"), {true, 1});
    const double r = ratio_for_macs(resnet, 0.5, {});
    Graph half = resnet;
    prune_units(half, r, {});
    EXPECT_LE(2 * half.total_macs(), resnet.total_macs());
    EXPECT_GT(r, 0.5);
    EXPECT_LT(r, 0.6);
}

TEST(NeuronMerging, ScaledDuplicateNeuronMergesWithNoChange) {
    Graph g = read_model(nn_fixture("lenet_300_100.h5"));
    Node& fc1 = g.nodes[static_cast<std::size_t>(g.find("fc1"))];
    const Tensor x = load_dataset("fashion-mnist", "test").batch(0, 500);
    // The source: the hidden unit with the largest summed output (one that is not dead).
    std::vector<double> activity(300, 0.0);
    ForwardOptions watch;
    watch.observe = [&](int node, const Tensor& out) {
        if (node != g.find("relu1")) return;
        for (std::size_t i = 0; i < out.values.size(); ++i) activity[i % 300] += out.values[i];
    };
    forward(g, x, watch);
    const auto src = static_cast<std::int64_t>(std::max_element(activity.begin(), activity.end()) - activity.begin());
    // Another unit, dup, becomes 1.7 x that unit, bias included: relu(1.7 z) = 1.7 relu(z).
    const std::int64_t dup = src == 7 ? 11 : 7;
    for (std::int64_t i = 0; i < 784; ++i)
        fc1.param("weight").values[static_cast<std::size_t>(dup * 784 + i)] =
            1.7f * fc1.param("weight").values[static_cast<std::size_t>(src * 784 + i)];
    fc1.param("bias").values[static_cast<std::size_t>(dup)] =
        1.7f * fc1.param("bias").values[static_cast<std::size_t>(src)];
    std::vector<int> keep(300);
    std::iota(keep.begin(), keep.end(), 0);
    keep.erase(keep.begin() + dup);
    const UnitMap map = merge_map(g, g.find("fc1"), keep, {});
    EXPECT_EQ(map.target[static_cast<std::size_t>(dup)], src < dup ? src : src - 1);
    EXPECT_NEAR(map.scale[static_cast<std::size_t>(dup)], 1.7, 1e-5);
    Graph merged = g;
    shrink_units(merged, g.find("fc1"), map);
    Graph pruned = g;
    shrink_units(pruned, g.find("fc1"), UnitMap::pruning(300, keep));
    const Tensor y = forward(g, x);
    EXPECT_LT(max_difference(forward(merged, x), y), 1e-4);
    EXPECT_GT(max_difference(forward(pruned, x), y), 1e-2);  // pruning alone loses the unit
}

/// The CNN with conv1's filter 5 replaced by 2.5 x filter 2 and batch-norm statistics that a scaled copy would have
/// (mean and sigma scaled by 2.5) and gamma, beta scaled by k: its BN output is then exactly k x channel 2's.
Graph cnn_with_duplicate_filter(double k) {
    Graph g = read_model(nn_fixture("fmnist_cnn.h5"));
    Node& conv = g.nodes[static_cast<std::size_t>(g.find("conv1"))];
    Node& bn = g.nodes[static_cast<std::size_t>(g.find("bn1"))];
    const std::int64_t per = conv.param("weight").size() / 16;
    for (std::int64_t i = 0; i < per; ++i)
        conv.param("weight").values[static_cast<std::size_t>(5 * per + i)] =
            2.5f * conv.param("weight").values[static_cast<std::size_t>(2 * per + i)];
    auto& P = bn.params;
    P["mean"].values[5] = static_cast<float>(2.5 * P["mean"].values[2]);
    const double sigma2 = std::sqrt(double(P["var"].values[2]) + bn.eps);
    P["var"].values[5] = static_cast<float>(std::pow(2.5 * sigma2, 2) - bn.eps);
    P["gamma"].values[5] = static_cast<float>(k * P["gamma"].values[2]);
    P["beta"].values[5] = static_cast<float>(k * P["beta"].values[2]);
    return g;
}

TEST(NeuronMerging, ScaledDuplicateFilterWithBatchNormMergesWithNoChange) {
    const Graph g = cnn_with_duplicate_filter(0.6);
    const int conv1 = g.find("conv1");
    std::vector<int> keep(16);
    std::iota(keep.begin(), keep.end(), 0);
    keep.erase(keep.begin() + 5);
    const UnitMap map = merge_map(g, conv1, keep, {});
    ASSERT_EQ(map.target[5], 2);
    EXPECT_NEAR(map.scale[5], 0.6, 1e-5);  // S = k
    Graph merged = g;
    shrink_units(merged, conv1, map);
    const Tensor x = load_dataset("fashion-mnist", "test").batch(0, 200);
    const Tensor y = forward(g, x);
    EXPECT_LT(max_difference(forward(merged, x), y), 2e-4);

    // The public code's rule (inverted gamma/sigma ratio, variance for sigma) gives another scale and a change.
    MergeOptions paper;
    paper.bn_rule = MergeBnRule::kPaperCode;
    const UnitMap pm = merge_map(g, conv1, keep, paper);
    ASSERT_EQ(pm.target[5], 2);
    EXPECT_GT(std::abs(pm.scale[5] - 0.6), 0.5);
    Graph paper_merged = g;
    shrink_units(paper_merged, conv1, pm);
    EXPECT_GT(max_difference(forward(paper_merged, x), y), 1e-2);
}

/// Accuracy on the Fashion-MNIST test set.
double accuracy(const Graph& g, const Dataset& test) {
    return static_cast<double>(count_correct(g, test.samples, test.labels)) / static_cast<double>(test.size());
}

TEST(NeuronMerging, LeNetMergeBeatsPruneAndTheGapWidensWithTheRatio) {
    // The paper's LeNet-300-100 / Fashion-MNIST setting: l1 criterion on [w | b], cosine threshold 0.45, no
    // fine-tuning; its table (baseline 89.80%): prune / merge 88.40 / 88.69 at 50%, 85.17 / 86.92 at 60%,
    // 71.26 / 82.75 at 70%, 66.76 / 80.02 at 80%.
    const Graph g = read_model(nn_fixture("lenet_300_100.h5"));
    const Dataset test = load_dataset("fashion-mnist", "test");
    MergeOptions merge;
    merge.threshold = 0.45;
    std::vector<double> gap;
    for (double ratio : {0.5, 0.6, 0.7, 0.8}) {
        Graph p = g, m = g;
        prune_units(p, ratio, {});
        merge_units(m, ratio, merge);
        EXPECT_EQ(p.total_params(), m.total_params());
        const double ap = accuracy(p, test), am = accuracy(m, test);
        std::printf("ratio %.1f: prune %.2f%%, merge %.2f%%\n", ratio, 100 * ap, 100 * am);
        gap.push_back(am - ap);
    }
    // Two accuracies over the same 10 000 images: a paired difference's standard error is below 0.3%.
    EXPECT_GT(gap[2], 0.01);  // at 70% and 80%, merging keeps >1% more (over 3 standard errors)
    EXPECT_GT(gap[3], 0.01);
    EXPECT_GT(gap[3], gap[0]);  // the gap widens from 50% to 80%
}

}  // namespace
}  // namespace qdes::nn
