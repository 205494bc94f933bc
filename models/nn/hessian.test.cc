#include "models/nn/hessian.h"

#include <gtest/gtest.h>

#include <cmath>

#include "models/nn/dataset.h"
#include "models/nn/inference.h"
#include "models/nn/model_file.h"
#include "tests/support/test_util.h"

namespace qdes::nn {
namespace {

using testing::nn_fixture;

/// For the last layer z = W h + b under mean cross-entropy, the Hessian is (1/N) sum_s (diag(p) - p p') (x) h h',
/// so Tr_W = (1/N) sum_s sum_k p_k (1 - p_k) |h_s|^2 and Tr_b = (1/N) sum_s sum_k p_k (1 - p_k): exact formulas.
struct LastLayerTraces {
    double weight = 0, bias = 0;
};

LastLayerTraces last_layer_traces(const Graph& g, const Tensor& batch) {
    const int hidden = g.find("relu2");
    Tensor h;
    ForwardOptions o;
    o.observe = [&](int i, const Tensor& out) {
        if (i == hidden) h = out;
    };
    const Tensor logits = forward(g, batch, o);
    const std::int64_t n = logits.shape[0], k = logits.shape[1], d = h.shape[1];
    LastLayerTraces t;
    for (std::int64_t s = 0; s < n; ++s) {
        double top = -1e300, sum = 0, curvature = 0, norm2 = 0;
        for (std::int64_t j = 0; j < k; ++j) top = std::max<double>(top, logits.values[s * k + j]);
        for (std::int64_t j = 0; j < k; ++j) sum += std::exp(logits.values[s * k + j] - top);
        for (std::int64_t j = 0; j < k; ++j) {
            const double p = std::exp(logits.values[s * k + j] - top) / sum;
            curvature += p * (1 - p);
        }
        for (std::int64_t j = 0; j < d; ++j) norm2 += double(h.values[s * d + j]) * h.values[s * d + j];
        t.weight += curvature * norm2 / static_cast<double>(n);
        t.bias += curvature / static_cast<double>(n);
    }
    return t;
}

TEST(Hessian, LastLayerTraceMatchesTheClosedForm) {
    const Graph g = read_model(nn_fixture("digits_mlp.h5"));
    const Dataset train = load_dataset("digits", "train");
    const Tensor batch = train.batch(0, 128);
    const std::vector<int> labels(train.labels.begin(), train.labels.begin() + 128);
    const LastLayerTraces exact = last_layer_traces(g, batch);
    const WeightRef fc3{g.find("fc3"), "weight"}, fc3_bias{g.find("fc3"), "bias"};
    // One difference quotient per coordinate: exact up to float rounding and the O(eps^2) difference error.
    EXPECT_NEAR(coordinate_trace(g, batch, labels, fc3), exact.weight, 2e-3 * exact.weight);
    EXPECT_NEAR(coordinate_trace(g, batch, labels, fc3_bias), exact.bias, 2e-3 * exact.bias);
    // Hutchinson with 100 Rademacher probes: within 4 of its own standard errors of the closed form.
    const TraceEstimate e = hutchinson_trace(g, batch, labels, fc3, 100, 7);
    EXPECT_EQ(e.probes, 100);
    EXPECT_GT(e.std_error, 0);
    EXPECT_LT(e.std_error, 0.1 * exact.weight);
    EXPECT_NEAR(e.trace, exact.weight, 4 * e.std_error) << "exact " << exact.weight;
}

TEST(Hessian, HutchinsonAgreesWithTheCoordinateTraceOfAConvLayerBehindBatchNorm) {
    // conv1 of the trainer reference (4 x 1 x 3 x 3), followed by batch norm, ReLU, max pooling, a grouped conv
    // and a residual add: no closed form, so the sum over coordinates is the reference.
    const Graph g = read_model(nn_fixture("trainer_initial.h5"));
    const Dataset train = load_dataset("digits", "train");
    Tensor batch = train.batch(0, 64);
    batch.shape = {64, 1, 8, 8};
    const std::vector<int> labels(train.labels.begin(), train.labels.begin() + 64);
    const WeightRef conv1{g.find("conv1"), "weight"};
    const double reference = coordinate_trace(g, batch, labels, conv1);
    const TraceEstimate e = hutchinson_trace(g, batch, labels, conv1, 300, 3);
    EXPECT_NEAR(e.trace, reference, 4 * e.std_error) << "coordinate trace " << reference;
    EXPECT_LT(e.std_error, 0.25 * std::abs(reference));
    // Early stop on a relative tolerance.
    const TraceEstimate early = hutchinson_trace(g, batch, labels, conv1, 300, 3, 0.2);
    EXPECT_LT(early.probes, 300);
    EXPECT_GE(early.probes, 10);
    EXPECT_LT(early.std_error, 0.2 * std::abs(early.trace));
}

}  // namespace
}  // namespace qdes::nn
