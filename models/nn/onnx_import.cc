#include "models/nn/onnx_import.h"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <limits>
#include <map>
#include <optional>
#include <random>

#include "onnx/onnx_pb.h"

namespace qdes::nn {

namespace {

/// A constant: an initializer or a Constant node's value, as floats, or only its shape when the file was stripped.
struct Const {
    Shape shape;
    std::vector<float> values;
    bool has_values = true;
    int bits = 0;  ///< 8 when it came out of a DequantizeLinear
    std::int64_t scales = 0;   ///< that DequantizeLinear's scales
    bool zero_points = false;  ///< and whether any zero point was not 0
    int elem_type = onnx::TensorProto::FLOAT;
};

/// Quantization parameters of an activation between a QuantizeLinear and its DequantizeLinear.
struct ActQuant {
    int source = -1;
    double scale = 0;
    std::int64_t zero_point = 0;
    bool is_signed = false;
};

std::uint64_t fnv1a(const std::string& s) {
    std::uint64_t h = 1469598103934665603ull;
    for (unsigned char c : s) h = (h ^ c) * 1099511628211ull;
    return h;
}

template <class T>
std::vector<float> raw_as(const std::string& raw, std::size_t count) {  // the caller checked raw's size
    std::vector<float> out(count);
    for (std::size_t i = 0; i < count; ++i) {
        T v;
        std::memcpy(&v, raw.data() + i * sizeof(T), sizeof(T));
        out[i] = static_cast<float>(v);
    }
    return out;
}

/// A tensor may hold at most 2^31 elements (8 GiB of floats): a larger one is a broken file, not a network.
constexpr std::size_t kMaxTensorElements = std::size_t(1) << 31;

class Importer {
  public:
    Importer(std::string path, OnnxImportOptions options) : path_(std::move(path)), options_(options) {}

    /// Reads the file `path_`, or `bytes` when given (with `path_` the name for messages).
    Graph run(const std::string* bytes = nullptr) {
        onnx::ModelProto model;
        if (bytes) {
            if (!model.ParseFromString(*bytes)) throw ModelError(path_ + ": not an ONNX model (protobuf parse failed)");
        } else {
            if (!std::filesystem::exists(path_)) throw ModelError(path_ + ": no such ONNX file");
            std::ifstream in(path_, std::ios::binary);
            if (!model.ParseFromIstream(&in)) throw ModelError(path_ + ": not an ONNX model (protobuf parse failed)");
        }
        const onnx::GraphProto& g = model.graph();
        // PyTorch names every exported graph torch_jit (or main_graph): the file says more.
        const bool generic = g.name().empty() || g.name() == "torch_jit" || g.name() == "main_graph";
        graph_.name = generic ? std::filesystem::path(path_).stem().string() : g.name();
        for (const auto& t : g.initializer()) consts_[t.name()] = to_const(t, "initializer " + t.name());
        bool have_input = false;
        for (const auto& in : g.input()) {
            if (consts_.count(in.name())) continue;
            if (have_input) throw ModelError(path_ + ": more than one graph input ('" + in.name() + "')");
            have_input = true;
            const auto& dims = in.type().tensor_type().shape().dim();
            if (dims.size() < 2)
                throw ModelError(path_ + ": graph input '" + in.name() + "' has no batch and data dims");
            for (int i = 1; i < dims.size(); ++i) {
                if (!dims[i].has_dim_value() || dims[i].dim_value() <= 0)
                    throw ModelError(path_ + ": graph input '" + in.name() + "' dimension " + std::to_string(i) +
                                     " is not a fixed size");
                graph_.input_shape.push_back(dims[i].dim_value());
            }
            producer_[in.name()] = -1;
        }
        if (!have_input) throw ModelError(path_ + ": the graph has no input");
        for (const auto& n : g.node()) import_node(n);
        if (graph_.nodes.empty()) throw ModelError(path_ + ": no layers");
        if (g.output_size() != 1) throw ModelError(path_ + ": expects one graph output");
        auto out = producer_.find(g.output(0).name());
        if (out == producer_.end() || out->second != static_cast<int>(graph_.nodes.size()) - 1)
            throw ModelError(path_ + ": the graph output is not the last layer's output");
        graph_.synthetic_weights = synthesized_;
        try {
            graph_.infer();
        } catch (const ModelError& e) {
            throw ModelError(path_ + ": " + e.what());
        }
        return std::move(graph_);
    }

  private:
    Const to_const(const onnx::TensorProto& t, const std::string& what) const {
        Const c;
        auto bad = [&](const std::string& why) { return ModelError(path_ + ": " + what + ": " + why); };
        std::size_t count = 1;
        for (auto d : t.dims()) {
            if (d < 0) throw bad("dimension " + std::to_string(d) + " is negative");
            c.shape.push_back(d);
            if (d != 0 && count > kMaxTensorElements / static_cast<std::size_t>(d))
                throw bad("more than " + std::to_string(kMaxTensorElements) + " elements (2^31), more than qdes imports");
            count *= static_cast<std::size_t>(d);
        }
        c.elem_type = t.data_type();
        const std::string& raw = t.raw_data();
        if (t.has_data_location() && t.data_location() == onnx::TensorProto::EXTERNAL)
            throw bad("external data is not supported (export with the weights inside the file)");
        const bool empty = raw.empty() && t.float_data_size() == 0 && t.int32_data_size() == 0 &&
                           t.int64_data_size() == 0 && t.double_data_size() == 0;
        if (empty && count > 0) {
            c.has_values = false;
            return c;
        }
        switch (t.data_type()) {
            case onnx::TensorProto::FLOAT:
                if (!raw.empty()) {
                    if (raw.size() != count * 4) throw bad("raw_data size does not match the dims");
                    c.values = raw_as<float>(raw, count);
                } else {
                    c.values.assign(t.float_data().begin(), t.float_data().end());
                }
                break;
            case onnx::TensorProto::INT64:
                if (!raw.empty()) {
                    if (raw.size() != count * 8) throw bad("raw_data size does not match the dims");
                    c.values = raw_as<std::int64_t>(raw, count);
                } else {
                    for (auto v : t.int64_data()) c.values.push_back(static_cast<float>(v));
                }
                break;
            case onnx::TensorProto::INT8:
            case onnx::TensorProto::UINT8:
            case onnx::TensorProto::INT32:
                if (!raw.empty()) {
                    const std::size_t width = t.data_type() == onnx::TensorProto::INT32 ? 4 : 1;
                    if (raw.size() != count * width) throw bad("raw_data size does not match the dims");
                    if (t.data_type() == onnx::TensorProto::INT8)
                        c.values = raw_as<std::int8_t>(raw, count);
                    else if (t.data_type() == onnx::TensorProto::UINT8)
                        c.values = raw_as<std::uint8_t>(raw, count);
                    else
                        c.values = raw_as<std::int32_t>(raw, count);
                } else {
                    for (auto v : t.int32_data()) c.values.push_back(static_cast<float>(v));
                }
                break;
            default:
                throw bad("element type " + std::to_string(t.data_type()) + " is not supported");
        }
        if (c.values.size() != count) throw bad("holds " + std::to_string(c.values.size()) + " values for its dims");
        return c;
    }

    std::string where(const onnx::NodeProto& n) const {
        return path_ + ": node '" + n.name() + "' (" + n.op_type() + ")";
    }

    const onnx::AttributeProto* attr(const onnx::NodeProto& n, const std::string& name) const {
        for (const auto& a : n.attribute())
            if (a.name() == name) return &a;
        return nullptr;
    }
    std::int64_t attr_int(const onnx::NodeProto& n, const std::string& name, std::int64_t fallback) const {
        const auto* a = attr(n, name);
        return a ? a->i() : fallback;
    }
    std::vector<std::int64_t> attr_ints(const onnx::NodeProto& n, const std::string& name) const {
        const auto* a = attr(n, name);
        return a ? std::vector<std::int64_t>(a->ints().begin(), a->ints().end()) : std::vector<std::int64_t>{};
    }

    bool is_const(const std::string& name) const { return consts_.count(name) > 0; }

    /// The layer producing value `name` (-1: the network input).
    int source(const onnx::NodeProto& n, const std::string& name) const {
        auto it = producer_.find(name);
        if (it == producer_.end())
            throw ModelError(where(n) + ": input '" + name + "' is neither a layer output nor the graph input");
        return it->second;
    }

    /// The constant `name` as a tensor for weight role `role`; stripped constants are made up if allowed.
    Tensor weight(const onnx::NodeProto& n, const std::string& name, const std::string& role, std::int64_t fan_in) {
        auto it = consts_.find(name);
        if (it == consts_.end()) throw ModelError(where(n) + ": " + role + " '" + name + "' is not a constant");
        Const& c = it->second;
        Tensor t;
        t.shape = c.shape;
        if (c.has_values) {
            t.values = c.values;
            return t;
        }
        if (!options_.synthesize_missing_weights)
            throw ModelError(where(n) + ": " + role + " '" + name + "' has no values (a shape-only file)");
        synthesized_ = true;
        t.values.assign(static_cast<std::size_t>(element_count(c.shape)), 0.0f);
        if (role == "gamma" || role == "var") std::fill(t.values.begin(), t.values.end(), 1.0f);
        if (role == "weight") {
            std::mt19937_64 rng(options_.seed ^ fnv1a(name));
            const double bound = std::sqrt(6.0 / static_cast<double>(std::max<std::int64_t>(fan_in, 1)));
            std::uniform_real_distribution<double> u(-bound, bound);
            for (float& v : t.values) v = static_cast<float>(u(rng));
        }
        return t;
    }

    /// The bit width and quantization parameters of a weight that came out of a DequantizeLinear.
    void weight_quant_of(const std::string& name, Node& node) const {
        auto it = consts_.find(name);
        if (it == consts_.end()) return;
        node.weight_bits = it->second.bits;
        node.weight_scales = it->second.scales;
        node.weight_zero_points = it->second.zero_points;
    }

    /// Adds `node` reading `input`, taking over any fake quantization of that activation.
    void add(const onnx::NodeProto& n, Node node, const std::string& input) {
        node.inputs = {source(n, input)};
        auto q = act_quant_.find(input);
        if (q != act_quant_.end()) {
            node.activation_bits = 8;
            node.input_scale = q->second.scale;
            node.input_zero_point = q->second.zero_point;
            node.input_signed = q->second.is_signed;
        }
        if (node.name.empty()) node.name = n.output(0);
        const std::string base = node.name;
        for (int suffix = 2; graph_.find(node.name) >= 0; ++suffix) node.name = base + "_" + std::to_string(suffix);
        graph_.nodes.push_back(std::move(node));
        producer_[n.output(0)] = static_cast<int>(graph_.nodes.size()) - 1;
    }

    Node named(const onnx::NodeProto& n, Op op) const {
        Node node;
        node.op = op;
        node.name = n.name().empty() ? n.output(0) : n.name();
        // torch names nodes "/layer1/conv1/Conv": keep the module path, dotted, as users know it.
        if (!node.name.empty() && node.name[0] == '/') {
            std::string s = node.name.substr(1);
            const auto last = s.rfind('/');
            if (last != std::string::npos && last > 0) s = s.substr(0, last);
            for (char& ch : s)
                if (ch == '/') ch = '.';
            node.name = s;
        }
        return node;
    }

    void import_node(const onnx::NodeProto& n) {
        const std::string& op = n.op_type();
        auto in = [&](int i) -> std::string { return i < n.input_size() ? n.input(i) : std::string(); };
        if (n.output_size() < 1) throw ModelError(where(n) + ": no output");
        // The inputs each operator reads unconditionally (ONNX's required ones); optional ones are looked at only
        // when present.
        static const std::map<std::string, int> required{
            {"Identity", 1}, {"Dropout", 1}, {"Pad", 1}, {"QuantizeLinear", 2}, {"DequantizeLinear", 2},
            {"Conv", 2}, {"Gemm", 2}, {"MatMul", 2}, {"Add", 2}, {"BatchNormalization", 5}, {"Relu", 1},
            {"Clip", 1}, {"MaxPool", 1}, {"AveragePool", 1}, {"GlobalAveragePool", 1}, {"Flatten", 1},
            {"Reshape", 2}, {"Softmax", 1}};
        if (const auto r = required.find(op); r != required.end() && n.input_size() < r->second)
            throw ModelError(where(n) + ": " + std::to_string(n.input_size()) + " inputs; " + op + " takes at least " +
                             std::to_string(r->second));
        if (op == "Constant") {
            const auto* v = attr(n, "value");
            if (!v) throw ModelError(where(n) + ": only 'value' constants are supported");
            consts_[n.output(0)] = to_const(v->t(), "constant " + n.output(0));
        } else if (op == "Identity" || op == "Dropout") {
            if (is_const(in(0)))
                consts_[n.output(0)] = consts_[in(0)];
            else
                producer_[n.output(0)] = source(n, in(0)), copy_quant(in(0), n.output(0));
        } else if (op == "Pad") {
            pad(n);
        } else if (op == "QuantizeLinear") {
            quantize(n);
        } else if (op == "DequantizeLinear") {
            dequantize(n);
        } else if (op == "Conv") {
            conv(n);
        } else if (op == "Gemm" || op == "MatMul") {
            linear(n);
        } else if (op == "Add") {
            add_op(n);
        } else if (op == "BatchNormalization") {
            Node node = named(n, Op::kBatchNorm);
            node.eps = attr(n, "epsilon") ? attr(n, "epsilon")->f() : 1e-5;
            const char* roles[] = {"gamma", "beta", "mean", "var"};
            for (int i = 0; i < 4; ++i) node.params[roles[i]] = weight(n, in(i + 1), roles[i], 1);
            add(n, std::move(node), in(0));
        } else if (op == "Relu") {
            add(n, named(n, Op::kRelu), in(0));
        } else if (op == "Clip") {
            Node node = named(n, Op::kClip);
            node.clip_min = -std::numeric_limits<double>::infinity();
            node.clip_max = std::numeric_limits<double>::infinity();
            if (attr(n, "min")) node.clip_min = attr(n, "min")->f();
            if (attr(n, "max")) node.clip_max = attr(n, "max")->f();
            if (!in(1).empty()) node.clip_min = scalar(n, in(1));
            if (!in(2).empty()) node.clip_max = scalar(n, in(2));
            if (node.clip_min == 0 && std::isinf(node.clip_max)) node.op = Op::kRelu;
            add(n, std::move(node), in(0));
        } else if (op == "MaxPool" || op == "AveragePool") {
            pool(n, op == "MaxPool" ? Op::kMaxPool : Op::kAvgPool);
        } else if (op == "GlobalAveragePool") {
            add(n, named(n, Op::kGlobalAvgPool), in(0));
        } else if (op == "Flatten") {
            if (attr_int(n, "axis", 1) != 1) throw ModelError(where(n) + ": only axis 1 (keep the batch) is supported");
            add(n, named(n, Op::kFlatten), in(0));
        } else if (op == "Reshape") {
            const Const& shape = const_of(n, in(1), "shape");
            if (shape.values.size() != 2 || !(shape.values[1] == -1 || shape.values[0] <= 1))
                throw ModelError(where(n) + ": only a reshape to [batch, -1] (a flatten) is supported");
            add(n, named(n, Op::kFlatten), in(0));
        } else if (op == "Softmax") {
            const std::int64_t axis = attr_int(n, "axis", -1);
            if (axis != -1 && axis != 1)
                throw ModelError(where(n) + ": only a softmax over the last axis is supported");
            add(n, named(n, Op::kSoftmax), in(0));
        } else {
            throw ModelError(where(n) +
                             ": operator not supported (supported: Conv, Gemm, MatMul, Add, BatchNormalization, Relu, "
                             "Clip, MaxPool, AveragePool, GlobalAveragePool, Flatten, Reshape, Softmax, Identity, "
                             "Dropout, Constant, Pad, QuantizeLinear, DequantizeLinear)");
        }
    }

    const Const& const_of(const onnx::NodeProto& n, const std::string& name, const std::string& what) const {
        auto it = consts_.find(name);
        if (it == consts_.end() || !it->second.has_values)
            throw ModelError(where(n) + ": " + what + " '" + name + "' must be a constant with values");
        return it->second;
    }

    /// A constant's value as a whole number (a pad, a zero point); found by fuzz/onnx.cc: converting a float
    /// outside int64's range, or NaN, is undefined behaviour.
    std::int64_t whole(const onnx::NodeProto& n, float v, const std::string& what) const {
        if (!(v >= -2147483648.0f && v <= 2147483647.0f) || v != std::nearbyint(v))
            throw ModelError(where(n) + ": " + what + " " + std::to_string(v) + " is not a whole number in range");
        return static_cast<std::int64_t>(v);
    }

    double scalar(const onnx::NodeProto& n, const std::string& name) const {
        const Const& c = const_of(n, name, "input");
        if (c.values.size() != 1) throw ModelError(where(n) + ": '" + name + "' must be a scalar");
        return c.values[0];
    }

    void copy_quant(const std::string& from, const std::string& to) {
        auto it = act_quant_.find(from);
        if (it != act_quant_.end()) act_quant_[to] = it->second;
    }

    /// Per-tensor or per-axis scale and zero point of a (De)QuantizeLinear over a constant of shape `x`.
    struct AxisScales {
        std::vector<double> scale, zero;
        std::size_t inner = 1;  ///< elements after the scaled axis
        /// The scale and zero point index of flat element `i`.
        std::size_t at(std::size_t i) const { return scale.size() > 1 ? (i / inner) % scale.size() : 0; }
    };

    AxisScales scales(const onnx::NodeProto& n, const Shape& x) const {
        const Const& s = const_of(n, n.input(1), "scale");
        if (s.values.empty()) throw ModelError(where(n) + ": the scale is empty");
        std::vector<float> z(s.values.size(), 0.0f);
        if (n.input_size() > 2 && !n.input(2).empty()) z = const_of(n, n.input(2), "zero point").values;
        if (z.size() != s.values.size()) throw ModelError(where(n) + ": scale and zero point differ in size");
        AxisScales a;
        a.scale.assign(s.values.begin(), s.values.end());
        a.zero.assign(z.begin(), z.end());
        const auto axis_size = static_cast<std::int64_t>(s.values.size());
        if (axis_size > 1) {
            std::int64_t axis = attr_int(n, "axis", 1);
            if (axis < 0) axis += static_cast<std::int64_t>(x.size());
            if (axis < 0 || axis >= static_cast<std::int64_t>(x.size()) ||
                x[static_cast<std::size_t>(axis)] != axis_size)
                throw ModelError(where(n) + ": per-axis scale does not match axis " + std::to_string(axis));
            for (std::size_t i = static_cast<std::size_t>(axis) + 1; i < x.size(); ++i)
                a.inner *= static_cast<std::size_t>(x[i]);
        }
        return a;
    }

    bool zero_point_signed(const onnx::NodeProto& n) const {
        if (n.input_size() < 3 || n.input(2).empty()) return false;  // default zero point is uint8
        return const_of(n, n.input(2), "zero point").elem_type == onnx::TensorProto::INT8;
    }

    void quantize(const onnx::NodeProto& n) {
        const bool is_signed = zero_point_signed(n);
        if (is_const(n.input(0))) {
            const Const& x = const_of(n, n.input(0), "input");
            const AxisScales a = scales(n, x.shape);
            Const q = x;
            q.elem_type = is_signed ? onnx::TensorProto::INT8 : onnx::TensorProto::UINT8;
            const double lo = is_signed ? -128 : 0, hi = is_signed ? 127 : 255;
            for (std::size_t i = 0; i < q.values.size(); ++i)
                q.values[i] = static_cast<float>(
                    std::clamp(std::nearbyint(x.values[i] / a.scale[a.at(i)]) + a.zero[a.at(i)], lo, hi));
            consts_[n.output(0)] = q;
            return;
        }
        const Const& s = const_of(n, n.input(1), "scale");
        if (s.values.size() != 1) throw ModelError(where(n) + ": activations need a per-tensor scale");
        ActQuant q;
        q.source = source(n, n.input(0));
        q.scale = s.values[0];
        if (n.input_size() > 2 && !n.input(2).empty()) {
            const Const& z = const_of(n, n.input(2), "zero point");
            if (z.values.size() != 1) throw ModelError(where(n) + ": activations need a per-tensor zero point");
            q.zero_point = whole(n, z.values[0], "zero point");
        }
        q.is_signed = is_signed;
        pending_quant_[n.output(0)] = q;
    }

    void dequantize(const onnx::NodeProto& n) {
        if (is_const(n.input(0))) {
            const Const& x = const_of(n, n.input(0), "input");
            const AxisScales a = scales(n, x.shape);
            Const w = x;
            w.elem_type = onnx::TensorProto::FLOAT;
            w.bits = 8;
            w.scales = static_cast<std::int64_t>(a.scale.size());
            w.zero_points = std::any_of(a.zero.begin(), a.zero.end(), [](double z) { return z != 0; });
            for (std::size_t i = 0; i < w.values.size(); ++i)
                w.values[i] = static_cast<float>((x.values[i] - a.zero[a.at(i)]) * a.scale[a.at(i)]);
            consts_[n.output(0)] = w;
            return;
        }
        auto q = pending_quant_.find(n.input(0));
        if (q == pending_quant_.end())
            throw ModelError(where(n) + ": dequantizes '" + n.input(0) + "', which no QuantizeLinear made");
        producer_[n.output(0)] = q->second.source;
        act_quant_[n.output(0)] = q->second;
    }

    /// A zero Pad is dropped; a constant zero pad of the spatial sides is handed to the Conv or pooling after it.
    void pad(const onnx::NodeProto& n) {
        if (attr(n, "mode") && attr(n, "mode")->s() != "constant")
            throw ModelError(where(n) + ": only constant padding is supported");
        std::vector<std::int64_t> pads = attr_ints(n, "pads");
        if (n.input_size() > 1 && !n.input(1).empty())
            for (float v : const_of(n, n.input(1), "pads").values) pads.push_back(whole(n, v, "pads"));
        if (n.input_size() > 2 && !n.input(2).empty() && scalar(n, n.input(2)) != 0.0)
            throw ModelError(where(n) + ": only zero padding is supported");
        // [N, C, H, W] begins then ends: only H and W may be padded, equally on both sides.
        if (pads.size() != 8 || pads[0] || pads[1] || pads[4] || pads[5] || pads[2] != pads[6] || pads[3] != pads[7] ||
            pads[2] != pads[3])
            throw ModelError(where(n) + ": only equal zero padding of height and width is supported");
        producer_[n.output(0)] = source(n, n.input(0));
        copy_quant(n.input(0), n.output(0));
        if (pads[2] > 0) pending_pad_[n.output(0)] = pads[2];
    }

    /// Padding a Pad node left on value `input` for the layer reading it.
    std::int64_t taken_pad(const std::string& input) const {
        auto it = pending_pad_.find(input);
        return it == pending_pad_.end() ? 0 : it->second;
    }

    void conv(const onnx::NodeProto& n) {
        Node node = named(n, Op::kConv);
        auto it = consts_.find(n.input(1));
        if (it == consts_.end()) throw ModelError(where(n) + ": the weight must be a constant");
        const Const& wc = it->second;
        if (wc.shape.size() != 4) throw ModelError(where(n) + ": only 2-D convolutions are supported");
        node.groups = attr_int(n, "group", 1);
        node.out_channels = wc.shape[0];
        node.in_channels = wc.shape[1] * node.groups;
        node.kernel_h = wc.shape[2];
        node.kernel_w = wc.shape[3];
        for (auto d : attr_ints(n, "dilations"))
            if (d != 1) throw ModelError(where(n) + ": dilated convolutions are not supported");
        if (attr(n, "auto_pad") && attr(n, "auto_pad")->s() != "NOTSET")
            throw ModelError(where(n) + ": auto_pad is not supported (export with explicit pads)");
        const auto strides = attr_ints(n, "strides");
        if (strides.size() == 2) node.stride_h = strides[0], node.stride_w = strides[1];
        const auto pads = attr_ints(n, "pads");
        if (pads.size() == 4) {
            if (pads[0] != pads[2] || pads[1] != pads[3])
                throw ModelError(where(n) + ": asymmetric padding is not supported");
            node.pad_h = pads[0];
            node.pad_w = pads[1];
        }
        node.pad_h += taken_pad(n.input(0));
        node.pad_w += taken_pad(n.input(0));
        node.params["weight"] = weight(n, n.input(1), "weight", wc.shape[1] * wc.shape[2] * wc.shape[3]);
        weight_quant_of(n.input(1), node);
        if (n.input_size() > 2 && !n.input(2).empty()) node.params["bias"] = weight(n, n.input(2), "bias", 1);
        add(n, std::move(node), n.input(0));
    }

    void linear(const onnx::NodeProto& n) {
        Node node = named(n, Op::kLinear);
        const bool gemm = n.op_type() == "Gemm";
        if (gemm && (attr_int(n, "transA", 0) != 0 || (attr(n, "alpha") && attr(n, "alpha")->f() != 1.0f) ||
                     (attr(n, "beta") && attr(n, "beta")->f() != 1.0f)))
            throw ModelError(where(n) + ": only Gemm with alpha = beta = 1 and no transA is supported");
        const bool trans_b = gemm && attr_int(n, "transB", 0) != 0;
        auto it = consts_.find(n.input(1));
        if (it == consts_.end()) throw ModelError(where(n) + ": the second operand must be a constant weight");
        if (it->second.shape.size() != 2) throw ModelError(where(n) + ": the weight must be a matrix");
        const std::int64_t rows = it->second.shape[0], cols = it->second.shape[1];
        node.in_features = trans_b ? cols : rows;
        node.out_features = trans_b ? rows : cols;
        Tensor w = weight(n, n.input(1), "weight", node.in_features);
        if (!trans_b) {  // stored [in, out]: our layout is [out, in]
            Tensor t({node.out_features, node.in_features});
            for (std::int64_t i = 0; i < rows; ++i)
                for (std::int64_t j = 0; j < cols; ++j)
                    t.values[static_cast<std::size_t>(j * rows + i)] = w.values[static_cast<std::size_t>(i * cols + j)];
            w = std::move(t);
        }
        node.params["weight"] = std::move(w);
        weight_quant_of(n.input(1), node);
        if (gemm && n.input_size() > 2 && !n.input(2).empty()) {
            Tensor b = weight(n, n.input(2), "bias", 1);
            if (b.size() != node.out_features) throw ModelError(where(n) + ": bias size does not match the outputs");
            b.shape = {node.out_features};
            node.params["bias"] = std::move(b);
        }
        add(n, std::move(node), n.input(0));
    }

    void add_op(const onnx::NodeProto& n) {
        const bool c0 = is_const(n.input(0)), c1 = is_const(n.input(1));
        if (c0 && c1) throw ModelError(where(n) + ": adds two constants");
        if (!c0 && !c1) {
            Node node = named(n, Op::kAdd);
            const int a = source(n, n.input(0)), b = source(n, n.input(1));
            add(n, std::move(node), n.input(0));
            graph_.nodes.back().inputs = {a, b};
            return;
        }
        // A constant added to a layer without bias (MatMul + Add): it becomes that layer's bias.
        const std::string& value = c0 ? n.input(1) : n.input(0);
        const int src = source(n, value);
        if (src < 0 || src != static_cast<int>(graph_.nodes.size()) - 1)
            throw ModelError(where(n) + ": adding a constant is supported only as the bias of the layer just before");
        Node& layer = graph_.nodes[static_cast<std::size_t>(src)];
        if (layer.op != Op::kLinear || layer.has("bias"))
            throw ModelError(where(n) + ": adding a constant is supported only as the bias of a MatMul");
        Tensor b = weight(n, c0 ? n.input(0) : n.input(1), "bias", 1);
        if (b.size() != layer.out_features) throw ModelError(where(n) + ": bias size does not match the outputs");
        b.shape = {layer.out_features};
        layer.params["bias"] = std::move(b);
        producer_[n.output(0)] = src;
    }

    void pool(const onnx::NodeProto& n, Op op) {
        Node node = named(n, op);
        const auto k = attr_ints(n, "kernel_shape");
        if (k.size() != 2 || k[0] != k[1]) throw ModelError(where(n) + ": only square 2-D windows are supported");
        if (attr_int(n, "ceil_mode", 0) != 0) throw ModelError(where(n) + ": ceil_mode is not supported");
        node.pool_kernel = k[0];
        const auto s = attr_ints(n, "strides");
        node.pool_stride = s.empty() ? 1 : s[0];
        if (s.size() == 2 && s[0] != s[1]) throw ModelError(where(n) + ": only equal strides are supported");
        const auto p = attr_ints(n, "pads");
        node.pool_pad = p.empty() ? 0 : p[0];
        for (auto v : p)
            if (v != node.pool_pad) throw ModelError(where(n) + ": only equal pads on all sides are supported");
        node.count_include_pad = attr_int(n, "count_include_pad", 0) != 0;
        if (const std::int64_t extra = taken_pad(n.input(0)); extra > 0) {
            if (op == Op::kMaxPool) throw ModelError(where(n) + ": a zero Pad before a MaxPool is not supported");
            if (node.pool_pad > 0 && !node.count_include_pad)
                throw ModelError(where(n) + ": a Pad before an AveragePool that excludes its own padding");
            node.pool_pad += extra;
            node.count_include_pad = true;  // the Pad's zeros are real inputs to the average
        }
        add(n, std::move(node), n.input(0));
    }

    std::string path_;
    OnnxImportOptions options_;
    Graph graph_;
    std::map<std::string, Const> consts_;
    std::map<std::string, int> producer_;
    std::map<std::string, ActQuant> pending_quant_, act_quant_;
    std::map<std::string, std::int64_t> pending_pad_;
    bool synthesized_ = false;
};

}  // namespace

Graph import_onnx(const std::string& path, const OnnxImportOptions& options) {
    return Importer(path, options).run();
}

Graph import_onnx_bytes(const std::string& bytes, const std::string& name, const OnnxImportOptions& options) {
    return Importer(name, options).run(&bytes);
}

void apply_bit_sidecar(Graph& graph, const std::string& yaml_path) {
    YAML::Node root;
    try {
        root = YAML::LoadFile(yaml_path);
    } catch (const YAML::Exception& e) {
        throw ModelError(yaml_path + ": " + e.what());
    }
    auto at = [&](const YAML::Node& n) {
        return yaml_path + ":" + std::to_string(n.Mark().line + 1) + ":" + std::to_string(n.Mark().column + 1);
    };
    if (!root.IsMap() || !root["layers"] || !root["layers"].IsMap())
        throw ModelError(yaml_path + ": expected a map with a 'layers:' map of layer names");
    for (const auto& entry : root["layers"]) {
        const std::string layer = entry.first.as<std::string>();
        const int idx = graph.find(layer);
        if (idx < 0) throw ModelError(at(entry.first) + ": layers." + layer + ": no layer of that name in the network");
        if (!entry.second.IsMap()) throw ModelError(at(entry.second) + ": layers." + layer + ": expected a map");
        Node& node = graph.nodes[static_cast<std::size_t>(idx)];
        for (const auto& kv : entry.second) {
            const std::string key = kv.first.as<std::string>();
            int* field = key == "weight_bits"       ? &node.weight_bits
                         : key == "activation_bits" ? &node.activation_bits
                                                    : nullptr;
            if (!field)
                throw ModelError(at(kv.first) + ": layers." + layer + "." + key +
                                 ": unknown key (known: weight_bits, activation_bits)");
            int bits = 0;
            try {
                bits = kv.second.as<int>();
            } catch (const YAML::Exception&) {
                bits = -1;
            }
            if (bits < 1 || bits > 32)
                throw ModelError(at(kv.second) + ": layers." + layer + "." + key + ": expected a bit width in 1..32");
            *field = bits;
        }
    }
}

}  // namespace qdes::nn
