// Checkpoints of long runs (record.checkpoint_interval): a run killed outright resumes from its last checkpoint and
// ends with exactly the statistics of a run never interrupted; a checkpoint of another code version is refused.

#include <gtest/gtest.h>

#include "tests/support/test_util.h"

namespace qdes::testing {
namespace {

// 48 batches of 64 shots of Toom's automaton (L = 5 at p = 0.04 fails within a few thousand rounds), a checkpoint
// after every batch.
const char* kLong =
    "name: long\n"
    "seed: 11\n"
    "components:\n"
    "  memory: {kind: lec_memory, rule: toom_automaton, size: 5, p: 0.04, max_rounds: 30000, shots: 3072,"
    " batch: 64}\n"
    "record: {checkpoint_interval: 0 s}\n";

/// Every statistic of a run file with its value and error, exactly (repr of the doubles).
CommandResult statistics_of(const std::filesystem::path& run) {
    return run_command(
        "/usr/bin/python3 -c \"import h5py,sys; f=h5py.File(sys.argv[1]); "
        "print(f.attrs['status']); "
        "[print(r['name'].decode(), repr(float(r['mean'])), repr(float(r['std_error'])), repr(float(r['min'])), "
        "repr(float(r['max'])), int(r['count'])) for r in f['stats'][:]]\" " +
        run.string());
}

}  // namespace

TEST(Checkpoint, AKilledRunResumesToTheUninterruptedResult) {
    TempDir dir;
    const std::string file = dir.write("long.yaml", kLong).string();
    const auto whole = dir.path() / "whole", killed = dir.path() / "killed", other = dir.path() / "other";
    const std::string qdes = (binary_dir() / "bin" / "qdes").string();
    CommandResult r = run_qdes("run " + file + " -q --out " + whole.string());
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_FALSE(std::filesystem::exists(whole / "long.h5.checkpoint"));  // a finished run keeps none
    const CommandResult expected = statistics_of(whole / "long.h5");
    ASSERT_EQ(expected.exit_code, 0) << expected.err;
    ASSERT_NE(expected.out.find("memory.lifetime_rounds "), std::string::npos) << expected.out;

    // Killed (SIGKILL: no chance to clean up) once a few checkpoints were written.
    const std::string checkpoint = (killed / "long.h5.checkpoint").string();
    r = run_command("bash -c '" + qdes + " run " + file + " -q --out " + killed.string() +
                    " & run=$!; for i in $(seq 600); do [ -f " + checkpoint +
                    " ] && break; sleep 0.01; done; sleep 0.3; kill -KILL $run; wait $run'");
    EXPECT_EQ(r.exit_code, 137) << "the run ended before it was killed; make it longer\n" << r.err;
    EXPECT_FALSE(std::filesystem::exists(killed / "long.h5"));
    ASSERT_TRUE(std::filesystem::exists(checkpoint));
    EXPECT_NE(run_command("h5dump -a format " + checkpoint).out.find("\"qdes-checkpoint\""), std::string::npos);

    // A checkpoint from another code version is refused: the run would not continue exactly.
    std::filesystem::create_directories(other);
    std::filesystem::copy_file(checkpoint, other / "long.h5.checkpoint");
    ASSERT_EQ(run_command("/usr/bin/python3 -c \"import h5py,sys; f=h5py.File(sys.argv[1], 'r+'); "
                          "f.attrs['code_version']='v0.0-other'\" " +
                          (other / "long.h5.checkpoint").string())
                  .exit_code,
              0);
    r = run_qdes("run " + file + " --out " + other.string());
    EXPECT_EQ(r.exit_code, 2);
    EXPECT_NE(r.err.find("long.h5.checkpoint was written by qdes v0.0-other; this is qdes "), std::string::npos)
        << r.err;
    EXPECT_FALSE(std::filesystem::exists(other / "long.h5"));
    EXPECT_FALSE(std::filesystem::exists(other / "long.h5.partial"));

    // The same command again continues from the checkpoint and ends where the whole run did, bit for bit.
    r = run_qdes("run " + file + " --no-progress --out " + killed.string());
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_NE(r.err.find("qdes run: resuming from " + checkpoint), std::string::npos) << r.err;
    EXPECT_FALSE(std::filesystem::exists(checkpoint));
    EXPECT_EQ(statistics_of(killed / "long.h5").out, expected.out);
}

TEST(Checkpoint, AComponentThatCannotSaveItsStateIsNamed) {
    TempDir dir;
    std::string mm1 = read_text(source_dir() / "scenarios/queueing/mm1.yaml");
    const auto at = mm1.find("\nrecord:\n");
    ASSERT_NE(at, std::string::npos);
    mm1.insert(at + 9, "  checkpoint_interval: 10 min\n");
    const std::string file = dir.write("mm1.yaml", mm1).string();
    CommandResult r = run_qdes("validate " + file);
    EXPECT_EQ(r.exit_code, 2);
    EXPECT_NE(r.err.find("mm1.yaml:"), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("record.checkpoint_interval: component 'arrivals' cannot be checkpointed: its kind cannot "
                         "save its state"),
              std::string::npos)
        << r.err;
    // A lifetime run whose history table is recorded: the table's rows are written during the run.
    std::string with_history = kLong;
    with_history.replace(with_history.find("0 s}"), 4, "0 s, trace: [memory.history]}");
    const std::string history = dir.write("history.yaml", with_history).string();
    r = run_qdes("run " + history + " --out " + dir.path().string());
    EXPECT_EQ(r.exit_code, 2);
    EXPECT_NE(r.err.find("component 'memory' cannot be checkpointed: its history table is written during the run"),
              std::string::npos)
        << r.err;
}

}  // namespace qdes::testing
