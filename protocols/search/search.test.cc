// The circuit search: Toom's rule lies in the space and builds the built-in circuit; every rule an episode can
// build is a valid one within the bounds; rotated rules share a key and a lifetime; the policy's gradient is the
// gradient of its objective; scores are cached and independent of threads; and from scratch the learner finds a
// rule within error of Toom's where random search with the same budget does not.

#include <gtest/gtest.h>

#include <cmath>
#include <set>

#include "models/quantum/frame_simulator.h"
#include "models/quantum/program.h"
#include "protocols/search/agents.h"
#include "protocols/search/policy.h"
#include "protocols/search/search_file.h"
#include "protocols/search/toric4d_space.h"
#include "sim/random.h"
#include "tests/support/test_util.h"

namespace qdes::search {
namespace {

lec::LecRule rule_file(const char* name) {
    return lec::load_lec_rule((testing::source_dir() / "scenarios" / "lec" / "rules" / name).string());
}

SpaceSpec toom_gates() {
    SpaceSpec s;
    s.gates = GateSet{true, true, false, 2};
    s.max_ancillas = 2;
    s.max_corrections = 2;
    s.max_depth = 8;
    s.L = 4;
    return s;
}

SpaceSpec extended_gates() {
    SpaceSpec s = toom_gates();
    s.gates = GateSet{true, true, true, 3};
    s.max_ancillas = 4;
    s.max_depth = 12;
    s.hierarchical = true;
    return s;
}

lec::LecRule build(const RuleSpace& space, const std::vector<std::size_t>& actions) {
    RuleBuilder b(space);
    for (std::size_t a : actions) {
        EXPECT_TRUE(b.mask()[a]) << space.action_name(a);
        b.apply(a);
    }
    EXPECT_TRUE(b.done());
    return b.ising_rule();
}

/// Runs an episode to its end, each allowed action equally likely.
void random_episode(Builder& b, RandomStream& rng) {
    while (!b.done()) {
        std::vector<std::size_t> allowed;
        for (std::size_t a = 0; a < b.mask().size(); ++a)
            if (b.mask()[a]) allowed.push_back(a);
        ASSERT_FALSE(allowed.empty());
        b.apply(allowed[rng.uniform_below(allowed.size())]);
    }
}

TEST(SearchSpace, ToomsRuleLiesInTheSpaceAndBuildsTheBuiltInCircuit) {
    const quantum::NoiseModel noise{quantum::NoiseModel::Kind::kGateBitflip, 0.01, -1, 0};
    for (const SpaceSpec& spec : {toom_gates(), extended_gates()}) {
        const RuleSpace space(spec);
        const std::vector<std::size_t> actions = space.toom_actions();
        ASSERT_EQ(actions.size(), 7u);
        const lec::LecRule rule = build(space, actions);
        const lec::LecRule toom = rule_file("toom.yaml");
        EXPECT_EQ(lec::lec_round_circuit(rule, 5, noise).to_text(), lec::lec_round_circuit(toom, 5, noise).to_text());
        EXPECT_EQ(lec::lec_round_layers(rule, 4), 6u);  // reset, 4 CX layers, the CCX
        EXPECT_EQ(gates_per_cell(rule), 7);             // 2 resets, 4 CX, 1 CCX
    }
    SpaceSpec no_ccx = toom_gates();
    no_ccx.gates.ccx = false;
    EXPECT_TRUE(RuleSpace(no_ccx).toom_actions().empty());
}

TEST(SearchSpace, LayerCountIsTheCircuitsOwn) {
    for (const char* name : {"toom.yaml", "toom_hierarchical.yaml"}) {
        const lec::LecRule r = rule_file(name);
        for (std::uint32_t L : {3u, 4u, 6u}) {
            const quantum::Program p = quantum::compile(lec::lec_round_circuit(r, L, quantum::NoiseModel{}));
            EXPECT_EQ(lec::lec_round_layers(r, L) + 1, p.num_layers) << name << " L=" << L;  // + the final TICK
        }
    }
}

TEST(SearchSpace, EveryEpisodeBuildsAValidRuleWithinTheBounds) {
    for (const SpaceSpec& spec : {toom_gates(), extended_gates()}) {
        const RuleSpace space(spec);
        RandomStream rng(7, 1);
        std::size_t empty = 0;
        const std::size_t episodes = 400;
        for (std::size_t e = 0; e < episodes; ++e) {
            RuleBuilder b(space);
            random_episode(b, rng);
            if (!b.has_rule()) {
                ++empty;
                continue;
            }
            const lec::LecRule& r = b.ising_rule();
            EXPECT_LE(r.ancillas.size(), spec.max_ancillas);
            EXPECT_LE(r.corrections.size(), spec.max_corrections);
            EXPECT_LE(lec::lec_round_layers(r, spec.L), spec.max_depth);
            for (const auto& c : r.corrections) {
                EXPECT_TRUE(spec.gates.allows(c.when.size()));
                for (const auto& ref : c.when) EXPECT_LT(ref.offset[0] * ref.offset[0], 4);
            }
            // The circuit compiles (the compiler checks on a stabilizer tableau that every CCX/MCX control is
            // classical) at the training size and a larger one, and a noiseless round leaves a perfect memory
            // perfect.
            for (std::uint32_t L : {spec.L, 6u}) {
                const quantum::Program p = quantum::compile(lec::lec_round_circuit(r, L, quantum::NoiseModel{}));
                quantum::FrameSimulator sim(p, 512, 3);
                sim.run();
                for (std::uint32_t q = 0; q < L * L; ++q)
                    ASSERT_EQ(sim.x_frame().get(q, 0), 0) << lec::format_lec_rule(r);
            }
            // The rule file reads back to the same circuit.
            const lec::LecRule back = lec::parse_lec_rule(lec::format_lec_rule(r, "a comment\nof two lines"), "back");
            EXPECT_EQ(lec::format_lec_rule(back), lec::format_lec_rule(r));
            EXPECT_EQ(rule_key(back, Symmetry::kTranslation), rule_key(r, Symmetry::kTranslation));
        }
        EXPECT_LE(empty, episodes * 3 / 100) << "episodes that ended without a correction (dead ends)";
    }
    // The curriculum's small part of the extended space: at most two ancillas, both parities, two controls.
    const RuleSpace space(extended_gates());
    RandomStream rng(9, 1);
    for (int e = 0; e < 200; ++e) {
        std::unique_ptr<Builder> b = space.small_builder();
        random_episode(*b, rng);
        if (!b->has_rule()) continue;
        const lec::LecRule r = std::get<lec::LecRule>(b->rule());
        EXPECT_LE(r.ancillas.size(), 2u);
        for (const auto& a : r.ancillas) EXPECT_TRUE(a.all_of.empty());
        for (const auto& c : r.corrections) EXPECT_LE(c.when.size(), 2u);
    }
}

TEST(SearchSpace, ARotatedRuleSharesTheKeyAndTheLifetime) {
    const lec::LecRule toom = rule_file("toom.yaml");
    lec::LecRule turned = toom;  // east and south: Toom's rule turned by a quarter
    turned.ancillas[0].parity[1] = {0, 1};
    turned.ancillas[1].parity[1] = {1, 0};
    EXPECT_EQ(rule_key(toom, Symmetry::kPointGroup), rule_key(turned, Symmetry::kPointGroup));
    EXPECT_NE(rule_key(toom, Symmetry::kTranslation), rule_key(turned, Symmetry::kTranslation));
    lec::LecRule other = toom;  // north and south: not an image of Toom's
    other.ancillas[1].parity[1] = {1, 0};
    EXPECT_NE(rule_key(toom, Symmetry::kPointGroup), rule_key(other, Symmetry::kPointGroup));
    // Independent runs of the two: log tau within 3.5 standard errors (each from its 95% interval).
    EvalSpec e;
    e.shots = 2048;
    const Score a = evaluate_rule(toom, e);
    e.seed = 2;
    const Score b = evaluate_rule(turned, e);
    const double z = 1.959964;
    const double sd = std::hypot((a.log_upper - a.log_lower) / (2 * z), (b.log_upper - b.log_lower) / (2 * z));
    EXPECT_LT(std::abs(a.log_tau - b.log_tau), 3.5 * sd) << a.lifetime.tau << " vs " << b.lifetime.tau;
    EXPECT_GT(a.lifetime.failures, 1500u);
}

TEST(SearchPolicy, GradientIsTheGradientOfItsObjective) {
    Policy policy(6, 5, 7, 3);
    Eigen::VectorXd params = policy.parameters();
    RandomStream rng(5, 5);
    for (Eigen::Index i = 0; i < params.size(); ++i) params[i] = 0.5 * rng.normal();
    policy.set_parameters(params);
    Eigen::VectorXd x(6);
    for (int i = 0; i < 6; ++i) x[i] = rng.uniform01();
    const std::vector<std::uint8_t> mask{1, 0, 1, 1, 0, 1, 1};
    const double advantage = 1.7, entropy = 0.3;
    policy.accumulate(x, mask, 3, advantage, entropy);
    const Eigen::VectorXd g = policy.gradient();
    for (Eigen::Index i = 0; i < params.size(); ++i) {
        const double h = 1e-6;
        Eigen::VectorXd up = params, down = params;
        up[i] += h;
        down[i] -= h;
        policy.set_parameters(up);
        const double fu = policy.objective(x, mask, 3, advantage, entropy);
        policy.set_parameters(down);
        const double fd = policy.objective(x, mask, 3, advantage, entropy);
        EXPECT_NEAR(g[i], (fu - fd) / (2 * h), 1e-6) << "parameter " << i;
    }
    policy.set_parameters(params);
    const Eigen::VectorXd p = policy.probabilities(x, mask);
    EXPECT_EQ(p[1], 0);
    EXPECT_EQ(p[4], 0);
    EXPECT_NEAR(p.sum(), 1, 1e-12);
}

TEST(SearchObjective, ScoresAreCachedAndCommonToEveryCandidate) {
    EvalSpec e;
    e.shots = 256;
    Evaluator ev(e, Symmetry::kPointGroup, 2);
    const lec::LecRule toom = rule_file("toom.yaml"), hier = rule_file("toom_hierarchical.yaml");
    const std::vector<Score> s = ev.score({toom, hier, toom});
    EXPECT_EQ(ev.evaluations(), 2u);
    EXPECT_EQ(s[0].log_tau, s[2].log_tau);
    // The same seed and stream for every candidate: a rule scored alone scores the same.
    EXPECT_EQ(evaluate_rule(hier, e).log_tau, s[1].log_tau);
    EXPECT_EQ(s[1].gates, 4 + 4 + 1 + 3 + 2);  // 4 resets, 4 CX, the ANDs (one control negated), 2 corrections
    EXPECT_DOUBLE_EQ(s[0].objective, s[0].log_tau);
    e.gate_penalty = 0.1;
    EXPECT_DOUBLE_EQ(evaluate_rule(toom, e).objective, s[0].log_tau - 0.7);
}

AgentResult search(const RuleSpace& space, AgentKind kind, unsigned threads, std::size_t budget) {
    EvalSpec e;
    e.shots = 256;
    e.max_rounds = 3000;
    e.stream = stream_id("search", "training");
    Evaluator ev(e, space.spec().symmetry, threads);
    AgentSpec a;
    a.kind = kind;
    a.budget = budget;
    return run_agent(space, ev, a);
}

TEST(SearchAgents, ReproducibleFromTheSeedWhateverTheThreads) {
    const RuleSpace space(toom_gates());
    const AgentResult one = search(space, AgentKind::kReinforce, 1, 24);
    const AgentResult two = search(space, AgentKind::kReinforce, 2, 24);
    ASSERT_EQ(one.rules.size(), 24u);
    ASSERT_EQ(one.rules.size(), two.rules.size());
    for (std::size_t i = 0; i < one.rules.size(); ++i) {
        EXPECT_EQ(one.rules[i].key, two.rules[i].key);
        EXPECT_EQ(one.rules[i].score.log_tau, two.rules[i].score.log_tau);
    }
    ASSERT_EQ(one.curve.size(), two.curve.size());
    EXPECT_EQ(one.curve.back().best_so_far, two.curve.back().best_so_far);
}

TEST(SearchAgents, FromScratchTheLearnerFindsARuleWithinErrorOfToomsAndRandomSearchDoesNot) {
    const RuleSpace space(toom_gates());
    const AgentResult learned = search(space, AgentKind::kReinforce, 2, 120);
    const AgentResult random = search(space, AgentKind::kRandom, 2, 120);
    ASSERT_FALSE(learned.rules.empty());
    ASSERT_FALSE(random.rules.empty());
    // Evaluated again with fresh random numbers against Toom's rule.
    EvalSpec e;
    e.shots = 2048;
    e.max_rounds = 20000;
    e.seed = 99;
    const Score toom = evaluate_rule(rule_file("toom.yaml"), e);
    const Comparison c = compare(evaluate_rule(learned.rules[learned.best].rule, e), toom, 0.95);
    EXPECT_NE(c.verdict, "shorter") << format_rule(learned.rules[learned.best].rule) << c.log_ratio;
    EXPECT_GT(c.log_ratio, -0.1);
    const Comparison r = compare(evaluate_rule(random.rules[random.best].rule, e), toom, 0.95);
    EXPECT_EQ(r.verdict, "shorter");
    EXPECT_LT(r.log_ratio, c.log_ratio);
}

TEST(SearchToric4d, TheToomRuleThroughTheGenericBuilderIsTheBuiltInCircuit) {
    const quantum::NoiseModel noise{quantum::NoiseModel::Kind::kGateBitflip, 0.001, -1, 0};
    for (std::uint32_t L : {2u, 3u}) {
        const lec::LocalRuleCode code = lec::toric4d_toom_rule(L);
        EXPECT_EQ(lec::toric4d_rule_round(L, lec::toric4d_toom(), noise).to_text(),
                  lec::local_rule_round(code, noise, "x").to_text())
            << "L=" << L;
        EXPECT_EQ(lec::toric4d_rule_layers(L, lec::toric4d_toom()), 10u);  // reset, 6 CX layers, 3 CCX layers
    }
    // So a study given the Toom rule as a rule file draws exactly the built-in study's samples.
    lec::LecOptions o;
    o.L = 2;
    o.shots = 128;
    o.max_rounds = 400;
    const lec::Toric4dRule toom = lec::parse_toric4d_rule(lec::format_toric4d_rule(lec::toric4d_toom(), "c"), "f");
    lec::Toric4dBatch built_in(o, noise), from_file(o, noise, {}, &toom);
    const FailureTimes a = lec::run_lifetimes(built_in, o), b = lec::run_lifetimes(from_file, o);
    EXPECT_EQ(a.times, b.times);
    EXPECT_GT(exponential_lifetime(a).failures, 20u);
}

TEST(SearchToric4d, RuleFilesReadBackAndBadOnesNameTheLineAndKey) {
    const std::string text =
        "name: r\nlattice: toric4d\ncorrections:\n  - {if: [a_far, \"!b_near\"]}\n  - {if: [b_far]}\n";
    const lec::Toric4dRule r = lec::parse_toric4d_rule(text, "r.yaml");
    ASSERT_EQ(r.corrections.size(), 2u);
    EXPECT_TRUE(r.corrections[0][1].negated);
    EXPECT_EQ(r.corrections[0][1].edge, lec::Toric4dRule::kBNear);
    EXPECT_EQ(lec::format_toric4d_rule(r), text);
    auto error = [](const std::string& t) {
        try {
            lec::parse_toric4d_rule(t, "bad.yaml");
        } catch (const std::runtime_error& e) {
            return std::string(e.what());
        }
        return std::string("no error");
    };
    EXPECT_EQ(error("lattice: toric4d\ncorrections:\n  - {if: [a_fat]}\n"),
              "bad.yaml:3:11: corrections[0].if: unknown edge 'a_fat' (did you mean \"a_far\"?) (known: a_near, "
              "b_near, a_far, b_far)");
    EXPECT_NE(error("lattice: toric4d\ncorrections:\n  - {if: [\"!a_far\"]}\n")
                  .find("bad.yaml:3:10: corrections[0].if: "
                        "needs at least one edge"),
              std::string::npos);
    EXPECT_NE(error("lattice: toric4d\ncorrections:\n  - {if: [a_far, a_far]}\n").find("appears twice"),
              std::string::npos);
    EXPECT_NE(error("corrections:\n  - {if: [a_far]}\n").find("lattice: a 4D rule file says lattice: toric4d"),
              std::string::npos);
}

TEST(SearchToric4d, EveryEpisodeBuildsAValidRuleAndTheToomRuleLiesInTheSpace) {
    Toric4dSpaceSpec spec;
    spec.gates = GateSet{true, true, true, 3};
    spec.L = 2;
    const Toric4dSpace space(spec);
    std::unique_ptr<Builder> toom = space.builder();
    for (std::size_t a : space.toom_actions()) {
        ASSERT_TRUE(toom->mask()[a]) << space.action_name(a);
        toom->apply(a);
    }
    EXPECT_EQ(format_rule(toom->rule()), lec::format_toric4d_rule([] {
                  lec::Toric4dRule t = lec::toric4d_toom();
                  t.name = "searched";
                  return t;
              }()));
    RandomStream rng(3, 3);
    std::set<std::string> distinct;
    for (int e = 0; e < 300; ++e) {
        std::unique_ptr<Builder> b = space.builder();
        random_episode(*b, rng);
        ASSERT_TRUE(b->has_rule());
        const lec::Toric4dRule r = std::get<lec::Toric4dRule>(b->rule());
        EXPECT_LE(r.corrections.size(), spec.max_corrections);
        EXPECT_LE(lec::toric4d_rule_layers(spec.L, r), spec.max_depth);
        // A valid rule file (a positive literal per correction, no edge twice), whose circuit compiles with
        // classical controls and leaves a perfect memory perfect.
        const lec::Toric4dRule back = lec::parse_toric4d_rule(lec::format_toric4d_rule(r), "back");
        const quantum::Program p = quantum::compile(lec::toric4d_rule_round(spec.L, back, quantum::NoiseModel{}));
        quantum::FrameSimulator sim(p, 512, 3);
        sim.run();
        for (std::uint32_t q = 0; q < 6 * 16; ++q) ASSERT_EQ(sim.x_frame().get(q, 0), 0);
        distinct.insert(rule_key(b->rule(), Symmetry::kTranslation));
    }
    EXPECT_GT(distinct.size(), 50u);
}

}  // namespace
}  // namespace qdes::search
