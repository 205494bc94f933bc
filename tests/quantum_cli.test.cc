// End-to-end tests of the quantum commands: `qdes detect` output formats and errors, `qdes run` on a circuit file
// and on the quantum scenario library.

#include <gtest/gtest.h>

#include <sstream>

#include "models/quantum/shot_format.h"
#include "tests/support/test_util.h"

namespace qdes::testing {
namespace {

const char* kFixedCircuit =
    "R 0 1 2\n"
    "X_ERROR(1) 1\n"
    "M 0 1 2\n"
    "DETECTOR rec[-1]\n"
    "DETECTOR rec[-2]\n"
    "DETECTOR rec[-3]\n"
    "OBSERVABLE_INCLUDE(0) rec[-2] rec[-3]\n";

std::filesystem::path stim_reference(const std::string& name) {
    return source_dir() / ".." / "shared" / "reference" / "stim" / (name + ".stim");
}

}  // namespace

TEST(Detect, WritesStimsFormatsExactly) {
    TempDir dir;
    auto circuit = dir.write("fixed.stim", kFixedCircuit);
    // Detectors D0 = q2, D1 = q1 (always flipped), D2 = q0, then L0 = q1 xor q0.
    CommandResult r = run_qdes("detect " + circuit.string() + " --shots 3 --out " + (dir.path() / "a.01").string());
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(read_text(dir.path() / "a.01"), "0101\n0101\n0101\n");
    r = run_qdes("detect " + circuit.string() + " --shots 3 --out-format b8 --out " + (dir.path() / "a.b8").string());
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(read_text(dir.path() / "a.b8"), std::string("\x0a\x0a\x0a"));
    EXPECT_FALSE(std::filesystem::exists(dir.path() / "a.b8.partial"));
}

TEST(Detect, BothFormatsCarryTheSameShotsForTheSameSeed) {
    TempDir dir;
    std::string circuit = stim_reference("surf_rot_x_d5_r5_p001").string();
    for (const char* f : {"01", "b8"}) {
        CommandResult r = run_qdes("detect " + circuit + " --shots 5000 --seed 9 --out-format " + f + " --out " +
                                   (dir.path() / (std::string("s.") + f)).string());
        ASSERT_EQ(r.exit_code, 0) << r.err;
    }
    const std::size_t bits = 120 + 1;  // 120 detectors, 1 observable
    auto a = quantum::read_shots(read_text(dir.path() / "s.01"), bits, quantum::ShotFormat::k01);
    auto b = quantum::read_shots(read_text(dir.path() / "s.b8"), bits, quantum::ShotFormat::kB8);
    ASSERT_EQ(a.size(), 5000u);
    EXPECT_EQ(a, b);
    std::size_t fired = 0;
    for (const auto& shot : a)
        for (std::size_t i = 0; i < 120; ++i) fired += shot[i];
    // Stim: 1.797 detection events per shot; 5000 shots give about 2% standard error.
    EXPECT_NEAR(double(fired) / 5000, 1.797, 0.15);
}

TEST(Detect, TheFileDoesNotDependOnTheThreadCount) {
    // 20 batches of 512 shots: batch k runs on the random stream (seed, k), on whichever thread, written in order.
    TempDir dir;
    const std::string circuit = stim_reference("surf_rot_z_d5_r5_p005").string();
    std::vector<std::string> files;
    for (const char* threads : {"1", "2", "3", "7"}) {
        const auto path = dir.path() / (std::string("t") + threads + ".b8");
        CommandResult r = run_qdes("detect " + circuit + " --shots 10000 --batch 512 --seed 4 --out-format b8 " +
                                   "--threads " + threads + " --out " + path.string());
        ASSERT_EQ(r.exit_code, 0) << r.err;
        files.push_back(read_text(path));
    }
    ASSERT_EQ(files[0].size(), 10000u * ((121 + 7) / 8));
    for (std::size_t i = 1; i < files.size(); ++i) EXPECT_TRUE(files[i] == files[0]) << "file " << i;
    // Different batches get different streams: no two of the first batches are equal.
    EXPECT_NE(files[0].substr(0, 512 * 16), files[0].substr(512 * 16, 512 * 16));
    CommandResult r = run_qdes("detect " + circuit + " --shots 10 --threads 0 --out " + (dir.path() / "x").string());
    EXPECT_EQ(r.exit_code, 2);
    EXPECT_EQ(r.err, "qdes detect: --threads must be at least 1\n");
}

TEST(Detect, BadInputGetsOneMessageExitTwoAndNoFile) {
    TempDir dir;
    auto out = dir.path() / "o.01";
    auto bad = dir.write("bad.stim", "R 0\nH 0\nMPP X0*X1\n");
    CommandResult r = run_qdes("detect " + bad.string() + " --shots 10 --out " + out.string());
    EXPECT_EQ(r.exit_code, 2);
    EXPECT_NE(r.err.find("bad.stim:3: instruction MPP is valid Stim but not supported by qdes"), std::string::npos)
        << r.err;
    auto ccx = dir.write("ccx.stim", "R 0 1 2\nH 0\nCCX 0 1 2\n");
    r = run_qdes("detect " + ccx.string() + " --shots 10 --out " + out.string());
    EXPECT_EQ(r.exit_code, 2);
    EXPECT_NE(r.err.find("ccx.stim:3: CCX: qubit 0 does not hold a definite computational-basis value"),
              std::string::npos)
        << r.err;
    auto good = dir.write("good.stim", kFixedCircuit);
    r = run_qdes("detect " + good.string() + " --out " + out.string());
    EXPECT_EQ(r.exit_code, 2);
    EXPECT_EQ(r.err, "qdes detect: --shots is required\n");
    r = run_qdes("detect " + good.string() + " --shots 4 --out-format hex --out " + out.string());
    EXPECT_EQ(r.exit_code, 2);
    EXPECT_EQ(r.err, "qdes detect: --out-format: unknown output format 'hex' (known: 01, b8)\n");
    r = run_qdes("detect " + good.string() + " --shots 4 --noise gate_flip --p 0.1 --out " + out.string());
    EXPECT_EQ(r.exit_code, 2);
    EXPECT_NE(r.err.find("unknown noise model 'gate_flip'"), std::string::npos) << r.err;
    EXPECT_FALSE(std::filesystem::exists(out));
}

TEST(Detect, NoiseModelOptionAddsNoise) {
    TempDir dir;
    auto good = dir.write("good.stim", kFixedCircuit);
    auto out = dir.path() / "n.01";
    CommandResult r =
        run_qdes("detect " + good.string() + " --shots 20000 --noise gate_bitflip --p 0 --q 0.25 --out " + out.string());
    ASSERT_EQ(r.exit_code, 0) << r.err;
    auto shots = quantum::read_shots(read_text(out), 4, quantum::ShotFormat::k01);
    double d0 = 0;
    for (const auto& s : shots) d0 += s[0];
    // Each measurement flips with q = 0.25: 20000 shots give a standard error of 0.0031; allow 5.
    EXPECT_NEAR(d0 / 20000, 0.25, 5 * 0.0031);
}

TEST(RunCircuit, StimFileRunsAsAScenarioAndWritesDetectionEvents) {
    TempDir dir;
    CommandResult r = run_qdes("run " + stim_reference("rep_d9_r100_p001").string() +
                               " --set components.memory.shots=4096 --no-progress --out " + dir.path().string());
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_NE(r.out.find("memory.detection_events_per_shot"), std::string::npos) << r.out;
    auto file = dir.path() / "rep_d9_r100_p001.h5";
    CommandResult check = run_command("/usr/bin/python3 " + (source_dir() / "tests/check_run_file.py").string() + " " +
                                      file.string() + " --expect-status completed");
    EXPECT_EQ(check.out, "schema ok\n") << check.out << check.err;
    // The detection events table holds one row per event; Stim's mean is 6.700 per shot (SE here ~0.04).
    CommandResult rows = run_command(
        "/usr/bin/python3 -c \"import h5py,sys; f=h5py.File(sys.argv[1]); t=f['trace/memory.detection_events']; "
        "print(len(t), t['shot'].max(), t['detector'].max(), t['time_ps'].min())\" " + file.string());
    ASSERT_EQ(rows.exit_code, 0) << rows.err;
    double n = 0, max_shot = 0, max_det = 0, min_t = 0;
    ASSERT_EQ(std::sscanf(rows.out.c_str(), "%lf %lf %lf %lf", &n, &max_shot, &max_det, &min_t), 4) << rows.out;
    EXPECT_NEAR(n / 4096, 6.70, 0.25);
    EXPECT_EQ(max_shot, 4095);
    EXPECT_EQ(max_det, 807);  // 808 detectors
    EXPECT_GT(min_t, 0);
}

TEST(RunCircuit, QuantumMemoryResultsDoNotDependOnItsThreads) {
    // 9 batches of 512 shots simulated ahead on 1, 2 and 4 worker threads: batch k runs on a random stream of its
    // own, so the statistics and the detection events table (shots, detectors, times) are the same.
    TempDir dir;
    std::vector<std::string> stats, tables;
    for (const char* threads : {"1", "2", "4"}) {
        const auto out = dir.path() / threads;
        CommandResult r = run_qdes("run " + stim_reference("surf_rot_x_d5_r5_p001").string() +
                                   " --set components.memory.shots=4500 --set components.memory.batch=512" +
                                   " --set components.memory.threads=" + threads + " --no-progress --out " +
                                   out.string());
        ASSERT_EQ(r.exit_code, 0) << r.err;
        const std::size_t from = r.out.find("memory."), to = r.out.find("output:");
        stats.push_back(r.out.substr(from, to - from));  // the statistics, without the output path
        CommandResult t = run_command(
            "/usr/bin/python3 -c \"import h5py,sys,hashlib; t=h5py.File(sys.argv[1])['trace/memory.detection_events'][:]; "
            "print(len(t), hashlib.sha256(t.tobytes()).hexdigest())\" " +
            (out / "surf_rot_x_d5_r5_p001.h5").string());
        ASSERT_EQ(t.exit_code, 0) << t.err;
        tables.push_back(t.out);
    }
    EXPECT_EQ(stats[1], stats[0]);
    EXPECT_EQ(stats[2], stats[0]);
    EXPECT_EQ(tables[1], tables[0]);
    EXPECT_EQ(tables[2], tables[0]);
    // Stim: 1.797 detection events per shot (the x-basis reference at p = 0.001); 4500 shots, SE about 0.02.
    double rows = 0;
    ASSERT_EQ(std::sscanf(tables[0].c_str(), "%lf", &rows), 1);
    EXPECT_NEAR(rows / 4500, 1.797, 0.12);
}

TEST(RunCircuit, MissingCircuitIsOneError) {
    TempDir dir;
    CommandResult r = run_qdes("run " + (dir.path() / "none.stim").string() + " --out " + dir.path().string());
    EXPECT_EQ(r.exit_code, 2);
    EXPECT_NE(r.err.find("none.stim: cannot open the circuit file"), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("1 error; nothing was run"), std::string::npos) << r.err;
}

TEST(RunCircuit, ConflictingQuantumMemoryParametersAreErrorsAtTheComponent) {
    const auto lib = source_dir() / "scenarios" / "quantum";
    struct Case {
        std::string file, sets, message;
    };
    for (const Case& c : std::vector<Case>{
             {"toric2d_memory.yaml", "--set components.memory.code=toric4d --set components.memory.size=100",
              "toric2d_memory.yaml:9:3: components.memory: toric4d(L=100) would need 1400000000 qubits"},
             {"toom_ising_l32.yaml", "--set components.memory.lec=none --set components.memory.basis=X",
              "toom_ising_l32.yaml:9:3: components.memory: basis X needs a code with X checks"},
             {"surface_d5.yaml", "--set components.memory.lec=toom",
              "surface_d5.yaml:12:3: components.memory: lec builds its own circuit"},
             {"surface_d5.yaml", "--set components.memory.code=toric2d",
              "components.memory: give either circuit (a file) or code (a builder), not both"},
             {"toric2d_memory.yaml", "--set components.memory.noise=none",
              "components.memory: p, q and idle need a noise model"},
         }) {
        CommandResult r = run_qdes("validate " + (lib / c.file).string() + " " + c.sets);
        EXPECT_EQ(r.exit_code, 2) << c.sets;
        EXPECT_NE(r.err.find(c.message), std::string::npos) << c.sets << ": " << r.err;
        EXPECT_NE(r.err.find("1 error; nothing was run"), std::string::npos) << r.err;
    }
}

TEST(RunCircuit, QuantumScenarioLibraryValidates) {
    for (const char* s : {"scenarios/quantum/surface_d5.yaml", "scenarios/quantum/toom_ising_l32.yaml",
                          "scenarios/quantum/toric2d_memory.yaml"}) {
        CommandResult r = run_qdes("validate " + (source_dir() / s).string());
        EXPECT_EQ(r.exit_code, 0) << s << ": " << r.err;
    }
}

// A memory decoded by the example SystemC/TLM-2.0 decoder model (hardware/systemc/models/tlm_union_find.cc: the
// union-find behind a target socket, 80 ns + 16 ns per defect) prints the same statistics, but the CPU time, as the
// built-in union-find under the linear latency model with those constants: the same corrections, the same
// latencies, so the same stalls, backlog and failures. An unknown model is refused at the component's line.
TEST(RunReadoutMemory, ASystemCDecoderModelStandsInForTheBuiltinOne) {
    TempDir dir;
    const std::string scenario = (source_dir() / "scenarios/qec/decoder_latency_backlog.yaml").string();
    const auto printed = [&](const std::string& sets, const std::string& out) {
        const CommandResult r = run_qdes("run " + scenario + " --no-progress --set components.memory.shots=400 " +
                                         sets + " --overwrite --out " + (dir.path() / out).string());
        EXPECT_EQ(r.exit_code, 0) << r.err;
        std::string kept;  // without wall-clock, CPU and output lines
        std::istringstream lines(r.out);
        for (std::string line; std::getline(lines, line);)
            if (line.find("wall") == std::string::npos && line.find("decode_cpu") == std::string::npos &&
                line.rfind("output:", 0) != 0)
                kept += line + "\n";
        return kept;
    };
    const std::string model = printed("--set components.memory.decoder=model "
                                      "--set components.memory.decoder_model=tlm_union_find", "model");
    EXPECT_NE(model.find("memory.decode_latency"), std::string::npos) << model;
    EXPECT_EQ(model, printed("--set components.memory.latency=linear --set 'components.memory.decode_time=80 ns' "
                             "--set 'components.memory.decode_time_per_defect=16 ns'", "builtin"));
    const CommandResult bad = run_qdes("run " + scenario + " --set components.memory.decoder=model "
                                       "--set components.memory.decoder_model=nope --out " + (dir.path() / "b").string());
    EXPECT_EQ(bad.exit_code, 2);
    EXPECT_NE(bad.err.find("decoder_latency_backlog.yaml:13:3: components.memory: decoder_model: no decoder model "
                           "\"nope\" (known: tlm_union_find)"),
              std::string::npos)
        << bad.err;
}

}  // namespace qdes::testing
