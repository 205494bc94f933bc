#include "protocols/qec/matching.h"

#include <algorithm>
#include <cmath>
#include <functional>
#include <limits>
#include <queue>

namespace qdes::qec {

namespace {

/// The blossom algorithm's state. Vertices are 0..n-1, blossoms n..2n-1. An edge k has endpoints 2k (its u) and
/// 2k + 1 (its v); p ^ 1 is the other end of endpoint p. Labels: 0 free, 1 S (outer), 2 T (inner); 5 marks a
/// blossom on the path being scanned.
class Blossom {
  public:
    Blossom(std::uint32_t n, const std::vector<WeightedEdge>& edges, bool max_cardinality)
        : n_(int(n)), m_(int(edges.size())), max_cardinality_(max_cardinality) {
        endpoint_.resize(2 * std::size_t(m_));
        weight_.resize(m_);
        neighbend_.resize(n_);
        std::int64_t max_weight = 0;
        for (int k = 0; k < m_; ++k) {
            const WeightedEdge& e = edges[k];
            endpoint_[2 * k] = int(e.u);
            endpoint_[2 * k + 1] = int(e.v);
            weight_[k] = 2 * e.weight;  // doubled, so that every dual change below stays an integer
            max_weight = std::max(max_weight, weight_[k]);
            neighbend_[e.u].push_back(2 * k + 1);
            neighbend_[e.v].push_back(2 * k);
        }
        const int b2 = 2 * n_;
        mate_.assign(n_, -1);
        label_.assign(b2, 0);
        labelend_.assign(b2, -1);
        inblossom_.resize(n_);
        for (int v = 0; v < n_; ++v) inblossom_[v] = v;
        parent_.assign(b2, -1);
        childs_.resize(b2);
        endps_.resize(b2);
        base_.assign(b2, -1);
        for (int v = 0; v < n_; ++v) base_[v] = v;
        bestedge_.assign(b2, -1);
        bestedges_.resize(b2);
        for (int b = b2 - 1; b >= n_; --b) unused_.push_back(b);
        dual_.assign(b2, 0);
        for (int v = 0; v < n_; ++v) dual_[v] = max_weight;
        allowed_.assign(m_, 0);
    }

    std::vector<int> solve() {
        for (int stage = 0; stage < n_; ++stage) {
            std::fill(label_.begin(), label_.end(), 0);
            std::fill(bestedge_.begin(), bestedge_.end(), -1);
            for (int b = n_; b < 2 * n_; ++b) bestedges_[b].clear();
            std::fill(allowed_.begin(), allowed_.end(), 0);
            queue_.clear();
            for (int v = 0; v < n_; ++v)
                if (mate_[v] == -1 && label_[inblossom_[v]] == 0) assign_label(v, 1, -1);
            if (!grow_and_augment()) break;
            // End of stage: expand S-blossoms whose dual reached zero.
            for (int b = n_; b < 2 * n_; ++b)
                if (parent_[b] == -1 && base_[b] >= 0 && label_[b] == 1 && dual_[b] == 0) expand(b, true);
        }
        std::vector<int> partner(n_, -1);
        for (int v = 0; v < n_; ++v)
            if (mate_[v] >= 0) partner[v] = endpoint_[mate_[v]];
        return partner;
    }

  private:
    std::int64_t slack(int k) const {
        return dual_[endpoint_[2 * k]] + dual_[endpoint_[2 * k + 1]] - 2 * weight_[k];
    }

    template <class F>
    void for_leaves(int b, F&& f) const {
        if (b < n_) {
            f(b);
            return;
        }
        for (int t : childs_[b]) for_leaves(t, f);
    }

    static int wrap(int j, std::size_t size) {
        const int s = int(size);
        return ((j % s) + s) % s;
    }

    void assign_label(int w, int t, int p) {
        const int b = inblossom_[w];
        label_[w] = label_[b] = t;
        labelend_[w] = labelend_[b] = p;
        bestedge_[w] = bestedge_[b] = -1;
        if (t == 1) {
            for_leaves(b, [this](int v) { queue_.push_back(v); });
        } else {
            const int base = base_[b];
            assign_label(endpoint_[mate_[base]], 1, mate_[base] ^ 1);
        }
    }

    /// Traces back from v and w to find a new blossom's base, or -1 for an augmenting path.
    int scan_blossom(int v, int w) {
        std::vector<int> path;
        int base = -1;
        while (v != -1 || w != -1) {
            int b = inblossom_[v];
            if (label_[b] & 4) {
                base = base_[b];
                break;
            }
            path.push_back(b);
            label_[b] = 5;
            if (labelend_[b] == -1) {
                v = -1;
            } else {
                v = endpoint_[labelend_[b]];
                b = inblossom_[v];
                v = endpoint_[labelend_[b]];
            }
            if (w != -1) std::swap(v, w);
        }
        for (int b : path) label_[b] = 1;
        return base;
    }

    void add_blossom(int base, int k) {
        int v = endpoint_[2 * k], w = endpoint_[2 * k + 1];
        const int bb = inblossom_[base];
        int bv = inblossom_[v], bw = inblossom_[w];
        const int b = unused_.back();
        unused_.pop_back();
        base_[b] = base;
        parent_[b] = -1;
        parent_[bb] = b;
        std::vector<int>& path = childs_[b];
        std::vector<int>& endps = endps_[b];
        path.clear();
        endps.clear();
        while (bv != bb) {
            parent_[bv] = b;
            path.push_back(bv);
            endps.push_back(labelend_[bv]);
            v = endpoint_[labelend_[bv]];
            bv = inblossom_[v];
        }
        path.push_back(bb);
        std::reverse(path.begin(), path.end());
        std::reverse(endps.begin(), endps.end());
        endps.push_back(2 * k);
        while (bw != bb) {
            parent_[bw] = b;
            path.push_back(bw);
            endps.push_back(labelend_[bw] ^ 1);
            w = endpoint_[labelend_[bw]];
            bw = inblossom_[w];
        }
        label_[b] = 1;
        labelend_[b] = labelend_[bb];
        dual_[b] = 0;
        for_leaves(b, [&](int leaf) {
            if (label_[inblossom_[leaf]] == 2) queue_.push_back(leaf);
            inblossom_[leaf] = b;
        });
        // The least-slack edge from the new blossom to each neighbouring S-blossom.
        std::vector<int> best_to(2 * std::size_t(n_), -1);
        const auto consider = [&](int edge) {
            int i = endpoint_[2 * edge], j = endpoint_[2 * edge + 1];
            if (inblossom_[j] == b) std::swap(i, j);
            const int bj = inblossom_[j];
            if (bj != b && label_[bj] == 1 && (best_to[bj] == -1 || slack(edge) < slack(best_to[bj])))
                best_to[bj] = edge;
        };
        for (int child : path) {
            if (bestedges_[child].empty()) {  // a vertex, or a blossom without a list yet: scan its edges
                for_leaves(child, [&](int leaf) {
                    for (int p : neighbend_[leaf]) consider(p / 2);
                });
            } else {
                for (int edge : bestedges_[child]) consider(edge);
            }
            bestedges_[child].clear();
            bestedge_[child] = -1;
        }
        bestedges_[b].clear();
        for (int e : best_to)
            if (e != -1) bestedges_[b].push_back(e);
        bestedge_[b] = -1;
        for (int e : bestedges_[b])
            if (bestedge_[b] == -1 || slack(e) < slack(bestedge_[b])) bestedge_[b] = e;
    }

    void expand(int b, bool end_of_stage) {
        for (int s : childs_[b]) {
            parent_[s] = -1;
            if (s < n_) inblossom_[s] = s;
            else if (end_of_stage && dual_[s] == 0) expand(s, end_of_stage);
            else for_leaves(s, [&](int leaf) { inblossom_[leaf] = s; });
        }
        if (!end_of_stage && label_[b] == 2) {
            // Relabel the children on the even-length path from the entry child to the base.
            const std::vector<int>& ch = childs_[b];
            const std::vector<int>& ep = endps_[b];
            const int entry = inblossom_[endpoint_[labelend_[b] ^ 1]];
            int j = int(std::find(ch.begin(), ch.end(), entry) - ch.begin());
            int step, trick;
            if (j & 1) {
                j -= int(ch.size());
                step = 1, trick = 0;
            } else {
                step = -1, trick = 1;
            }
            int p = labelend_[b];
            while (j != 0) {
                label_[endpoint_[p ^ 1]] = 0;
                label_[endpoint_[ep[wrap(j - trick, ep.size())] ^ trick ^ 1]] = 0;
                assign_label(endpoint_[p ^ 1], 2, p);
                allowed_[ep[wrap(j - trick, ep.size())] / 2] = 1;
                j += step;
                p = ep[wrap(j - trick, ep.size())] ^ trick;
                allowed_[p / 2] = 1;
                j += step;
            }
            int bv = ch[wrap(j, ch.size())];
            label_[endpoint_[p ^ 1]] = label_[bv] = 2;
            labelend_[endpoint_[p ^ 1]] = labelend_[bv] = p;
            bestedge_[bv] = -1;
            j += step;
            while (ch[wrap(j, ch.size())] != entry) {
                bv = ch[wrap(j, ch.size())];
                if (label_[bv] == 1) {
                    j += step;
                    continue;
                }
                int reached = -1;
                for_leaves(bv, [&](int leaf) {
                    if (reached == -1 && label_[leaf] != 0) reached = leaf;
                });
                if (reached != -1) {
                    label_[reached] = 0;
                    label_[endpoint_[mate_[base_[bv]]]] = 0;
                    assign_label(reached, 2, labelend_[reached]);
                }
                j += step;
            }
        }
        label_[b] = labelend_[b] = -1;
        childs_[b].clear();
        endps_[b].clear();
        base_[b] = -1;
        bestedges_[b].clear();
        bestedge_[b] = -1;
        unused_.push_back(b);
    }

    /// Swaps matched and unmatched edges on the path through blossom b from vertex v to its base.
    void augment_blossom(int b, int v) {
        int t = v;
        while (parent_[t] != b) t = parent_[t];
        if (t >= n_) augment_blossom(t, v);
        std::vector<int>& ch = childs_[b];
        std::vector<int>& ep = endps_[b];
        const int i = int(std::find(ch.begin(), ch.end(), t) - ch.begin());
        int j = i, step, trick;
        if (i & 1) {
            j -= int(ch.size());
            step = 1, trick = 0;
        } else {
            step = -1, trick = 1;
        }
        while (j != 0) {
            j += step;
            t = ch[wrap(j, ch.size())];
            const int p = ep[wrap(j - trick, ep.size())] ^ trick;
            if (t >= n_) augment_blossom(t, endpoint_[p]);
            j += step;
            t = ch[wrap(j, ch.size())];
            if (t >= n_) augment_blossom(t, endpoint_[p ^ 1]);
            mate_[endpoint_[p]] = p ^ 1;
            mate_[endpoint_[p ^ 1]] = p;
        }
        std::rotate(ch.begin(), ch.begin() + i, ch.end());
        std::rotate(ep.begin(), ep.begin() + i, ep.end());
        base_[b] = base_[ch[0]];
    }

    void augment_matching(int k) {
        const int ends[2][2] = {{endpoint_[2 * k], 2 * k + 1}, {endpoint_[2 * k + 1], 2 * k}};
        for (const auto& start : ends) {
            int s = start[0], p = start[1];
            while (true) {
                const int bs = inblossom_[s];
                if (bs >= n_) augment_blossom(bs, s);
                mate_[s] = p;
                if (labelend_[bs] == -1) break;
                const int t = endpoint_[labelend_[bs]];
                const int bt = inblossom_[t];
                s = endpoint_[labelend_[bt]];
                const int j = endpoint_[labelend_[bt] ^ 1];
                if (bt >= n_) augment_blossom(bt, j);
                mate_[j] = labelend_[bt];
                p = labelend_[bt] ^ 1;
            }
        }
    }

    /// One stage's search; returns whether it augmented the matching.
    bool grow_and_augment() {
        while (true) {
            while (!queue_.empty()) {
                const int v = queue_.back();
                queue_.pop_back();
                for (int p : neighbend_[v]) {
                    const int k = p / 2;
                    const int w = endpoint_[p];
                    if (inblossom_[v] == inblossom_[w]) continue;
                    std::int64_t kslack = 0;
                    if (!allowed_[k]) {
                        kslack = slack(k);
                        if (kslack <= 0) allowed_[k] = 1;
                    }
                    if (allowed_[k]) {
                        if (label_[inblossom_[w]] == 0) {
                            assign_label(w, 2, p ^ 1);
                        } else if (label_[inblossom_[w]] == 1) {
                            const int base = scan_blossom(v, w);
                            if (base >= 0) {
                                add_blossom(base, k);
                            } else {
                                augment_matching(k);
                                return true;
                            }
                        } else if (label_[w] == 0) {
                            label_[w] = 2;
                            labelend_[w] = p ^ 1;
                        }
                    } else if (label_[inblossom_[w]] == 1) {
                        const int b = inblossom_[v];
                        if (bestedge_[b] == -1 || kslack < slack(bestedge_[b])) bestedge_[b] = k;
                    } else if (label_[w] == 0) {
                        if (bestedge_[w] == -1 || kslack < slack(bestedge_[w])) bestedge_[w] = k;
                    }
                }
            }
            // No augmenting path with the current duals: change them.
            int type = -1, edge = -1, blossom = -1;
            std::int64_t delta = 0;
            if (!max_cardinality_) {
                type = 1;
                delta = *std::min_element(dual_.begin(), dual_.begin() + n_);
            }
            for (int v = 0; v < n_; ++v)
                if (label_[inblossom_[v]] == 0 && bestedge_[v] != -1) {
                    const std::int64_t d = slack(bestedge_[v]);
                    if (type == -1 || d < delta) delta = d, type = 2, edge = bestedge_[v];
                }
            for (int b = 0; b < 2 * n_; ++b)
                if (parent_[b] == -1 && label_[b] == 1 && bestedge_[b] != -1) {
                    const std::int64_t d = slack(bestedge_[b]) / 2;
                    if (type == -1 || d < delta) delta = d, type = 3, edge = bestedge_[b];
                }
            for (int b = n_; b < 2 * n_; ++b)
                if (base_[b] >= 0 && parent_[b] == -1 && label_[b] == 2 && (type == -1 || dual_[b] < delta))
                    delta = dual_[b], type = 4, blossom = b;
            if (type == -1) {  // max_cardinality and nothing left to grow: a final step to optimum
                type = 1;
                delta = std::max<std::int64_t>(0, *std::min_element(dual_.begin(), dual_.begin() + n_));
            }
            for (int v = 0; v < n_; ++v) {
                const int l = label_[inblossom_[v]];
                if (l == 1) dual_[v] -= delta;
                else if (l == 2) dual_[v] += delta;
            }
            for (int b = n_; b < 2 * n_; ++b)
                if (base_[b] >= 0 && parent_[b] == -1) {
                    if (label_[b] == 1) dual_[b] += delta;
                    else if (label_[b] == 2) dual_[b] -= delta;
                }
            if (type == 1) return false;
            if (type == 2) {
                allowed_[edge] = 1;
                int i = endpoint_[2 * edge], j = endpoint_[2 * edge + 1];
                if (label_[inblossom_[i]] == 0) std::swap(i, j);
                queue_.push_back(i);
            } else if (type == 3) {
                allowed_[edge] = 1;
                queue_.push_back(endpoint_[2 * edge]);
            } else {
                expand(blossom, false);
            }
        }
    }

    int n_, m_;
    bool max_cardinality_;
    std::vector<int> endpoint_;
    std::vector<std::int64_t> weight_;
    std::vector<std::vector<int>> neighbend_;
    std::vector<int> mate_, label_, labelend_, inblossom_, parent_, base_, bestedge_, unused_, queue_;
    std::vector<std::vector<int>> childs_, endps_, bestedges_;
    std::vector<std::int64_t> dual_;
    std::vector<char> allowed_;
};

}  // namespace

std::vector<int> max_weight_matching(std::uint32_t n, const std::vector<WeightedEdge>& edges, bool max_cardinality) {
    if (n == 0) return {};
    return Blossom(n, edges, max_cardinality).solve();
}

MatchingDecoder::MatchingDecoder(const DecodingGraph& graph)
    : g_(graph),
      boundary_node_(graph.num_nodes),
      dist_(graph.num_nodes + 1, std::numeric_limits<double>::infinity()),
      obs_(graph.num_nodes + 1, 0) {
    double lightest = 0;
    for (const DecodingGraph::Edge& e : graph.edges)
        if (e.weight > 0 && (lightest == 0 || e.weight < lightest)) lightest = e.weight;
    scale_ = lightest > 0 ? 1024.0 / lightest : 1024.0;
}

void MatchingDecoder::shortest_paths(std::uint32_t source) {
    for (std::uint32_t v : reached_) dist_[v] = std::numeric_limits<double>::infinity(), obs_[v] = 0;
    reached_.clear();
    using Item = std::pair<double, std::uint32_t>;
    std::priority_queue<Item, std::vector<Item>, std::greater<Item>> heap;
    dist_[source] = 0;
    reached_.push_back(source);
    heap.push({0, source});
    while (!heap.empty()) {
        const auto [d, v] = heap.top();
        heap.pop();
        if (d > dist_[v] || v == boundary_node_) continue;
        for (std::uint32_t k = g_.offset[v]; k < g_.offset[v + 1]; ++k) {
            const DecodingGraph::Edge& e = g_.edges[g_.incident[k]];
            std::uint32_t w = g_.other(e, v);
            if (w == DecodingGraph::kBoundary) w = boundary_node_;
            const double nd = d + std::max(0.0, e.weight);
            if (nd < dist_[w]) {
                if (dist_[w] == std::numeric_limits<double>::infinity()) reached_.push_back(w);
                dist_[w] = nd;
                obs_[w] = obs_[v] ^ e.observables;
                heap.push({nd, w});
            }
        }
    }
}

std::uint64_t MatchingDecoder::decode(const std::vector<std::uint32_t>& defects) {
    const std::uint32_t m = std::uint32_t(defects.size());
    if (m == 0) return 0;
    // Vertices 0..m-1: the defects; m..2m-1: their boundary copies.
    std::vector<WeightedEdge> edges;
    std::vector<std::uint64_t> pair_obs(std::size_t(m) * m, 0), boundary_obs(m, 0);
    struct Pending {
        std::uint32_t u, v;
        std::int64_t length;
    };
    std::vector<Pending> pending;
    bool any_boundary = false;
    for (std::uint32_t i = 0; i < m; ++i) {
        shortest_paths(defects[i]);
        for (std::uint32_t j = i + 1; j < m; ++j) {
            const double d = dist_[defects[j]];
            if (d == std::numeric_limits<double>::infinity()) continue;
            pair_obs[std::size_t(i) * m + j] = obs_[defects[j]];
            pending.push_back({i, j, std::llround(d * scale_)});
        }
        const double db = dist_[boundary_node_];
        if (db != std::numeric_limits<double>::infinity()) {
            any_boundary = true;
            boundary_obs[i] = obs_[boundary_node_];
            pending.push_back({i, m + i, std::llround(db * scale_)});
        }
    }
    if (any_boundary)
        for (std::uint32_t i = 0; i < m; ++i)
            for (std::uint32_t j = i + 1; j < m; ++j) pending.push_back({m + i, m + j, 0});
    std::int64_t longest = 0;
    for (const Pending& p : pending) longest = std::max(longest, p.length);
    edges.reserve(pending.size());
    for (const Pending& p : pending) edges.push_back({p.u, p.v, longest + 1 - p.length});
    const std::vector<int> mate = max_weight_matching(any_boundary ? 2 * m : m, edges, true);
    std::uint64_t prediction = 0;
    for (std::uint32_t i = 0; i < m; ++i) {
        const int j = mate[i];
        if (j < 0) continue;  // cannot happen for a matchable defect set
        if (std::uint32_t(j) >= m) prediction ^= boundary_obs[i];
        else if (std::uint32_t(j) > i) prediction ^= pair_obs[std::size_t(i) * m + std::uint32_t(j)];
    }
    return prediction;
}


}  // namespace qdes::qec
