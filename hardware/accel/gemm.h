#pragma once
/// What the accelerator runs: a list of GEMM operations, each C[M x N] = A[M x K] B[K x N], with the widths of
/// its operands and the sparsity of its weights. The accelerator knows nothing of networks: a convolution arrives
/// already lowered (M = output pixels, N = filters, K = filter window x channels; see protocols/inference).

#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

namespace qdes::accel {

/// Operand widths in bits, 2 to 32 each.
struct Precision {
    std::uint32_t weight_bits = 8;
    std::uint32_t input_bits = 8;
    std::uint32_t output_bits = 8;
    bool operator==(const Precision&) const = default;
};

/// How the weights of a GEMM are sparse. Dense; N:M (at most n nonzeros in every m consecutive weights along K,
/// SCALE-Sim v3's semantics: the array sees K x n / m); or unstructured with a density and a compressed format.
struct Sparsity {
    enum class Kind { kDense, kNM, kUnstructured };
    enum class Format { kBitmap, kCsr };
    Kind kind = Kind::kDense;
    std::uint32_t n = 0, m = 0;  ///< kNM
    double density = 1.0;        ///< kUnstructured: fraction of weights kept, (0, 1]
    Format format = Format::kBitmap;
    bool operator==(const Sparsity&) const = default;
};

/// One GEMM, possibly repeated: `groups` independent GEMMs of the same shape (a depthwise convolution is one per
/// channel). `input_elements` is how many distinct input values the GEMM reads (M x K for a plain GEMM; for a
/// convolution the input feature map, which im2col repeats R x S / stride^2 times); it sets DRAM traffic.
struct GemmOp {
    std::string name;
    std::uint64_t M = 1, N = 1, K = 1;
    std::uint64_t groups = 1;
    std::uint64_t input_elements = 0;  ///< 0: M x K
    Precision precision;
    Sparsity sparsity;
    std::string source;  ///< where it was written ("alexnet.csv:3"), for messages

    std::uint64_t macs() const { return groups * M * N * K; }
    /// K after N:M compression (ceil(K n / m)); K otherwise.
    std::uint64_t effective_k() const;
    std::uint64_t distinct_inputs() const { return input_elements != 0 ? input_elements : M * K; }
};

/// A GEMM (or accelerator configuration) that cannot run; the message names the place and the reason.
class AccelInputError : public std::runtime_error {
  public:
    using std::runtime_error::runtime_error;
};

/// Throws AccelInputError (prefixed with op.source) for zero dimensions, a precision outside 2..32 bits, N:M with
/// N > M or M = 0, or a density outside (0, 1].
void validate(const GemmOp& op);

/// Parses "2:4" as N:M sparsity; throws AccelInputError naming `where` for anything else or for N > M.
Sparsity parse_nm(const std::string& text, const std::string& where);

/// "dense", "2:4", "density 0.30 bitmap".
std::string to_string(const Sparsity& s);

}  // namespace qdes::accel
