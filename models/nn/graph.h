#pragma once
/// A neural network as a list of operators in topological order, with their weights.
///
/// Activations are per sample: [C, H, W] for feature maps, [F] for vectors, [T, d] for token sequences. A node
/// reads the outputs of earlier nodes (or the network input) and writes one output. Weights are float32, row-major,
/// in PyTorch's layouts: convolution [K, C/groups, R, S], fully connected [out, in].

#include <cstdint>
#include <map>
#include <stdexcept>
#include <string>
#include <vector>

namespace qdes::nn {

/// A bad network: a shape that does not fit, a missing weight, an unknown operator. The message names the node.
class ModelError : public std::runtime_error {
  public:
    using std::runtime_error::runtime_error;
};

using Shape = std::vector<std::int64_t>;

std::int64_t element_count(const Shape& shape);
std::string to_string(const Shape& shape);
/// A number for a message: "1", "0.5", "99.99" (six significant digits).
std::string number_text(double value);

/// A dense float32 tensor, row-major.
struct Tensor {
    Shape shape;
    std::vector<float> values;

    Tensor() = default;
    explicit Tensor(Shape s, float fill = 0.0f) : shape(std::move(s)), values(element_count(shape), fill) {}
    std::int64_t size() const { return static_cast<std::int64_t>(values.size()); }
    float* data() { return values.data(); }
    const float* data() const { return values.data(); }
};

enum class Op {
    kConv,       ///< 2-D convolution with groups (groups = channels: depthwise)
    kLinear,     ///< fully connected, on [F] or on every token of [T, d]
    kBatchNorm,  ///< per channel (dim 0) with running statistics
    kRelu,
    kClip,  ///< clipped ReLU: min(max(x, clip_min), clip_max), e.g. ReLU6
    kMaxPool,
    kAvgPool,
    kGlobalAvgPool,  ///< [C, H, W] -> [C, 1, 1]
    kAdd,            ///< residual add of two equal shapes
    kFlatten,        ///< any -> [all elements]
    kSoftmax,        ///< over the last dimension
    kTokens,         ///< [C, H, W] -> [H W, C]: each position becomes a token of C features
    kMoe,            ///< mixture of experts over tokens [T, d] (models/nn/moe.h)
};

const char* op_name(Op op);
/// The operator named `name` (as op_name writes it); throws ModelError naming `where` for an unknown name.
Op op_from_name(const std::string& name, const std::string& where);

/// One operator with its attributes and weights. Attributes an operator does not use stay at their defaults.
struct Node {
    std::string name;
    Op op = Op::kRelu;
    /// Indices of the nodes this one reads; -1 is the network input. Empty: the previous node (or the input).
    std::vector<int> inputs;

    // kConv
    std::int64_t in_channels = 0, out_channels = 0, kernel_h = 1, kernel_w = 1;
    std::int64_t stride_h = 1, stride_w = 1, pad_h = 0, pad_w = 0, groups = 1;
    // kLinear
    std::int64_t in_features = 0, out_features = 0;
    // kBatchNorm
    double eps = 1e-5;
    // kClip
    double clip_min = 0.0, clip_max = 6.0;
    // kMaxPool, kAvgPool (square windows, floor mode)
    std::int64_t pool_kernel = 2, pool_stride = 2, pool_pad = 0;
    bool count_include_pad = true;  ///< kAvgPool: PyTorch's default; ONNX's default is false
    // kMoe
    std::int64_t d_model = 0, d_ff = 0, experts = 0, top_k = 1;
    double capacity_factor = 1.0;

    /// Weights by role: "weight", "bias" (kConv, kLinear); "gamma", "beta", "mean", "var" (kBatchNorm);
    /// "router_weight" [E, d], "router_bias" [E], "fc1_weight" [E, d_ff, d], "fc1_bias" [E, d_ff],
    /// "fc2_weight" [E, d, d_ff], "fc2_bias" [E, d] (kMoe).
    std::map<std::string, Tensor> params;
    /// Per-weight keep masks (1 keep, 0 pruned) of the same shape as the weight they name; kept zero by training.
    std::map<std::string, Tensor> masks;
    /// Weight and activation bit widths for the accelerator and for fake-quantized inference; 0 = float. The
    /// weights themselves hold the quantized values (scale x integer), so inference needs nothing more for them.
    int weight_bits = 0, activation_bits = 0;
    /// The weights' quantization parameters as stored beside them: how many scales (one per tensor, output channel
    /// or expert row; 0 when float), and whether each has a zero point (asymmetric). model_size counts them.
    std::int64_t weight_scales = 0;
    bool weight_zero_points = false;
    /// Fake quantization of the node's first input, applied when activation_bits > 0 and input_scale > 0:
    /// x -> (clamp(round(x / s) + z, lo, hi) - z) s, with [lo, hi] the signed or unsigned range of the bits.
    double input_scale = 0;
    std::int64_t input_zero_point = 0;
    bool input_signed = false;

    bool has(const std::string& role) const { return params.count(role) > 0; }
    const Tensor& param(const std::string& role) const;
    Tensor& param(const std::string& role);
};

/// Per-node facts derived from the input shape.
struct NodeInfo {
    Shape output;                     ///< per sample
    std::int64_t macs = 0;            ///< multiply-accumulates per sample (kMoe: at full capacity)
    std::int64_t params = 0;          ///< weights and biases
    std::int64_t nonzero_params = 0;  ///< of those, the ones not zero
};

class Graph {
  public:
    std::string name;
    std::string dataset;  ///< what the network was trained on ("fashion-mnist", "digits", ...), or empty
    Shape input_shape;    ///< per sample
    /// The weights were made up (a shape-only import): accuracy means nothing, shapes, MACs and sparsity do.
    bool synthetic_weights = false;
    std::vector<Node> nodes;

    /// Index of the node named `name`, or -1.
    int find(const std::string& name) const;
    /// Throws ModelError "<what>: no layer named '<n>' in <graph>" for the first of `names` that is no node.
    void check_names(const std::vector<std::string>& names, const std::string& what) const;
    /// The node indices `n` reads (its inputs, or the previous node).
    std::vector<int> inputs_of(int n) const;
    /// Checks every node's inputs, attributes and weight shapes and derives output shapes, MACs and parameter
    /// counts. Throws ModelError naming the node.
    std::vector<NodeInfo> infer() const;
    /// The nodes that read node `n`'s output.
    std::vector<int> consumers(int n) const;
    std::int64_t total_macs() const;
    std::int64_t total_params() const;
};

}  // namespace qdes::nn
