#include "models/nn/train.h"

#include <gtest/gtest.h>

#include <cmath>
#include <random>
#include <set>

#include "models/nn/dataset.h"
#include "models/nn/inference.h"
#include "models/nn/model_file.h"
#include "sim/h5.h"
#include "tests/support/test_util.h"

namespace qdes::nn {
namespace {

using testing::nn_fixture;

Tensor random_tensor(Shape shape, std::mt19937& rng, float sigma = 1.0f) {
    Tensor t(std::move(shape));
    std::normal_distribution<float> g(0.0f, sigma);
    for (float& v : t.values) v = g(rng);
    return t;
}

Node conv_node(const std::string& name, std::int64_t C, std::int64_t K, std::int64_t groups, std::int64_t stride,
               std::mt19937& rng) {
    Node n;
    n.name = name;
    n.op = Op::kConv;
    n.in_channels = C;
    n.out_channels = K;
    n.groups = groups;
    n.kernel_h = n.kernel_w = 3;
    n.stride_h = n.stride_w = stride;
    n.pad_h = n.pad_w = 1;
    n.params["weight"] = random_tensor({K, C / groups, 3, 3}, rng, 0.4f);
    n.params["bias"] = random_tensor({K}, rng, 0.1f);
    return n;
}

Node simple(const std::string& name, Op op, std::vector<int> inputs = {}) {
    Node n;
    n.name = name;
    n.op = op;
    n.inputs = std::move(inputs);
    return n;
}

Node linear_node(const std::string& name, std::int64_t in, std::int64_t out, std::mt19937& rng) {
    Node n = simple(name, Op::kLinear);
    n.in_features = in;
    n.out_features = out;
    n.params["weight"] = random_tensor({out, in}, rng, 0.3f);
    n.params["bias"] = random_tensor({out}, rng, 0.1f);
    return n;
}

/// Every operator the trainer handles, with batch norm, a grouped strided conv, a residual add, both poolings,
/// a clip, tokens with a per-token linear layer, and a last softmax.
Graph every_operator_graph(std::mt19937& rng) {
    Graph g;
    g.name = "every_operator";
    g.input_shape = {2, 8, 8};
    g.nodes.push_back(conv_node("conv1", 2, 4, 1, 1, rng));  // 0: [4, 8, 8]
    Node bn = simple("bn", Op::kBatchNorm);                  // 1
    bn.params["gamma"] = random_tensor({4}, rng, 0.5f);
    for (float& v : bn.params["gamma"].values) v += 1.0f;
    bn.params["beta"] = random_tensor({4}, rng, 0.2f);
    bn.params["mean"] = random_tensor({4}, rng, 0.2f);
    bn.params["var"] = Tensor({4}, 1.5f);
    g.nodes.push_back(bn);
    Node clip = simple("clip", Op::kClip);  // 2
    clip.clip_min = -0.5;
    clip.clip_max = 1.5;
    g.nodes.push_back(clip);
    Node maxpool = simple("maxpool", Op::kMaxPool);  // 3: [4, 4, 4]
    g.nodes.push_back(maxpool);
    g.nodes.push_back(conv_node("conv2", 4, 4, 2, 1, rng));  // 4
    g.nodes.push_back(simple("add", Op::kAdd, {4, 3}));      // 5
    g.nodes.push_back(simple("relu", Op::kRelu));            // 6
    Node avg = simple("avgpool", Op::kAvgPool);              // 7: [4, 2, 2] with padding counted out
    avg.pool_kernel = 3;
    avg.pool_stride = 2;
    avg.pool_pad = 1;
    avg.count_include_pad = false;
    g.nodes.push_back(avg);
    g.nodes.push_back(simple("tokens", Op::kTokens));        // 8: [4 tokens, 4]
    g.nodes.push_back(linear_node("per_token", 4, 3, rng));  // 9: [4, 3]
    g.nodes.push_back(simple("flatten", Op::kFlatten));      // 10: [12]
    g.nodes.push_back(linear_node("fc", 12, 5, rng));        // 11
    g.nodes.push_back(simple("softmax", Op::kSoftmax));      // 12
    g.infer();
    return g;
}

/// Central differences of the loss against the analytic gradient, on every weight of every node. The forward is
/// float: with a step of 2e-3 the rounding of the loss adds about 5e-5 to the difference quotient, and the tolerance
/// is 1e-3 + 3% of the value. (A step of 1e-2 crosses ReLU, clip and max-pool kinks on a few weights.)
void expect_gradients_match(Graph g, const Tensor& batch, const std::vector<int>& labels, bool bn_training) {
    const LossGradients lg = loss_gradients(g, batch, labels, {.batchnorm_training = bn_training});
    const double h = 2e-3;
    int checked = 0;
    for (const auto& [i, roles] : lg.grads)
        for (const auto& [role, grad] : roles) {
            Tensor& w = g.nodes[static_cast<std::size_t>(i)].param(role);
            for (std::size_t k = 0; k < w.values.size(); ++k) {
                const float keep = w.values[k];
                w.values[k] = static_cast<float>(keep + h);
                const double up = mean_loss(g, batch, labels, {.batchnorm_training = bn_training});
                w.values[k] = static_cast<float>(keep - h);
                const double down = mean_loss(g, batch, labels, {.batchnorm_training = bn_training});
                w.values[k] = keep;
                const double numeric = (up - down) / (2 * h);
                EXPECT_NEAR(grad.values[k], numeric, 1e-3 + 0.03 * std::abs(numeric))
                    << g.nodes[static_cast<std::size_t>(i)].name << "." << role << "[" << k << "]";
                ++checked;
            }
        }
    EXPECT_EQ(checked, 240);  // conv1 76, bn 8, conv2 76, per_token 15, fc 65
}

TEST(Train, GradientsMatchFiniteDifferencesOnEveryOperator) {
    std::mt19937 rng(5);
    const Graph g = every_operator_graph(rng);
    const Tensor batch = random_tensor({6, 2, 8, 8}, rng);
    const std::vector<int> labels{0, 1, 2, 3, 4, 2};
    // Batch norm in training mode (batch statistics, differentiated through) and in evaluation mode.
    expect_gradients_match(g, batch, labels, true);
    expect_gradients_match(g, batch, labels, false);
    // Every weighted node got a gradient.
    const LossGradients lg = loss_gradients(g, batch, labels);
    EXPECT_EQ(lg.grads.size(), 5u);
    EXPECT_EQ(lg.batch_stats.size(), 1u);
}

TEST(Train, FourSgdStepsReproducePyTorch) {
    // scripts/make_trainer_reference.py: 4 steps of SGD (lr 0.1, momentum 0.9, weight decay 1e-3) on fixed batches
    // of 16, batch norm in training mode. Weights and running statistics must agree to float rounding.
    Graph g = read_model(nn_fixture("trainer_initial.h5"));
    const Graph expected = read_model(nn_fixture("trainer_final.h5"));
    const h5::Handle file = h5::open_file_read(nn_fixture("trainer_initial.h5"));
    const h5::Handle ref = h5::open_group(file.id(), "reference");
    const auto x = h5::read_float_array(ref.id(), "train_x");
    const auto y = h5::read_float_array(ref.id(), "train_y");
    const auto losses = h5::read_float_array(ref.id(), "losses");
    const auto batch = static_cast<std::int64_t>(h5::read_number_attribute(ref.id(), "batch"));
    Sgd sgd(h5::read_number_attribute(ref.id(), "momentum"), h5::read_number_attribute(ref.id(), "weight_decay"));
    const double lr = h5::read_number_attribute(ref.id(), "lr");
    const std::int64_t per = 64;
    for (std::size_t step = 0; step < losses.values.size(); ++step) {
        Tensor b({batch, 1, 8, 8});
        std::copy_n(x.values.begin() + static_cast<std::ptrdiff_t>(step) * batch * per, batch * per, b.values.begin());
        std::vector<int> labels;
        for (std::int64_t i = 0; i < batch; ++i)
            labels.push_back(static_cast<int>(y.values[step * static_cast<std::size_t>(batch) + i]));
        const LossGradients lg = loss_gradients(g, b, labels);
        EXPECT_NEAR(lg.loss, losses.values[step], 1e-5) << "step " << step;
        update_running_stats(g, lg.batch_stats);
        sgd.step(g, lg.grads, lr);
    }
    double worst = 0;
    for (std::size_t i = 0; i < g.nodes.size(); ++i)
        for (const auto& [role, t] : g.nodes[i].params)
            for (std::size_t k = 0; k < t.values.size(); ++k)
                worst = std::max<double>(worst, std::abs(t.values[k] - expected.nodes[i].param(role).values[k]));
    EXPECT_LT(worst, 2e-5);
    EXPECT_GT(worst, 0.0);  // the reference moved the running statistics in float, so a bit-exact match is luck
}

TEST(Train, LearnsTheDigitsFromScratchAndKeepsMaskedWeightsAtZero) {
    // The fixture architecture (64-128-64-10) from PyTorch's initialisation; 15 epochs of SGD reach the fixture's
    // accuracy (96.65% after 60 epochs in PyTorch) within 3 points on the 537 test digits.
    Graph g = read_model(nn_fixture("digits_mlp.h5"));
    // Prune half of fc2's weights in a checkerboard: they must stay zero through training.
    Tensor mask(g.nodes[2].param("weight").shape);
    for (std::size_t k = 0; k < mask.values.size(); ++k) mask.values[k] = static_cast<float>(k % 2);
    g.nodes[2].masks["weight"] = mask;
    initialize(g, 3);
    const Dataset train_set = load_dataset("digits", "train"), test_set = load_dataset("digits", "test");
    const double before = static_cast<double>(count_correct(g, test_set.samples, test_set.labels)) / 537;
    TrainOptions o;
    o.epochs = 15;
    o.lr = 0.05;
    o.batch_size = 32;
    std::vector<double> losses;
    o.on_epoch = [&](const EpochLog& log) { losses.push_back(log.loss); };
    const auto logs = train(g, train_set, o);
    ASSERT_EQ(logs.size(), 15u);
    EXPECT_EQ(logs.back().steps, 15 * 40);  // ceil(1260 / 32) = 40 steps per epoch
    EXPECT_NEAR(logs[1].lr, 0.05 * 0.5 * (1 + std::cos(M_PI / 15)), 1e-12);
    EXPECT_LT(losses.back(), 0.25 * losses.front());
    const double after = static_cast<double>(count_correct(g, test_set.samples, test_set.labels)) / 537;
    EXPECT_LT(before, 0.3);
    EXPECT_GT(after, 0.935);
    for (std::size_t k = 0; k < mask.values.size(); ++k) {
        if (mask.values[k] == 0) {
            ASSERT_EQ(g.nodes[2].param("weight").values[k], 0.0f);
        }
    }
}

TEST(Train, InitialisationIsPyTorchsUniformBound) {
    // U(-b, b) with b = 1/sqrt(fan in): the variance is b^2 / 3. 784 x 300 weights: the sample variance is within
    // 1% of it (its standard error is about 0.2%).
    Graph g = read_model(nn_fixture("lenet_300_100.h5"));
    initialize(g, 9);
    const Tensor& w = g.nodes[static_cast<std::size_t>(g.find("fc1"))].param("weight");
    double sum = 0, squares = 0, top = 0;
    for (float v : w.values) sum += v, squares += double(v) * v, top = std::max<double>(top, std::abs(v));
    const double n = static_cast<double>(w.size()), b = 1 / std::sqrt(784.0);
    EXPECT_NEAR(squares / n - (sum / n) * (sum / n), b * b / 3, 0.01 * b * b / 3);
    EXPECT_LE(top, b);
    EXPECT_GT(top, 0.999 * b);
    Graph again = read_model(nn_fixture("lenet_300_100.h5"));
    initialize(again, 9);
    EXPECT_EQ(again.nodes[static_cast<std::size_t>(g.find("fc1"))].param("weight").values, w.values);
}

TEST(Train, PermutationIsSeededAndComplete) {
    std::mt19937_64 a(4), b(4);
    const auto p = permutation(1000, a);
    EXPECT_EQ(p, permutation(1000, b));
    EXPECT_EQ(std::set<std::int64_t>(p.begin(), p.end()).size(), 1000u);
    EXPECT_NE(p.front(), 0);
}

TEST(Train, RefusesWhatItCannotTrain) {
    Graph moe = read_model(nn_fixture("moe_pretrained.h5"));
    EXPECT_THROW(
        {
            try {
                check_trainable(moe);
            } catch (const ModelError& e) {
                EXPECT_NE(std::string(e.what()).find("node 'moe'"), std::string::npos) << e.what();
                throw;
            }
        },
        ModelError);
    Graph q = read_model(nn_fixture("digits_mlp.h5"));
    q.nodes[0].weight_bits = 4;
    EXPECT_THROW(check_trainable(q), ModelError);
}

}  // namespace
}  // namespace qdes::nn
