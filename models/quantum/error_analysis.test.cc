// The detector error model of a circuit: hand-computed models of small circuits (each channel's independent
// decomposition, gates, loops, classically controlled CCX/CCZ/MCX), refusal of random detectors, decomposition into
// graphlike parts, and the exact detector probabilities of the model against Stim's sampled fractions of the
// reference circuits.

#include "models/quantum/error_analysis.h"

#include <gtest/gtest.h>

#include "models/quantum/frame_simulator.h"

#include <cmath>
#include <fstream>

#include "tests/support/test_util.h"

namespace qdes::quantum {
namespace {

DetectorErrorModel dem_of(const std::string& text, bool decompose = false) {
    return analyze_errors(parse_circuit(text, "c.stim"), ErrorAnalysisOptions{decompose});
}

/// The probability of the mechanism with exactly these detectors and observables; -1 when there is none.
double p_of(const DetectorErrorModel& m, DemSymptom s) {
    for (const DemErrorMechanism& e : m.errors)
        if (e.combined() == s) return e.p;
    return -1;
}

TEST(ErrorAnalysis, BitFlipBeforeMeasurementFlipsItsDetectorAndObservable) {
    DetectorErrorModel m = dem_of("R 0 1\nX_ERROR(0.125) 0\nM(0.25) 0 1\nDETECTOR rec[-2]\nDETECTOR rec[-1]\n"
                                  "OBSERVABLE_INCLUDE(0) rec[-2]\n");
    EXPECT_EQ(m.num_detectors, 2u);
    EXPECT_EQ(m.num_observables, 1u);
    ASSERT_EQ(m.errors.size(), 2u);
    // The X error and qubit 0's measurement flip have the same symptom and merge.
    EXPECT_NEAR(p_of(m, {{0}, 1}), 0.125 * 0.75 + 0.25 * 0.875, 1e-15);
    EXPECT_NEAR(p_of(m, {{1}, 0}), 0.25, 1e-15);
}

TEST(ErrorAnalysis, Depolarize1IsThreeIndependentPaulisWhoseTwoVisibleOnesMergeToTwoThirdsP) {
    const double p = 0.03;
    DetectorErrorModel m = dem_of("R 0\nDEPOLARIZE1(0.03) 0\nM 0\nDETECTOR rec[-1]\n");
    ASSERT_EQ(m.errors.size(), 1u);  // Z is invisible; X and Y flip D0
    const double q = 0.5 - 0.5 * std::sqrt(1 - 4 * p / 3);
    EXPECT_NEAR(m.errors[0].p, 2 * q * (1 - q), 1e-15);
    EXPECT_NEAR(m.errors[0].p, 2 * p / 3, 1e-15);  // exactly the depolarizing channel's X or Y
}

TEST(ErrorAnalysis, Depolarize2GivesFourPaulisPerSymptom) {
    const double p = 0.01;
    DetectorErrorModel m = dem_of("R 0 1\nDEPOLARIZE2(0.01) 0 1\nM 0 1\nDETECTOR rec[-2]\nDETECTOR rec[-1]\n");
    const double q = 0.5 - 0.5 * std::pow(1 - 16 * p / 15, 0.125);
    const double four = 0.5 * (1 - std::pow(1 - 2 * q, 4));  // odd number of 4 independent channels
    ASSERT_EQ(m.errors.size(), 3u);
    EXPECT_NEAR(p_of(m, {{0}, 0}), four, 1e-15);
    EXPECT_NEAR(p_of(m, {{1}, 0}), four, 1e-15);
    EXPECT_NEAR(p_of(m, {{0, 1}, 0}), four, 1e-15);
}

TEST(ErrorAnalysis, CnotCopiesAnXFaultFromControlToTarget) {
    // A 3-qubit repetition code round: ancilla 3 reads data 0 and 1. An X on data 0 before the CNOTs flips the
    // syndrome (D0) and the data readout, which D1 then sees twice; after them, only the readout (D1).
    DetectorErrorModel m = dem_of(R"(R 0 1 3
X_ERROR(0.1) 0
CX 0 3 1 3
X_ERROR(0.2) 0
MR 3
M 0 1
DETECTOR rec[-3]
DETECTOR rec[-3] rec[-2] rec[-1]
OBSERVABLE_INCLUDE(0) rec[-2]
)");
    EXPECT_NEAR(p_of(m, {{0}, 1}), 0.1, 1e-15);
    EXPECT_NEAR(p_of(m, {{1}, 1}), 0.2, 1e-15);
    EXPECT_EQ(m.errors.size(), 2u);
}

TEST(ErrorAnalysis, HadamardTurnsAZFaultIntoAnXBasisFlip) {
    DetectorErrorModel m = dem_of("RX 0\nZ_ERROR(0.1) 0\nH 0\nM 0\nDETECTOR rec[-1]\n");
    EXPECT_NEAR(p_of(m, {{0}, 0}), 0.1, 1e-15);
    DetectorErrorModel n = dem_of("R 0\nH 0\nX_ERROR(0.1) 0\nZ_ERROR(0.2) 0\nMX 0\nDETECTOR rec[-1]\n");
    ASSERT_EQ(n.errors.size(), 1u);
    EXPECT_NEAR(n.errors[0].p, 0.2, 1e-15);
}

TEST(ErrorAnalysis, LoopsUnrollWithDetectorsNumberedInTimeOrder) {
    DetectorErrorModel m = dem_of(R"(R 0
REPEAT 3 {
    X_ERROR(0.1) 0
    MR 0
    DETECTOR rec[-1]
}
)");
    ASSERT_EQ(m.errors.size(), 3u);
    for (std::uint32_t d = 0; d < 3; ++d) EXPECT_NEAR(p_of(m, {{d}, 0}), 0.1, 1e-15) << d;
}

TEST(ErrorAnalysis, CcxPassesAControlFaultToTheTargetOnlyWhenTheOtherControlIsOne) {
    const char* body = "X_ERROR(0.1) 0\nCCX 0 1 2\nM 0 1 2\nDETECTOR rec[-3]\nDETECTOR rec[-1]\n";
    DetectorErrorModel on = dem_of(std::string("R 0 1 2\nX 1\n") + body);
    ASSERT_EQ(on.errors.size(), 1u);
    EXPECT_EQ(on.errors[0].combined().detectors, (std::vector<std::uint32_t>{0, 1}));
    DetectorErrorModel off = dem_of(std::string("R 0 1 2\n") + body);
    ASSERT_EQ(off.errors.size(), 1u);
    EXPECT_EQ(off.errors[0].combined().detectors, std::vector<std::uint32_t>{0});
}

TEST(ErrorAnalysis, CczTurnsAControlFaultIntoAPhaseOnTheTarget) {
    // Target 2 in |+>, read in the X basis: an X on control 0 with control 1 at 1 is a Z on the target.
    DetectorErrorModel m = dem_of("R 0 1 2\nX 1\nH 2\nX_ERROR(0.1) 0\nCCZ 0 1 2\nMX 2\nDETECTOR rec[-1]\n");
    EXPECT_NEAR(p_of(m, {{0}, 0}), 0.1, 1e-15);
}

TEST(ErrorAnalysis, McxPassesAControlFaultWhenEveryOtherControlIsOne) {
    const char* tail = "X_ERROR(0.1) 0\nX_ERROR(0.2) 1\nMCX 0 1 2 3\nM 3\nDETECTOR rec[-1]\n";
    // Controls 0, 1, 2 hold 0, 1, 1: only a fault on 0 completes them.
    DetectorErrorModel m = dem_of(std::string("R 0 1 2 3\nX 1 2\n") + tail);
    EXPECT_NEAR(p_of(m, {{0}, 0}), 0.1, 1e-15);
    EXPECT_EQ(m.errors.size(), 1u);
}

TEST(ErrorAnalysis, CcxCorrectsADataFaultCopiedOntoBothItsControls) {
    // The measurement-free correction step of LEC: a data error copied onto two ancillas fires the CCX, which
    // undoes it. Linearised about the noiseless controls (both 0) the fault would pass; run forward it vanishes.
    EXPECT_TRUE(dem_of("R 0 1 2\nX_ERROR(0.1) 0\nCX 0 1 0 2\nCCX 1 2 0\nM 0\nDETECTOR rec[-1]\n").errors.empty());
    // Copied onto one control only, it stays.
    DetectorErrorModel m = dem_of("R 0 1 2\nX_ERROR(0.1) 0\nCX 0 1\nCCX 1 2 0\nM 0\nDETECTOR rec[-1]\n");
    EXPECT_NEAR(p_of(m, {{0}, 0}), 0.1, 1e-15);
}

/// A repetition code of three data qubits (0-2) with ancillas 3 and 4: an LEC round (parities copied, the middle
/// qubit flipped when both fire, the ancillas reset), a readout round, and the data measured. Lines as a vector
/// so that a fault can go between any two.
std::vector<std::string> lec_repetition_lines() {
    return {"R 0 1 2 3 4", "CX 0 3 1 3", "CX 1 4 2 4", "CCX 3 4 1", "R 3 4", "CX 0 3 1 3 1 4 2 4",
            "MR 3 4", "DETECTOR rec[-2]", "DETECTOR rec[-1]", "M 0 1 2", "DETECTOR rec[-5] rec[-3] rec[-2]",
            "DETECTOR rec[-4] rec[-2] rec[-1]", "OBSERVABLE_INCLUDE(0) rec[-3]"};
}

TEST(ErrorAnalysis, EverySingleFaultOfAnLecCircuitFlipsWhatTheFrameSimulatorSees) {
    const std::vector<std::string> lines = lec_repetition_lines();
    int checked = 0, corrected = 0;
    for (std::size_t at = 1; at <= 6; ++at)  // between the gates, before the readout
        for (std::uint32_t q = 0; q < 5; ++q)
            for (const char* pauli : {"X", "Y", "Z"}) {
                auto text = [&](const std::string& p) {
                    std::string t;
                    for (std::size_t i = 0; i < lines.size(); ++i) {
                        if (i == at) t += std::string(pauli) + "_ERROR(" + p + ") " + std::to_string(q) + "\n";
                        t += lines[i] + "\n";
                    }
                    return t;
                };
                // The frame simulator with the fault certain: every shot shows its symptom.
                Program certain = compile(parse_circuit(text("1"), "c.stim"));
                FrameSimulator sim(certain, 512, 7);
                sim.run();
                DemSymptom seen;
                for (std::uint32_t d = 0; d < certain.num_detectors; ++d)
                    if (sim.detectors().row(d)[0] & 1) seen.detectors.push_back(d);
                seen.observables = sim.observables().row(0)[0] & 1;
                DetectorErrorModel m = dem_of(text("0.25"));
                SCOPED_TRACE(text("0.25"));
                if (seen.empty()) {
                    EXPECT_TRUE(m.errors.empty());
                    ++corrected;
                } else {
                    ASSERT_EQ(m.errors.size(), 1u);
                    EXPECT_EQ(m.errors[0].combined(), seen);
                    EXPECT_NEAR(m.errors[0].p, 0.25, 1e-15);
                }
                ++checked;
            }
    EXPECT_EQ(checked, 90);
    // Invisible: every Z fault (a Z-basis memory; 6 places x 5 qubits = 30); an X or Y on an ancilla before its
    // reset (places 1 to 4, 2 ancillas: 8 places x 2 Paulis = 16); and an X or Y on qubit 1 before its parities
    // are copied (place 1: 2), which the CCX corrects. 48 in all.
    EXPECT_EQ(corrected, 48);
}

TEST(ErrorAnalysis, RefusesADetectorWhoseValueIsRandom) {
    try {
        dem_of("R 0\nH 0\nX_ERROR(0.1) 0\nM 0\nDETECTOR rec[-1]\n");
        FAIL();
    } catch (const CircuitError& e) {
        const std::string what = e.what();
        EXPECT_NE(what.find("c.stim:1: detector D0 is not deterministic: it anticommutes with the R of qubit 0"),
                  std::string::npos)
            << what;
    }
    try {
        dem_of("H 0\nM 0\nDETECTOR rec[-1]\n");  // the initial |0> after H: caught at the start
        FAIL();
    } catch (const CircuitError& e) {
        EXPECT_NE(std::string(e.what()).find("D0 is not deterministic"), std::string::npos) << e.what();
    }
}

std::filesystem::path reference_dir() { return testing::source_dir() / ".." / "shared" / "reference" / "stim"; }

/// Stim's fractions of 10^6 shots: detectors, then observables.
std::vector<double> stim_fractions(const std::string& name, double& shots) {
    std::ifstream f(reference_dir() / (name + ".detector_fractions.csv"));
    EXPECT_TRUE(f) << name;
    std::vector<double> out;
    std::string line;
    while (std::getline(f, line)) {
        if (line.rfind("# column", 0) == 0) shots = std::stod(line.substr(line.find("shots=") + 6));
        if (!line.empty() && line[0] != '#') out.push_back(std::stod(line.substr(line.find(',') + 1)));
    }
    return out;
}

class DemAgainstStim : public ::testing::TestWithParam<std::string> {};

// Every detector's and observable's probability, computed exactly from the model, within 5 standard errors of the
// fraction Stim measured in 10^6 shots: the channels' decomposition, the propagation and the merging together.
TEST_P(DemAgainstStim, ExactProbabilitiesMatchStimsSampledFractions) {
    const std::string name = GetParam();
    Circuit c = read_circuit_file((reference_dir() / (name + ".stim")).string());
    DetectorErrorModel m = analyze_errors(c);
    double shots = 0;
    std::vector<double> stim = stim_fractions(name, shots);
    ASSERT_EQ(stim.size(), m.num_detectors + m.num_observables);
    std::vector<double> ours = detector_firing_probabilities(m);
    for (std::uint32_t k = 0; k < m.num_observables; ++k) {
        double keep = 1;
        for (const DemErrorMechanism& e : m.errors)
            if ((e.combined().observables >> k) & 1) keep *= 1 - 2 * e.p;
        ours.push_back(0.5 * (1 - keep));
    }
    double worst = 0;
    for (std::size_t i = 0; i < stim.size(); ++i) {
        const double se = std::sqrt(std::max(ours[i] * (1 - ours[i]), 1e-12) / shots);
        worst = std::max(worst, std::abs(ours[i] - stim[i]) / se);
        EXPECT_LE(std::abs(ours[i] - stim[i]), 5 * se) << name << " column " << i << ": model " << ours[i]
                                                        << ", Stim " << stim[i];
    }
    std::printf("%s: %zu columns, largest deviation %.2f standard errors\n", name.c_str(), stim.size(), worst);
}

TEST_P(DemAgainstStim, DecompositionSplitsEveryErrorIntoGraphlikePartsWithTheSameXor) {
    Circuit c = read_circuit_file((reference_dir() / (GetParam() + ".stim")).string());
    DetectorErrorModel plain = analyze_errors(c);
    DetectorErrorModel split = analyze_errors(c, ErrorAnalysisOptions{true});
    ASSERT_EQ(plain.errors.size(), split.errors.size());
    std::size_t decomposed = 0;
    for (std::size_t i = 0; i < plain.errors.size(); ++i) {
        EXPECT_EQ(split.errors[i].combined(), plain.errors[i].combined());
        EXPECT_EQ(split.errors[i].p, plain.errors[i].p);
        for (const DemSymptom& part : split.errors[i].parts) {
            EXPECT_GE(part.detectors.size(), 1u);
            EXPECT_LE(part.detectors.size(), 2u);
        }
        decomposed += split.errors[i].parts.size() > 1;
    }
    if (GetParam().rfind("surf", 0) == 0) {
        EXPECT_GT(decomposed, 0u);  // Y errors flip both kinds of check
    }
}

// A CCX on three fresh qubits changes nothing but sends the circuit through the forward pass (fault by fault, in
// frame columns, loops run as loops): on these linear circuits it must give the backward pass's model, parts and
// all (probabilities to rounding: the merges run in another order).
TEST_P(DemAgainstStim, ForwardPassEqualsTheBackwardPassOnACircuitWithoutCorrections) {
    std::ifstream f(reference_dir() / (GetParam() + ".stim"));
    const std::string text((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
    const std::uint32_t n = compile(parse_circuit(text, "c.stim")).num_qubits;
    const std::string with_ccx = text + "\nCCX " + std::to_string(n) + " " + std::to_string(n + 1) + " " +
                                 std::to_string(n + 2) + "\n";
    for (bool decompose : {false, true}) {
        DetectorErrorModel backward = dem_of(text, decompose), forward = dem_of(with_ccx, decompose);
        ASSERT_EQ(forward.errors.size(), backward.errors.size());
        for (std::size_t i = 0; i < backward.errors.size(); ++i) {
            ASSERT_EQ(forward.errors[i].parts, backward.errors[i].parts) << i;
            EXPECT_NEAR(forward.errors[i].p, backward.errors[i].p, 1e-15 * backward.errors[i].p) << i;
        }
    }
}

INSTANTIATE_TEST_SUITE_P(Circuits, DemAgainstStim,
                         ::testing::Values("rep_d9_r100_p001", "surf_rot_x_d5_r5_p001", "surf_rot_z_d5_r5_p005"));

TEST(ErrorAnalysis, RefusesToDecomposeAnErrorNoGraphlikeErrorsCanBuild) {
    // One X error flips three detectors and no single error flips any of them alone.
    try {
        dem_of("R 0\nX_ERROR(0.1) 0\nM 0\nDETECTOR rec[-1]\nDETECTOR rec[-1]\nDETECTOR rec[-1]\n", true);
        FAIL();
    } catch (const CircuitError& e) {
        const std::string what = e.what();
        EXPECT_NE(what.find("c.stim:2: X_ERROR: an error here flips D0 D1 D2, which cannot be split"), std::string::npos)
            << what;
    }
}

}  // namespace
}  // namespace qdes::quantum
