// The blossom matching against exhaustive search on small random graphs (equal and distinct weights, with and
// without the maximum-cardinality rule).

#include "protocols/qec/matching.h"

#include <gtest/gtest.h>

#include <random>

namespace qdes::qec {
namespace {

struct Best {
    int edges = 0;
    std::int64_t weight = 0;
};

/// The best (cardinality first if asked, then weight) over all matchings, by recursion on the lowest free vertex.
void search(std::uint32_t n, const std::vector<WeightedEdge>& edges, std::vector<char>& used, int count,
            std::int64_t weight, bool max_cardinality, Best& best) {
    const bool better = max_cardinality ? (count > best.edges || (count == best.edges && weight > best.weight))
                                        : weight > best.weight;
    if (better) best = {count, weight};
    std::uint32_t v = 0;
    while (v < n && used[v]) ++v;
    if (v == n) return;
    used[v] = 1;
    search(n, edges, used, count, weight, max_cardinality, best);  // v stays unmatched
    for (const WeightedEdge& e : edges) {
        const std::uint32_t w = e.u == v ? e.v : e.v == v ? e.u : n;
        if (w == n || used[w]) continue;
        used[w] = 1;
        search(n, edges, used, count + 1, weight + e.weight, max_cardinality, best);
        used[w] = 0;
    }
    used[v] = 0;
}

TEST(Matching, AgreesWithExhaustiveSearchOnRandomGraphs) {
    std::mt19937_64 rng(7);
    int checked = 0;
    for (int trial = 0; trial < 1000; ++trial) {
        const std::uint32_t n = 2 + std::uint32_t(rng() % 11);
        const double density = 0.2 + 0.8 * double(rng() % 100) / 100.0;
        const std::int64_t weight_range = trial % 3 == 0 ? 1 : trial % 3 == 1 ? 4 : 1000;  // equal, few, distinct
        std::vector<WeightedEdge> edges;
        for (std::uint32_t u = 0; u < n; ++u)
            for (std::uint32_t v = u + 1; v < n; ++v)
                if (double(rng() % 1000) / 1000.0 < density)
                    edges.push_back({u, v, 1 + std::int64_t(rng() % std::uint64_t(weight_range))});
        for (bool max_cardinality : {false, true}) {
            const std::vector<int> mate = max_weight_matching(n, edges, max_cardinality);
            // A valid matching along existing edges ...
            int count = 0;
            std::int64_t weight = 0;
            for (std::uint32_t v = 0; v < n; ++v) {
                if (mate[v] < 0) continue;
                ASSERT_EQ(mate[std::size_t(mate[v])], int(v));
                if (std::uint32_t(mate[v]) < v) continue;
                bool found = false;
                for (const WeightedEdge& e : edges)
                    if ((e.u == v && e.v == std::uint32_t(mate[v])) || (e.v == v && e.u == std::uint32_t(mate[v]))) {
                        weight += e.weight;
                        found = true;
                        break;
                    }
                ASSERT_TRUE(found);
                ++count;
            }
            // ... as good as the best one.
            std::vector<char> used(n, 0);
            Best best;
            search(n, edges, used, 0, 0, max_cardinality, best);
            if (max_cardinality) {
                EXPECT_EQ(count, best.edges) << "trial " << trial;
            }
            EXPECT_EQ(weight, best.weight) << "trial " << trial << " n " << n << " max_cardinality " << max_cardinality;
            ++checked;
        }
    }
    EXPECT_EQ(checked, 2000);
}

}  // namespace
}  // namespace qdes::qec
