#include "models/nn/inference.h"

#include <gtest/gtest.h>

#include <cmath>
#include <random>

#include "models/nn/dataset.h"
#include "models/nn/model_file.h"
#include "tests/support/test_util.h"

namespace qdes::nn {
namespace {

using testing::nn_fixture;

Tensor random_tensor(Shape shape, std::mt19937& rng) {
    Tensor t(std::move(shape));
    std::normal_distribution<float> g(0.0f, 1.0f);
    for (float& v : t.values) v = g(rng);
    return t;
}

/// Direct convolution, the textbook sum, as the reference for the im2col kernel.
float direct_conv(const Node& n, const Tensor& x, std::int64_t s, std::int64_t k, std::int64_t p, std::int64_t q) {
    const std::int64_t C = x.shape[1], H = x.shape[2], W = x.shape[3], Cg = C / n.groups,
                       Kg = n.out_channels / n.groups;
    const std::int64_t g = k / Kg;
    double acc = n.has("bias") ? n.param("bias").values[static_cast<std::size_t>(k)] : 0.0;
    for (std::int64_t c = 0; c < Cg; ++c)
        for (std::int64_t r = 0; r < n.kernel_h; ++r)
            for (std::int64_t t = 0; t < n.kernel_w; ++t) {
                const std::int64_t h = p * n.stride_h - n.pad_h + r, v = q * n.stride_w - n.pad_w + t;
                if (h < 0 || h >= H || v < 0 || v >= W) continue;
                acc += static_cast<double>(
                           n.param("weight")
                               .values[static_cast<std::size_t>(((k * Cg + c) * n.kernel_h + r) * n.kernel_w + t)]) *
                       x.values[static_cast<std::size_t>(((s * C + g * Cg + c) * H + h) * W + v)];
            }
    return static_cast<float>(acc);
}

TEST(Conv, MatchesTheDirectSumWithGroupsStridesAndPadding) {
    std::mt19937 rng(7);
    for (auto [C, K, groups, R, stride, pad] : std::vector<std::array<std::int64_t, 6>>{
             {3, 8, 1, 3, 1, 1}, {6, 6, 6, 3, 2, 1}, {4, 6, 2, 5, 2, 2}, {2, 3, 1, 1, 1, 0}}) {
        Node n;
        n.name = "c";
        n.op = Op::kConv;
        n.in_channels = C;
        n.out_channels = K;
        n.groups = groups;
        n.kernel_h = n.kernel_w = R;
        n.stride_h = n.stride_w = stride;
        n.pad_h = n.pad_w = pad;
        n.params["weight"] = random_tensor({K, C / groups, R, R}, rng);
        n.params["bias"] = random_tensor({K}, rng);
        const Tensor x = random_tensor({2, C, 9, 7}, rng);
        const Tensor y = run_node(n, {&x});
        ASSERT_EQ(y.shape[1], K);
        double worst = 0;
        for (std::int64_t s = 0; s < 2; ++s)
            for (std::int64_t k = 0; k < K; ++k)
                for (std::int64_t p = 0; p < y.shape[2]; ++p)
                    for (std::int64_t q = 0; q < y.shape[3]; ++q)
                        worst = std::max<double>(
                            worst,
                            std::abs(
                                y.values[static_cast<std::size_t>(((s * K + k) * y.shape[2] + p) * y.shape[3] + q)] -
                                direct_conv(n, x, s, k, p, q)));
        EXPECT_LT(worst, 1e-4) << "C=" << C << " K=" << K << " groups=" << groups;
    }
}

TEST(Pool, MaxIgnoresPaddingAndAverageCountsItAsAsked) {
    Node n;
    n.name = "p";
    n.op = Op::kMaxPool;
    n.pool_kernel = 3;
    n.pool_stride = 2;
    n.pool_pad = 1;
    Tensor x({1, 1, 2, 2});
    x.values = {-1, -2, -3, -4};
    EXPECT_EQ(run_node(n, {&x}).values, std::vector<float>{-1});  // padding is not a zero that wins
    n.op = Op::kAvgPool;
    EXPECT_FLOAT_EQ(run_node(n, {&x}).values[0], -10.0f / 9.0f);
    n.count_include_pad = false;
    EXPECT_FLOAT_EQ(run_node(n, {&x}).values[0], -10.0f / 4.0f);
}

TEST(Moe, RoutesTopKWithCapacityInTokenOrderFirstChoicesFirst) {
    // Two experts, identity-like router: token t prefers expert 0 when its first feature is larger. Capacity
    // ceil(1 * 4 * 0.5 / 2) = 1 token per expert and top-1: the first token of each preference is served.
    Node n;
    n.name = "moe";
    n.op = Op::kMoe;
    n.d_model = 2;
    n.d_ff = 1;
    n.experts = 2;
    n.top_k = 1;
    n.capacity_factor = 0.5;
    n.params["router_weight"] = Tensor({2, 2});
    n.params["router_weight"].values = {10, 0, 0, 10};
    // Expert e: fc1 picks feature e, fc2 writes it to output feature e, times (e + 1).
    n.params["fc1_weight"] = Tensor({2, 1, 2});
    n.params["fc1_weight"].values = {1, 0, 0, 1};
    n.params["fc2_weight"] = Tensor({2, 2, 1});
    n.params["fc2_weight"].values = {1, 0, 0, 2};
    Tensor x({1, 4, 2});
    x.values = {3, 0, 0, 4, 5, 0, 0, 6};  // prefers 0, 1, 0, 1
    RoutingStats stats;
    const Tensor y = run_node(n, {&x}, &stats);
    EXPECT_EQ(y.values, (std::vector<float>{3, 0, 0, 8, 0, 0, 0, 0}));  // top-1 gates renormalise to 1
    EXPECT_EQ(stats.accepted, (std::vector<std::int64_t>{1, 1}));
    EXPECT_EQ(stats.dropped, 2);
    EXPECT_EQ(stats.tokens, 4);
}

TEST(Dataset, FashionMnistTestSetHasTenThousandBalancedImages) {
    const Dataset d = load_fashion_mnist("test");
    ASSERT_EQ(d.size(), 10000);
    EXPECT_EQ(d.sample_shape(), (Shape{1, 28, 28}));
    std::vector<int> count(10);
    for (int y : d.labels) ++count[static_cast<std::size_t>(y)];
    for (int c : count) EXPECT_EQ(c, 1000);  // the published test set has 1000 images per class
    const auto [lo, hi] = std::minmax_element(d.samples.values.begin(), d.samples.values.end());
    EXPECT_EQ(*lo, 0.0f);
    EXPECT_EQ(*hi, 1.0f);
}

TEST(Dataset, DigitsSplitAndUpscaling) {
    const Dataset test = load_digits("test"), train = load_digits("train");
    EXPECT_EQ(test.size(), 537);
    EXPECT_EQ(train.size(), 1260);
    const Dataset big = digits_as_28(test);
    EXPECT_EQ(big.sample_shape(), (Shape{1, 28, 28}));
    // Pixel (r, c) of the 8x8 image fills rows 2 + 3r .. 4 + 3r; the border stays zero.
    for (int r = 0; r < 8; ++r)
        for (int c = 0; c < 8; ++c)
            EXPECT_EQ(big.samples.values[static_cast<std::size_t>((2 + 3 * r + 1) * 28 + 2 + 3 * c + 2)],
                      test.samples.values[static_cast<std::size_t>(r * 8 + c)]);
    EXPECT_EQ(big.samples.values[0], 0.0f);
    EXPECT_THROW(load_dataset("mnist", "test"), DatasetError);
    EXPECT_THROW(load_dataset("digits", "validation"), DatasetError);
}

/// Runs a fixture on its test set and compares with the logits PyTorch wrote when it trained the model.
void expect_reproduces_pytorch(const std::string& file, const Dataset& data) {
    const Graph g = read_model(nn_fixture(file));
    const auto ref = read_reference(nn_fixture(file));
    ASSERT_TRUE(ref.has_value());
    ASSERT_EQ(ref->logits.shape[0], data.size());
    double worst = 0;
    std::int64_t correct = 0;
    for (std::int64_t first = 0; first < data.size(); first += 500) {
        const Tensor batch = data.batch(first, 500);
        const Tensor logits = forward(g, batch);
        const std::int64_t k = logits.shape[1];
        for (std::int64_t i = 0; i < logits.size(); ++i)
            worst = std::max<double>(worst, std::abs(logits.values[static_cast<std::size_t>(i)] -
                                                     ref->logits.values[static_cast<std::size_t>(first * k + i)]));
        const auto pred = argmax_rows(logits);
        for (std::size_t i = 0; i < pred.size(); ++i)
            correct += pred[i] == data.labels[static_cast<std::size_t>(first) + i];
    }
    EXPECT_LT(worst, 1e-4) << file << ": largest logit difference from PyTorch";
    EXPECT_NEAR(static_cast<double>(correct) / static_cast<double>(data.size()), ref->top1, 0.5 / data.size()) << file;
}

TEST(Fixtures, DigitsMlpReproducesPyTorchLogits) {
    expect_reproduces_pytorch("digits_mlp.h5", load_digits("test"));
}

TEST(Fixtures, LeNet300100ReproducesPyTorchLogits) {
    expect_reproduces_pytorch("lenet_300_100.h5", load_fashion_mnist("test"));
}

TEST(Fixtures, FashionCnnWithBatchNormReproducesPyTorchLogits) {
    expect_reproduces_pytorch("fmnist_cnn.h5", load_fashion_mnist("test"));
}

TEST(Fixtures, MixtureOfExpertsReproducesPyTorchLogitsBeforeAndAfterFineTuning) {
    expect_reproduces_pytorch("moe_pretrained.h5", load_fashion_mnist("test"));
    expect_reproduces_pytorch("moe_finetuned.h5", digits_as_28(load_digits("test")));
}

TEST(Fixtures, MacAndParameterCountsFollowFromTheShapes) {
    // LeNet-300-100: 784*300 + 300*100 + 100*10 MACs; parameters add the biases.
    const Graph lenet = read_model(nn_fixture("lenet_300_100.h5"));
    EXPECT_EQ(lenet.total_macs(), 784 * 300 + 300 * 100 + 100 * 10);
    EXPECT_EQ(lenet.total_params(), 784 * 300 + 300 + 300 * 100 + 100 + 100 * 10 + 10);
    // The CNN: conv1 16*28*28*9, conv2 32*14*14*16*9, fc1 1568*64, fc2 64*10.
    const Graph cnn = read_model(nn_fixture("fmnist_cnn.h5"));
    EXPECT_EQ(cnn.total_macs(), 16 * 28 * 28 * 9 + 32 * 14 * 14 * 16 * 9 + 1568 * 64 + 64 * 10);
}

}  // namespace
}  // namespace qdes::nn
