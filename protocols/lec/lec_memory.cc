#include "protocols/lec/lec_memory.h"

#include <cmath>
#include <limits>
#include <thread>

#include "protocols/lec/toom.h"
#include "protocols/lec/toric4d.h"
#include "sim/simulation.h"

namespace qdes::lec {

ComponentKind LecMemory::kind() {
    ComponentKind k;
    k.name = "lec_memory";
    k.doc = "memory lifetime under measurement-free local error correction (Toom's rule on the 2D Ising memory, as "
            "an LEC circuit, a cellular automaton or a rule file; the 4D Toom rule on the 4D toric code), one event "
            "per round for a batch of shots";
    k.params.choice("rule", {"toom_circuit", "toom_automaton", "file", "toric4d_circuit"},
                    "the LEC rule: Toom's on the Ising memory as a circuit or an automaton, a rule file (rule_file), "
                    "or the 4D Toom rule on the 4D toric code as a circuit")
        .with_default("toom_circuit");
    k.params
        .string("rule_file",
                "user-defined rule, relative to the scenario's folder: with rule: file a 2D rule "
                "(protocols/lec/rule.h), with rule: toric4d_circuit a 4D rule (lattice: toric4d; "
                "protocols/lec/toric4d.h) in place of the 4D Toom rule")
        .with_default("");
    k.params.integer("size", "lattice side L (L x L spins on a torus; the 4D toric code: an L^4 torus)")
        .with_default("8")
        .at_least(2)
        .at_most(2048);
    k.params.choice("noise", {"gate_bitflip", "gate_depolarizing"}, "gate noise model of the circuit")
        .with_default("gate_bitflip");
    k.params.real("p", "error probability per gate and reset (the automaton: flip per bit per round)")
        .with_example("0.01")
        .at_least(0)
        .at_most(1);
    k.params.real("p01", "toom_automaton, biased noise: probability a bit at 0 flips to 1 after a round; -1: p")
        .with_default("-1")
        .at_least(-1)
        .at_most(1);
    k.params.real("p10", "toom_automaton, biased noise: probability a bit at 1 flips to 0 after a round; -1: p")
        .with_default("-1")
        .at_least(-1)
        .at_most(1);
    k.params.real("idle", "idle error probability per layer (circuit only)").with_default("0").at_least(0).at_most(1);
    k.params.integer("max_rounds", "round cap: shots alive then are right-censored").with_default("1000").at_least(1);
    k.params.integer("shots", "memories in all").with_default("4096").at_least(1);
    k.params.integer("batch", "shots advanced together per event (0: sized to the circuit)").with_default("0").at_least(0);
    k.params.integer("threads", "threads running batches ahead (0: every core); the results do not depend on it")
        .with_default("0")
        .at_least(0)
        .at_most(1024);
    k.params.duration("round_duration", "simulated time of one round (ignored when layer_duration is set)")
        .with_default("1 us")
        .at_least(1);
    k.params.duration("layer_duration",
                      "time of one gate layer; when set, a round takes its circuit's layers x this (the automaton: "
                      "one layer)")
        .with_default("0 s")
        .at_least(0);
    k.params.integer("decode_rounds",
                     "toric4d_circuit: bound on the noiseless rule steps of the logical readout (0: 8 L); a readout "
                     "still showing a syndrome then is counted as undecided and read by the majority of each "
                     "logical's translates")
        .with_default("0")
        .at_least(0);
    k.params.integer("history_shots",
                     "shots whose spacetime history the history trace records (when record.trace lists it)")
        .with_default("4")
        .at_least(0);
    k.params.integer("history_rounds", "rounds of history recorded per shot").with_default("200").at_least(0);
    k.params.choice("phase_sector", {"symmetry"},
                    "toric4d_circuit: how the phase sector is treated. symmetry: the bit-flip sector (CCX on edge "
                    "ancillas) is simulated, and the phase sector (CCZ on cube ancillas), its image under the "
                    "lattice's self-duality, is taken to fail alike under X/Z-symmetric noise")
        .with_default("symmetry");
    k.params.real("confidence", "confidence level of the intervals").with_default("0.95").at_least(0.5).at_most(0.999);
    k.create = [](Simulation& sim, const std::string& name, const ParamValues& p) -> Component& {
        return sim.add<LecMemory>(name, p);
    };
    return k;
}

namespace {

quantum::NoiseModel noise_of(const ParamValues& p) {
    quantum::NoiseModel n;
    n.kind = quantum::NoiseModel::parse_kind(p.string("noise"));
    n.p = p.real("p");
    n.idle = p.real("idle");
    if (p.string("rule") == "toom_automaton" && n.idle > 0)
        throw std::invalid_argument("idle noise applies to the circuit rule only");
    return n;
}

LecOptions options_of(const Simulation& sim, const std::string& name, const ParamValues& p) {
    LecOptions o;
    o.L = std::uint32_t(p.integer("size"));
    o.max_rounds = std::uint64_t(p.integer("max_rounds"));
    o.shots = std::uint64_t(p.integer("shots"));
    o.batch = std::size_t(p.integer("batch"));
    o.seed = sim.seed();
    o.stream = stream_id(name, "lec");
    o.stream_per_batch = true;  // the batches run ahead on threads
    return o;
}

}  // namespace

static CustomRules rules_of(const Simulation& sim, const ParamValues& p) {
    const std::string& rule = p.string("rule");
    const std::string& file = p.string("rule_file");
    if (rule == "file" && file.empty()) throw std::invalid_argument("rule: file needs rule_file");
    if (rule != "file" && rule != "toric4d_circuit" && !file.empty())
        throw std::invalid_argument("rule_file needs rule: file (a 2D rule) or rule: toric4d_circuit (a 4D rule)");
    CustomRules r;
    if (file.empty()) return r;
    const std::string path = sim.resolve_path(file).string();
    if (rule == "file") {
        r.ising = std::make_unique<LecRule>(load_lec_rule(path));
    } else {
        r.toric4d = std::make_unique<Toric4dRule>(load_toric4d_rule(path));
    }
    return r;
}

static std::unique_ptr<LecBatch> batch_of(const LecOptions& o, const ParamValues& p, const CustomRules& custom) {
    const std::string& rule = p.string("rule");
    if (rule != "toric4d_circuit" && p.integer("decode_rounds") != 0)
        throw std::invalid_argument("decode_rounds applies to rule: toric4d_circuit only");
    if (rule == "toric4d_circuit") {
        Toric4dOptions t;
        t.decode_rounds = std::uint64_t(p.integer("decode_rounds"));
        return std::make_unique<Toric4dBatch>(o, noise_of(p), t, custom.toric4d.get());
    }
    const double p01 = p.real("p01"), p10 = p.real("p10");
    if (p01 < 0 && p10 < 0)
        return std::make_unique<ToomBatch>(rule == "toom_automaton" ? ToomRule::kAutomaton : ToomRule::kCircuit, o,
                                           noise_of(p), custom.ising.get());
    if (rule != "toom_automaton")
        throw std::invalid_argument("p01 and p10 (biased noise) apply to rule: toom_automaton only; the circuits' "
                                    "noise is the engine's gate_bitflip or gate_depolarizing");
    const BiasedFlips biased{p01 < 0 ? p.real("p") : p01, p10 < 0 ? p.real("p") : p10};
    return std::make_unique<ToomBatch>(ToomRule::kAutomaton, o, noise_of(p), nullptr, &biased);
}

LecMemory::LecMemory(Simulation& sim, std::string name, const ParamValues& params)
    : Component(sim, std::move(name)),
      options_(options_of(sim, this->name(), params)),
      round_ps_(params.duration_ps("round_duration")),
      confidence_(params.real("confidence")),
      custom_(rules_of(sim, params)),
      batch_(batch_of(options_, params, custom_)),
      failures_trace_(open_trace(
          TraceSchemaBuilder<FailureRow>("failures", "one row per shot: its failure round, or the cap if censored")
              .field("shot", &FailureRow::shot, "", "shot index from 0")
              .field("round", &FailureRow::round, "",
                     "first round after which the memory was logically wrong (Ising: a strict majority of bits wrong; "
                     "toric code: a logical read as flipped after the noiseless readout)")
              .field("time_ps", &FailureRow::time_ps, "ps", "round x the round's duration")
              .field("censored", &FailureRow::censored, "", "1: alive at max_rounds (round is then the cap)"))),
      fidelity_trace_(
          open_trace(TraceSchemaBuilder<FidelityRow>("fidelity",
                                                     "one row per round: shots simulated and shots logically "
                                                     "correct after it, over all batches")
                         .field("round", &FidelityRow::round, "", "round from 1")
                         .field("shots", &FidelityRow::shots, "", "shots still simulated at this round")
                         .field("correct", &FidelityRow::correct, "", "of them, logically correct"))),
      history_trace_(open_trace(
          TraceSchemaBuilder<HistoryRow>(
              "history",
              "spacetime history of the first history_shots shots: one row per data error or fired "
              "syndrome bit after each of the first history_rounds rounds")
              .field("shot", &HistoryRow::shot, "", "shot index from 0")
              .field("round", &HistoryRow::round, "", "round from 1")
              .field("what", &HistoryRow::what, "", "0: data error (a wrong spin or plaquette), 1: syndrome bit")
              .field("type", &HistoryRow::type, "",
                     "Ising: 0 for a spin; syndrome: ancilla kind (Toom: 0 north, 1 east; a rule file: its ancillas "
                     "in order; the automaton: the domain wall to the north 0 or east 1). 4D toric code: the "
                     "plaquette's direction pair (01 02 03 12 13 23 as 0..5) or the edge's direction")
              .field("x0", &HistoryRow::x0, "", "Ising: row; 4D: coordinate 0")
              .field("x1", &HistoryRow::x1, "", "Ising: column; 4D: coordinate 1")
              .field("x2", &HistoryRow::x2, "", "4D: coordinate 2")
              .field("x3", &HistoryRow::x3, "", "4D: coordinate 3"))),
      history_shots_(std::uint64_t(params.integer("history_shots"))),
      history_rounds_(std::uint64_t(params.integer("history_rounds"))) {
    if (const TimePs layer = params.duration_ps("layer_duration"); layer > 0)
        round_ps_ = layer * std::max<std::size_t>(batch_->layers_per_round(), 1);
    add_statistic("shots", shots_, "shots", "memories run");
    add_statistic("failures", failures_, "shots", "memories that failed before the round cap");
    add_statistic("censored", censored_, "shots", "memories alive at the round cap (right-censored)");
    if (params.string("rule") == "toric4d_circuit")
        add_statistic("undecided", undecided_, "readouts",
                      "shot-rounds whose noiseless readout hit decode_rounds with a syndrome left (then read by the majority of "
                      "each logical's translates)");
    add_statistic("lifetime_rounds", lifetime_rounds_, "rounds",
                  "maximum-likelihood mean lifetime with censoring; min, max: likelihood-ratio interval");
    add_statistic("lifetime", lifetime_s_, "s",
                  "the same lifetime in seconds (rounds x round_duration, or x layers x layer_duration)");
    add_statistic("error_per_round", error_per_round_, "1", "logical error per round, 1 - exp(-1/lifetime)");
    add_statistic("fidelity_lifetime", fidelity_lifetime_, "rounds",
                  "tau of F(t) = (1 + exp(-t/tau)) / 2 fitted to the fraction of shots logically correct per "
                  "round (no error: the rounds share their shots); the per-round data is the fidelity table");
    add_statistic("exponential_check", exponential_, "1",
                  "coefficient of variation of the failure times minus what an exponential (truncated at the cap) "
                  "gives: 0 within its error when failures are memoryless; min, max: +- 3 standard errors");
    times_.times.reserve(options_.shots);
    const std::uint64_t batches = (options_.shots + batch_->capacity() - 1) / batch_->capacity();
    threads_ = params.integer("threads") ? unsigned(params.integer("threads"))
                                         : std::max(1u, std::thread::hardware_concurrency());
    threads_ = unsigned(std::max<std::uint64_t>(1, std::min<std::uint64_t>(threads_, batches)));
    // The other workers' batches are made in start(), so that a check-only build (qdes validate) does not pay for
    // them; batch_ has already checked these parameters.
    make_batch_ = [this, params] { return batch_of(options_, params, custom_); };
}

LecMemory::Outcome LecMemory::run_batch(LecBatch& batch, std::uint64_t k) const {
    const std::uint64_t first = k * batch.capacity();
    Outcome o;
    o.shots = std::size_t(std::min<std::uint64_t>(batch.capacity(), options_.shots - first));
    batch.restart_stream(batch_stream(options_, k));
    const std::uint64_t undecided_before = batch.undecided();
    batch.start(o.shots);
    const bool history = history_trace_.enabled() && first < history_shots_;
    const std::size_t history_of = history ? std::size_t(std::min<std::uint64_t>(history_shots_ - first, o.shots)) : 0;
    std::vector<SiteBit> sites;
    while (true) {
        const bool any_alive = batch.step();
        o.correct.push_back(batch.correct_now());
        if (history && batch.round() <= history_rounds_) {
            std::vector<HistoryRow>& rows = o.history.emplace_back();
            for (std::size_t s = 0; s < history_of; ++s) {
                sites.clear();
                batch.state_of(s, sites);
                for (const SiteBit& b : sites)
                    rows.push_back({std::uint32_t(first + s), std::uint32_t(batch.round()), b.what, b.type, {},
                                    b.x[0], b.x[1], b.x[2], b.x[3]});
            }
        }
        if (!any_alive || batch.round() >= options_.max_rounds) break;
    }
    o.failed_at.assign(batch.failed_at().begin(), batch.failed_at().begin() + std::ptrdiff_t(o.shots));
    o.undecided = batch.undecided() - undecided_before;
    return o;
}

void LecMemory::start() {
    while (more_batches_.size() + 1 < threads_) more_batches_.push_back(make_batch_());
    // From the batch a checkpoint left off at: batch k depends on k only.
    const std::uint64_t batches = (options_.shots + batch_->capacity() - 1) / batch_->capacity();
    pipeline_ = std::make_unique<OrderedPipeline<Outcome>>(
        threads_, first_shot_ / batch_->capacity(), batches,
        [this](unsigned w, std::uint64_t k) { return run_batch(w == 0 ? *batch_ : *more_batches_[w - 1], k); });
    start_batch();
}

void LecMemory::start_batch() {
    outcome_ = pipeline_->next();
    in_batch_ = outcome_->shots;
    round_in_batch_ = 0;
    schedule_after(round_ps_, [this] { round(); });
}

void LecMemory::round() {
    const std::size_t r = std::size_t(round_in_batch_++);
    if (fidelity_shots_.size() <= r) {
        fidelity_shots_.resize(r + 1, 0);
        fidelity_correct_.resize(r + 1, 0);
    }
    fidelity_shots_[r] += in_batch_;
    fidelity_correct_[r] += outcome_->correct[r];
    if (r < outcome_->history.size())
        for (const HistoryRow& row : outcome_->history[r]) history_trace_.append(row);
    if (round_in_batch_ < outcome_->correct.size()) {
        schedule_after(round_ps_, [this] { round(); });
        return;
    }
    end_batch();
}

void LecMemory::end_batch() {
    undecided_total_ += outcome_->undecided;
    for (std::size_t s = 0; s < in_batch_; ++s) {
        const std::uint64_t at = outcome_->failed_at[s];
        const bool censored = at == 0;
        const std::uint64_t round = censored ? options_.max_rounds : at;
        times_.times.push_back(double(round));
        times_.censored.push_back(censored);
        if (censored)
            censored_.add();
        else
            failures_.add();
        shots_.add();
    }
    first_shot_ += in_batch_;
    if (first_shot_ < options_.shots) {
        simulation().safe_point();  // between batches: the state below is all a continuation needs
        start_batch();
    }
}

std::string LecMemory::checkpoint_refusal() const {
    return history_trace_.enabled() ? "its history table is written during the run and is not kept in checkpoints; "
                                      "record it in a run without record.checkpoint_interval"
                                    : "";
}

void LecMemory::save_state(StateWriter& w) const {
    w.u64(first_shot_);
    w.vec(times_.times);
    w.vec(times_.censored);
    w.vec(fidelity_shots_);
    w.vec(fidelity_correct_);
    w.u64(undecided_total_);  // batches run on streams of their own: no generator position carries over
}

void LecMemory::restore_state(StateReader& r) {
    first_shot_ = r.u64();
    if (first_shot_ >= options_.shots) throw CheckpointError("its shots are all done");
    r.vec(times_.times);
    r.vec(times_.censored);
    if (times_.times.size() != first_shot_ || times_.censored.size() != first_shot_)
        throw CheckpointError("its failure times do not match its shots");
    r.vec(fidelity_shots_);
    r.vec(fidelity_correct_);
    undecided_total_ = r.u64();
    if (first_shot_ % batch_->capacity() != 0) throw CheckpointError("it stopped inside a batch");
}

void LecMemory::finish() {
    undecided_.add(undecided_total_);
    // The failures table is written here, from the failure times, so that checkpoints need not keep its rows.
    for (std::size_t s = 0; s < times_.times.size(); ++s) {
        const auto round = std::uint64_t(times_.times[s]);
        failures_trace_.append({s, round, round * round_ps_, times_.censored[s]});
    }
    if (times_.times.empty()) return;
    std::vector<double> t, f, n;
    for (std::size_t r = 0; r < fidelity_shots_.size(); ++r) {
        fidelity_trace_.append({r + 1, fidelity_shots_[r], fidelity_correct_[r]});
        if (fidelity_shots_[r] == 0) continue;
        t.push_back(double(r + 1));
        f.push_back(double(fidelity_correct_[r]) / double(fidelity_shots_[r]));
        n.push_back(double(fidelity_shots_[r]));
    }
    if (t.size() >= 2) {
        // The same shots are counted at every round, so the rounds are far from independent and the fit's
        // curvature error would be much too small: the value is reported without one.
        const FidelityFit fit = fit_fidelity(t, f, n);
        const double nan = std::numeric_limits<double>::quiet_NaN();
        fidelity_lifetime_.set(fit.tau, nan, nan, nan, std::uint64_t(t.size()));
    }
    const double z = std::sqrt(chi2_1_quantile(confidence_));
    const LifetimeEstimate e = exponential_lifetime(times_, confidence_);
    const double se = std::isfinite(e.upper) && e.lower > 0 ? e.tau * (std::log(e.upper) - std::log(e.lower)) / (2 * z)
                                                            : std::numeric_limits<double>::quiet_NaN();
    lifetime_rounds_.set(e.tau, se, e.lower, e.upper, e.failures);
    const double sec = double(round_ps_) * 1e-12;
    lifetime_s_.set(e.tau * sec, se * sec, e.lower * sec, e.upper * sec, e.failures);
    if (std::isfinite(e.tau)) {
        const double lo = std::isfinite(e.upper) ? error_per_round(e.upper) : 0.0;
        error_per_round_.set(error_per_round(e.tau), se / (e.tau * e.tau) * std::exp(-1 / e.tau), lo,
                             error_per_round(e.lower), e.failures);
    } else {
        error_per_round_.set(0, std::numeric_limits<double>::quiet_NaN(), 0, error_per_round(e.lower), 0);
    }
    if (e.failures >= 10) {
        const ExponentialCheck c = check_exponential(times_, double(options_.max_rounds));
        const double d = c.cv - c.cv_expected;
        exponential_.set(d, c.cv_std_error, d - 3 * c.cv_std_error, d + 3 * c.cv_std_error, e.failures);
    }
}

void register_lec_components(ComponentRegistry& registry) { registry.add(LecMemory::kind()); }

}  // namespace qdes::lec
