#pragma once
/// A circuit-search scenario (`qdes search FILE`, documented in docs/search_format.md) and its result file.
///
/// The scenario is YAML: the gate set and bounds of the space, the noise, the training point (p, L) with its
/// shots and round cap, the objective's gate penalty, the agents and their common budget, and the points at which
/// the best rules and the reference rule (Toom's) are evaluated again. Every problem is reported as
/// "file:line:column: key: message".
///
/// The result, DIR/<name>-search.h5 (format "qdes-search"), holds:
///   curve:        agent, iteration, evaluations, episodes, mean_objective, best_in_iteration, best_so_far, entropy
///   rules:        every distinct rule an agent scored: agent, evaluation, iteration, key, rule (rule-file text),
///                 gates, layers, tau, lower, upper, log_tau, failures, censored, objective, seconds
///   reevaluation: rule (an agent's best, or the reference), agent, p, size, shots, max_rounds, tau, lower,
///                 upper, log_tau, failures, censored, layers, gates
///   comparison:   agent, p, size, log_ratio (log tau of the agent's best over the reference's) and its interval,
///                 verdict (longer, shorter, within error; censored when a lifetime has no upper bound; "the
///                 reference itself" when the best rule is the reference rule)
/// with the attributes format, format_version, code_version, status (completed, interrupted), scenario_file,
/// command_line, seed, and the datasets scenario (the file's text) and overrides.

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "protocols/search/agents.h"
#include "protocols/search/objective.h"
#include "protocols/search/space.h"
#include "protocols/search/toric4d_space.h"

namespace qdes::search {

struct EvalPoint {
    double p = 0;
    std::uint32_t L = 0;
};

struct SearchScenario {
    std::string name, description, source;
    std::string text;  ///< the file as read
    std::uint64_t seed = 1;
    std::string lattice = "ising2d";  ///< ising2d or toric4d
    SpaceSpec space;                  ///< ising2d
    Toric4dSpaceSpec space4d;         ///< toric4d
    EvalSpec training;
    std::vector<AgentSpec> agents;
    /// Re-evaluation: the reference rule, and the points (the training point first).
    Rule reference;
    std::string reference_file;
    std::uint64_t eval_shots = 4096, eval_max_rounds = 20000;
    std::vector<EvalPoint> points;
};

/// The scenario's search space.
std::unique_ptr<Space> make_space(const SearchScenario& scenario);

/// Reads a search scenario, with "key.path=value" overrides applied first; std::runtime_error
/// "file:line:column: key: message" on any problem.
SearchScenario load_search_scenario(const std::filesystem::path& path, const std::vector<std::string>& overrides);

struct Reevaluation {
    std::string rule;   ///< "best" or "reference"
    std::string agent;  ///< the agent whose best it is; empty for the reference
    EvalPoint point;
    Score score;
};

struct Comparison {
    std::string agent;
    EvalPoint point;
    double log_ratio = 0, lower = 0, upper = 0;
    std::string verdict;  ///< longer, shorter, within error; censored; the reference itself
};

/// log tau of `rule` over the reference's, with an interval from the two (independent) estimates' intervals
/// taken as normal in log tau.
Comparison compare(const Score& rule, const Score& reference, double confidence);

struct SearchOutcome {
    std::vector<AgentResult> agents;
    std::vector<Reevaluation> reevaluations;
    std::vector<Comparison> comparisons;
    std::string status = "completed";
};

/// Writes the result file whole (to path.partial, renamed over path).
void write_search_file(const std::filesystem::path& path, const SearchScenario& scenario, const SearchOutcome& outcome,
                       const std::string& command_line, const std::vector<std::string>& overrides);

}  // namespace qdes::search
