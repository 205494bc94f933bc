#include "protocols/qec/decoding_memory.h"

#include <cmath>
#include <limits>
#include <stdexcept>

#include "protocols/qec/readout_memory.h"
#include "sim/simulation.h"

namespace qdes::qec {

ComponentKind DecodingMemory::kind() {
    ComponentKind k;
    k.name = "decoding_memory";
    k.doc = "a memory whose errors are drawn on its decoding graph (code capacity or phenomenological noise) and "
            "decoded shot by shot by union-find or exact matching; logical error per shot and per round, lifetime";
    k.params.choice("code", {"toric2d", "repetition"}, "the code (errors of the memory's Z basis: X flips)")
        .with_default("toric2d");
    k.params.integer("size", "L: the toric code's side (distance L), or the repetition code's length")
        .with_example("8").at_least(2).at_most(4096);
    k.params.choice("noise", {"code_capacity", "phenomenological"},
                    "code_capacity: data flips with p, one perfect syndrome; phenomenological: data flips with p "
                    "before each of `rounds` noisy syndrome rounds, syndrome bits flip with q, then a perfect readout")
        .with_default("phenomenological");
    k.params.real("p", "data-qubit flip probability (per round)").with_example("0.02").at_least(1e-12).at_most(0.5);
    k.params.real("q", "syndrome-bit flip probability per round (-1: p)").with_default("-1").at_least(-1).at_most(0.5);
    k.params.integer("rounds", "noisy syndrome rounds (0: L); code capacity has one round").with_default("0")
        .at_least(0).at_most(1 << 20);
    k.params.choice("decoder", decoder_names(), "union_find (fast) or matching (exact minimum weight, slow)")
        .with_default("union_find");
    k.params.integer("shots", "memories in all").with_default("10000").at_least(1);
    k.params.integer("batch", "shots decoded per kernel event").with_default("1024").at_least(1);
    k.params.duration("round_duration", "time of one syndrome round (for the lifetime in seconds)")
        .with_default("1 us");
    k.params.real("confidence", "confidence level of the intervals").with_default("0.95").at_least(0.5).at_most(0.999);
    k.create = [](Simulation& sim, const std::string& name, const ParamValues& p) -> Component& {
        return sim.add<DecodingMemory>(name, p);
    };
    return k;
}

namespace {

std::uint32_t rounds_of(const ParamValues& p) {
    if (p.string("noise") == "code_capacity") {
        if (p.integer("rounds") != 0) throw std::invalid_argument("rounds: code_capacity noise has one perfect round");
        return 0;
    }
    return std::uint32_t(p.integer("rounds") == 0 ? p.integer("size") : p.integer("rounds"));
}

}  // namespace

DecodingMemory::DecodingMemory(Simulation& sim, std::string name, const ParamValues& params)
    : Component(sim, std::move(name)),
      code_(quantum::make_code(params.string("code"), std::uint32_t(params.integer("size")))),
      graph_(css_decoding_graph(code_, 'Z', rounds_of(params), params.real("p"),
                                params.real("q") < 0 ? params.real("p") : params.real("q"))),
      decoder_(make_decoder(params.string("decoder"), graph_)),
      sampler_(std::make_unique<GraphSampler>(graph_)),
      rng_(RandomStream(sim.seed(), stream_id(this->name(), "decoding_memory"))),
      shots_total_(std::uint64_t(params.integer("shots"))),
      batch_shots_(std::uint64_t(params.integer("batch"))),
      rounds_(std::max<std::uint32_t>(1, rounds_of(params))),
      round_ps_(params.duration_ps("round_duration")),
      confidence_(params.real("confidence")) {
    add_statistic("shots", shots_, "shots", "memories decoded");
    add_statistic("failures", failures_, "shots", "memories whose decoded logicals were wrong");
    add_statistic("detection_events", detection_events_, "events", "defects over all shots");
    add_statistic("events_per_shot", events_per_shot_, "events", "defects per shot");
    add_statistic("logical_error", estimates_.logical_error, "1", "failures / shots after all rounds (Wilson interval)");
    add_statistic("lifetime_rounds", estimates_.lifetime_rounds, "rounds",
                  "tau with (1 + exp(-T / tau)) / 2 the fidelity after T rounds");
    add_statistic("lifetime", estimates_.lifetime_s, "s", "tau x round_duration");
    add_statistic("error_per_round", estimates_.error_per_round, "1",
                  "logical error per round eps, P(T) = (1 - (1 - 2 eps)^T) / 2: (1 - exp(-1 / tau)) / 2");
    add_statistic("decode_cpu_per_event", decode_cpu_per_event_, "s",
                  "measured CPU time of the decoder per detection event (varies run to run)");
}

void DecodingMemory::start() {
    // A resumed run stopped after a batch, before the next was scheduled one batch's rounds later.
    schedule_at(now() + (simulation().resumed() ? round_ps_ * TimePs(rounds_) : 0), [this] { batch(); });
}

void DecodingMemory::batch() {
    const std::uint64_t n = std::min(batch_shots_, shots_total_ - shots_.count());
    decode_shots(*sampler_, rng_, *decoder_, n, run_, [this](const GraphSample& sample, bool failed) {
        if (failed) failures_.add();
        detection_events_.add(sample.defects.size());
        events_per_shot_.add(double(sample.defects.size()));
        shots_.add();
    });
    if (shots_.count() < shots_total_) {
        simulation().safe_point();  // between batches: the generator and the run's totals are all that carries over
        schedule_at(now() + round_ps_ * TimePs(rounds_), [this] { batch(); });
    }
}

void DecodingMemory::save_state(StateWriter& w) const {
    rng_.save_state(w);
    w.u64(run_.shots);
    w.u64(run_.failures);
    w.u64(run_.defects);
    w.f64(run_.decode_seconds);
}

void DecodingMemory::restore_state(StateReader& r) {
    rng_.restore_state(r);
    run_.shots = r.u64();
    run_.failures = r.u64();
    run_.defects = r.u64();
    run_.decode_seconds = r.f64();
}

void DecodingMemory::finish() {
    const std::uint64_t n = shots_.count(), k = failures_.count();
    if (n == 0) return;
    const double T = double(rounds_);
    estimates_.set(k, n, T, double(round_ps_) * 1e-12, confidence_);
    const std::uint64_t events = detection_events_.count();
    if (events > 0) {
        const double per_event = run_.decode_seconds / double(events);  // one measurement: no interval
        decode_cpu_per_event_.set(per_event, std::numeric_limits<double>::quiet_NaN(), per_event, per_event, events);
    }
}

void register_qec_components(ComponentRegistry& registry) {
    registry.add(DecodingMemory::kind());
    register_readout_memory(registry);
}

}  // namespace qdes::qec
