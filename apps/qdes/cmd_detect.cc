// qdes detect CIRCUIT --shots N --out FILE [--out-format 01|b8] [--seed S] [--noise MODEL --p P ...]

#include <atomic>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <memory>
#include <sstream>
#include <thread>
#include <unistd.h>

#include "apps/qdes/circuit_input.h"
#include "apps/qdes/cli.h"
#include "models/quantum/batch_sampling.h"
#include "models/quantum/circuit.h"
#include "models/quantum/frame_simulator.h"
#include "models/quantum/noise.h"
#include "models/quantum/program.h"
#include "models/quantum/shot_format.h"

namespace po = boost::program_options;

namespace qdes::cli {

namespace {

std::atomic<bool> g_detect_interrupted{false};
extern "C" void on_detect_signal(int sig) {
    g_detect_interrupted.store(true);
    std::signal(sig, SIG_DFL);
}

}  // namespace

int detect_main(const std::vector<std::string>& args) {
    po::options_description options("options");
    options.add_options()("help,h", "describe this command")(
        "shots", po::value<std::uint64_t>(), "number of shots (required)")(
        "out", po::value<std::string>(), "output file (required); '-' writes to stdout")(
        "out-format", po::value<std::string>()->default_value("01"), "01 (a line of 0/1 per shot) or b8 (packed bytes)")(
        "seed", po::value<std::uint64_t>()->default_value(1), "random seed; the same seed and batch give the same file")(
        "batch", po::value<std::uint64_t>(), "shots simulated together (default: sized to the circuit, 512..16384)")(
        "threads", po::value<unsigned>()->default_value(std::max(1u, std::thread::hardware_concurrency())),
        "threads simulating batches (default: every core); the file does not depend on it")(
        "progress", "report progress on stderr even when it is not a terminal")(
        "no-progress", "never report progress");
    add_noise_options(options);
    int exit_code = kExitOk;
    std::optional<ParsedArgs> parsed = parse_args(
        "detect", args, options,
        "usage: qdes detect CIRCUIT --shots N --out FILE [options]\n\n"
        "Samples a circuit in Stim's text format (plus CCX, CCZ, MCX) and writes, for each shot, its detection events\n"
        "followed by its observable flips, as `stim detect --append_observables` does.\n",
        exit_code);
    if (!parsed) return exit_code;
    const po::variables_map& vm = parsed->options;
    auto bad = [](const std::string& m) {
        std::fprintf(stderr, "qdes detect: %s\n", m.c_str());
        return kExitBadInput;
    };
    if (parsed->files.size() != 1) return bad("expected one circuit file (see qdes detect --help)");
    if (!vm.count("shots")) return bad("--shots is required");
    if (!vm.count("out")) return bad("--out is required");
    const std::uint64_t shots = vm["shots"].as<std::uint64_t>();
    if (shots == 0) return bad("--shots must be at least 1");
    const std::string out_path = vm["out"].as<std::string>();
    quantum::ShotFormat format;
    try {
        format = quantum::parse_shot_format(vm["out-format"].as<std::string>());
    } catch (const std::invalid_argument& e) {
        return bad(std::string("--out-format: ") + e.what());
    }
    std::optional<quantum::Circuit> circuit = read_noisy_circuit("detect", parsed->files[0], vm);
    if (!circuit) return kExitBadInput;
    quantum::Program program;
    try {
        program = quantum::compile(*circuit);
    } catch (const quantum::CircuitError& e) {
        std::fprintf(stderr, "%s\n", e.what());
        return kExitBadInput;
    }
    std::size_t batch = vm.count("batch") ? std::size_t(vm["batch"].as<std::uint64_t>())
                                          : quantum::default_batch_shots(program.num_qubits);
    if (batch == 0 || batch > (1u << 24)) return bad("--batch must be between 1 and 16777216");
    if (vm["threads"].as<unsigned>() == 0) return bad("--threads must be at least 1");

    // Write next to the destination and rename at the end, so an interrupted run never leaves a partial file
    // under the name the user asked for (or clobbers an older one).
    const bool to_stdout = out_path == "-";
    std::filesystem::path final_path(out_path), temp_path;
    std::ofstream file;
    if (!to_stdout) {
        temp_path = final_path;
        temp_path += ".partial";
        file.open(temp_path, std::ios::binary | std::ios::trunc);
        if (!file) return bad("cannot write " + temp_path.string());
    }
    std::ostream& out = to_stdout ? std::cout : static_cast<std::ostream&>(file);

    const bool progress = !vm.count("no-progress") && (vm.count("progress") || isatty(STDERR_FILENO));
    g_detect_interrupted.store(false);  // a host that runs several commands (the Python module) starts each afresh
    auto old_int = std::signal(SIGINT, on_detect_signal);
    auto old_term = std::signal(SIGTERM, on_detect_signal);
    // Batch k runs on its own random stream (seed, k) and is formatted on the worker that simulated it; the batches
    // are written in order, so the file is the same for any --threads.
    std::vector<std::unique_ptr<quantum::FrameSimulator>> sims;
    const auto t0 = std::chrono::steady_clock::now();
    double last_report = 0;
    std::uint64_t done = 0;
    quantum::sample_batches(
        program, batch, vm["seed"].as<std::uint64_t>(), shots, vm["threads"].as<unsigned>(), 0, sims,
        [&](const quantum::FrameSimulator& sim, std::uint64_t, std::size_t n) {
            if (g_detect_interrupted.load()) return std::string();
            std::ostringstream text;
            quantum::write_shots(text, sim.detectors(), sim.observables(), n, format);
            return std::move(text).str();
        },
        [&](std::string text) {
            if (g_detect_interrupted.load()) return false;
            out.write(text.data(), std::streamsize(text.size()));
            done = std::min<std::uint64_t>(shots, done + batch);
            const double elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
            if (progress && (elapsed - last_report > 0.5 || done == shots)) {
                last_report = elapsed;
                const double rate = double(done) / std::max(elapsed, 1e-9);
                std::fprintf(stderr, "\rqdes detect: %llu/%llu shots (%.0f%%), %.3g shots/s, %.0f s left   ",
                             (unsigned long long)done, (unsigned long long)shots,
                             100.0 * double(done) / double(shots), rate, double(shots - done) / rate);
                if (done == shots) std::fprintf(stderr, "\n");
            }
            return true;
        });
    std::signal(SIGINT, old_int);
    std::signal(SIGTERM, old_term);
    out.flush();
    if (g_detect_interrupted.load()) {
        if (!to_stdout) {
            file.close();
            std::filesystem::remove(temp_path);
        }
        std::fprintf(stderr, "\nqdes detect: interrupted after %llu of %llu shots; nothing was written to %s\n",
                     (unsigned long long)done, (unsigned long long)shots, out_path.c_str());
        return kExitSimulationFailed;
    }
    if (!out) {
        if (!to_stdout) std::filesystem::remove(temp_path);
        std::fprintf(stderr, "qdes detect: writing %s failed\n", out_path.c_str());
        return kExitSimulationFailed;
    }
    if (!to_stdout) {
        file.close();
        std::error_code ec;
        std::filesystem::rename(temp_path, final_path, ec);
        if (ec) {
            std::fprintf(stderr, "qdes detect: cannot move %s to %s: %s\n", temp_path.c_str(), final_path.c_str(),
                         ec.message().c_str());
            return kExitSimulationFailed;
        }
    }
    return kExitOk;
}

}  // namespace qdes::cli
