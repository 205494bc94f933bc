// The 4D toric code under the 4D Toom rule: the rule's geometry, the noiseless readout, the circuit against the
// rule, and lifetimes.

#include "protocols/lec/toric4d.h"

#include <gtest/gtest.h>

#include <bit>
#include <random>

#include "models/quantum/codes/css_code.h"

namespace qdes::lec {
namespace {

struct Readout {
    std::vector<std::uint64_t> wrong, undecided;
    std::uint64_t steps = 0;
};

/// The readout of shots whose errors are given: shot s has the qubits errors[s] flipped.
Readout read_out(const LocalRuleCode& code, const std::vector<std::vector<std::uint32_t>>& errors,
                 std::uint64_t max_steps) {
    const std::size_t words = (errors.size() + 63) / 64;
    std::vector<std::uint64_t> rows(std::size_t(code.num_data) * words, 0);
    for (std::size_t s = 0; s < errors.size(); ++s)
        for (std::uint32_t q : errors[s]) rows[q * words + s / 64] ^= std::uint64_t(1) << (s % 64);
    NoiselessDecoder decoder(code, words);
    Readout r{std::vector<std::uint64_t>(words), std::vector<std::uint64_t>(words), 0};
    r.steps = decoder.decode(rows.data(), words, max_steps, r.wrong.data(), r.undecided.data());
    return r;
}

bool bit(const std::vector<std::uint64_t>& v, std::size_t s) { return (v[s / 64] >> (s % 64)) & 1; }

TEST(Toric4dRule, EverySingleErrorIsRemovedInOneStep) {
    for (std::uint32_t L : {2u, 3u}) {
        const LocalRuleCode code = toric4d_toom_rule(L);
        ASSERT_EQ(code.num_data, 6 * L * L * L * L);
        ASSERT_EQ(code.checks.size(), 4 * L * L * L * L);
        std::vector<std::vector<std::uint32_t>> errors;
        for (std::uint32_t q = 0; q < code.num_data; ++q) errors.push_back({q});
        Readout r = read_out(code, errors, 1);
        EXPECT_EQ(r.steps, 1u) << "L=" << L;
        for (std::size_t s = 0; s < errors.size(); ++s) {
            EXPECT_FALSE(bit(r.wrong, s)) << "L=" << L << " plaquette " << s;
            EXPECT_FALSE(bit(r.undecided, s)) << "L=" << L << " plaquette " << s;
        }
    }
}

TEST(Toric4dRule, LogicalsAndStabilizersReadAsTheyShould) {
    // Errors without syndrome: products of X checks (cubes) read correct; with one X logical added they read
    // flipped, and every translate of that logical agrees.
    const std::uint32_t L = 3;
    const LocalRuleCode code = toric4d_toom_rule(L);
    const quantum::CssCode css = quantum::toric4d_code(L);
    std::mt19937_64 rng(7);
    std::vector<std::vector<std::uint32_t>> errors;
    for (int s = 0; s < 128; ++s) {
        std::vector<std::uint8_t> e(code.num_data, 0);
        for (const auto& cube : css.x_checks)
            if (rng() & 1)
                for (std::uint32_t q : cube) e[q] ^= 1;
        if (s % 2)
            for (std::uint32_t q : css.x_logicals[std::size_t(s / 2) % 6]) e[q] ^= 1;
        std::vector<std::uint32_t> list;
        for (std::uint32_t q = 0; q < code.num_data; ++q)
            if (e[q]) list.push_back(q);
        errors.push_back(list);
    }
    Readout r = read_out(code, errors, 4);
    EXPECT_EQ(r.steps, 0u);  // no syndrome anywhere
    for (std::size_t s = 0; s < errors.size(); ++s) EXPECT_EQ(bit(r.wrong, s), s % 2 == 1) << "shot " << s;
}

TEST(Toric4dRule, AWrappingStripIsAFixedPointReadByTheMajorityOfTranslates) {
    // A strip of (0,1)-plaquettes wrapping in direction 0 at x1 = x2 = x3 = 0: its boundary is two straight lines,
    // which the rule cannot shorten. The readout is undecided; the strip crosses 1 of the L^2 translates of logical
    // (0,1), so the majority reads correct. A strip in the complementary directions crossing every translate of
    // logical (0,1) and closed into a plane is the logical itself (no syndrome, read flipped).
    const std::uint32_t L = 4;
    const LocalRuleCode code = toric4d_toom_rule(L);
    std::vector<std::uint32_t> strip;
    for (std::uint32_t x0 = 0; x0 < L; ++x0) strip.push_back(x0);  // pair (0,1) is plaquette type 0, v = x0
    Readout r = read_out(code, {strip}, 50);
    EXPECT_EQ(r.steps, 51u);
    EXPECT_TRUE(bit(r.undecided, 0));
    EXPECT_FALSE(bit(r.wrong, 0));
}

TEST(Toric4dRule, TheNoiselessCircuitIsOneStepOfTheRule) {
    // Random errors (each plaquette with probability 0.05) injected before one noiseless round of the circuit:
    // the data frames after it equal one step of the rule.
    const std::uint32_t L = 3;
    const LocalRuleCode code = toric4d_toom_rule(L);
    quantum::Circuit round = local_rule_round(code, quantum::NoiseModel{}, "test");
    quantum::Circuit circuit;
    quantum::CircuitBuilder b(circuit);
    std::vector<std::uint32_t> data;
    for (std::uint32_t q = 0; q < code.num_data; ++q) data.push_back(q);
    b.add(quantum::Gate::kXError, data, {0.05}).tick();
    for (const auto& in : round.top()) circuit.top().push_back(in);
    const quantum::Program program = quantum::compile(circuit);
    EXPECT_EQ(program.num_layers - 1, 1u + 6u + 3u + 1u);  // the error layer; reset, 6 CX and 3 CCX layers
    const std::size_t shots = 512, words = shots / 64;
    quantum::FrameSimulator sim(program, shots, 3);
    sim.start();
    ASSERT_TRUE(sim.step_layer());
    std::vector<std::uint64_t> before(std::size_t(code.num_data) * words);
    for (std::uint32_t q = 0; q < code.num_data; ++q)
        std::copy(sim.x_frame().row(q), sim.x_frame().row(q) + words, before.begin() + q * words);
    while (sim.step_layer()) {
    }
    NoiselessDecoder decoder(code, words);
    std::vector<std::uint64_t> wrong(words), undecided(words);
    decoder.decode(before.data(), words, 1, wrong.data(), undecided.data());
    std::uint64_t differ = 0, flipped = 0;
    for (std::uint32_t q = 0; q < code.num_data; ++q)
        for (std::size_t w = 0; w < words; ++w) {
            differ += std::uint64_t(std::popcount(sim.x_frame().row(q)[w] ^ decoder.errors().row(q)[w]));
            flipped += std::uint64_t(std::popcount(before[q * words + w] ^ decoder.errors().row(q)[w]));
        }
    EXPECT_EQ(differ, 0u);
    EXPECT_GT(flipped, 1000u);  // the rule did act
}

/// The lifetime of `shots` memories of side L under gate bit-flip noise p, capped at `rounds`.
LifetimeEstimate lifetime(std::uint32_t L, double p, std::uint64_t shots, std::uint64_t rounds) {
    LecOptions o;
    o.L = L;
    o.shots = shots;
    o.max_rounds = rounds;
    Toric4dBatch batch(o, quantum::NoiseModel{quantum::NoiseModel::Kind::kGateBitflip, p, -1, 0});
    EXPECT_EQ(batch.layers_per_round(), 10u);  // reset, 6 CX layers, 3 CCX layers
    return exponential_lifetime(run_lifetimes(batch, o));
}

TEST(Toric4dBatch, BelowThresholdLifetimeGrowsWithL) {
    // p = 6e-4 is under half the threshold (near 1.2e-3, scenarios/lec/toric4d_threshold.yaml): L = 2 lives a few
    // hundred rounds, L = 3 some thousands. The 95% intervals must not overlap.
    const LifetimeEstimate small = lifetime(2, 6e-4, 128, 1500), large = lifetime(3, 6e-4, 128, 1500);
    EXPECT_GT(small.failures, 100u);
    EXPECT_GT(large.lower, small.upper) << "tau(L=2) " << small.tau << ", tau(L=3) " << large.tau;
}

TEST(Toric4dBatch, AboveThresholdLargerLatticesFailSooner) {
    const LifetimeEstimate small = lifetime(2, 3e-3, 512, 1000), large = lifetime(4, 3e-3, 512, 1000);
    EXPECT_LT(large.upper, small.lower) << "tau(L=2) " << small.tau << ", tau(L=4) " << large.tau;
}

}  // namespace
}  // namespace qdes::lec
