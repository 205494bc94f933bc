// Readout cycles, the space-time graph estimated from detection events, sliding-window decoding, and the
// readout_memory component's decoder timing.
#include "protocols/qec/readout_memory.h"

#include <gtest/gtest.h>

#include "models/quantum/error_analysis.h"

#include <cmath>

#include "models/quantum/program.h"
#include "protocols/qec/decoding_memory.h"
#include "sim/simulation.h"

namespace qdes::qec {
namespace {

using quantum::NoiseModel;

ReadoutCycle toric_cycle(std::uint32_t L, std::uint32_t R, LecKind lec, NoiseModel noise, bool readout = true) {
    ReadoutCycleOptions o;
    o.readout_every = R;
    o.lec = lec;
    o.noise = noise;
    o.readout = readout;
    return readout_cycle(quantum::toric2d_code(L), o, hw::example_device("ideal"));
}

TEST(ReadoutCycle, LaysOutLecRoundsAndTheReadoutInTime) {
    const ReadoutCycle rc = toric_cycle(4, 3, LecKind::kBothEnds, {});
    EXPECT_EQ(rc.num_data, 32u);
    EXPECT_EQ(rc.num_checks, 16u);
    for (const QubitChecks& q : rc.qubits) {
        EXPECT_EQ(q.count, 2u);
        EXPECT_LT(q.layer[0], q.layer[1]);  // ordered by the CX schedule
    }
    // The ideal device: 100 ns per operation. Readout: reset, 4 CX layers, measure. An LEC round: reset, 4 CX
    // layers and the CCX layers (every ancilla controls 4 CCX, so at least 4 layers).
    EXPECT_EQ(rc.readout_round_ps, 6 * 100'000);
    const TimePs ccx_layers = rc.lec_round_ps / 100'000 - 5;
    EXPECT_GE(ccx_layers, 4);
    EXPECT_EQ(rc.timed.total_ps, 2 * rc.lec_round_ps + rc.readout_round_ps);
    // The no-LEC baseline waits exactly as long.
    EXPECT_EQ(toric_cycle(4, 3, LecKind::kNone, {}).timed.total_ps, rc.timed.total_ps);
}

// Runs `cycle` once after a deterministic X on data qubit `q`; returns (data X frame all clear, fired checks).
std::pair<bool, std::vector<std::uint32_t>> after_one_error(const ReadoutCycle& rc, std::uint32_t q) {
    quantum::Circuit c;
    quantum::CircuitBuilder(c).add(quantum::Gate::kXError, {q}, {1.0}).tick();
    c.top().insert(c.top().end(), rc.timed.circuit.top().begin(), rc.timed.circuit.top().end());
    const quantum::Program program = quantum::compile(c);
    quantum::FrameSimulator sim(program, 64, 1);
    sim.run();
    bool clear = true;
    for (std::uint32_t d = 0; d < rc.num_data; ++d) clear &= !sim.x_frame().get(d, 0);
    std::vector<std::uint32_t> fired;
    for (std::uint32_t k = 0; k < sim.detectors_done(); ++k)
        if (sim.detectors().get(k, 0)) fired.push_back(k);
    return {clear, fired};
}

TEST(ReadoutCycle, BothEndsRuleRemovesEverySingleErrorBeforeTheReadout) {
    const ReadoutCycle lec = toric_cycle(4, 2, LecKind::kBothEnds, {});
    const ReadoutCycle idle = toric_cycle(4, 2, LecKind::kNone, {});
    for (std::uint32_t q = 0; q < lec.num_data; ++q) {
        const auto [clear, fired] = after_one_error(lec, q);
        EXPECT_TRUE(clear) << q;
        EXPECT_TRUE(fired.empty()) << q;
        // Without the rule the error stays and the readout sees both its checks.
        const auto [clear2, fired2] = after_one_error(idle, q);
        EXPECT_FALSE(clear2);
        const std::vector<std::uint32_t> both{std::min(idle.qubits[q].check[0], idle.qubits[q].check[1]),
                                              std::max(idle.qubits[q].check[0], idle.qubits[q].check[1])};
        EXPECT_EQ(fired2, both) << q;
    }
}

TEST(ToricRule, TheBothEndsFileGivesExactlyTheBuiltInCircuit) {
    const ToricLecRule rule = load_toric_rule(std::string(QDES_SOURCE_DIR) + "/scenarios/qec/rules/both_ends.yaml");
    for (std::uint32_t L : {3u, 5u}) {
        ReadoutCycleOptions o;
        o.readout_every = 3;
        o.noise = {NoiseModel::Kind::kGateDepolarizing, 0.001, -1, 0};
        const ReadoutCycle built_in = readout_cycle(quantum::toric2d_code(L), o, hw::example_device("willow_2024"));
        o.lec = LecKind::kRule;
        o.rule = &rule;
        const ReadoutCycle from_file = readout_cycle(quantum::toric2d_code(L), o, hw::example_device("willow_2024"));
        EXPECT_EQ(from_file.timed.circuit.to_text(), built_in.timed.circuit.to_text()) << L;
        EXPECT_EQ(from_file.timed.total_ps, built_in.timed.total_ps);
    }
}

TEST(ToricRule, NoneConditionsHoldACorrectionBack) {
    // Guarded rule: a horizontal edge h(i, j) is flipped when plaquettes (i, j) and (i - 1, j) fire and neither
    // (i + 1, j) nor (i - 2, j) does. L = 6: h(2, 1) = 13 alone is removed; with h(3, 1) = 19 as well, plaquette
    // (2, 1) sees both and stays quiet, (1, 1) and (3, 1) fire, and nothing matches: both errors stay.
    const ToricLecRule rule =
        load_toric_rule(std::string(QDES_SOURCE_DIR) + "/scenarios/qec/rules/both_ends_guarded.yaml");
    ReadoutCycleOptions o;
    o.readout_every = 2;
    o.lec = LecKind::kRule;
    o.rule = &rule;
    const ReadoutCycle rc = readout_cycle(quantum::toric2d_code(6), o, hw::example_device("ideal"));
    const auto [clear, fired] = after_one_error(rc, 13);
    EXPECT_TRUE(clear);
    EXPECT_TRUE(fired.empty());
    quantum::Circuit c;
    quantum::CircuitBuilder(c).add(quantum::Gate::kXError, {13, 19}, {1.0}).tick();
    c.top().insert(c.top().end(), rc.timed.circuit.top().begin(), rc.timed.circuit.top().end());
    const quantum::Program program = quantum::compile(c);
    quantum::FrameSimulator sim(program, 64, 1);
    sim.run();
    std::vector<std::uint32_t> left;
    for (std::uint32_t d = 0; d < rc.num_data; ++d)
        if (sim.x_frame().get(d, 0)) left.push_back(d);
    EXPECT_EQ(left, (std::vector<std::uint32_t>{13, 19}));
    // A guarded pair apart from others: h(2, 1) with a vertical error far away is still removed.
    const auto [clear2, fired2] = after_one_error(rc, 36 + 3 * 6 + 4);
    EXPECT_TRUE(clear2);
}

TEST(ToricRule, BadFilesNameTheLineAndKey) {
    const auto message = [](const std::string& text) {
        try {
            parse_toric_rule(text, "r.yaml");
        } catch (const std::runtime_error& e) {
            return std::string(e.what());
        }
        return std::string("no error");
    };
    EXPECT_EQ(message("name: x\ncorrections:\n  horizontal:\n    - {any: [[0, 0]]}\n").substr(0, 40),
              "r.yaml:4:8: corrections.horizontal[0].an");
    EXPECT_NE(message("corrections:\n  horizontal:\n    - {none: [[0, 0]]}\n").find("needs `all`"), std::string::npos);
    EXPECT_NE(message("corrections:\n  diagonal: []\n").find("r.yaml:2:3: corrections.diagonal: unknown key"),
              std::string::npos);
    EXPECT_NE(message("corrections:\n  vertical:\n    - {all: [[0, 0], [0, 0]]}\n").find("listed twice"),
              std::string::npos);
    // Offsets that wrap onto one plaquette at a small L.
    const ToricLecRule wraps = parse_toric_rule("corrections:\n  vertical:\n    - {all: [[0, 0], [0, 3]]}\n", "w");
    std::vector<std::vector<std::uint32_t>> gates;
    std::vector<std::vector<bool>> negated;
    EXPECT_THROW(toric_rule_gates(wraps, 3, gates, negated), std::invalid_argument);
}

TEST(ReadoutCycle, RefusesCodesWhoseErrorsAreNotGraphlike) {
    ReadoutCycleOptions o;
    EXPECT_THROW(readout_cycle(quantum::ising2d_code(4), o, hw::example_device("ideal")), std::invalid_argument);
}

// Detection events of `shots` shots over T readouts plus the perfect layer.
struct Events {
    quantum::BitTable table;
    std::vector<std::vector<const std::uint64_t*>> layers;
};
Events sample_events(const ReadoutCycle& rc, std::uint32_t L, std::uint32_t T, std::size_t shots,
                     std::uint64_t seed) {
    const quantum::Program program = quantum::compile(rc.timed.circuit);
    Events e;
    e.table = sample_detection_events(program, rc, quantum::toric2d_code(L), T, shots, seed, 0);
    e.layers = layers_of(e.table, rc.num_checks);
    return e;
}

const SpaceTimeModel::Class& find(const SpaceTimeModel& model, SpaceTimeModel::Relation r, std::uint8_t layer_kind) {
    for (const auto& c : model.classes())
        if (c.relation == r && c.layer_kind == layer_kind) return c;
    throw std::runtime_error("no such class");
}

TEST(SpaceTimeModel, EstimateRecoversPhenomenologicalDataAndReadoutErrors) {
    // p = 0.02 per data qubit and round, q = 0.05 per readout; L = 6, 8 readouts, 4096 shots: about 2.4e6
    // samples per bulk class, so the standard error of each p is below 2e-4; the tolerance is 2e-3.
    const ReadoutCycle rc = toric_cycle(6, 1, LecKind::kNone, {NoiseModel::Kind::kPhenomenological, 0.02, 0.05, 0});
    SpaceTimeModel model(rc);
    const Events e = sample_events(rc, 6, 8, 4096, 3);
    model.estimate(e.layers, 4096 / 64, 4096, 1e-7);
    for (std::uint8_t lk : {0, 1}) EXPECT_NEAR(find(model, SpaceTimeModel::kSpace, lk).p, 0.02, 2e-3) << int(lk);
    EXPECT_NEAR(find(model, SpaceTimeModel::kTime, 1).p, 0.05, 2e-3);
    EXPECT_NEAR(find(model, SpaceTimeModel::kTime, 2).p, 0.05, 2e-3);  // the last readout against the perfect one
    // No data error happens between the last readout and the perfect one, and none between two CX layers.
    EXPECT_FALSE(find(model, SpaceTimeModel::kSpace, 2).estimated);
    EXPECT_FALSE(find(model, SpaceTimeModel::kLate, 1).estimated);
    EXPECT_FALSE(find(model, SpaceTimeModel::kEarly, 1).estimated);
}

TEST(SpaceTimeModel, CircuitNoiseShowsTheScheduleDiagonalAndNotTheOtherOne) {
    // An error on a data qubit between its two checks' CX gates is seen by the later check first: "late" edges.
    const ReadoutCycle rc = toric_cycle(4, 1, LecKind::kNone, {NoiseModel::Kind::kGateBitflip, 0.01, -1, 0});
    SpaceTimeModel model(rc);
    const Events e = sample_events(rc, 4, 6, 8192, 5);
    model.estimate(e.layers, 8192 / 64, 8192, 1e-7);
    EXPECT_TRUE(find(model, SpaceTimeModel::kLate, 1).estimated);
    EXPECT_GT(find(model, SpaceTimeModel::kLate, 1).p, 0.004);
    EXPECT_FALSE(find(model, SpaceTimeModel::kEarly, 1).estimated);
}

SpaceTimeModel::ErrorModelFit fit_exact(SpaceTimeModel& model, const ReadoutCycle& rc, std::uint32_t L,
                                        std::uint32_t T) {
    const quantum::CssCode code = quantum::toric2d_code(L);
    return model.set_from_error_model(quantum::analyze_errors(history_circuit(rc, code, T)), T, 1e-9);
}

TEST(SpaceTimeModel, ExactModelOfPhenomenologicalNoiseIsPForDataAndQForReadouts) {
    const ReadoutCycle rc = toric_cycle(6, 1, LecKind::kNone, {NoiseModel::Kind::kPhenomenological, 0.02, 0.05, 0});
    SpaceTimeModel model(rc);
    const SpaceTimeModel::ErrorModelFit fit = fit_exact(model, rc, 6, 4);
    EXPECT_EQ(fit.unmatched, 0u);
    EXPECT_EQ(fit.matched, fit.mechanisms);
    EXPECT_LT(fit.spread, 1e-12);
    for (std::uint8_t lk : {0, 1}) EXPECT_NEAR(find(model, SpaceTimeModel::kSpace, lk).p, 0.02, 1e-15) << int(lk);
    for (std::uint8_t lk : {1, 2}) EXPECT_NEAR(find(model, SpaceTimeModel::kTime, lk).p, 0.05, 1e-15) << int(lk);
    // Nothing between the last readout and the perfect one (the floor), nothing diagonal.
    EXPECT_FALSE(find(model, SpaceTimeModel::kSpace, 2).estimated);
    EXPECT_EQ(find(model, SpaceTimeModel::kSpace, 2).p, 1e-9);
    EXPECT_EQ(find(model, SpaceTimeModel::kLate, 1).p, 0.0);
    EXPECT_EQ(find(model, SpaceTimeModel::kEarly, 1).p, 0.0);
}

TEST(SpaceTimeModel, ExactModelSplitsWhatAnLecRoundRemovesIntoTwoSpaceEdges) {
    // R = 2, phenomenological: a data error at the start of the readout round is seen by readout t and removed by
    // the LEC round after it, so readout t + 1 no longer sees it: four events, the space edges at t and t + 1. An
    // error at the start of the LEC round is removed in that round and never seen.
    const ReadoutCycle rc = toric_cycle(4, 2, LecKind::kBothEnds, {NoiseModel::Kind::kPhenomenological, 0.01, 0.02, 0});
    SpaceTimeModel model(rc);
    const SpaceTimeModel::ErrorModelFit fit = fit_exact(model, rc, 4, 4);
    EXPECT_EQ(fit.unmatched, 0u);
    EXPECT_GT(fit.decomposed, 0u);
    EXPECT_EQ(fit.matched + fit.decomposed, fit.mechanisms);
    EXPECT_EQ(fit.undetectable_logical_p, 0.0);
    // A bulk space edge at layer t is a part of two of them, the errors before readouts t and t - 1 (the last
    // readout's error, which no LEC round follows, is a plain space edge at T - 1): 1/2 (1 - (1 - 2p)^2). In layer
    // 0 only the first.
    EXPECT_NEAR(find(model, SpaceTimeModel::kSpace, 1).p, 0.5 * (1 - std::pow(1 - 2 * 0.01, 2)), 1e-12);
    EXPECT_NEAR(find(model, SpaceTimeModel::kSpace, 0).p, 0.01, 1e-12);
    EXPECT_LT(fit.spread, 1e-12);
}

TEST(SpaceTimeModel, EstimateFromSampledEventsAgreesWithTheExactModelUnderCircuitNoise) {
    // Gate bit-flips keep every fault graphlike, so the correlation estimate is unbiased: each significant class
    // within 5 standard errors (sqrt(p (1 - p) / samples), samples = shots x translates) of the exact value.
    const ReadoutCycle rc = toric_cycle(4, 1, LecKind::kNone, {NoiseModel::Kind::kGateBitflip, 0.01, -1, 0});
    SpaceTimeModel exact(rc), estimated(rc);
    const SpaceTimeModel::ErrorModelFit fit = fit_exact(exact, rc, 4, 6);
    EXPECT_EQ(fit.unmatched, 0u);
    EXPECT_LT(fit.spread, 1e-12);
    const Events e = sample_events(rc, 4, 6, 8192, 5);
    estimated.estimate(e.layers, 8192 / 64, 8192, 1e-7);
    int compared = 0;
    for (std::size_t k = 0; k < exact.classes().size(); ++k) {
        const SpaceTimeModel::Class& x = exact.classes()[k];
        const SpaceTimeModel::Class& s = estimated.classes()[k];
        if (!s.estimated || x.relation == SpaceTimeModel::kBoundary) continue;
        const double se = std::sqrt(x.p * (1 - x.p) / s.samples);
        EXPECT_NEAR(s.p, x.p, 5 * se) << SpaceTimeModel::relation_name(x.relation) << " " << int(x.layer_kind);
        ++compared;
    }
    EXPECT_GE(compared, 6);
    EXPECT_GT(find(exact, SpaceTimeModel::kLate, 1).p, 0.004);  // the schedule's diagonal
    EXPECT_EQ(find(exact, SpaceTimeModel::kEarly, 1).p, 0.0);
}

double stat(Simulation& sim, const std::string& name) {
    for (const StatisticEntry& s : sim.statistics())
        if (s.name == name) return s.statistic->summary(sim.now()).mean;
    throw std::runtime_error("no statistic " + name);
}

double run_readout_memory(std::map<std::string, std::string> params, const std::string& statistic,
                          std::uint64_t seed = 7) {
    Simulation sim(SimulationConfig{.seed = seed});
    const ComponentKind kind = ReadoutMemory::kind();
    kind.create(sim, "memory", defaults_with(kind.params, params));
    sim.run();
    sim.finish();
    return stat(sim, "memory." + statistic);
}

/// Several statistics of one run.
std::map<std::string, double> run_readout_memory_stats(std::map<std::string, std::string> params,
                                                       const std::vector<std::string>& statistics) {
    Simulation sim(SimulationConfig{.seed = 7});
    const ComponentKind kind = ReadoutMemory::kind();
    kind.create(sim, "memory", defaults_with(kind.params, params));
    sim.run();
    sim.finish();
    std::map<std::string, double> out;
    for (const std::string& s : statistics) out[s] = stat(sim, "memory." + s);
    return out;
}

TEST(ReadoutMemory, DecodedCircuitMatchesTheSamePhenomenologicalModelSampledOnItsGraph) {
    // Two independent paths to one number: the frame simulator running readout cycles, decoded on the graph from
    // the circuit's error model and on the estimated one, against decoding_memory's errors drawn on the exact
    // graph. L = 6, 6 readouts, p = q = 0.02: about 5% logical error, 6000 shots each, so one standard error of the
    // difference is about 0.4%; the tolerance is 4 standard errors.
    const std::map<std::string, std::string> common{{"size", "6"}, {"p", "0.02"}, {"shots", "6000"}};
    auto rm = common;
    rm.insert({{"noise", "phenomenological"}, {"device", "ideal"}, {"cycles", "6"}, {"calibration_shots", "2048"}});
    const double circuit = run_readout_memory(rm, "logical_error");
    EXPECT_EQ(run_readout_memory(rm, "graph_unmatched_p"), 0.0);  // every fault of this model is an edge
    rm["graph"] = "estimated";
    const double circuit_estimated = run_readout_memory(rm, "logical_error");
    Simulation sim(SimulationConfig{.seed = 9});
    const ComponentKind kind = DecodingMemory::kind();
    auto dm = common;
    dm.insert({{"noise", "phenomenological"}, {"rounds", "6"}});
    kind.create(sim, "memory", defaults_with(kind.params, dm));
    sim.run();
    sim.finish();
    const double graph = stat(sim, "memory.logical_error");
    const double se = std::sqrt(circuit * (1 - circuit) / 6000 + graph * (1 - graph) / 6000);
    EXPECT_GT(graph, 0.02);
    EXPECT_NEAR(circuit, graph, 4 * se);
    EXPECT_NEAR(circuit_estimated, graph, 4 * se);
}

TEST(ReadoutMemory, ExactGraphOfALongMemoryWithoutReadoutsEqualsTheWholeHistorysModel) {
    // readout_every 0: the final layer's edges gather all 12 LEC rounds; the component extends histories of 4 to 6
    // rounds. The model of the whole 12-round history, analysed directly, must be the same.
    Simulation sim(SimulationConfig{.seed = 3});
    const ComponentKind kind = ReadoutMemory::kind();
    auto& rm = static_cast<ReadoutMemory&>(kind.create(
        sim, "memory",
        defaults_with(kind.params, {{"size", "4"}, {"readout_every", "0"}, {"cycles", "12"}, {"p", "0.01"},
                                    {"noise", "gate_bitflip"}, {"device", "ideal"}, {"shots", "64"}})));
    sim.run();
    sim.finish();
    SpaceTimeModel whole(rm.cycle());
    whole.set_from_error_model(quantum::analyze_errors(history_circuit(rm.cycle(), quantum::toric2d_code(4), 12)),
                               0, 1e-9);
    ASSERT_EQ(whole.classes().size(), rm.model().classes().size());
    int reached = 0;
    for (std::size_t k = 0; k < whole.classes().size(); ++k) {
        EXPECT_NEAR(rm.model().classes()[k].p, whole.classes()[k].p, 1e-12) << k;
        reached += whole.classes()[k].p > 1e-6;
    }
    EXPECT_GT(reached, 0);
}

TEST(ReadoutMemory, RepetitionCodeEndsKeepTheirBoundaryEdgesUnderLec) {
    // With LEC rounds an error seen by one readout is removed before the next, firing four detectors; the pair
    // estimates then over-explain the end checks' rates, and without a floor the boundary edges came out at zero
    // (3.9% failures here). With the bulk's space edges as their floor: about 0.18% with LEC and 0.15% without
    // (d = 9, R = 2, p = q = 0.03, 4000 shots). The bound, 1%, is 5 standard errors above 0.4%.
    std::map<std::string, std::string> p{{"code", "repetition"},   {"size", "9"},    {"p", "0.03"},
                                         {"noise", "phenomenological"},            {"device", "ideal"},
                                         {"readout_every", "2"},   {"cycles", "4"},  {"shots", "4000"},
                                         {"calibration_shots", "4096"}, {"graph", "estimated"}};
    EXPECT_LT(run_readout_memory(p, "logical_error"), 0.01);
    p["lec"] = "none";
    EXPECT_LT(run_readout_memory(p, "logical_error"), 0.01);
}

TEST(ReadoutMemory, SlidingWindowApproachesTheWholeHistoryAsItWidens) {
    // L = 6, 24 readouts, p = q = 0.02, 4000 shots (one standard error about 0.5%): a window of 12 (2L) committing
    // 6 is within 4 standard errors of decoding whole histories; a window of 2 committing 1 is clearly worse.
    std::map<std::string, std::string> p{{"size", "6"},        {"p", "0.02"},       {"shots", "4000"},
                                         {"noise", "phenomenological"},            {"device", "ideal"},
                                         {"cycles", "24"},     {"calibration_shots", "1024"}};
    const double whole = run_readout_memory(p, "logical_error");
    p["window"] = "12";
    const double wide = run_readout_memory(p, "logical_error");
    p["window"] = "2";
    p["commit"] = "1";
    const double narrow = run_readout_memory(p, "logical_error");
    const double se = std::sqrt(2 * whole * (1 - whole) / 4000);
    EXPECT_NEAR(wide, whole, 4 * se);
    EXPECT_GT(narrow, whole + 6 * se);
}

TEST(ReadoutMemory, FeedForwardWaitsForTheWindowAndForTheDecoder) {
    // window 4, commit 2: a decode at readouts 3, 5, 7, ... commits layers up to 2, 4, 6, ... A feed-forward every
    // 4 useful readouts, 8 useful readouts in all (2 operations); the ideal device's cycle is 600 ns.
    // Zero latency: readout 3's frame is committed at readout 5, readout 9's at readout 11: 12 readouts, 4 stalls.
    // 900 ns per decode (1.5 cycles): readout 3's window ends at 5.5 cycles, readout 5's at 7.5 (commits 4, seen at
    // readout 7); after useful readouts 8..11, readout 11 waits for the window of readout 13, which starts when the
    // decoder is free (it is) and ends at 15.5 cycles, seen at readout 15: 16 readouts, 8 stalls.
    std::map<std::string, std::string> p{{"size", "4"},          {"p", "0.01"},        {"shots", "64"},
                                         {"noise", "phenomenological"},               {"device", "ideal"},
                                         {"cycles", "8"},        {"window", "4"},      {"commit", "2"},
                                         {"feed_forward_every", "4"},                 {"calibration_shots", "256"}};
    EXPECT_EQ(run_readout_memory(p, "readouts_per_shot"), 12);
    EXPECT_EQ(run_readout_memory(p, "stall_cycles"), 4);
    p["decode_time"] = "900 ns";
    EXPECT_EQ(run_readout_memory(p, "readouts_per_shot"), 16);
    EXPECT_EQ(run_readout_memory(p, "stall_cycles"), 8);
    EXPECT_EQ(run_readout_memory(p, "operations"), 2 * 64);
    // A decoder slower than the syndromes (3.6 us per window of 2 readouts, 1.2 us) falls further behind at every
    // operation, and shots are abandoned at max_cycles.
    p["decode_time"] = "3.6 us";
    p["cycles"] = "16";
    p["max_cycles"] = "40";
    EXPECT_GT(run_readout_memory(p, "backlog"), 2);
    EXPECT_EQ(run_readout_memory(p, "abandoned"), 64);
}

TEST(ReadoutMemory, AcceleratorDecodesTakeItsCyclesAtItsClock) {
    // The same shots (same seed) at 100 MHz and 1 GHz: the same cycles per decode, each decode lasting cycles / clock.
    std::map<std::string, std::string> p{{"size", "4"},          {"p", "0.01"},        {"shots", "256"},
                                         {"noise", "phenomenological"},               {"device", "ideal"},
                                         {"cycles", "8"},        {"window", "4"},      {"commit", "2"},
                                         {"decoder", "uf_accel"}, {"decoder_clock", "100 MHz"}};
    const double cycles = run_readout_memory(p, "decode_cycles");
    EXPECT_GT(cycles, 20);
    EXPECT_NEAR(run_readout_memory(p, "decode_latency"), cycles / 100e6, 1e-12 * cycles);
    p["decoder_clock"] = "1 GHz";
    EXPECT_EQ(run_readout_memory(p, "decode_cycles"), cycles);
    EXPECT_NEAR(run_readout_memory(p, "decode_latency"), cycles / 1e9, 1e-12 * cycles);
    EXPECT_EQ(run_readout_memory(p, "decoder_pes"), 4 * 16);  // one per vertex of a 4-layer window of 16 checks
}

TEST(ReadoutMemory, ASlowAcceleratorStallsFeedForwardsLikeTheLatencyItsCyclesTake) {
    // Feed-forward every 4 readouts (600 ns each on the ideal device), as in FeedForwardWaitsForTheWindowAndForThe-
    // Decoder. At 1 GHz a decode (some 50 cycles) ends within the readout cycle, so the memory stalls exactly as with
    // a fixed 100 ns latency; at 10 MHz a decode lasts several cycles, and it stalls more than with a fixed 900 ns.
    std::map<std::string, std::string> p{{"size", "4"},          {"p", "0.01"},        {"shots", "64"},
                                         {"noise", "phenomenological"},               {"device", "ideal"},
                                         {"cycles", "8"},        {"window", "4"},      {"commit", "2"},
                                         {"feed_forward_every", "4"}};
    p["decode_time"] = "100 ns";
    const double within_a_cycle = run_readout_memory(p, "stall_cycles");
    p["decode_time"] = "900 ns";
    const double one_and_a_half = run_readout_memory(p, "stall_cycles");
    p.erase("decode_time");
    p["decoder"] = "uf_accel";
    p["decoder_clock"] = "1 GHz";
    EXPECT_LT(run_readout_memory(p, "decode_latency"), 100e-9);
    EXPECT_EQ(run_readout_memory(p, "stall_cycles"), within_a_cycle);
    p["decoder_clock"] = "10 MHz";
    EXPECT_GT(run_readout_memory(p, "decode_latency"), 1.2e-6);
    EXPECT_GT(run_readout_memory(p, "stall_cycles"), one_and_a_half);
    EXPECT_GT(run_readout_memory(p, "backlog"), 0.5);
}

TEST(ReadoutMemory, AcceleratorDecodesAboutAsWellAsTheSoftwareUnionFind) {
    // L = 6, 12 readouts, p = q = 0.02, whole histories, 4000 shots each: the accelerator (every odd cluster grows,
    // lengths in eighths) within 4 standard errors of the difference of the software union-find (weighted growth).
    std::map<std::string, std::string> p{{"size", "6"},   {"p", "0.02"}, {"shots", "4000"}, {"noise", "phenomenological"},
                                         {"device", "ideal"}, {"cycles", "12"}};
    const double software = run_readout_memory(p, "logical_error");
    p["decoder"] = "uf_accel";
    p["decoder_resolution"] = "8";
    const double accel = run_readout_memory(p, "logical_error");
    const double se = std::sqrt((software * (1 - software) + accel * (1 - accel)) / 4000);
    EXPECT_GT(software, 0.02);
    EXPECT_NEAR(accel, software, 4 * se);
}

TEST(ReadoutMemory, RefusesAnAcceleratorTooSmallForTheWindowAndAnAssumedLatency) {
    const ComponentKind kind = ReadoutMemory::kind();
    Simulation sim;
    const std::map<std::string, std::string> base{{"size", "6"},     {"p", "0.01"},           {"window", "4"},
                                                  {"decoder", "uf_accel"}, {"decoder_memory", "1 KiB"}};
    try {
        kind.create(sim, "a", defaults_with(kind.params, base));
        FAIL() << "a 1 KiB accelerator was taken";
    } catch (const std::invalid_argument& e) {
        EXPECT_NE(std::string(e.what()).find("decoder_memory: 1024 bytes is too small"), std::string::npos) << e.what();
        EXPECT_NE(std::string(e.what()).find("it needs 1314 bytes"), std::string::npos) << e.what();
    }
    std::map<std::string, std::string> timed = base;
    timed.erase("decoder_memory");
    timed["decode_time"] = "1 us";
    EXPECT_THROW(kind.create(sim, "b", defaults_with(kind.params, timed)), std::invalid_argument);
}

TEST(ReadoutMemory, NeuralDecoderTrainsOnTheMemoryAndTakesItsArrayTime) {
    // L = 4, one readout and the perfect one, p = q = 3%, 4000 shots (one standard error under 0.6%). The network
    // (8 channels, 20 000 training histories, 5 epochs) fails more often than matching, and less than half as often
    // as no correction at all (the shots whose logicals the errors flipped, from the frame simulator); every decode
    // lasts one inference on the array: its cycles at decoder_clock.
    const ReadoutCycle rc = toric_cycle(4, 1, LecKind::kBothEnds, {NoiseModel::Kind::kPhenomenological, 0.03, 0.03, 0});
    const quantum::Program program = quantum::compile(rc.timed.circuit);
    const quantum::BitTable events = sample_detection_events(program, rc, quantum::toric2d_code(4), 1, 8192, 5, 0, true);
    double flipped = 0;
    for (std::size_t s = 0; s < 8192; ++s) flipped += events.get(2 * 16, s) || events.get(2 * 16 + 1, s);
    const double uncorrected = flipped / 8192;
    std::map<std::string, std::string> p{{"size", "4"},          {"p", "0.03"},       {"shots", "4000"},
                                         {"noise", "phenomenological"},              {"device", "ideal"},
                                         {"cycles", "1"},        {"decoder", "matching"}};
    const double matching = run_readout_memory(p, "logical_error");
    p["decoder"] = "nn_accel";
    p["nn_channels"] = "8";
    p["nn_train_shots"] = "20000";
    p["nn_epochs"] = "5";
    p["decoder_clock"] = "100 MHz";
    auto r = run_readout_memory_stats(p, {"logical_error", "nn_cycles", "decode_cycles", "decode_latency", "nn_macs"});
    const double neural = r["logical_error"];
    std::printf("matching %.4f, neural %.4f, uncorrected %.4f\n", matching, neural, uncorrected);
    EXPECT_GT(neural, matching);
    EXPECT_LT(neural, 0.5 * uncorrected);
    const double cycles = r["nn_cycles"];
    EXPECT_GT(cycles, 100);
    EXPECT_DOUBLE_EQ(r["decode_cycles"], cycles);
    EXPECT_NEAR(r["decode_latency"], cycles / 100e6, 1e-15);
    EXPECT_EQ(r["nn_macs"], 2304 + 9216 + 512);  // conv1 16 x 8 x 18, conv2 16 x 8 x 72, fc 4 x 128
    // 2:4 sparsity: the array skips half of K in conv2 and fc; conv1 (K = 18, no multiple of 4) stays dense.
    p["nn_nm"] = "2:4";
    p["nn_epochs"] = "1";
    r = run_readout_memory_stats(p, {"nn_cycles", "nn_macs"});
    EXPECT_EQ(r["nn_macs"], 2304 + 9216 / 2 + 512 / 2);
    EXPECT_LT(r["nn_cycles"], cycles);
}

TEST(ReadoutMemory, NeuralDecoderTrainedAtAHigherErrorRateDecodesARareFlipBetter) {
    // Gate noise p = 0.003 (L = 4, one readout): logical flips are rare in the training histories. Trained on the
    // same memory at p = 0.02 (20 000 histories, 5 epochs, 8 channels), the network failed 18 of 10 000 shots where
    // trained at p = 0.003 it failed 98: the test asks for a gap of more than 4 standard errors of the difference.
    std::map<std::string, std::string> p{{"size", "4"},         {"p", "0.003"},           {"shots", "10000"},
                                         {"noise", "gate_depolarizing"},                {"device", "ideal"},
                                         {"cycles", "1"},       {"decoder", "nn_accel"},  {"nn_channels", "8"},
                                         {"nn_train_shots", "20000"}, {"nn_epochs", "5"}};
    const double own = run_readout_memory(p, "failures");
    p["nn_train_p"] = "0.02";
    const double higher = run_readout_memory(p, "failures");
    std::printf("trained at p: %.0f failures, at 0.02: %.0f\n", own, higher);
    EXPECT_GT(own - higher, 4 * std::sqrt(own + higher));
}

TEST(ReadoutMemory, RefusesANeuralDecoderItCannotRun) {
    const ComponentKind kind = ReadoutMemory::kind();
    Simulation sim;
    const std::map<std::string, std::string> base{{"size", "4"}, {"p", "0.01"}, {"decoder", "nn_accel"}};
    int k = 0;
    const auto refused = [&](std::map<std::string, std::string> extra, const std::string& message) {
        std::map<std::string, std::string> q = base;
        for (const auto& [k, v] : extra) q[k] = v;
        try {
            kind.create(sim, "m" + std::to_string(k++), defaults_with(kind.params, q));
            ADD_FAILURE() << "taken: " << message;
        } catch (const std::invalid_argument& e) {
            EXPECT_NE(std::string(e.what()).find(message), std::string::npos) << e.what();
        }
    };
    refused({{"window", "4"}}, "a sliding window needs union_find, uf_accel or model");
    refused({{"readout_every", "0"}}, "needs readouts (readout_every > 0) and window 0");
    refused({{"code", "repetition"}}, "nn_accel decodes the toric2d code");
    refused({{"nn_nm", "3:2"}}, "nn_nm: N:M sparsity 3:2 needs 1 <= N <= M");
    refused({{"nn_bits", "1"}}, "nn_bits: 0 (float) or 2 to 16");
}

TEST(ReadoutMemory, RefusesStreamingWithoutAWindowAndWindowsWithMatching) {
    const ComponentKind kind = ReadoutMemory::kind();
    Simulation sim;
    EXPECT_THROW(kind.create(sim, "a", defaults_with(kind.params, {{"size", "4"}, {"p", "0.01"},
                                                                   {"feed_forward_every", "2"}, {"cycles", "4"}})),
                 std::invalid_argument);
    EXPECT_THROW(kind.create(sim, "b", defaults_with(kind.params, {{"size", "4"}, {"p", "0.01"}, {"window", "4"},
                                                                   {"decoder", "matching"}})),
                 std::invalid_argument);
}

}  // namespace
}  // namespace qdes::qec
