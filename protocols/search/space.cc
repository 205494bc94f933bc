#include "protocols/search/space.h"

#include <algorithm>
#include <array>
#include <stdexcept>

namespace qdes::search {

bool GateSet::allows(std::size_t controls) const {
    if (controls == 1) return cx;
    if (controls == 2) return ccx;
    return mcx && controls >= 3 && controls <= std::size_t(max_controls);
}

std::size_t GateSet::most_controls() const {
    for (std::size_t k = std::size_t(std::max(max_controls, 2)); k >= 1; --k)
        if (allows(k)) return k;
    return 0;
}

RuleSpace::RuleSpace(const SpaceSpec& spec) : spec_(spec) {
    if (spec.radius < 1) throw std::invalid_argument("radius must be at least 1");
    if (spec.L < std::uint32_t(2 * spec.radius + 1))
        throw std::invalid_argument("the lattice side L = " + std::to_string(spec.L) +
                                    " must be at least 2 radius + 1 = " + std::to_string(2 * spec.radius + 1) +
                                    ", or offsets would wrap onto each other");
    if (!spec.gates.cx) throw std::invalid_argument("the gate set needs CX: parities are copied onto ancillas by CX");
    if (spec.max_ancillas < 1) throw std::invalid_argument("max_ancillas must be at least 1");
    if (spec.max_corrections < 1) throw std::invalid_argument("max_corrections must be at least 1");
    if (spec.max_depth < 4)
        throw std::invalid_argument("max_depth must be at least 4 (reset, two CX layers, a correction)");
    if (spec.hierarchical && spec.gates.most_controls() < 2)
        throw std::invalid_argument("hierarchical rules need CCX or MCX (an AND has at least two controls)");
    offsets_ = std::size_t(2 * spec.radius + 1) * std::size_t(2 * spec.radius + 1);
    parities_ = offsets_ - 1;
    sources_ = parities_ + (spec.hierarchical ? spec.max_ancillas - 1 : 0);
    first_ref_ = parities_ + 4;
    refs_ = sources_ * offsets_ * 2;
}

std::unique_ptr<Builder> RuleSpace::builder() const {
    return std::make_unique<RuleBuilder>(*this);
}
std::unique_ptr<Builder> RuleSpace::small_builder() const {
    return std::make_unique<RuleBuilder>(*this, true);
}

std::size_t RuleSpace::num_features() const {
    return parities_ + 3 * refs_ + 8;
}

lec::Offset RuleSpace::offset(std::size_t k) const {
    const int w = 2 * spec_.radius + 1;
    return {int(k) / w - spec_.radius, int(k) % w - spec_.radius};
}

std::size_t RuleSpace::parity_action(std::size_t offset_index) const {
    if (offset_index == centre() || offset_index >= offsets_) throw std::invalid_argument("no parity action there");
    return offset_index < centre() ? offset_index : offset_index - 1;
}

std::size_t RuleSpace::ref_action(std::size_t source, std::size_t offset_index, bool negated) const {
    return first_ref_ + (source * offsets_ + offset_index) * 2 + (negated ? 1 : 0);
}

void RuleSpace::ref_of(std::size_t action, std::size_t& source, std::size_t& offset_index, bool& negated) const {
    const std::size_t r = action - first_ref_;
    negated = r % 2;
    offset_index = (r / 2) % offsets_;
    source = r / 2 / offsets_;
}

std::string RuleSpace::source_name(std::size_t source) const {
    if (source >= parities_) return "and" + std::to_string(source - parities_ + 1);
    return offset_name(offset(source < centre() ? source : source + 1));
}

std::string offset_name(lec::Offset o) {
    static const char* names[3][3] = {
        {"northwest", "north", "northeast"}, {"west", "here", "east"}, {"southwest", "south", "southeast"}};
    if (o[0] >= -1 && o[0] <= 1 && o[1] >= -1 && o[1] <= 1) return names[o[0] + 1][o[1] + 1];
    auto num = [](int v) { return v < 0 ? "m" + std::to_string(-v) : std::to_string(v); };
    return "d" + num(o[0]) + "_" + num(o[1]);
}

std::string RuleSpace::action_name(std::size_t action) const {
    if (action < parities_) {
        const std::size_t k = action < centre() ? action : action + 1;
        return "parity " + offset_name(offset(k));
    }
    if (action == and_action()) return "and";
    if (action == correction_action()) return "correction";
    if (action == stop_action()) return "stop";
    if (action == end_action()) return "end";
    std::size_t a = 0, o = 0;
    bool neg = false;
    ref_of(action, a, o, neg);
    const lec::Offset off = offset(o);
    return std::string(neg ? "!" : "") + source_name(a) + "(" + std::to_string(off[0]) + ", " + std::to_string(off[1]) +
           ")";
}

RuleBuilder::RuleBuilder(const RuleSpace& space, bool small)
    : space_(space),
      max_ancillas_(small ? std::min<std::size_t>(2, space.spec().max_ancillas) : space.spec().max_ancillas),
      most_controls_(small && space.spec().gates.most_controls() > 2 && space.spec().gates.allows(2)
                         ? 2
                         : space.spec().gates.most_controls()),
      hierarchical_(space.spec().hierarchical && !small),
      mask_(space.num_actions(), 0),
      ancilla_of_source_(space.sources(), -1),
      parity_taken_(space.offsets(), 0),
      and_refs_(space.num_actions() - space.first_ref(), 0),
      correction_refs_(and_refs_.size(), 0) {
    rule_.name = "searched";
    depth_ = 1;
    update_mask();
}

std::vector<lec::AncillaRef> RuleBuilder::refs_of(const std::vector<std::size_t>& refs) const {
    std::vector<lec::AncillaRef> out;
    for (std::size_t r : refs) {
        lec::AncillaRef ref;
        std::size_t o = 0;
        bool neg = false;
        std::size_t source = 0;
        space_.ref_of(r, source, o, neg);
        ref.ancilla = std::size_t(ancilla_of_source_.at(source));
        ref.offset = space_.offset(o);
        ref.negated = neg;
        out.push_back(ref);
    }
    return out;
}

bool RuleBuilder::fits(const std::vector<std::size_t>& refs) const {
    lec::LecRule r = rule_;
    if (open_ == kAnd) {
        lec::LecRule::Ancilla a;
        a.name = "and";
        a.all_of = refs_of(refs);
        r.ancillas.push_back(a);
    } else {
        r.corrections.push_back({refs_of(refs), {0, 0}});
    }
    try {
        return lec::lec_round_layers(r, space_.spec().L) <= space_.spec().max_depth;
    } catch (const std::invalid_argument&) {
        return false;  // a gate would act twice on one qubit
    }
}

bool RuleBuilder::falsified_when_clean(const std::vector<std::size_t>& refs) const {
    for (const lec::AncillaRef& r : refs_of(refs))
        if (clean_[r.ancilla] == r.negated) return true;  // this control is false on the error-free memory
    return false;
}

bool RuleBuilder::could_end(const std::vector<std::size_t>& refs) const {
    if (open_ == kNone || !space_.spec().gates.allows(refs.size())) return false;
    if (open_ == kAnd) return refs.size() >= 2;
    return falsified_when_clean(refs);
}

bool RuleBuilder::end_allowed() const {
    return could_end(open_refs_);
}

bool RuleBuilder::exists(std::size_t ref_action) const {
    std::size_t source = 0, o = 0;
    bool neg = false;
    space_.ref_of(ref_action, source, o, neg);
    return ancilla_of_source_[source] >= 0;
}

bool RuleBuilder::completable(std::vector<std::size_t>& refs) const {
    if (could_end(refs)) return true;
    if (refs.size() >= most_controls_) return false;
    const std::size_t first = space_.first_ref();
    for (std::size_t b = refs.back() + 1; b < space_.num_actions(); ++b) {
        if (!exists(b)) continue;
        bool repeated = false;
        for (std::size_t r : refs) repeated |= (r - first) / 2 == (b - first) / 2;
        if (repeated) continue;
        refs.push_back(b);
        const bool ok = completable(refs);
        refs.pop_back();
        if (ok) return true;
    }
    return false;
}

void RuleBuilder::update_mask() {
    std::fill(mask_.begin(), mask_.end(), 0);
    if (done_) return;
    const SpaceSpec& s = space_.spec();
    const std::size_t ancillas = rule_.ancillas.size();
    if (open_ == kNone) {
        const bool parity_phase = ands_ == 0 && rule_.corrections.empty();
        if (parity_phase && ancillas < max_ancillas_)
            for (std::size_t k = any_parity_ ? last_parity_ + 1 : 0; k < space_.offsets(); ++k) {
                if (k == space_.centre()) continue;
                lec::LecRule r = rule_;
                r.ancillas.push_back({"p", {{0, 0}, space_.offset(k)}, {}});
                // Room is left for the correction layer.
                if (lec::lec_round_layers(r, s.L) + 1 <= s.max_depth) mask_[space_.parity_action(k)] = 1;
            }
        if (hierarchical_ && !ands_closed_ && rule_.corrections.empty() && ancillas >= 1 && ancillas < max_ancillas_ &&
            depth_ + 2 <= s.max_depth)  // its layer and a correction's
            mask_[space_.and_action()] = 1;
        if (!corrections_closed_ && ancillas >= 1 && rule_.corrections.size() < s.max_corrections &&
            depth_ + 1 <= s.max_depth)
            mask_[space_.correction_action()] = 1;
        if (!rule_.corrections.empty()) mask_[space_.stop_action()] = 1;
    } else {
        const std::size_t most = most_controls_;
        if (open_refs_.size() < most) {
            const std::size_t first = space_.first_ref();
            const std::size_t from = open_refs_.empty() ? first : open_refs_.back() + 1;
            std::vector<std::size_t> refs = open_refs_;
            refs.push_back(0);
            for (std::size_t a = from; a < space_.num_actions(); ++a) {
                if (!exists(a)) continue;  // controls are ancillas computed already
                bool repeated = false;     // the same source and offset with the other sign
                for (std::size_t r : open_refs_) repeated |= (r - first) / 2 == (a - first) / 2;
                if (repeated) continue;
                refs.back() = a;
                if (completable(refs) && fits(refs)) mask_[a] = 1;
            }
        }
        if (end_allowed()) mask_[space_.end_action()] = 1;
        if (std::find(mask_.begin(), mask_.end(), 1) == mask_.end()) {
            // A dead end: drop the gate and start no other of its kind.
            ++dead_ends_;
            (open_ == kAnd ? ands_closed_ : corrections_closed_) = true;
            open_ = kNone;
            open_refs_.clear();
            update_mask();
            return;
        }
    }
    if (std::find(mask_.begin(), mask_.end(), 1) == mask_.end()) done_ = true;  // nothing left to do
}

void RuleBuilder::apply(std::size_t action) {
    if (action >= mask_.size() || !mask_[action])
        throw std::logic_error("RuleBuilder: action " + std::to_string(action) + " is not allowed now");
    if (action < space_.and_action()) {
        const std::size_t k = action < space_.centre() ? action : action + 1;
        const lec::Offset o = space_.offset(k);
        ancilla_of_source_[space_.parity_source(k)] = long(rule_.ancillas.size());
        rule_.ancillas.push_back({offset_name(o), {{0, 0}, o}, {}});
        clean_.push_back(false);
        parity_taken_[k] = 1;
        last_parity_ = k;
        any_parity_ = true;
    } else if (action == space_.and_action()) {
        open_ = kAnd;
    } else if (action == space_.correction_action()) {
        open_ = kCorrection;
    } else if (action == space_.stop_action()) {
        done_ = true;
    } else if (action == space_.end_action()) {
        auto& bag = open_ == kAnd ? and_refs_ : correction_refs_;
        for (std::size_t r : open_refs_) bag[r - space_.first_ref()] += 1;
        const std::vector<lec::AncillaRef> refs = refs_of(open_refs_);
        if (open_ == kAnd) {
            bool value = true;
            for (const lec::AncillaRef& r : refs) value = value && (clean_[r.ancilla] != r.negated);
            lec::LecRule::Ancilla a;
            ancilla_of_source_[space_.and_source(ands_)] = long(rule_.ancillas.size());
            a.name = "and" + std::to_string(++ands_);
            a.all_of = refs;
            rule_.ancillas.push_back(a);
            clean_.push_back(value);
        } else {
            rule_.corrections.push_back({refs, {0, 0}});
        }
        open_ = kNone;
        open_refs_.clear();
    } else {
        open_refs_.push_back(action);
    }
    if (open_ == kNone) depth_ = rule_.ancillas.empty() ? 1 : lec::lec_round_layers(rule_, space_.spec().L);
    update_mask();
}

void RuleBuilder::features(double* out) const {
    const SpaceSpec& s = space_.spec();
    std::size_t i = 0;
    for (std::size_t k = 0; k < space_.offsets(); ++k)
        if (k != space_.centre()) out[i++] = parity_taken_[k];
    for (double v : and_refs_) out[i++] = std::min(v, 1.0);
    for (double v : correction_refs_) out[i++] = std::min(v, 1.0);
    const std::size_t first = space_.first_ref();
    for (std::size_t r = 0; r < and_refs_.size(); ++r) out[i + r] = 0;
    for (std::size_t r : open_refs_) out[i + r - first] = 1;
    i += and_refs_.size();
    out[i++] = open_ == kNone;
    out[i++] = open_ == kAnd;
    out[i++] = open_ == kCorrection;
    out[i++] = double(rule_.ancillas.size()) / double(s.max_ancillas);
    out[i++] = double(rule_.corrections.size()) / double(s.max_corrections);
    out[i++] = double(open_refs_.size()) / double(std::max<std::size_t>(1, s.gates.most_controls()));
    out[i++] = double(depth_) / double(s.max_depth);
    out[i++] = 1;
}

namespace {

using Map = std::array<int, 4>;  // (r, c) -> (m0 r + m1 c, m2 r + m3 c)

lec::Offset apply_map(const Map& m, lec::Offset o) {
    return {m[0] * o[0] + m[1] * o[1], m[2] * o[0] + m[3] * o[1]};
}

std::string key_of(const lec::LecRule& rule, const Map& m) {
    auto off = [&](lec::Offset o) {
        const lec::Offset t = apply_map(m, o);
        return std::to_string(t[0]) + "," + std::to_string(t[1]);
    };
    auto gate = [&](const std::vector<lec::AncillaRef>& refs) {
        std::vector<std::string> parts;
        for (const lec::AncillaRef& r : refs)
            parts.push_back((r.negated ? "!" : "") + std::to_string(r.ancilla) + "@" + off(r.offset));
        std::sort(parts.begin(), parts.end());
        std::string s;
        for (const auto& p : parts) s += p + ";";
        return s;
    };
    std::string key;
    for (const auto& a : rule.ancillas) {
        if (a.all_of.empty()) {
            key += "P";
            for (const lec::Offset& o : a.parity) key += off(o) + ";";
        } else {
            key += "A" + gate(a.all_of);
        }
        key += "|";
    }
    for (const auto& c : rule.corrections) key += "C" + gate(c.when) + ">" + off(c.flip) + "|";
    return key;
}

}  // namespace

std::string rule_key(const lec::LecRule& rule, Symmetry symmetry) {
    static const Map identity{1, 0, 0, 1};
    if (symmetry == Symmetry::kTranslation) return key_of(rule, identity);
    // The 8 signed permutation matrices: rotations by quarter turns and the reflections.
    static const Map maps[8] = {{1, 0, 0, 1},  {0, 1, -1, 0}, {-1, 0, 0, -1}, {0, -1, 1, 0},
                                {1, 0, 0, -1}, {-1, 0, 0, 1}, {0, 1, 1, 0},   {0, -1, -1, 0}};
    std::string best;
    for (const Map& m : maps) {
        std::string k = key_of(rule, m);
        if (best.empty() || k < best) best = std::move(k);
    }
    return best;
}

double gates_per_cell(const lec::LecRule& rule) {
    std::size_t n = 0;
    auto controlled = [&](const std::vector<lec::AncillaRef>& refs) {
        n += 1;
        for (const auto& r : refs) n += r.negated ? 2 : 0;
    };
    for (const auto& a : rule.ancillas) {
        n += 1;  // the reset
        n += a.parity.size();
        if (!a.all_of.empty()) controlled(a.all_of);
    }
    for (const auto& c : rule.corrections) controlled(c.when);
    return double(n);
}

double gates_per_cell(const Rule& rule) {
    if (const auto* r = std::get_if<lec::LecRule>(&rule)) return gates_per_cell(*r);
    double n = 4.0 / 6.0 + 4.0;  // the edge ancillas' resets and CX, per plaquette
    for (const auto& c : std::get<lec::Toric4dRule>(rule).corrections) {
        n += 1;
        for (const auto& l : c) n += l.negated ? 2 : 0;
    }
    return n;
}

std::string rule_key(const Rule& rule, Symmetry symmetry) {
    if (const auto* r = std::get_if<lec::LecRule>(&rule)) return rule_key(*r, symmetry);
    std::string key = "4D|";
    for (const auto& c : std::get<lec::Toric4dRule>(rule).corrections) {
        std::vector<std::string> parts;
        for (const auto& l : c) parts.push_back((l.negated ? "!" : "") + std::string(lec::edge_name(l.edge)));
        std::sort(parts.begin(), parts.end());
        key += "C";
        for (const auto& p : parts) key += p + ";";
        key += "|";
    }
    return key;
}

std::size_t round_layers(const Rule& rule, std::uint32_t L) {
    if (const auto* r = std::get_if<lec::LecRule>(&rule)) return lec::lec_round_layers(*r, L);
    return lec::toric4d_rule_layers(L, std::get<lec::Toric4dRule>(rule));
}

std::string format_rule(const Rule& rule, const std::string& comment) {
    if (const auto* r = std::get_if<lec::LecRule>(&rule)) return lec::format_lec_rule(*r, comment);
    return lec::format_toric4d_rule(std::get<lec::Toric4dRule>(rule), comment);
}

void rename_rule(Rule& rule, const std::string& name) {
    std::visit([&](auto& r) { r.name = name; }, rule);
}

std::string describe_rule(const Rule& rule) {
    if (const auto* r = std::get_if<lec::LecRule>(&rule)) {
        std::string s;
        for (const auto& a : r->ancillas) s += (s.empty() ? "" : ", ") + a.name;
        return std::to_string(r->ancillas.size()) + " ancillas (" + s + "), " + std::to_string(r->corrections.size()) +
               " correction" + (r->corrections.size() == 1 ? "" : "s");
    }
    std::string s;
    for (const auto& c : std::get<lec::Toric4dRule>(rule).corrections) {
        s += s.empty() ? "flip if " : " or ";
        for (std::size_t i = 0; i < c.size(); ++i)
            s += (i ? "&" : "") + std::string(c[i].negated ? "!" : "") + lec::edge_name(c[i].edge);
    }
    return s;
}

std::vector<std::size_t> RuleSpace::toom_actions() const {
    const SpaceSpec& s = spec_;
    if (!s.gates.cx || !s.gates.ccx || s.max_ancillas < 2 || s.max_depth < 6) return {};
    std::size_t north = 0, east = 0;
    for (std::size_t k = 0; k < offsets(); ++k) {
        if (offset(k) == lec::Offset{-1, 0}) north = k;
        if (offset(k) == lec::Offset{0, 1}) east = k;
    }
    return {parity_action(north),
            parity_action(east),
            correction_action(),
            ref_action(parity_source(north), centre(), false),
            ref_action(parity_source(east), centre(), false),
            end_action(),
            stop_action()};
}

}  // namespace qdes::search
