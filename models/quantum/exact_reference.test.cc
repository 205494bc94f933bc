// The frame sampler against the exact density-matrix reference: random small circuits mixing Clifford gates, CCX,
// CCZ, MCX and every noise channel, and a 3-qubit repetition memory corrected by CCX gates, with superposition
// inputs. Every detector (single measurements included) must fire with the exact probability within 5 standard
// errors of the sampled fraction.

#include <gtest/gtest.h>

#include <cmath>
#include <random>

#include "models/quantum/density_matrix.h"
#include "models/quantum/frame_simulator.h"
#include "models/quantum/noise.h"
#include "models/quantum/program.h"
#include "models/quantum/tableau.h"

namespace qdes::quantum {
namespace {

Circuit without_noise(const Circuit& c) {
    Circuit out = c;
    for (auto& block : out.blocks) {
        std::vector<Instruction> kept;
        for (Instruction in : block) {
            GateKind k = gate_info(in.gate).kind;
            if (k == GateKind::kNoise1 || k == GateKind::kNoise2 || k == GateKind::kNoise3) continue;
            if (k == GateKind::kMeasure) in.args.clear();
            kept.push_back(in);
        }
        block = kept;
    }
    return out;
}

struct Comparison {
    int checked = 0;
    int deterministic = 0;
};

/// Samples `shots` shots and compares every detector and observable with the exact reference.
Comparison compare_with_exact(const Circuit& c, std::size_t shots, std::uint64_t seed, const std::string& label) {
    Program program = compile(c);
    DensityMatrixSimulator exact(c);
    DensityMatrixSimulator noiseless(without_noise(c));
    FrameSimulator sim(program, shots, seed);
    sim.run();
    Comparison out;
    auto check = [&](std::uint64_t mask, const std::uint64_t* row, const std::string& what) {
        // The sampler reports flips relative to the noiseless circuit. For a parity the noiseless circuit fixes to v,
        // a flip is the parity differing from v; for one it leaves at 1/2, the parity itself is uniformly random.
        double p_noiseless = noiseless.parity_probability(mask);
        double p_noisy = exact.parity_probability(mask);
        double expected;
        if (p_noiseless < 1e-9) {
            expected = p_noisy;
            ++out.deterministic;
        } else if (p_noiseless > 1 - 1e-9) {
            expected = 1 - p_noisy;
            ++out.deterministic;
        } else {
            EXPECT_NEAR(p_noiseless, 0.5, 1e-9) << label << " " << what;
            expected = p_noisy;
        }
        double fired = 0;
        for (std::size_t s = 0; s < shots; ++s) fired += (row[s / 64] >> (s % 64)) & 1;
        double observed = fired / double(shots);
        double se = std::sqrt(expected * (1 - expected) / double(shots));
        EXPECT_LE(std::abs(observed - expected), 5 * se + 1e-12)
            << label << " " << what << ": sampled " << observed << ", exact " << expected << "\n"
            << c.to_text();
        ++out.checked;
    };
    for (std::size_t d = 0; d < exact.detectors().size(); ++d)
        check(exact.detectors()[d], sim.detectors().row(d), "detector " + std::to_string(d));
    for (std::size_t o = 0; o < exact.observables().size(); ++o)
        check(exact.observables()[o], sim.observables().row(o), "observable " + std::to_string(o));
    return out;
}

/// A random circuit on `n` qubits; the caller rejects those the compiler refuses.
Circuit random_circuit(std::mt19937_64& rng, std::uint32_t n, int length) {
    Circuit c;
    CircuitBuilder b(c);
    auto pick = [&](int k) {
        std::vector<std::uint32_t> all(n);
        for (std::uint32_t i = 0; i < n; ++i) all[i] = i;
        std::shuffle(all.begin(), all.end(), rng);
        all.resize(std::size_t(k));
        return all;
    };
    std::uniform_real_distribution<double> prob(0.02, 0.3);
    auto uniform = [&](int k) { return int(rng() % std::uint64_t(k)); };
    b.add(Gate::kR, pick(int(n)));
    int measurements = 0;
    for (int i = 0; i < length; ++i) {
        switch (uniform(22)) {
            case 0: b.add(Gate::kX, pick(1)); break;
            case 1: b.add(Gate::kY, pick(1)); break;
            case 2: b.add(Gate::kZ, pick(1)); break;
            case 3: b.add(Gate::kH, pick(1)); break;
            case 4: b.add(Gate::kS, pick(1)); break;
            case 5: b.add(Gate::kCX, pick(2)); break;
            case 6: b.add(Gate::kCZ, pick(2)); break;
            case 7: b.add(Gate::kSwap, pick(2)); break;
            case 8:
            case 9: b.add(Gate::kCCX, pick(3)); break;
            case 10: b.add(Gate::kCCZ, pick(3)); break;
            case 11: b.add(Gate::kMCX, pick(4)); break;
            case 12: b.add(Gate::kXError, pick(1), {prob(rng)}); break;
            case 13: b.add(Gate::kYError, pick(1), {prob(rng)}); break;
            case 14: b.add(Gate::kZError, pick(1), {prob(rng)}); break;
            case 15: b.add(Gate::kDepolarize1, pick(1), {prob(rng)}); break;
            case 16: b.add(Gate::kDepolarize2, pick(2), {prob(rng)}); break;
            case 17: b.add(Gate::kDepolarize3, pick(3), {prob(rng)}); break;
            case 18: b.add(Gate::kR, pick(1)); break;
            case 19: b.add(Gate::kRX, pick(1)); break;
            default: {
                const Gate kinds[] = {Gate::kM, Gate::kMX, Gate::kMR, Gate::kMRX};
                Gate g = kinds[uniform(4)];
                if (uniform(2))
                    b.add(g, pick(1), {prob(rng)});
                else
                    b.add(g, pick(1));
                ++measurements;
                b.detector({1});
                break;
            }
        }
    }
    b.add(Gate::kM, pick(int(n)));
    measurements += int(n);
    for (int d = 0; d < 4; ++d) {
        std::vector<std::uint32_t> looks;
        for (int k = 0; k < 1 + uniform(3); ++k) looks.push_back(std::uint32_t(1 + uniform(measurements)));
        b.detector(looks);
    }
    b.observable(0, {1, 2});
    return c;
}

TEST(ExactReference, RandomCircuitsWithCcxCczMcxAndEveryNoiseChannel) {
    std::mt19937_64 rng(12345);
    int accepted = 0, refused = 0, checked = 0, deterministic = 0;
    std::uint32_t ccx_like = 0;
    while (accepted < 40) {
        Circuit c = random_circuit(rng, 5, 24);
        if (c.num_measurements() > 12) continue;
        try {
            compile(c);
        } catch (const CircuitError& e) {
            ++refused;
            EXPECT_NE(std::string(e.what()).find("does not hold a definite computational-basis value"),
                      std::string::npos)
                << e.what();
            continue;
        }
        for (const auto& in : c.top()) ccx_like += gate_info(in.gate).kind == GateKind::kControlled;
        Comparison r = compare_with_exact(c, 32768, 1000 + std::uint64_t(accepted), "circuit " + std::to_string(accepted));
        checked += r.checked;
        deterministic += r.deterministic;
        ++accepted;
    }
    // The mix must exercise what it claims to: controlled gates run, and refusals happen.
    EXPECT_GE(ccx_like, 40u);
    EXPECT_GE(refused, 1);
    EXPECT_GE(deterministic, checked / 3);
    std::printf("%d circuits (%d refused), %d parities compared (%d deterministic when noiseless), %u CCX/CCZ/MCX\n",
                accepted, refused, checked, deterministic, ccx_like);
}

/// A 3-qubit repetition memory, data 0-2, syndrome ancillas 3 (q0 xor q1) and 4 (q1 xor q2), corrected without
/// measurement: CCX gates flip the data qubit that the syndrome points to.
Circuit repetition_round(const std::string& input, int rounds, double p) {
    std::string text = "R 0 1 2\n" + input +
                       "REPEAT " + std::to_string(rounds) +
                       " {\n"
                       "  R 3 4\n"
                       "  CX 0 3 1 4\n"
                       "  CX 1 3 2 4\n"
                       "  X 4\n"
                       "  CCX 3 4 0\n"
                       "  X 4 3\n"
                       "  CCX 3 4 2\n"
                       "  X 3\n"
                       "  CCX 3 4 1\n"
                       "  X_ERROR(" + std::to_string(p) + ") 0 1 2\n"
                       "}\n";
    return parse_circuit(text, "repetition");
}

TEST(ExactReference, RepetitionMemoryCorrectedByCcxMatchesForBasisAndSuperpositionInputs) {
    // Z-basis inputs |0>_L and |1>_L: read the data in Z, check every bit and parity.
    for (const std::string input : {"", "X 0 1 2\n"}) {
        Circuit c = repetition_round(input, 2, 0.08);
        c.top().push_back(Instruction{Gate::kDepolarize1, {0.05}, {{0}, {1}, {2}}});
        Circuit readout = parse_circuit(
            "M 0 1 2\nDETECTOR rec[-1]\nDETECTOR rec[-2]\nDETECTOR rec[-3]\nDETECTOR rec[-1] rec[-2]\n"
            "OBSERVABLE_INCLUDE(0) rec[-1] rec[-2] rec[-3]\n");
        for (auto in : readout.top()) c.top().push_back(in);
        compare_with_exact(c, 65536, 7, "|" + std::string(input.empty() ? "0" : "1") + ">_L");
    }
    // |+>_L = (|000> + |111>)/sqrt(2): phase flips on the data make it |->_L, which CCX correction cannot undo but
    // must carry through faithfully. Decode (CX 0 1, CX 0 2) and read qubit 0 in X: the logical X value.
    Circuit c = repetition_round("H 0\nCX 0 1 0 2\n", 2, 0.08);
    c.top().push_back(Instruction{Gate::kZError, {0.1}, {{1}}});
    c.top().push_back(Instruction{Gate::kDepolarize1, {0.05}, {{0}, {2}}});
    Circuit readout = parse_circuit(
        "CX 0 1 0 2\nMX 0\nM 1 2\nOBSERVABLE_INCLUDE(0) rec[-3]\nDETECTOR rec[-1]\nDETECTOR rec[-2]\n"
        "DETECTOR rec[-1] rec[-2] rec[-3]\n");
    for (auto in : readout.top()) c.top().push_back(in);
    Comparison r = compare_with_exact(c, 65536, 8, "|+>_L");
    EXPECT_EQ(r.checked, 4);
    // The noiseless logical X value is certain (+1), so the observable is compared as a flip probability.
    EXPECT_GE(r.deterministic, 3);
}

TEST(ExactReference, CompilerRefusesCcxWithASuperposedControlNamingLineAndQubit) {
    try {
        compile(parse_circuit("R 0 1 2\nH 1\nCCX 0 1 2\n", "bad.stim"));
        FAIL() << "accepted a CCX with a control in superposition";
    } catch (const CircuitError& e) {
        std::string m = e.what();
        EXPECT_EQ(m.rfind("bad.stim:3: CCX: qubit 1 does not hold a definite computational-basis value here", 0), 0u)
            << m;
        EXPECT_NE(m.find("Gate: 'CCX 0 1 2'"), std::string::npos) << m;
    }
    // The same qubit after measurement is classical again, and a CCZ may use any two definite qubits.
    EXPECT_NO_THROW(compile(parse_circuit("R 0 1 2\nH 1\nM 1\nCCX 0 1 2\n")));
    EXPECT_NO_THROW(compile(parse_circuit("R 0 1 2\nH 2\nCCZ 2 0 1\n")));
    EXPECT_THROW(compile(parse_circuit("R 0 1 2\nH 2 1\nCCZ 2 0 1\n")), CircuitError);
    // A control entangled with a superposed qubit is not classical either.
    EXPECT_THROW(compile(parse_circuit("R 0 1 2 3\nH 0\nCX 0 1\nMCX 1 2 3\n")), CircuitError);
    // ...but a parity of entangled qubits is: (|00> + |11>) has a definite q0 xor q1.
    EXPECT_NO_THROW(compile(parse_circuit("R 0 1 2 3 4\nH 0\nCX 0 1\nCX 0 2 1 2\nX 3\nCCX 2 3 4\n")));
}

TEST(ExactReference, TableauKnowsWhichQubitsAreDefiniteAndTheirValues) {
    // Random Clifford circuits against the density matrix's final Z probabilities, qubit by qubit. Without resets
    // in the middle, definite means exactly P(1) in {0, 1}. A reset of an entangled partner collapses a qubit in
    // every shot (the density matrix then shows a mixture, P(1) = 1/2, but no superposition), so with resets only
    // "certain in the density matrix => definite, same value" must hold.
    std::mt19937_64 rng(99);
    int definite = 0, superposed = 0;
    for (int trial = 0; trial < 120; ++trial) {
        const bool with_resets = trial % 2 == 1;
        const std::uint32_t n = 5;
        Circuit c;
        CircuitBuilder b(c);
        b.add(Gate::kR, {0, 1, 2, 3, 4});
        StabilizerTableau t(n);
        for (int i = 0; i < 30; ++i) {
            std::uint32_t q = std::uint32_t(rng() % n), r = (q + 1 + std::uint32_t(rng() % (n - 1))) % n;
            switch (rng() % (with_resets ? 9 : 8)) {
                case 0: b.add(Gate::kH, {q}); t.h(q); break;
                case 1: b.add(Gate::kS, {q}); t.s(q); break;
                case 2: b.add(Gate::kSDag, {q}); t.s_dag(q); break;
                case 3: b.add(Gate::kX, {q}); t.x(q); break;
                case 4: b.add(Gate::kY, {q}); t.y(q); break;
                case 5: b.add(Gate::kZ, {q}); t.z(q); break;
                case 6: b.add(Gate::kCZ, {q, r}); t.cz(q, r); break;
                case 7: b.add(Gate::kCX, {q, r}); t.cx(q, r); break;
                default: b.add(Gate::kR, {q}); t.reset(q); break;
            }
        }
        Eigen::MatrixXcd rho = DensityMatrixSimulator(c).final_state();
        for (std::uint32_t q = 0; q < n; ++q) {
            double p1 = 0;
            for (Eigen::Index i = 0; i < rho.rows(); ++i)
                if ((i >> q) & 1) p1 += rho(i, i).real();
            bool exact_definite = p1 < 1e-9 || p1 > 1 - 1e-9;
            if (!with_resets || exact_definite) {
                ASSERT_EQ(t.is_deterministic(q), exact_definite) << "trial " << trial << " qubit " << q << "\n"
                                                                   << c.to_text();
            }
            if (exact_definite) {
                EXPECT_EQ(t.peek(q), p1 > 0.5) << "trial " << trial << " qubit " << q << "\n" << c.to_text();
                ++definite;
            } else {
                EXPECT_NEAR(p1, 0.5, 1e-9);
                superposed += !with_resets;
            }
        }
    }
    EXPECT_GT(definite, 50);
    EXPECT_GT(superposed, 50);
}

TEST(ExactReference, LoopsFoldOnceTheReferenceStateRepeats) {
    // A million rounds of the CCX memory compile quickly: the tableau reaches a fixed point after a round.
    Circuit c = repetition_round("H 0\nCX 0 1 0 2\n", 1000000, 0.01);
    Program p = compile(c);
    EXPECT_EQ(p.num_layers, 1u);
    EXPECT_TRUE(p.has_controlled_gates);
}

}  // namespace
}  // namespace qdes::quantum
