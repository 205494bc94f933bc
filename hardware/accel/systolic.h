#pragma once
/// The realistic systolic-array model: one layer runs as a sequence of folds (one kernel event each, see
/// accelerator.h), with double-buffered SRAM scratchpads per operand and a DRAM timed burst by burst (dram.h).
///
/// A fold f streams T' cycles (T scaled by the MAC's throughput at the operand widths, and slowed when the SRAM
/// banks cannot feed the array edge each cycle). Folds overlap: the next fold's stationary operand loads (or the
/// previous outputs drain) while the current one streams, so every fold but the last costs max(T', R_a) cycles and
/// the last T'; the layer pays the pipeline fill and drain R_a + C_a - 2 once, and ws / is the first R_a-cycle
/// weight (input) load. One fold alone therefore takes SCALE-Sim's 2 R_a + C_a + T - 2 (ws, is) or T + R_a + C_a - 2
/// (os) cycles. The PE-level SystemC array (hardware/systemc/reference/systolic_array.h) runs this schedule, clock
/// by clock, and counts the same cycles.
///
/// Data: each operand's slice for fold f + 1 is fetched from DRAM into the idle half of its buffer when fold f
/// starts, unless it is still held: half of each input buffer keeps the slices most recently fetched, oldest out
/// first (an operand that fits whole in half its buffer is so fetched once per layer). A fold starts when the
/// array is free and its slices have arrived (up to half a buffer of a slice larger than that; the rest streams
/// in, and the fold cannot end before it has). Partial sums over K folds (ws, is) stay in the output buffer when
/// they fit in half of it, else go to DRAM and back. Finished outputs are written to DRAM when their fold ends;
/// the layer ends when the last write has landed.
///
/// Loop nest: SCALE-Sim runs column folds outer and row folds inner, each streaming the whole of T. With
/// `Tiling::kAuto` the model also considers the other order (os), and for ws and is cutting T into chunks whose
/// partial sums fit in half the output buffer and grouping column folds into blocks that share a row fold's
/// slice, the chunks outside or inside the blocks (LoopNest); it runs the candidate that moves the fewest DRAM
/// bytes (compute cycles do not depend on it while a chunk is at least R_a long, which the candidates keep). Ties
/// go to SCALE-Sim's order.

#include <array>
#include <cstdint>
#include <deque>
#include <string>
#include <utility>
#include <vector>

#include "hardware/accel/dram.h"
#include "hardware/accel/energy.h"
#include "hardware/accel/folds.h"
#include "hardware/accel/gemm.h"
#include "hardware/accel/scalesim_config.h"
#include "sim/time.h"

namespace qdes::accel {

/// How a MAC's throughput depends on operand widths. kFixed: one MAC per cycle up to `mac_bits` (wider operands
/// take ceil(w / mac_bits) x ceil(i / mac_bits) cycles). kBitSerial: the weight enters one bit per cycle (w
/// cycles per MAC, as in Stripes). kBitFused: a `mac_bits` x `mac_bits` unit splits into (mac_bits / w') x
/// (mac_bits / i') narrower MACs, w' and i' the widths rounded up to a power of two of at least 2 (Bit Fusion);
/// wider operands fuse units (w' i' / mac_bits^2 cycles).
enum class MacKind { kFixed, kBitSerial, kBitFused };
const char* mac_kind_name(MacKind k);
bool parse_mac_kind(const std::string& text, MacKind& out);
/// Cycles per MAC (may be below 1 for bit-fused narrow operands).
double mac_cycles(MacKind kind, std::uint32_t mac_bits, const Precision& p);

struct BufferConfig {
    std::uint64_t bytes = 64 * 1024;  ///< both halves together
    std::uint32_t banks = 0;             ///< 0: as many as feed the array edge every cycle
    std::uint32_t bank_width_bits = 64;  ///< each bank reads or writes this much per cycle
};

/// kScaleSim: SCALE-Sim's loop order, T whole. kAuto: the loop nest that moves the fewest DRAM bytes.
enum class Tiling { kAuto, kScaleSim };

struct AcceleratorConfig {
    std::uint32_t rows = 32, cols = 32;
    Dataflow dataflow = Dataflow::kOutputStationary;
    double clock_hz = 1e9;
    BufferConfig ifmap, filter, ofmap;
    DramTiming dram = dram_preset("ddr4_2400");
    MacKind mac = MacKind::kFixed;
    std::uint32_t mac_bits = 8;
    std::uint32_t psum_bits = 32;  ///< partial sums kept between K folds
    Tiling tiling = Tiling::kAuto;
    EnergyTable energy;
};

/// The order of a layer's folds and the cut of its streamed dimension T. Per group, os runs column folds outer
/// and row folds inner; `swapped` exchanges them. ws and is run (outer first) chunks of T, blocks of `col_block`
/// column folds, row folds, the column folds of the block; `swapped` puts the blocks outside the chunks. Row folds
/// are the reduction over K there, so the partial sums of one chunk x block wait in the output buffer while the
/// row folds run, and each row fold's input (ws) or weight (is) slice serves the whole block.
struct LoopNest {
    std::uint64_t t_chunks = 1;   ///< ws, is: T cut into this many chunks
    std::uint64_t chunk = 0;      ///< of this length (the last may be shorter)
    std::uint64_t col_block = 1;  ///< ws, is: column folds per block
    bool swapped = false;
    /// The loops, outer first, for example "fc fr", "tc fc fr" or "tc fb fr fc" (fb: column blocks).
    std::string order(Dataflow d) const;
};

/// The loop nest a layer runs with under `config.tiling`.
LoopNest choose_loop_nest(const AcceleratorConfig& config, const GemmOp& op);
/// DRAM bytes a loop nest moves for the inputs, weights and spilled partial sums (outputs are the same for all).
std::uint64_t planned_dram_bytes(const AcceleratorConfig& config, const GemmOp& op, const LoopNest& nest);

enum Operand { kIfmap = 0, kFilter = 1, kOfmap = 2 };
/// Why the array waited: for an operand's DRAM reads, for partial sums coming back from DRAM.
enum StallCause { kStallIfmap = 0, kStallFilter = 1, kStallPsum = 2, kStallCauses = 3 };
const char* stall_cause_name(int cause);

struct LayerStats {
    std::string name;
    std::uint64_t M = 0, N = 0, K = 0, effective_k = 0, groups = 1;
    std::uint64_t folds = 0;
    LoopNest nest;
    std::uint64_t macs = 0;  ///< MACs the array performs (N:M: on the compressed K)
    // Cycles (accelerator clock). total = first_load + compute + stall + store_tail.
    std::uint64_t total_cycles = 0;
    std::uint64_t first_load_cycles = 0;  ///< from the layer's start to its first fold (the first loads)
    std::uint64_t compute_cycles = 0;     ///< the array streaming, filling, draining and loading weights
    std::array<std::uint64_t, kStallCauses> stall_cycles{};  ///< waiting for data after the first fold began
    std::uint64_t store_tail_cycles = 0;  ///< after the last fold, until the last output write has landed
    std::uint64_t sram_bandwidth_cycles = 0;  ///< of compute, the cycles added because SRAM banks were too narrow
    double mapping_efficiency = 0;            ///< mean over folds of used PEs / (R_a C_a)
    double utilisation = 0;                   ///< MACs / (total cycles x R_a C_a)
    // Traffic, bytes.
    std::array<std::uint64_t, 3> sram_read_bytes{}, sram_write_bytes{};
    std::array<std::uint64_t, 3> dram_read_bytes{}, dram_write_bytes{};
    std::uint64_t filter_metadata_bytes = 0;  ///< of the filter's DRAM bytes, sparsity metadata
    std::uint64_t dram_row_hits = 0, dram_row_misses = 0;  ///< misses: empty + conflict, per burst
    EnergyBreakdown energy;
    TimePs start_ps = 0, end_ps = 0;

    std::uint64_t stall_total() const { return stall_cycles[0] + stall_cycles[1] + stall_cycles[2]; }
    /// Bytes moved to and from DRAM, all operands.
    std::uint64_t dram_bytes() const {
        std::uint64_t b = 0;
        for (int o = 0; o < 3; ++o) b += dram_read_bytes[o] + dram_write_bytes[o];
        return b;
    }
};

/// Bytes of an operand's whole GEMM (one group): inputs as distinct values, weights compressed with their
/// metadata, outputs.
struct OperandBytes {
    std::uint64_t ifmap = 0, filter = 0, filter_metadata = 0, ofmap = 0;
};
OperandBytes operand_bytes(const GemmOp& op);

/// Checks that every buffer can hold one fold's tile in each half (the stationary tile, an array edge of each
/// streamed operand, the output or partial-sum tile); throws AccelInputError naming the layer, the buffer and
/// the sizes.
void check_buffers(const AcceleratorConfig& config, const GemmOp& op);

/// The accelerator a SCALE-Sim configuration describes: its array, dataflow and buffer sizes; everything else
/// (DRAM, clock, MACs, energy) at the defaults.
AcceleratorConfig accelerator_config_of(const ScaleSimConfig& scalesim);

/// Where the slice a fold needs comes from: it is the previous fold's, it is still held, or it must be fetched.
enum class SliceSource { kCurrent, kHeld, kFetch };

/// Half an input buffer as a cache of fold slices, oldest out first.
class SliceCache {
  public:
    void reset(std::uint64_t capacity_bytes, std::uint64_t ids);
    /// The next fold needs slice `id` of `bytes`: says where it comes from, and holds a fetched one (unless it is
    /// larger than the capacity). Called once per fold, in fold order.
    SliceSource next(std::uint64_t id, std::uint64_t bytes);

  private:
    std::uint64_t capacity_ = 0, used_ = 0;
    std::uint64_t current_ = ~std::uint64_t(0);  ///< the slice of the fold before
    std::vector<char> present_;
    std::deque<std::pair<std::uint64_t, std::uint64_t>> queue_;  ///< id, bytes
};

/// One layer in progress. `step()` runs the next fold and says when the one after it starts, so that a kernel
/// component can make one event per fold.
class LayerRun {
  public:
    LayerRun(const AcceleratorConfig& config, const GemmOp& op, MemoryTarget& dram, TimePs start_ps);
    bool done() const { return next_fold_ >= total_folds_; }
    /// Runs fold `next`; returns the start time of the following fold, or the layer's end once done().
    TimePs step();
    /// The statistics; complete once done().
    const LayerStats& stats() const { return stats_; }

  private:
    struct Slice {
        std::uint64_t id = ~std::uint64_t(0);
        TimePs first_part_ps = 0, all_ps = 0;  ///< when up to half a buffer, and all of it, has arrived
    };
    /// Issues the DRAM reads of fold f's slices at `issue_ps` (no-ops for slices already resident).
    void fetch(std::uint64_t f, TimePs issue_ps);
    TimePs cycles_ps(double cycles) const;
    std::uint64_t ps_cycles(TimePs ps) const;
    void finish();

    const AcceleratorConfig& c_;
    const GemmOp& op_;
    MemoryTarget& dram_;
    FoldGeometry g_;
    LoopNest nest_;
    OperandBytes bytes_;
    std::uint64_t total_folds_ = 0, next_fold_ = 0;
    double cycle_ps_ = 1000;
    double mac_cycles_ = 1;
    SliceCache held_[2];                    ///< ifmap, filter: the slices half their buffer holds
    Slice pending_[2][2];                   ///< per operand: [0] the current fold's slice, [1] the next one's
    std::uint32_t banks_[3] = {1, 1, 1};    ///< per buffer, with banks: 0 resolved to the array edge's need
    bool psum_in_sram_ = true;
    std::uint64_t array_free_cycle_ = 0;  ///< the accelerator clock cycle at which the array is next free
    TimePs writes_done_ps_ = 0, psum_ready_ps_ = 0;
    std::uint64_t dram_hits_at_start_ = 0, dram_misses_at_start_ = 0;
    double mapping_sum_ = 0;
    LayerStats stats_;
};

}  // namespace qdes::accel
