#include "protocols/inference/topology.h"

#include <algorithm>
#include <charconv>
#include <fstream>
#include <map>
#include <sstream>

#include "sim/diagnostics.h"
#include "sim/text.h"

namespace qdes::inference {

using accel::AccelInputError;

namespace {

/// Splits a CSV row; a trailing comma (SCALE-Sim writes one) adds no field.
std::vector<std::string> split_row(const std::string& line) {
    std::vector<std::string> fields;
    std::string field;
    std::istringstream in(line);
    while (std::getline(in, field, ',')) fields.push_back(trim(field));
    while (!fields.empty() && fields.back().empty()) fields.pop_back();
    return fields;
}

/// A positive whole number, or a message naming the column.
std::uint64_t positive(const std::string& text, const std::string& column, const std::string& where) {
    std::int64_t v = 0;
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
    if (text.empty() || ec != std::errc() || end != text.data() + text.size())
        throw AccelInputError(where + ": " + column + " \"" + text + "\" is not a whole number");
    if (v <= 0) throw AccelInputError(where + ": " + column + " is " + text + "; it must be positive");
    return std::uint64_t(v);
}

void check_conv(const Layer& l) {
    if (l.R > l.H || l.S > l.W)
        throw AccelInputError(l.source + ": layer \"" + l.name + "\": filter " + std::to_string(l.R) + "x" +
                              std::to_string(l.S) + " is larger than its input " + std::to_string(l.H) + "x" +
                              std::to_string(l.W));
}

}  // namespace

std::vector<Layer> parse_topology_csv(const std::string& text, const std::string& name, bool gemm) {
    std::istringstream in(text);
    std::string line;
    int line_no = 0;
    std::vector<Layer> layers;
    bool header_seen = false, has_sparsity = false;
    while (std::getline(in, line)) {
        ++line_no;
        if (trim(line).empty()) continue;
        const std::vector<std::string> f = split_row(line);
        const std::string where = name + ":" + std::to_string(line_no);
        if (!header_seen) {
            header_seen = true;
            const bool looks_gemm = f.size() == 4;
            if (!gemm && looks_gemm)
                throw AccelInputError(where + ": the header has 4 columns (Layer, M, N, K): a GEMM topology; "
                                              "read it with --gemm");
            if (gemm && !looks_gemm)
                throw AccelInputError(where + ": --gemm expects the header \"Layer, M, N, K,\"; this one has " +
                                      std::to_string(f.size()) + " columns");
            if (!gemm && f.size() != 8 && f.size() != 9)
                throw AccelInputError(where + ": a convolution topology header has 8 columns (Layer name, IFMAP "
                                              "Height, IFMAP Width, Filter Height, Filter Width, Channels, Num "
                                              "Filter, Strides) or 9 with Sparsity; this one has " +
                                      std::to_string(f.size()));
            has_sparsity = f.size() == 9;
            continue;
        }
        Layer l;
        l.source = where;
        const std::size_t want = gemm ? 4 : (has_sparsity ? 9 : 8);
        if (f.size() != want)
            throw AccelInputError(where + ": expected " + std::to_string(want) + " fields, found " +
                                  std::to_string(f.size()) + " in \"" + trim(line) + "\"");
        l.name = f[0];
        if (l.name.empty()) throw AccelInputError(where + ": the layer has no name");
        if (gemm) {
            l.kind = Layer::Kind::kGemm;
            l.M = positive(f[1], "M", where);
            l.N = positive(f[2], "N", where);
            l.K = positive(f[3], "K", where);
        } else {
            l.kind = Layer::Kind::kConv;
            l.H = positive(f[1], "IFMAP Height", where);
            l.W = positive(f[2], "IFMAP Width", where);
            l.R = positive(f[3], "Filter Height", where);
            l.S = positive(f[4], "Filter Width", where);
            l.C = positive(f[5], "Channels", where);
            l.F = positive(f[6], "Num Filter", where);
            l.stride = positive(f[7], "Strides", where);
            check_conv(l);
            if (has_sparsity) l.sparsity = accel::parse_nm(f[8], where);
        }
        layers.push_back(std::move(l));
    }
    if (layers.empty()) throw AccelInputError(name + ": no layers (a header and at least one row are needed)");
    return layers;
}

std::vector<Layer> read_topology_csv(const std::string& path, bool gemm) {
    std::ifstream in(path);
    if (!in) throw AccelInputError(path + ": cannot open the topology file");
    std::ostringstream text;
    text << in.rdbuf();
    return parse_topology_csv(text.str(), path, gemm);
}

Layer parse_layer_spec(const std::string& text, const std::string& where) {
    const auto colon = text.find(':');
    if (colon == std::string::npos)
        throw AccelInputError(where + ": \"" + text + "\" is not \"name: kind key=value ...\"");
    Layer l;
    l.source = where;
    l.name = trim(text.substr(0, colon));
    if (l.name.empty()) throw AccelInputError(where + ": the layer has no name");
    std::istringstream words(text.substr(colon + 1));
    std::string kind;
    words >> kind;
    const std::map<std::string, Layer::Kind> kinds = {
        {"conv", Layer::Kind::kConv}, {"dwconv", Layer::Kind::kDepthwiseConv}, {"gemm", Layer::Kind::kGemm}};
    if (!kinds.count(kind))
        throw AccelInputError(where + ": layer \"" + l.name + "\": kind \"" + kind + "\" is not conv, dwconv or gemm" +
                              did_you_mean(kind, {"conv", "dwconv", "gemm"}));
    l.kind = kinds.at(kind);
    std::map<std::string, std::string> kv;
    for (std::string word; words >> word;) {
        const auto eq = word.find('=');
        if (eq == std::string::npos || eq == 0 || eq + 1 == word.size())
            throw AccelInputError(where + ": layer \"" + l.name + "\": \"" + word + "\" is not key=value");
        kv[to_lower(word.substr(0, eq))] = word.substr(eq + 1);
    }
    const bool is_gemm = l.kind == Layer::Kind::kGemm;
    std::vector<std::string> dims = is_gemm ? std::vector<std::string>{"m", "n", "k"}
                                            : std::vector<std::string>{"h", "w", "r", "s", "c"};
    if (l.kind == Layer::Kind::kConv) dims.push_back("f");
    std::vector<std::string> allowed = dims;
    for (const char* k : {"wbits", "ibits", "obits", "sparsity", "density", "format"}) allowed.push_back(k);
    if (!is_gemm) allowed.push_back("stride");
    for (const auto& [k, v] : kv)
        if (std::find(allowed.begin(), allowed.end(), k) == allowed.end())
            throw AccelInputError(where + ": layer \"" + l.name + "\": unknown key \"" + k + "\" for " + kind +
                                  did_you_mean(k, allowed));
    const std::string at = where + ": layer \"" + l.name + "\"";
    const auto get = [&](const std::string& k) -> std::uint64_t {
        if (!kv.count(k)) throw AccelInputError(at + ": " + kind + " needs " + k + "=");
        return positive(kv.at(k), k, at);
    };
    if (is_gemm) {
        l.M = get("m"), l.N = get("n"), l.K = get("k");
    } else {
        l.H = get("h"), l.W = get("w"), l.R = get("r"), l.S = get("s"), l.C = get("c");
        l.F = l.kind == Layer::Kind::kConv ? get("f") : 1;
        l.stride = kv.count("stride") ? positive(kv.at("stride"), "stride", at) : 1;
        check_conv(l);
    }
    if (kv.count("wbits") || kv.count("ibits") || kv.count("obits")) {
        accel::Precision p;
        const auto bits = [&](const char* k, std::uint32_t fallback) {
            return kv.count(k) ? std::uint32_t(positive(kv.at(k), k, at)) : fallback;
        };
        p.weight_bits = bits("wbits", 8), p.input_bits = bits("ibits", 8), p.output_bits = bits("obits", 8);
        l.precision = p;
    }
    if (kv.count("sparsity") && kv.count("density"))
        throw AccelInputError(at + ": give sparsity=N:M or density=, not both");
    if (kv.count("format") && !kv.count("density"))
        throw AccelInputError(at + ": format= applies to density= (unstructured sparsity)");
    if (kv.count("sparsity")) l.sparsity = accel::parse_nm(kv.at("sparsity"), at);
    if (kv.count("density")) {
        accel::Sparsity s;
        s.kind = accel::Sparsity::Kind::kUnstructured;
        const std::string& d = kv.at("density");
        auto [end, ec] = std::from_chars(d.data(), d.data() + d.size(), s.density);
        if (ec != std::errc() || end != d.data() + d.size() || !(s.density > 0 && s.density <= 1))
            throw AccelInputError(at + ": density \"" + d + "\" must be a number in (0, 1]");
        const std::string format = kv.count("format") ? kv.at("format") : "bitmap";
        if (format == "bitmap") s.format = accel::Sparsity::Format::kBitmap;
        else if (format == "csr") s.format = accel::Sparsity::Format::kCsr;
        else throw AccelInputError(at + ": format \"" + format + "\" is not bitmap or csr");
        l.sparsity = s;
    }
    return l;
}

std::vector<accel::GemmOp> lower(const std::vector<Layer>& layers, const LoweringOptions& options) {
    std::vector<accel::GemmOp> ops;
    ops.reserve(layers.size());
    for (const Layer& l : layers) {
        accel::GemmOp op;
        op.name = l.name;
        op.source = l.source;
        op.precision = l.precision.value_or(options.precision);
        op.sparsity = l.sparsity.value_or(options.sparsity);
        if (l.kind == Layer::Kind::kGemm) {
            op.M = l.M, op.N = l.N, op.K = l.K;
        } else {
            const std::uint64_t eh = conv_output_side(l.H, l.R, l.stride);
            const std::uint64_t ew = conv_output_side(l.W, l.S, l.stride);
            const bool depthwise = l.kind == Layer::Kind::kDepthwiseConv ||
                                   (options.single_filter_is_depthwise && l.F == 1 && l.C > 1);
            op.M = eh * ew;
            if (depthwise) {
                op.N = 1, op.K = l.R * l.S, op.groups = l.C, op.input_elements = l.H * l.W;
            } else {
                op.N = l.F, op.K = l.R * l.S * l.C, op.input_elements = l.H * l.W * l.C;
            }
        }
        accel::validate(op);
        ops.push_back(std::move(op));
    }
    return ops;
}

}  // namespace qdes::inference
