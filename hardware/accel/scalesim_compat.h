#pragma once
/// SCALE-Sim v2's compute model in CALC mode, reproduced exactly: per-layer total cycles, the three utilisation
/// columns and the SRAM access counts, with its arithmetic order, so that COMPUTE_REPORT.csv matches byte for byte.
///
/// What it reproduces, quirks included (../shared/reference/scalesim/README.md): folds run one after another,
/// each paying the whole pipeline fill and drain (os: T + R + C - 2 cycles; ws, is: 2R + C + T - 2), and the layer
/// takes folds x that - 1 cycles; no stalls in CALC mode. Compute utilisation per fold divides by a longer window
/// for ws and is (2R + 2C + T - 3) than the fold takes, as SCALE-Sim does. The output SRAM of os counts R + C extra
/// writes per fold.

#include <cstdint>
#include <string>
#include <vector>

#include "hardware/accel/gemm.h"
#include "hardware/accel/scalesim_config.h"

namespace qdes::accel {

struct ScaleSimLayerReport {
    std::string name;
    std::uint64_t total_cycles = 0;
    std::uint64_t stall_cycles = 0;
    double overall_util_pct = 0;       ///< MACs x 100 / (total cycles x R x C)
    double mapping_efficiency_pct = 0; ///< mean over folds of used PEs / (R x C), x 100
    double compute_util_pct = 0;       ///< mean over folds of used PEs x T / (R x C x window), x 100
    std::uint64_t ifmap_sram_reads = 0, filter_sram_reads = 0, ofmap_sram_writes = 0;  ///< words
    std::uint64_t macs = 0;
    std::uint64_t folds = 0;
};

/// How SCALE-Sim averages its per-fold utilisations. Its current v2 (commit 22f88b1, the v2_runs reports) sums
/// them left to right with Python's sum(); the earlier v2 revision that wrote its shipped golden report used
/// numpy.mean, which sums pairwise. The two differ in the last digits.
enum class ScaleSimMean { kPythonSum, kNumpyMean };

/// One layer as SCALE-Sim v2 computes it. `op.groups` must be 1 (SCALE-Sim has no grouped layers); an N:M-sparse
/// op streams K x N / M, as SCALE-Sim v3 does.
ScaleSimLayerReport scalesim_layer(const GemmOp& op, const ScaleSimConfig& config,
                                   ScaleSimMean mean = ScaleSimMean::kPythonSum);

/// numpy's pairwise sum of doubles (numpy.add.reduce on a contiguous float64 array), bit for bit.
double numpy_sum(const double* values, std::size_t n);

/// A float as Python's str() writes it (shortest round trip; "100.0", not "100").
std::string python_float(double v);

/// COMPUTE_REPORT.csv exactly as SCALE-Sim v2 writes it.
std::string compute_report_csv(const std::vector<ScaleSimLayerReport>& layers);

}  // namespace qdes::accel
