#pragma once
/// The agents of the circuit search, each with a budget of distinct rule evaluations:
/// - reinforce: REINFORCE (Williams, "Simple statistical gradient-following algorithms for connectionist
///   reinforcement learning", 1992) with the batch mean as baseline. Each iteration samples a batch of episodes
///   from the policy network (policy.h), scores their rules, and moves the policy towards the actions of the
///   episodes that scored above the batch mean (advantages scaled by the batch's standard deviation), with an
///   entropy bonus that keeps it exploring. With epochs > 1 it takes several steps per batch on PPO's clipped
///   objective (Schulman et al., "Proximal policy optimization algorithms", arXiv:1707.06347): a step's gradient
///   is weighted by pi_new / pi_old of its action and dropped once that ratio leaves [1 - clip, 1 + clip] in the
///   direction the advantage pushes, so each costly batch of scored rules is used more than once.
/// - random: the same episodes with every allowed action equally likely and no learning: the baseline that says
///   what the learning adds.
/// Both follow the same curriculum: the first `curriculum` share of the budget (and of the iterations) is spent in
/// the space's small part (2D: at most two ancillas, both parities, gates of at most two controls; Space::
/// small_builder), the rest in the whole space. In the extended 2D space the learner started in the whole space
/// settled on poor rules (objective about 4 against Toom's 6.1) in 4 of 5 seeds; with the curriculum it passed
/// Toom's in 4 of 5 (bench/run_search_bench.sh, docs/search_format.md).
/// An agent's budget counts the distinct rules (by key) it asked to score, whether or not another agent had them
/// scored already; a rule asked for again costs nothing. It stops when the budget is spent or after
/// max_iterations. Episodes, scores and so the whole run follow from the seed.

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "protocols/search/objective.h"
#include "protocols/search/space.h"

namespace qdes::search {

enum class AgentKind { kReinforce, kRandom };

struct AgentSpec {
    AgentKind kind = AgentKind::kReinforce;
    std::size_t budget = 200;        ///< distinct rules scored
    std::size_t episodes = 16;       ///< per iteration
    std::size_t max_iterations = 0;  ///< 0: 10 x budget / episodes
    std::size_t hidden = 64;         ///< policy network
    double learning_rate = 0.01;
    double entropy = 0.03;
    std::size_t epochs = 4;  ///< gradient steps per batch: 1 is plain REINFORCE, more is PPO's clipped objective
    double clip = 0.2;       ///< PPO: a step's probability ratio counts only within [1 - clip, 1 + clip]
    /// The share of the budget (and of max_iterations) spent in the space's small part first (Space::small_builder)
    double curriculum = 0.5;
    std::uint64_t seed = 1;
};

std::string agent_name(AgentKind kind);

struct CurveRow {
    std::uint64_t iteration = 0;
    std::uint64_t evaluations = 0;  ///< distinct rules scored so far
    std::uint64_t episodes = 0;     ///< episodes so far
    double mean_objective = 0;      ///< over this iteration's episodes that built a rule
    double best_in_iteration = 0;
    double best_so_far = 0;
    double entropy = 0;  ///< mean entropy of the policy's choices this iteration (nats per action)
};

struct EvaluatedRule {
    std::uint64_t evaluation = 0;  ///< 1 for the agent's first distinct rule
    std::uint64_t iteration = 0;
    std::string key;
    Rule rule;
    Score score;
};

struct AgentResult {
    std::string agent;
    std::vector<CurveRow> curve;
    std::vector<EvaluatedRule> rules;  ///< distinct, in the order first scored
    std::size_t best = 0;              ///< index into rules: the highest objective (the first of equals)
    std::uint64_t episodes = 0;
    std::uint64_t empty_episodes = 0;  ///< ended without a correction (scored as the floor: the worst rule so far)
    std::uint64_t dead_ends = 0;       ///< gates dropped at a dead end
    double seconds = 0;
};

/// Called after each iteration (for progress lines).
using AgentProgress = std::function<void(const AgentResult& so_far, std::size_t budget)>;

/// Runs the agent; stops before the next iteration once *interrupt is set.
AgentResult run_agent(const Space& space, Evaluator& evaluator, const AgentSpec& spec,
                      const AgentProgress& progress = nullptr, const std::atomic<bool>* interrupt = nullptr);

}  // namespace qdes::search
