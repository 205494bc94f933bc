// The .dem text format: reading Stim's constructs (repeat, shift_detectors, ^, tags), writing the flat form back,
// merging, exact detector probabilities, and a clear file:line message for each malformed input.

#include "models/quantum/dem.h"

#include <gtest/gtest.h>

namespace qdes::quantum {
namespace {

TEST(Dem, ReadsRepeatShiftAndSeparatorsIntoAbsoluteDetectors) {
    DetectorErrorModel m = parse_dem(R"(# a comment
error(0.125) D0 D1 ^ D2 L0
repeat 2 {
    error[tagged](0.25) D0 D1
    detector(1, 2, 0) D1
    shift_detectors(0, 0, 1) 2
}
error(0.5) L1
logical_observable L2
)", "m.dem");
    ASSERT_EQ(m.errors.size(), 4u);
    EXPECT_EQ(m.errors[0].p, 0.125);
    ASSERT_EQ(m.errors[0].parts.size(), 2u);
    EXPECT_EQ(m.errors[0].parts[0], (DemSymptom{{0, 1}, 0}));
    EXPECT_EQ(m.errors[0].parts[1], (DemSymptom{{2}, 1}));
    EXPECT_EQ(m.errors[1].parts[0].detectors, (std::vector<std::uint32_t>{0, 1}));
    EXPECT_EQ(m.errors[2].parts[0].detectors, (std::vector<std::uint32_t>{2, 3}));  // after shift_detectors 2
    EXPECT_EQ(m.errors[3].parts[0], (DemSymptom{{}, 2}));
    EXPECT_EQ(m.num_detectors, 4u);
    EXPECT_EQ(m.num_observables, 3u);
    ASSERT_EQ(m.detector_coords.size(), 4u);
    EXPECT_EQ(m.detector_coords[1], (std::vector<double>{1, 2, 0}));
    EXPECT_EQ(m.detector_coords[3], (std::vector<double>{1, 2, 1}));  // the coordinate shift applies
    EXPECT_EQ(m.errors[2].line, 4);
}

TEST(Dem, TextRoundTripsExactly) {
    DetectorErrorModel m = parse_dem("error(0.1) D0 D3\nerror(0.0001234567890123) D1 ^ D2 L0\ndetector(0.5) D2\n"
                                     "detector D7\nlogical_observable L1\n");
    DetectorErrorModel back = parse_dem(m.to_text());
    ASSERT_EQ(back.errors.size(), m.errors.size());
    for (std::size_t i = 0; i < m.errors.size(); ++i) {
        EXPECT_EQ(back.errors[i].p, m.errors[i].p);
        EXPECT_EQ(back.errors[i].parts, m.errors[i].parts);
    }
    EXPECT_EQ(back.num_detectors, 8u);
    EXPECT_EQ(back.num_observables, 2u);
    EXPECT_EQ(back.detector_coords[2], std::vector<double>{0.5});
}

TEST(Dem, MergingCombinesEqualSymptomsAsIndependentEvents) {
    DetectorErrorModel m = parse_dem("error(0.1) D1 D0\nerror(0.2) D0 D1\nerror(0.3) D2\nerror(0.4) D0 D0\n");
    merge_equal_errors(m);
    ASSERT_EQ(m.errors.size(), 2u);  // D0 D0 flips nothing and goes
    EXPECT_EQ(m.errors[0].parts[0].detectors, (std::vector<std::uint32_t>{0, 1}));
    EXPECT_NEAR(m.errors[0].p, 0.1 * 0.8 + 0.2 * 0.9, 1e-15);
    EXPECT_NEAR(m.errors[1].p, 0.3, 1e-15);
}

TEST(Dem, DetectorProbabilityIsTheOddParityOfItsErrors) {
    DetectorErrorModel m = parse_dem("error(0.1) D0\nerror(0.2) D0 D1\ndetector D2\n");
    std::vector<double> f = detector_firing_probabilities(m);
    ASSERT_EQ(f.size(), 3u);
    EXPECT_NEAR(f[0], 0.1 * 0.8 + 0.2 * 0.9, 1e-15);
    EXPECT_NEAR(f[1], 0.2, 1e-15);
    EXPECT_EQ(f[2], 0);
}

struct BadDem {
    const char* text;
    int line;
    const char* message;
};

class DemRejects : public ::testing::TestWithParam<BadDem> {};

TEST_P(DemRejects, WithFileLineAndReason) {
    const BadDem& bad = GetParam();
    try {
        parse_dem(bad.text, "bad.dem");
        FAIL() << "accepted: " << bad.text;
    } catch (const DemFormatError& e) {
        EXPECT_EQ(e.line(), bad.line);
        const std::string what = e.what();
        EXPECT_EQ(what.rfind("bad.dem:" + std::to_string(bad.line) + ": ", 0), 0u) << what;
        EXPECT_NE(what.find(bad.message), std::string::npos) << what;
    }
}

INSTANTIATE_TEST_SUITE_P(
    Inputs, DemRejects,
    ::testing::Values(BadDem{"error(0.1) D0\nerror(0.1 D0\n", 2, "not closed"},
                      BadDem{"error(1.5) D0\n", 1, "not in [0, 1]"},
                      BadDem{"error(0.1) X3\n", 1, "'X3' is not a detector"},
                      BadDem{"error(0.1, 0.2) D0\n", 1, "one probability"},
                      BadDem{"error(abc) D0\n", 1, "not a number"},
                      BadDem{"erorr(0.1) D0\n", 1, "unknown instruction"},
                      BadDem{"repeat 3 {\nerror(0.1) D0\n", 1, "never closed"},
                      BadDem{"}\n", 1, "without a repeat"},
                      BadDem{"repeat 0 {\n}\n", 1, "at least 1"},
                      BadDem{"error(0.1) D0 ^\n", 1, "'^' must separate"},
                      BadDem{"error(0.1) L64\n", 1, "at most 64"},
                      BadDem{"shift_detectors D3\n", 1, "one count"},
                      // found by fuzz/dem.cc: one coordinate line allocated a table of 128 million detectors
                      BadDem{"error(0.1) D0\ndetector(4) D7 D127880956\n", 2,
                             "detector index 127880956 is too large (qdes reads at most 67108864 detectors)"},
                      BadDem{"shift_detectors 67108860\nerror(0.1) D4\n", 2, "too large"},
                      BadDem{"shift_detectors 18446744073709551615\nerror(0.1) D1\n", 1, "shifts past detector"},
                      BadDem{"error(0.1) D18446744073709551615\n", 1, "too large"}));

TEST(Dem, UnreadableFileIsNamed) {
    try {
        read_dem_file("/nonexistent/x.dem");
        FAIL();
    } catch (const DemFormatError& e) {
        EXPECT_NE(std::string(e.what()).find("/nonexistent/x.dem: cannot read"), std::string::npos) << e.what();
    }
}

}  // namespace
}  // namespace qdes::quantum
