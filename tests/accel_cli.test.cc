// qdes accel and accelerator scenarios end to end: SCALE-Sim's own files in, its COMPUTE_REPORT.csv out byte for
// byte; the realistic reports; bad input exits 2 naming file, line and reason, and writes nothing.

#include <gtest/gtest.h>

#include <filesystem>
#include <sstream>

#include "models/nn/model_file.h"
#include "sim/h5.h"
#include "sim/trace.h"
#include "tests/support/test_util.h"

namespace qdes::testing {
namespace {

std::string scalesim(const std::string& rel) {
    return (source_dir() / ".." / "shared" / "reference" / "scalesim" / rel).string();
}

TEST(AccelCli, CompatibleModeWritesScaleSimsComputeReport) {
    TempDir dir;
    const CommandResult r = run_qdes("accel --config " + scalesim("configs_shipped/scale.cfg") + " --topology " +
                                     scalesim("topologies/alexnet.csv") + " --out " + dir.path().string() +
                                     " --scalesim-compat");
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(read_text(dir.path() / "scale_example_run_32x32_os" / "COMPUTE_REPORT.csv"),
              read_text(scalesim("v2_runs/alexnet__scale/COMPUTE_REPORT.csv")));
    const CommandResult gemm = run_qdes("accel --config " + scalesim("v2_runs/sa32_is.cfg") + " --topology " +
                                        scalesim("topologies/test_mnk_input.csv") + " --gemm --scalesim-compat --out " +
                                        dir.path().string());
    ASSERT_EQ(gemm.exit_code, 0) << gemm.err;
    EXPECT_EQ(read_text(dir.path() / "sa32_is" / "COMPUTE_REPORT.csv"),
              read_text(scalesim("v2_runs/test_mnk_input__sa32_is/COMPUTE_REPORT.csv")));
}

TEST(AccelCli, RealisticModeWritesCsvAndHdf5) {
    TempDir dir;
    const CommandResult r = run_qdes("accel --config " + scalesim("configs_shipped/scale.cfg") + " --topology " +
                                     scalesim("topologies/alexnet.csv") + " --out " + dir.path().string());
    ASSERT_EQ(r.exit_code, 0) << r.err;
    const auto folder = dir.path() / "scale_example_run_32x32_os";
    const std::string csv = read_text(folder / "LAYER_REPORT.csv");
    EXPECT_NE(csv.find("\n4, Conv5, 121, 256, 3456,"), std::string::npos) << csv;  // 13 x 13 in, 3 x 3: 11 x 11 out
    EXPECT_NE(csv.find("\ntotal, total,"), std::string::npos);
    EXPECT_TRUE(std::filesystem::exists(folder / "accel_report.h5"));
    EXPECT_FALSE(std::filesystem::exists(folder / "accel_report.h5.partial"));
    EXPECT_NE(r.out.find("Conv1"), std::string::npos);
    // Again without --overwrite: refused, the report kept.
    const CommandResult again = run_qdes("accel --config " + scalesim("configs_shipped/scale.cfg") + " --topology " +
                                         scalesim("topologies/alexnet.csv") + " --out " + dir.path().string());
    EXPECT_EQ(again.exit_code, 2);
    EXPECT_NE(again.err.find("exists; pass --overwrite"), std::string::npos) << again.err;
    EXPECT_EQ(read_text(folder / "LAYER_REPORT.csv"), csv);
}

TEST(AccelCli, BadInputsExitTwoNamingFileLineAndReasonAndWriteNothing) {
    TempDir dir;
    const auto topo = dir.write("bad.csv",
                                "Layer name, IFMAP Height, IFMAP Width, Filter Height, Filter Width, Channels, Num "
                                "Filter, Strides,\nConv1, 224, 224, 11, 11, 3, 96, 4,\nConv2, 5, 5, 7, 7, 3, 8, 1,\n");
    const auto cfg = dir.write("tiny.cfg", "[architecture_presets]\nArrayHeight: 32\nArrayWidth: 32\nIfmapSramSzkB: 1\n"
                                           "FilterSramSzkB: 1\nOfmapSramSzkB: 1\nDataflow: ws\n");
    const auto out = dir.path() / "out";
    CommandResult r = run_qdes("accel --config " + scalesim("configs_shipped/scale.cfg") + " --topology " +
                               topo.string() + " --out " + out.string());
    EXPECT_EQ(r.exit_code, 2);
    EXPECT_NE(r.err.find("bad.csv:3: layer \"Conv2\": filter 7x7 is larger than its input 5x5"), std::string::npos)
        << r.err;
    r = run_qdes("accel --config " + cfg.string() + " --topology " + scalesim("topologies/alexnet.csv") + " --out " +
                 out.string());
    EXPECT_EQ(r.exit_code, 2);
    EXPECT_NE(r.err.find("alexnet.csv:2: layer \"Conv1\": the filter buffer (1024 B, so 512 B per half) cannot hold "
                         "one fold's stationary weight tile (1024 B)"),
              std::string::npos)
        << r.err;
    r = run_qdes("accel --config " + scalesim("topologies/alexnet.csv") + " --topology x --out " + out.string());
    EXPECT_EQ(r.exit_code, 2);
    EXPECT_NE(r.err.find("alexnet.csv:1: expected \"key: value\""), std::string::npos) << r.err;
    EXPECT_FALSE(std::filesystem::exists(out));
}

TEST(AccelCli, ScenarioRunPrintsTheLayerTable) {
    TempDir dir;
    const CommandResult r = run_qdes("run " + (source_dir() / "scenarios/accel/alexnet_os32.yaml").string() +
                                     " --out " + dir.path().string());
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_NE(r.out.find("32x32 os array at 1 GHz, ddr4_2400 (19.2 GB/s)"), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("  Conv5 "), std::string::npos);
    EXPECT_TRUE(std::filesystem::exists(dir.path() / "alexnet_os32.h5"));
}

// The accelerator's DRAM replaced by the example SystemC/TLM-2.0 model (hardware/systemc/models/open_page_dram.cc)
// through the bridge: the same statistics and layer table as the built-in DRAM, printed digit for digit; an
// unknown model is refused at the component's line with the models known.
TEST(AccelCli, ASystemCDramModelStandsInForTheBuiltinOne) {
    TempDir dir;
    const std::string scenario = (source_dir() / "scenarios/accel/pruned_quantized_gemm.yaml").string();
    const auto printed = [&](const std::string& model, const std::string& more = "") {
        const CommandResult r = run_qdes("run " + scenario + " --no-progress --set components.accel.dram_model=" +
                                         model + more + " --overwrite --out " + (dir.path() / model).string());
        EXPECT_EQ(r.exit_code, 0) << r.err;
        std::string kept;  // without the wall-clock and output lines
        std::istringstream lines(r.out);
        for (std::string line; std::getline(lines, line);)
            if (line.find("wall") == std::string::npos && line.rfind("output:", 0) != 0) kept += line + "\n";
        return kept;
    };
    const std::string builtin = printed("builtin");
    EXPECT_NE(builtin.find("accel.cycles"), std::string::npos) << builtin;
    EXPECT_EQ(printed("open_page_dram"), builtin);
    const auto cycles_in = [](const std::string& printed) {
        const std::size_t at = printed.find("accel.cycles");
        return at == std::string::npos ? 0.0 : std::stod(printed.substr(at + 12));
    };
#if !defined(__SANITIZE_ADDRESS__)  // SystemC threads confuse AddressSanitizer (tlm_memory_bridge.test.cc)
    // In lock step with SystemC's scheduler (the model annotates its delays, so the times are the same).
    EXPECT_EQ(printed("open_page_dram", " --set components.accel.dram_sync=lockstep"), builtin);
    EXPECT_EQ(printed("open_page_dram", " --set components.accel.dram_sync=lockstep"
                                        " --set components.accel.dram_quantum=1us"),
              builtin);
    // Approximately timed: the layers' accesses overlap, and each waits in SystemC time for the one before, so
    // the same layers take longer than with the loosely timed bridge.
    const std::string at = printed("open_page_dram", " --set components.accel.dram_sync=lockstep"
                                                     " --set components.accel.dram_protocol=at");
    EXPECT_GT(cycles_in(at), cycles_in(builtin)) << at;
    const CommandResult at_decoupled = run_qdes("run " + scenario + " --set components.accel.dram_model=open_page_dram"
                                                " --set components.accel.dram_protocol=at --out " +
                                                (dir.path() / "a").string());
    EXPECT_EQ(at_decoupled.exit_code, 2);
    EXPECT_NE(at_decoupled.err.find("components.accel: dram_protocol: at needs dram_sync: lockstep"),
              std::string::npos)
        << at_decoupled.err;
#endif
    const CommandResult lockstep_builtin =
        run_qdes("run " + scenario + " --set components.accel.dram_sync=lockstep --out " + (dir.path() / "b").string());
    EXPECT_EQ(lockstep_builtin.exit_code, 2);
    EXPECT_NE(lockstep_builtin.err.find("pruned_quantized_gemm.yaml:15:3: components.accel: dram_sync: lockstep "
                                        "needs a SystemC model in dram_model"),
              std::string::npos)
        << lockstep_builtin.err;
    // A model from a shared library (hardware/systemc/plugins/closed_page_dram.cc): closed pages lose the row hits
    // of the layers' streaming reads, so the same layers take longer.
    const std::string plugin = std::string(QDES_BINARY_DIR) + "/lib/libqdes_closed_page_dram.so";
    const std::string closed =
        printed("closed_page_dram", " --set components.accel.dram_model_library=" + plugin);
    EXPECT_GT(cycles_in(closed), 1.05 * cycles_in(builtin)) << closed;
    const CommandResult no_library = run_qdes("run " + scenario + " --set components.accel.dram_model_library=" +
                                              "missing.so --out " + (dir.path() / "m").string());
    EXPECT_EQ(no_library.exit_code, 2);
    EXPECT_NE(no_library.err.find("pruned_quantized_gemm.yaml:15:3: components.accel: dram_model_library: cannot "
                                  "load " + (source_dir() / "scenarios/accel/missing.so").string() + ": "),
              std::string::npos)
        << no_library.err;
    const CommandResult bad = run_qdes("run " + scenario + " --set components.accel.dram_model=nope --out " +
                                       (dir.path() / "bad").string());
    EXPECT_EQ(bad.exit_code, 2);
    EXPECT_NE(bad.err.find("pruned_quantized_gemm.yaml:15:3: components.accel: dram_model: no memory model \"nope\" "
                           "(known: builtin, open_page_dram)"),
              std::string::npos)
        << bad.err;
}

TEST(AccelCli, ScenarioWithBuffersTooSmallFailsBeforeTheRun) {
    // The layers fit no fold in the accelerator's buffers: the scenario is rejected while it is built (exit 2,
    // naming the scenario file, line and component), and no run file is written.
    TempDir dir;
    const auto scenario = dir.write("tiny.yaml",
                                    "name: tiny\n"
                                    "components:\n"
                                    "  net:\n"
                                    "    kind: nn_workload\n"
                                    "    layers: [\"fc: gemm M=64 N=64 K=64\"]\n"
                                    "  accel:\n"
                                    "    kind: systolic_accelerator\n"
                                    "    dataflow: ws\n"
                                    "    filter_sram: 1 KiB\n"
                                    "links:\n"
                                    "  - {from: net.out, to: accel.in}\n"
                                    "  - {from: accel.done, to: net.done}\n");
    const CommandResult r = run_qdes("run " + scenario.string() + " --out " + (dir.path() / "out").string());
    EXPECT_EQ(r.exit_code, 2);
    EXPECT_NE(r.err.find("tiny.yaml:3"), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("components.net"), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("layer \"fc\": the filter buffer (1024 B, so 512 B per half) cannot hold one fold's "
                         "stationary weight tile (1024 B) (on accel)"),
              std::string::npos)
        << r.err;
    EXPECT_FALSE(std::filesystem::exists(dir.path() / "out"));
}

/// The mean `qdes run` printed for `statistic` in its table ("  name   mean ± error unit"); -1 (and a failure)
/// when it is missing.
double printed_statistic(const std::string& out, const std::string& statistic) {
    const auto at = out.find(" " + statistic + " ");
    EXPECT_NE(at, std::string::npos) << statistic << " not printed:\n" << out;
    return at == std::string::npos ? -1.0 : std::stod(out.substr(at + statistic.size() + 2));
}

TEST(NnModelCli, ScenarioReportsTheFixturesPyTorchAccuracyAndRefusesBadModels) {
    // The dense CNN evaluated by the nn_model component over the 10 000 test images gives the top-1 accuracy PyTorch
    // measured when it trained the fixture (stored in the file), and the network's MACs.
    TempDir dir;
    const std::string scenario = (source_dir() / "scenarios" / "workloads" / "cnn_nm_sparsity.yaml").string();
    const CommandResult r =
        run_qdes("run " + scenario + " --set components.net.prune=none --out " + dir.path().string());
    ASSERT_EQ(r.exit_code, 0) << r.err;
    const auto ref = nn::read_reference(nn_fixture("fmnist_cnn.h5"));
    ASSERT_TRUE(ref.has_value());
    auto printed = [&](const std::string& statistic) { return printed_statistic(r.out, statistic); };
    EXPECT_NEAR(printed("net.accuracy"), ref->top1, 5e-5);  // 10 000 samples: a multiple of 1e-4, printed to 4 digits
    EXPECT_NEAR(printed("net.macs"), 16 * 28 * 28 * 9 + 32 * 14 * 14 * 16 * 9 + 1568 * 64 + 64 * 10, 6);
    EXPECT_EQ(r.out.find("weight sparsity:"), std::string::npos) << r.out;  // dense: no sparsity table
    // 2:4 (conv1 left dense): Distiller's table, half of fc1's 100 352 weights kept, 50% fine-grained sparsity.
    const CommandResult nm = run_qdes("run " + scenario + " --set components.net.test_samples=100 --out " +
                                      dir.path().string() + " --overwrite");
    ASSERT_EQ(nm.exit_code, 0) << nm.err;
    EXPECT_NE(nm.out.find("net weight sparsity:"), std::string::npos) << nm.out;
    EXPECT_NE(nm.out.find("fc1                          64x1568                100352      50176    0.00    0.00    "
                          "0.00    0.00    0.00   50.00"),
              std::string::npos)
        << nm.out;
    const CommandResult bad =
        run_qdes("run " + scenario + " --set components.net.model=missing.h5 --out " + dir.path().string());
    EXPECT_EQ(bad.exit_code, 2);
    EXPECT_NE(bad.err.find("cnn_nm_sparsity.yaml:8:3: components.net: model: "), std::string::npos) << bad.err;
    const CommandResult shape =
        run_qdes("run " + scenario + " --set components.net.dataset=digits --out " + dir.path().string());
    EXPECT_EQ(shape.exit_code, 2);
    EXPECT_NE(shape.err.find("dataset: dataset digits has samples of shape [64]"), std::string::npos) << shape.err;
}

TEST(NnModelCli, StructuredPruningAndQuantizationShrinkTheNetworkAndRefuseBadSettings) {
    TempDir dir;
    const std::string scenario = (source_dir() / "scenarios" / "workloads" / "cnn_nm_sparsity.yaml").string();
    const std::string base =
        "run " + scenario + " --out " + dir.path().string() + " --overwrite --set components.net.prune_exclude=[]";
    // Half of conv1's 16 filters, conv2's 32 and fc1's 64 units merged away, batch norm folded into the convolutions
    // (which gain biases), weights and activations at 4 and 8 bits.
    const CommandResult r = run_qdes(base +
                                     " --set components.net.prune=merge --set components.net.prune_ratio=0.5"
                                     " --set components.net.quantize=weights_activations"
                                     " --set components.net.weight_bits=4 --set components.net.test_samples=1000");
    ASSERT_EQ(r.exit_code, 0) << r.err;
    auto printed = [&](const std::string& statistic) { return printed_statistic(r.out, statistic); };
    const double weights = 8 * 9 + 16 * 8 * 9 + 16 * 7 * 7 * 32 + 32 * 10;
    EXPECT_EQ(printed("net.params"), weights + 8 + 16 + 32 + 10);
    EXPECT_EQ(printed("net.model_size"), weights * 4 / 8 + (8 + 16 + 32 + 10) * 4);  // a float32 scale per channel
    const double macs = 8 * 28 * 28 * 9 + 16 * 14 * 14 * 8 * 9 + 16 * 7 * 7 * 32 + 32 * 10;
    EXPECT_NEAR(printed("net.macs"), macs, 1);
    EXPECT_NEAR(printed("net.bops"), macs * 4 * 8, 64);
    // Bad settings: one message each, naming the key, exit 2.
    const std::vector<std::pair<std::string, std::string>> bad = {
        {"prune=filter --set components.net.prune_ratio=1", "components.net: prune_ratio: 1 is outside (0, 1)"},
        {"prune=magnitude --set components.net.prune_ratio=1", "components.net: prune_ratio: 1 removes every weight"},
        {"quantize=weights --set components.net.weight_bits=32",
         "components.net: weight_bits: 32 bits is outside the quantizer's range 2..16"},
        {"prune=filter --set components.net.prune_layers=[fc2]",
         "components.net: prune: structured pruning of fc2: its units reach the network's output"},
        {"prune=merge --set components.net.prune_layers=[conv9]",
         "components.net: prune_layers: no layer named 'conv9'"},
    };
    for (const auto& [set, message] : bad) {
        const CommandResult b = run_qdes(base + " --set components.net." + set);
        EXPECT_EQ(b.exit_code, 2) << set;
        EXPECT_NE(b.err.find(message), std::string::npos) << set << ":\n" << b.err;
        EXPECT_NE(b.err.find("1 error; nothing was run"), std::string::npos) << set << ":\n" << b.err;
    }
}

TEST(NnModelCli, TrainingExpertPruningAndMixedPrecisionRunFromScenariosAndRefuseBadSettings) {
    TempDir dir;
    const std::string workloads = (source_dir() / "scenarios" / "workloads").string();
    // Two lottery rounds at 50% on the digits MLP: fc1 and fc2 keep a quarter of their 8192 weights, fc3 (25% per
    // round) 640 - round(640 (1 - 0.75^2)) = 360; the 202 biases stay.
    const CommandResult lt = run_qdes("run " + workloads + "/digits_lottery.yaml --out " + dir.path().string() +
                                      " --overwrite --set components.net.lottery_rounds=2");
    ASSERT_EQ(lt.exit_code, 0) << lt.err;
    EXPECT_EQ(printed_statistic(lt.out, "net.nonzero_params"), 2048 + 2048 + 360 + 202);
    EXPECT_GT(printed_statistic(lt.out, "net.accuracy"), 0.9);
    // Half of the 8 experts pruned: the router keeps 4 rows, the experts 4 (fc1 64x32+64, fc2 32x64+32).
    const CommandResult moe =
        run_qdes("run " + workloads + "/moe_expert_pruning.yaml --out " + dir.path().string() + " --overwrite");
    ASSERT_EQ(moe.exit_code, 0) << moe.err;
    EXPECT_EQ(printed_statistic(moe.out, "net.params"), 16 * 32 + 32 + 4 * 33 + 4 * 4192 + 1568 * 10 + 10);
    // Mixed precision at alpha 0: every layer at the lowest width, 2 bits.
    const CommandResult mixed =
        run_qdes("run " + workloads + "/cnn_mixed_precision.yaml --out " + dir.path().string() +
                 " --overwrite --set components.net.mixed_alpha=0 --set components.net.hessian_probes=4"
                 " --set components.net.hessian_samples=32 --set components.net.test_samples=500");
    ASSERT_EQ(mixed.exit_code, 0) << mixed.err;
    const double scales = (16 + 32 + 64 + 10) * 4;  // per-channel float32 scales
    EXPECT_EQ(printed_statistic(mixed.out, "net.model_size"),
              (16 * 9 + 32 * 16 * 9 + 1568 * 64 + 64 * 10) * 2 / 8 + scales);
    // Under a latency budget on a bit-serial array, alpha 0 is the fastest allocation (every layer at 2 bits) and
    // alpha 1 lets the penalty choose freely (every layer at 8 bits, the smallest error); 2-bit weights run faster.
    const std::string latency = "run " + workloads + "/cnn_mixed_precision_latency.yaml --out " + dir.path().string() +
                                " --overwrite --set components.net.hessian_probes=4"
                                " --set components.net.hessian_samples=32 --set components.net.test_samples=200";
    const CommandResult fast = run_qdes(latency + " --set components.net.mixed_alpha=0");
    const CommandResult slow = run_qdes(latency + " --set components.net.mixed_alpha=1");
    ASSERT_EQ(fast.exit_code, 0) << fast.err;
    ASSERT_EQ(slow.exit_code, 0) << slow.err;
    EXPECT_EQ(printed_statistic(fast.out, "net.model_size"),
              (16 * 9 + 32 * 16 * 9 + 1568 * 64 + 64 * 10) * 2 / 8 + scales);
    EXPECT_EQ(printed_statistic(slow.out, "net.model_size"), (16 * 9 + 32 * 16 * 9 + 1568 * 64 + 64 * 10) + scales);
    EXPECT_LT(printed_statistic(fast.out, "accel.cycles"), printed_statistic(slow.out, "accel.cycles"));
    const std::vector<std::pair<std::string, std::string>> bad = {
        {"digits_lottery.yaml --set components.net.prune=experts",
         "components.net: pretrained_model: prune: experts scores the experts against the pretrained checkpoint"},
        {"moe_expert_pruning.yaml --set components.net.prune_ratio=0.9",
         "components.net: prune_ratio: 0.9 leaves 1 of the 8 experts of 'moe', fewer than its top-2 routing needs"},
        {"moe_expert_pruning.yaml --set components.net.prune=lottery",
         "components.net: prune: node 'moe': the trainer does not train mixture-of-experts nodes"},
        {"cnn_mixed_precision.yaml --set components.net.mixed_bits=[4,x]",
         "components.net: mixed_bits: 'x' is not a bit width"},
        {"cnn_mixed_precision.yaml --set components.net.mixed_bits=[1,8]",
         "components.net: mixed_bits: 1 bits is outside the quantizer's range 2..16"},
        {"digits_lottery.yaml --set components.net.prune_ratio=1",
         "components.net: prune_ratio: 1 per round is outside (0, 1)"},
        {"cnn_mixed_precision.yaml --set components.net.mixed_budget=latency",
         "components.net: mixed_latency_on: mixed_budget: latency measures each layer on an accelerator"},
        {"cnn_mixed_precision.yaml --set components.net.mixed_budget=latency --set "
         "components.net.mixed_latency_on=nope",
         "components.net: mixed_latency_on: nope is no component of the scenario (or failed to build)"},
        {"cnn_mixed_precision.yaml --set components.net.mixed_budget=latency --set components.net.mixed_latency_on=net",
         "components.net: components name each other in a cycle (net.mixed_latency_on -> net)"},
    };
    for (const auto& [set, message] : bad) {
        const CommandResult b = run_qdes("run " + workloads + "/" + set + " --out " + dir.path().string() + "/bad");
        EXPECT_EQ(b.exit_code, 2) << set;
        EXPECT_NE(b.err.find(message), std::string::npos) << set << ":\n" << b.err;
        EXPECT_NE(b.err.find("1 error; nothing was run"), std::string::npos) << set << ":\n" << b.err;
    }
}

TEST(NnModelCli, HalfTheMacsOfResNet18AndMobileNetV2GoAndTheLayerReportJoinsTheAccelerator) {
    TempDir dir;
    const std::string scenario =
        (source_dir() / "scenarios" / "workloads" / "resnet18_mobilenet_flops50.yaml").string();
    const std::string base = "run " + scenario + " --out " + dir.path().string() + " --overwrite";
    // ResNet-18's 1.814 GMAC and MobileNetV2's 300.8 MMAC halved, to within a unit's step: at most half remains.
    for (const auto& [model, macs] :
         std::vector<std::pair<std::string, double>>{{"resnet18", 1814073344.0}, {"mobilenet_v2", 300774272.0}}) {
        const CommandResult r =
            run_qdes(base + " --set components.net.model=../../tests/fixtures/nn/" + model + ".onnx");
        ASSERT_EQ(r.exit_code, 0) << r.err;
        EXPECT_LE(printed_statistic(r.out, "net.macs"), 0.5 * macs) << model;
        EXPECT_GT(printed_statistic(r.out, "net.macs"), 0.49 * macs) << model;
        // The report's total row: weights, dense %, MACs, cycles, util %, DRAM MB, energy uJ; its cycles and energy
        // are the accelerator's.
        const auto at = r.out.find("\n  total ");
        ASSERT_NE(at, std::string::npos) << r.out;
        std::istringstream total(r.out.substr(at + 8));
        double weights = 0, dense = 0, report_macs = 0, cycles = 0, util = 0, dram = 0, energy = 0;
        total >> weights >> dense >> report_macs >> cycles >> util >> dram >> energy;
        EXPECT_NEAR(cycles, printed_statistic(r.out, "accel.cycles"), 1e-5 * cycles) << model;  // 6 digits
        EXPECT_NEAR(energy, printed_statistic(r.out, "accel.energy"), 1e-5 * energy) << model;
        EXPECT_NEAR(report_macs, printed_statistic(r.out, "net.macs"), 1e-3 * macs) << model;
        if (model != "resnet18") continue;
        // The recorded net.layers table: ResNet-18's 20 convolutions and its classifier, by name, cycles summing to
        // the accelerator's.
        struct Row {
            TraceText<64> name;
            double cycles, macs;
        };
        const auto schema = TraceSchemaBuilder<Row>("net.layers", "")
                                .field("name", &Row::name, "", "")
                                .field("cycles", &Row::cycles, "", "")
                                .field("macs", &Row::macs, "", "")
                                .build();
        h5::Handle file = h5::open_file_read((dir.path() / "resnet18_mobilenet_flops50.h5").string());
        h5::Handle trace = h5::open_group(file.id(), "trace");
        std::vector<std::string> names;
        double sum_cycles = 0, sum_macs = 0;
        h5::read_rows<Row>(trace.id(), "net.layers", h5::compound_type(schema), [&](const Row& row) {
            names.emplace_back(row.name.text);
            sum_cycles += row.cycles;
            sum_macs += row.macs;
        });
        ASSERT_EQ(names.size(), 21u);
        EXPECT_EQ(names.front(), "conv1");
        EXPECT_EQ(names.back(), "fc");
        EXPECT_EQ(sum_cycles, cycles);
        EXPECT_NEAR(sum_macs, printed_statistic(r.out, "net.macs"), 1e-5 * sum_macs);
        // analysis/workload_campaign.py layers: the table (the stem keeps its 3 x 64 x 7 x 7 weights, the classifier
        // its 512 x 1000) and the plot.
        const CommandResult report = run_command(
            "/usr/bin/python3 " + (source_dir() / "analysis" / "workload_campaign.py").string() + " layers " +
            (dir.path() / "resnet18_mobilenet_flops50.h5").string() + " " + dir.path().string());
        ASSERT_EQ(report.exit_code, 0) << report.err;
        EXPECT_NE(report.out.find("| conv1 | 9408 | 100.0% | 118 013 952 | 8/8 |"), std::string::npos) << report.out;
        EXPECT_NE(report.out.find("| fc | 512 000 | 100.0% |"), std::string::npos) << report.out;
        EXPECT_TRUE(std::filesystem::exists(dir.path() / "resnet18_mobilenet_flops50-layers.png"));
    }
    const std::vector<std::pair<std::string, std::string>> bad = {
        {"prune=magnitude", "components.net: prune_target: macs solves the per-layer unit ratio of filter, merge"},
        {"prune_ratio=0.99",
         "components.net: prune_ratio: removing 99% of resnet18's MACs needs more than its 8 shrinkable layers"},
        {"prune=merge --set components.net.model=../../tests/fixtures/nn/mobilenet_v2.onnx",
         "a depthwise convolution filtering each channel with its own kernel"},
    };
    for (const auto& [set, message] : bad) {
        const CommandResult b = run_qdes(base + " --set components.net." + set);
        EXPECT_EQ(b.exit_code, 2) << set;
        EXPECT_NE(b.err.find(message), std::string::npos) << set << ":\n" << b.err;
    }
}

TEST(NnModelCli, LotterySweepBecomesATableAndAPlot) {
    // analysis/workload_campaign.py on a two-round lottery sweep (one seed, ticket and control): round 0 is the same
    // dense network for both, so its two accuracies are equal; the plot is written.
    TempDir dir;
    std::string text = read_text(source_dir() / "scenarios" / "workloads" / "digits_lottery.yaml");
    text.replace(text.find("../../tests/fixtures/nn/digits_mlp.h5"), 37, nn_fixture("digits_mlp.h5"));
    text = text.substr(0, text.find("sweep:")) +
           "sweep:\n  grid:\n    components.net.lottery_rounds: [0, 1]\n"
           "    components.net.lottery_control: [none, reinit]\n";
    const auto scenario = dir.write("lottery.yaml", text);
    const CommandResult sweep =
        run_qdes("sweep " + scenario.string() + " --jobs 2 --no-progress --out " + dir.path().string());
    ASSERT_EQ(sweep.exit_code, 0) << sweep.err;
    const CommandResult table =
        run_command("/usr/bin/python3 " + (source_dir() / "analysis" / "workload_campaign.py").string() + " lottery " +
                    (dir.path() / "digits_lottery-campaign.h5").string() + " " + dir.path().string());
    ASSERT_EQ(table.exit_code, 0) << table.err;
    const auto row = table.out.find("| 0 | 100.00% | ");
    ASSERT_NE(row, std::string::npos) << table.out;
    const std::string cells = table.out.substr(row, table.out.find('\n', row) - row);
    // "| 0 | 100.00% | <ticket> | <control> | 1 |"
    std::vector<std::string> parts;
    for (std::size_t at = 0, bar; (bar = cells.find(" | ", at)) != std::string::npos; at = bar + 3)
        parts.push_back(cells.substr(bar + 3, cells.find(" | ", bar + 3) - bar - 3));
    ASSERT_EQ(parts.size(), 4u) << cells;
    EXPECT_EQ(parts[1], parts[2]) << cells;
    EXPECT_GT(std::stod(parts[1]), 90.0) << cells;
    EXPECT_NE(table.out.find("| 1 | "), std::string::npos) << table.out;
    EXPECT_TRUE(std::filesystem::exists(dir.path() / "digits_lottery-campaign-lottery.png"));
}

}  // namespace
}  // namespace qdes::testing
