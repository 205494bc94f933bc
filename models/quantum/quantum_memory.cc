#include "models/quantum/quantum_memory.h"

#include <bit>
#include <thread>

#include "models/quantum/codes/css_code.h"
#include "models/quantum/noise.h"
#include "sim/checkpoint.h"
#include "sim/random.h"
#include "sim/simulation.h"

namespace qdes::quantum {

namespace {

Circuit build_circuit(const Simulation& sim, const ParamValues& p) {
    NoiseModel noise;
    noise.kind = NoiseModel::parse_kind(p.string("noise"));
    noise.p = p.real("p");
    noise.q = p.real("q");
    noise.idle = p.real("idle");
    const std::string& file = p.string("circuit");
    const std::string& code = p.string("code");
    if (!file.empty() && code != "none")
        throw std::invalid_argument("give either circuit (a file) or code (a builder), not both");
    if (file.empty() && code == "none")
        throw std::invalid_argument("give circuit (a Stim-format file) or code (repetition, ising2d, toric2d, toric4d)");
    if (noise.kind == NoiseModel::Kind::kNone && (noise.p > 0 || noise.idle > 0 || noise.q > 0))
        throw std::invalid_argument("p, q and idle need a noise model: set noise to gate_bitflip, gate_depolarizing "
                                    "or phenomenological");
    const std::string& lec = p.string("lec");
    if (!file.empty() && lec != "none") throw std::invalid_argument("lec builds its own circuit: use it with code, not circuit");
    if (!file.empty()) return add_gate_noise(read_circuit_file(sim.resolve_path(file).string()), noise);
    const auto size = std::uint32_t(p.integer("size"));
    const auto rounds = std::uint64_t(p.integer("rounds"));
    if (lec == "toom") {
        if (code != "ising2d") throw std::invalid_argument("lec: toom runs on code: ising2d");
        return toom_memory_circuit(size, rounds, noise);
    }
    MemoryOptions o;
    o.rounds = rounds;
    o.basis = p.string("basis")[0];
    o.noise = noise;
    CssCode built = make_code(code, size);
    if (o.basis == 'X' && built.x_checks.empty())
        throw std::invalid_argument("basis X needs a code with X checks; " + built.name + " has Z checks only");
    return memory_circuit(built, o);
}

}  // namespace

ComponentKind QuantumMemory::kind() {
    ComponentKind k;
    k.name = "quantum_memory";
    k.doc = "a quantum memory experiment (a Stim-format circuit with CCX/CCZ/MCX, or a code builder) sampled by the "
            "bit-parallel frame simulator, one event per circuit layer for a whole batch of shots";
    k.params.string("circuit", "Stim-format circuit file, relative to the scenario's folder (or use code)")
        .with_default("");
    k.params.choice("code", {"none", "repetition", "ising2d", "toric2d", "toric4d"}, "code builder (or use circuit)")
        .with_default("none")
        .with_example("repetition");
    k.params.integer("size", "code size: distance d (repetition) or side L").with_default("3").at_least(2).at_most(4096);
    k.params.integer("rounds", "syndrome-extraction (or LEC) rounds of the built circuit").with_default("3").at_least(1);
    k.params.choice("basis", {"Z", "X"}, "memory basis of the built circuit").with_default("Z");
    k.params.choice("lec", {"none", "toom"}, "measurement-free correction instead of syndrome readout (ising2d)")
        .with_default("none");
    k.params.choice("noise", NoiseModel::kind_names(), "noise model added to the circuit").with_default("none");
    k.params.real("p", "gate and reset error probability (phenomenological: data flip per round)")
        .with_default("0")
        .at_least(0)
        .at_most(1);
    k.params.real("q", "measurement flip probability; -1: the same as p").with_default("-1").at_least(-1).at_most(1);
    k.params.real("idle", "error probability per layer of each qubit a layer leaves alone").with_default("0").at_least(0).at_most(1);
    k.params.integer("shots", "shots in all").with_default("10000").at_least(1);
    k.params.integer("batch", "shots advanced together per event (0: sized to the circuit, 512..16384)")
        .with_default("0")
        .at_least(0)
        .at_most(1 << 24);
    k.params.integer("threads", "threads simulating batches ahead (0: every core); the results do not depend on it")
        .with_default("0")
        .at_least(0)
        .at_most(1024);
    k.params.duration("layer_duration", "simulated time of one circuit layer (between two TICKs)")
        .with_default("1 us")
        .at_least(1);
    k.create = [](Simulation& sim, const std::string& name, const ParamValues& p) -> Component& {
        return sim.add<QuantumMemory>(name, p);
    };
    return k;
}

QuantumMemory::QuantumMemory(Simulation& sim, std::string name, const ParamValues& params)
    : Component(sim, std::move(name)),
      program_(compile(build_circuit(sim, params))),
      shots_total_(std::uint64_t(params.integer("shots"))),
      batch_shots_(params.integer("batch") ? std::size_t(params.integer("batch"))
                                           : default_batch_shots(program_.num_qubits)),
      layer_ps_(params.duration_ps("layer_duration")),
      events_trace_(open_trace(TraceSchemaBuilder<DetectionEventRow>(
                                   "detection_events", "one row per detection event: the shot, the detector, and "
                                                       "the end of the layer that computed it")
                                   .field("shot", &DetectionEventRow::shot, "", "shot index from 0")
                                   .field("detector", &DetectionEventRow::detector, "", "detector index (D0, D1...)")
                                   .field("time_ps", &DetectionEventRow::time_ps, "ps",
                                          "simulated time at the end of the detector's layer"))),
      flips_trace_(open_trace(TraceSchemaBuilder<ObservableFlipRow>(
                                  "observable_flips", "one row per observable flipped at the end of a shot")
                                  .field("shot", &ObservableFlipRow::shot, "", "shot index from 0")
                                  .field("observable", &ObservableFlipRow::observable, "", "observable index (L0...)"))) {
    batch_shots_ = std::size_t(std::min<std::uint64_t>(batch_shots_, shots_total_));
    const std::uint64_t batches = (shots_total_ + batch_shots_ - 1) / batch_shots_;
    threads_ = params.integer("threads") ? unsigned(params.integer("threads"))
                                         : std::max(1u, std::thread::hardware_concurrency());
    threads_ = unsigned(std::min<std::uint64_t>(threads_, batches));
    stream_ = stream_id(this->name(), "frames");
    add_statistic("shots", shots_, "shots", "shots completed");
    add_statistic("batches", batches_, "batches", "batches completed");
    add_statistic("detection_events", detection_events_, "events", "detection events in all shots");
    add_statistic("detection_events_per_shot", events_per_shot_, "events", "detection events in a shot");
    add_statistic("logical_error_rate", logical_error_, "1",
                  "fraction of shots in which any observable flipped (undecoded)");
    for (std::uint32_t k = 0; k < program_.num_observables; ++k) {
        observable_flip_.push_back(std::make_unique<Tally>());
        add_statistic("observable_" + std::to_string(k) + "_flip_rate", *observable_flip_.back(), "1",
                      "fraction of shots in which observable L" + std::to_string(k) + " flipped");
    }
}

void QuantumMemory::start() {
    // The workers' simulators and the layer table are made here, not in the constructor, so that a check-only build
    // (qdes validate) does not pay for them.
    for (unsigned w = 0; w < threads_; ++w)
        frames_.push_back(std::make_unique<FrameSimulator>(program_, batch_shots_, simulation().seed(), stream_));
    // Which detectors each layer completes: the same in every batch, so found once on a one-shot pass.
    {
        FrameSimulator probe(program_, 1, 0);
        probe.start();
        bool more = true;
        while (more) {
            more = probe.step_layer();
            layer_detectors_.push_back(probe.detectors_done());
        }
    }
    // From the batch a checkpoint left off at (batch k depends on k only).
    const std::uint64_t batches = (shots_total_ + batch_shots_ - 1) / batch_shots_;
    pipeline_ = std::make_unique<OrderedPipeline<Batch>>(
        threads_, shots_started_ / batch_shots_, batches, [this](unsigned w, std::uint64_t k) {
            FrameSimulator& frame = *frames_[w];
            frame.restart_stream(derive_seed(stream_, k));
            frame.run();
            const std::size_t n = std::size_t(std::min<std::uint64_t>(batch_shots_, shots_total_ - k * batch_shots_));
            // Detection events per shot, kept bit-sliced while adding the rows.
            ShotCounts counts(program_.num_detectors, (n + 63) / 64);
            for (std::uint64_t d = 0; d < program_.num_detectors; ++d) counts.add(frame.detectors().row(d));
            std::vector<std::uint32_t> events(n);
            for (std::size_t s = 0; s < n; ++s) events[s] = std::uint32_t(counts.count(s));
            return Batch{frame.detectors().clone(), frame.observables().clone(), std::move(events)};
        });
    start_batch();
}

void QuantumMemory::start_batch() {
    shots_in_batch_ = std::size_t(std::min<std::uint64_t>(batch_shots_, shots_total_ - shots_started_));
    batch_ = pipeline_->next();
    layer_in_batch_ = 0;
    schedule_after(layer_ps_, [this] { layer(); });
}

void QuantumMemory::layer() {
    const std::uint64_t before = layer_in_batch_ == 0 ? 0 : layer_detectors_[layer_in_batch_ - 1];
    const std::uint64_t after = layer_detectors_[layer_in_batch_];
    const bool more = layer_in_batch_ + 1 < layer_detectors_.size();
    const std::size_t words = (shots_in_batch_ + 63) / 64;
    const std::uint64_t tail_mask =
        shots_in_batch_ % 64 ? (std::uint64_t(1) << (shots_in_batch_ % 64)) - 1 : ~std::uint64_t(0);
    for (std::uint64_t d = before; d < after; ++d) {
        const std::uint64_t* row = batch_->detectors.row(d);
        for (std::size_t w = 0; w < words; ++w) {
            std::uint64_t bits = row[w] & (w + 1 == words ? tail_mask : ~std::uint64_t(0));
            detection_events_.add(std::uint64_t(std::popcount(bits)));
            if (!events_trace_.enabled()) continue;
            while (bits) {
                unsigned s = unsigned(std::countr_zero(bits));
                bits &= bits - 1;
                events_trace_.append({shots_started_ + w * 64 + s, std::uint32_t(d), 0, now()});
            }
        }
    }
    ++layer_in_batch_;
    if (more) {
        schedule_after(layer_ps_, [this] { layer(); });
        return;
    }
    finish_batch();
}

void QuantumMemory::finish_batch() {
    const std::size_t n = shots_in_batch_;
    const std::size_t words = (n + 63) / 64;
    const std::uint64_t tail_mask = n % 64 ? (std::uint64_t(1) << (n % 64)) - 1 : ~std::uint64_t(0);
    auto masked = [&](const std::uint64_t* row, std::size_t w) {
        return row[w] & (w + 1 == words ? tail_mask : ~std::uint64_t(0));
    };
    for (std::size_t s = 0; s < n; ++s) events_per_shot_.add(double(batch_->events_per_shot[s]));
    // Observable flips, per observable and "any observable", one 0/1 observation per shot.
    std::vector<std::uint64_t> any(words, 0);
    for (std::uint32_t k = 0; k < program_.num_observables; ++k) {
        const std::uint64_t* row = batch_->observables.row(k);
        for (std::size_t w = 0; w < words; ++w) {
            std::uint64_t bits = masked(row, w);
            any[w] |= bits;
            for (std::size_t s = 0; s < 64 && w * 64 + s < n; ++s) observable_flip_[k]->add(double((bits >> s) & 1));
            if (!flips_trace_.enabled()) continue;
            while (bits) {
                unsigned s = unsigned(std::countr_zero(bits));
                bits &= bits - 1;
                flips_trace_.append({shots_started_ + w * 64 + s, k, 0});
            }
        }
    }
    if (program_.num_observables)
        for (std::size_t s = 0; s < n; ++s) logical_error_.add(double((any[s / 64] >> (s % 64)) & 1));
    shots_.add(n);
    batches_.add();
    shots_started_ += n;
    if (shots_started_ < shots_total_) {
        simulation().safe_point();  // between batches: the shots done and the generator are all that carries over
        start_batch();
    }
}

std::string QuantumMemory::checkpoint_refusal() const {
    return events_trace_.enabled() || flips_trace_.enabled()
               ? "its detection_events and observable_flips tables are written during the run and are not kept in "
                 "checkpoints; record them in a run without record.checkpoint_interval"
               : "";
}

void QuantumMemory::save_state(StateWriter& w) const {
    w.u64(shots_started_);  // batches run on streams of their own: the shots done are all that carries over
}

void QuantumMemory::restore_state(StateReader& r) {
    shots_started_ = r.u64();
    if (shots_started_ >= shots_total_) throw CheckpointError("its shots are all done");
    if (shots_started_ % batch_shots_ != 0) throw CheckpointError("it stopped inside a batch");
}

void register_quantum_components(ComponentRegistry& registry) { registry.add(QuantumMemory::kind()); }

}  // namespace qdes::quantum
