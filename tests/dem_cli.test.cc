// End-to-end tests of `qdes analyze` (a DEM that reads back and equals the library's) and `qdes collect` (a run
// that resumes to the same numbers as an uninterrupted one, and bad input refused with exit 2 and no file).

#include <gtest/gtest.h>

#include "models/quantum/circuit.h"
#include "models/quantum/error_analysis.h"
#include "protocols/qec/collect.h"
#include "tests/support/test_util.h"

namespace qdes::testing {
namespace {

std::filesystem::path stim_reference(const std::string& name) {
    return source_dir() / ".." / "shared" / "reference" / "stim" / (name + ".stim");
}

TEST(Analyze, WritesTheModelThatTheLibraryComputes) {
    TempDir dir;
    const auto out = dir.path() / "s.dem";
    CommandResult r = run_qdes("analyze " + stim_reference("surf_rot_z_d5_r5_p005").string() + " --decompose --out " +
                               out.string());
    ASSERT_EQ(r.exit_code, 0) << r.err;
    quantum::DetectorErrorModel written = quantum::read_dem_file(out.string());
    quantum::DetectorErrorModel direct = quantum::analyze_errors(
        quantum::read_circuit_file(stim_reference("surf_rot_z_d5_r5_p005").string()), quantum::ErrorAnalysisOptions{true});
    ASSERT_EQ(written.errors.size(), direct.errors.size());
    for (std::size_t i = 0; i < direct.errors.size(); ++i) {
        EXPECT_EQ(written.errors[i].p, direct.errors[i].p) << i;  // shortest round-trip text: exact
        EXPECT_EQ(written.errors[i].parts, direct.errors[i].parts) << i;
    }
    EXPECT_EQ(written.num_detectors, 120u);
    EXPECT_EQ(written.detector_coords, direct.detector_coords);
    EXPECT_NE(r.err.find("120 detectors, 1 observables"), std::string::npos) << r.err;
}

TEST(Analyze, RandomDetectorIsRefusedWithItsLineAndNoFile) {
    TempDir dir;
    auto circuit = dir.write("bad.stim", "R 0\nH 0\nM 0\nDETECTOR rec[-1]\n");
    const auto out = dir.path() / "bad.dem";
    CommandResult r = run_qdes("analyze " + circuit.string() + " --out " + out.string());
    EXPECT_EQ(r.exit_code, 2);
    EXPECT_NE(r.err.find("bad.stim:1: detector D0 is not deterministic"), std::string::npos) << r.err;
    EXPECT_FALSE(std::filesystem::exists(out));
}

const char* kCollectArgs =
    " --code rotated_surface --basis X --distances 3 --p 0.006 --decoders union_find,matching --max-errors 1000000"
    " --batch 512 --seed 5 --jobs 2 --no-progress";

TEST(Collect, ResumedRunEqualsOneRunOfTheSameBudget) {
    TempDir dir;
    const std::string once = (dir.path() / "once.h5").string(), twice = (dir.path() / "twice.h5").string();
    CommandResult r = run_qdes("collect --out " + once + kCollectArgs + " --max-shots 4096");
    ASSERT_EQ(r.exit_code, 0) << r.err;
    r = run_qdes("collect --out " + twice + kCollectArgs + " --max-shots 2048");
    ASSERT_EQ(r.exit_code, 0) << r.err;
    r = run_qdes("collect --out " + twice + kCollectArgs + " --max-shots 4096");
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_NE(r.err.find("2 tasks (2 resumed"), std::string::npos) << r.err;
    auto a = qec::read_collect_file(once), b = qec::read_collect_file(twice);
    ASSERT_EQ(a.size(), 2u);
    ASSERT_EQ(b.size(), 2u);
    for (std::size_t t = 0; t < 2; ++t) {
        EXPECT_EQ(a[t].first.key, b[t].first.key);
        EXPECT_EQ(a[t].second.shots, 4096u);
        EXPECT_EQ(b[t].second.shots, 4096u);
        EXPECT_EQ(a[t].second.errors, b[t].second.errors) << a[t].first.key;  // batches 0..7 either way
        EXPECT_EQ(a[t].second.detection_events, b[t].second.detection_events);
        EXPECT_GT(a[t].second.errors, 0u);
    }
    EXPECT_FALSE(std::filesystem::exists(once + ".partial"));
}

TEST(Collect, StopsATaskAtItsErrorTarget) {
    TempDir dir;
    const std::string out = (dir.path() / "c.h5").string();
    CommandResult r = run_qdes("collect --out " + out +
                               " --code rotated_surface --distances 3 --p 0.02 --max-errors 20 --max-shots 1000000"
                               " --batch 256 --jobs 1 --no-progress");
    ASSERT_EQ(r.exit_code, 0) << r.err;
    auto rows = qec::read_collect_file(out);
    ASSERT_EQ(rows.size(), 1u);
    EXPECT_GE(rows[0].second.errors, 20u);
    // One thread: the batch that reached 20 errors was the last.
    EXPECT_LT(rows[0].second.errors - 20, 256u);
    EXPECT_LT(rows[0].second.shots, 1000000u);
}

TEST(Collect, BadInputGetsOneMessageExitTwoAndNoFile) {
    TempDir dir;
    const std::string out = (dir.path() / "c.h5").string();
    for (const auto& [args, message] : std::vector<std::pair<std::string, std::string>>{
             {" --code rotated_surface --distances 3", "--code needs --distances and --p"},
             {" --code toric --distances 3 --p 0.01", "unknown code 'toric'"},
             {" --code rotated_surface --distances x --p 0.01", "'x' is not a distance"},
             {" --code rotated_surface --distances 3 --p 0.01 --decoders mwpm", "unknown decoder 'mwpm'"},
             {" --circuit /nonexistent.stim", "/nonexistent.stim"},
             {"", "nothing to collect"}}) {
        CommandResult r = run_qdes("collect --out " + out + args);
        EXPECT_EQ(r.exit_code, 2) << args;
        EXPECT_NE(r.err.find(message), std::string::npos) << args << ": " << r.err;
        EXPECT_FALSE(std::filesystem::exists(out)) << args;
    }
}

}  // namespace
}  // namespace qdes::testing
