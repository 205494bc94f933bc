#include "protocols/qec/space_time.h"

#include <algorithm>
#include <bit>
#include <cmath>
#include <stdexcept>

#include "models/quantum/frame_simulator.h"

namespace qdes::qec {

const char* SpaceTimeModel::relation_name(Relation r) {
    switch (r) {
        case kSpace: return "space";
        case kLate: return "late";
        case kEarly: return "early";
        case kTime: return "time";
        case kBoundary: return "boundary";
    }
    return "?";
}

SpaceTimeModel::SpaceTimeModel(const ReadoutCycle& cycle) : cycle_(cycle), m_(cycle.num_checks) {
    kind_of_qubit_.assign(cycle.num_data, 0);
    std::map<std::pair<std::uint32_t, std::uint32_t>, std::uint32_t> kinds;
    for (std::uint32_t q = 0; q < cycle.num_data; ++q) {
        const QubitChecks& qc = cycle.qubits[q];
        if (qc.count == 0) continue;
        const std::pair<std::uint32_t, std::uint32_t> key{qc.layer[0], qc.count == 2 ? qc.layer[1] : kNoLayer};
        auto [it, fresh] = kinds.emplace(key, std::uint32_t(qubit_kinds_.size()));
        if (fresh) qubit_kinds_.push_back(key);
        kind_of_qubit_[q] = it->second;
    }
    const auto add = [&](Relation r, std::uint32_t qk, std::uint8_t lk) {
        class_index_[{r, qk, lk}] = classes_.size();
        Class c;
        c.relation = r;
        c.qubit_kind = qk;
        c.layer_kind = lk;
        classes_.push_back(c);
    };
    for (std::uint8_t lk = 0; lk < 3; ++lk) {
        for (std::uint32_t qk = 0; qk < qubit_kinds_.size(); ++qk) {
            if (qubit_kinds_[qk].second == kNoLayer) {
                add(kBoundary, qk, lk);
                continue;
            }
            add(kSpace, qk, lk);
            if (lk > 0) {  // edges between two layers have an upper layer above 0
                add(kLate, qk, lk);
                add(kEarly, qk, lk);
            }
        }
        if (lk > 0) add(kTime, 0, lk);
    }
}

std::size_t SpaceTimeModel::class_of(Relation r, std::uint32_t qk, std::uint8_t lk) const {
    return class_index_.at({r, r == kTime ? 0u : qk, lk});
}

std::vector<SpaceTimeModel::EdgeInstance> SpaceTimeModel::edges(std::uint32_t T, std::uint32_t from,
                                                                std::uint32_t to) const {
    std::vector<EdgeInstance> out;
    const auto kind = [T](std::uint32_t upper) -> std::uint8_t { return upper == T ? 2 : upper == 0 ? 0 : 1; };
    for (std::uint32_t t = from; t < std::min(to, T + 1); ++t) {
        for (std::uint32_t q = 0; q < cycle_.num_data; ++q) {
            const QubitChecks& qc = cycle_.qubits[q];
            const std::uint64_t obs = cycle_.logical_masks[q];
            const std::uint32_t qk = kind_of_qubit_[q];
            if (qc.count == 1) {
                out.push_back({std::uint32_t(class_of(kBoundary, qk, kind(t))), t, qc.check[0], kNoLayer, 0, obs});
                continue;
            }
            if (qc.count != 2) continue;
            const std::uint32_t A = qc.check[0], B = qc.check[1];
            out.push_back({std::uint32_t(class_of(kSpace, qk, kind(t))), t, A, t, B, obs});
            if (t < T) {
                out.push_back({std::uint32_t(class_of(kLate, qk, kind(t + 1))), t, B, t + 1, A, obs});
                out.push_back({std::uint32_t(class_of(kEarly, qk, kind(t + 1))), t, A, t + 1, B, obs});
            }
        }
        if (t < T)
            for (std::uint32_t c = 0; c < m_; ++c)
                out.push_back({std::uint32_t(class_of(kTime, 0, kind(t + 1))), t, c, t + 1, c, 0});
    }
    return out;
}

SpaceTimeModel::ErrorModelFit SpaceTimeModel::set_from_error_model(const quantum::DetectorErrorModel& model,
                                                                   std::uint32_t T, double floor_p) {
    const std::uint64_t m = m_, nodes = (std::uint64_t(T) + 1) * m;
    if (model.num_detectors != nodes)
        throw std::invalid_argument("set_from_error_model: " + std::to_string(model.num_detectors) +
                                    " detectors, the history of " + std::to_string(T) + " readouts has " +
                                    std::to_string(nodes));
    const std::vector<EdgeInstance> all = edges(T, 0, T + 1);
    constexpr std::uint64_t kBoundaryNode = ~std::uint64_t(0);
    std::map<std::pair<std::uint64_t, std::uint64_t>, std::vector<std::size_t>> by_nodes;
    for (std::size_t i = 0; i < all.size(); ++i) {
        const EdgeInstance& e = all[i];
        std::uint64_t a = std::uint64_t(e.ta) * m + e.ca;
        std::uint64_t b = e.tb == kNoLayer ? kBoundaryNode : std::uint64_t(e.tb) * m + e.cb;
        if (b < a) std::swap(a, b);
        by_nodes[{a, b}].push_back(i);
    }
    ErrorModelFit fit;
    std::vector<double> edge_p(all.size(), 0.0);
    std::vector<std::uint64_t> events;
    for (const quantum::DemErrorMechanism& mech : model.errors) {
        ++fit.mechanisms;
        const quantum::DemSymptom s = mech.combined();
        events.clear();
        for (std::uint32_t d : s.detectors) {
            events.push_back(d);
            if (d / m < T) events.push_back(d + m);  // the next layer compares against this readout
        }
        std::sort(events.begin(), events.end());
        std::vector<std::uint64_t> odd;
        for (std::size_t i = 0; i < events.size();) {
            std::size_t j = i;
            while (j < events.size() && events[j] == events[i]) ++j;
            if ((j - i) % 2) odd.push_back(events[i]);
            i = j;
        }
        if (odd.empty()) {
            if (s.observables) fit.undetectable_logical_p += mech.p;
            continue;
        }
        // The edges whose XOR is this mechanism: itself, or (as Stim's decompose_errors splits a hyperedge) a
        // cover of its events by edges of the graph whose observables XOR to its own.
        std::vector<std::size_t> parts;
        const auto cover = [&](auto&& self, std::vector<std::uint64_t> rest, std::uint64_t obs) -> bool {
            if (rest.empty()) return obs == s.observables;
            if (parts.size() >= 4) return false;
            const std::uint64_t a = rest[0];
            const auto try_edge = [&](std::uint64_t b) {
                auto it = by_nodes.find({a, b});
                if (it == by_nodes.end()) return false;
                std::vector<std::uint64_t> left;
                for (std::size_t j = 1; j < rest.size(); ++j)
                    if (rest[j] != b) left.push_back(rest[j]);
                for (std::size_t i : it->second) {
                    parts.push_back(i);
                    if (self(self, left, obs ^ all[i].observables)) return true;
                    parts.pop_back();
                }
                return false;
            };
            for (std::size_t j = 1; j < rest.size(); ++j)
                if (try_edge(rest[j])) return true;
            return try_edge(kBoundaryNode);
        };
        if (odd.size() > 8 || !cover(cover, odd, 0)) {
            ++fit.unmatched;
            fit.unmatched_p += mech.p;
            continue;
        }
        ++(parts.size() == 1 ? fit.matched : fit.decomposed);
        for (std::size_t i : parts) edge_p[i] = edge_p[i] * (1 - mech.p) + mech.p * (1 - edge_p[i]);
    }
    std::vector<double> sum(classes_.size(), 0.0), count(classes_.size(), 0.0);
    for (std::size_t i = 0; i < all.size(); ++i) {
        sum[all[i].cls] += edge_p[i];
        count[all[i].cls] += 1;
    }
    for (std::size_t k = 0; k < classes_.size(); ++k) {
        Class& c = classes_[k];
        c.samples = count[k];
        c.p = count[k] > 0 ? sum[k] / count[k] : 0;
        c.estimated = c.p > 0;
        if (c.p == 0 && (c.relation == kSpace || c.relation == kTime)) c.p = floor_p;
        c.p = std::min(c.p, 0.499);
    }
    for (std::size_t i = 0; i < all.size(); ++i) {
        const double mean = sum[all[i].cls] / count[all[i].cls];
        if (mean > 0) fit.spread = std::max(fit.spread, std::abs(edge_p[i] - mean) / mean);
    }
    shapes_.clear();
    return fit;
}

void SpaceTimeModel::set_probabilities(const std::vector<double>& p) {
    if (p.size() != classes_.size())
        throw std::invalid_argument("set_probabilities: " + std::to_string(p.size()) + " values for " +
                                    std::to_string(classes_.size()) + " classes");
    for (std::size_t k = 0; k < p.size(); ++k) classes_[k].p = std::min(p[k], 0.499);
    shapes_.clear();
}

void SpaceTimeModel::set(Relation r, std::uint8_t layer_kind, double p) {
    for (Class& c : classes_)
        if (c.relation == r && c.layer_kind == layer_kind) {
            c.p = p;
            c.estimated = true;
        }
    shapes_.clear();
}

void SpaceTimeModel::estimate(const std::vector<std::vector<const std::uint64_t*>>& layers, std::size_t words,
                              std::size_t shots, double floor_p) {
    if (layers.empty() || shots == 0) throw std::invalid_argument("estimate: no detection events");
    const auto T = std::uint32_t(layers.size() - 1);
    const std::vector<EdgeInstance> all = edges(T, 0, T + 1);
    struct Sums {
        double xi = 0, xj = 0, xij = 0, n = 0;
    };
    std::vector<Sums> sums(classes_.size());
    const auto count = [words](const std::uint64_t* a) {
        std::uint64_t k = 0;
        for (std::size_t w = 0; w < words; ++w) k += std::uint64_t(std::popcount(a[w]));
        return double(k);
    };
    const auto both = [words](const std::uint64_t* a, const std::uint64_t* b) {
        std::uint64_t k = 0;
        for (std::size_t w = 0; w < words; ++w) k += std::uint64_t(std::popcount(a[w] & b[w]));
        return double(k);
    };
    const double S = double(shots);
    for (const EdgeInstance& e : all) {
        if (e.tb == kNoLayer) continue;
        const std::uint64_t* a = layers[e.ta][e.ca];
        const std::uint64_t* b = layers[e.tb][e.cb];
        Sums& s = sums[e.cls];
        s.xi += count(a);
        s.xj += count(b);
        s.xij += both(a, b);
        s.n += S;
    }
    for (std::size_t k = 0; k < classes_.size(); ++k) {
        Class& c = classes_[k];
        if (c.relation == kBoundary) continue;
        const Sums& s = sums[k];
        c.samples = s.n;
        c.estimated = false;
        c.p = 0;
        if (s.n == 0) continue;
        const double xi = s.xi / s.n, xj = s.xj / s.n, xij = s.xij / s.n;
        // Significance: the coincidences against what independence predicts, 3 standard deviations.
        const double expected = xi * xj * s.n;
        const bool significant = s.xij - expected > 3 * std::sqrt(expected + 1);
        const double den = 1 - 2 * xi - 2 * xj + 4 * xij;
        const double arg = den > 0 ? 1 - 4 * (xij - xi * xj) / den : 0;
        const double p = 0.5 - 0.5 * std::sqrt(std::max(0.0, arg));
        if (significant && p > 0) {
            c.p = std::min(p, 0.499);
            c.estimated = true;
        } else if (c.relation == kSpace || c.relation == kTime) {
            c.p = floor_p;
        }
    }
    // Boundary edges: a node fires when an odd number of its edges did, so 1 - 2 <x> = prod (1 - 2 p_e).
    std::vector<std::vector<double>> product(T + 1, std::vector<double>(m_, 1.0));
    for (const EdgeInstance& e : all) {
        if (e.tb == kNoLayer) continue;
        const double f = 1 - 2 * classes_[e.cls].p;
        product[e.ta][e.ca] *= f;
        product[e.tb][e.cb] *= f;
    }
    std::vector<Sums> bsum(classes_.size());
    for (const EdgeInstance& e : all) {
        if (e.tb != kNoLayer) continue;
        const double x = count(layers[e.ta][e.ca]) / S;
        const double f = (1 - 2 * x) / product[e.ta][e.ca];
        bsum[e.cls].xi += (1 - f) / 2;
        bsum[e.cls].n += 1;
        bsum[e.cls].xij += S;
    }
    // The bulk qubits' space edges, per layer kind: a lower bound for a boundary edge (the same qubits, the same
    // noise). It matters when correlations that are not pairs (an LEC round removing an error the last readout
    // saw fires four detectors) inflate the pair estimates and so leave too little of a node's rate to its boundary.
    double space_p[3] = {0, 0, 0}, space_n[3] = {0, 0, 0};
    for (const Class& c : classes_)
        if (c.relation == kSpace && c.estimated) {
            space_p[c.layer_kind] += c.p;
            space_n[c.layer_kind] += 1;
        }
    for (std::size_t k = 0; k < classes_.size(); ++k) {
        Class& c = classes_[k];
        if (c.relation != kBoundary || bsum[k].n == 0) continue;
        c.samples = bsum[k].xij;
        const double p = bsum[k].xi / bsum[k].n;
        const double bulk = space_n[c.layer_kind] > 0 ? space_p[c.layer_kind] / space_n[c.layer_kind] : 0;
        c.estimated = p > 0;
        // A boundary edge always stays: it pairs the ends.
        c.p = std::min(std::max({p, bulk, floor_p}), 0.499);
    }
    shapes_.clear();
}

const DecodingGraph& SpaceTimeModel::window(std::uint32_t t0, std::uint32_t t1, std::uint32_t T, bool top_open) {
    if (t0 >= t1 || t1 > T + 1) throw std::invalid_argument("window: layers out of range");
    const std::tuple<bool, std::uint32_t, bool, bool, bool> key{t0 == 0, t1 - t0, t1 == T + 1, t1 == T, top_open};
    Shape& shape = shapes_[key];
    if (shape.graph) return *shape.graph;
    auto g = std::make_unique<DecodingGraph>();
    g->num_nodes = (t1 - t0) * m_;
    g->nodes_per_round = m_;
    g->description = "readout memory layers [" + std::to_string(t0) + ", " + std::to_string(t1) + ") of 0.." +
                     std::to_string(T) + (top_open ? ", open top" : "");
    const auto node = [&](std::uint32_t t, std::uint32_t c) { return (t - t0) * m_ + c; };
    for (const EdgeInstance& e : edges(T, t0, t1)) {
        const double p = classes_[e.cls].p;
        if (p <= 0) continue;
        if (e.tb == kNoLayer) {
            g->add_edge(node(e.ta, e.ca), DecodingGraph::kBoundary, p, e.observables);
        } else if (e.tb < t1) {
            g->add_edge(node(e.ta, e.ca), node(e.tb, e.cb), p, e.observables);
        } else if (top_open) {  // from the window's last layer into the future
            g->add_edge(node(e.ta, e.ca), DecodingGraph::kBoundary, p, e.observables);
        }
    }
    g->finish();
    shape.graph = std::move(g);
    return *shape.graph;
}

Decoder& SpaceTimeModel::decoder(const std::string& name, std::uint32_t t0, std::uint32_t t1, std::uint32_t T,
                                 bool top_open) {
    const DecodingGraph& g = window(t0, t1, T, top_open);
    const std::tuple<bool, std::uint32_t, bool, bool, bool> key{t0 == 0, t1 - t0, t1 == T + 1, t1 == T, top_open};
    auto& slot = shapes_[key].decoders[name];
    if (!slot) {
        const auto f = factories_.find(name);
        slot = f != factories_.end() ? f->second(g) : make_decoder(name, g);
    }
    return *slot;
}

quantum::BitTable sample_detection_events(const quantum::Program& program, const ReadoutCycle& cycle,
                                          const quantum::CssCode& code, std::uint64_t runs, std::size_t shots,
                                          std::uint64_t seed, std::uint64_t stream, bool logicals) {
    const bool readout = program.num_detectors > 0;
    const std::uint64_t T = readout ? runs : 0;
    const std::size_t m = cycle.num_checks;
    quantum::FrameSimulator sim(program, shots, seed, stream);
    quantum::BitTable events((T + 1) * m + (logicals ? code.z_logicals.size() : 0), shots), last(m, shots);
    const std::size_t words = events.words();
    sim.start();
    for (std::uint64_t k = 0; k < runs; ++k) {
        sim.run_again();
        if (!readout) continue;
        for (std::size_t c = 0; c < m; ++c) {
            const std::uint64_t* now = sim.detectors().row(c);
            std::uint64_t* d = events.row(k * m + c);
            std::uint64_t* l = last.row(c);
            for (std::size_t w = 0; w < words; ++w) {
                d[w] = now[w] ^ l[w];
                l[w] = now[w];
            }
        }
    }
    xor_parities(sim.x_frame(), code.z_checks, &last, events, T * m);  // the perfect readout
    if (logicals) xor_parities(sim.x_frame(), code.z_logicals, nullptr, events, (T + 1) * m);
    return events;
}

quantum::Circuit history_circuit(const ReadoutCycle& cycle, const quantum::CssCode& code, std::uint64_t runs) {
    const std::string one = cycle.timed.circuit.to_text();
    std::string text;
    text.reserve(one.size() * runs + 64 * code.z_checks.size());
    for (std::uint64_t k = 0; k < runs; ++k) text += one + "\n";
    const std::uint32_t n = cycle.num_data;
    text += "M";
    for (std::uint32_t q = 0; q < n; ++q) text += " " + std::to_string(q);
    text += "\n";
    const auto rec = [n](std::uint32_t q) { return " rec[-" + std::to_string(n - q) + "]"; };
    for (const quantum::QubitSet& check : code.z_checks) {
        text += "DETECTOR";
        for (std::uint32_t q : check) text += rec(q);
        text += "\n";
    }
    for (std::size_t k = 0; k < code.z_logicals.size(); ++k) {
        text += "OBSERVABLE_INCLUDE(" + std::to_string(k) + ")";
        for (std::uint32_t q : code.z_logicals[k]) text += rec(q);
        text += "\n";
    }
    return quantum::parse_circuit(text, "<readout history>");
}

void xor_parities(const quantum::BitTable& frame, const std::vector<quantum::QubitSet>& sets,
                  const quantum::BitTable* base, quantum::BitTable& out, std::size_t first_row) {
    const std::size_t words = out.words();
    for (std::size_t i = 0; i < sets.size(); ++i) {
        std::uint64_t* d = out.row(first_row + i);
        if (base) std::copy_n(base->row(i), words, d);
        else std::fill_n(d, words, 0);
        for (std::uint32_t q : sets[i]) {
            const std::uint64_t* x = frame.row(q);
            for (std::size_t w = 0; w < words; ++w) d[w] ^= x[w];
        }
    }
}

std::vector<std::vector<const std::uint64_t*>> layers_of(const quantum::BitTable& events, std::uint32_t checks) {
    const std::size_t layers = events.rows() / checks;
    std::vector<std::vector<const std::uint64_t*>> out(layers, std::vector<const std::uint64_t*>(checks));
    for (std::size_t t = 0; t < layers; ++t)
        for (std::uint32_t c = 0; c < checks; ++c) out[t][c] = events.row(t * checks + c);
    return out;
}

}  // namespace qdes::qec
