// User-defined LEC rules: the Toom rule file builds exactly the built-in circuit (and so the same samples), a
// hierarchical rule runs and removes what it should, and bad rule files get file:line errors.

#include "protocols/lec/rule.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <random>

#include "models/quantum/codes/css_code.h"
#include "models/quantum/frame_simulator.h"
#include "models/quantum/program.h"
#include "protocols/lec/toom.h"
#include "tests/support/test_util.h"

namespace qdes::lec {
namespace {

std::string rule_path(const char* name) {
    return (testing::source_dir() / "scenarios" / "lec" / "rules" / name).string();
}

TEST(LecRule, ToomFileBuildsTheBuiltInCircuitAndTheSameSamples) {
    LecRule toom = load_lec_rule(rule_path("toom.yaml"));
    quantum::NoiseModel noise{quantum::NoiseModel::Kind::kGateBitflip, 0.01, -1, 0.002};
    for (std::uint32_t L : {3u, 5u}) {
        quantum::Circuit built_in = quantum::toom_memory_circuit(L, 1, noise);
        quantum::Circuit body;
        body.blocks = {built_in.blocks[1]};
        EXPECT_EQ(lec_round_circuit(toom, L, noise).to_text(), body.to_text()) << "L=" << L;
    }
    LecOptions o;
    o.L = 4;
    o.max_rounds = 300;
    o.shots = 700;
    o.seed = 9;
    FailureTimes a = toom_lifetimes(ToomRule::kCircuit, o, noise);
    FailureTimes b = toom_lifetimes(ToomRule::kCircuit, o, noise, &toom);
    EXPECT_EQ(a.times, b.times);
    EXPECT_EQ(a.censored, b.censored);
    EXPECT_GT(exponential_lifetime(a).failures, 100u);
}

TEST(LecRule, HierarchicalRuleRemovesAHorizontalPairInOneRound) {
    LecRule h = load_lec_rule(rule_path("toom_hierarchical.yaml"));
    LecRule toom = load_lec_rule(rule_path("toom.yaml"));
    ASSERT_EQ(h.ancillas.size(), 4u);
    EXPECT_TRUE(h.ancillas[3].all_of[1].negated);
    EXPECT_EQ(h.ancillas[3].all_of[2].offset, (Offset{0, 1}));
    // A 1 x 2 island (sites 5 and 6 of a 4 x 4 lattice) made by errors before one noiseless round.
    auto remaining = [](const LecRule& rule) {
        quantum::Circuit c = lec_round_circuit(rule, 4, quantum::NoiseModel{});
        c.top().insert(c.top().begin(), quantum::Instruction{quantum::Gate::kXError, {1.0}, {{5}, {6}}});
        quantum::Program p = quantum::compile(c);
        quantum::FrameSimulator sim(p, 512, 1);
        sim.run();
        int wrong = 0;
        for (std::uint32_t q = 0; q < 16; ++q) wrong += sim.x_frame().get(q, 0);
        return wrong;
    };
    EXPECT_EQ(remaining(toom), 1);  // Toom removes the east bit first
    EXPECT_EQ(remaining(h), 0);     // the hierarchical correction takes the west bit in the same round
}

std::string error_of(const std::string& text) {
    try {
        parse_lec_rule(text, "r.yaml");
    } catch (const std::runtime_error& e) {
        return e.what();
    }
    return "(no error)";
}

TEST(LecRule, BadFilesGetLineAndKey) {
    EXPECT_EQ(error_of("ancillas:\n  a: {parity: [[0, 0]]}\ncorrections:\n  - {if: [b], flip: [0, 0]}\n"),
              "r.yaml:4:11: corrections[0].if: 'b' is not an ancilla defined before this point (did you mean \"a\"?)");
    EXPECT_EQ(error_of("ancillas:\n  a: {parity: [[0, 0]], and: [x, y]}\ncorrections: []\n"),
              "r.yaml:2:6: ancillas.a: give parity or and, not both");
    EXPECT_EQ(error_of("ancillas:\n  a: {parity: [[0]]}\n"), "r.yaml:2:16: ancillas.a.parity: expected an offset [row, column]");
    EXPECT_EQ(error_of("ancillas:\n  a: {parity: [[0, 0]]}\n  b: {and: [a, c]}\n  c: {parity: [[0, 1]]}\n"),
              "r.yaml:3:16: ancillas.b.and: 'c' is not an ancilla defined before this point (did you mean \"a\"?)");
    EXPECT_EQ(error_of("ancilas: {}\n"), "r.yaml:1:1: ancilas: unknown key (did you mean \"ancillas\"?) (known: name, "
                                         "description, ancillas, corrections)");
    EXPECT_EQ(error_of("ancillas:\n  a: {parity: [[0, 0]]}\ncorrections:\n  - {if: [\"a(1 2)\"], flip: [0, 0]}\n"),
              "r.yaml:4:11: corrections[0].if: expected name(row, column), got 'a(1 2)'");
    // Found by fuzz/rule.cc: a key or a name that is not a scalar used to escape as yaml-cpp's "bad conversion".
    EXPECT_EQ(error_of("ancillas:\n  north: {parity, [[0, 0], [-1, 0]]}\n"),
              "r.yaml:2:19: ancillas.north: expected a key that is a name");
    EXPECT_EQ(error_of("name: [a, b]\nancillas: {}\n"), "r.yaml:1:7: name: expected a name");
    EXPECT_EQ(error_of("ancillas:\n  [x]: {parity: [[0, 0]]}\n"), "r.yaml:2:3: ancillas: expected an ancilla name");
    // An AND whose offset wraps onto its own site at this size is refused when the circuit is built.
    LecRule wrap = parse_lec_rule("ancillas:\n  a: {parity: [[0, 0]]}\n  b: {and: [a, \"a(2, 0)\"]}\n"
                                  "corrections:\n  - {if: [b], flip: [0, 0]}\n",
                                  "w.yaml");
    EXPECT_NO_THROW(lec_round_circuit(wrap, 3, quantum::NoiseModel{}));
    EXPECT_THROW(lec_round_circuit(wrap, 2, quantum::NoiseModel{}), std::invalid_argument);
}

TEST(LecRule, BipartiteLayersUseExactlyTheMaximumDegree) {
    // Random bipartite multigraphs (left qubits 0..19, right 20..39): the layers number the largest degree, hold
    // every gate once, and no qubit twice. Greedy layering needs more on most of them.
    std::mt19937_64 rng(5);
    for (int trial = 0; trial < 50; ++trial) {
        std::vector<std::vector<std::uint32_t>> pairs;
        std::vector<std::size_t> degree(40, 0);
        for (int g = 0; g < 120; ++g) {
            const std::uint32_t u = std::uint32_t(rng() % 20), v = std::uint32_t(20 + rng() % 20);
            pairs.push_back({u, v});
            ++degree[u];
            ++degree[v];
        }
        const auto layers = bipartite_layers(pairs, 40);
        EXPECT_EQ(layers.size(), *std::max_element(degree.begin(), degree.end()));
        std::vector<int> seen(pairs.size(), 0);
        for (const auto& layer : layers) {
            std::vector<int> busy(40, 0);
            for (std::size_t g : layer) {
                ++seen[g];
                for (std::uint32_t q : pairs[g]) EXPECT_EQ(++busy[q], 1) << "trial " << trial;
            }
        }
        for (int s : seen) EXPECT_EQ(s, 1);
    }
    EXPECT_THROW(bipartite_layers({{0, 1}, {1, 2}}, 3), std::invalid_argument);
}

}  // namespace
}  // namespace qdes::lec
