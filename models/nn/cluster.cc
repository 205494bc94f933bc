#include "models/nn/cluster.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>
#include <stdexcept>

namespace qdes::nn {

namespace {

struct UnionFind {
    std::vector<int> parent;
    explicit UnionFind(int n) : parent(static_cast<std::size_t>(n)) { std::iota(parent.begin(), parent.end(), 0); }
    int find(int x) {
        while (parent[static_cast<std::size_t>(x)] != x)
            x = parent[static_cast<std::size_t>(x)] =
                parent[static_cast<std::size_t>(parent[static_cast<std::size_t>(x)])];
        return x;
    }
};

std::vector<int> labels_from(const std::vector<Merge>& linkage, int points, std::size_t applied) {
    // Cluster id -> representative point, then union the points.
    UnionFind uf(points);
    std::vector<int> member(static_cast<std::size_t>(points) + linkage.size());
    std::iota(member.begin(), member.begin() + points, 0);
    for (std::size_t m = 0; m < applied; ++m) {
        const int ra = uf.find(member[static_cast<std::size_t>(linkage[m].a)]);
        const int rb = uf.find(member[static_cast<std::size_t>(linkage[m].b)]);
        uf.parent[static_cast<std::size_t>(std::max(ra, rb))] = std::min(ra, rb);
        member[static_cast<std::size_t>(points) + m] = std::min(ra, rb);
    }
    std::vector<int> label(static_cast<std::size_t>(points), -1), of_root(static_cast<std::size_t>(points), -1);
    int next = 0;
    for (int p = 0; p < points; ++p) {
        const int r = uf.find(p);
        if (of_root[static_cast<std::size_t>(r)] < 0) of_root[static_cast<std::size_t>(r)] = next++;
        label[static_cast<std::size_t>(p)] = of_root[static_cast<std::size_t>(r)];
    }
    return label;
}

}  // namespace

std::vector<Merge> ward_linkage(const std::vector<std::vector<double>>& points) {
    const int n = static_cast<int>(points.size());
    if (n == 0) throw std::invalid_argument("ward_linkage: no points");
    const std::size_t N = static_cast<std::size_t>(n);
    // Condensed squared-free distance matrix D[i][j] (Euclidean), updated in place by Lance-Williams for Ward.
    std::vector<double> D(N * N, 0.0);
    for (std::size_t i = 0; i < N; ++i)
        for (std::size_t j = i + 1; j < N; ++j) {
            if (points[i].size() != points[j].size())
                throw std::invalid_argument("ward_linkage: rows differ in length");
            double d = 0;
            for (std::size_t x = 0; x < points[i].size(); ++x)
                d += (points[i][x] - points[j][x]) * (points[i][x] - points[j][x]);
            D[i * N + j] = D[j * N + i] = std::sqrt(d);
        }
    std::vector<int> size(N, 1);
    std::vector<bool> active(N, true);
    // Raw merges by slot (the surviving slot takes the new cluster), in the order the chain finds them.
    struct Raw {
        int x, y;
        double height;
    };
    std::vector<Raw> raw;
    std::vector<int> chain;
    for (int merges = 0; merges < n - 1; ++merges) {
        if (chain.empty()) {
            for (int i = 0; i < n; ++i)
                if (active[static_cast<std::size_t>(i)]) {
                    chain.push_back(i);
                    break;
                }
        }
        int x = 0, y = 0;
        double best = 0;
        for (;;) {
            x = chain.back();
            // The nearest active neighbour of x; the previous chain element wins ties (so the chain ends).
            y = chain.size() > 1 ? chain[chain.size() - 2] : -1;
            best = y >= 0 ? D[static_cast<std::size_t>(x) * N + static_cast<std::size_t>(y)]
                          : std::numeric_limits<double>::infinity();
            for (int i = 0; i < n; ++i) {
                if (!active[static_cast<std::size_t>(i)] || i == x) continue;
                const double d = D[static_cast<std::size_t>(x) * N + static_cast<std::size_t>(i)];
                if (d < best) {
                    best = d;
                    y = i;
                }
            }
            if (chain.size() > 1 && y == chain[chain.size() - 2]) break;
            chain.push_back(y);
        }
        chain.pop_back();
        chain.pop_back();
        if (x > y) std::swap(x, y);
        raw.push_back({x, y, best});
        // Merge y into slot x: Lance-Williams for Ward on distances.
        const double nx = size[static_cast<std::size_t>(x)], ny = size[static_cast<std::size_t>(y)];
        for (int k = 0; k < n; ++k) {
            if (!active[static_cast<std::size_t>(k)] || k == x || k == y) continue;
            const double nk = size[static_cast<std::size_t>(k)];
            const double dx = D[static_cast<std::size_t>(x) * N + static_cast<std::size_t>(k)];
            const double dy = D[static_cast<std::size_t>(y) * N + static_cast<std::size_t>(k)];
            const double d = std::sqrt(
                std::max(0.0, ((nx + nk) * dx * dx + (ny + nk) * dy * dy - nk * best * best) / (nx + ny + nk)));
            D[static_cast<std::size_t>(x) * N + static_cast<std::size_t>(k)] = d;
            D[static_cast<std::size_t>(k) * N + static_cast<std::size_t>(x)] = d;
        }
        active[static_cast<std::size_t>(y)] = false;
        size[static_cast<std::size_t>(x)] += size[static_cast<std::size_t>(y)];
    }
    // Sort by height (stable, as scipy does) and relabel: a merge's clusters are named by the merge that made them.
    std::vector<std::size_t> order(raw.size());
    std::iota(order.begin(), order.end(), 0);
    std::stable_sort(order.begin(), order.end(),
                     [&](std::size_t a, std::size_t b) { return raw[a].height < raw[b].height; });
    UnionFind uf(n);
    std::vector<int> id(N);  // root point -> current cluster id
    std::iota(id.begin(), id.end(), 0);
    std::vector<int> count(N, 1);
    std::vector<Merge> out;
    for (std::size_t m = 0; m < order.size(); ++m) {
        const Raw& r = raw[order[m]];
        const int ra = uf.find(r.x), rb = uf.find(r.y);
        Merge mg;
        mg.a = std::min(id[static_cast<std::size_t>(ra)], id[static_cast<std::size_t>(rb)]);
        mg.b = std::max(id[static_cast<std::size_t>(ra)], id[static_cast<std::size_t>(rb)]);
        mg.height = r.height;
        mg.size = count[static_cast<std::size_t>(ra)] + count[static_cast<std::size_t>(rb)];
        out.push_back(mg);
        const int root = std::min(ra, rb);
        uf.parent[static_cast<std::size_t>(std::max(ra, rb))] = root;
        id[static_cast<std::size_t>(root)] = n + static_cast<int>(m);
        count[static_cast<std::size_t>(root)] = mg.size;
    }
    return out;
}

std::vector<int> cut_at_height(const std::vector<Merge>& linkage, int points, double height) {
    std::size_t applied = 0;
    while (applied < linkage.size() && linkage[applied].height <= height) ++applied;
    return labels_from(linkage, points, applied);
}

std::vector<int> cut_after(const std::vector<Merge>& linkage, int points, int merges) {
    return labels_from(linkage, points, static_cast<std::size_t>(std::clamp<int>(merges, 0, int(linkage.size()))));
}

}  // namespace qdes::nn
