// `qdes search`: a small search writes the best rule (a rule file lec_memory runs unchanged), the result file with
// the training curves, every rule scored and the re-evaluation, and the picture; the same seed gives the same
// result; bad input is refused with file:line:column and the key, and nothing is written.

#include <gtest/gtest.h>

#include "tests/support/test_util.h"

namespace qdes::testing {
namespace {

const std::string kSmall =
    " --set agents.budget=12 --set training.shots=128 --set evaluation.shots=256 --set evaluation.max_rounds=4000";

std::string scenario() {
    return (source_dir() / "scenarios" / "search" / "ising_toom_gates.yaml").string();
}

/// Which tables of two result files differ in any value but the wall time of an evaluation (exactly: as reprs).
CommandResult differences(const std::filesystem::path& a, const std::filesystem::path& b) {
    return run_command(
        "/usr/bin/python3 -c \"import h5py,sys\n"
        "def rows(path, n):\n"
        "    t = h5py.File(path)[n][:]\n"
        "    return [tuple(repr(r[k]) for k in t.dtype.names if k != 'seconds') for r in t]\n"
        "print([n for n in ('curve','rules','reevaluation','comparison') if rows(sys.argv[1], n) != rows(sys.argv[2], "
        "n)])"
        "\" " +
        a.string() + " " + b.string());
}

}  // namespace

TEST(Search, WritesTheBestRuleTheResultFileAndThePictureReproduciblyFromTheSeed) {
    TempDir dir;
    const auto a = dir.path() / "a", b = dir.path() / "b";
    CommandResult r = run_qdes("search " + scenario() + kSmall + " --jobs 2 --out " + a.string());
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_NE(r.out.find("tau/reference"), std::string::npos) << r.out;
    for (const char* f : {"ising_toom_gates-search.h5", "ising_toom_gates-best.yaml", "ising_toom_gates-search.png",
                          "ising_toom_gates-reinforce-best.yaml", "ising_toom_gates-random-best.yaml"})
        EXPECT_TRUE(std::filesystem::exists(a / f)) << f;
    // The schema: 12 distinct rules per agent, 3 points x (2 agents' best + the reference) re-evaluated, and a
    // comparison per agent and point; the best rule file is the highest objective among the rules.
    CommandResult check = run_command(
        "/usr/bin/python3 -c \"import h5py,sys,numpy as np; f=h5py.File(sys.argv[1]); "
        "r=f['rules'][:]; c=f['curve'][:]; e=f['reevaluation'][:]; k=f['comparison'][:]; "
        "print(f.attrs['format'], f.attrs['status'], len(r), len(e), len(k)); "
        "print(sorted(set(x.decode() for x in c['agent'])), int(c['evaluations'].max())); "
        "print(np.all(np.diff(c[c['agent']==b'random']['best_so_far']) >= 0)); "
        "print(r['rule'][np.argmax(r['objective'])].decode())\" " +
        (a / "ising_toom_gates-search.h5").string());
    ASSERT_EQ(check.exit_code, 0) << check.err;
    EXPECT_NE(check.out.find("qdes-search completed 24 9 6\n['random', 'reinforce'] 12\nTrue\n"), std::string::npos)
        << check.out;
    const std::string best = read_text(a / "ising_toom_gates-best.yaml");
    EXPECT_NE(best.find("# Found by qdes search"), std::string::npos);
    const std::string body = best.substr(best.find("name:") + best.substr(best.find("name:")).find('\n') + 1);
    EXPECT_NE(check.out.find(body), std::string::npos) << best << "\n---\n" << check.out;

    // lec_memory runs the best rule file as it is.
    const std::string run = dir.write("run.yaml",
                                      "name: learned\nseed: 1\ncomponents:\n  memory: {kind: lec_memory, rule: file, "
                                      "rule_file: a/ising_toom_gates-best.yaml, size: 4, p: 0.01, shots: 64, "
                                      "max_rounds: 200}\n")
                                .string();
    r = run_qdes("run " + run + " -q --out " + dir.path().string());
    EXPECT_EQ(r.exit_code, 0) << r.err;

    // The same seed gives the same tables, with one thread as with two.
    r = run_qdes("search " + scenario() + kSmall + " --jobs 1 --no-plots -q --out " + b.string());
    ASSERT_EQ(r.exit_code, 0) << r.err;
    const CommandResult d = differences(a / "ising_toom_gates-search.h5", b / "ising_toom_gates-search.h5");
    ASSERT_EQ(d.exit_code, 0) << d.err;
    EXPECT_EQ(d.out, "[]\n");
    EXPECT_EQ(read_text(a / "ising_toom_gates-best.yaml"), read_text(b / "ising_toom_gates-best.yaml"));

    // Existing results are kept unless --overwrite.
    r = run_qdes("search " + scenario() + kSmall + " --no-plots -q --out " + b.string());
    EXPECT_EQ(r.exit_code, 2);
    EXPECT_NE(r.err.find("exists; pass --overwrite"), std::string::npos) << r.err;
}

TEST(Search, TheFourDimensionalSearchWritesARuleFileThatLecMemoryRuns) {
    TempDir dir;
    const std::string file = (source_dir() / "scenarios" / "search" / "toric4d_gates.yaml").string();
    CommandResult r =
        run_qdes("search " + file +
                 " --set agents.budget=4 --set training.size=2 --set training.shots=64"
                 " --set training.max_rounds=300 --set evaluation.shots=64 --set evaluation.max_rounds=300"
                 " --set evaluation.points=[] --no-plots -q --out " +
                 dir.path().string());
    ASSERT_EQ(r.exit_code, 0) << r.err;
    const std::string best = read_text(dir.path() / "toric4d_gates-best.yaml");
    EXPECT_NE(best.find("lattice: toric4d\ncorrections:\n  - {if: ["), std::string::npos) << best;
    const std::string run = dir.write("run.yaml",
                                      "name: learned4d\nseed: 1\ncomponents:\n  memory: {kind: lec_memory, rule: "
                                      "toric4d_circuit, rule_file: toric4d_gates-best.yaml, size: 2, p: 0.001, "
                                      "shots: 64, max_rounds: 100}\n")
                                .string();
    r = run_qdes("run " + run + " -q --out " + dir.path().string());
    EXPECT_EQ(r.exit_code, 0) << r.err;
    // A 2D rule file where a 4D one belongs is refused with its file and line.
    const std::string wrong =
        dir.write("wrong.yaml",
                  "name: w\nseed: 1\ncomponents:\n  memory: {kind: lec_memory, rule: toric4d_circuit, "
                  "rule_file: " +
                      (source_dir() / "scenarios/lec/rules/toom.yaml").string() + ", size: 2, p: 0.001}\n")
            .string();
    r = run_qdes("run " + wrong + " -q --out " + dir.path().string());
    EXPECT_EQ(r.exit_code, 2);
    EXPECT_NE(r.err.find("toom.yaml:5:1: lattice: a 4D rule file says lattice: toric4d"), std::string::npos) << r.err;
}

TEST(Search, CtrlCStopsAfterTheIterationAndKeepsWhatWasScored) {
    TempDir dir;
    const std::string qdes = (binary_dir() / "bin" / "qdes").string();
    const std::string out = dir.path().string(), err = (dir.path() / "err").string();
    // A budget that would take hours; SIGINT once the first iteration has reported.
    const CommandResult r = run_command("bash -c '" + qdes + " search " + scenario() +
                                        " --progress --no-plots --set agents.run=[random] --set agents.budget=1000000 "
                                        "--set agents.max_iterations=1000000"
                                        " --out " +
                                        out + " 2> " + err + " & run=$!; for i in $(seq 1000); do grep -q iteration " +
                                        err + " && break; sleep 0.01; done; kill -INT $run; wait $run'");
    EXPECT_EQ(r.exit_code, 1) << read_text(err);
    EXPECT_NE(read_text(err).find("qdes search: interrupted;"), std::string::npos) << read_text(err);
    const CommandResult check = run_command(
        "/usr/bin/python3 -c \"import h5py,sys; f=h5py.File(sys.argv[1]); "
        "print(f.attrs['status'], len(f['rules']) > 0, len(f['reevaluation']), len(f['comparison']))\" " +
        (dir.path() / "ising_toom_gates-search.h5").string());
    EXPECT_EQ(check.out, "interrupted True 0 0\n") << check.err;
    EXPECT_NE(read_text(dir.path() / "ising_toom_gates-best.yaml").find(", interrupted)"), std::string::npos);
}

TEST(Search, EverySearchScenarioOfTheLibraryChecksAndHoldsToomsRule) {
    std::size_t checked = 0;
    for (const auto& entry : std::filesystem::directory_iterator(source_dir() / "scenarios" / "search")) {
        if (entry.path().extension() != ".yaml") continue;
        const CommandResult r = run_qdes("search --check " + entry.path().string());
        EXPECT_EQ(r.exit_code, 0) << entry.path() << ": " << r.err;
        EXPECT_NE(r.out.find("Toom's rule lies in the space"), std::string::npos) << r.out;
        ++checked;
    }
    EXPECT_GE(checked, 2u);
}

TEST(Search, BadInputNamesTheFileLineAndKeyAndWritesNothing) {
    TempDir dir;
    struct Case {
        const char* text;
        const char* message;
    } cases[] = {
        {"name: s\ngates: [CX, CCX]\nspace:\n  max_ancilas: 2\nnoise: {p: 0.01}\n",
         ":4:3: space.max_ancilas: unknown key (did you mean \"max_ancillas\"?)"},
        {"name: s\ngates: [CX, CCZ]\nnoise: {p: 0.01}\n",
         ":2:13: gates[1]: unknown gate 'CCZ' (did you mean \"CCX\"?)"},
        {"name: s\ngates: [CX, CCX]\nnoise: {p: 1.5}\n", ":3:12: noise.p: must be in [0, 1], got 1.5"},
        {"name: s\ngates: [CCX]\nnoise: {p: 0.01}\n", "gates: needs CX"},
        {"name: s\ngates: [CX]\nspace: {hierarchical: true}\nnoise: {p: 0.01}\n",
         "space.hierarchical: needs CCX or MCX"},
        {"name: s\ngates: [CX, CCX]\nnoise: {p: 0.01}\nagents: {run: [reinforce, annealing]}\n",
         ":4:27: agents.run[1]: unknown agent 'annealing'"},
        {"name: s\ngates: [CX, CCX]\nnoise: {p: 0.01}\ntraining: {size: 2}\n",
         "training.size: must be at least 2 space.radius + 1 = 3"},
    };
    for (const Case& c : cases) {
        const std::string file = dir.write("bad.yaml", c.text).string();
        const CommandResult r = run_qdes("search " + file + " --out " + (dir.path() / "out").string());
        EXPECT_EQ(r.exit_code, 2) << c.text;
        EXPECT_NE(r.err.find(file + (c.message[0] == ':' ? "" : ":")), std::string::npos) << r.err;
        EXPECT_NE(r.err.find(c.message), std::string::npos) << r.err;
        EXPECT_FALSE(std::filesystem::exists(dir.path() / "out" / "s-search.h5"));
    }
    const CommandResult r = run_qdes("search " + scenario() + " --set agents.budgt=3 --out " + dir.path().string());
    EXPECT_EQ(r.exit_code, 2);
    EXPECT_NE(r.err.find("agents.budgt: unknown key (did you mean \"budget\"?)"), std::string::npos) << r.err;
}

}  // namespace qdes::testing
