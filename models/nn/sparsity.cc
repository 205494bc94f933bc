#include "models/nn/sparsity.h"

#include <cmath>
#include <cstdio>

#include "models/nn/prune.h"

namespace qdes::nn {

namespace {

WeightSparsity measure(const std::string& layer, const std::string& role, const Tensor& w, bool conv) {
    WeightSparsity s;
    s.layer = layer;
    s.role = role;
    s.shape = w.shape;
    s.nnz_dense = w.size();
    double sum = 0, sum_abs = 0, sum_sq = 0;
    for (float v : w.values) {
        s.nnz += v != 0.0f;
        sum += v;
        sum_abs += std::abs(v);
        sum_sq += static_cast<double>(v) * v;
    }
    const double n = static_cast<double>(std::max<std::int64_t>(s.nnz_dense, 1));
    s.fine = 1.0 - static_cast<double>(s.nnz) / n;
    s.mean = sum / n;
    s.abs_mean = sum_abs / n;
    s.std = std::sqrt(std::max(0.0, sum_sq / n - s.mean * s.mean));
    // View as a [rows, cols] matrix: rows = first dimension, cols = the rest.
    const std::int64_t R = w.shape.empty() ? 1 : w.shape[0], C = s.nnz_dense / std::max<std::int64_t>(R, 1);
    std::vector<bool> row_nz(static_cast<std::size_t>(R)), col_nz(static_cast<std::size_t>(C));
    for (std::int64_t r = 0; r < R; ++r)
        for (std::int64_t c = 0; c < C; ++c)
            if (w.values[static_cast<std::size_t>(r * C + c)] != 0.0f) {
                row_nz[static_cast<std::size_t>(r)] = true;
                col_nz[static_cast<std::size_t>(c)] = true;
            }
    auto zero_fraction = [](const std::vector<bool>& nz) {
        std::int64_t z = 0;
        for (bool b : nz) z += !b;
        return nz.empty() ? 0.0 : static_cast<double>(z) / static_cast<double>(nz.size());
    };
    s.rows = zero_fraction(row_nz);
    s.cols = zero_fraction(col_nz);
    if (conv && w.shape.size() == 4) {
        const std::int64_t K = w.shape[0], Ci = w.shape[1], rs = w.shape[2] * w.shape[3];
        std::vector<bool> kernel_nz(static_cast<std::size_t>(K * Ci)), channel_nz(static_cast<std::size_t>(Ci));
        for (std::int64_t k = 0; k < K; ++k)
            for (std::int64_t c = 0; c < Ci; ++c)
                for (std::int64_t i = 0; i < rs; ++i)
                    if (w.values[static_cast<std::size_t>((k * Ci + c) * rs + i)] != 0.0f) {
                        kernel_nz[static_cast<std::size_t>(k * Ci + c)] = true;
                        channel_nz[static_cast<std::size_t>(c)] = true;
                    }
        s.kernels_2d = zero_fraction(kernel_nz);
        s.channels = zero_fraction(channel_nz);
        s.filters_3d = s.rows;
    } else {
        s.channels = s.cols;
    }
    return s;
}

}  // namespace

std::vector<WeightSparsity> sparsity_report(const Graph& graph) {
    std::vector<WeightSparsity> out;
    for (const auto& pw : prunable_weights(graph)) {
        const Node& node = graph.nodes[static_cast<std::size_t>(pw.node)];
        out.push_back(measure(node.name, pw.role, node.param(pw.role), node.op == Op::kConv));
    }
    return out;
}

std::string format_sparsity_report(const std::vector<WeightSparsity>& rows) {
    std::string text;
    char line[512];
    std::snprintf(line, sizeof line, "%-28s %-18s %10s %10s %7s %7s %7s %7s %7s %7s %9s %9s %9s\n", "Name", "Shape",
                  "NNZ(dense)", "NNZ", "Cols%", "Rows%", "Ch%", "2D%", "3D%", "Fine%", "Std", "Mean", "AbsMean");
    text += line;
    std::int64_t dense = 0, nnz = 0;
    for (const auto& r : rows) {
        std::string shape;
        for (auto d : r.shape) shape += (shape.empty() ? "" : "x") + std::to_string(d);
        const std::string name = r.role == "weight" ? r.layer : r.layer + "." + r.role;
        std::snprintf(line, sizeof line,
                      "%-28s %-18s %10lld %10lld %7.2f %7.2f %7.2f %7.2f %7.2f %7.2f %9.4f %9.4f %9.4f\n", name.c_str(),
                      shape.c_str(), static_cast<long long>(r.nnz_dense), static_cast<long long>(r.nnz), 100 * r.cols,
                      100 * r.rows, 100 * r.channels, 100 * r.kernels_2d, 100 * r.filters_3d, 100 * r.fine, r.std,
                      r.mean, r.abs_mean);
        text += line;
        dense += r.nnz_dense;
        nnz += r.nnz;
    }
    std::snprintf(line, sizeof line, "%-28s %-18s %10lld %10lld %7s %7s %7s %7s %7s %7.2f\n", "Total sparsity", "",
                  static_cast<long long>(dense), static_cast<long long>(nnz), "", "", "", "", "",
                  dense ? 100.0 * (1.0 - static_cast<double>(nnz) / static_cast<double>(dense)) : 0.0);
    text += line;
    return text;
}

}  // namespace qdes::nn
