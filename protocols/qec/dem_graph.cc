#include "protocols/qec/dem_graph.h"

#include <chrono>
#include <map>
#include <stdexcept>

namespace qdes::qec {

namespace {

std::string where(const quantum::DetectorErrorModel& model, int line) {
    return line > 0 ? model.source + ":" + std::to_string(line) : model.source;
}

}  // namespace

DecodingGraph graph_from_dem(const quantum::DetectorErrorModel& model, DemGraphReport* report) {
    if (model.num_detectors >= DecodingGraph::kBoundary)
        throw std::invalid_argument(model.source + ": too many detectors for a decoding graph");
    DemGraphReport r;
    struct Slot {
        double p;
        std::uint64_t observables;
        int line;
    };
    std::map<std::pair<std::uint32_t, std::uint32_t>, Slot> edges;
    double keep_undetectable = 1;
    for (const quantum::DemErrorMechanism& e : model.errors) {
        if (e.p == 0) continue;
        for (const quantum::DemSymptom& part : e.parts) {
            if (part.detectors.size() > 2)
                throw std::invalid_argument(
                    where(model, e.line) + ": error(" + std::to_string(e.p) + ") flips" +
                    quantum::symptom_text(quantum::DemSymptom{part.detectors, 0}) +
                    ", more than two detectors in one part; union-find and matching need a graphlike model "
                    "(decompose it: qdes analyze CIRCUIT --decompose)");
            if (part.detectors.empty()) {
                if (part.observables == 0) continue;
                ++r.undetectable_errors;
                keep_undetectable *= 1 - 2 * e.p;
                continue;
            }
            const std::uint32_t a = part.detectors[0];
            const std::uint32_t b = part.detectors.size() == 2 ? part.detectors[1] : DecodingGraph::kBoundary;
            auto [it, inserted] = edges.try_emplace({a, b}, Slot{e.p, part.observables, e.line});
            if (inserted) continue;
            Slot& s = it->second;
            if (s.observables == part.observables) {
                s.p = s.p * (1 - e.p) + e.p * (1 - s.p);
                ++r.merged_parts;
            } else {
                ++r.conflicting_parts;
                if (e.p > s.p) s = Slot{e.p, part.observables, e.line};
            }
        }
    }
    DecodingGraph g;
    g.num_nodes = std::uint32_t(model.num_detectors);
    g.edges.reserve(edges.size());
    for (const auto& [ends, s] : edges) {
        if (s.p > 0.5)
            throw std::invalid_argument(where(model, s.line) + ": the edge" +
                                        quantum::symptom_text(quantum::DemSymptom{{ends.first}, 0}) +
                                        (ends.second == DecodingGraph::kBoundary
                                             ? " (boundary)"
                                             : quantum::symptom_text(quantum::DemSymptom{{ends.second}, 0})) +
                                        " has probability " + std::to_string(s.p) +
                                        " after merging, above 1/2: a matching weight would be negative");
        g.add_edge(ends.first, ends.second, s.p, s.observables);
    }
    g.finish();
    g.description = model.source + ", detector error model";
    r.edges = g.edges.size();
    r.undetectable_probability = 0.5 * (1 - keep_undetectable);
    if (report) *report = r;
    return g;
}

void decode_batch(const quantum::FrameSimulator& sim, std::size_t shots, Decoder& decoder, CircuitDecodingRun& run) {
    const quantum::BitTable& dets = sim.detectors();
    const quantum::BitTable& obs = sim.observables();
    const std::size_t words = (shots + 63) / 64;
    std::vector<std::vector<std::uint32_t>> defects(shots);
    const std::uint64_t num_dets = sim.program().num_detectors;
    for (std::uint64_t d = 0; d < num_dets; ++d) {
        const std::uint64_t* row = dets.row(d);
        for (std::size_t w = 0; w < words; ++w) {
            std::uint64_t bits = row[w];
            if (w == words - 1 && shots % 64) bits &= (std::uint64_t(1) << (shots % 64)) - 1;
            while (bits) {
                defects[w * 64 + std::size_t(__builtin_ctzll(bits))].push_back(std::uint32_t(d));
                bits &= bits - 1;
            }
        }
    }
    std::chrono::steady_clock::duration spent{};
    for (std::size_t s = 0; s < shots; ++s) {
        std::uint64_t actual = 0;
        for (std::uint32_t k = 0; k < sim.program().num_observables; ++k)
            actual |= std::uint64_t((obs.row(k)[s >> 6] >> (s & 63)) & 1) << k;
        const auto t0 = std::chrono::steady_clock::now();
        const std::uint64_t predicted = decoder.decode(defects[s]);
        spent += std::chrono::steady_clock::now() - t0;
        run.failures += predicted != actual;
        run.detection_events += defects[s].size();
    }
    run.shots += shots;
    run.decode_seconds += std::chrono::duration<double>(spent).count();
}

}  // namespace qdes::qec
