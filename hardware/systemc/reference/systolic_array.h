#pragma once
/// A PE-level, clocked SystemC model of the systolic array: the reference the fast fold model
/// (hardware/accel/systolic.h) is held to. This header does not include <systemc>.
///
/// Every PE is an sc_module whose one process runs on the rising clock edge; PEs talk only to their neighbours, over
/// sc_signals, so a value written at one edge is read at the next (one register per hop). Operands are integers and
/// the array computes the GEMM C = A B for real: the outputs are part of the result.
///
/// | dataflow | PE (r, c) holds          | enters the left edge of row r | enters the top of column c | leaves the bottom |
/// | os       | C[m][n], m, n the fold's | A[m][k], k = 0 .. T-1          | B[k][n], k = 0 .. T-1       | the finished C, drained |
/// | ws       | B[k][n] (stationary)     | A[m][k], m = 0 .. T-1          | the weights, then psum 0    | psums over the fold's K |
/// | is       | A[m][k] (stationary)     | B[k][n], n = 0 .. T-1          | the inputs, then psum 0     | psums over the fold's K |
///
/// The skew: the stream of row r starts r cycles after row 0's, and of column c c cycles after column 0's, so the
/// operands a PE multiplies arrive together; partial sums (ws, is) move down one row per cycle beside them.
///
/// Stationary operands (ws, is) travel down each column through a chain of pipeline registers, the deepest row's
/// first, and each PE latches its own into a shadow register; it moves the shadow into its active register when the
/// first operand of the next fold reaches it. So the next fold's operands load while the current fold streams. The
/// first load takes R cycles before the first fold can start.
///
/// Outputs (os): when a PE's last MAC of a fold is done it moves its sum to a result register; each column drains its
/// results down and out of the bottom, one per cycle, a PE passing on what comes from above before its own. So a
/// column needs R cycles to drain a fold, beside the next fold's stream.
///
/// The sequencer starts fold f + 1 `interval` cycles after fold f: max(T, R) by default, the fastest these rules
/// allow (T: the edges are busy; R: the stationary load or the drain). Every fold covers the whole array: an edge
/// fold's unused rows and columns get zero operands, as in SCALE-Sim, so the array's cycles do not depend on the
/// shape of the edge folds. Each PE checks what reaches it: a missing or mismatched partial sum, a stationary operand
/// that has not arrived, or a result register still full when the next result comes. Any of these stops the run with
/// a hazard (std::runtime_error), so a schedule too tight for the hardware cannot pass unnoticed.
///
/// Cycles: from the sequencer's first clock edge (the first stationary load for ws and is, the first operands for
/// os) to the edge of the last MAC, which for ws and is computes the last output as it leaves the array (os results
/// are then still to drain, as SCALE-Sim counts them). One fold alone takes T + R + C - 2 (os) or 2R + C + T - 2
/// (ws, is) cycles.
///
/// A SystemC context elaborates once, so the model builds one array of kMaxEdge x kMaxEdge PEs, in a context of its
/// own (hardware/systemc/context.h), on first use and runs each GEMM on its top-left rows x cols corner; calls are
/// serialised.

#include <cstdint>
#include <vector>

#include "hardware/accel/scalesim_config.h"

namespace qdes::systemc {

struct ReferenceGemm {
    accel::Dataflow dataflow = accel::Dataflow::kOutputStationary;
    std::uint32_t rows = 4, cols = 4;  ///< the array, at most kMaxEdge each
    std::uint64_t M = 0, N = 0, K = 0;
    std::vector<std::int32_t> A;  ///< M x K, row-major
    std::vector<std::int32_t> B;  ///< K x N, row-major
    std::uint64_t interval = 0;   ///< cycles between fold starts; 0: max(T, R)
};

struct ReferenceResult {
    std::uint64_t cycles = 0;       ///< see above
    std::uint64_t folds = 0;
    std::uint64_t macs = 0;         ///< MACs on real (not padding) operands: M N K
    std::uint64_t pe_cycles = 0;    ///< PE clock edges simulated (all rows x cols PEs, every cycle run)
    std::vector<std::int64_t> C;    ///< M x N, row-major
};

class ReferenceArray {
  public:
    static constexpr std::uint32_t kMaxEdge = 16;
    /// Runs one GEMM; throws std::invalid_argument for a bad request (sizes, operand counts) and std::runtime_error
    /// for a hazard.
    static ReferenceResult run(const ReferenceGemm& gemm);
};

}  // namespace qdes::systemc
