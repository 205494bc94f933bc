// qdes collect --out FILE.h5 [--circuit FILE]... [--code rotated_surface --distances 3,5 --p 0.001,0.002 ...]
//              [--decoders matching,union_find] [--max-shots N] [--max-errors E] [--jobs N]

#include <algorithm>
#include <atomic>
#include <charconv>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <filesystem>
#include <map>
#include <sstream>
#include <thread>
#include <unistd.h>

#include "apps/qdes/cli.h"
#include "sim/text.h"
#include "models/quantum/codes/rotated_surface.h"
#include "models/quantum/error_analysis.h"
#include "protocols/qec/collect.h"
#include "protocols/qec/decoder.h"
#include "protocols/qec/dem_graph.h"
#include "protocols/qec/memory_estimates.h"
#include "sim/h5.h"

namespace po = boost::program_options;

namespace qdes::cli {

namespace {

std::atomic<bool> g_collect_interrupted{false};
extern "C" void on_collect_signal(int sig) {
    g_collect_interrupted.store(true);
    std::signal(sig, SIG_DFL);
}

std::vector<std::string> split_list(const std::string& s) {
    std::vector<std::string> out;
    std::stringstream ss(s);
    std::string item;
    while (std::getline(ss, item, ','))
        if (!item.empty()) out.push_back(item);
    return out;
}

/// A circuit to decode, before the decoders multiply it into tasks.
struct Source {
    qec::CollectTask base;  ///< without key and decoder
    quantum::Circuit circuit;
};

}  // namespace

int collect_main(const std::vector<std::string>& args, const std::string& command_line) {
    po::options_description options("options");
    options.add_options()("help,h", "describe this command")(
        "out", po::value<std::string>(), "the collect file (HDF5; required). If it exists, the run resumes it")(
        "circuit", po::value<std::vector<std::string>>(), "a noisy circuit file (repeatable)")(
        "code", po::value<std::string>(), "generate circuits: rotated_surface (Stim's surface_code:rotated_memory_*)")(
        "basis", po::value<std::string>()->default_value("Z"), "generated memories: X, Z or XZ (both)")(
        "distances", po::value<std::string>(), "generated memories: distances, as 3,5,7")(
        "p", po::value<std::string>(), "generated memories: circuit-level noise strengths, as 0.001,0.003")(
        "rounds", po::value<std::string>()->default_value("d"), "generated memories: rounds, or d (the distance)")(
        "decoders", po::value<std::string>()->default_value("matching"), "union_find, matching, or both: a,b")(
        "max-shots", po::value<std::uint64_t>()->default_value(100000), "stop a task after this many shots")(
        "max-errors", po::value<std::uint64_t>()->default_value(100), "stop a task after this many logical errors")(
        "batch", po::value<std::uint64_t>()->default_value(1024), "shots sampled and decoded together")(
        "seed", po::value<std::uint64_t>()->default_value(1), "random seed (resuming needs the same one)")(
        "jobs,j", po::value<unsigned>(), "threads (default: every core)")(
        "progress", "report progress on stderr even when it is not a terminal")("no-progress", "never report progress");
    int exit_code = kExitOk;
    std::optional<ParsedArgs> parsed = parse_args(
        "collect", args, options,
        "usage: qdes collect --out FILE.h5 (--circuit FILE... | --code rotated_surface --distances D,... --p P,...)\n"
        "                    [--decoders matching,union_find] [--max-shots N] [--max-errors E] [--jobs N]\n\n"
        "Samples every circuit, decodes it with each decoder on the circuit's exact detector error model, and\n"
        "stops each task at --max-errors logical errors or --max-shots shots (sinter's rule). The file is saved\n"
        "every 10 s and at the end; running the same command again resumes it. Plot with qdes report FILE.h5.\n",
        exit_code);
    if (!parsed) return exit_code;
    const po::variables_map& vm = parsed->options;
    auto bad = [](const std::string& m) {
        std::fprintf(stderr, "qdes collect: %s\n", m.c_str());
        return kExitBadInput;
    };
    if (!parsed->files.empty()) return bad("unexpected argument '" + parsed->files[0] + "' (circuits go after --circuit)");
    if (!vm.count("out")) return bad("--out is required");
    const std::string out = vm["out"].as<std::string>();
    qec::CollectLimits limits;
    limits.max_shots = vm["max-shots"].as<std::uint64_t>();
    limits.max_errors = vm["max-errors"].as<std::uint64_t>();
    limits.batch_shots = std::size_t(vm["batch"].as<std::uint64_t>());
    limits.seed = vm["seed"].as<std::uint64_t>();
    limits.threads = vm.count("jobs") ? vm["jobs"].as<unsigned>() : std::max(1u, std::thread::hardware_concurrency());
    if (limits.max_shots == 0 || limits.max_errors == 0) return bad("--max-shots and --max-errors must be at least 1");
    if (limits.batch_shots == 0 || limits.batch_shots > (1u << 20)) return bad("--batch must be between 1 and 1048576");
    if (limits.threads == 0 || limits.threads > 1024) return bad("--jobs must be between 1 and 1024");
    const std::vector<std::string> decoders = split_list(vm["decoders"].as<std::string>());
    if (decoders.empty()) return bad("--decoders: name at least one of union_find, matching");
    for (const std::string& d : decoders) {
        const auto known = qec::decoder_names();
        if (std::find(known.begin(), known.end(), d) == known.end())
            return bad("--decoders: unknown decoder '" + d + "' (known: union_find, matching)");
    }

    // The circuits.
    std::vector<Source> sources;
    if (vm.count("circuit"))
        for (const std::string& path : vm["circuit"].as<std::vector<std::string>>()) {
            Source s;
            try {
                s.circuit = quantum::read_circuit_file(path);
            } catch (const quantum::CircuitError& e) {
                std::fprintf(stderr, "%s\n", e.what());
                return kExitBadInput;
            }
            s.base.circuit = path;
            s.base.code = "file";
            sources.push_back(std::move(s));
        }
    if (vm.count("code")) {
        if (vm["code"].as<std::string>() != "rotated_surface")
            return bad("--code: unknown code '" + vm["code"].as<std::string>() + "' (known: rotated_surface)");
        if (!vm.count("distances") || !vm.count("p")) return bad("--code needs --distances and --p");
        const std::string basis = vm["basis"].as<std::string>();
        if (basis != "X" && basis != "Z" && basis != "XZ") return bad("--basis must be X, Z or XZ");
        const std::string rounds_text = vm["rounds"].as<std::string>();
        std::uint64_t fixed_rounds = 0;
        if (rounds_text != "d") {
            char* end = nullptr;
            fixed_rounds = std::strtoull(rounds_text.c_str(), &end, 10);
            if (!end || *end || fixed_rounds == 0) return bad("--rounds must be a positive count or d");
        }
        for (const std::string& dt : split_list(vm["distances"].as<std::string>())) {
            char* end = nullptr;
            const unsigned long d = std::strtoul(dt.c_str(), &end, 10);
            if (!end || *end || d < 2 || d > 101) return bad("--distances: '" + dt + "' is not a distance in 2..101");
            for (const std::string& pt : split_list(vm["p"].as<std::string>())) {
                end = nullptr;
                const double p = std::strtod(pt.c_str(), &end);
                if (!end || *end || !(p >= 0 && p <= 0.5)) return bad("--p: '" + pt + "' is not a probability in [0, 0.5]");
                for (char b : basis) {
                    Source s;
                    s.base.code = "rotated_surface";
                    s.base.basis = std::string(1, b);
                    s.base.distance = std::uint32_t(d);
                    s.base.rounds = fixed_rounds ? fixed_rounds : d;
                    s.base.p = p;
                    s.circuit = quantum::rotated_surface_memory(
                        quantum::RotatedSurfaceOptions::uniform(std::uint32_t(d), s.base.rounds, b, p));
                    sources.push_back(std::move(s));
                }
            }
        }
    }
    if (sources.empty()) return bad("nothing to collect: give --circuit FILE or --code rotated_surface ...");

    // Every task, its program and its graph, before anything runs: a bad circuit costs nothing.
    std::vector<qec::CollectTask> tasks;
    for (const Source& s : sources) {
        auto program = std::make_shared<quantum::Program>();
        quantum::DetectorErrorModel dem;
        try {
            *program = quantum::compile(s.circuit);
            dem = quantum::analyze_errors(*program, quantum::ErrorAnalysisOptions{true});
        } catch (const quantum::CircuitError& e) {
            std::fprintf(stderr, "%s\n", e.what());
            return kExitBadInput;
        }
        if (program->num_observables == 0) return bad(program->source + ": the circuit has no observable to decode");
        std::shared_ptr<const qec::DecodingGraph> graph;
        try {
            graph = std::make_shared<qec::DecodingGraph>(qec::graph_from_dem(dem));
        } catch (const std::invalid_argument& e) {
            return bad(e.what());
        }
        for (const std::string& d : decoders) {
            qec::CollectTask t = s.base;
            t.decoder = d;
            t.rounds = t.rounds ? t.rounds : 1;
            t.key = t.code == "file" ? "file=" + t.circuit
                                     : t.code + " basis=" + t.basis + " d=" + std::to_string(t.distance) +
                                           " rounds=" + std::to_string(t.rounds) + " p=" + shortest_number(t.p);
            t.key += " decoder=" + d;
            t.detectors = program->num_detectors;
            t.program = program;
            t.graph = graph;
            tasks.push_back(std::move(t));
        }
    }
    std::vector<qec::CollectStats> stats(tasks.size());
    std::size_t resumed = 0;
    h5::silence_library_errors();  // failures come back as exceptions with their own message
    if (std::filesystem::exists(out)) {
        try {
            std::map<std::string, std::size_t> index;
            for (std::size_t t = 0; t < tasks.size(); ++t) index[tasks[t].key] = t;
            for (auto& [old, s] : qec::read_collect_file(out)) {
                auto it = index.find(old.key);
                if (it != index.end()) {
                    stats[it->second] = s;
                    ++resumed;
                } else {  // a task of an earlier command: kept as it is
                    tasks.push_back(std::move(old));
                    stats.push_back(s);
                }
            }
        } catch (const std::exception& e) {
            return bad(out + " exists and cannot be resumed: " + e.what() + " (move it away, or choose another --out)");
        }
    }
    std::fprintf(stderr, "qdes collect: %zu tasks (%zu resumed from %s), up to %llu shots or %llu errors each, %u "
                         "threads\n",
                 tasks.size(), resumed, out.c_str(), (unsigned long long)limits.max_shots,
                 (unsigned long long)limits.max_errors, limits.threads);

    const bool progress = !vm.count("no-progress") && (vm.count("progress") || isatty(STDERR_FILENO));
    g_collect_interrupted.store(false);  // a host that runs several commands (the Python module) starts each afresh
    auto old_int = std::signal(SIGINT, on_collect_signal);
    auto old_term = std::signal(SIGTERM, on_collect_signal);
    const auto t0 = std::chrono::steady_clock::now();
    double last_save = 0, last_report = 0;
    std::string save_error;
    auto save = [&](const std::string& status) {
        try {
            qec::write_collect_file(out, tasks, stats, limits, status, command_line);
        } catch (const std::exception& e) {
            save_error = e.what();
        }
    };
    save("running");
    if (!save_error.empty()) {
        std::signal(SIGINT, old_int);
        std::signal(SIGTERM, old_term);
        std::fprintf(stderr, "qdes collect: cannot write %s: %s\n", out.c_str(), save_error.c_str());
        return kExitSimulationFailed;
    }
    qec::collect(tasks, stats, limits, g_collect_interrupted, [&](std::size_t) {
        const double now = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
        if (now - last_save > 10) {
            last_save = now;
            save("running");
        }
        if (progress && now - last_report > 0.5) {
            last_report = now;
            std::size_t done = 0;
            std::uint64_t shots = 0, errors = 0;
            for (std::size_t t = 0; t < tasks.size(); ++t) {
                done += !tasks[t].program || qec::collect_done(stats[t], limits);
                shots += stats[t].shots;
                errors += stats[t].errors;
            }
            std::fprintf(stderr, "\rqdes collect: %zu/%zu tasks done, %llu shots, %llu errors, %.0f s   ", done,
                         tasks.size(), (unsigned long long)shots, (unsigned long long)errors, now);
        }
    });
    std::signal(SIGINT, old_int);
    std::signal(SIGTERM, old_term);
    const bool interrupted = g_collect_interrupted.load();
    save(interrupted ? "interrupted" : "completed");
    if (progress) std::fprintf(stderr, "\n");
    if (!save_error.empty()) {
        std::fprintf(stderr, "qdes collect: writing %s failed: %s\n", out.c_str(), save_error.c_str());
        return kExitSimulationFailed;
    }
    std::printf("%-58s %10s %8s %24s %12s\n", "task", "shots", "errors", "per shot [95% Wilson]", "per round");
    for (std::size_t t = 0; t < tasks.size(); ++t) {
        const qec::CollectStats& s = stats[t];
        double lo = 0, hi = 0;
        qec::wilson_interval(s.errors, s.shots, 1.959964, lo, hi);
        const double f = s.shots ? double(s.errors) / double(s.shots) : 0;
        char interval[64];
        std::snprintf(interval, sizeof interval, "%.3g [%.3g, %.3g]", f, lo, hi);
        std::printf("%-58s %10llu %8llu %24s %12.3g\n", tasks[t].key.c_str(), (unsigned long long)s.shots,
                    (unsigned long long)s.errors, interval, qec::per_round(f, tasks[t].rounds));
    }
    if (interrupted) {
        std::fprintf(stderr, "qdes collect: interrupted; %s keeps every finished batch (status interrupted), and the "
                             "same command resumes it\n", out.c_str());
        return kExitSimulationFailed;
    }
    return kExitOk;
}

}  // namespace qdes::cli
