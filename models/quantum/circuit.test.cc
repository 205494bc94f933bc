// Parsing, printing, counting and compiling circuits in Stim's text format, and the errors bad circuits get.

#include "models/quantum/circuit.h"

#include <gtest/gtest.h>

#include "models/quantum/program.h"
#include "tests/support/test_util.h"

namespace qdes::quantum {
namespace {

std::string error_of(const std::string& text) {
    try {
        compile(parse_circuit(text, "c.stim"));
    } catch (const CircuitError& e) {
        return e.what();
    }
    return "(no error)";
}

std::string read_circuit_file_error(const std::string& path) {
    try {
        read_circuit_file(path);
    } catch (const CircuitError& e) {
        return e.what();
    }
    return "(no error)";
}

TEST(Circuit, ReferenceCircuitsPrintAndParseBackUnchanged) {
    for (const char* name : {"rep_d9_r100_p001", "surf_rot_x_d5_r5_p001", "surf_rot_z_d5_r5_p005"}) {
        auto path = testing::source_dir() / ".." / "shared" / "reference" / "stim" / (std::string(name) + ".stim");
        Circuit c = read_circuit_file(path.string());
        std::string text = c.to_text();
        EXPECT_EQ(parse_circuit(text).to_text(), text) << name;
    }
}

TEST(Circuit, CountsFollowLoops) {
    Circuit c = parse_circuit(
        "R 0 1 2\n"
        "REPEAT 3 {\n"
        "  CX 0 1 2 1\n"
        "  MR 1\n"
        "  DETECTOR rec[-1]\n"
        "  REPEAT 2 {\n"
        "    H 0\n"
        "    TICK\n"
        "  }\n"
        "}\n"
        "M 0 2\n"
        "OBSERVABLE_INCLUDE(2) rec[-1]\n");
    EXPECT_EQ(c.num_qubits(), 3u);
    EXPECT_EQ(c.num_measurements(), 3u * 1 + 2);
    EXPECT_EQ(c.num_detectors(), 3u);
    EXPECT_EQ(c.num_observables(), 3u);
    // R: 3, per iteration 2 CX + 1 MR + 2 H, final M: 2.
    EXPECT_EQ(c.num_gate_applications(), 3u + 3 * (2 + 1 + 2) + 2);
    Program p = compile(c);
    EXPECT_EQ(p.num_layers, 3u * 2 + 1);
    EXPECT_EQ(p.max_lookback, 1u);
}

TEST(Circuit, AcceptsStimAliasesCommentsTagsAndLowerCase) {
    Circuit c = parse_circuit("cnot 0 1  # a comment\nZCZ 1 2\nX_ERROR[tag](0.25) 0\nmz !0\n");
    ASSERT_EQ(c.top().size(), 4u);
    EXPECT_EQ(c.top()[0].gate, Gate::kCX);
    EXPECT_EQ(c.top()[1].gate, Gate::kCZ);
    EXPECT_DOUBLE_EQ(c.top()[2].args[0], 0.25);
    EXPECT_TRUE(c.top()[3].targets[0].inverted);
}

TEST(Circuit, ErrorsNameTheFileLineAndProblem) {
    EXPECT_EQ(error_of("H 0\nCXX 0 1\n"), "c.stim:2: unknown instruction 'CXX' (did you mean \"CX\"?)");
    EXPECT_NE(error_of("MPP X0*X1\n").find("c.stim:1: instruction MPP is valid Stim but not supported by qdes"),
              std::string::npos);
    EXPECT_EQ(error_of("R 0\nCX 0 1 2\n"), "c.stim:2: CX: takes qubits in pairs, got 3 targets");
    EXPECT_EQ(error_of("CX 1 1\n"), "c.stim:1: CX: pair acts twice on qubit 1");
    EXPECT_EQ(error_of("X_ERROR 0\n"), "c.stim:1: X_ERROR: takes 1 parenthesised argument, got 0");
    EXPECT_EQ(error_of("X_ERROR(1.5) 0\n"), "c.stim:1: X_ERROR: probability 1.5 is outside [0, 1]");
    EXPECT_EQ(error_of("X_ERROR(abc) 0\n"), "c.stim:1: X_ERROR: argument 'abc' is not a number");
    EXPECT_EQ(error_of("REPEAT 2 {\nH 0\n"), "c.stim:1: REPEAT block is never closed with '}'");
    EXPECT_EQ(error_of("H 0\n}\n"), "c.stim:2: '}' without a matching 'REPEAT N {'");
    EXPECT_EQ(error_of("REPEAT 0 {\nH 0\n}\n"), "c.stim:1: REPEAT count '0' is not a whole number of at least 1");
    EXPECT_EQ(error_of("M 0\nDETECTOR rec[-2]\n"),
              "c.stim:2: DETECTOR: rec[-2] reaches before the first measurement (only 1 measurements precede it)");
    EXPECT_EQ(error_of("DETECTOR 3\n"), "c.stim:1: DETECTOR: takes rec[-k] targets, not qubit 3");
    EXPECT_EQ(error_of("H rec[-1]\n"), "c.stim:1: H: takes qubit targets, not rec[-1]");
    EXPECT_EQ(error_of("CCX 0 1\n"),
              "c.stim:1: CCX: takes qubits in groups of three (control, control, target), got 2 targets");
    EXPECT_EQ(error_of("MCX 0 1 0\n"), "c.stim:1: MCX: gate acts twice on qubit 0");
    EXPECT_EQ(error_of("H x\n"), "c.stim:1: H: target 'x' is not a qubit index or rec[-k]");
    EXPECT_EQ(read_circuit_file_error("/nonexistent/c.stim"), "/nonexistent/c.stim: cannot open the circuit file");
}

}  // namespace
}  // namespace qdes::quantum
