#include "protocols/search/toric4d_space.h"

#include <algorithm>
#include <stdexcept>

namespace qdes::search {

using Literal = lec::Toric4dRule::Literal;
using Edge = lec::Toric4dRule::Edge;

Toric4dSpace::Toric4dSpace(const Toric4dSpaceSpec& spec) : spec_(spec) {
    if (spec.L < 2) throw std::invalid_argument("the 4D lattice side L must be at least 2");
    if (!spec.gates.cx)
        throw std::invalid_argument("the gate set needs CX: edge checks are copied onto ancillas by CX");
    if (spec.max_corrections < 1) throw std::invalid_argument("max_corrections must be at least 1");
    std::size_t least = ~std::size_t(0);  // the fewest layers of a rule with one correction of positive literals
    for (int a = 0; a < 4; ++a)
        for (int b = a; b < 4; ++b) {
            lec::Toric4dRule one;
            one.corrections = {{{Edge(a), false}}};
            if (b != a) one.corrections[0].push_back({Edge(b), false});
            if (spec.gates.allows(one.corrections[0].size()))
                least = std::min(least, lec::toric4d_rule_layers(spec.L, one));
        }
    if (spec.max_depth < least)
        throw std::invalid_argument("max_depth must be at least " + std::to_string(least) +
                                    " (reset, the CX layers of the edge checks, a correction)");
}

std::string Toric4dSpace::action_name(std::size_t action) const {
    if (action == kCorrection) return "correction";
    if (action == kStop) return "stop";
    if (action == kEnd) return "end";
    const std::size_t k = action - kFirstLiteral;
    return std::string(k % 2 ? "!" : "") + lec::edge_name(Edge(k / 2));
}

std::unique_ptr<Builder> Toric4dSpace::builder() const {
    return std::make_unique<Toric4dBuilder>(*this);
}

std::vector<std::size_t> Toric4dSpace::toom_actions() const {
    lec::Toric4dRule toom = lec::toric4d_toom();
    if (!spec_.gates.ccx || lec::toric4d_rule_layers(spec_.L, toom) > spec_.max_depth) return {};
    return {kCorrection, literal_action(lec::Toric4dRule::kAFar, false), literal_action(lec::Toric4dRule::kBFar, false),
            kEnd, kStop};
}

Toric4dBuilder::Toric4dBuilder(const Toric4dSpace& space) : space_(space), mask_(space.num_actions(), 0) {
    rule_.name = "searched";
    depth_ = 1;
    update_mask();
}

bool Toric4dBuilder::could_end(const Literals& l) const {
    if (!space_.spec().gates.allows(l.size())) return false;
    if (std::none_of(l.begin(), l.end(), [](const Literal& x) { return !x.negated; })) return false;
    for (const auto& c : rule_.corrections) {
        bool same = c.size() == l.size();
        for (std::size_t i = 0; same && i < l.size(); ++i)
            same = c[i].edge == l[i].edge && c[i].negated == l[i].negated;
        if (same) return false;  // no correction twice
    }
    return true;
}

std::size_t Toric4dSpace::layers(const lec::Toric4dRule& rule) const {
    const std::string key = rule_key(Rule(rule), Symmetry::kTranslation);
    const auto it = layers_.find(key);
    if (it != layers_.end()) return it->second;
    return layers_[key] = lec::toric4d_rule_layers(spec_.L, rule);
}

bool Toric4dBuilder::completable(Literals& l) const {
    if (could_end(l) && fits(l)) return true;
    if (l.size() >= space_.spec().gates.most_controls()) return false;
    for (int e = l.empty() ? 0 : l.back().edge + 1; e < 4; ++e)
        for (bool neg : {false, true}) {
            l.push_back({Edge(e), neg});
            const bool ok = completable(l);
            l.pop_back();
            if (ok) return true;
        }
    return false;
}

bool Toric4dBuilder::fits(const Literals& l) const {
    lec::Toric4dRule r = rule_;
    r.corrections.push_back(l);
    return space_.layers(r) <= space_.spec().max_depth;
}

void Toric4dBuilder::update_mask() {
    std::fill(mask_.begin(), mask_.end(), 0);
    if (done_) return;
    const Toric4dSpaceSpec& s = space_.spec();
    if (!open_) {
        if (!closed_ && rule_.corrections.size() < s.max_corrections && depth_ + 1 <= s.max_depth)
            mask_[Toric4dSpace::kCorrection] = 1;
        if (!rule_.corrections.empty()) mask_[Toric4dSpace::kStop] = 1;
        if (std::find(mask_.begin(), mask_.end(), 1) == mask_.end()) done_ = true;
        return;
    }
    if (literals_.size() < s.gates.most_controls()) {
        Literals l = literals_;
        l.push_back({});
        for (int e = literals_.empty() ? 0 : literals_.back().edge + 1; e < 4; ++e)
            for (bool neg : {false, true}) {
                l.back() = {Edge(e), neg};
                if (completable(l)) mask_[Toric4dSpace::literal_action(Edge(e), neg)] = 1;
            }
    }
    if (could_end(literals_) && fits(literals_)) mask_[Toric4dSpace::kEnd] = 1;
    if (std::find(mask_.begin(), mask_.end(), 1) == mask_.end()) {
        ++dead_ends_;  // drop the correction, start no other
        closed_ = true;
        open_ = false;
        literals_.clear();
        update_mask();
    }
}

void Toric4dBuilder::apply(std::size_t action) {
    if (action >= mask_.size() || !mask_[action])
        throw std::logic_error("Toric4dBuilder: action " + std::to_string(action) + " is not allowed now");
    if (action == Toric4dSpace::kCorrection) {
        open_ = true;
    } else if (action == Toric4dSpace::kStop) {
        done_ = true;
    } else if (action == Toric4dSpace::kEnd) {
        rule_.corrections.push_back(literals_);
        literals_.clear();
        open_ = false;
        depth_ = space_.layers(rule_);
    } else {
        const std::size_t k = action - Toric4dSpace::kFirstLiteral;
        literals_.push_back({Edge(k / 2), k % 2 == 1});
    }
    update_mask();
}

void Toric4dBuilder::features(double* out) const {
    const Toric4dSpaceSpec& s = space_.spec();
    std::fill(out, out + space_.num_features(), 0.0);
    for (const auto& c : rule_.corrections)
        for (const auto& l : c) out[2 * l.edge + l.negated] = 1;
    for (const auto& l : literals_) out[8 + 2 * l.edge + l.negated] = 1;
    out[16] = open_;
    out[17] = double(rule_.corrections.size()) / double(s.max_corrections);
    out[18] = double(literals_.size()) / double(std::max<std::size_t>(1, s.gates.most_controls()));
    out[19] = double(depth_) / double(s.max_depth);
    out[20] = 1;
}

}  // namespace qdes::search
