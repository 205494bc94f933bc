#pragma once
/// Uniform quantization of a Graph: weights (symmetric or asymmetric, per tensor or per output channel, 2..16 bits),
/// activations calibrated on sample data (min-max or percentile), and batch-norm folding.
///
/// Quantization is simulated ("fake quantization"): a quantized weight is stored as its dequantized float value
/// s (q - z), so float inference computes exactly what integer arithmetic with a float rescale would. Activations
/// are quantized at the first input of each convolution and fully connected node (Node::input_scale).
///
/// Conventions (HAWQ's quant_utils for weights, the usual affine scheme for activations):
///   symmetric, restricted range: n = 2^(b-1) - 1, s = max|x| / n, q = clamp(round(x / s), -n, n), z = 0;
///   asymmetric: s = (hi - lo) / (2^b - 1), z = round(-lo / s), q = clamp(round(x / s) + z, 0, 2^b - 1), with
///   [lo, hi] widened to hold 0 so that zero (padding, pruned weights, ReLU output) stays exact.

#include <cstdint>
#include <string>
#include <vector>

#include "models/nn/graph.h"

namespace qdes::nn {

/// The mapping between reals and the integers of one tensor or channel.
struct QuantParams {
    double scale = 1.0;
    std::int64_t zero_point = 0;
    std::int64_t qmin = 0, qmax = 0;

    /// round(x / s) + z, clamped to [qmin, qmax].
    std::int64_t quantize(double x) const;
    /// s (q - z).
    double dequantize(std::int64_t q) const { return scale * static_cast<double>(q - zero_point); }
    /// dequantize(quantize(x)).
    float fake(float x) const { return static_cast<float>(dequantize(quantize(x))); }
};

/// Throws ModelError unless 2 <= bits <= 16; `what` names the setting.
void check_bits(int bits, const std::string& what);

/// Symmetric restricted range for values with max |x| = max_abs. The scale is at least 1e-8 (an all-zero tensor).
QuantParams symmetric_params(double max_abs, int bits);
/// Asymmetric over [lo, hi] (widened to hold 0).
QuantParams asymmetric_params(double lo, double hi, int bits);

enum class Granularity {
    kTensor,   ///< one scale for the whole weight
    kChannel,  ///< one scale per output channel (row of a fully connected weight, filter of a convolution)
};

struct WeightQuantOptions {
    int bits = 8;  ///< for layers whose Node::weight_bits is 0; a layer's own bit width wins
    bool symmetric = true;
    Granularity granularity = Granularity::kChannel;
    std::vector<std::string> exclude;  ///< layers left in float
};

/// Quantizes the weights of every convolution, fully connected and expert layer (biases stay float: integer
/// hardware keeps them at accumulator width) and sets each layer's weight_bits. A weight without a mask first gets
/// one of its nonzeros, so that weights rounded to zero are not later read as pruned. Returns the parameters used, one
/// per quantized tensor or channel, in node order. Throws ModelError for bits outside 2..16 or an unknown exclude.
std::vector<QuantParams> quantize_weights(Graph& graph, const WeightQuantOptions& options);

enum class Calibration {
    kMinMax,      ///< the observed minimum and maximum
    kPercentile,  ///< the given lower and upper percentiles of the observed values (clips outliers)
};

struct ActivationQuantOptions {
    int bits = 8;  ///< for layers whose Node::activation_bits is 0
    Calibration calibration = Calibration::kMinMax;
    double percentile = 99.99;  ///< kPercentile: the upper percentile; the lower one is 100 - percentile
    std::vector<std::string> exclude;
};

/// Runs `samples` ([n, input shape...]) through the network, records the first input of every convolution and fully
/// connected node, and sets its asymmetric fake quantization (input_scale, input_zero_point, activation_bits).
/// Throws ModelError for bits outside 2..16, a percentile outside (50, 100], or a sample shape that does not fit.
void calibrate_activations(Graph& graph, const Tensor& samples, const ActivationQuantOptions& options);

/// The value at percentile `p` (0..100) of `values`, by linear interpolation between order statistics (numpy's
/// default). `values` is reordered.
double percentile_of(std::vector<float>& values, double p);

/// Folds every batch norm that directly follows a convolution or fully connected node (its only reader) into
/// that node: w' = w gamma / sigma, b' = (b - mean) gamma / sigma + beta, sigma = sqrt(var + eps); the batch norm
/// node is removed and its readers read the folded node. Returns how many were folded.
int fold_batchnorm(Graph& graph);

}  // namespace qdes::nn
