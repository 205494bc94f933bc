#include "protocols/qec/streaming.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <stdexcept>

namespace qdes::qec {

TimePs LatencyModel::latency(std::size_t defects, double cpu_seconds) const {
    switch (kind) {
        case Kind::kFixed: return base_ps;
        case Kind::kLinear: return base_ps + per_defect_ps * TimePs(defects);
        case Kind::kMeasured: return TimePs(std::llround(std::max(0.0, cpu_seconds) * factor * 1e12));
    }
    return 0;
}

LatencyModel::Kind LatencyModel::parse(const std::string& name) {
    if (name == "fixed") return Kind::kFixed;
    if (name == "linear") return Kind::kLinear;
    if (name == "measured") return Kind::kMeasured;
    throw std::invalid_argument("unknown latency model \"" + name + "\"; known: fixed, linear, measured");
}

StreamingDecoder::StreamingDecoder(SpaceTimeModel& model, std::string decoder, std::uint32_t window,
                                   std::uint32_t commit)
    : model_(model), name_(std::move(decoder)), window_(window), commit_(commit) {
    if (window_ == 0) return;
    if (window_ < 2) throw std::invalid_argument("window: a sliding window needs at least 2 layers (0: none)");
    if (commit_ < 1 || commit_ >= window_)
        throw std::invalid_argument("commit: commit between 1 and window - 1 layers (window " +
                                    std::to_string(window_) + ")");
    if (name_ != "union_find" && name_ != "uf_accel" && name_ != "model")
        throw std::invalid_argument("decoder: a sliding window needs union_find, uf_accel or model (" + name_ +
                                    " decodes whole histories: window 0)");
}

DecodeStep StreamingDecoder::push(StreamState& s, std::vector<std::uint32_t> defects) {
    s.pending.push_back(std::move(defects));
    ++s.received;
    if (window_ == 0 || s.pending.size() < window_) {
        DecodeStep step;
        step.committed = s.first;
        return step;
    }
    return decode(s, window_, false);
}

DecodeStep StreamingDecoder::finish(StreamState& s, std::vector<std::uint32_t> defects) {
    s.pending.push_back(std::move(defects));
    return decode(s, std::uint32_t(s.pending.size()), true);
}

DecodeStep StreamingDecoder::decode(StreamState& s, std::uint32_t layers, bool last) {
    const std::uint32_t m = model_.checks();
    defects_.clear();
    for (std::uint32_t l = 0; l < layers; ++l)
        for (std::uint32_t c : s.pending[l]) defects_.push_back(l * m + c);
    const std::uint32_t t0 = s.first, t1 = s.first + layers;
    // The perfect layer is T = t1 - 1 for the last window; a streaming window never reaches it (T past t1).
    const std::uint32_t T = last ? t1 - 1 : t1 + 1;
    Decoder& decoder = model_.decoder(name_, t0, t1, T, !last);
    DecodeStep step;
    step.decoded = true;
    step.defects = defects_.size();
    const auto begin = std::chrono::steady_clock::now();
    if (last) {
        s.frame ^= decoder.decode(defects_);
        s.pending.clear();
        s.first = t1;
    } else {
        decoder.decode_edges(defects_, edges_);
        const DecodingGraph& g = model_.window(t0, t1, T, true);
        for (std::uint32_t e : edges_) {
            const DecodingGraph::Edge& edge = g.edges[e];
            const std::uint32_t la = edge.a / m;
            const std::uint32_t lb = edge.b == DecodingGraph::kBoundary ? la : edge.b / m;
            if (std::min(la, lb) >= commit_) continue;
            s.frame ^= edge.observables;
            // A committed edge reaching layer commit_ leaves its end there as a defect for the next window.
            for (std::uint32_t v : {edge.a, edge.b}) {
                if (v == DecodingGraph::kBoundary || v / m < commit_) continue;
                auto& layer = s.pending[v / m];
                auto it = std::find(layer.begin(), layer.end(), v % m);
                if (it == layer.end()) layer.push_back(v % m);
                else layer.erase(it);
            }
        }
        for (std::uint32_t l = 0; l < commit_; ++l) s.pending.pop_front();
        s.first += commit_;
    }
    step.cpu_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - begin).count();
    step.simulated = decoder.last_simulated();
    step.committed = s.first;
    return step;
}

}  // namespace qdes::qec
