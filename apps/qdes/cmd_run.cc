// qdes run [FILE] [--set k=v]... [--out DIR] [--seed N] [--overwrite] [--progress|--no-progress] [--quiet]

#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <boost/program_options.hpp>
#include <csignal>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <set>

#include "apps/qdes/accel_report.h"
#include "apps/qdes/cli.h"
#include "apps/qdes/scenario_input.h"
#include "protocols/inference/model_workload.h"
#include "sim/checkpoint.h"
#include "sim/run_file.h"
#include "sim/scenario_build.h"
#include "sim/version.h"

namespace po = boost::program_options;
namespace fs = std::filesystem;

namespace qdes::cli {
namespace {

// Set by SIGINT/SIGTERM; the run loop polls it and stops cleanly. A second signal gets the default action.
std::atomic<bool> g_interrupted{false};
volatile std::sig_atomic_t g_signal = 0;
static_assert(std::atomic<bool>::is_always_lock_free);

extern "C" void on_stop_signal(int sig) {
    g_signal = sig;
    g_interrupted.store(true);
    std::signal(sig, SIG_DFL);
}

constexpr const char* kHelp =
    "usage: qdes run [FILE] [options]\n"
    "\n"
    "Runs a scenario and writes DIR/<name>.h5 (status, resolved scenario, traces, statistics, summary).\n"
    "Without FILE, runs the embedded default: the M/M/1 queue of scenarios/queueing/mm1.yaml.\n"
    "Ctrl-C stops the run cleanly: the file is closed, readable, with status failed.\n";

/// Prints the headline results: every statistic with its batch-means standard error.
void print_summary(const Simulation& sim, const RunResult& r, const Scenario& s, const fs::path& out) {
    std::printf("%s: stopped (%s) at %s simulated after %llu events, %.2f s wall (%.3g events/s)\n", s.name.c_str(),
                stop_reason_name(r.reason), format_duration_short(sim.now()).c_str(),
                static_cast<unsigned long long>(sim.events_executed()), r.wall_seconds,
                r.wall_seconds > 0 ? double(r.events) / r.wall_seconds : 0.0);
    print_results_header("statistic", "mean");
    for (const StatisticEntry& e : sim.statistics()) {
        StatSummary st = e.statistic->summary(sim.now());
        print_result_row(e.name.c_str(), st.mean, st.std_error, e.unit.c_str());
    }
    // A network model's per-layer report (its accelerator's columns joined in), then any other accelerator's table.
    std::set<const accel::Accelerator*> reported;
    // With zeros among its weights, also Distiller's sparsity columns.
    for (const auto& c : sim.components()) {
        const auto* m = dynamic_cast<const inference::ModelWorkload*>(c.get());
        if (m == nullptr) continue;
        const accel::Accelerator* a = m->accelerator();
        if (a != nullptr && a->setup().mode == accel::AccelMode::kRealistic) {
            reported.insert(a);
            std::printf("%s on %s: ", m->name().c_str(), a->name().c_str());
            print_array_line(stdout, a->setup());
            std::fputs(inference::format_layer_report(m->summary(), m->layers()).c_str(), stdout);
            print_energy_line(stdout, a->results());
        }
        if (std::any_of(m->sparsity().begin(), m->sparsity().end(),
                        [](const nn::WeightSparsity& w) { return w.fine > 0; }))
            std::printf("%s weight sparsity:\n%s", m->name().c_str(),
                        nn::format_sparsity_report(m->sparsity()).c_str());
    }
    for (const auto& c : sim.components()) {  // an accelerator's short per-layer table
        const auto* a = dynamic_cast<const accel::Accelerator*>(c.get());
        if (a == nullptr || reported.count(a)) continue;
        std::printf("%s:\n", a->name().c_str());
        if (a->setup().mode == accel::AccelMode::kScaleSim) print_scalesim_table(stdout, a->scalesim_results());
        else if (!a->results().empty()) print_layer_table(stdout, a->setup(), a->results());
    }
    std::printf("output: %s\n", out.string().c_str());
}

/// Checks the output directory and file before anything is written. Returns an error message, or "".
std::string prepare_output(const fs::path& dir, const fs::path& file, bool overwrite) {
    std::error_code ec;
    if (fs::exists(dir, ec) && !fs::is_directory(dir, ec)) return "output directory " + dir.string() + " is a file";
    if (!fs::exists(dir, ec)) {
        fs::create_directories(dir, ec);
        if (ec) return "cannot create output directory " + dir.string() + ": " + ec.message();
    }
    if (access(dir.c_str(), W_OK | X_OK) != 0) return "output directory " + dir.string() + " is not writable";
    if (fs::exists(file, ec)) {
        if (!overwrite) return "output file " + file.string() + " exists; pass --overwrite to replace it";
        fs::remove(file, ec);
        if (ec) return "cannot replace " + file.string() + ": " + ec.message();
    }
    return "";
}

}  // namespace

int run_main(const std::vector<std::string>& args, const std::string& command_line) {
    po::options_description options("options");
    options.add_options()("help,h", "describe this command")(
        "set", po::value<std::vector<std::string>>()->composing(),
        "override a scenario value: KEY.PATH=VALUE, e.g. components.server.servers=2 (repeatable)")(
        "out,o", po::value<std::string>()->default_value("."), "directory for the output file <name>.h5")(
        "seed", po::value<std::string>(), "run seed (replaces the scenario's)")("overwrite",
                                                                                "replace an existing output file")(
        "progress", "show progress on stderr even when it is not a terminal")("no-progress", "never show progress")(
        "quiet,q", "print nothing but errors");
    int exit_code = kExitOk;
    std::optional<ParsedArgs> parsed = parse_args("run", args, options, kHelp, exit_code);
    if (!parsed) return exit_code;
    const po::variables_map& vm = parsed->options;
    const std::vector<std::string>& files = parsed->files;
    if (files.size() > 1) {
        std::fprintf(stderr, "qdes run: one scenario file at a time (got %zu)\n", files.size());
        return kExitBadInput;
    }
    if (vm.count("progress") && vm.count("no-progress")) {
        std::fprintf(stderr, "qdes run: --progress and --no-progress contradict each other\n");
        return kExitBadInput;
    }
    std::vector<std::string> overrides = overrides_of(*parsed);
    if (vm.count("seed")) overrides.push_back("seed=" + vm["seed"].as<std::string>());
    const bool quiet = vm.count("quiet") > 0;

    ComponentRegistry registry = build_registry();
    std::optional<Scenario> scenario = load_checked_scenario(files.empty() ? "" : files[0], overrides, registry);
    if (!scenario) return kExitBadInput;

    const fs::path dir = vm["out"].as<std::string>();
    const fs::path out = dir / (scenario->name + ".h5");
    if (std::string problem = prepare_output(dir, out, vm.count("overwrite") > 0); !problem.empty()) {
        std::fprintf(stderr, "qdes run: %s\n", problem.c_str());
        return kExitBadInput;
    }

    // A checkpoint of this run (record.checkpoint_interval) from an earlier, killed attempt: continued when it
    // belongs to the same resolved scenario and code version.
    const std::string scenario_json = scenario->to_json().dump();
    const fs::path checkpoint_file = checkpoint_path_of(out);
    std::optional<Checkpoint> resume;
    std::error_code ec;
    if (fs::exists(checkpoint_file, ec)) {
        try {
            resume = read_checkpoint(checkpoint_file);
        } catch (const CheckpointError& e) {
            std::fprintf(stderr, "qdes run: %s; delete it to start the run over\n", e.what());
            return kExitBadInput;
        }
        if (resume->scenario_json != scenario_json) {
            if (!quiet)
                std::fprintf(stderr, "qdes run: %s belongs to another scenario; starting over\n",
                             checkpoint_file.c_str());
            resume.reset();
            fs::remove(checkpoint_file, ec);
        } else if (resume->code_version != code_version()) {
            std::fprintf(stderr,
                         "qdes run: %s was written by qdes %s; this is qdes %s, whose random streams and state may "
                         "differ, so it will not continue that run. Run it with qdes %s, or delete the checkpoint to "
                         "start over\n",
                         checkpoint_file.c_str(), resume->code_version.c_str(), std::string(code_version()).c_str(),
                         resume->code_version.c_str());
            return kExitBadInput;
        }
    }

    std::unique_ptr<RunFile> file;
    try {
        file = std::make_unique<RunFile>(out, RunMeta{scenario_json, scenario->file, command_line, scenario->seed},
                                         scenario->record);
    } catch (const std::exception& e) {
        std::fprintf(stderr, "qdes run: cannot create %s: %s\n", out.c_str(), e.what());
        return kExitBadInput;
    }
    Diagnostics d;
    std::optional<BuiltScenario> built = build_scenario(*scenario, registry, file.get(), d);
    if (!built) {  // validated above, so only an internal inconsistency gets here
        file->close_failed("the scenario could not be built: " + d.to_string(), nullptr);
        std::fputs(d.to_string().c_str(), stderr);
        return kExitSimulationFailed;
    }
    ProgressMode mode = vm.count("progress")                 ? ProgressMode::kOn
                        : (vm.count("no-progress") || quiet) ? ProgressMode::kOff
                                                             : ProgressMode::kAuto;
    ProgressReporter progress(stderr, mode);
    built->stop.interrupt = &g_interrupted;
    built->stop.progress = &progress;
    g_interrupted.store(false);  // a host that runs several commands (the Python module) starts each afresh
    g_signal = 0;
    auto old_int = std::signal(SIGINT, on_stop_signal);
    auto old_term = std::signal(SIGTERM, on_stop_signal);
    Simulation& sim = *built->simulation;
    try {
        if (scenario->record.checkpoint_interval_ps)
            sim.enable_checkpoints(
                {checkpoint_file, double(*scenario->record.checkpoint_interval_ps) * 1e-12, scenario_json});
        if (resume) {
            sim.resume_from(*resume);
            if (!quiet)
                std::fprintf(stderr, "qdes run: resuming from %s (written %s) at %s simulated, %llu events\n",
                             checkpoint_file.c_str(), resume->written_at.c_str(), format_duration(sim.now()).c_str(),
                             static_cast<unsigned long long>(sim.events_executed()));
        }
        RunResult result = sim.run(built->stop);
        sim.finish();
        if (result.reason == StopReason::kInterrupted) {
            std::string what = g_signal == SIGTERM ? "SIGTERM" : "SIGINT";
            file->close_failed("interrupted by " + what + " at " + format_duration(sim.now()) + " simulated", &sim);
            std::fprintf(stderr, "qdes run: interrupted by %s; %s is closed with status failed\n", what.c_str(),
                         out.c_str());
            if (sim.checkpoints_written() > 0 || resume)
                std::fprintf(stderr, "qdes run: the same command resumes from %s\n", checkpoint_file.c_str());
            exit_code = kExitSimulationFailed;
        } else {
            file->close_completed(sim, result);
            fs::remove(checkpoint_file, ec);  // the run is whole: nothing left to resume
            if (!quiet) print_summary(sim, result, *scenario, out);
            if (file->truncated()) {
                std::fprintf(stderr,
                             "qdes run: trace recording reached its cap (record.trace_bytes_max); %llu rows "
                             "were not recorded; status truncated\n",
                             static_cast<unsigned long long>(file->dropped_rows()));
            }
        }
    } catch (const CheckpointError& e) {  // from resume_from, before any event ran
        file->close_failed(e.what(), &sim);
        std::fprintf(stderr, "qdes run: %s cannot be continued: %s; delete it to start the run over\n",
                     checkpoint_file.c_str(), e.what());
        exit_code = kExitBadInput;
    } catch (const std::exception& e) {
        file->close_failed(e.what(), &sim);
        std::fprintf(stderr, "qdes run: simulation failed at %s: %s\n", format_duration(sim.now()).c_str(), e.what());
        exit_code = kExitSimulationFailed;
    }
    std::signal(SIGINT, old_int);
    std::signal(SIGTERM, old_term);
    return exit_code;
}

}  // namespace qdes::cli
