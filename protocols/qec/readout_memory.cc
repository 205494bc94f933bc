#include "protocols/qec/readout_memory.h"

#include <algorithm>
#include <bit>
#include <cmath>
#include <limits>
#include <stdexcept>

#include "models/quantum/error_analysis.h"
#include "protocols/qec/accel_decoder.h"
#include "protocols/qec/decoder_models.h"
#include "sim/named_registry.h"
#include "protocols/qec/nn_decoder.h"
#include "models/nn/prune.h"
#include "models/nn/quantize.h"
#include "sim/lifetime.h"  // chi2_1_quantile
#include "sim/simulation.h"

namespace qdes::qec {

namespace {

constexpr double kPsToS = 1e-12;

/// A value measured once (no standard error, no interval).
void set_exact(Estimate& e, double value, std::uint64_t count) {
    e.set(value, std::numeric_limits<double>::quiet_NaN(), value, value, count);
}

std::unique_ptr<ToricLecRule> rule_of(const Simulation& sim, const ParamValues& p) {
    const bool wants = p.string("lec") == "rule";
    const std::string& file = p.string("rule_file");
    if (wants && file.empty()) throw std::invalid_argument("lec: rule needs rule_file");
    if (!wants && !file.empty()) throw std::invalid_argument("rule_file needs lec: rule");
    if (!wants) return nullptr;
    return std::make_unique<ToricLecRule>(load_toric_rule(sim.resolve_path(file).string()));
}

ReadoutCycleOptions cycle_options(const ParamValues& p, const ToricLecRule* rule) {
    ReadoutCycleOptions o;
    o.rule = rule;
    const auto R = std::uint32_t(p.integer("readout_every"));
    o.readout = R > 0;
    o.readout_every = std::max<std::uint32_t>(R, 1);
    o.lec = parse_lec_kind(p.string("lec"));
    o.noise.kind = quantum::NoiseModel::parse_kind(p.string("noise"));
    o.noise.p = p.real("p");
    o.noise.q = p.real("q");
    return o;
}

hw::UfAccelConfig accel_config_of(const ParamValues& p) {
    hw::UfAccelConfig c;
    c.clock_hz = p.frequency("decoder_clock").hertz();
    c.pes = std::uint32_t(p.integer("decoder_pes"));
    c.memory_bytes = p.bytes("decoder_memory");
    c.tree_fanin = std::uint32_t(p.integer("decoder_tree_fanin"));
    c.growth_bits = std::uint32_t(p.integer("decoder_growth_bits"));
    return c;
}

std::vector<std::string> memory_decoder_names() {
    std::vector<std::string> names = decoder_names();
    names.push_back("uf_accel");
    names.push_back("nn_accel");
    names.push_back("model");
    return names;
}

LatencyModel latency_of(const ParamValues& p) {
    LatencyModel m;
    m.kind = LatencyModel::parse(p.string("latency"));
    m.base_ps = p.duration_ps("decode_time");
    m.per_defect_ps = p.duration_ps("decode_time_per_defect");
    m.factor = p.real("latency_factor");
    return m;
}

}  // namespace

ComponentKind ReadoutMemory::kind() {
    ComponentKind k;
    k.name = "readout_memory";
    k.doc = "a Z-basis memory read out every R rounds with R - 1 LEC rounds between readouts, on device timing, "
            "decoded by a streaming decoder with simulated latency (feed-forward stalls, backlog); logical error "
            "per round and per second, lifetime in seconds";
    k.params.choice("code", {"toric2d", "repetition"}, "the code (its Z checks read out; X errors)")
        .with_default("toric2d");
    k.params.integer("size", "L: the toric code's side (distance L), or the repetition code's length")
        .with_example("8").at_least(3).at_most(1024);
    k.params.integer("readout_every", "R: rounds per readout cycle, the last one read out (1: standard error "
                                      "correction; 0: no readout at all, pure LEC with one final perfect readout)")
        .with_default("1").at_least(0).at_most(4096);
    k.params.choice("lec", {"both_ends", "none", "rule"},
                    "the rule of the R - 1 rounds between readouts: both_ends flips a qubit when both its checks "
                    "fire; none waits as long as a both_ends round instead (the no-LEC baseline); rule: rule_file")
        .with_default("both_ends");
    k.params.string("rule_file", "lec: rule: a toric LEC rule file (protocols/qec/toric_rule.h), relative to the "
                                 "scenario")
        .with_default("");
    k.params.integer("cycles", "readout cycles per shot (0: L); with readout_every 0, LEC rounds per shot")
        .with_default("0").at_least(0).at_most(1 << 20);
    k.params.choice("noise", {"phenomenological", "gate_bitflip", "gate_depolarizing"},
                    "phenomenological: data flip with p at the start of every round, readouts flip with q, gates "
                    "perfect; gate_bitflip / gate_depolarizing: every gate and reset with p, readouts with q")
        .with_default("gate_depolarizing");
    k.params.real("p", "error probability per gate (or per data qubit and round)").with_example("0.001")
        .at_least(0).at_most(0.5);
    k.params.real("q", "readout flip probability (-1: p)").with_default("-1").at_least(-1).at_most(0.5);
    hw::add_device_params(k.params);
    k.params.choice("decoder", memory_decoder_names(),
                    "union_find (streams), matching (whole histories, slow), or uf_accel: union-find on a simulated "
                    "accelerator (hardware/decoder/uf_accel.h), whose cycles are each decode's latency; or nn_accel: "
                    "a CNN trained on this memory's own sampled histories, pruned and quantized as asked, each decode "
                    "an inference timed on a systolic array (whole histories of the toric code only); or model: the "
                    "decoder model named by decoder_model, such as a SystemC/TLM-2.0 target, whose reported latency is "
                    "each decode's")
        .with_default("union_find");
    k.params.string("decoder_model", "decoder: model: a registered decoder model (hardware/systemc/decoder_model.h; "
                                     "the example: tlm_union_find)")
        .with_default("");
    k.params.frequency("decoder_clock", "uf_accel, nn_accel: the decoder hardware's clock").with_default("250 MHz");
    k.params.integer("decoder_pes", "uf_accel: processing elements (0: one per vertex of the largest window's "
                                    "graph; fewer: each serves several vertices in turn)")
        .with_default("0").at_least(0);
    k.params.bytes("decoder_memory", "uf_accel: state memory for the largest window's graph (0 B: as needed)")
        .with_default("0 B");
    k.params.integer("decoder_resolution", "uf_accel: growth units per lightest edge weight (2: half-edges)")
        .with_default("2").at_least(1).at_most(1024);
    k.params.integer("decoder_growth_bits", "uf_accel: width of an edge's growth register")
        .with_default("8").at_least(1).at_most(16);
    k.params.integer("decoder_tree_fanin", "uf_accel: fan-in of the controller's tree").with_default("4")
        .at_least(2).at_most(64);
    k.params.integer("nn_channels", "nn_accel: channels of the network's two 3 x 3 convolutions").with_default("16")
        .at_least(1).at_most(256);
    k.params.integer("nn_train_shots", "nn_accel: sampled histories it is trained on").with_default("20000")
        .at_least(64).at_most(10000000);
    k.params.real("nn_train_p", "nn_accel: train on histories at this error probability (q scaled alike; 0: the "
                                "memory's own p), so that rare logical flips are seen often enough")
        .with_default("0").at_least(0).at_most(0.5);
    k.params.integer("nn_epochs", "nn_accel: training epochs (and half as many again after pruning)")
        .with_default("5").at_least(1).at_most(1000);
    k.params.real("nn_prune", "nn_accel: fraction of the weights pruned by global magnitude after training")
        .with_default("0").at_least(0).at_most(0.99);
    k.params.integer("nn_bits", "nn_accel: weight bits after training (0: float weights, timed at 8 bits)")
        .with_default("0").at_least(0).at_most(16);
    k.params.string("nn_nm", "nn_accel: N:M structured sparsity after training (for example 2:4; empty: none), "
                             "which the array skips")
        .with_default("");
    k.params.choice("nn_mac", {"fixed", "bit_serial"},
                    "nn_accel: the array's MACs: fixed 8-bit, or bit-serial (cycles grow with the weight bits)")
        .with_default("fixed");
    k.params.integer("nn_array", "nn_accel: rows and columns of the systolic array (clock: decoder_clock)")
        .with_default("16").at_least(1).at_most(1024);
    k.params.integer("window", "sliding window in readout layers (0: decode each whole history at its end)")
        .with_default("0").at_least(0).at_most(4096);
    k.params.integer("commit", "layers committed per window (0: half the window)").with_default("0").at_least(0);
    k.params.choice("latency", {"fixed", "linear", "measured"},
                    "decode time in simulated time: fixed (decode_time), linear (decode_time + decode_time_per_defect "
                    "x defects in the window) or measured (the decode's CPU time x latency_factor)")
        .with_default("fixed");
    k.params.duration("decode_time", "fixed latency, or the linear model's constant").with_default("0 s");
    k.params.duration("decode_time_per_defect", "the linear model's time per defect").with_default("0 s");
    k.params.real("latency_factor", "measured model: simulated time per second of measured CPU time")
        .with_default("1").at_least(0);
    k.params.integer("feed_forward_every", "readouts between operations that need the Pauli frame (0: none); the "
                                           "memory waits, still cycling, until the decoder has committed them")
        .with_default("0").at_least(0);
    k.params.integer("max_cycles", "cycles after which a shot still waiting is abandoned (counted as failed; 0: "
                                   "100 x cycles)")
        .with_default("0").at_least(0);
    k.params.integer("shots", "memories in all").with_default("10000").at_least(1);
    k.params.integer("batch", "shots advanced together (0: sized to the circuit)").with_default("0").at_least(0);
    k.params.choice("graph", {"exact", "estimated"},
                    "the decoding graph's edge probabilities: exact, from the detector error model of a short "
                    "history (every single fault of the circuit, LEC's corrections included); estimated, from "
                    "the detection-event correlations of calibration_shots sampled shots (which also see what "
                    "two or more faults do together)")
        .with_default("exact");
    k.params.integer("calibration_shots", "shots whose detection events estimate the decoding graph (rounded up to a multiple of 512)")
        .with_default("4096").at_least(64).at_most(65536);
    k.params.integer("trace_shots", "shots whose every readout goes to the readouts trace").with_default("4")
        .at_least(0);
    k.params.real("confidence", "confidence level of the intervals").with_default("0.95").at_least(0.5).at_most(0.999);
    k.create = [](Simulation& sim, const std::string& name, const ParamValues& p) -> Component& {
        return sim.add<ReadoutMemory>(name, p);
    };
    return k;
}

ReadoutMemory::ReadoutMemory(Simulation& sim, std::string name, const ParamValues& params)
    : Component(sim, std::move(name)),
      code_(quantum::make_code(params.string("code"), std::uint32_t(params.integer("size")))),
      device_(hw::device_from(params)),
      rule_(rule_of(sim, params)),
      cycle_(readout_cycle(code_, cycle_options(params, rule_.get()), device_)),
      program_(std::make_unique<quantum::Program>(quantum::compile(cycle_.timed.circuit))),
      model_(std::make_unique<SpaceTimeModel>(cycle_)),
      latency_(latency_of(params)),
      shots_total_(std::uint64_t(params.integer("shots"))),
      cycles_(params.integer("cycles") == 0 ? std::uint64_t(params.integer("size"))
                                            : std::uint64_t(params.integer("cycles"))),
      feed_forward_(std::uint64_t(params.integer("feed_forward_every"))),
      calibration_shots_(std::uint64_t(params.integer("calibration_shots"))),
      trace_shots_(std::uint64_t(params.integer("trace_shots"))),
      confidence_(params.real("confidence")),
      readout_(params.integer("readout_every") > 0),
      exact_graph_(params.string("graph") == "exact"),
      readout_trace_(open_trace(
          TraceSchemaBuilder<ReadoutRow>("readouts", "one row per readout of the first trace_shots shots")
              .field("shot", &ReadoutRow::shot, "", "shot index from 0")
              .field("readout", &ReadoutRow::readout, "", "readout index from 0")
              .field("defects", &ReadoutRow::defects, "events", "detection events of this readout")
              .field("time_ps", &ReadoutRow::time_ps, "ps", "the syndrome reached the decoder")
              .field("start_ps", &ReadoutRow::start_ps, "ps", "the decoder took it up")
              .field("end_ps", &ReadoutRow::end_ps, "ps", "the decoder was done with it")
              .field("backlog", &ReadoutRow::backlog, "readouts", "received before and not yet done at time_ps")
              .field("decoded", &ReadoutRow::decoded, "", "1: completed a window (cost a decode)")
              .field("stalled", &ReadoutRow::stalled, "", "1: the memory was waiting for its frame")
              .field("logical", &ReadoutRow::logical, "", "logicals the errors have flipped so far (bit mask)")
              .field("committed", &ReadoutRow::committed, "layers", "layers final once this readout is done"))),
      shot_trace_(open_trace(
          TraceSchemaBuilder<ShotRow>("shots", "one row per shot")
              .field("shot", &ShotRow::shot, "", "shot index from 0")
              .field("readouts", &ShotRow::readouts, "", "readout cycles run")
              .field("operations", &ShotRow::operations, "", "feed-forward operations completed")
              .field("end_ps", &ShotRow::end_ps, "ps", "end of the last cycle (from the batch start)")
              .field("answer_ps", &ShotRow::answer_ps, "ps", "the decoder's final answer (from the batch start)")
              .field("failed", &ShotRow::failed, "", "1: logically wrong or abandoned")
              .field("abandoned", &ShotRow::abandoned, "", "1: stopped at max_cycles"))),
      class_trace_(open_trace(
          TraceSchemaBuilder<EdgeClassRow>("edge_classes", "the decoding graph's edge classes, exact or estimated")
              .field("relation", &EdgeClassRow::relation, "", "0 space, 1 late, 2 early, 3 time, 4 boundary")
              .field("layer_kind", &EdgeClassRow::layer_kind, "", "0 first layer, 1 bulk, 2 at the perfect readout")
              .field("estimated", &EdgeClassRow::estimated, "", "1: a significant estimate; 0: floor or none")
              .field("qubit_kind", &EdgeClassRow::qubit_kind, "", "the CX layers of the qubit's checks (index)")
              .field("p", &EdgeClassRow::p, "1", "edge probability")
              .field("samples", &EdgeClassRow::samples, "", "estimated: shots x translates behind it; exact: translates"))) {
    const std::uint32_t window = std::uint32_t(params.integer("window"));
    std::uint32_t commit = std::uint32_t(params.integer("commit"));
    if (window > 0 && commit == 0) commit = std::max<std::uint32_t>(1, window / 2);
    if (!readout_ && window > 0) throw std::invalid_argument("window: without readouts there is nothing to stream");
    decoder_ = std::make_unique<StreamingDecoder>(*model_, params.string("decoder"), window, commit);
    const std::string& decoder = params.string("decoder");
    if (decoder == "uf_accel" || decoder == "nn_accel" || decoder == "model") {
        if (latency_.kind != LatencyModel::Kind::kFixed || latency_.base_ps != 0 || latency_.per_defect_ps != 0)
            throw std::invalid_argument("latency, decode_time, decode_time_per_defect: the " + decoder +
                                        " decoder's latency is simulated on its hardware; leave them unset");
        if (decoder != "model" && !(params.frequency("decoder_clock").hertz() > 0))
            throw std::invalid_argument("decoder_clock: must be above 0 Hz");
    }
    if (decoder == "model") {
        const std::string model = params.string("decoder_model");
        if (!has_decoder_model(model))
            throw std::invalid_argument("decoder_model: " +
                                        (model.empty() ? std::string("decoder: model needs one")
                                                       : "no decoder model \"" + model + "\"") +
                                        " (known: " + joined_names(decoder_model_names()) + ")");
        model_->set_decoder_factory("model", [model](const DecodingGraph& g) { return make_decoder_model(model, g); });
    } else if (!params.string("decoder_model").empty()) {
        throw std::invalid_argument("decoder_model: only with decoder: model");
    }
    if (decoder == "uf_accel") setup_accelerator(params, window);
    if (decoder == "nn_accel") setup_neural(params, window);
    if (feed_forward_ > 0) {
        if (window == 0)
            throw std::invalid_argument("feed_forward_every: a feed-forward needs a streaming decoder (window > 0)");
        if (cycles_ % feed_forward_ != 0)
            throw std::invalid_argument("feed_forward_every: cycles (" + std::to_string(cycles_) +
                                        ") must be a multiple of it");
    }
    max_cycles_ = params.integer("max_cycles") == 0 ? 100 * cycles_ : std::uint64_t(params.integer("max_cycles"));
    if (max_cycles_ < cycles_) throw std::invalid_argument("max_cycles: below cycles");
    batch_shots_ = params.integer("batch") ? std::size_t(params.integer("batch"))
                                           : quantum::default_batch_shots(program_->num_qubits);
    batch_shots_ = std::size_t(std::min<std::uint64_t>(batch_shots_, shots_total_));
    frames_ = std::make_unique<quantum::FrameSimulator>(*program_, batch_shots_, sim.seed(),
                                                        stream_id(this->name(), "readout_memory"));
    const std::size_t m = cycle_.num_checks;
    last_.resize(m, batch_shots_);
    final_.resize(m + code_.z_logicals.size(), batch_shots_);

    add_statistic("shots", shots_done_, "shots", "memories run to the end");
    add_statistic("failures", failures_, "shots", "shots whose decoded logicals were wrong, or abandoned");
    add_statistic("abandoned", abandoned_, "shots", "shots stopped at max_cycles while waiting for the decoder");
    add_statistic("logical_error", estimates_.logical_error, "1", "failures / shots (Wilson interval)");
    add_statistic("lifetime_rounds", estimates_.lifetime_rounds, "rounds",
                  "tau with (1 + exp(-T / tau)) / 2 the fidelity after T rounds (T: mean rounds per shot)");
    add_statistic("lifetime", estimates_.lifetime_s, "s", "tau in seconds (rounds x the mean round duration)");
    add_statistic("error_per_round", estimates_.error_per_round, "1", "(1 - exp(-1 / tau)) / 2");
    add_statistic("logical_error_rate", error_rate_, "1/s", "1 / lifetime: logical errors per second of storage");
    if (exact_graph_)
        add_statistic("graph_unmatched_p", graph_unmatched_, "1",
                      "exact graph: summed probability of the history's single-fault mechanisms that no edge of the "
                      "graph stands for (more than two detection events)");
    add_statistic("cycle_duration", cycle_duration_, "s", "one readout cycle on the device");
    add_statistic("round_duration", round_duration_, "s", "mean round duration (cycle / R)");
    add_statistic("events_per_readout", events_per_readout_, "events", "detection events per readout");
    add_statistic("decodes", decodes_, "decodes", "window decodes (and final decodes)");
    add_statistic("decode_latency", decode_latency_, "s", "simulated latency of each decode");
    if (accel_memory_ > 0) {
        add_statistic("decode_cycles", decode_cycles_, "cycles", "uf_accel: the accelerator's cycles per decode");
        set_exact(accel_pes_stat_, double(accel_pes_), 1);
        set_exact(accel_memory_stat_, double(accel_memory_), 1);
        add_statistic("decoder_pes", accel_pes_stat_, "PEs", "uf_accel: processing elements");
        add_statistic("decoder_memory_needed", accel_memory_stat_, "bytes",
                      "uf_accel: state memory the largest window's graph needs");
    }
    if (neural_) {
        add_statistic("decode_cycles", decode_cycles_, "cycles", "nn_accel: the array's cycles per decode");
        add_statistic("nn_cycles", neural_->cycles, "cycles", "nn_accel: one inference on the array");
        add_statistic("nn_macs", neural_->macs, "MACs", "nn_accel: MACs the array performs per inference");
        add_statistic("nn_nonzero_params", neural_->nonzero, "params", "nn_accel: weights and biases not zero");
    }
    add_statistic("backlog", backlog_, "readouts", "readouts waiting at the decoder when a new one arrives");
    add_statistic("answer_delay", answer_delay_, "s", "from a shot's last cycle to its decoder's final answer");
    add_statistic("readouts_per_shot", readouts_per_shot_, "readouts", "cycles run per shot (stalls included)");
    add_statistic("stall_cycles", stall_cycles_, "readouts", "cycles per shot spent waiting for the frame");
    add_statistic("operations", operations_, "operations", "feed-forward operations completed");
    add_statistic("error_per_operation", error_per_operation_, "1",
                  "logical error per feed-forward operation (from the failures and the operations per shot)");
    add_statistic("time_per_operation", time_per_operation_, "s", "storage time per feed-forward operation");
    add_statistic("decode_cpu_per_event", cpu_per_event_, "s",
                  "measured CPU time of the decodes per detection event in the decoded windows (varies run to run)");
}

void ReadoutMemory::setup_accelerator(const ParamValues& params, std::uint32_t window) {
    accel_ = accel_config_of(params);
    hw::UfAccelerator::check(accel_);
    const auto resolution = std::uint32_t(params.integer("decoder_resolution"));
    // The largest graph the accelerator must hold: a streaming window, or the whole history.
    const std::uint32_t m = model_->checks();
    const std::uint32_t T = !readout_ ? 0 : window > 0 ? window + 1 : std::uint32_t(cycles_);
    const std::uint32_t layers = !readout_ ? 1 : window > 0 ? window : T + 1;
    std::vector<std::uint32_t> degree(std::size_t(layers) * m, 0);
    std::uint64_t edges = 0;
    for (const SpaceTimeModel::EdgeInstance& e : model_->edges(T, 0, layers)) {
        ++edges;
        ++degree[std::size_t(e.ta) * m + e.ca];
        if (e.tb != SpaceTimeModel::kNoLayer && e.tb < layers) ++degree[std::size_t(e.tb) * m + e.cb];
    }
    const std::uint32_t largest = degree.empty() ? 0 : *std::max_element(degree.begin(), degree.end());
    accel_memory_ = hw::UfAccelerator::memory_needed(degree.size(), edges, largest, accel_.growth_bits);
    if (accel_.memory_bytes != 0 && accel_.memory_bytes < accel_memory_)
        throw std::invalid_argument("decoder_memory: " + std::to_string(accel_.memory_bytes) + " bytes is too small "
                                    "for the decoding graph of " + std::to_string(layers) + " layers of " +
                                    std::to_string(m) + " checks (" + std::to_string(degree.size()) +
                                    " vertices, up to " + std::to_string(edges) + " edges): it needs " +
                                    std::to_string(accel_memory_) + " bytes");
    accel_pes_ = accel_.pes == 0 ? std::uint32_t(degree.size()) : accel_.pes;
    hw::UfAccelConfig config = accel_;
    config.pes = accel_pes_;  // every window on the same machine
    model_->set_decoder_factory("uf_accel", [config, resolution](const DecodingGraph& g) {
        return std::make_unique<AcceleratedUnionFind>(g, resolution, config);
    });
}

void ReadoutMemory::setup_neural(const ParamValues& params, std::uint32_t window) {
    if (params.string("code") != "toric2d") throw std::invalid_argument("decoder: nn_accel decodes the toric2d code");
    if (!readout_ || window > 0)
        throw std::invalid_argument("decoder: nn_accel predicts a whole history's logicals: it needs readouts "
                                    "(readout_every > 0) and window 0");
    const auto bits = std::int64_t(params.integer("nn_bits"));
    if (bits == 1) throw std::invalid_argument("nn_bits: 0 (float) or 2 to 16");
    neural_ = std::make_unique<NeuralSetup>();
    neural_->params = params;
    if (!params.string("nn_nm").empty()) {
        try {
            const accel::Sparsity nm = accel::parse_nm(params.string("nn_nm"), "nn_nm");
            neural_->n = nm.n;
            neural_->m = nm.m;
        } catch (const accel::AccelInputError& e) {
            throw std::invalid_argument(e.what());
        }
    }
}

void ReadoutMemory::train_neural() {
    const ParamValues& p = neural_->params;
    const auto L = std::uint32_t(std::lround(std::sqrt(double(cycle_.num_checks))));
    const NnDecoderShape shape{L, std::uint32_t(cycles_) + 1, std::uint32_t(code_.z_logicals.size())};
    const auto shots = std::size_t(p.integer("nn_train_shots"));
    // The training histories: this memory's own, or the same memory at nn_train_p.
    const double train_p = p.real("nn_train_p");
    std::unique_ptr<ReadoutCycle> train_cycle;
    std::unique_ptr<quantum::Program> train_program;
    if (train_p > 0) {
        ReadoutCycleOptions o = cycle_options(p, rule_.get());
        if (o.noise.q >= 0 && o.noise.p > 0) o.noise.q = std::min(0.5, o.noise.q * train_p / o.noise.p);
        o.noise.p = train_p;
        train_cycle = std::make_unique<ReadoutCycle>(readout_cycle(code_, o, device_));
        train_program = std::make_unique<quantum::Program>(quantum::compile(train_cycle->timed.circuit));
    }
    const quantum::BitTable events =
        sample_detection_events(train_program ? *train_program : *program_, train_cycle ? *train_cycle : cycle_,
                                code_, cycles_, shots, simulation().seed(), stream_id(name(), "nn_training"),
                                /*logicals=*/true);
    const nn::Dataset data = history_dataset(events, shape, shots);
    nn::Graph net = nn_decoder_network(shape, p.integer("nn_channels"), simulation().seed());
    nn::TrainOptions o;
    o.epochs = int(p.integer("nn_epochs"));
    o.batch_size = 64;
    o.seed = simulation().seed();
    nn::train(net, data, o);
    if (p.real("nn_prune") > 0 || neural_->m > 0) {
        if (p.real("nn_prune") > 0) nn::prune_magnitude(net, p.real("nn_prune"), nn::PruneScope::kGlobal);
        if (neural_->m > 0) nn::prune_nm(net, int(neural_->n), int(neural_->m));
        o.epochs = std::max(1, o.epochs / 2);
        nn::train(net, data, o);  // the masks keep the pruned weights at zero
    }
    if (p.integer("nn_bits") > 0) {
        nn::WeightQuantOptions q;
        q.bits = int(p.integer("nn_bits"));
        nn::quantize_weights(net, q);
    }
    accel::AcceleratorSetup setup;
    setup.config.rows = setup.config.cols = std::uint32_t(p.integer("nn_array"));
    setup.config.clock_hz = p.frequency("decoder_clock").hertz();
    if (p.string("nn_mac") == "bit_serial") setup.config.mac = accel::MacKind::kBitSerial;
    const NnAcceleratorTiming t = time_on_accelerator(net, setup);
    const Decoder::Simulated latency{t.cycles, TimePs(std::llround(t.seconds * 1e12))};
    const auto info = net.infer();
    std::uint64_t nonzero = 0;
    for (const nn::NodeInfo& i : info) nonzero += std::uint64_t(i.nonzero_params);
    set_exact(neural_->cycles, double(t.cycles), 1);
    set_exact(neural_->macs, double(t.macs), 1);
    set_exact(neural_->nonzero, double(nonzero), 1);
    auto shared = std::make_shared<const nn::Graph>(std::move(net));
    model_->set_decoder_factory("nn_accel", [shared, shape, latency](const DecodingGraph& g) {
        if (g.num_nodes != shape.nodes())
            throw std::logic_error("nn_accel: a window of another shape than the whole history");
        auto d = std::make_unique<NeuralDecoder>(*shared, shape);
        d->set_latency(latency);
        return d;
    });
}

void ReadoutMemory::calibrate() {
    if (exact_graph_) {
        const auto fit_history = [&](std::uint64_t runs) {
            const quantum::DetectorErrorModel dem = quantum::analyze_errors(history_circuit(cycle_, code_, runs));
            const auto fit = model_->set_from_error_model(dem, std::uint32_t(readout_ ? runs : 0), 1e-9);
            set_exact(graph_unmatched_, fit.unmatched_p, fit.unmatched);
        };
        if (readout_) {
            // A history long enough for every kind of layer (first, bulk, against the perfect readout).
            fit_history(std::clamp<std::uint64_t>(cycles_, 3, 6));
        } else if (cycles_ <= 6) {
            fit_history(cycles_);  // the whole memory: its final syndrome gathers every cycle
        } else {
            // Without readouts the final layer's edges gather every cycle, and a long memory is too long to
            // analyse whole. Once a single fault's frame has settled (corrected, or left for good) each further
            // cycle adds the same independent mechanisms, so 1 - 2p falls by one factor per cycle: taken from
            // histories of 4 and 5 cycles, checked against 6, and raised to the memory's length.
            std::vector<double> a[3];
            for (int i = 0; i < 3; ++i) {
                fit_history(4 + std::uint64_t(i));
                for (const auto& c : model_->classes()) a[i].push_back(1 - 2 * c.p);
            }
            std::vector<double> p(a[0].size());
            for (std::size_t k = 0; k < p.size(); ++k) {
                if (a[0][k] <= 1e-12) {  // p = 1/2 already: it stays there
                    p[k] = 0.5;
                    continue;
                }
                const double r = a[1][k] / a[0][k];
                if (std::abs(a[2][k] - a[1][k] * r) > 1e-9)
                    throw std::invalid_argument(
                        "graph: exact: the single-fault model of this memory without readouts does not settle from "
                        "cycle to cycle (a rule that moves errors?), so it cannot be extended to " +
                        std::to_string(cycles_) + " cycles; use graph: estimated");
                p[k] = 0.5 * (1 - a[2][k] * std::pow(r, double(cycles_ - 6)));
            }
            model_->set_probabilities(p);
        }
    } else {
        estimate_graph();
    }
    for (const auto& c : model_->classes())
        class_trace_.append({std::uint8_t(c.relation), c.layer_kind, std::uint8_t(c.estimated), 0, c.qubit_kind, c.p,
                             c.samples});
}

void ReadoutMemory::estimate_graph() {
    // Whole blocks of 512 shots: every column of the simulator's tables is then a shot of the estimate.
    const std::size_t S = std::size_t((calibration_shots_ + 511) / 512 * 512), m = cycle_.num_checks;
    // A calibration history as long as a shot's, within [3, 64] readouts (the classes are translation invariant).
    const std::uint64_t runs = readout_ ? std::clamp<std::uint64_t>(cycles_, 3, 64) : cycles_;
    const quantum::BitTable events = sample_detection_events(*program_, cycle_, code_, runs, S, simulation().seed(),
                                                             stream_id(name(), "calibration"));
    const double layers = double(events.rows() / m);
    const double floor_p = std::max(1e-9, 1.0 / (double(S) * layers * double(m)));
    model_->estimate(layers_of(events, std::uint32_t(m)), S / 64, S, floor_p);
}

void ReadoutMemory::start() {
    calibrate();
    if (neural_) train_neural();
    schedule_at(now(), [this] { start_batch(); });
}

void ReadoutMemory::start_batch() {
    in_batch_ = std::size_t(std::min<std::uint64_t>(batch_shots_, shots_total_ - first_shot_));
    active_ = in_batch_;
    readouts_ = 0;
    batch_start_ = now();
    shots_.assign(in_batch_, Shot{});
    new_defects_.assign(in_batch_, {});
    last_.clear();
    frames_->start();
    schedule_at(now() + cycle_.timed.total_ps, [this] { cycle_event(); });
}

std::uint64_t ReadoutMemory::actual_logicals(std::size_t s) const {
    std::uint64_t mask = 0;
    for (std::size_t k = 0; k < code_.z_logicals.size(); ++k) {
        bool bit = false;
        for (std::uint32_t q : code_.z_logicals[k]) bit ^= frames_->x_frame().get(q, s);
        if (bit) mask |= std::uint64_t(1) << k;
    }
    return mask;
}

void ReadoutMemory::final_layer_rows() {
    xor_parities(frames_->x_frame(), code_.z_checks, &last_, final_, 0);
    xor_parities(frames_->x_frame(), code_.z_logicals, nullptr, final_, cycle_.num_checks);
}

void ReadoutMemory::cycle_event() {
    frames_->run_again();
    const std::uint32_t k = readouts_++;
    const TimePs arrival = now() - batch_start_;
    const std::size_t m = cycle_.num_checks, words = last_.words();
    if (readout_) {
        for (std::size_t c = 0; c < m; ++c) {
            const std::uint64_t* now_row = frames_->detectors().row(c);
            std::uint64_t* l = last_.row(c);
            for (std::size_t w = 0; w < words; ++w) {
                std::uint64_t d = now_row[w] ^ l[w];
                l[w] = now_row[w];
                for (; d; d &= d - 1) {  // each shot whose check c changed
                    const std::size_t shot = w * 64 + std::size_t(std::countr_zero(d));
                    if (shot < in_batch_) new_defects_[shot].push_back(std::uint32_t(c));
                }
            }
        }
    }
    std::vector<std::size_t> ending;
    std::vector<std::uint8_t> abandon;
    for (std::size_t s = 0; s < in_batch_; ++s) {
        Shot& sh = shots_[s];
        if (sh.done) {
            new_defects_[s].clear();
            continue;
        }
        bool stalled = false;
        if (readout_) {
            const auto n_defects = std::uint32_t(new_defects_[s].size());
            const DecodeStep step = decoder_->push(sh.stream, std::move(new_defects_[s]));
            new_defects_[s].clear();
            // Jobs done by the time this syndrome arrives.
            while (!sh.jobs.empty() && sh.jobs.front().first <= arrival) {
                sh.committed_done = std::max(sh.committed_done, sh.jobs.front().second);
                sh.jobs.pop_front();
            }
            const auto backlog = std::uint32_t(sh.jobs.size());
            const TimePs lat = step.decoded ? latency(step) : 0;
            const TimePs begin = std::max(arrival, sh.free_ps), end = begin + lat;
            sh.free_ps = end;
            if (end <= arrival) sh.committed_done = std::max(sh.committed_done, step.committed);
            else sh.jobs.emplace_back(end, step.committed);
            if (step.decoded) {
                cpu_s_ += step.cpu_seconds;
                decoded_events_ += double(step.defects);
                decodes_.add();
                decode_latency_.add(double(lat) * kPsToS);
            }
            events_per_readout_.add(double(n_defects));
            backlog_.add(double(backlog));
            // Feed-forward: a waiting memory is released once its readout is committed; otherwise this cycle counts.
            if (sh.waiting_for >= 0) {
                stalled = true;
                if (std::int64_t(sh.committed_done) > sh.waiting_for) {
                    ++sh.operations;
                    operations_.add();
                    sh.waiting_for = -1;
                }
            } else {
                ++sh.useful;
                if (feed_forward_ > 0 && sh.useful % feed_forward_ == 0) {
                    sh.waiting_for = k;
                    if (std::int64_t(sh.committed_done) > sh.waiting_for) {  // committed already (zero latency)
                        ++sh.operations;
                        operations_.add();
                        sh.waiting_for = -1;
                    }
                }
            }
            if (first_shot_ + s < trace_shots_)
                readout_trace_.append({first_shot_ + s, k, n_defects, std::uint64_t(batch_start_ + arrival),
                                       std::uint64_t(batch_start_ + begin), std::uint64_t(batch_start_ + end), backlog,
                                       std::uint8_t(step.decoded), std::uint8_t(stalled),
                                       std::uint8_t(actual_logicals(s)), 0, step.committed});
        } else {
            ++sh.useful;
        }
        const bool finished = feed_forward_ == 0 ? sh.useful >= cycles_
                                                 : sh.operations >= cycles_ / feed_forward_ && sh.waiting_for < 0;
        if (finished || readouts_ >= max_cycles_) {
            ending.push_back(s);
            abandon.push_back(!finished);
        }
    }
    if (!ending.empty()) final_layer_rows();
    for (std::size_t i = 0; i < ending.size(); ++i) end_shot(ending[i], abandon[i]);
    if (active_ > 0) {
        schedule_at(now() + cycle_.timed.total_ps, [this] { cycle_event(); });
        return;
    }
    first_shot_ += in_batch_;
    if (first_shot_ < shots_total_) schedule_at(now(), [this] { start_batch(); });
}

TimePs ReadoutMemory::latency(const DecodeStep& step) {
    if (!step.simulated) return latency_.latency(step.defects, step.cpu_seconds);
    decode_cycles_.add(double(step.simulated->cycles));
    return step.simulated->latency_ps;
}

void ReadoutMemory::end_shot(std::size_t s, bool abandoned) {
    Shot& sh = shots_[s];
    const TimePs end = now() - batch_start_;
    TimePs answer = end;
    bool failed = true;
    if (!abandoned) {
        std::vector<std::uint32_t> defects;
        for (std::uint32_t c = 0; c < cycle_.num_checks; ++c)
            if (final_.get(c, s)) defects.push_back(c);
        const DecodeStep step = decoder_->finish(sh.stream, std::move(defects));
        const TimePs lat = latency(step);
        answer = std::max(end, sh.free_ps) + lat;
        cpu_s_ += step.cpu_seconds;
        decoded_events_ += double(step.defects);
        decodes_.add();
        decode_latency_.add(double(lat) * kPsToS);
        answer_delay_.add(double(answer - end) * kPsToS);
        std::uint64_t actual = 0;
        for (std::size_t k = 0; k < code_.z_logicals.size(); ++k)
            if (final_.get(cycle_.num_checks + k, s)) actual |= std::uint64_t(1) << k;
        failed = sh.stream.frame != actual;
    } else {
        abandoned_.add();
    }
    shots_done_.add();
    if (failed) failures_.add();
    readouts_per_shot_.add(double(readouts_));
    stall_cycles_.add(double(readouts_ - sh.useful));
    rounds_sum_ += double(readouts_) * double(cycle_.rounds);
    ops_sum_ += double(sh.operations);
    time_sum_s_ += double(end) * kPsToS;
    shot_trace_.append({first_shot_ + s, readouts_, sh.operations, std::uint64_t(end), std::uint64_t(answer),
                        std::uint8_t(failed), std::uint8_t(abandoned)});
    sh.done = true;
    --active_;
}

void ReadoutMemory::finish() {
    const std::uint64_t n = shots_done_.count(), k = failures_.count();
    const double cycle_s = double(cycle_.timed.total_ps) * kPsToS;
    const double nan = std::numeric_limits<double>::quiet_NaN();
    set_exact(cycle_duration_, cycle_s, 1);
    const double round_s = cycle_s / double(cycle_.rounds);
    set_exact(round_duration_, round_s, 1);
    if (decoded_events_ > 0) {
        const double per_event = cpu_s_ / decoded_events_;  // one measurement: no interval
        set_exact(cpu_per_event_, per_event, std::uint64_t(decoded_events_));
    }
    if (n == 0 || rounds_sum_ <= 0) return;
    estimates_.set(k, n, rounds_sum_ / double(n), time_sum_s_ / rounds_sum_, confidence_);
    // 1 / tau and the error per operation, with intervals from the Wilson interval of the failure probability.
    const double T = rounds_sum_ / double(n), round_mean_s = time_sum_s_ / rounds_sum_;
    const double z = std::sqrt(chi2_1_quantile(confidence_));
    double P_lo = 0, P_hi = 0;
    wilson_interval(k, n, z, P_lo, P_hi);
    const double P = double(k) / double(n);
    const auto rate = [&](double p) { return 1 / (lifetime_of(p, T) * round_mean_s); };  // 1 / inf = 0
    error_rate_.set(rate(P), nan, rate(P_lo), rate(P_hi), k);
    if (feed_forward_ > 0 && ops_sum_ > 0) {
        const double ops = ops_sum_ / double(n);
        const auto per_op = [&](double p) { return error_per_round_of(lifetime_of(p, ops)); };
        error_per_operation_.set(per_op(P), nan, per_op(P_lo), per_op(P_hi), k);
        const double t = time_sum_s_ / ops_sum_;
        set_exact(time_per_operation_, t, std::uint64_t(ops_sum_));
    }
}

void register_readout_memory(ComponentRegistry& registry) { registry.add(ReadoutMemory::kind()); }

}  // namespace qdes::qec
