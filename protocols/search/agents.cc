#include "protocols/search/agents.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <limits>
#include <map>
#include <memory>
#include <set>

#include "protocols/search/policy.h"
#include "sim/random.h"

namespace qdes::search {

std::string agent_name(AgentKind kind) {
    return kind == AgentKind::kReinforce ? "reinforce" : "random";
}

namespace {

struct Step {
    Eigen::VectorXd x;
    std::vector<std::uint8_t> mask;
    std::size_t action;
    double p_old = 1;  ///< the probability the sampling policy gave the action
};

struct Episode {
    std::vector<Step> steps;
    std::unique_ptr<Builder> builder;
    double entropy = 0;  ///< summed over the steps
    Episode(const Space& s, bool small) : builder(small ? s.small_builder() : s.builder()) {}
};

std::size_t sample(const Eigen::VectorXd& p, RandomStream& rng) {
    const double u = rng.uniform01();
    double c = 0;
    std::size_t last = 0;
    for (Eigen::Index i = 0; i < p.size(); ++i) {
        if (p[i] <= 0) continue;
        last = std::size_t(i);
        c += p[i];
        if (u < c) return std::size_t(i);
    }
    return last;  // rounding left u above the total
}

}  // namespace

AgentResult run_agent(const Space& space, Evaluator& evaluator, const AgentSpec& spec, const AgentProgress& progress,
                      const std::atomic<bool>* interrupt) {
    const auto t0 = std::chrono::steady_clock::now();
    AgentResult out;
    out.agent = agent_name(spec.kind);
    RandomStream rng(spec.seed, stream_id(out.agent, "episodes"));
    std::unique_ptr<Policy> policy;
    if (spec.kind == AgentKind::kReinforce)
        policy = std::make_unique<Policy>(space.num_features(), spec.hidden, space.num_actions(), spec.seed);
    const std::size_t episodes = std::max<std::size_t>(1, spec.episodes);
    const std::size_t max_iterations =
        spec.max_iterations ? spec.max_iterations : std::max<std::size_t>(1, 10 * spec.budget / episodes);
    std::map<std::string, std::size_t> seen;  // key -> index into out.rules
    double best = -std::numeric_limits<double>::infinity(), worst = 0;

    for (std::size_t it = 1; it <= max_iterations && seen.size() < spec.budget; ++it) {
        if (interrupt && interrupt->load()) break;
        std::vector<Episode> batch;
        batch.reserve(episodes);
        const bool small = double(seen.size()) < spec.curriculum * double(spec.budget) &&
                           double(it) <= spec.curriculum * double(max_iterations);
        for (std::size_t e = 0; e < episodes; ++e) {
            batch.emplace_back(space, small);
            Episode& ep = batch.back();
            while (!ep.builder->done()) {
                Step st{Eigen::VectorXd(space.num_features()), ep.builder->mask(), 0};
                ep.builder->features(st.x.data());
                Eigen::VectorXd p;
                if (policy) {
                    p = policy->probabilities(st.x, st.mask);
                } else {
                    p = Eigen::VectorXd::Zero(Eigen::Index(st.mask.size()));
                    for (std::size_t a = 0; a < st.mask.size(); ++a) p[Eigen::Index(a)] = st.mask[a];
                    p /= p.sum();
                }
                for (Eigen::Index i = 0; i < p.size(); ++i)
                    if (p[i] > 0) ep.entropy -= p[i] * std::log(p[i]);
                st.action = sample(p, rng);
                st.p_old = p[Eigen::Index(st.action)];
                ep.builder->apply(st.action);
                ep.steps.push_back(std::move(st));
            }
            out.dead_ends += ep.builder->dead_ends();
        }
        out.episodes += episodes;
        // The episodes this iteration scores: those with a rule, new rules only while the budget lasts.
        std::vector<Rule> rules;
        std::vector<std::string> keys;
        std::vector<std::size_t> which;  // episode of each rule
        std::set<std::string> fresh;
        for (std::size_t e = 0; e < batch.size(); ++e) {
            if (!batch[e].builder->has_rule()) continue;
            Rule rule = batch[e].builder->rule();
            std::string k = evaluator.key(rule);
            if (!seen.count(k) && !fresh.count(k)) {
                if (seen.size() + fresh.size() >= spec.budget) continue;
                fresh.insert(k);
            }
            rules.push_back(std::move(rule));
            keys.push_back(std::move(k));
            which.push_back(e);
        }
        const std::vector<Score> scores = evaluator.score(rules, keys);
        std::vector<double> reward(batch.size(), std::nan(""));
        double sum = 0, top = -std::numeric_limits<double>::infinity();
        for (std::size_t i = 0; i < rules.size(); ++i) {
            const std::string& k = keys[i];
            if (!seen.count(k)) {
                seen.emplace(k, out.rules.size());
                out.rules.push_back({seen.size(), it, k, rules[i], scores[i]});
                if (scores[i].objective > best) {
                    best = scores[i].objective;
                    out.best = out.rules.size() - 1;
                }
                worst = out.rules.size() == 1 ? scores[i].objective : std::min(worst, scores[i].objective);
            }
            reward[which[i]] = scores[i].objective;
            sum += scores[i].objective;
            top = std::max(top, scores[i].objective);
        }
        CurveRow row;
        row.iteration = it;
        row.evaluations = seen.size();
        row.episodes = out.episodes;
        row.mean_objective = rules.empty() ? std::nan("") : sum / double(rules.size());
        row.best_in_iteration = rules.empty() ? std::nan("") : top;
        row.best_so_far = out.rules.empty() ? std::nan("") : best;
        double steps = 0, entropy = 0;
        for (const Episode& ep : batch) {
            steps += double(ep.steps.size());
            entropy += ep.entropy;
        }
        row.entropy = steps > 0 ? entropy / steps : 0;
        out.curve.push_back(row);

        if (policy) {
            // Episodes without a rule, or beyond the budget, learn from the floor and nothing respectively.
            std::vector<double> r;
            for (std::size_t e = 0; e < batch.size(); ++e) {
                if (!batch[e].builder->has_rule()) {
                    ++out.empty_episodes;
                    reward[e] = worst;
                }
                if (!std::isnan(reward[e])) r.push_back(reward[e]);
            }
            double mean = 0, var = 0;
            for (double v : r) mean += v / double(r.size());
            for (double v : r) var += (v - mean) * (v - mean) / double(r.size());
            const double scale = std::sqrt(var);
            if (r.size() >= 2 && scale > 1e-9) {
                for (std::size_t epoch = 0; epoch < std::max<std::size_t>(1, spec.epochs); ++epoch) {
                    for (std::size_t e = 0; e < batch.size(); ++e) {
                        if (std::isnan(reward[e])) continue;
                        const double advantage = (reward[e] - mean) / scale;
                        for (const Step& st : batch[e].steps) {
                            double ratio = 1;
                            if (epoch > 0) {
                                ratio = policy->probabilities(st.x, st.mask)[Eigen::Index(st.action)] / st.p_old;
                                if ((advantage > 0 && ratio > 1 + spec.clip) ||
                                    (advantage < 0 && ratio < 1 - spec.clip))
                                    continue;
                            }
                            policy->accumulate(st.x, st.mask, st.action, advantage * ratio, spec.entropy);
                        }
                    }
                    policy->step(spec.learning_rate, double(r.size()));
                }
            }
        } else {
            for (const Episode& ep : batch) out.empty_episodes += ep.builder->has_rule() ? 0 : 1;
        }
        out.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
        if (progress) progress(out, spec.budget);
    }
    return out;
}

}  // namespace qdes::search
