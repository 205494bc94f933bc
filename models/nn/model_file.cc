#include "models/nn/model_file.h"

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <set>

#include "sim/h5.h"

namespace qdes::nn {

namespace {

constexpr std::uint64_t kFormatVersion = 1;

struct IntAttr {
    const char* key;
    std::int64_t Node::*field;
    std::vector<Op> ops;
    bool required;
};
struct RealAttr {
    const char* key;
    double Node::*field;
    std::vector<Op> ops;
    bool required;
};

const std::vector<IntAttr>& int_attrs() {
    static const std::vector<IntAttr> a{
        {"in_channels", &Node::in_channels, {Op::kConv}, true},
        {"out_channels", &Node::out_channels, {Op::kConv}, true},
        {"kernel_h", &Node::kernel_h, {Op::kConv}, true},
        {"kernel_w", &Node::kernel_w, {Op::kConv}, true},
        {"stride_h", &Node::stride_h, {Op::kConv}, false},
        {"stride_w", &Node::stride_w, {Op::kConv}, false},
        {"pad_h", &Node::pad_h, {Op::kConv}, false},
        {"pad_w", &Node::pad_w, {Op::kConv}, false},
        {"groups", &Node::groups, {Op::kConv}, false},
        {"in_features", &Node::in_features, {Op::kLinear}, true},
        {"out_features", &Node::out_features, {Op::kLinear}, true},
        {"kernel", &Node::pool_kernel, {Op::kMaxPool, Op::kAvgPool}, true},
        {"stride", &Node::pool_stride, {Op::kMaxPool, Op::kAvgPool}, false},
        {"pad", &Node::pool_pad, {Op::kMaxPool, Op::kAvgPool}, false},
        {"d_model", &Node::d_model, {Op::kMoe}, true},
        {"d_ff", &Node::d_ff, {Op::kMoe}, true},
        {"experts", &Node::experts, {Op::kMoe}, true},
        {"top_k", &Node::top_k, {Op::kMoe}, true},
    };
    return a;
}

const std::vector<RealAttr>& real_attrs() {
    static const std::vector<RealAttr> a{
        {"eps", &Node::eps, {Op::kBatchNorm}, false},
        {"min", &Node::clip_min, {Op::kClip}, true},
        {"max", &Node::clip_max, {Op::kClip}, true},
        {"capacity_factor", &Node::capacity_factor, {Op::kMoe}, true},
    };
    return a;
}

std::vector<std::string> param_roles(Op op) {
    switch (op) {
        case Op::kConv:
        case Op::kLinear:
            return {"weight", "bias"};
        case Op::kBatchNorm:
            return {"gamma", "beta", "mean", "var"};
        case Op::kMoe:
            return {"router_weight", "router_bias", "fc1_weight", "fc1_bias", "fc2_weight", "fc2_bias"};
        default:
            return {};
    }
}

bool applies(const std::vector<Op>& ops, Op op) {
    for (Op o : ops)
        if (o == op) return true;
    return false;
}

Shape parse_shape(const std::string& text, const std::string& where) {
    Shape s;
    std::size_t at = 0;
    while (at <= text.size()) {
        const std::size_t comma = std::min(text.find(',', at), text.size());
        const std::string item = text.substr(at, comma - at);
        try {
            std::size_t used = 0;
            const long long v = std::stoll(item, &used);
            if (used != item.size() || v <= 0) throw std::invalid_argument("");
            s.push_back(v);
        } catch (const std::exception&) {
            throw ModelError(where + ": '" + text + "' is not a list of positive sizes like 1,28,28");
        }
        at = comma + 1;
    }
    return s;
}

Tensor tensor_of(const h5::Array<float>& a) {
    Tensor t;
    for (auto d : a.dims) t.shape.push_back(static_cast<std::int64_t>(d));
    t.values = a.values;
    return t;
}

std::vector<std::uint64_t> dims_of(const Tensor& t) {
    return std::vector<std::uint64_t>(t.shape.begin(), t.shape.end());
}

Node read_node(hid_t layers, const std::string& group, const std::string& path, const Graph& graph) {
    h5::Handle g = h5::open_group(layers, group);
    const std::string where = path + ": /layers/" + group;
    auto need = [&](const char* key) {
        if (!h5::has_attribute(g.id(), key)) throw ModelError(where + ": missing attribute '" + key + "'");
    };
    Node node;
    need("op");
    node.op = op_from_name(h5::read_string_attribute(g.id(), "op"), where + ": attribute 'op'");
    node.name = h5::has_attribute(g.id(), "name") ? h5::read_string_attribute(g.id(), "name") : group;
    if (graph.find(node.name) >= 0) throw ModelError(where + ": a second node named '" + node.name + "'");
    if (h5::has_attribute(g.id(), "inputs")) {
        const std::string text = h5::read_string_attribute(g.id(), "inputs");
        std::size_t at = 0;
        while (!text.empty() && at <= text.size()) {
            const std::size_t comma = std::min(text.find(',', at), text.size());
            const std::string in = text.substr(at, comma - at);
            const int idx = in == "input" ? -1 : graph.find(in);
            if (in != "input" && idx < 0)
                throw ModelError(where + ": attribute 'inputs' names '" + in +
                                 "', which is not an earlier node (nor 'input')");
            node.inputs.push_back(idx);
            at = comma + 1;
        }
    }
    for (const auto& a : int_attrs()) {
        if (!applies(a.ops, node.op)) continue;
        if (a.required) need(a.key);
        if (!h5::has_attribute(g.id(), a.key)) continue;
        const double v = h5::read_number_attribute(g.id(), a.key);
        if (v != static_cast<double>(static_cast<std::int64_t>(v)) || v < 0)
            throw ModelError(where + ": attribute '" + a.key + "' = " + std::to_string(v) +
                             " is not a non-negative integer");
        node.*a.field = static_cast<std::int64_t>(v);
    }
    for (const auto& a : real_attrs()) {
        if (!applies(a.ops, node.op)) continue;
        if (a.required) need(a.key);
        if (h5::has_attribute(g.id(), a.key)) node.*a.field = h5::read_number_attribute(g.id(), a.key);
    }
    if (node.op == Op::kAvgPool && h5::has_attribute(g.id(), "count_include_pad"))
        node.count_include_pad = h5::read_number_attribute(g.id(), "count_include_pad") != 0;
    if (h5::has_attribute(g.id(), "weight_bits"))
        node.weight_bits = static_cast<int>(h5::read_number_attribute(g.id(), "weight_bits"));
    if (h5::has_attribute(g.id(), "activation_bits"))
        node.activation_bits = static_cast<int>(h5::read_number_attribute(g.id(), "activation_bits"));
    if (h5::has_attribute(g.id(), "weight_scales"))
        node.weight_scales = static_cast<std::int64_t>(h5::read_number_attribute(g.id(), "weight_scales"));
    if (h5::has_attribute(g.id(), "weight_zero_points"))
        node.weight_zero_points = h5::read_number_attribute(g.id(), "weight_zero_points") != 0;
    if (h5::has_attribute(g.id(), "input_scale")) {
        node.input_scale = h5::read_number_attribute(g.id(), "input_scale");
        if (h5::has_attribute(g.id(), "input_zero_point"))
            node.input_zero_point = static_cast<std::int64_t>(h5::read_number_attribute(g.id(), "input_zero_point"));
        if (h5::has_attribute(g.id(), "input_signed"))
            node.input_signed = h5::read_number_attribute(g.id(), "input_signed") != 0;
    }
    if (node.weight_bits < 0 || node.weight_bits > 32 || node.activation_bits < 0 || node.activation_bits > 32)
        throw ModelError(where + ": bit widths must lie in 0..32");
    const std::vector<std::string> roles = param_roles(node.op);
    auto known = [&](const std::string& r) { return std::find(roles.begin(), roles.end(), r) != roles.end(); };
    for (const std::string& member : h5::member_names(g.id())) {
        const bool is_mask = member.size() > 5 && member.compare(member.size() - 5, 5, "_mask") == 0;
        const std::string role = is_mask ? member.substr(0, member.size() - 5) : member;
        if (!known(role)) {
            std::string list;
            for (const auto& r : roles) list += (list.empty() ? "" : ", ") + r;
            throw ModelError(where + ": dataset '" + member + "' is not a weight of a " + op_name(node.op) + " node (" +
                             (list.empty() ? "it has none" : "known: " + list + ", and <role>_mask") + ")");
        }
        Tensor t;
        try {
            t = tensor_of(h5::read_float_array(g.id(), member));
        } catch (const h5::Error& e) {
            throw ModelError(where + "/" + member + ": " + e.what());
        }
        (is_mask ? node.masks : node.params)[role] = std::move(t);
    }
    return node;
}

}  // namespace

Graph read_model(const std::string& path) {
    if (!std::filesystem::exists(path)) throw ModelError(path + ": no such model file");
    h5::silence_library_errors();
    h5::Handle file;
    try {
        file = h5::open_file_read(path);
    } catch (const h5::Error&) {
        throw ModelError(path + ": not an HDF5 file");
    }
    Graph graph;
    const hid_t root = file.id();
    if (!h5::has_attribute(root, "format") || h5::read_string_attribute(root, "format") != "qdes-nn")
        throw ModelError(path + ": not a qdes model file (root attribute 'format' is not 'qdes-nn')");
    if (h5::has_attribute(root, "format_version") &&
        h5::read_number_attribute(root, "format_version") > static_cast<double>(kFormatVersion))
        throw ModelError(path + ": format_version " +
                         std::to_string(static_cast<int>(h5::read_number_attribute(root, "format_version"))) +
                         " is newer than this qdes reads (" + std::to_string(kFormatVersion) + ")");
    if (!h5::has_attribute(root, "input_shape")) throw ModelError(path + ": missing root attribute 'input_shape'");
    graph.input_shape = parse_shape(h5::read_string_attribute(root, "input_shape"), path + ": attribute 'input_shape'");
    if (h5::has_attribute(root, "model_name")) graph.name = h5::read_string_attribute(root, "model_name");
    if (h5::has_attribute(root, "dataset")) graph.dataset = h5::read_string_attribute(root, "dataset");
    if (h5::has_attribute(root, "synthetic_weights"))
        graph.synthetic_weights = h5::read_number_attribute(root, "synthetic_weights") != 0;
    if (!h5::has_link(root, "layers")) throw ModelError(path + ": no /layers group");
    h5::Handle layers = h5::open_group(root, "layers");
    for (const std::string& group : h5::member_names(layers.id()))
        graph.nodes.push_back(read_node(layers.id(), group, path, graph));
    if (graph.nodes.empty()) throw ModelError(path + ": /layers is empty");
    try {
        graph.infer();
    } catch (const ModelError& e) {
        throw ModelError(path + ": " + e.what());
    }
    return graph;
}

std::optional<ReferenceOutputs> read_reference(const std::string& path) {
    h5::silence_library_errors();
    h5::Handle file = h5::open_file_read(path);
    if (!h5::has_link(file.id(), "reference")) return std::nullopt;
    h5::Handle g = h5::open_group(file.id(), "reference");
    ReferenceOutputs r;
    if (h5::has_attribute(g.id(), "dataset")) r.dataset = h5::read_string_attribute(g.id(), "dataset");
    if (h5::has_attribute(g.id(), "top1")) r.top1 = h5::read_number_attribute(g.id(), "top1");
    r.logits = tensor_of(h5::read_float_array(g.id(), "logits"));
    return r;
}

void write_model(const std::string& path, const Graph& graph, const std::string& provenance) {
    graph.infer();
    const std::string tmp = path + ".partial";
    std::filesystem::remove(tmp);
    h5::silence_library_errors();
    {
        h5::Handle file = h5::create_file(tmp);
        const hid_t root = file.id();
        h5::write_attribute(root, "format", std::string("qdes-nn"));
        h5::write_attribute(root, "format_version", kFormatVersion);
        h5::write_attribute(root, "model_name", graph.name);
        h5::write_attribute(root, "dataset", graph.dataset);
        std::string shape;
        for (auto d : graph.input_shape) shape += (shape.empty() ? "" : ",") + std::to_string(d);
        h5::write_attribute(root, "input_shape", shape);
        h5::write_attribute(root, "provenance", provenance);
        h5::write_attribute(root, "synthetic_weights", static_cast<std::uint64_t>(graph.synthetic_weights));
        h5::Handle layers = h5::create_group(root, "layers");
        char prefix[32];
        for (std::size_t i = 0; i < graph.nodes.size(); ++i) {
            const Node& node = graph.nodes[i];
            std::snprintf(prefix, sizeof prefix, "%03zu_", i);
            h5::Handle g = h5::create_group(layers.id(), prefix + node.name);
            h5::write_attribute(g.id(), "op", std::string(op_name(node.op)));
            h5::write_attribute(g.id(), "name", node.name);
            std::string inputs;
            for (int j : node.inputs)
                inputs += (inputs.empty() ? "" : ",") +
                          (j < 0 ? std::string("input") : graph.nodes[static_cast<std::size_t>(j)].name);
            h5::write_attribute(g.id(), "inputs", inputs);
            for (const auto& a : int_attrs())
                if (applies(a.ops, node.op))
                    h5::write_attribute(g.id(), a.key, static_cast<std::uint64_t>(node.*a.field));
            for (const auto& a : real_attrs())
                if (applies(a.ops, node.op)) h5::write_attribute(g.id(), a.key, node.*a.field);
            if (node.op == Op::kAvgPool)
                h5::write_attribute(g.id(), "count_include_pad", static_cast<std::uint64_t>(node.count_include_pad));
            if (node.weight_bits)
                h5::write_attribute(g.id(), "weight_bits", static_cast<std::uint64_t>(node.weight_bits));
            if (node.activation_bits)
                h5::write_attribute(g.id(), "activation_bits", static_cast<std::uint64_t>(node.activation_bits));
            if (node.weight_scales > 0) {
                h5::write_attribute(g.id(), "weight_scales", static_cast<std::uint64_t>(node.weight_scales));
                h5::write_attribute(g.id(), "weight_zero_points", static_cast<std::uint64_t>(node.weight_zero_points));
            }
            if (node.input_scale > 0) {
                h5::write_attribute(g.id(), "input_scale", node.input_scale);
                h5::write_attribute(g.id(), "input_zero_point", static_cast<double>(node.input_zero_point));
                h5::write_attribute(g.id(), "input_signed", static_cast<std::uint64_t>(node.input_signed));
            }
            for (const auto& [role, t] : node.params) h5::write_array(g.id(), role, dims_of(t), t.data());
            for (const auto& [role, t] : node.masks) h5::write_array(g.id(), role + "_mask", dims_of(t), t.data());
        }
    }
    std::filesystem::rename(tmp, path);
}

}  // namespace qdes::nn
