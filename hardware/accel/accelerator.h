#pragma once
/// `systolic_accelerator`: a systolic array with its buffers and DRAM as a kernel component. GEMMs arrive on `in`
/// (one layer each); the array runs them one after another, one event per fold (realistic mode, systolic.h) or
/// one per layer (SCALE-Sim compatible mode, scalesim_compat.h), and says `done` when a layer's last output has
/// landed. Per-layer results go to the `layers` trace table and to `results()` for reports.

#include <deque>
#include <memory>
#include <optional>
#include <vector>

#include "hardware/accel/dram.h"
#include "hardware/accel/memory_models.h"
#include "hardware/accel/scalesim_compat.h"
#include "hardware/accel/systolic.h"
#include "sim/component.h"
#include "sim/port.h"
#include "sim/registry.h"

namespace qdes::accel {

/// A layer for the accelerator; `index` comes back in its GemmDone.
struct GemmRequest {
    GemmOp op;
    std::uint64_t index = 0;
};
struct GemmDone {
    std::uint64_t index = 0;
};

/// One row of the `layers` table.
struct LayerRow {
    std::uint64_t layer, M, N, K, groups, folds, t_chunks, col_block, loop_swapped, macs;
    std::uint64_t total_cycles, first_load_cycles, compute_cycles, stall_ifmap_cycles, stall_filter_cycles,
        stall_psum_cycles, store_tail_cycles;
    double utilisation, mapping_efficiency;
    std::uint64_t dram_ifmap_read_bytes, dram_filter_read_bytes, dram_ofmap_write_bytes, dram_psum_bytes;
    std::uint64_t sram_ifmap_read_bytes, sram_filter_read_bytes, sram_ofmap_write_bytes;
    std::uint64_t dram_row_hits, dram_row_misses;
    double energy_mac_pj, energy_register_pj, energy_sram_pj, energy_dram_pj, energy_total_pj;
    std::uint64_t start_ps, end_ps;
};

/// A layer's results as a `layers` table row.
LayerRow layer_row(const LayerStats& s, std::uint64_t index);

enum class AccelMode { kRealistic, kScaleSim };

struct AcceleratorSetup {
    AcceleratorConfig config;
    std::string memory_model = "builtin";  ///< hardware/accel/memory_models.h
    MemoryModelOptions memory_options;
    AccelMode mode = AccelMode::kRealistic;
    ScaleSimMean scalesim_mean = ScaleSimMean::kPythonSum;
};

class Accelerator final : public Component {
  public:
    Accelerator(Simulation& sim, std::string name, AcceleratorSetup setup);
    static ComponentKind kind();
    /// Reads the component's parameters into a setup; throws ParamError for a bad combination.
    static AcceleratorSetup setup_of(const ParamValues& p);

    const AcceleratorSetup& setup() const { return setup_; }
    /// Realistic mode: one entry per finished layer, in order.
    const std::vector<LayerStats>& results() const { return results_; }
    /// SCALE-Sim mode: one entry per finished layer.
    const std::vector<ScaleSimLayerReport>& scalesim_results() const { return scalesim_results_; }
    const DramStats& dram_stats() const { return dram_->stats(); }
    /// Throws AccelInputError for the first layer this accelerator cannot run (its fold does not fit the buffers);
    /// a workload calls it before the run, so that the scenario, not the run, fails.
    void check_layers(const std::vector<GemmOp>& ops) const;
    void finish() override;

  private:
    void arrive(GemmRequest request);
    void start_next();
    void fold();
    void layer_done();

    AcceleratorSetup setup_;
    std::unique_ptr<MemoryTarget> dram_;
    InPort<GemmRequest> in_;
    OutPort<GemmDone> done_;
    std::deque<GemmRequest> waiting_;
    std::optional<GemmRequest> current_;
    std::unique_ptr<LayerRun> run_;
    std::vector<LayerStats> results_;
    std::vector<ScaleSimLayerReport> scalesim_results_;
    Counter layers_, cycles_, stall_cycles_, folds_, dram_bytes_;
    Estimate energy_uj_, utilisation_;
    TraceTable<LayerRow> layer_trace_;
};

void register_accel_components(ComponentRegistry& registry);

}  // namespace qdes::accel

QDES_MESSAGE_TYPE(qdes::accel::GemmRequest);
QDES_MESSAGE_TYPE(qdes::accel::GemmDone);
