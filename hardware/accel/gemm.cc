#include "hardware/accel/gemm.h"

#include <charconv>
#include <cstdio>

namespace qdes::accel {

std::uint64_t GemmOp::effective_k() const {
    if (sparsity.kind != Sparsity::Kind::kNM) return K;
    return (K * sparsity.n + sparsity.m - 1) / sparsity.m;
}

static std::string prefix(const GemmOp& op) {
    std::string where = op.source.empty() ? std::string() : op.source + ": ";
    return where + "layer \"" + op.name + "\": ";
}

void validate(const GemmOp& op) {
    if (op.M == 0 || op.N == 0 || op.K == 0 || op.groups == 0)
        throw AccelInputError(prefix(op) + "dimensions must be positive (M " + std::to_string(op.M) + ", N " +
                              std::to_string(op.N) + ", K " + std::to_string(op.K) + ", groups " +
                              std::to_string(op.groups) + ")");
    const auto check_bits = [&](std::uint32_t bits, const char* what) {
        if (bits < 2 || bits > 32)
            throw AccelInputError(prefix(op) + what + " precision of " + std::to_string(bits) +
                                  " bits: must be 2 to 32 bits");
    };
    check_bits(op.precision.weight_bits, "weight");
    check_bits(op.precision.input_bits, "input");
    check_bits(op.precision.output_bits, "output");
    const Sparsity& s = op.sparsity;
    if (s.kind == Sparsity::Kind::kNM && (s.m == 0 || s.n == 0 || s.n > s.m))
        throw AccelInputError(prefix(op) + "N:M sparsity " + std::to_string(s.n) + ":" + std::to_string(s.m) +
                              " needs 1 <= N <= M");
    if (s.kind == Sparsity::Kind::kUnstructured && !(s.density > 0 && s.density <= 1))
        throw AccelInputError(prefix(op) + "weight density " + std::to_string(s.density) + " must be in (0, 1]");
}

Sparsity parse_nm(const std::string& text, const std::string& where) {
    const auto colon = text.find(':');
    std::uint32_t n = 0, m = 0;
    const auto parse = [](std::string_view t, std::uint32_t& v) {
        while (!t.empty() && t.front() == ' ') t.remove_prefix(1);
        while (!t.empty() && t.back() == ' ') t.remove_suffix(1);
        auto [end, ec] = std::from_chars(t.data(), t.data() + t.size(), v);
        return ec == std::errc() && end == t.data() + t.size() && !t.empty();
    };
    if (colon == std::string::npos || !parse(std::string_view(text).substr(0, colon), n) ||
        !parse(std::string_view(text).substr(colon + 1), m))
        throw AccelInputError(where + ": sparsity \"" + text + "\" is not N:M (for example 2:4)");
    if (m == 0 || n == 0 || n > m)
        throw AccelInputError(where + ": N:M sparsity " + text + " needs 1 <= N <= M");
    Sparsity s;
    if (n == m) return s;  // n:n keeps every weight
    s.kind = Sparsity::Kind::kNM;
    s.n = n;
    s.m = m;
    return s;
}

std::string to_string(const Sparsity& s) {
    switch (s.kind) {
        case Sparsity::Kind::kDense: return "dense";
        case Sparsity::Kind::kNM: return std::to_string(s.n) + ":" + std::to_string(s.m);
        case Sparsity::Kind::kUnstructured: {
            char buf[64];
            std::snprintf(buf, sizeof buf, "density %.3g %s", s.density,
                          s.format == Sparsity::Format::kBitmap ? "bitmap" : "csr");
            return buf;
        }
    }
    return "?";
}

}  // namespace qdes::accel
