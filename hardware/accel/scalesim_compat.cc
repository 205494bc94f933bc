#include "hardware/accel/scalesim_compat.h"

#include <charconv>
#include <cstdlib>

#include "hardware/accel/folds.h"

namespace qdes::accel {

double numpy_sum(const double* a, std::size_t n) {
    // numpy's pairwise_sum: short runs left to right, up to 128 in eight interleaved partial sums, longer ones
    // split in two at a multiple of 8.
    if (n < 8) {
        double res = 0.;
        for (std::size_t i = 0; i < n; ++i) res += a[i];
        return res;
    }
    if (n <= 128) {
        double r[8];
        for (int j = 0; j < 8; ++j) r[j] = a[j];
        std::size_t i = 8;
        for (; i < n - n % 8; i += 8)
            for (int j = 0; j < 8; ++j) r[j] += a[i + j];
        double res = ((r[0] + r[1]) + (r[2] + r[3])) + ((r[4] + r[5]) + (r[6] + r[7]));
        for (; i < n; ++i) res += a[i];
        return res;
    }
    std::size_t n2 = n / 2;
    n2 -= n2 % 8;
    return numpy_sum(a, n2) + numpy_sum(a + n2, n - n2);
}

ScaleSimLayerReport scalesim_layer(const GemmOp& op, const ScaleSimConfig& config, ScaleSimMean mean) {
    validate(op);
    if (op.groups != 1)
        throw AccelInputError(op.source + ": layer \"" + op.name +
                              "\": SCALE-Sim compatible mode has no grouped layers (groups " +
                              std::to_string(op.groups) + ")");
    const std::uint64_t R = config.rows, C = config.cols;
    const FoldGeometry g = fold_geometry(config.dataflow, op.M, op.N, op.effective_k(), config.rows, config.cols);
    const bool os = config.dataflow == Dataflow::kOutputStationary;
    // Cycles a fold occupies, and the window SCALE-Sim divides by for its compute utilisation.
    const std::uint64_t fold_cycles = os ? g.T + R + C - 2 : 2 * R + C + g.T - 2;
    const std::uint64_t util_window = os ? fold_cycles : 2 * R + 2 * C + g.T - 3;

    ScaleSimLayerReport r;
    r.name = op.name;
    r.folds = g.folds();
    r.macs = op.M * op.N * op.K;
    r.total_cycles = g.folds() * fold_cycles - 1;
    double mapping_sum = 0, compute_sum = 0;
    std::vector<double> mapping_per_fold, compute_per_fold;  // kNumpyMean only
    // SCALE-Sim's order (column folds outer, row folds inner) and its per-fold divisions, so the sums round alike.
    for (std::uint64_t fc = 0; fc < g.col_folds; ++fc) {
        const std::uint64_t cols_used = g.cols_used(fc);
        for (std::uint64_t fr = 0; fr < g.row_folds; ++fr) {
            const std::uint64_t rows_used = g.rows_used(fr);
            const std::uint64_t used = rows_used * cols_used;
            const double mapping = double(used) / double(R * C);
            const double compute = double(used * g.T) / double(R * C * util_window);
            if (mean == ScaleSimMean::kNumpyMean) {
                mapping_per_fold.push_back(mapping);
                compute_per_fold.push_back(compute);
            } else {
                mapping_sum += mapping;
                compute_sum += compute;
            }
            switch (config.dataflow) {
                case Dataflow::kOutputStationary:
                    r.ifmap_sram_reads += g.T * rows_used;
                    r.filter_sram_reads += g.T * cols_used;
                    r.ofmap_sram_writes += used + R + C;
                    break;
                case Dataflow::kWeightStationary:
                    r.ifmap_sram_reads += g.T * rows_used;
                    r.filter_sram_reads += used;
                    r.ofmap_sram_writes += g.T * cols_used;
                    break;
                case Dataflow::kInputStationary:
                    r.ifmap_sram_reads += used;
                    r.filter_sram_reads += g.T * rows_used;
                    r.ofmap_sram_writes += g.T * cols_used;
                    break;
            }
        }
    }
    if (mean == ScaleSimMean::kNumpyMean) {
        mapping_sum = numpy_sum(mapping_per_fold.data(), mapping_per_fold.size());
        compute_sum = numpy_sum(compute_per_fold.data(), compute_per_fold.size());
    }
    const double folds = double(g.folds());
    r.mapping_efficiency_pct = mapping_sum / folds * 100;
    r.compute_util_pct = compute_sum / folds * 100;
    r.overall_util_pct = double(r.macs * 100) / double(r.total_cycles * R * C);
    return r;
}

std::string python_float(double v) {
    char buf[64];
    auto [end, ec] = std::to_chars(buf, buf + sizeof buf, v, std::chars_format::scientific);
    std::string sci(buf, end);  // "-d.ddde+XX", shortest round trip
    const auto e = sci.find('e');
    const int exponent = std::atoi(sci.c_str() + e + 1);
    std::string sign = sci[0] == '-' ? "-" : "";
    std::string digits;
    for (std::size_t i = sign.size(); i < e; ++i)
        if (sci[i] != '.') digits += sci[i];
    if (exponent >= -4 && exponent < 16) {
        std::string out;
        if (exponent < 0) {
            out = "0." + std::string(std::size_t(-exponent - 1), '0') + digits;
        } else if (std::size_t(exponent) + 1 >= digits.size()) {
            out = digits + std::string(std::size_t(exponent) + 1 - digits.size(), '0') + ".0";
        } else {
            out = digits.substr(0, std::size_t(exponent) + 1) + "." + digits.substr(std::size_t(exponent) + 1);
        }
        return sign + out;
    }
    std::string mantissa = digits.substr(0, 1);
    if (digits.size() > 1) mantissa += "." + digits.substr(1);
    char exp_text[16];
    std::snprintf(exp_text, sizeof exp_text, "e%c%02d", exponent < 0 ? '-' : '+', std::abs(exponent));
    return sign + mantissa + exp_text;
}

std::string compute_report_csv(const std::vector<ScaleSimLayerReport>& layers) {
    std::string out =
        "LayerID, Total Cycles, Stall Cycles, Overall Util %, Mapping Efficiency %, Compute Util %,\n";
    for (std::size_t i = 0; i < layers.size(); ++i) {
        const ScaleSimLayerReport& l = layers[i];
        out += std::to_string(i) + ", " + std::to_string(l.total_cycles) + ", " + std::to_string(l.stall_cycles) +
               ", " + python_float(l.overall_util_pct) + ", " + python_float(l.mapping_efficiency_pct) + ", " +
               python_float(l.compute_util_pct) + ",\n";
    }
    return out;
}

}  // namespace qdes::accel
