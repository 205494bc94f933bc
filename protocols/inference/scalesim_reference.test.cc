// SCALE-Sim compatible mode against every COMPUTE_REPORT.csv in ../shared/reference/scalesim/v2_runs and v2_golden,
// byte for byte, and the SRAM access counts against their DETAILED_ACCESS_REPORT.csv: topology file, lowering and
// compute model together.

#include <gtest/gtest.h>

#include <filesystem>
#include <sstream>

#include "hardware/accel/scalesim_compat.h"
#include "hardware/accel/scalesim_config.h"
#include "protocols/inference/topology.h"
#include "tests/support/test_util.h"

namespace qdes::accel {
namespace {

std::filesystem::path scalesim_dir() { return testing::source_dir() / ".." / "shared" / "reference" / "scalesim"; }

std::vector<ScaleSimLayerReport> run(const std::string& topology, const std::string& config, bool gemm,
                                     ScaleSimMean mean = ScaleSimMean::kPythonSum) {
    const ScaleSimConfig c = read_scalesim_config((scalesim_dir() / config).string());
    const auto layers = inference::read_topology_csv((scalesim_dir() / "topologies" / topology).string(), gemm);
    std::vector<ScaleSimLayerReport> out;
    for (const GemmOp& op : inference::lower(layers, {})) out.push_back(scalesim_layer(op, c, mean));
    return out;
}

/// Column `col` (0-based) of each data row of a SCALE-Sim report, as text.
std::vector<std::string> column(const std::filesystem::path& csv, std::size_t col) {
    std::istringstream in(testing::read_text(csv));
    std::string line;
    std::getline(in, line);
    std::vector<std::string> out;
    while (std::getline(in, line)) {
        std::istringstream fields(line);
        std::string f;
        for (std::size_t i = 0; i <= col; ++i) std::getline(fields, f, ',');
        out.push_back(f.substr(f.find_first_not_of(' ')));
    }
    return out;
}

struct Case {
    const char* folder;  ///< under the scalesim reference folder
    const char* topology;
    const char* config;
    bool gemm;
    ScaleSimMean mean = ScaleSimMean::kPythonSum;  ///< the golden report came from a numpy.mean revision
};

class ScaleSimReference : public ::testing::TestWithParam<Case> {};

TEST_P(ScaleSimReference, ComputeReportMatchesByteForByte) {
    const Case& c = GetParam();
    const auto layers = run(c.topology, c.config, c.gemm, c.mean);
    EXPECT_EQ(compute_report_csv(layers), testing::read_text(scalesim_dir() / c.folder / "COMPUTE_REPORT.csv"));
}

TEST_P(ScaleSimReference, SramAccessCountsMatch) {
    const Case& c = GetParam();
    const auto layers = run(c.topology, c.config, c.gemm, c.mean);
    const auto detail = scalesim_dir() / c.folder / "DETAILED_ACCESS_REPORT.csv";
    const auto ifmap = column(detail, 3), filter = column(detail, 6), ofmap = column(detail, 9);
    ASSERT_EQ(ifmap.size(), layers.size());
    for (std::size_t i = 0; i < layers.size(); ++i) {
        EXPECT_EQ(std::to_string(layers[i].ifmap_sram_reads), ifmap[i]) << "layer " << i;
        EXPECT_EQ(std::to_string(layers[i].filter_sram_reads), filter[i]) << "layer " << i;
        EXPECT_EQ(std::to_string(layers[i].ofmap_sram_writes), ofmap[i]) << "layer " << i;
    }
}

INSTANTIATE_TEST_SUITE_P(
    V2, ScaleSimReference,
    ::testing::Values(Case{"v2_runs/alexnet__scale", "alexnet.csv", "configs_shipped/scale.cfg", false},
                      Case{"v2_runs/test_mnk_input__sa32_os", "test_mnk_input.csv", "v2_runs/sa32_os.cfg", true},
                      Case{"v2_runs/test_mnk_input__sa32_ws", "test_mnk_input.csv", "v2_runs/sa32_ws.cfg", true},
                      Case{"v2_runs/test_mnk_input__sa32_is", "test_mnk_input.csv", "v2_runs/sa32_is.cfg", true},
                      Case{"v2_golden", "alexnet_conv1.csv", "v2_runs/sa32_ws.cfg", false, ScaleSimMean::kNumpyMean}));

TEST(ScaleSimCompat, V3CalcGoldenHasTheSameComputeCyclesAndMappingEfficiency) {
    // v3's CALC golden is the v2 golden case; its "Total Cycles" column (the third) is v2's count, and v3 averages
    // with Python's sum() again, so its compute utilisation is the left-to-right mean, not the golden's numpy one.
    const auto layers = run("alexnet_conv1.csv", "v3_golden/scale_v3.cfg", false);
    const auto csv = scalesim_dir() / "v3_golden" / "golden_trace_calc" / "COMPUTE_REPORT.csv";
    EXPECT_EQ(std::to_string(layers[0].total_cycles), column(csv, 2)[0]);
    EXPECT_EQ(python_float(layers[0].mapping_efficiency_pct), column(csv, 5)[0]);
    EXPECT_EQ(python_float(layers[0].compute_util_pct), column(csv, 6)[0]);
}

}  // namespace
}  // namespace qdes::accel
