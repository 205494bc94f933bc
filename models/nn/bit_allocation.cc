#include "models/nn/bit_allocation.h"

#include <algorithm>
#include <limits>
#include <stdexcept>

namespace qdes::nn {

namespace {

/// A partial allocation on the front: its totals and how it was made (previous state, option taken).
struct State {
    double cost = 0, penalty = 0;
    int previous = -1, option = -1;
};

void check(const std::vector<std::vector<BitOption>>& options) {
    for (std::size_t i = 0; i < options.size(); ++i)
        if (options[i].empty())
            throw std::invalid_argument("bit allocation: layer " + std::to_string(i) + " has no option");
}

/// The cheapest allocation: each layer's lowest-cost option.
BitAllocation cheapest(const std::vector<std::vector<BitOption>>& options) {
    BitAllocation a;
    for (const auto& layer : options) {
        std::size_t best = 0;
        for (std::size_t k = 1; k < layer.size(); ++k)
            if (layer[k].cost < layer[best].cost) best = k;
        a.choice.push_back(static_cast<int>(best));
        a.cost += layer[best].cost;
        a.penalty += layer[best].penalty;
    }
    return a;
}

}  // namespace

BitAllocation allocate_bits(const std::vector<std::vector<BitOption>>& options, double budget) {
    check(options);
    std::vector<std::vector<State>> fronts(options.size() + 1);
    fronts[0].push_back({});
    for (std::size_t i = 0; i < options.size(); ++i) {
        std::vector<State> next;
        for (int s = 0; s < static_cast<int>(fronts[i].size()); ++s)
            for (int k = 0; k < static_cast<int>(options[i].size()); ++k) {
                const State& from = fronts[i][static_cast<std::size_t>(s)];
                const BitOption& o = options[i][static_cast<std::size_t>(k)];
                const State to{from.cost + o.cost, from.penalty + o.penalty, s, k};
                if (to.cost <= budget) next.push_back(to);
            }
        // Keep the front: by cost, then penalty; a state survives when its penalty is below every cheaper one's.
        std::stable_sort(next.begin(), next.end(), [](const State& a, const State& b) {
            return a.cost < b.cost || (a.cost == b.cost && a.penalty < b.penalty);
        });
        double best = std::numeric_limits<double>::infinity();
        for (const State& st : next)
            if (st.penalty < best) {
                fronts[i + 1].push_back(st);
                best = st.penalty;
            }
        if (fronts[i + 1].empty()) return cheapest(options);
    }
    // The last front's lowest penalty (its last state); ties cannot survive on a front.
    BitAllocation a;
    a.feasible = true;
    int at = static_cast<int>(fronts.back().size()) - 1;
    a.cost = fronts.back().back().cost;
    a.penalty = fronts.back().back().penalty;
    a.choice.assign(options.size(), 0);
    for (std::size_t i = options.size(); i > 0; --i) {
        const State& st = fronts[i][static_cast<std::size_t>(at)];
        a.choice[i - 1] = st.option;
        at = st.previous;
    }
    return a;
}

BitAllocation allocate_bits_brute_force(const std::vector<std::vector<BitOption>>& options, double budget) {
    check(options);
    double combos = 1;
    for (const auto& layer : options) combos *= static_cast<double>(layer.size());
    if (combos > 16777216.0) throw std::invalid_argument("bit allocation: too many combinations to enumerate");
    BitAllocation best;
    std::vector<int> choice(options.size(), 0);
    while (true) {
        double cost = 0, penalty = 0;
        for (std::size_t i = 0; i < options.size(); ++i) {
            cost += options[i][static_cast<std::size_t>(choice[i])].cost;
            penalty += options[i][static_cast<std::size_t>(choice[i])].penalty;
        }
        if (cost <= budget &&
            (!best.feasible || penalty < best.penalty || (penalty == best.penalty && cost < best.cost)))
            best = {true, choice, cost, penalty};
        std::size_t i = 0;
        while (i < options.size() && ++choice[i] == static_cast<int>(options[i].size())) choice[i++] = 0;
        if (i == options.size()) break;
    }
    return best.feasible ? best : cheapest(options);
}

}  // namespace qdes::nn
