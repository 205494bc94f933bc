#pragma once
/// Network layers as the accelerator's users write them, and their lowering to the accelerator's GEMMs.
///
/// Sources: SCALE-Sim topology CSV files (convolution: `Layer name, IFMAP Height, IFMAP Width, Filter Height,
/// Filter Width, Channels, Num Filter, Strides,` with an optional v3 `Sparsity` column such as `1:4`; GEMM:
/// `Layer, M, N, K,`), and a scenario's `layers:` list of one-line specs. No padding is applied: the output is
/// ceil((H - R + s) / s) per side, as in SCALE-Sim, so files hold padded sizes.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "hardware/accel/gemm.h"

namespace qdes::inference {

/// One layer of a network before lowering.
struct Layer {
    enum class Kind { kConv, kDepthwiseConv, kGemm };
    Kind kind = Kind::kConv;
    std::string name;
    std::uint64_t H = 0, W = 0, R = 0, S = 0, C = 0, F = 0, stride = 1;  ///< convolutions
    std::uint64_t M = 0, N = 0, K = 0;                                    ///< GEMMs
    std::optional<accel::Precision> precision;  ///< none: the workload's default
    std::optional<accel::Sparsity> sparsity;    ///< none: the workload's default
    std::string source;                         ///< "file:line"
};

/// Reads a SCALE-Sim topology file. `gemm`: the file is in M, N, K form (SCALE-Sim's --gemm); without it the form
/// is taken from the header. Throws accel::AccelInputError naming the file and line for a malformed row, a zero or
/// negative dimension, a filter larger than its input, a zero stride or a bad sparsity.
std::vector<Layer> read_topology_csv(const std::string& path, bool gemm);
std::vector<Layer> parse_topology_csv(const std::string& text, const std::string& name, bool gemm);

/// Parses one scenario layer spec, `name: kind key=value ...`:
///   `conv1: conv H=224 W=224 R=11 S=11 C=3 F=96 stride=4`
///   `dw2: dwconv H=112 W=112 R=3 S=3 C=32 stride=1`   (depthwise: one filter per channel)
///   `fc: gemm M=1 N=1000 K=512`
/// with optional `wbits= ibits= obits=` (2..32) and `sparsity=2:4` or `density=0.3 format=bitmap|csr`.
/// `where` prefixes messages.
Layer parse_layer_spec(const std::string& text, const std::string& where);

struct LoweringOptions {
    accel::Precision precision;  ///< for layers that give none
    accel::Sparsity sparsity;    ///< for layers that give none
    /// SCALE-Sim's files write a depthwise convolution (MobileNet) as a row with one filter over C channels. When
    /// set, such a row is lowered as depthwise (C GEMMs of one filter over one channel each); SCALE-Sim itself
    /// reads it as one dense GEMM with N = 1 and K = R S C.
    bool single_filter_is_depthwise = false;
};

/// The output size of a convolution along one side.
inline std::uint64_t conv_output_side(std::uint64_t input, std::uint64_t filter, std::uint64_t stride) {
    return (input - filter + stride) / stride + ((input - filter + stride) % stride != 0 ? 1 : 0);
}

/// Lowers layers to GEMMs: a convolution to M = E_h E_w, N = F, K = R S C; a depthwise one to C groups of
/// (E_h E_w, 1, R S). Validates each (accel::validate).
std::vector<accel::GemmOp> lower(const std::vector<Layer>& layers, const LoweringOptions& options);

}  // namespace qdes::inference
