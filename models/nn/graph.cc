#include "models/nn/graph.h"

#include <cmath>
#include <sstream>

namespace qdes::nn {

std::int64_t element_count(const Shape& shape) {
    std::int64_t n = 1;
    for (auto d : shape) n *= d;
    return n;
}

std::string number_text(double value) {
    std::ostringstream os;
    os << value;
    return os.str();
}

std::string to_string(const Shape& shape) {
    std::ostringstream os;
    os << "[";
    for (std::size_t i = 0; i < shape.size(); ++i) os << (i ? ", " : "") << shape[i];
    os << "]";
    return os.str();
}

namespace {
struct OpName {
    Op op;
    const char* name;
};
constexpr OpName kOpNames[] = {
    {Op::kConv, "conv"},
    {Op::kLinear, "linear"},
    {Op::kBatchNorm, "batchnorm"},
    {Op::kRelu, "relu"},
    {Op::kClip, "clip"},
    {Op::kMaxPool, "maxpool"},
    {Op::kAvgPool, "avgpool"},
    {Op::kGlobalAvgPool, "global_avgpool"},
    {Op::kAdd, "add"},
    {Op::kFlatten, "flatten"},
    {Op::kSoftmax, "softmax"},
    {Op::kTokens, "tokens"},
    {Op::kMoe, "moe"},
};
}  // namespace

const char* op_name(Op op) {
    for (const auto& o : kOpNames)
        if (o.op == op) return o.name;
    return "?";
}

Op op_from_name(const std::string& name, const std::string& where) {
    for (const auto& o : kOpNames)
        if (name == o.name) return o.op;
    std::string known;
    for (const auto& o : kOpNames) known += std::string(known.empty() ? "" : ", ") + o.name;
    throw ModelError(where + ": unknown operator '" + name + "' (known: " + known + ")");
}

const Tensor& Node::param(const std::string& role) const {
    auto it = params.find(role);
    if (it == params.end()) throw ModelError("node '" + name + "' (" + op_name(op) + ") has no " + role);
    return it->second;
}

Tensor& Node::param(const std::string& role) {
    auto it = params.find(role);
    if (it == params.end()) throw ModelError("node '" + name + "' (" + op_name(op) + ") has no " + role);
    return it->second;
}

int Graph::find(const std::string& n) const {
    for (std::size_t i = 0; i < nodes.size(); ++i)
        if (nodes[i].name == n) return static_cast<int>(i);
    return -1;
}

void Graph::check_names(const std::vector<std::string>& names, const std::string& what) const {
    for (const auto& n : names)
        if (find(n) < 0) throw ModelError(what + ": no layer named '" + n + "' in " + name);
}

std::vector<int> Graph::inputs_of(int n) const {
    const Node& node = nodes.at(static_cast<std::size_t>(n));
    if (!node.inputs.empty()) return node.inputs;
    return {n - 1};
}

std::vector<int> Graph::consumers(int n) const {
    std::vector<int> out;
    for (int i = 0; i < static_cast<int>(nodes.size()); ++i)
        for (int j : inputs_of(i))
            if (j == n) out.push_back(i);
    return out;
}

namespace {

std::int64_t pooled_side(std::int64_t in, std::int64_t k, std::int64_t stride, std::int64_t pad) {
    return (in + 2 * pad - k) / stride + 1;
}

std::int64_t count_nonzero(const Tensor& t) {
    std::int64_t n = 0;
    for (float v : t.values) n += v != 0.0f;
    return n;
}

/// Throws unless `node` holds weight `role` of exactly `shape`.
void expect_param(const Node& node, const std::string& role, const Shape& shape, bool optional = false) {
    auto it = node.params.find(role);
    if (it == node.params.end()) {
        if (optional) return;
        throw ModelError("node '" + node.name + "' (" + op_name(node.op) + "): missing weight " + role + " " +
                         to_string(shape));
    }
    if (it->second.shape != shape)
        throw ModelError("node '" + node.name + "' (" + op_name(node.op) + "): weight " + role + " has shape " +
                         to_string(it->second.shape) + ", expected " + to_string(shape));
    if (it->second.size() != element_count(shape))
        throw ModelError("node '" + node.name + "': weight " + role + " holds " + std::to_string(it->second.size()) +
                         " values for shape " + to_string(shape));
    auto m = node.masks.find(role);
    if (m != node.masks.end() && m->second.shape != shape)
        throw ModelError("node '" + node.name + "': mask of " + role + " has shape " + to_string(m->second.shape));
}

NodeInfo infer_node(const Node& node, const std::vector<Shape>& in) {
    const std::string where = "node '" + node.name + "' (" + op_name(node.op) + ")";
    auto fail = [&](const std::string& what) -> ModelError { return ModelError(where + ": " + what); };
    const Shape& x = in.at(0);
    NodeInfo info;
    switch (node.op) {
        case Op::kConv: {
            if (x.size() != 3) throw fail("expects a [C, H, W] input, got " + to_string(x));
            if (x[0] != node.in_channels)
                throw fail("input has " + std::to_string(x[0]) + " channels, the layer expects " +
                           std::to_string(node.in_channels));
            if (node.groups < 1 || node.in_channels % node.groups || node.out_channels % node.groups)
                throw fail("groups " + std::to_string(node.groups) + " does not divide the channels " +
                           std::to_string(node.in_channels) + " -> " + std::to_string(node.out_channels));
            if (node.stride_h < 1 || node.stride_w < 1 || node.kernel_h < 1 || node.kernel_w < 1)
                throw fail("kernel and stride must be positive");
            const std::int64_t P = pooled_side(x[1], node.kernel_h, node.stride_h, node.pad_h);
            const std::int64_t Q = pooled_side(x[2], node.kernel_w, node.stride_w, node.pad_w);
            if (P < 1 || Q < 1) throw fail("kernel larger than the padded input " + to_string(x));
            const Shape w{node.out_channels, node.in_channels / node.groups, node.kernel_h, node.kernel_w};
            expect_param(node, "weight", w);
            expect_param(node, "bias", {node.out_channels}, true);
            info.output = {node.out_channels, P, Q};
            info.macs = node.out_channels * P * Q * (node.in_channels / node.groups) * node.kernel_h * node.kernel_w;
            break;
        }
        case Op::kLinear: {
            if (x.empty() || x.size() > 2 || x.back() != node.in_features)
                throw fail("expects [" + std::to_string(node.in_features) + "] or [T, " +
                           std::to_string(node.in_features) + "] input, got " + to_string(x));
            expect_param(node, "weight", {node.out_features, node.in_features});
            expect_param(node, "bias", {node.out_features}, true);
            info.output = x;
            info.output.back() = node.out_features;
            const std::int64_t rows = x.size() == 2 ? x[0] : 1;
            info.macs = rows * node.in_features * node.out_features;
            break;
        }
        case Op::kBatchNorm: {
            if (x.empty()) throw fail("empty input");
            for (const char* r : {"gamma", "beta", "mean", "var"}) expect_param(node, r, {x[0]});
            info.output = x;
            break;
        }
        case Op::kRelu:
        case Op::kClip:
        case Op::kSoftmax:
            info.output = x;
            break;
        case Op::kMaxPool:
        case Op::kAvgPool: {
            if (x.size() != 3) throw fail("expects a [C, H, W] input, got " + to_string(x));
            if (node.pool_kernel < 1 || node.pool_stride < 1 || 2 * node.pool_pad > node.pool_kernel)
                throw fail("bad window (kernel " + std::to_string(node.pool_kernel) + ", stride " +
                           std::to_string(node.pool_stride) + ", pad " + std::to_string(node.pool_pad) + ")");
            const std::int64_t P = pooled_side(x[1], node.pool_kernel, node.pool_stride, node.pool_pad);
            const std::int64_t Q = pooled_side(x[2], node.pool_kernel, node.pool_stride, node.pool_pad);
            if (P < 1 || Q < 1) throw fail("window larger than the input " + to_string(x));
            info.output = {x[0], P, Q};
            break;
        }
        case Op::kGlobalAvgPool:
            if (x.size() != 3) throw fail("expects a [C, H, W] input, got " + to_string(x));
            info.output = {x[0], 1, 1};
            break;
        case Op::kAdd:
            if (in.size() != 2) throw fail("needs two inputs");
            if (in[0] != in[1]) throw fail("adds " + to_string(in[0]) + " and " + to_string(in[1]));
            info.output = x;
            break;
        case Op::kFlatten:
            info.output = {element_count(x)};
            break;
        case Op::kTokens:
            if (x.size() != 3) throw fail("expects a [C, H, W] input, got " + to_string(x));
            info.output = {x[1] * x[2], x[0]};
            break;
        case Op::kMoe: {
            if (x.size() != 2 || x[1] != node.d_model)
                throw fail("expects [T, " + std::to_string(node.d_model) + "] tokens, got " + to_string(x));
            const std::int64_t E = node.experts, d = node.d_model, f = node.d_ff;
            if (E < 1 || node.top_k < 1 || node.top_k > E) throw fail("needs 1 <= top_k <= experts");
            if (!(node.capacity_factor > 0)) throw fail("capacity_factor must be positive");
            expect_param(node, "router_weight", {E, d});
            expect_param(node, "router_bias", {E}, true);
            expect_param(node, "fc1_weight", {E, f, d});
            expect_param(node, "fc1_bias", {E, f}, true);
            expect_param(node, "fc2_weight", {E, d, f});
            expect_param(node, "fc2_bias", {E, d}, true);
            info.output = x;
            const auto capacity = static_cast<std::int64_t>(
                std::ceil(static_cast<double>(node.top_k * x[0]) * node.capacity_factor / static_cast<double>(E)));
            info.macs = x[0] * d * E + E * capacity * 2 * d * f;
            break;
        }
    }
    for (const auto& [role, t] : node.params) {
        info.params += t.size();
        info.nonzero_params += count_nonzero(t);
    }
    if (node.op == Op::kBatchNorm) info.params = info.nonzero_params = 0;  // folded away; not weights that are run
    return info;
}

}  // namespace

std::vector<NodeInfo> Graph::infer() const {
    if (input_shape.empty() || element_count(input_shape) <= 0)
        throw ModelError("network '" + name + "' has no input shape");
    std::vector<NodeInfo> info(nodes.size());
    for (int i = 0; i < static_cast<int>(nodes.size()); ++i) {
        std::vector<Shape> in;
        for (int j : inputs_of(i)) {
            if (j < -1 || j >= i)
                throw ModelError("node '" + nodes[static_cast<std::size_t>(i)].name +
                                 "' reads a node that does not come before it");
            in.push_back(j < 0 ? input_shape : info[static_cast<std::size_t>(j)].output);
        }
        info[static_cast<std::size_t>(i)] = infer_node(nodes[static_cast<std::size_t>(i)], in);
    }
    return info;
}

std::int64_t Graph::total_macs() const {
    std::int64_t n = 0;
    for (const auto& i : infer()) n += i.macs;
    return n;
}

std::int64_t Graph::total_params() const {
    std::int64_t n = 0;
    for (const auto& i : infer()) n += i.params;
    return n;
}

}  // namespace qdes::nn
