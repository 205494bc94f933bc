// qdes accel --config FILE.cfg --topology FILE.csv --out DIR [--gemm] [--scalesim-compat] [options]

#include <cstdio>
#include <filesystem>
#include <stdexcept>

#include "apps/qdes/accel_report.h"
#include "apps/qdes/cli.h"
#include "hardware/accel/accelerator.h"
#include "hardware/accel/scalesim_config.h"
#include "protocols/inference/topology.h"
#include "protocols/inference/workload.h"
#include "sim/simulation.h"
#include "sim/units.h"

namespace po = boost::program_options;
namespace fs = std::filesystem;

namespace qdes::cli {

int accel_main(const std::vector<std::string>& args, const std::string& command_line) {
    po::options_description options("options");
    options.add_options()("help,h", "describe this command")(
        "config", po::value<std::string>(), "SCALE-Sim configuration file (.cfg), read unchanged (required)")(
        "topology", po::value<std::string>(), "SCALE-Sim topology file (.csv) (required)")(
        "out", po::value<std::string>(), "output folder; reports go to DIR/<run_name>/ (required)")(
        "gemm", "the topology is in Layer, M, N, K form")(
        "scalesim-compat", "reproduce SCALE-Sim v2's CALC-mode cycles and utilisations exactly; write COMPUTE_REPORT.csv")(
        "scalesim-mean", po::value<std::string>()->default_value("python"),
        "compatible mode: average utilisations as SCALE-Sim v2 does now (python) or as the revision that wrote its "
        "golden report (numpy)")(
        "dram", po::value<std::string>()->default_value("ddr4_2400"), "DRAM preset: ddr4_2400, lpddr4_3200, hbm2")(
        "dram-channels", po::value<unsigned>()->default_value(0), "DRAM channels (0: the preset's)")(
        "clock", po::value<std::string>()->default_value("1 GHz"), "array clock")(
        "literal-depthwise", "read a one-filter, many-channel row as a dense GEMM, as SCALE-Sim does (default in "
                             "compatible mode), not as a depthwise convolution")(
        "overwrite", "replace reports already in the output folder");
    int exit_code = kExitOk;
    std::optional<ParsedArgs> parsed = parse_args(
        "accel", args, options,
        "usage: qdes accel --config FILE.cfg --topology FILE.csv --out DIR [--gemm] [--scalesim-compat] [options]\n\n"
        "Runs a network on a systolic-array accelerator described by a SCALE-Sim configuration file.\n"
        "Default (realistic) mode: overlapped folds, double-buffered SRAM, a DRAM timed bank by bank, energy;\n"
        "writes LAYER_REPORT.csv and accel_report.h5. --scalesim-compat: SCALE-Sim v2's numbers exactly, in its\n"
        "COMPUTE_REPORT.csv. Scenario files (qdes run) can say more: see scenarios/accel/.\n",
        exit_code);
    if (!parsed) return exit_code;
    const po::variables_map& vm = parsed->options;
    const auto bad = [](const std::string& m) {
        std::fprintf(stderr, "qdes accel: %s\n", m.c_str());
        return kExitBadInput;
    };
    if (!parsed->files.empty()) return bad("unexpected argument \"" + parsed->files[0] + "\" (see qdes accel --help)");
    for (const char* required : {"config", "topology", "out"})
        if (!vm.count(required)) return bad(std::string("--") + required + " is required");
    AccelOptions request;
    request.config = vm["config"].as<std::string>();
    request.topology = vm["topology"].as<std::string>();
    request.gemm = vm.count("gemm") > 0;
    request.scalesim_compat = vm.count("scalesim-compat") > 0;
    request.scalesim_mean = vm["scalesim-mean"].as<std::string>();
    request.dram = vm["dram"].as<std::string>();
    request.dram_channels = vm["dram-channels"].as<unsigned>();
    request.clock = vm["clock"].as<std::string>();
    request.literal_depthwise = vm.count("literal-depthwise") > 0;
    const bool compat = request.scalesim_compat;
    AccelJob job;
    try {
        job = prepare_accel(request);
    } catch (const std::exception& e) {  // AccelInputError or a bad option
        return bad(e.what());
    }
    const accel::ScaleSimConfig& cfg = job.cfg;
    const accel::AcceleratorSetup& setup = job.setup;
    const std::vector<accel::GemmOp>& ops = job.ops;

    const fs::path dir = fs::path(vm["out"].as<std::string>()) / cfg.run_name;
    const fs::path main_report = dir / (compat ? "COMPUTE_REPORT.csv" : "LAYER_REPORT.csv");
    std::error_code ec;
    fs::create_directories(dir, ec);
    if (ec) return bad("cannot create " + dir.string() + ": " + ec.message());
    if (fs::exists(main_report) && !vm.count("overwrite"))
        return bad(main_report.string() + " exists; pass --overwrite to replace it");

    Simulation sim;
    const accel::Accelerator& accelerator = inference::add_network(sim, ops, setup);
    try {
        sim.run();
        sim.finish();
    } catch (const SimulationError& e) {
        std::fprintf(stderr, "qdes accel: %s\n", e.what());
        return kExitSimulationFailed;
    }
    std::printf("%s: %zu layers from %s on %s\n", cfg.run_name.c_str(), ops.size(),
                vm["topology"].as<std::string>().c_str(), vm["config"].as<std::string>().c_str());
    try {
        if (compat) {
            print_scalesim_table(stdout, accelerator.scalesim_results());
            write_text_file(main_report, accel_report_csv(job, accelerator));
        } else {
            print_layer_table(stdout, setup, accelerator.results());
            write_text_file(main_report, accel_report_csv(job, accelerator));
            const fs::path h5 = dir / "accel_report.h5";
            fs::remove(h5, ec);
            write_accel_h5(h5, setup, accelerator.results(), command_line);
            std::printf("output: %s, %s\n", main_report.string().c_str(), h5.string().c_str());
            return kExitOk;
        }
    } catch (const std::exception& e) {
        std::fprintf(stderr, "qdes accel: writing the reports: %s\n", e.what());
        return kExitSimulationFailed;
    }
    std::printf("output: %s\n", main_report.string().c_str());
    return kExitOk;
}

AccelJob prepare_accel(const AccelOptions& o) {
    if (o.scalesim_mean != "python" && o.scalesim_mean != "numpy")
        throw std::invalid_argument("--scalesim-mean: expected python or numpy, got \"" + o.scalesim_mean + "\"");
    AccelJob job;
    job.cfg = accel::read_scalesim_config(o.config);
    inference::LoweringOptions lowering;
    lowering.single_filter_is_depthwise = !o.scalesim_compat && !o.literal_depthwise;
    job.ops = inference::lower(inference::read_topology_csv(o.topology, o.gemm), lowering);
    accel::AcceleratorSetup& setup = job.setup;
    setup.mode = o.scalesim_compat ? accel::AccelMode::kScaleSim : accel::AccelMode::kRealistic;
    setup.scalesim_mean = o.scalesim_mean == "numpy" ? accel::ScaleSimMean::kNumpyMean : accel::ScaleSimMean::kPythonSum;
    setup.config = accel::accelerator_config_of(job.cfg);
    accel::AcceleratorConfig& c = setup.config;
    c.dram = accel::dram_preset(o.dram);
    c.clock_hz = parse_frequency(o.clock).hertz();
    if (o.dram_channels > 0) c.dram.channels = o.dram_channels;
    if (!o.scalesim_compat)
        for (const accel::GemmOp& op : job.ops) accel::check_buffers(c, op);
    return job;
}

std::string accel_report_csv(const AccelJob& job, const accel::Accelerator& accelerator) {
    return job.setup.mode == accel::AccelMode::kScaleSim ? accel::compute_report_csv(accelerator.scalesim_results())
                                                          : layer_report_csv(job.setup, accelerator.results());
}

}  // namespace qdes::cli
