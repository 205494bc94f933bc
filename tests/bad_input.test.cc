// Every bad input gets one clear message, exit code 2, and no output file claiming success.

#include <gtest/gtest.h>

#include "tests/support/test_util.h"

namespace qdes::testing {
namespace {

constexpr const char* kGood = R"(name: t
stop: {events: 1000}
components:
  arrivals: {kind: source, interarrival: 1 us}
  queue: {kind: queue}
  server: {kind: server, service: 500 ns}
  sink: {kind: sink}
links:
  - {from: arrivals.out, to: queue.in}
  - {from: queue.out, to: server.in}
  - {from: server.credit, to: queue.credit}
  - {from: server.out, to: sink.in}
)";

std::string replace(std::string text, const std::string& from, const std::string& to) {
    auto pos = text.find(from);
    EXPECT_NE(pos, std::string::npos) << from;
    return text.replace(pos, from.size(), to);
}

/// Runs `qdes run` on a scenario text; expects exit 2, the message, and no output file.
void expect_rejected(const std::string& scenario_text, const std::string& message, const std::string& extra = "") {
    TempDir dir;
    auto file = dir.write("t.yaml", scenario_text);
    CommandResult r = run_qdes("run --out " + (dir.path() / "out").string() + " " + file.string() + " " + extra);
    EXPECT_EQ(r.exit_code, 2) << r.err;
    EXPECT_NE(r.err.find(message), std::string::npos) << "stderr was:\n" << r.err;
    EXPECT_EQ(r.out, "");
    EXPECT_FALSE(std::filesystem::exists(dir.path() / "out" / "t.h5"));
}

}  // namespace

TEST(BadInput, TheGoodScenarioRuns) {
    TempDir dir;
    auto file = dir.write("t.yaml", kGood);
    EXPECT_EQ(run_qdes("run -q --out " + dir.path().string() + " " + file.string()).exit_code, 0);
}

TEST(BadInput, MalformedYaml) {
    expect_rejected(replace(kGood, "{kind: queue}", "{kind: queue"),
                    "t.yaml:6:9: YAML syntax error: end of map flow not found");
}

TEST(BadInput, WrongType) {
    expect_rejected(replace(kGood, "{kind: queue}", "{kind: queue, capacity: lots}"),
                    "t.yaml:5:34: components.queue.capacity: expected an integer, got \"lots\"");
}

TEST(BadInput, NegativeDuration) {
    expect_rejected(replace(kGood, "service: 500 ns", "service: -500 ns"),
                    "t.yaml:6:35: components.server.service: a duration must not be negative");
}

TEST(BadInput, DurationWithoutUnit) {
    expect_rejected(replace(kGood, "service: 500 ns", "service: 500"),
                    "t.yaml:6:35: components.server.service: a duration needs a unit");
}

TEST(BadInput, UnknownComponentKind) {
    expect_rejected(replace(kGood, "kind: sink", "kind: drain"),
                    "t.yaml:7:16: components.sink.kind: unknown component kind \"drain\"");
}

TEST(BadInput, AllErrorsAtOnce) {
    std::string text = replace(replace(kGood, "service: 500 ns", "service: 500"), "kind: sink", "kind: drain");
    expect_rejected(text, "2 errors; nothing was run");
}

TEST(BadInput, BadOverride) {
    expect_rejected(kGood,
                    "--set components.server.servers=0: components.server.servers: value 0 is below the minimum 1",
                    "--set components.server.servers=0");
}

TEST(BadInput, MissingScenarioFile) {
    TempDir dir;
    CommandResult r = run_qdes("run --out " + dir.path().string() + " " + (dir.path() / "nope.yaml").string());
    EXPECT_EQ(r.exit_code, 2);
    EXPECT_EQ(r.err, (dir.path() / "nope.yaml").string() + ": no such scenario file\n1 error; nothing was run\n");
}

TEST(BadInput, OutputDirectoryThatCannotBeWritten) {
    TempDir dir;
    auto file = dir.write("t.yaml", kGood);
    auto blocker = dir.write("blocker", "a file, not a folder");
    CommandResult r = run_qdes("run --out " + (blocker / "sub").string() + " " + file.string());
    EXPECT_EQ(r.exit_code, 2);
    EXPECT_NE(r.err.find("qdes run: cannot create output directory " + (blocker / "sub").string()), std::string::npos)
        << r.err;
    CommandResult r2 = run_qdes("run --out " + blocker.string() + " " + file.string());
    EXPECT_EQ(r2.exit_code, 2);
    EXPECT_EQ(r2.err, "qdes run: output directory " + blocker.string() + " is a file\n");
}

TEST(BadInput, ExistingOutputFileIsRefusedUnlessOverwrite) {
    TempDir dir;
    auto file = dir.write("t.yaml", kGood);
    auto existing = dir.write("t.h5", "precious");
    CommandResult r = run_qdes("run --out " + dir.path().string() + " " + file.string());
    EXPECT_EQ(r.exit_code, 2);
    EXPECT_EQ(r.err, "qdes run: output file " + existing.string() + " exists; pass --overwrite to replace it\n");
    EXPECT_EQ(read_text(existing), "precious");  // untouched
}

TEST(BadInput, CommandLineMistakes) {
    CommandResult unknown = run_qdes("runn");
    EXPECT_EQ(unknown.exit_code, 2);
    EXPECT_NE(unknown.err.find("qdes: unknown command \"runn\" (did you mean \"run\"?)"), std::string::npos);
    CommandResult option = run_qdes("run --bogus");
    EXPECT_EQ(option.exit_code, 2);
    EXPECT_NE(option.err.find("unrecognised option '--bogus'"), std::string::npos) << option.err;
    EXPECT_EQ(run_qdes("").exit_code, 2);
    EXPECT_EQ(run_qdes("run a.yaml b.yaml").exit_code, 2);
    EXPECT_EQ(run_qdes("validate").exit_code, 2);
    EXPECT_EQ(run_qdes("inspect").exit_code, 2);
}

TEST(BadInput, InspectRefusesWhatIsNotARunFile) {
    TempDir dir;
    auto text = dir.write("x.h5", "not hdf5");
    CommandResult r = run_qdes("inspect " + text.string());
    EXPECT_EQ(r.exit_code, 2);
    EXPECT_EQ(r.err, "qdes inspect: " + text.string() + ": not an HDF5 file\n");
    CommandResult missing = run_qdes("inspect " + (dir.path() / "none.h5").string());
    EXPECT_EQ(missing.exit_code, 2);
}

// A decoder accelerator too small for the code, or with no clock, is refused at the component's line.
TEST(BadInput, DecoderAcceleratorTooSmallOrWithoutAClock) {
    const std::string memory = R"(name: t
components:
  memory:
    kind: readout_memory
    size: 6
    p: 0.01
    window: 4
    decoder: uf_accel
    decoder_memory: 1 KiB
)";
    expect_rejected(memory, "t.yaml:3:3: components.memory: decoder_memory: 1024 bytes is too small for the "
                            "decoding graph of 4 layers of 36 checks");
    expect_rejected(replace(memory, "decoder_memory: 1 KiB", "decoder_clock: 0 MHz"),
                    "t.yaml:9:20: components.memory.decoder_clock: a frequency must be positive");
}

// A failure of the simulated system (here a server fed without a queue gets a job while busy) exits 1 and leaves a
// readable file with status failed and the reason.
TEST(SimulationFailure, ExitsOneWithAFailedFile) {
    std::string text = R"(name: broken
stop: {events: 100000}
components:
  arrivals: {kind: source, interarrival: 100 ns}
  server: {kind: server, service: 1 us}
  q: {kind: queue}
  other: {kind: source, interarrival: 1 s, limit: 1}
  sink: {kind: sink}
  sink2: {kind: sink}
links:
  - {from: arrivals.out, to: server.in}
  - {from: server.credit, to: q.credit}
  - {from: other.out, to: q.in}
  - {from: q.out, to: sink2.in}
  - {from: server.out, to: sink.in}
)";
    TempDir dir;
    auto file = dir.write("broken.yaml", text);
    CommandResult r = run_qdes("run --out " + dir.path().string() + " " + file.string());
    EXPECT_EQ(r.exit_code, 1) << r.err;
    EXPECT_NE(r.err.find("received a job while all 1 servers were busy"), std::string::npos) << r.err;
    CommandResult status = run_command("h5dump -a status " + (dir.path() / "broken.h5").string());
    EXPECT_NE(status.out.find("\"failed\""), std::string::npos) << status.out;
}

}  // namespace qdes::testing
