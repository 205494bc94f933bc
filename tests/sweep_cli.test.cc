// `qdes sweep`: points run as separate processes, one file each, a campaign table, skipping of finished points.

#include <gtest/gtest.h>

#include "tests/support/test_util.h"

namespace qdes::testing {
namespace {

const char* kSweep =
    "name: tiny\n"
    "seed: 3\n"
    "components:\n"
    "  memory: {kind: lec_memory, rule: toom_automaton, size: 3, p: 0.05, max_rounds: 300, shots: 256}\n"
    "sweep:\n"
    "  grid:\n"
    "    components.memory.size: [3, 4]\n"
    "    components.memory.p: [0.05, 0.08]\n";

CommandResult campaign_rows(const std::filesystem::path& campaign) {
    return run_command(
        "/usr/bin/python3 -c \"import h5py,sys,json; f=h5py.File(sys.argv[1]); "
        "print(f.attrs['format'].decode() if isinstance(f.attrs['format'], bytes) else f.attrs['format']); "
        "[print(int(r['index']), r['status'].decode(), r['file'].decode(), json.loads(r['values'])) for r in f['points'][:]]; "
        "print(sum(1 for r in f['results'][:] if r['statistic'].decode() == 'memory.lifetime_rounds'))\" " +
        campaign.string());
}

}  // namespace

TEST(Sweep, RunsEveryPointWritesTheCampaignAndSkipsFinishedPoints) {
    TempDir dir;
    auto file = dir.write("tiny.yaml", kSweep);
    const std::string out = (dir.path() / "out").string();
    CommandResult r = run_qdes("sweep " + file.string() + " --jobs 2 --no-progress --out " + out);
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_NE(r.out.find("4 points: 4 run, 0 already complete, 0 failed or interrupted"), std::string::npos) << r.out;
    for (const char* p : {"tiny-p0000.h5", "tiny-p0001.h5", "tiny-p0002.h5", "tiny-p0003.h5"})
        EXPECT_TRUE(std::filesystem::exists(dir.path() / "out" / p)) << p;
    CommandResult rows = campaign_rows(dir.path() / "out" / "tiny-campaign.h5");
    ASSERT_EQ(rows.exit_code, 0) << rows.err;
    EXPECT_EQ(rows.out,  // the values object has sorted keys (canonical JSON)
              "qdes-campaign\n"
              "0 completed tiny-p0000.h5 {'components.memory.p': '0.05', 'components.memory.size': '3'}\n"
              "1 completed tiny-p0001.h5 {'components.memory.p': '0.08', 'components.memory.size': '3'}\n"
              "2 completed tiny-p0002.h5 {'components.memory.p': '0.05', 'components.memory.size': '4'}\n"
              "3 completed tiny-p0003.h5 {'components.memory.p': '0.08', 'components.memory.size': '4'}\n"
              "4\n");
    // The wide summary in one pandas call, swept values as numbers, each lifetime equal to the long results table's;
    // and /runs links every point's run file (opened from another directory).
    const CommandResult pandas = run_command(
        "cd / && /usr/bin/python3 -c \"import h5py,pandas,sys; f=h5py.File(sys.argv[1]); "
        "df=pandas.DataFrame(f['summary'][:]); "
        "long={int(r['point']): float(r['value']) for r in f['results'][:] "
        "if r['statistic'].decode()=='memory.lifetime_rounds'}; "
        "print(len(df), list(df['components.memory.size']), list(df['components.memory.p'])); "
        "print(all(df['memory.lifetime_rounds'][i] == long[i] for i in range(len(df)))); "
        "print([f['runs'][k].attrs['status'] for k in sorted(f['runs'].keys())])\" " +
        (dir.path() / "out" / "tiny-campaign.h5").string());
    ASSERT_EQ(pandas.exit_code, 0) << pandas.err;
    EXPECT_EQ(pandas.out,
              "4 [3.0, 3.0, 4.0, 4.0] [0.05, 0.08, 0.05, 0.08]\nTrue\n"
              "['completed', 'completed', 'completed', 'completed']\n");
    // Again: nothing to do. With another value for every point: everything again.
    r = run_qdes("sweep " + file.string() + " --no-progress --out " + out);
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_NE(r.out.find("4 points: 0 run, 4 already complete"), std::string::npos) << r.out;
    r = run_qdes("sweep " + file.string() + " --dry-run --set components.memory.shots=128 --out " + out);
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_NE(r.out.find("tiny-p0000  to run   components.memory.size=3, components.memory.p=0.05"), std::string::npos)
        << r.out;
    // Each point file is a normal run file: the point's values are in its resolved scenario.
    CommandResult inspect = run_qdes("inspect " + (dir.path() / "out" / "tiny-p0003.h5").string());
    EXPECT_NE(inspect.out.find("size: 4"), std::string::npos) << inspect.out;
}

TEST(Report, ThresholdDEffJsonAndPlotsFromACampaign) {
    TempDir dir;
    std::string text = kSweep;
    text.replace(text.find("sweep:"), 0, "record:\n  trace: [memory.failures, memory.fidelity, memory.history]\n");
    auto file = dir.write("tiny.yaml", text);
    const auto out = dir.path() / "out";
    ASSERT_EQ(run_qdes("sweep " + file.string() + " -q --jobs 2 --out " + out.string()).exit_code, 0);
    CommandResult r = run_qdes("report " + (out / "tiny-campaign.h5").string());
    ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
    EXPECT_NE(r.out.find("memory.lifetime_rounds against components.memory.p, one curve per components.memory.size"),
              std::string::npos)
        << r.out;
    EXPECT_NE(r.out.find("components.memory.size=3: D_eff = "), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("tau crossing between components.memory.size=3 and 4"), std::string::npos) << r.out;
    // The automaton at q = 0.05 and 0.08 is below its threshold: even tau / L is higher for the larger lattice.
    EXPECT_NE(r.out.find("tau/size crossing between components.memory.size=3 and 4: none in the swept range (the "
                         "larger components.memory.size is higher everywhere)"),
              std::string::npos)
        << r.out;
    EXPECT_NE(r.out.find("components.memory.size=4: D_eff = "), std::string::npos) << r.out;
    EXPECT_NE(r.out.find(" from 2 points (no threshold found: all of them)"), std::string::npos) << r.out;
    std::string json = read_text(out / "tiny-campaign-report.json");
    EXPECT_NE(json.find("\"statistic\": \"memory.lifetime_rounds\""), std::string::npos) << json;
    EXPECT_NE(json.find("\"thresholds\""), std::string::npos) << json;
    EXPECT_NE(json.find("\"thresholds_per_size\""), std::string::npos) << json;
    for (const char* png : {"tiny-campaign-tau.png", "tiny-campaign-failures.png", "tiny-campaign-deff.png",
                            "tiny-campaign-fidelity.png", "tiny-campaign-history.png"}) {
        ASSERT_TRUE(std::filesystem::exists(out / png)) << png;
        EXPECT_EQ(read_text(out / png).substr(1, 3), "PNG") << png;
    }
    r = run_qdes("report " + (out / "tiny-campaign.h5").string() + " --statistic memory.nothing --no-plots");
    EXPECT_EQ(r.exit_code, 2);
    EXPECT_NE(r.err.find("no estimate \"memory.nothing\" in the campaign (estimates: "), std::string::npos) << r.err;
    r = run_qdes("report " + (out / "tiny-p0000.h5").string());
    EXPECT_EQ(r.exit_code, 2);
    EXPECT_NE(r.err.find("not a qdes campaign file"), std::string::npos) << r.err;
}

TEST(Report, AFailureProbabilityCrossesWhereItsInverseWould) {
    // Union-find on the toric code with perfect syndromes (threshold about 9.9%, Delfosse and Nickerson): the
    // failure probabilities of L = 8 and 16 cross between p = 0.08 and 0.12. A failure probability is compared as
    // its inverse, so the crossing is found although lower is better.
    TempDir dir;
    auto file = dir.write("cc.yaml",
                          "name: cc\nseed: 1\ncomponents:\n"
                          "  memory: {kind: decoding_memory, size: 8, noise: code_capacity, p: 0.1, shots: 4000}\n"
                          "sweep:\n  grid:\n    components.memory.size: [8, 16]\n"
                          "    components.memory.p: [0.08, 0.09, 0.11, 0.12]\n");
    const auto out = dir.path() / "out";
    ASSERT_EQ(run_qdes("sweep " + file.string() + " -q --jobs 2 --out " + out.string()).exit_code, 0);
    CommandResult r =
        run_qdes("report " + (out / "cc-campaign.h5").string() + " --statistic memory.logical_error --no-plots");
    ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
    const std::string key = "logical_error crossing between components.memory.size=8 and 16: components.memory.p = ";
    const std::size_t at = r.out.find(key);
    ASSERT_NE(at, std::string::npos) << r.out;
    const double p = std::stod(r.out.substr(at + key.size()));
    EXPECT_GT(p, 0.085);
    EXPECT_LT(p, 0.115);
    EXPECT_EQ(r.out.find("tau/size"), std::string::npos) << r.out;  // no per-size crossing for a probability
}

TEST(Sweep, BadPointsAreReportedBeforeAnythingRuns) {
    TempDir dir;
    std::string text = kSweep;
    text.replace(text.find("[0.05, 0.08]"), 12, "[0.05, 1.5]");
    auto file = dir.write("bad.yaml", text);
    CommandResult r = run_qdes("sweep " + file.string() + " --out " + (dir.path() / "out").string());
    EXPECT_EQ(r.exit_code, 2);
    EXPECT_NE(r.err.find("sweep point 1 (components.memory.size=3, components.memory.p=1.5)"), std::string::npos)
        << r.err;
    EXPECT_NE(r.err.find("2 sweep points invalid; nothing was run"), std::string::npos) << r.err;
    EXPECT_FALSE(std::filesystem::exists(dir.path() / "out"));
    auto plain = dir.write("plain.yaml", "components:\n  memory: {kind: lec_memory, p: 0.01}\n");
    r = run_qdes("sweep " + plain.string());
    EXPECT_EQ(r.exit_code, 2);
    EXPECT_NE(r.err.find("no sweep: block to run"), std::string::npos) << r.err;
}

}  // namespace qdes::testing

namespace qdes::testing {
namespace {

/// The campaign's results, one line per point and statistic (values printed exactly).
CommandResult campaign_results(const std::filesystem::path& campaign) {
    return run_command(
        "/usr/bin/python3 -c \"import h5py,sys; f=h5py.File(sys.argv[1]); "
        "[print(int(r['point']), r['statistic'].decode(), repr(float(r['value'])), repr(float(r['std_error']))) "
        "for r in sorted(f['results'][:], key=lambda r: (int(r['point']), r['statistic']))]\" " +
        campaign.string());
}

/// `qdes sweep ARGS --mpi` under `mpirun --oversubscribe -n RANKS` (Open MPI; root allowed, as on CI machines).
/// LeakSanitizer is off for it: Open MPI keeps allocations to its exit on purpose.
CommandResult run_mpi_sweep(int ranks, const std::string& args) {
    return run_command(
        "env OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 ASAN_OPTIONS=detect_leaks=0 "
        "mpirun --oversubscribe -n " +
        std::to_string(ranks) + " " + (binary_dir() / "bin" / "qdes").string() + " sweep " + args + " --mpi");
}

}  // namespace

TEST(Sweep, ListCountShardsAndArrayIndicesGiveTheSerialCampaign) {
    TempDir dir;
    const std::string file = dir.write("tiny.yaml", kSweep).string();
    CommandResult r = run_qdes("sweep " + file + " --count");
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(r.out, "4\n");
    r = run_qdes("sweep " + file + " --list");
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(r.out,
              "0\tcomponents.memory.size=3, components.memory.p=0.05\n"
              "1\tcomponents.memory.size=3, components.memory.p=0.08\n"
              "2\tcomponents.memory.size=4, components.memory.p=0.05\n"
              "3\tcomponents.memory.size=4, components.memory.p=0.08\n");
    const auto serial = dir.path() / "serial", sharded = dir.path() / "sharded", single = dir.path() / "single";
    ASSERT_EQ(run_qdes("sweep " + file + " -q --jobs 1 --out " + serial.string()).exit_code, 0);
    // Shard 0 of 2 runs points 0 and 2; the campaign it leaves says the others are pending.
    r = run_qdes("sweep " + file + " --no-progress --jobs 2 --shard 0/2 --out " + sharded.string());
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_NE(r.out.find("2 points: 2 run, 0 already complete, 0 failed or interrupted\n"
                         "other tasks' points: 0 of 2 complete so far\n"),
              std::string::npos)
        << r.out;
    CommandResult rows = campaign_rows(sharded / "tiny-campaign.h5");
    ASSERT_EQ(rows.exit_code, 0) << rows.err;
    EXPECT_NE(rows.out.find("1 pending tiny-p0001.h5"), std::string::npos) << rows.out;
    EXPECT_NE(rows.out.find("2 completed tiny-p0002.h5"), std::string::npos) << rows.out;
    // Shard 1 of 2 as a Slurm array task: the campaign is complete and its results are the serial run's, exactly.
    r = run_command("env SLURM_ARRAY_TASK_ID=1 " + (binary_dir() / "bin" / "qdes").string() + " sweep " + file +
                    " -q --shard env/2 --out " + sharded.string());
    ASSERT_EQ(r.exit_code, 0) << r.err;
    const CommandResult a = campaign_results(serial / "tiny-campaign.h5"),
                        b = campaign_results(sharded / "tiny-campaign.h5");
    ASSERT_EQ(a.exit_code, 0) << a.err;
    EXPECT_NE(a.out.find("3 memory.lifetime_rounds "), std::string::npos) << a.out;
    EXPECT_EQ(a.out, b.out);
    // The MPI task farm, rank 0 handing points to two workers: the same results, exactly.
    const auto farmed = dir.path() / "farmed";
    r = run_mpi_sweep(3, file + " --no-progress --out " + farmed.string());
    ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
    EXPECT_NE(r.out.find("4 points: 4 run, 0 already complete, 0 failed or interrupted\n"), std::string::npos) << r.out;
    EXPECT_EQ(a.out, campaign_results(farmed / "tiny-campaign.h5").out);
    // Run again, it finds every point done.
    r = run_mpi_sweep(2, file + " --no-progress --out " + farmed.string());
    ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
    EXPECT_NE(r.out.find("4 points: 0 run, 4 already complete"), std::string::npos) << r.out;
    // One point by index.
    r = run_command("env SLURM_ARRAY_TASK_ID=3 " + (binary_dir() / "bin" / "qdes").string() + " sweep " + file +
                    " -q --run-index env --out " + single.string());
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_TRUE(std::filesystem::exists(single / "tiny-p0003.h5"));
    EXPECT_FALSE(std::filesystem::exists(single / "tiny-p0002.h5"));
    // Bad shares: one message each, exit 2.
    const std::vector<std::pair<std::string, std::string>> bad = {
        {"--shard 2/2", "--shard 2/2: K must be below N"},
        {"--shard 1", "--shard '1' is not K/N"},
        {"--run-index 9", "--run-index 9: the sweep has points 0 to 3"},
        {"--run-index x", "--run-index 'x' is not a point index (or env)"},
        {"--shard env/2", "--shard env reads SLURM_ARRAY_TASK_ID, which is not set"},
        {"--shard 0/2 --run-index 1", "--shard and --run-index exclude each other"},
        {"--mpi --jobs 2", "--mpi hands every point to the MPI ranks; it takes no --jobs"},
    };
    for (const auto& [args, message] : bad) {
        const CommandResult b2 = run_command("env -u SLURM_ARRAY_TASK_ID " + (binary_dir() / "bin" / "qdes").string() +
                                             " sweep " + file + " " + args + " --out " + (dir.path() / "bad").string());
        EXPECT_EQ(b2.exit_code, 2) << args;
        EXPECT_NE(b2.err.find(message), std::string::npos) << args << ":\n" << b2.err;
    }
}

}  // namespace qdes::testing

namespace qdes::testing {

// A worker killed outright (SIGKILL) in the middle of its point: no file under the point's name, the partial one
// says running, the campaign says failed; the same command again runs that point only, from the checkpoint its
// killed run left, and the campaign's results are a serial run's, exactly.
TEST(Sweep, AKilledWorkerLeavesNoCompletedFileAndTheSweepResumes) {
    TempDir dir;
    const std::string file = dir.write("long.yaml",
                                       "name: long\nseed: 3\ncomponents:\n"
                                       "  memory: {kind: lec_memory, rule: toom_automaton, size: 6, p: 0.03,"
                                       " max_rounds: 200000, shots: 64, batch: 16}\n"
                                       "record: {checkpoint_interval: 0 s}\n"
                                       "sweep:\n  grid:\n    components.memory.p: [0.12, 0.03]\n")
                                 .string();
    const auto out = dir.path() / "out", serial = dir.path() / "serial";
    const std::string qdes = (binary_dir() / "bin" / "qdes").string();
    const std::string checkpoint = (out / "long-p0001.h5.checkpoint").string();
    const std::string partial = (out / "long-p0001.h5.partial").string();
    const CommandResult killed =
        run_command("bash -c '" + qdes + " sweep " + file + " --jobs 2 --no-progress --out " + out.string() +
                    " & sweep=$!; for i in $(seq 1000); do [ -f " + checkpoint +
                    " ] && break; sleep 0.02; done; "
                    "for w in $(pgrep -P $sweep); do ls -l /proc/$w/fd | grep -q long-p0001.h5.partial && "
                    "kill -KILL $w; done; wait $sweep'");  // the worker that holds point 1's file open
    EXPECT_EQ(killed.exit_code, 1) << killed.out << killed.err;
    EXPECT_NE(killed.err.find("point 1 (components.memory.p=0.03) failed"), std::string::npos) << killed.err;
    EXPECT_FALSE(std::filesystem::exists(out / "long-p0001.h5"));
    ASSERT_TRUE(std::filesystem::exists(partial));
    EXPECT_NE(run_command("h5dump -a status " + partial).out.find("\"running\""), std::string::npos);
    ASSERT_TRUE(std::filesystem::exists(checkpoint));  // a batch or more of point 1 was done
    CommandResult rows = campaign_rows(out / "long-campaign.h5");
    EXPECT_NE(rows.out.find("0 completed long-p0000.h5"), std::string::npos) << rows.out;
    EXPECT_NE(rows.out.find("1 failed long-p0001.h5"), std::string::npos) << rows.out;
    const CommandResult resumed = run_qdes("sweep " + file + " --no-progress --out " + out.string());
    ASSERT_EQ(resumed.exit_code, 0) << resumed.err;
    EXPECT_NE(resumed.out.find("2 points: 1 run, 1 already complete, 0 failed or interrupted"), std::string::npos)
        << resumed.out;
    EXPECT_FALSE(std::filesystem::exists(partial));
    EXPECT_FALSE(std::filesystem::exists(checkpoint));
    ASSERT_EQ(run_qdes("sweep " + file + " -q --jobs 1 --out " + serial.string()).exit_code, 0);
    const CommandResult a = campaign_results(serial / "long-campaign.h5"),
                        b = campaign_results(out / "long-campaign.h5");
    ASSERT_EQ(a.exit_code, 0) << a.err;
    EXPECT_NE(a.out.find("1 memory.lifetime_rounds "), std::string::npos) << a.out;
    EXPECT_EQ(a.out, b.out);
}

}  // namespace qdes::testing

namespace qdes::testing {

// The accelerator side: a small design-space sweep (array size x dataflow x DRAM) split three ways, or farmed out
// under MPI, gives the serial campaign's results bit for bit.
TEST(Sweep, AcceleratorSweepInShardsEqualsTheSerialSweep) {
    TempDir dir;
    const std::string file =
        dir.write("arrays.yaml",
                  "name: arrays\nseed: 1\ncomponents:\n"
                  "  net:\n    kind: nn_workload\n    layers:\n"
                  "      - \"fc: gemm M=64 N=512 K=1024 sparsity=2:4\"\n"
                  "      - \"conv: conv H=28 W=28 R=3 S=3 C=32 F=64 stride=1 wbits=4\"\n"
                  "  accel: {kind: systolic_accelerator, rows: 16, cols: 16, dataflow: ws, dram: lpddr4_3200}\n"
                  "links:\n  - {from: net.out, to: accel.in}\n  - {from: accel.done, to: net.done}\n"
                  "sweep:\n  grid:\n    components.accel.rows: [8, 16, 32]\n"
                  "    components.accel.dataflow: [os, ws]\n    components.accel.dram: [ddr4_2400, hbm2]\n")
            .string();
    const auto serial = dir.path() / "serial", sharded = dir.path() / "sharded";
    ASSERT_EQ(run_qdes("sweep " + file + " -q --jobs 1 --out " + serial.string()).exit_code, 0);
    for (const char* shard : {"2/3", "0/3", "1/3"})
        ASSERT_EQ(run_qdes("sweep " + file + " -q --jobs 2 --shard " + shard + " --out " + sharded.string()).exit_code,
                  0)
            << shard;
    const CommandResult a = campaign_results(serial / "arrays-campaign.h5"),
                        b = campaign_results(sharded / "arrays-campaign.h5");
    ASSERT_EQ(a.exit_code, 0) << a.err;
    EXPECT_NE(a.out.find("11 accel.cycles "), std::string::npos) << a.out;
    EXPECT_EQ(a.out, b.out);
    // And under mpirun -n 3, each worker running its points in its own process one after another.
    const auto farmed = dir.path() / "farmed";
    const CommandResult r = run_mpi_sweep(3, file + " -q --out " + farmed.string());
    ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
    EXPECT_EQ(a.out, campaign_results(farmed / "arrays-campaign.h5").out);
}

}  // namespace qdes::testing
