// qdes search FILE [--set k=v]... [--out DIR] [--seed N] [--jobs N] [--overwrite] [--progress|--no-progress]
//                  [--no-plots] [-q]
//
// Searches the scenario's space of LEC rules (protocols/search/) with each of its agents under one budget of rule
// evaluations, evaluates every agent's best rule and the reference rule (Toom's) again with fresh random numbers at
// the training point and the held-out points, and writes DIR/<name>-best.yaml (the best rule found, a rule file
// that `qdes run` accepts as rule: file), DIR/<name>-<agent>-best.yaml, DIR/<name>-search.h5 (protocols/search/
// search_file.h) and, with analysis/plot_search.py, DIR/<name>-search.png.

#include <unistd.h>

#include <atomic>
#include <cmath>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <thread>

#include "apps/qdes/cli.h"
#include "protocols/search/search_file.h"
#include "sim/h5.h"
#include "sim/random.h"

namespace po = boost::program_options;
namespace fs = std::filesystem;

namespace qdes::cli {

namespace {

std::atomic<bool> g_search_interrupted{false};
extern "C" void on_search_signal(int sig) {
    g_search_interrupted.store(true);
    std::signal(sig, SIG_DFL);  // a second signal ends the process
}

constexpr const char* kSearchHelp =
    "usage: qdes search FILE [options]\n\n"
    "Searches for a local error correction rule on the 2D Ising memory or the 4D toric code that keeps the\n"
    "memory alive longest at the scenario's (p, L), over the rules its gate set and bounds allow\n"
    "(docs/search_format.md). Each agent (reinforce: a policy network trained by REINFORCE with PPO steps;\n"
    "random: random search) gets the same budget of distinct rules scored. Then each agent's best rule and the\n"
    "reference rule (Toom's) are evaluated again with fresh random numbers at the training point and the held-out\n"
    "points, and compared with intervals.\n\n"
    "Writes DIR/<name>-best.yaml (a rule file for lec_memory: rule: file in 2D, rule: toric4d_circuit with\n"
    "rule_file in 4D), DIR/<name>-<agent>-best.yaml, DIR/<name>-search.h5 (training curves, every rule scored,\n"
    "the re-evaluation) and DIR/<name>-search.png.\n";

std::string fmt(double v, const char* f = "%.4g") {
    if (std::isnan(v)) return "-";
    if (std::isinf(v)) return v > 0 ? "inf" : "-inf";
    char b[64];
    std::snprintf(b, sizeof b, f, v);
    return b;
}

/// Writes a whole file (to a temporary name, renamed over it); std::runtime_error when it cannot.
void write_text(const fs::path& path, const std::string& text) {
    const fs::path tmp = path.string() + ".partial." + std::to_string(::getpid());
    {
        std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
        out << text;
        out.flush();
        if (!out) throw std::runtime_error("cannot write " + tmp.string());
    }
    fs::rename(tmp, path);
}

}  // namespace

int search_main(const std::vector<std::string>& args, const std::string& command_line) {
    po::options_description options("options");
    options.add_options()("help,h", "describe this command")("set", po::value<std::vector<std::string>>()->composing(),
                                                             "override a key: --set agents.budget=50")(
        "out,o", po::value<std::string>()->default_value("."), "directory for the output files")(
        "seed", po::value<std::string>(), "seed (replaces the scenario's)")(
        "jobs,j", po::value<unsigned>(), "rules evaluated at once (threads; default: all cores)")(
        "overwrite", "replace existing output files")("progress", "report each iteration on stderr")(
        "no-progress", "never report progress")("no-plots", "do not draw the picture")(
        "check", "read and check the scenario, describe the search space, and stop")("quiet,q",
                                                                                     "print nothing but errors");
    int exit_code = kExitOk;
    std::optional<ParsedArgs> parsed = parse_args("search", args, options, kSearchHelp, exit_code);
    if (!parsed) return exit_code;
    const po::variables_map& vm = parsed->options;
    auto bad = [](const std::string& m) {
        std::fprintf(stderr, "qdes search: %s\n", m.c_str());
        return kExitBadInput;
    };
    if (parsed->files.size() != 1) return bad("expected one search scenario (see qdes search --help)");
    if (vm.count("progress") && vm.count("no-progress"))
        return bad("--progress and --no-progress contradict each other");
    std::vector<std::string> overrides = overrides_of(*parsed);
    if (vm.count("seed")) overrides.push_back("seed=" + vm["seed"].as<std::string>());
    const bool quiet = vm.count("quiet") > 0;
    const bool progress = vm.count("progress") || (!vm.count("no-progress") && !quiet && isatty(STDERR_FILENO));
    unsigned jobs = std::max(1u, std::thread::hardware_concurrency());
    if (vm.count("jobs")) {
        jobs = vm["jobs"].as<unsigned>();
        if (jobs == 0) return bad("--jobs must be at least 1");
    }

    search::SearchScenario sc;
    try {
        sc = search::load_search_scenario(parsed->files[0], overrides);
    } catch (const std::exception& e) {
        return bad(e.what());
    }
    if (vm.count("check")) {
        const std::unique_ptr<search::Space> space = search::make_space(sc);
        const std::size_t toom = space->toom_actions().size();
        std::printf(
            "%s: ok (%s, %zu actions, %zu features; Toom's rule %s the space; %zu agents, budget %zu rules "
            "each; %zu evaluation points)\n",
            sc.source.c_str(), sc.lattice.c_str(), space->num_actions(), space->num_features(),
            toom ? "lies in" : "is not in", sc.agents.size(), sc.agents.empty() ? 0 : sc.agents[0].budget,
            sc.points.size());
        return kExitOk;
    }
    const fs::path dir = vm["out"].as<std::string>();
    const fs::path h5_path = dir / (sc.name + "-search.h5");
    const fs::path best_path = dir / (sc.name + "-best.yaml");
    std::vector<fs::path> outputs{h5_path, best_path, dir / (sc.name + "-search.png")};
    for (const auto& a : sc.agents)
        outputs.push_back(dir / (sc.name + "-" + search::agent_name(a.kind) + "-best.yaml"));
    {
        std::error_code ec;
        fs::create_directories(dir, ec);
        if (ec || !fs::is_directory(dir)) return bad("cannot create the output directory " + dir.string());
        if (access(dir.c_str(), W_OK | X_OK) != 0) return bad("output directory " + dir.string() + " is not writable");
        if (!vm.count("overwrite"))
            for (const fs::path& p : outputs)
                if (fs::exists(p)) return bad("output file " + p.string() + " exists; pass --overwrite to replace it");
    }

    h5::silence_library_errors();
    const std::unique_ptr<search::Space> space = search::make_space(sc);
    search::Evaluator evaluator(sc.training, space->symmetry(), jobs);
    search::SearchOutcome outcome;
    g_search_interrupted.store(false);
    auto old_int = std::signal(SIGINT, on_search_signal);
    auto old_term = std::signal(SIGTERM, on_search_signal);
    if (!quiet)
        std::printf(
            "search %s: %zu actions, training at p = %g, L = %u (%llu shots, cap %llu rounds), budget %zu "
            "rules per agent, %u threads\n",
            sc.name.c_str(), space->num_actions(), sc.training.noise.p, sc.training.L,
            (unsigned long long)sc.training.shots, (unsigned long long)sc.training.max_rounds,
            sc.agents.empty() ? 0 : sc.agents[0].budget, jobs);
    std::fflush(stdout);  // before the progress lines on stderr
    try {
        for (const search::AgentSpec& spec : sc.agents) {
            std::size_t reported = 0;
            auto report = [&](const search::AgentResult& r, std::size_t budget) {
                const search::CurveRow& c = r.curve.back();
                const std::size_t decile = c.evaluations * 10 / std::max<std::size_t>(1, budget);
                if (!progress && (quiet || decile == reported)) return;
                reported = decile;
                std::fprintf(stderr, "%s: iteration %llu, %llu/%zu rules scored, best objective %s, mean %s, %.1f s\n",
                             r.agent.c_str(), (unsigned long long)c.iteration, (unsigned long long)c.evaluations,
                             budget, fmt(c.best_so_far).c_str(), fmt(c.mean_objective).c_str(), r.seconds);
            };
            outcome.agents.push_back(search::run_agent(*space, evaluator, spec, report, &g_search_interrupted));
            if (g_search_interrupted.load()) break;
        }
        // Re-evaluation with fresh random numbers: each agent's best and the reference, at every point.
        struct Job {
            std::string rule, agent;
            const search::Rule* r;
            search::EvalPoint point;
        };
        std::vector<Job> jobs_list;
        for (const search::EvalPoint& pt : sc.points) {
            for (const search::AgentResult& a : outcome.agents)
                if (!a.rules.empty()) jobs_list.push_back({"best", a.agent, &a.rules[a.best].rule, pt});
            jobs_list.push_back({"reference", "", &sc.reference, pt});
        }
        std::vector<search::Score> scores(jobs_list.size());
        if (!g_search_interrupted.load()) {
            if (!quiet)
                std::fprintf(stderr, "evaluating %zu rule-point pairs again (%llu shots, cap %llu rounds)...\n",
                             jobs_list.size(), (unsigned long long)sc.eval_shots,
                             (unsigned long long)sc.eval_max_rounds);
            search::parallel_for(jobs_list.size(), jobs, [&](std::size_t i) {
                search::EvalSpec e = sc.training;
                e.L = jobs_list[i].point.L;
                e.noise.p = jobs_list[i].point.p;
                e.shots = sc.eval_shots;
                e.max_rounds = sc.eval_max_rounds;
                e.seed = derive_seed(sc.seed, 1);
                e.stream = stream_id("search", "reevaluation");
                if (!g_search_interrupted.load()) scores[i] = search::evaluate_rule(*jobs_list[i].r, e);
            });
        }
        // An interrupted re-evaluation is left out whole: its rows would mix finished and unfinished runs.
        if (!g_search_interrupted.load()) {
            for (std::size_t i = 0; i < jobs_list.size(); ++i)
                outcome.reevaluations.push_back({jobs_list[i].rule, jobs_list[i].agent, jobs_list[i].point, scores[i]});
            for (std::size_t i = 0; i < jobs_list.size(); ++i) {
                if (jobs_list[i].rule != "best") continue;
                for (std::size_t j = 0; j < jobs_list.size(); ++j)
                    if (jobs_list[j].rule == "reference" && jobs_list[j].point.p == jobs_list[i].point.p &&
                        jobs_list[j].point.L == jobs_list[i].point.L) {
                        search::Comparison c = search::compare(scores[i], scores[j], sc.training.confidence);
                        if (search::rule_key(*jobs_list[i].r, search::Symmetry::kTranslation) ==
                            search::rule_key(*jobs_list[j].r, search::Symmetry::kTranslation)) {
                            c.log_ratio = c.lower = c.upper = 0;  // the reference itself, on the same numbers
                            c.verdict = "the reference itself";
                        }
                        c.agent = jobs_list[i].agent;
                        c.point = jobs_list[i].point;
                        outcome.comparisons.push_back(c);
                    }
            }
        }
    } catch (const std::exception& e) {
        std::signal(SIGINT, old_int);
        std::signal(SIGTERM, old_term);
        std::fprintf(stderr, "qdes search: %s\n", e.what());
        return kExitSimulationFailed;
    }
    std::signal(SIGINT, old_int);
    std::signal(SIGTERM, old_term);
    const bool interrupted = g_search_interrupted.load();
    if (interrupted) outcome.status = "interrupted";

    // The best rule of all agents (training objective), and each agent's.
    const search::AgentResult* winner = nullptr;
    for (const search::AgentResult& a : outcome.agents)
        if (!a.rules.empty() &&
            (!winner || a.rules[a.best].score.objective > winner->rules[winner->best].score.objective))
            winner = &a;
    auto rule_comment = [&](const search::AgentResult& a) {
        const search::EvaluatedRule& e = a.rules[a.best];
        char line[512];
        std::snprintf(
            line, sizeof line,
            "Found by qdes search (%s, agent %s, seed %llu%s) as rule %llu of %zu scored.\n"
            "Training point p = %g, L = %u: tau = %s [%s, %s] %s, objective %s; %zu layers and %g "
            "faulty operations per %s per round.\n",
            sc.source.c_str(), a.agent.c_str(), (unsigned long long)sc.seed, interrupted ? ", interrupted" : "",
            (unsigned long long)e.evaluation, a.rules.size(), sc.training.noise.p, sc.training.L,
            fmt(e.score.lifetime.tau).c_str(), fmt(e.score.lifetime.lower).c_str(), fmt(e.score.lifetime.upper).c_str(),
            sc.training.unit == search::LifetimeUnit::kRounds ? "rounds" : "layers", fmt(e.score.objective).c_str(),
            e.score.layers, e.score.gates, sc.lattice == "toric4d" ? "plaquette" : "cell");
        return std::string(line);
    };
    try {
        for (const search::AgentResult& a : outcome.agents) {
            if (a.rules.empty()) continue;
            search::Rule r = a.rules[a.best].rule;
            search::rename_rule(r, sc.name + "_" + a.agent);
            write_text(dir / (sc.name + "-" + a.agent + "-best.yaml"), search::format_rule(r, rule_comment(a)));
            if (&a == winner) {
                search::rename_rule(r, sc.name);
                write_text(best_path, search::format_rule(r, rule_comment(a)));
            }
        }
        search::write_search_file(h5_path, sc, outcome, command_line, overrides);
    } catch (const std::exception& e) {
        std::fprintf(stderr, "qdes search: cannot write the results: %s\n", e.what());
        return kExitSimulationFailed;
    }

    if (!quiet) {
        std::printf("\n%-10s %8s %8s %9s %8s %s\n", "agent", "scored", "episodes", "best obj", "seconds", "best rule");
        for (const search::AgentResult& a : outcome.agents)
            std::printf("%-10s %8zu %8llu %9s %8.1f %s\n", a.agent.c_str(), a.rules.size(),
                        (unsigned long long)a.episodes,
                        a.rules.empty() ? "-" : fmt(a.rules[a.best].score.objective).c_str(), a.seconds,
                        a.rules.empty() ? "none" : search::describe_rule(a.rules[a.best].rule).c_str());
        if (!outcome.reevaluations.empty()) {
            std::printf("\nevaluated again (%llu shots, fresh random numbers; %g%% intervals; lifetimes in %s):\n",
                        (unsigned long long)sc.eval_shots, 100 * sc.training.confidence,
                        sc.training.unit == search::LifetimeUnit::kRounds ? "rounds" : "layers");
            std::printf("%-16s %8s %5s %11s %23s\n", "rule", "p", "L", "tau", "interval");
            for (const auto& r : outcome.reevaluations)
                std::printf("%-16s %8g %5u %11s %23s\n", (r.rule == "best" ? "best:" + r.agent : "reference").c_str(),
                            r.point.p, r.point.L, fmt(r.score.lifetime.tau).c_str(),
                            ("[" + fmt(r.score.lifetime.lower) + ", " + fmt(r.score.lifetime.upper) + "]").c_str());
            std::printf("\n%-10s %8s %5s %14s %23s  %s\n", "agent", "p", "L", "tau/reference", "interval", "verdict");
            for (const auto& c : outcome.comparisons)
                std::printf("%-10s %8g %5u %14s %23s  %s\n", c.agent.c_str(), c.point.p, c.point.L,
                            fmt(std::exp(c.log_ratio)).c_str(),
                            ("[" + fmt(std::exp(c.lower)) + ", " + fmt(std::exp(c.upper)) + "]").c_str(),
                            c.verdict.c_str());
        }
        std::printf("\noutput: %s\n", h5_path.string().c_str());
        if (winner) std::printf("best rule: %s (agent %s)\n", best_path.string().c_str(), winner->agent.c_str());
    }
    if (interrupted) {
        std::fprintf(stderr, "qdes search: interrupted; %s holds what was done (status interrupted)\n",
                     h5_path.string().c_str());
        return kExitSimulationFailed;
    }
    if (!vm.count("no-plots")) {
        const fs::path script = fs::path(QDES_SOURCE_DIR) / "analysis" / "plot_search.py";
        const fs::path png = dir / (sc.name + "-search.png");
        const std::string cmd = "/usr/bin/python3 '" + script.string() + "' '" + h5_path.string() + "' '" +
                                png.string() + "'" + (quiet ? " > /dev/null" : "");
        if (std::system(cmd.c_str()) != 0)
            std::fprintf(stderr, "qdes search: drawing failed; the results in %s are complete\n",
                         h5_path.string().c_str());
    }
    return kExitOk;
}

}  // namespace qdes::cli
