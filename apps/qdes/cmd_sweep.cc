// qdes sweep FILE [--set k=v]... [--jobs N | --mpi] [--out DIR] [--list | --count | --dry-run]
//                 [--shard K/N | --run-index I] [--progress|--no-progress] [-q]
//
// Runs every point of the scenario's `sweep:` block (or this array task's share of them) on a local task farm of N
// worker processes (forks running point after point as `qdes run` would), or under mpirun on an MPI one (both in
// sweep_farm.h), one HDF5 file per point, skipping points whose file is complete for the same resolved scenario,
// then writes the campaign file DIR/<name>-campaign.h5 from every point's file found: one row per point (swept
// values, status, file) and one row per point and statistic.

#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <optional>
#include <thread>

#include "apps/qdes/cli.h"
#include "apps/qdes/scenario_input.h"
#include "apps/qdes/sweep_farm.h"
#include "sim/campaign.h"
#include "sim/h5.h"
#include "sim/run_file.h"
#include "sim/sweep.h"

namespace po = boost::program_options;
namespace fs = std::filesystem;

namespace qdes::cli {

namespace {

std::atomic<bool> g_sweep_interrupted{false};
extern "C" void on_sweep_signal(int) { g_sweep_interrupted.store(true); }

/// A non-negative decimal integer, whole.
bool parse_index(const std::string& text, std::uint64_t& out) {
    if (text.empty() || text.size() > 18 || text.find_first_not_of("0123456789") != std::string::npos) return false;
    out = std::stoull(text);
    return true;
}

constexpr const char* kSweepHelp =
    "usage: qdes sweep FILE [options]\n\n"
    "Runs every point of the scenario's sweep: block (grid, zip, repeat; docs/scenario_format.md) as its own run,\n"
    "N at a time, writing DIR/<name>-pNNNN.h5 per point and DIR/<name>-campaign.h5 with one row per point and\n"
    "statistic. Points whose file already holds a completed run of the same resolved scenario are skipped, so an\n"
    "interrupted sweep continues where it stopped.\n\n"
    "A point's index depends only on the sweep: block (--list shows them). On a cluster, each task of a job array\n"
    "runs its share with --shard K/N (points K, K+N, K+2N, ...; K from 0) or one point with --run-index I; give\n"
    "`env` for K or I to read SLURM_ARRAY_TASK_ID (scripts/qdes_sweep.slurm). Every task rewrites the campaign\n"
    "from the point files present, so the last one to finish leaves it complete.\n\n"
    "Under MPI, `mpirun -n P qdes sweep FILE --mpi` runs a task farm: rank 0 hands each of the P - 1 other ranks\n"
    "its next point as it finishes the last, and writes the campaign; each rank runs its points in its own process.\n";

/// SLURM_ARRAY_TASK_ID, or nothing (with a message) when it is unset or not a number.
std::optional<std::uint64_t> array_task_id(const std::string& option) {
    const char* v = std::getenv("SLURM_ARRAY_TASK_ID");
    std::uint64_t id = 0;
    if (v == nullptr || !parse_index(v, id)) {
        std::fprintf(stderr, "qdes sweep: %s env reads SLURM_ARRAY_TASK_ID, which is %s\n", option.c_str(),
                     v == nullptr ? "not set" : ("'" + std::string(v) + "', not an index").c_str());
        return std::nullopt;
    }
    return id;
}

struct Point {
    SweepPoint spec;
    std::string name;
    std::vector<std::string> overrides;  ///< everything passed to `qdes run` as --set
    std::string scenario_json;
    fs::path file;
    std::string status = "pending";  ///< pending, skipped (already complete), completed, failed, interrupted
    bool mine = true;                ///< run by this invocation (its shard or index)
    /// The statistics of its file, when status_on_disk found it completed (the campaign then need not read it again)
    std::optional<std::vector<StatRecord>> statistics;
};

/// What a point's file says: completed (a complete run of the same resolved scenario; its statistics are kept in
/// the point), its file's status otherwise (failed, truncated), running while only its partial file exists, or
/// pending.
std::string status_on_disk(Point& p) {
    std::error_code ec;
    if (!fs::exists(p.file, ec)) return fs::exists(fs::path(p.file) += ".partial", ec) ? "running" : "pending";
    try {
        RunFileContents c = read_run_file(p.file);
        if (c.status != "completed") return c.status;
        if (c.scenario_json != p.scenario_json) return "pending";
        p.statistics = std::move(c.statistics);
        return "completed";
    } catch (const std::exception&) {
        return "failed";  // unreadable
    }
}

/// The campaign: every point with its status, and the statistics of the points whose runs are complete.
Campaign campaign_of(const std::string& scenario_file, const std::string& command_line, const SweepSpec& spec,
                     const std::vector<Point>& points) {
    Campaign c{scenario_file, command_line, spec.to_json().dump(), {}, {}};
    for (const Point& p : points) {
        c.points.push_back(CampaignPoint{p.spec.index, p.spec.replica, p.status, p.file.filename().string(),
                                         p.spec.values});
        if (p.status != "completed" && p.status != "skipped") continue;
        std::vector<StatRecord> statistics;
        if (p.statistics) {
            statistics = *p.statistics;
        } else {  // run by this invocation
            try {
                statistics = read_run_file(p.file).statistics;
            } catch (const std::exception&) {
                continue;
            }
        }
        for (const StatRecord& s : statistics) {
            const bool estimate = s.kind == "estimate";
            c.results.push_back(CampaignResult{p.spec.index, s.name, s.kind, s.unit, s.mean, s.std_error,
                                               estimate ? s.min : s.mean - s.std_error,
                                               estimate ? s.max : s.mean + s.std_error, s.count});
        }
    }
    return c;
}

}  // namespace

int sweep_main(const std::vector<std::string>& args, const std::string& command_line) {
    po::options_description options("options");
    options.add_options()("help,h", "describe this command")("set", po::value<std::vector<std::string>>()->composing(),
                                                             "override a value for every point: KEY.PATH=VALUE")(
        "jobs,j", po::value<unsigned>(), "points run at once (worker processes; default: all cores)")(
        "mpi", "run as an MPI task farm under mpirun: rank 0 hands out the points, the other ranks run them")(
        "list", "print every point's index and swept values, and run nothing")(
        "count", "print the number of points, and run nothing")(
        "shard", po::value<std::string>(),
        "run points K, K+N, K+2N, ... only (K/N, K from 0; env: K from SLURM_ARRAY_TASK_ID)")(
        "run-index", po::value<std::string>(), "run point I only (env: SLURM_ARRAY_TASK_ID)")(
        "out,o", po::value<std::string>(), "directory for the point files and the campaign (default: <name>-sweep)")(
        "dry-run", "list the points and what would be run or skipped, and run nothing")(
        "progress", "report progress on stderr even when it is not a terminal")("no-progress", "never report progress")(
        "quiet,q", "print nothing but errors");
    int exit_code = kExitOk;
    std::optional<ParsedArgs> parsed = parse_args("sweep", args, options, kSweepHelp, exit_code);
    if (!parsed) return exit_code;
    const po::variables_map& vm = parsed->options;
    if (parsed->files.size() != 1) {
        std::fprintf(stderr, "qdes sweep: expected one scenario file (see qdes sweep --help)\n");
        return kExitBadInput;
    }
    const std::string file = parsed->files[0];
    const unsigned jobs =
        vm.count("jobs") ? vm["jobs"].as<unsigned>() : std::max(1u, std::thread::hardware_concurrency());
    if (jobs == 0 || jobs > 256) {
        std::fprintf(stderr, "qdes sweep: --jobs must be between 1 and 256\n");
        return kExitBadInput;
    }
    if ((vm.count("shard") && vm.count("run-index")) || (vm.count("list") && vm.count("count"))) {
        std::fprintf(stderr, "qdes sweep: --shard and --run-index exclude each other, as do --list and --count\n");
        return kExitBadInput;
    }
    // The share of this invocation: shard K of N, or one index (checked against the point count below).
    std::uint64_t shard = 0, shards = 1, only = 0;
    bool one = false;
    if (vm.count("shard")) {
        const std::string t = vm["shard"].as<std::string>();
        const auto slash = t.find('/');
        const std::string k = t.substr(0, slash);
        if (slash == std::string::npos || !parse_index(t.substr(slash + 1), shards) || shards == 0 ||
            (k != "env" && !parse_index(k, shard))) {
            std::fprintf(stderr, "qdes sweep: --shard '%s' is not K/N (K from 0 to N - 1, or env)\n", t.c_str());
            return kExitBadInput;
        }
        if (k == "env") {
            const auto id = array_task_id("--shard");
            if (!id) return kExitBadInput;
            shard = *id;
        }
        if (shard >= shards) {
            std::fprintf(stderr, "qdes sweep: --shard %llu/%llu: K must be below N\n", (unsigned long long)shard,
                         (unsigned long long)shards);
            return kExitBadInput;
        }
    }
    if (vm.count("run-index")) {
        const std::string t = vm["run-index"].as<std::string>();
        if (t == "env") {
            const auto id = array_task_id("--run-index");
            if (!id) return kExitBadInput;
            only = *id;
        } else if (!parse_index(t, only)) {
            std::fprintf(stderr, "qdes sweep: --run-index '%s' is not a point index (or env)\n", t.c_str());
            return kExitBadInput;
        }
        one = true;
    }
    if (vm.count("mpi") && (vm.count("jobs") || vm.count("shard") || vm.count("run-index"))) {
        std::fprintf(stderr,
                     "qdes sweep: --mpi hands every point to the MPI ranks; it takes no --jobs, --shard or "
                     "--run-index\n");
        return kExitBadInput;
    }
    // Under MPI every rank but 0 only runs the points rank 0 sends it; rank 0 reads the scenario and does the rest.
    std::optional<MpiFarm> farm;
    if (vm.count("mpi")) {
        farm.emplace();
        if (farm->rank() != 0) return farm->serve();
    }
    const bool quiet = vm.count("quiet") > 0;
    h5::silence_library_errors();  // a partial point file is expected after an interruption: we rerun it
    const std::vector<std::string> user = overrides_of(*parsed);
    ComponentRegistry registry = build_registry();
    std::optional<Scenario> base = load_checked_scenario(file, user, registry);
    if (!base) return kExitBadInput;
    Diagnostics d;
    std::optional<ScenarioSource> source = read_scenario_file(file, d);
    std::optional<SweepSpec> spec;
    if (source) spec = parse_sweep(*source, d);
    if (!d.empty()) {
        std::fputs(d.to_string().c_str(), stderr);
        std::fprintf(stderr, "%zu error%s; nothing was run\n", d.size(), d.size() == 1 ? "" : "s");
        return kExitBadInput;
    }
    if (!spec) {
        std::fprintf(stderr, "%s: no sweep: block to run (qdes run runs a single scenario)\n", file.c_str());
        return kExitBadInput;
    }
    const fs::path dir = vm.count("out") ? fs::path(vm["out"].as<std::string>()) : fs::path(base->name + "-sweep");

    // Every point is validated before anything runs.
    std::vector<Point> points;
    std::size_t bad = 0;
    for (const SweepPoint& sp : expand_sweep(*spec)) {
        Point p;
        p.spec = sp;
        char suffix[32];
        std::snprintf(suffix, sizeof suffix, "-p%04zu", sp.index);
        p.name = base->name + suffix;
        p.overrides = user;
        for (const std::string& o : sp.overrides()) p.overrides.push_back(o);
        p.overrides.push_back("name=" + p.name);
        if (spec->repeat > 1) p.overrides.push_back("seed=" + std::to_string(base->seed + sp.replica));
        Diagnostics pd;
        std::optional<Scenario> s = load_scenario(*source, p.overrides, registry, pd);
        if (!s) {
            std::fprintf(stderr, "sweep point %zu (%s):\n%s", sp.index, sp.label().c_str(), pd.to_string().c_str());
            ++bad;
            continue;
        }
        p.scenario_json = s->to_json().dump();
        p.file = dir / (p.name + ".h5");
        points.push_back(std::move(p));
    }
    if (bad) {
        std::fprintf(stderr, "%zu sweep point%s invalid; nothing was run\n", bad, bad == 1 ? "" : "s");
        return kExitBadInput;
    }
    if (vm.count("count")) {
        std::printf("%zu\n", points.size());
        return kExitOk;
    }
    if (vm.count("list")) {
        for (const Point& p : points) std::printf("%zu\t%s\n", p.spec.index, p.spec.label().c_str());
        return kExitOk;
    }
    if (one && only >= points.size()) {
        std::fprintf(stderr, "qdes sweep: --run-index %llu: the sweep has points 0 to %zu\n", (unsigned long long)only,
                     points.size() - 1);
        return kExitBadInput;
    }
    for (Point& p : points) p.mine = one ? p.spec.index == only : p.spec.index % shards == shard;
    std::error_code ec;
    if (!vm.count("dry-run")) {
        fs::create_directories(dir, ec);
        if (ec) {
            std::fprintf(stderr, "qdes sweep: cannot create %s: %s\n", dir.c_str(), ec.message().c_str());
            return kExitBadInput;
        }
    }
    for (Point& p : points)  // anything but a completed run of the same resolved scenario runs (again)
        if (p.mine && status_on_disk(p) == "completed") p.status = "skipped";
    if (vm.count("dry-run")) {
        for (const Point& p : points)
            if (p.mine)
                std::printf("%s  %s  %s\n", p.name.c_str(), p.status == "skipped" ? "done   " : "to run ",
                            p.spec.label().c_str());
        return kExitOk;
    }

    const bool progress = !vm.count("no-progress") && !quiet && (vm.count("progress") || isatty(STDERR_FILENO));
    // Without SA_RESTART, so that the local farm's poll returns on a signal and the workers can be told at once.
    struct sigaction action{}, old_int{}, old_term{};
    action.sa_handler = on_sweep_signal;
    sigemptyset(&action.sa_mask);
    g_sweep_interrupted.store(false);  // a host that runs several commands (the Python module) starts each afresh
    sigaction(SIGINT, &action, &old_int);
    sigaction(SIGTERM, &action, &old_term);
    std::size_t finished = 0, failed = 0;
    const std::string self = qdes_executable();
    auto report = [&] {
        if (!progress) return;
        std::size_t skipped = 0;
        for (const Point& p : points) skipped += p.status == "skipped";
        std::fprintf(stderr, "\rqdes sweep: %zu/%zu points finished (%zu skipped, %zu failed)   ", finished + skipped,
                     points.size(), skipped, failed);
    };
    auto command_of = [&](const Point& p) {
        std::vector<std::string> argv = {self, "run", file, "--out", dir.string()};
        for (const char* option : {"--overwrite", "--no-progress", "-q"}) argv.push_back(option);
        for (const std::string& o : p.overrides) {
            argv.push_back("--set");
            argv.push_back(o);
        }
        return argv;
    };
    std::vector<FarmJob> farm_jobs;
    for (const Point& p : points)
        if (p.mine && p.status != "skipped") farm_jobs.push_back({std::size_t(&p - points.data()), command_of(p)});
    report();
    auto on_done = [&](std::size_t job, int code) {
        Point& p = points[farm_jobs[job].point];
        const bool ok = code == kExitOk;
        ++finished;
        p.status = ok ? "completed" : (g_sweep_interrupted.load() ? "interrupted" : "failed");
        if (!ok) {
            ++failed;
            if (!g_sweep_interrupted.load())
                std::fprintf(stderr, "%sqdes sweep: point %zu (%s) failed; see %s\n", progress ? "\n" : "",
                             p.spec.index, p.spec.label().c_str(), p.file.c_str());
        }
        report();
    };
    if (farm)
        farm->farm(farm_jobs, on_done, g_sweep_interrupted);
    else
        local_farm(jobs, farm_jobs, on_done, g_sweep_interrupted);
    sigaction(SIGINT, &old_int, nullptr);
    sigaction(SIGTERM, &old_term, nullptr);
    if (progress) std::fprintf(stderr, "\n");
    for (Point& p : points)
        if (!p.mine) p.status = status_on_disk(p);  // another task's point, as far as it got
    const fs::path campaign = dir / (base->name + "-campaign.h5");
    try {
        write_campaign(campaign, campaign_of(file, command_line, *spec, points));
    } catch (const std::exception& e) {
        std::fprintf(stderr, "qdes sweep: cannot write %s: %s\n", campaign.c_str(), e.what());
        return kExitSimulationFailed;
    }
    std::size_t completed = 0, skipped = 0, mine = 0, elsewhere_done = 0;
    for (const Point& p : points) {
        if (!p.mine) {
            elsewhere_done += p.status == "completed";
            continue;
        }
        ++mine;
        completed += p.status == "completed";
        skipped += p.status == "skipped";
    }
    if (!quiet) {
        std::printf("%zu points: %zu run, %zu already complete, %zu failed or interrupted\n", mine, completed, skipped,
                    mine - completed - skipped);
        if (mine < points.size())
            std::printf("other tasks' points: %zu of %zu complete so far\n", elsewhere_done, points.size() - mine);
        std::printf("campaign: %s\n", campaign.c_str());
    }
    if (g_sweep_interrupted.load()) {
        std::fprintf(stderr, "qdes sweep: interrupted; run the same command again to finish the remaining points\n");
        return kExitSimulationFailed;
    }
    return completed + skipped == mine ? kExitOk : kExitSimulationFailed;
}

}  // namespace qdes::cli
