#include "hardware/accel/accelerator.h"

#include <cmath>

#include "hardware/accel/memory_models.h"
#include "sim/simulation.h"

namespace qdes::accel {

ComponentKind Accelerator::kind() {
    ComponentKind k;
    k.name = "systolic_accelerator";
    k.doc = "a systolic array of processing elements with double-buffered SRAM scratchpads and a DRAM with banks "
            "and row buffers; runs the GEMMs arriving on `in`, one event per fold, and reports cycles, stalls, "
            "traffic and energy per layer";
    k.params.choice("mode", {"realistic", "scalesim"},
                    "realistic: overlapped folds, buffers, timed DRAM, energy; scalesim: SCALE-Sim v2's CALC-mode "
                    "cycles and utilisations exactly (no DRAM, no energy)")
        .with_default("realistic");
    k.params.integer("rows", "processing-element rows of the array").with_default("32").at_least(1).at_most(65536);
    k.params.integer("cols", "processing-element columns of the array").with_default("32").at_least(1).at_most(65536);
    k.params.choice("dataflow", {"os", "ws", "is"}, "output, weight or input stationary").with_default("os");
    k.params.frequency("clock", "the array's clock").with_default("1 GHz");
    k.params.bytes("ifmap_sram", "input buffer, both halves").with_default("64 KiB").at_least(2);
    k.params.bytes("filter_sram", "weight buffer, both halves").with_default("64 KiB").at_least(2);
    k.params.bytes("ofmap_sram", "output and partial-sum buffer, both halves").with_default("64 KiB").at_least(2);
    k.params.integer("ifmap_banks", "input buffer banks (0: as many as feed the array edge every cycle)")
        .with_default("0").at_least(0).at_most(4096);
    k.params.integer("filter_banks", "weight buffer banks (0: enough)").with_default("0").at_least(0).at_most(4096);
    k.params.integer("ofmap_banks", "output buffer banks (0: enough)").with_default("0").at_least(0).at_most(4096);
    k.params.integer("bank_width_bits", "bits a bank reads or writes per cycle").with_default("64").at_least(8).at_most(4096);
    k.params.choice("dram", dram_preset_names(), "DRAM preset (timings and energy per bit)").with_default("ddr4_2400");
    k.params.integer("dram_channels", "DRAM channels (0: the preset's)").with_default("0").at_least(0).at_most(1024);
    k.params.string("dram_model", "the memory model behind the DRAM timing: builtin, or a registered model such as a "
                                  "SystemC/TLM-2.0 target (hardware/systemc/; `qdes list-params` does not list them)")
        .with_default("builtin");
    k.params.string("dram_model_library", "a shared library of SystemC memory models to load first, relative to the "
                                          "scenario's folder (hardware/systemc/memory_model.h); empty: none")
        .with_default("");
    k.params.choice("dram_sync", {"decoupled", "lockstep"},
                    "a SystemC dram_model's time: decoupled (each burst one b_transport call with its issue time as "
                    "the annotated delay; SystemC's scheduler never runs, the model must not wait()) or lockstep "
                    "(SystemC's scheduler runs beside qdes, within dram_quantum of each burst's issue time)")
        .with_default("decoupled");
    k.params.choice("dram_protocol", {"lt", "at"},
                    "a SystemC dram_model's transactions: lt (loosely timed, one b_transport per burst) or at "
                    "(approximately timed: nb_transport with four phases, an access's bursts outstanding together; "
                    "needs dram_sync: lockstep)")
        .with_default("lt");
    k.params.duration("dram_quantum", "lockstep: how far SystemC's time may trail a burst's issue time before it "
                                      "catches up (0: always)")
        .with_default("0 ns").at_least(0);
    k.params.choice("mac", {"fixed", "bit_serial", "bit_fused"},
                    "MAC throughput by operand width: fixed (one MAC per cycle up to mac_bits), bit_serial (weight "
                    "bits cycles per MAC), bit_fused (narrow operands share a mac_bits unit)")
        .with_default("fixed");
    k.params.integer("mac_bits", "native MAC operand width").with_default("8").at_least(2).at_most(32);
    k.params.choice("tiling", {"auto", "scalesim"},
                    "auto: the loop order and cut of the streamed dimension that move the fewest DRAM bytes; "
                    "scalesim: SCALE-Sim's order (column folds outer, row folds inner), nothing cut")
        .with_default("auto");
    k.params.integer("psum_bits", "partial-sum width").with_default("32").at_least(8).at_most(64);
    k.params.real("energy_mac_8bit_pj", "energy of one 8 x 8-bit MAC (scales with the product of widths)")
        .with_default("0.315").at_least(0);
    k.params.real("energy_register_pj_per_bit", "register access energy per bit").with_default("0.009").at_least(0);
    k.params.real("energy_sram_read_pj", "64-bit read of a 128 KiB SRAM bank (scales with sqrt(bank size))")
        .with_default("32.4").at_least(0);
    k.params.real("energy_sram_write_pj", "64-bit write of a 128 KiB SRAM bank").with_default("26.2").at_least(0);
    k.params.real("energy_dram_pj_per_bit", "DRAM energy per bit moved (-1: the preset's)")
        .with_default("-1").at_least(-1);
    k.params.choice("scalesim_mean", {"python", "numpy"},
                    "scalesim mode: average utilisations as SCALE-Sim v2 now does (python) or as its earlier "
                    "revision that wrote its golden report did (numpy)")
        .with_default("python");
    k.create = [](Simulation& sim, const std::string& name, const ParamValues& p) -> Component& {
        if (!p.string("dram_model_library").empty())
            load_memory_model_library(sim.resolve_path(p.string("dram_model_library")).string());
        return sim.add<Accelerator>(name, setup_of(p));
    };
    return k;
}

AcceleratorSetup Accelerator::setup_of(const ParamValues& p) {
    AcceleratorSetup s;
    AcceleratorConfig& c = s.config;
    s.mode = p.string("mode") == "scalesim" ? AccelMode::kScaleSim : AccelMode::kRealistic;
    s.scalesim_mean = p.string("scalesim_mean") == "numpy" ? ScaleSimMean::kNumpyMean : ScaleSimMean::kPythonSum;
    c.rows = std::uint32_t(p.integer("rows"));
    c.cols = std::uint32_t(p.integer("cols"));
    parse_dataflow(p.string("dataflow"), c.dataflow);
    c.clock_hz = p.frequency("clock").hertz();
    c.ifmap.bytes = p.bytes("ifmap_sram");
    c.filter.bytes = p.bytes("filter_sram");
    c.ofmap.bytes = p.bytes("ofmap_sram");
    c.ifmap.banks = std::uint32_t(p.integer("ifmap_banks"));
    c.filter.banks = std::uint32_t(p.integer("filter_banks"));
    c.ofmap.banks = std::uint32_t(p.integer("ofmap_banks"));
    c.ifmap.bank_width_bits = c.filter.bank_width_bits = c.ofmap.bank_width_bits =
        std::uint32_t(p.integer("bank_width_bits"));
    c.dram = dram_preset(p.string("dram"));
    s.memory_model = p.string("dram_model");
    s.memory_options.sync = p.string("dram_sync") == "lockstep" ? MemorySync::kLockstep : MemorySync::kDecoupled;
    s.memory_options.quantum_ps = p.duration_ps("dram_quantum");
    s.memory_options.approximately_timed = p.string("dram_protocol") == "at";
    if (p.integer("dram_channels") > 0) c.dram.channels = std::uint32_t(p.integer("dram_channels"));
    parse_mac_kind(p.string("mac"), c.mac);
    c.mac_bits = std::uint32_t(p.integer("mac_bits"));
    c.psum_bits = std::uint32_t(p.integer("psum_bits"));
    c.tiling = p.string("tiling") == "scalesim" ? Tiling::kScaleSim : Tiling::kAuto;
    c.energy.mac_8bit_pj = p.real("energy_mac_8bit_pj");
    c.energy.register_pj_per_bit = p.real("energy_register_pj_per_bit");
    c.energy.sram_read_64bit_pj = p.real("energy_sram_read_pj");
    c.energy.sram_write_64bit_pj = p.real("energy_sram_write_pj");
    c.energy.dram_pj_per_bit = p.real("energy_dram_pj_per_bit");
    return s;
}

static ScaleSimConfig scalesim_config_of(const AcceleratorConfig& c) {
    ScaleSimConfig s;
    s.rows = c.rows, s.cols = c.cols, s.dataflow = c.dataflow;
    return s;
}

Accelerator::Accelerator(Simulation& sim, std::string name, AcceleratorSetup setup)
    : Component(sim, std::move(name)),
      setup_(std::move(setup)),
      dram_(make_memory_model(setup_.memory_model, setup_.config.dram, setup_.memory_options)),
      in_(*this, "in", [this](const GemmRequest& r) { arrive(r); }, "layers to run, one GEMM each"),
      done_(*this, "done", "the index of each finished layer, when its last output has landed", true),
      layer_trace_(open_trace(
          TraceSchemaBuilder<LayerRow>("layers", "one row per layer: shape, cycles by kind, traffic, energy")
              .field("layer", &LayerRow::layer, "", "layer index from 0, in arrival order")
              .field("M", &LayerRow::M, "", "GEMM rows (output pixels)")
              .field("N", &LayerRow::N, "", "GEMM columns (filters)")
              .field("K", &LayerRow::K, "", "reduction length (filter window x channels)")
              .field("groups", &LayerRow::groups, "", "independent GEMMs of this shape (depthwise: channels)")
              .field("folds", &LayerRow::folds, "", "folds run")
              .field("t_chunks", &LayerRow::t_chunks, "", "chunks the streamed dimension was cut into (ws, is)")
              .field("col_block", &LayerRow::col_block, "", "column folds sharing a row fold's slice (ws, is)")
              .field("loop_swapped", &LayerRow::loop_swapped, "", "1: the outer loops exchanged from SCALE-Sim's order")
              .field("macs", &LayerRow::macs, "", "MACs the array performed")
              .field("total_cycles", &LayerRow::total_cycles, "cycles", "first load + compute + stalls + store tail")
              .field("first_load_cycles", &LayerRow::first_load_cycles, "cycles", "before the first fold")
              .field("compute_cycles", &LayerRow::compute_cycles, "cycles", "array streaming, fill, drain, loads")
              .field("stall_ifmap_cycles", &LayerRow::stall_ifmap_cycles, "cycles", "waiting for inputs from DRAM")
              .field("stall_filter_cycles", &LayerRow::stall_filter_cycles, "cycles", "waiting for weights from DRAM")
              .field("stall_psum_cycles", &LayerRow::stall_psum_cycles, "cycles", "waiting for spilled partial sums")
              .field("store_tail_cycles", &LayerRow::store_tail_cycles, "cycles", "after the last fold, until the "
                                                                                  "last write landed")
              .field("utilisation", &LayerRow::utilisation, "1", "MACs / (total cycles x PEs)")
              .field("mapping_efficiency", &LayerRow::mapping_efficiency, "1", "mean used PEs / PEs over folds")
              .field("dram_ifmap_read_bytes", &LayerRow::dram_ifmap_read_bytes, "B", "")
              .field("dram_filter_read_bytes", &LayerRow::dram_filter_read_bytes, "B", "weights with metadata")
              .field("dram_ofmap_write_bytes", &LayerRow::dram_ofmap_write_bytes, "B", "outputs and spilled partial sums")
              .field("dram_psum_bytes", &LayerRow::dram_psum_bytes, "B", "partial sums read back from DRAM")
              .field("sram_ifmap_read_bytes", &LayerRow::sram_ifmap_read_bytes, "B", "read by the array")
              .field("sram_filter_read_bytes", &LayerRow::sram_filter_read_bytes, "B", "read by the array")
              .field("sram_ofmap_write_bytes", &LayerRow::sram_ofmap_write_bytes, "B", "outputs and partial sums")
              .field("dram_row_hits", &LayerRow::dram_row_hits, "bursts", "")
              .field("dram_row_misses", &LayerRow::dram_row_misses, "bursts", "row empty or conflict")
              .field("energy_mac_pj", &LayerRow::energy_mac_pj, "pJ", "")
              .field("energy_register_pj", &LayerRow::energy_register_pj, "pJ", "")
              .field("energy_sram_pj", &LayerRow::energy_sram_pj, "pJ", "all three buffers")
              .field("energy_dram_pj", &LayerRow::energy_dram_pj, "pJ", "")
              .field("energy_total_pj", &LayerRow::energy_total_pj, "pJ", "")
              .field("start_ps", &LayerRow::start_ps, "ps", "when the layer started")
              .field("end_ps", &LayerRow::end_ps, "ps", "when its last output landed"))) {
    add_statistic("layers", layers_, "layers", "layers run");
    add_statistic("cycles", cycles_, "cycles", "sum of the layers' total cycles");
    add_statistic("stall_cycles", stall_cycles_, "cycles", "of them, waiting for DRAM");
    add_statistic("folds", folds_, "folds", "folds run");
    add_statistic("dram_bytes", dram_bytes_, "B", "bytes moved to and from DRAM");
    add_statistic("energy", energy_uj_, "uJ", "energy of all layers (realistic mode)");
    add_statistic("utilisation", utilisation_, "1", "MACs / (cycles x PEs) over all layers");
}

void Accelerator::check_layers(const std::vector<GemmOp>& ops) const {
    for (const GemmOp& op : ops) {
        if (setup_.mode == AccelMode::kScaleSim) scalesim_layer(op, scalesim_config_of(setup_.config), setup_.scalesim_mean);
        else check_buffers(setup_.config, op);
    }
}

void Accelerator::arrive(GemmRequest request) {
    waiting_.push_back(std::move(request));
    if (!current_) start_next();
}

void Accelerator::start_next() {
    if (waiting_.empty()) return;
    current_ = std::move(waiting_.front());
    waiting_.pop_front();
    const AcceleratorConfig& c = setup_.config;
    try {
        if (setup_.mode == AccelMode::kScaleSim) {
            ScaleSimConfig s = scalesim_config_of(c);
            scalesim_results_.push_back(scalesim_layer(current_->op, s, setup_.scalesim_mean));
            const ScaleSimLayerReport& r = scalesim_results_.back();
            const TimePs end = now() + TimePs(std::llround(double(r.total_cycles) * 1e12 / c.clock_hz));
            schedule_at(end, [this] { layer_done(); });
            return;
        }
        run_ = std::make_unique<LayerRun>(c, current_->op, *dram_, now());
    } catch (const AccelInputError& e) {
        throw SimulationError(e.what());
    }
    fold();
}

void Accelerator::fold() {
    const TimePs next = run_->step();
    if (!run_->done()) {
        schedule_at(next, [this] { fold(); });
    } else {
        schedule_at(next, [this] { layer_done(); });
    }
}

LayerRow layer_row(const LayerStats& s, std::uint64_t index) {
    LayerRow row{};
    row.layer = index;
    row.M = s.M, row.N = s.N, row.K = s.K, row.groups = s.groups, row.folds = s.folds, row.macs = s.macs;
    row.t_chunks = s.nest.t_chunks, row.col_block = s.nest.col_block, row.loop_swapped = s.nest.swapped ? 1 : 0;
    row.total_cycles = s.total_cycles, row.first_load_cycles = s.first_load_cycles;
    row.compute_cycles = s.compute_cycles;
    row.stall_ifmap_cycles = s.stall_cycles[kStallIfmap];
    row.stall_filter_cycles = s.stall_cycles[kStallFilter];
    row.stall_psum_cycles = s.stall_cycles[kStallPsum];
    row.store_tail_cycles = s.store_tail_cycles;
    row.utilisation = s.utilisation, row.mapping_efficiency = s.mapping_efficiency;
    row.dram_ifmap_read_bytes = s.dram_read_bytes[kIfmap];
    row.dram_filter_read_bytes = s.dram_read_bytes[kFilter];
    row.dram_ofmap_write_bytes = s.dram_write_bytes[kOfmap];
    row.dram_psum_bytes = s.dram_read_bytes[kOfmap];
    row.sram_ifmap_read_bytes = s.sram_read_bytes[kIfmap];
    row.sram_filter_read_bytes = s.sram_read_bytes[kFilter];
    row.sram_ofmap_write_bytes = s.sram_write_bytes[kOfmap];
    row.dram_row_hits = s.dram_row_hits, row.dram_row_misses = s.dram_row_misses;
    row.energy_mac_pj = s.energy.mac_pj, row.energy_register_pj = s.energy.register_pj;
    row.energy_sram_pj = s.energy.ifmap_sram_pj + s.energy.filter_sram_pj + s.energy.ofmap_sram_pj;
    row.energy_dram_pj = s.energy.dram_pj, row.energy_total_pj = s.energy.total_pj();
    row.start_ps = s.start_ps, row.end_ps = s.end_ps;
    return row;
}

void Accelerator::layer_done() {
    layers_.add();
    if (setup_.mode == AccelMode::kScaleSim) {
        const ScaleSimLayerReport& r = scalesim_results_.back();
        cycles_.add(r.total_cycles);
        folds_.add(r.folds);
    } else {
        const LayerStats& s = run_->stats();
        results_.push_back(s);
        cycles_.add(s.total_cycles);
        stall_cycles_.add(s.stall_total());
        folds_.add(s.folds);
        dram_bytes_.add(s.dram_bytes());
        layer_trace_.append(layer_row(s, current_->index));
        run_.reset();
    }
    done_.send(GemmDone{current_->index});
    current_.reset();
    start_next();
}

void Accelerator::finish() {
    double macs = 0, cycles = 0, energy_pj = 0;
    const double pes = double(setup_.config.rows) * setup_.config.cols;
    for (const LayerStats& s : results_) macs += double(s.macs), cycles += double(s.total_cycles), energy_pj += s.energy.total_pj();
    for (const ScaleSimLayerReport& r : scalesim_results_) macs += double(r.macs), cycles += double(r.total_cycles);
    if (cycles > 0) utilisation_.set(macs / (cycles * pes), 0, macs / (cycles * pes), macs / (cycles * pes), std::uint64_t(cycles));
    if (!results_.empty()) energy_uj_.set(energy_pj * 1e-6, 0, energy_pj * 1e-6, energy_pj * 1e-6, results_.size());
}

void register_accel_components(ComponentRegistry& registry) { registry.add(Accelerator::kind()); }

}  // namespace qdes::accel
