// The rotated surface code generator against Stim's own generated circuits (instruction for instruction), and the
// distance of what it builds at other sizes.

#include "models/quantum/codes/rotated_surface.h"

#include <gtest/gtest.h>

#include "models/quantum/error_analysis.h"
#include "tests/support/test_util.h"

namespace qdes::quantum {
namespace {

std::string reference(const std::string& name) {
    return (testing::source_dir() / ".." / "shared" / "reference" / "stim" / (name + ".stim")).string();
}

TEST(RotatedSurface, MemoryXEqualsStimsGeneratedCircuit) {
    Circuit ours = rotated_surface_memory(RotatedSurfaceOptions::uniform(5, 5, 'X', 0.001));
    Circuit stim = read_circuit_file(reference("surf_rot_x_d5_r5_p001"));
    EXPECT_EQ(ours.to_text(), stim.to_text());
}

TEST(RotatedSurface, MemoryZEqualsStimsGeneratedCircuit) {
    Circuit ours = rotated_surface_memory(RotatedSurfaceOptions::uniform(5, 5, 'Z', 0.005));
    Circuit stim = read_circuit_file(reference("surf_rot_z_d5_r5_p005"));
    EXPECT_EQ(ours.to_text(), stim.to_text());
}

TEST(RotatedSurface, SizesFollowTheLayout) {
    for (std::uint32_t d : {2u, 3u, 4u, 7u}) {
        Circuit c = rotated_surface_memory(RotatedSurfaceOptions::uniform(d, 3, 'Z', 0));
        const std::uint32_t checks = d * d - 1;
        EXPECT_EQ(c.num_measurements(), 3 * checks + d * d) << d;
        // First round: the Z checks only; then every check twice; then the Z checks against the data. Odd d has
        // (d^2 - 1) / 2 Z checks, even d (d^2 - 2) / 2.
        const std::uint32_t z_checks = d % 2 ? checks / 2 : (d * d - 2) / 2;
        EXPECT_EQ(c.num_detectors(), 2 * z_checks + 2 * checks) << d;
        EXPECT_EQ(c.num_observables(), 1u);
    }
}

TEST(RotatedSurface, NoiselessMemoryHasDeterministicDetectorsAndNoErrors) {
    // Every detector deterministic (the analysis refuses random ones) and nothing to flip them.
    DetectorErrorModel m = analyze_errors(rotated_surface_memory(RotatedSurfaceOptions::uniform(7, 4, 'X', 0)));
    EXPECT_TRUE(m.errors.empty());
    EXPECT_EQ(m.num_detectors, 24u + 3 * 48u + 24u);
}

TEST(RotatedSurface, RefusesBadOptions) {
    EXPECT_THROW(rotated_surface_memory(RotatedSurfaceOptions::uniform(1, 3, 'Z', 0)), std::invalid_argument);
    EXPECT_THROW(rotated_surface_memory(RotatedSurfaceOptions::uniform(3, 0, 'Z', 0)), std::invalid_argument);
    EXPECT_THROW(rotated_surface_memory(RotatedSurfaceOptions::uniform(3, 3, 'Y', 0)), std::invalid_argument);
    EXPECT_THROW(rotated_surface_memory(RotatedSurfaceOptions::uniform(3, 3, 'Z', 1.5)), std::invalid_argument);
}

}  // namespace
}  // namespace qdes::quantum
