// Code algebra (checks commute with each other and with the logicals, the number of logical qubits, distances by
// brute force on small sizes) and the memory circuits the builders make.

#include "models/quantum/codes/css_code.h"

#include <gtest/gtest.h>

#include <cmath>

#include "models/quantum/density_matrix.h"
#include "models/quantum/frame_simulator.h"
#include "models/quantum/program.h"

namespace qdes::quantum {
namespace {

struct Expect {
    CssCode code;
    std::size_t logicals;
    std::uint32_t x_distance, z_distance;  ///< 0: not checked
};

TEST(CssCode, AlgebraLogicalCountAndBruteForceDistance) {
    std::vector<Expect> cases = {
        {repetition_code(3), 1, 3, 1},  {repetition_code(6), 1, 6, 1}, {ising2d_code(2), 1, 4, 1},
        {ising2d_code(3), 1, 0, 1},     {toric2d_code(2), 2, 2, 2},    {toric2d_code(3), 2, 3, 3},
        {toric2d_code(4), 2, 4, 4},     {toric4d_code(2), 6, 4, 4},    {toric4d_code(3), 6, 0, 0},
    };
    for (const Expect& e : cases) {
        const CssCode& c = e.code;
        std::string why;
        EXPECT_TRUE(check_commutation(c, &why)) << c.name << ": " << why;
        EXPECT_EQ(num_logical_qubits(c), e.logicals) << c.name;
        EXPECT_EQ(c.x_logicals.size(), e.logicals) << c.name;
        EXPECT_EQ(c.z_logicals.size(), e.logicals) << c.name;
        if (e.x_distance) {
            EXPECT_EQ(brute_force_distance(c, 'X', e.x_distance), e.x_distance) << c.name;
        }
        if (e.z_distance) {
            EXPECT_EQ(brute_force_distance(c, 'Z', e.z_distance), e.z_distance) << c.name;
        }
    }
}

TEST(CssCode, SizesFollowTheConstructions) {
    CssCode t4 = toric4d_code(3);
    EXPECT_EQ(t4.num_qubits, 6u * 81);
    EXPECT_EQ(t4.z_checks.size(), 4u * 81);
    EXPECT_EQ(t4.x_checks.size(), 4u * 81);
    for (const auto& s : t4.z_checks) EXPECT_EQ(s.size(), 6u);
    for (const auto& s : t4.x_checks) EXPECT_EQ(s.size(), 6u);
    for (const auto& s : t4.x_logicals) EXPECT_EQ(s.size(), 9u);  // L^2: the distance
    CssCode t2 = toric2d_code(5);
    EXPECT_EQ(t2.num_qubits, 50u);
    EXPECT_EQ(gf2_rank(t2.x_checks, t2.num_qubits), 24u);  // one dependency among the L^2 stars
    CssCode is = ising2d_code(4);
    EXPECT_EQ(is.z_checks.size(), 32u);
    EXPECT_THROW(make_code("toric3d", 3), std::invalid_argument);
}

std::uint64_t total_fired(const BitTable& t, std::size_t shots) {
    std::uint64_t n = 0;
    for (std::size_t r = 0; r < t.rows(); ++r)
        for (std::size_t s = 0; s < shots; ++s) n += t.get(r, s);
    return n;
}

std::uint64_t total_fired_row(const BitTable& t, std::size_t row, std::size_t shots) {
    std::uint64_t n = 0;
    for (std::size_t s = 0; s < shots; ++s) n += t.get(row, s);
    return n;
}

TEST(MemoryCircuit, NoiselessMemoriesNeverFireAndNoisyOnesDo) {
    for (const char* name : {"repetition", "ising2d", "toric2d", "toric4d"}) {
        CssCode code = make_code(name, name == std::string("repetition") ? 5 : (name == std::string("toric4d") ? 2 : 3));
        for (char basis : {'Z', 'X'}) {
            if (code.x_checks.empty() && basis == 'X') continue;
            MemoryOptions o;
            o.rounds = 3;
            o.basis = basis;
            Program p = compile(memory_circuit(code, o));
            const std::size_t per_round = basis == 'Z' ? code.z_checks.size() : code.x_checks.size();
            const std::size_t both = code.z_checks.size() + code.x_checks.size();
            EXPECT_EQ(p.num_detectors, per_round + 2 * both + per_round) << name << basis;
            EXPECT_EQ(p.num_observables, code.z_logicals.size()) << name;
            FrameSimulator sim(p, 512, 3);
            sim.run();
            EXPECT_EQ(total_fired(sim.detectors(), 512), 0u) << name << " " << basis;
            EXPECT_EQ(total_fired(sim.observables(), 512), 0u) << name << " " << basis;
            for (auto kind : {NoiseModel::Kind::kGateBitflip, NoiseModel::Kind::kGateDepolarizing,
                              NoiseModel::Kind::kPhenomenological}) {
                o.noise = NoiseModel{kind, 0.01, -1, 0.001};
                Program noisy = compile(memory_circuit(code, o));
                FrameSimulator ns(noisy, 512, 4);
                ns.run();
                EXPECT_GT(total_fired(ns.detectors(), 512), 0u) << name << " " << basis << " " << o.noise.name();
            }
        }
    }
}

TEST(MemoryCircuit, RepetitionMemoryWithEachNoiseModelMatchesTheExactReference) {
    // d = 3, two rounds: 5 qubits and 7 measurements, small enough for density matrices.
    for (auto kind : {NoiseModel::Kind::kGateBitflip, NoiseModel::Kind::kGateDepolarizing,
                      NoiseModel::Kind::kPhenomenological}) {
        MemoryOptions o;
        o.rounds = 2;
        o.noise = NoiseModel{kind, 0.03, 0.05, 0.02};
        Circuit c = memory_circuit(repetition_code(3), o);
        Program p = compile(c);
        DensityMatrixSimulator exact(c);
        const std::size_t shots = 65536;
        FrameSimulator sim(p, shots, 11);
        sim.run();
        for (std::size_t d = 0; d < p.num_detectors; ++d) {
            double expected = exact.parity_probability(exact.detectors()[d]);  // noiselessly 0
            double observed = double(total_fired_row(sim.detectors(), d, shots)) / shots;
            EXPECT_NEAR(observed, expected, 5 * std::sqrt(expected * (1 - expected) / shots) + 1e-12)
                << o.noise.name() << " detector " << d;
        }
        double expected = exact.parity_probability(exact.observables()[0]);
        double observed = double(total_fired_row(sim.observables(), 0, shots)) / shots;
        EXPECT_NEAR(observed, expected, 5 * std::sqrt(expected * (1 - expected) / shots)) << o.noise.name();
    }
}

TEST(ToomMemory, CcxRoundRemovesAnIsolatedFlipAndCompilesAtL32) {
    Circuit c = toom_memory_circuit(4, 1, NoiseModel{});
    // An error flips spin 5 right after the reset: its north and east neighbours disagree with it, so Toom's rule
    // flips it back. (An X gate would change the noiseless reference too and so never show as a detection event.)
    c.top().insert(c.top().begin() + 1, Instruction{Gate::kXError, {1.0}, {{5}}});
    Program p = compile(c);
    FrameSimulator sim(p, 512, 5);
    sim.run();
    EXPECT_EQ(total_fired(sim.detectors(), 512), 0u);
    EXPECT_EQ(total_fired(sim.observables(), 512), 0u);
    // Without the correction round the flip shows in the four edge checks around spin 5.
    Circuit bare = parse_circuit("R 0 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15\nX_ERROR(1) 5\nM 0 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15\n");
    Circuit toom = toom_memory_circuit(4, 1, NoiseModel{});
    for (const auto& in : toom.top())
        if (in.gate == Gate::kDetector) bare.top().push_back(in);
    Program bp = compile(bare);
    FrameSimulator b2(bp, 512, 5);
    b2.run();
    EXPECT_EQ(total_fired(b2.detectors(), 512), 4u * 512);
    Program big = compile(toom_memory_circuit(32, 1, NoiseModel{NoiseModel::Kind::kGateBitflip, 0.001, -1, 0}));
    EXPECT_EQ(big.num_qubits, 3u * 1024);
    EXPECT_TRUE(big.has_controlled_gates);
}

}  // namespace
}  // namespace qdes::quantum
