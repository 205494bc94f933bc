// SCALE-Sim compatible mode: its formulas on a non-square array, Python's float format, and SCALE-Sim's .cfg reader.
// (protocols/inference/scalesim_reference.test.cc compares whole reports with ../shared/reference/scalesim.)

#include "hardware/accel/scalesim_compat.h"

#include <gtest/gtest.h>

#include <filesystem>

#include "hardware/accel/folds.h"
#include "hardware/accel/scalesim_config.h"
#include "tests/support/test_util.h"

namespace qdes::accel {
namespace {

std::filesystem::path scalesim_dir() { return testing::source_dir() / ".." / "shared" / "reference" / "scalesim"; }

TEST(ScaleSimCompat, FormulasOnANonSquareArray) {
    // Eyeriss-like 12 x 14, ws: K = 27 -> 3 row folds (12, 12, 3), N = 20 -> 2 column folds (14, 6), T = M = 50.
    ScaleSimConfig c;
    c.rows = 12, c.cols = 14, c.dataflow = Dataflow::kWeightStationary;
    GemmOp op;
    op.name = "x", op.M = 50, op.N = 20, op.K = 27;
    const ScaleSimLayerReport r = scalesim_layer(op, c);
    EXPECT_EQ(r.folds, 6u);
    EXPECT_EQ(r.total_cycles, 6u * (2 * 12 + 14 + 50 - 2) - 1);
    EXPECT_DOUBLE_EQ(r.mapping_efficiency_pct, 100.0 * (27.0 * 20.0) / (6 * 12 * 14));
    EXPECT_DOUBLE_EQ(r.compute_util_pct, 100.0 * (27.0 * 20.0 * 50) / (6 * 12 * 14 * (2 * 12 + 2 * 14 + 50 - 3)));
    EXPECT_DOUBLE_EQ(r.overall_util_pct, 100.0 * 50 * 20 * 27 / (double(r.total_cycles) * 12 * 14));
}

TEST(ScaleSimCompat, PythonFloatFormatting) {
    EXPECT_EQ(python_float(100.0), "100.0");
    EXPECT_EQ(python_float(84.99102675770285), "84.99102675770285");
    EXPECT_EQ(python_float(0.5), "0.5");
    EXPECT_EQ(python_float(0.0001), "0.0001");
    EXPECT_EQ(python_float(0.00001), "1e-05");
    EXPECT_EQ(python_float(1e16), "1e+16");
    EXPECT_EQ(python_float(123456789012345.0), "123456789012345.0");
    EXPECT_EQ(python_float(2.5e-7), "2.5e-07");
}

TEST(ScaleSimConfig, ReadsShippedFiles) {
    const ScaleSimConfig google = read_scalesim_config((scalesim_dir() / "configs_shipped/google.cfg").string());
    EXPECT_EQ(google.rows, 256u);
    EXPECT_EQ(google.cols, 256u);
    EXPECT_EQ(google.dataflow, Dataflow::kWeightStationary);
    EXPECT_EQ(google.ifmap_sram_kib, 6144u);
    EXPECT_EQ(google.ofmap_sram_kib, 2048u);
    EXPECT_FALSE(google.user_bandwidth);
    const ScaleSimConfig sparse = read_scalesim_config((scalesim_dir() / "v3_golden/sparsity_v3.cfg").string());
    EXPECT_TRUE(sparse.user_bandwidth);
    EXPECT_TRUE(sparse.sparsity_support);
    EXPECT_EQ(sparse.bandwidth_words_per_cycle, 50);
}

void expect_config_error(const std::string& text, const std::string& fragment) {
    try {
        parse_scalesim_config(text, "my.cfg");
        ADD_FAILURE() << "accepted: " << text;
    } catch (const AccelInputError& e) {
        EXPECT_NE(std::string(e.what()).find(fragment), std::string::npos) << e.what();
    }
}

TEST(ScaleSimConfig, BadFilesNameFileLineAndKey) {
    expect_config_error("[architecture_presets]\nArrayHeight: 0\n", "my.cfg:2: [architecture_presets] arrayheight: must be 1 to 65536");
    expect_config_error("[architecture_presets]\nArrayHieght: 4\n", "my.cfg:2: [architecture_presets] has no key \"arrayhieght\" (did you mean \"arrayheight\"?)");
    expect_config_error("[architecture_presets]\nDataflow: xs\n", "my.cfg:2: [architecture_presets] dataflow: expected os, ws or is");
    expect_config_error("[general]\nrun_name = x\n[archtecture_presets]\n", "my.cfg:3: unknown section [archtecture_presets]");
    expect_config_error("ArrayHeight: 4\n", "my.cfg:1: key \"arrayheight\" before any [section]");
    expect_config_error("[architecture_presets]\nIfmapSramSzkB 64\n", "my.cfg:2: expected \"key: value\"");
    expect_config_error("\n# nothing\n", "my.cfg: no settings found");
}

}  // namespace
}  // namespace qdes::accel
