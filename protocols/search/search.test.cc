// The circuit search: Toom's rule lies in the space and builds the built-in circuit; every rule an episode can
// build is a valid one within the bounds; rotated rules share a key and a lifetime; the policy's gradient is the
// gradient of its objective; scores are cached and independent of threads; and from scratch the learner finds a
// rule within error of Toom's where random search with the same budget does not.

#include <gtest/gtest.h>

#include <cmath>

#include "models/quantum/frame_simulator.h"
#include "models/quantum/program.h"
#include "protocols/search/agents.h"
#include "protocols/search/policy.h"
#include "protocols/search/search_file.h"
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
    return b.rule();
}

TEST(SearchSpace, ToomsRuleLiesInTheSpaceAndBuildsTheBuiltInCircuit) {
    const quantum::NoiseModel noise{quantum::NoiseModel::Kind::kGateBitflip, 0.01, -1, 0};
    for (const SpaceSpec& spec : {toom_gates(), extended_gates()}) {
        const RuleSpace space(spec);
        const std::vector<std::size_t> actions = toom_actions(space);
        ASSERT_EQ(actions.size(), 7u);
        const lec::LecRule rule = build(space, actions);
        const lec::LecRule toom = rule_file("toom.yaml");
        EXPECT_EQ(lec::lec_round_circuit(rule, 5, noise).to_text(), lec::lec_round_circuit(toom, 5, noise).to_text());
        EXPECT_EQ(lec::lec_round_layers(rule, 4), 6u);  // reset, 4 CX layers, the CCX
        EXPECT_EQ(gates_per_cell(rule), 7u);            // 2 resets, 4 CX, 1 CCX
    }
    SpaceSpec no_ccx = toom_gates();
    no_ccx.gates.ccx = false;
    EXPECT_TRUE(toom_actions(RuleSpace(no_ccx)).empty());
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
            while (!b.done()) {
                std::vector<std::size_t> allowed;
                for (std::size_t a = 0; a < b.mask().size(); ++a)
                    if (b.mask()[a]) allowed.push_back(a);
                ASSERT_FALSE(allowed.empty());
                b.apply(allowed[rng.uniform_below(allowed.size())]);
            }
            if (!b.has_rule()) {
                ++empty;
                continue;
            }
            const lec::LecRule& r = b.rule();
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
    EXPECT_EQ(s[1].gates, 4u + 4u + 1u + 3u + 2u);  // 4 resets, 4 CX, the ANDs (one control negated), 2 corrections
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
    EXPECT_NE(c.verdict, "shorter") << lec::format_lec_rule(learned.rules[learned.best].rule) << c.log_ratio;
    EXPECT_GT(c.log_ratio, -0.1);
    const Comparison r = compare(evaluate_rule(random.rules[random.best].rule, e), toom, 0.95);
    EXPECT_EQ(r.verdict, "shorter");
    EXPECT_LT(r.log_ratio, c.log_ratio);
}

}  // namespace
}  // namespace qdes::search
