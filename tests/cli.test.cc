// End-to-end tests of the qdes command: runs, output files checked against the schema, signals, subcommands.

#include <gtest/gtest.h>

#include <filesystem>

#include "tests/support/test_util.h"

namespace qdes::testing {
namespace {

/// Runs tests/check_run_file.py on a run file; returns its output ("schema ok" when it conforms).
CommandResult check_schema(const std::filesystem::path& file, const std::string& extra = "") {
    return run_command("/usr/bin/python3 " + (source_dir() / "tests/check_run_file.py").string() + " " + file.string() +
                       " " + extra);
}

const std::string kShort = "--set stop.when.at_least=20000 --no-progress";

}  // namespace

TEST(Run, DefaultScenarioCompletesAndPassesTheSchemaCheck) {
    TempDir dir;
    CommandResult r = run_qdes("run --out " + dir.path().string() + " " + kShort);
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_NE(r.out.find("queue.wait"), std::string::npos) << r.out;
    EXPECT_EQ(r.err, "");
    CommandResult check = check_schema(dir.path() / "mm1.h5", "--expect-status completed");
    EXPECT_EQ(check.out, "schema ok\n") << check.out << check.err;
}

TEST(Run, TraceByteCapTruncatesCleanly) {
    TempDir dir;
    // 40-byte rows, 100 of them fit in 4000 B.
    CommandResult r =
        run_qdes("run --out " + dir.path().string() + " " + kShort + " --set 'record.trace_bytes_max=4000 B'");
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_NE(r.err.find("status truncated"), std::string::npos) << r.err;
    CommandResult check = check_schema(dir.path() / "mm1.h5", "--expect-status truncated --expect-table sink.jobs:100");
    EXPECT_EQ(check.out, "schema ok\n") << check.out << check.err;
}

TEST(Run, SeedOptionChangesTheResultAndIsRecorded) {
    TempDir dir;
    CommandResult a = run_qdes("run -q --out " + (dir.path() / "a").string() + " " + kShort + " --seed 5");
    CommandResult b = run_qdes("run -q --out " + (dir.path() / "b").string() + " " + kShort + " --seed 5");
    CommandResult c = run_qdes("run -q --out " + (dir.path() / "c").string() + " " + kShort + " --seed 6");
    ASSERT_EQ(a.exit_code + b.exit_code + c.exit_code, 0);
    auto dump = [&](const std::string& sub) {
        return run_command("h5dump -d /trace/sink.jobs " + (dir.path() / sub / "mm1.h5").string()).out;
    };
    EXPECT_EQ(dump("a").substr(100), dump("b").substr(100));  // same seed: identical traces (past the file name)
    EXPECT_NE(dump("a").substr(100), dump("c").substr(100));
    CommandResult seed = run_command("h5dump -a /meta/seed " + (dir.path() / "a/mm1.h5").string());
    EXPECT_NE(seed.out.find("(0): 5"), std::string::npos) << seed.out;
}

// SIGINT and SIGTERM stop the run; the file is closed, readable, with status failed and the reason.
TEST(Run, InterruptClosesTheFileAsFailed) {
    for (const char* signal : {"INT", "TERM"}) {
        TempDir dir;
        std::string qdes = (binary_dir() / "bin/qdes").string();
        CommandResult r =
            run_command("bash -c '" + qdes + " run --no-progress --out " + dir.path().string() +
                        " --set stop.when.at_least=1e12 & pid=$!; sleep 1; kill -" + signal + " $pid; wait $pid'");
        EXPECT_EQ(r.exit_code, 1) << r.err;
        EXPECT_NE(r.err.find(std::string("interrupted by SIG") + signal), std::string::npos) << r.err;
        CommandResult check = check_schema(dir.path() / "mm1.h5", "--expect-status failed");
        EXPECT_EQ(check.out, "schema ok\n") << check.out << check.err;
        CommandResult status = run_command("h5dump -a status_message " + (dir.path() / "mm1.h5").string());
        EXPECT_NE(status.out.find(std::string("interrupted by SIG") + signal), std::string::npos) << status.out;
    }
}

// SIGKILL: nothing under the final name; the partial file says running, and the next run replaces it.
TEST(Run, KilledRunLeavesOnlyAPartialFileThatSaysRunning) {
    TempDir dir;
    const std::string qdes = (binary_dir() / "bin/qdes").string();
    const CommandResult r =
        run_command("bash -c '" + qdes + " run --no-progress --out " + dir.path().string() +
                    " --set stop.when.at_least=1e12 & pid=$!; sleep 1; kill -KILL $pid; wait $pid'");
    EXPECT_NE(r.exit_code, 0);
    EXPECT_FALSE(std::filesystem::exists(dir.path() / "mm1.h5"));
    ASSERT_TRUE(std::filesystem::exists(dir.path() / "mm1.h5.partial"));
    const CommandResult status = run_command("h5dump -a status " + (dir.path() / "mm1.h5.partial").string());
    EXPECT_NE(status.out.find("\"running\""), std::string::npos) << status.out;
    ASSERT_EQ(run_qdes("run -q --out " + dir.path().string() + " " + kShort).exit_code, 0);
    EXPECT_FALSE(std::filesystem::exists(dir.path() / "mm1.h5.partial"));
    EXPECT_EQ(check_schema(dir.path() / "mm1.h5", "--expect-status completed").out, "schema ok\n");
}

TEST(Run, ProgressIsOffWithoutATerminalAndOnWhenAsked) {
    TempDir dir;
    CommandResult quiet = run_qdes("run --out " + (dir.path() / "a").string() + " --set stop.when.at_least=20000");
    EXPECT_EQ(quiet.err.find("events/s"), std::string::npos) << quiet.err;
    CommandResult shown =
        run_qdes("run --progress --out " + (dir.path() / "b").string() + " --set stop.when.at_least=20000");
    EXPECT_NE(shown.err.find("events/s"), std::string::npos) << shown.err;
    EXPECT_NE(shown.err.find("100.0%"), std::string::npos) << shown.err;  // the final line reaches the stop condition
}

TEST(Run, OverwriteReplacesAnExistingFile) {
    TempDir dir;
    ASSERT_EQ(run_qdes("run -q --out " + dir.path().string() + " " + kShort).exit_code, 0);
    CommandResult again = run_qdes("run -q --overwrite --out " + dir.path().string() + " " + kShort);
    EXPECT_EQ(again.exit_code, 0) << again.err;
}

TEST(Run, ScenarioFromTheLibraryRuns) {
    TempDir dir;
    CommandResult r = run_qdes("run -q --out " + dir.path().string() + " " +
                               (source_dir() / "scenarios/queueing/mmc.yaml").string() + " " + kShort);
    EXPECT_EQ(r.exit_code, 0) << r.err;
    EXPECT_TRUE(std::filesystem::exists(dir.path() / "mmc.h5"));
}

TEST(Validate, AcceptsTheLibraryAndPrintsTheResolvedScenario) {
    for (const char* s : {"scenarios/queueing/mm1.yaml", "scenarios/queueing/mmc.yaml"}) {
        CommandResult r = run_qdes("validate " + (source_dir() / s).string());
        EXPECT_EQ(r.exit_code, 0) << r.err;
        EXPECT_NE(r.out.find(": ok (4 components, 4 links)"), std::string::npos) << r.out;
    }
    CommandResult p = run_qdes("validate --print " + (source_dir() / "scenarios/queueing/mm1.yaml").string());
    EXPECT_NE(p.out.find("\"interarrival\": \"1.25 us\""), std::string::npos) << p.out;
}

TEST(Validate, EveryScenarioOfTheLibraryValidates) {
    std::size_t checked = 0;
    for (const auto& entry : std::filesystem::recursive_directory_iterator(source_dir() / "scenarios")) {
        const auto folder = entry.path().parent_path().filename();
        if (entry.path().extension() != ".yaml" || folder == "rules") continue;
        // Circuit-search scenarios are another format, checked by `qdes search --check` (search_cli.test.cc).
        if (folder == "search") continue;
        CommandResult r = run_qdes("validate " + entry.path().string());
        EXPECT_EQ(r.exit_code, 0) << entry.path() << ": " << r.err;
        ++checked;
    }
    EXPECT_GE(checked, 26u);  // the library as of issue 6
}

TEST(ListParams, ListsKindsParametersPortsStatisticsAndTables) {
    CommandResult all = run_qdes("list-params");
    EXPECT_EQ(all.exit_code, 0);
    for (const char* kind : {"queue", "server", "sink", "source"}) EXPECT_NE(all.out.find(kind), std::string::npos);
    CommandResult server = run_qdes("list-params server");
    EXPECT_EQ(server.exit_code, 0);
    EXPECT_NE(server.out.find("service            duration   required, e.g. 1 us"), std::string::npos) << server.out;
    EXPECT_NE(server.out.find("credit             out  Credit"), std::string::npos) << server.out;
    EXPECT_NE(server.out.find("utilization"), std::string::npos);
    CommandResult sink = run_qdes("list-params sink");
    EXPECT_NE(sink.out.find("trace tables (record them with record.trace: [NAME.table]):\n  jobs"), std::string::npos)
        << sink.out;
    CommandResult scenario = run_qdes("list-params scenario");
    EXPECT_NE(scenario.out.find("trace_bytes_max"), std::string::npos);
    EXPECT_NE(scenario.out.find("time               duration   none (off)"), std::string::npos) << scenario.out;
    CommandResult unknown = run_qdes("list-params severs");
    EXPECT_EQ(unknown.exit_code, 2);
    EXPECT_EQ(unknown.err, "qdes list-params: unknown component kind \"severs\" (did you mean \"server\"?)\n");
}

TEST(Inspect, PrintsStatusScenarioTablesAndSummary) {
    TempDir dir;
    ASSERT_EQ(run_qdes("run -q --out " + dir.path().string() + " " + kShort).exit_code, 0);
    CommandResult r = run_qdes("inspect " + (dir.path() / "mm1.h5").string());
    EXPECT_EQ(r.exit_code, 0) << r.err;
    EXPECT_NE(r.out.find("status:  completed"), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("interarrival: 1.25 us"), std::string::npos);
    EXPECT_NE(r.out.find("sink.jobs"), std::string::npos);
    EXPECT_NE(r.out.find("stop reason: condition"), std::string::npos);
    EXPECT_NE(r.out.find("server.utilization"), std::string::npos);
}

TEST(Help, EverySubcommandHasHelp) {
    for (const char* cmd : {"--help", "run --help", "validate --help", "list-params --help", "inspect --help"}) {
        CommandResult r = run_qdes(cmd);
        EXPECT_EQ(r.exit_code, 0) << cmd;
        EXPECT_NE(r.out.find("usage: qdes"), std::string::npos) << cmd << ": " << r.out;
    }
}

}  // namespace qdes::testing
