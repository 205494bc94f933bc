#include "models/quantum/dem.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <fstream>
#include <iterator>
#include <map>
#include <sstream>

#include "sim/text.h"

namespace qdes::quantum {

namespace {

bool parse_double(std::string_view s, double& out) {
    std::string t = trim(s);
    if (t.empty()) return false;
    auto [p, ec] = std::from_chars(t.data(), t.data() + t.size(), out);
    return ec == std::errc() && p == t.data() + t.size();
}

/// One line of the text, split into its parts.
struct Item {
    std::string name;                  ///< lower case
    std::vector<double> args;
    std::vector<std::string> targets;  ///< as written
    int line = 0;
    std::uint64_t repeat = 0;
    std::vector<Item> body;            ///< repeat only
};

class Parser {
  public:
    Parser(std::string_view text, std::string source) : text_(text), source_(std::move(source)) {}

    DetectorErrorModel run() {
        std::vector<Item> top = items();
        model_.source = source_;
        execute(top);
        model_.num_detectors = std::max<std::uint64_t>(model_.num_detectors, model_.detector_coords.size());
        return std::move(model_);
    }

  private:
    [[noreturn]] void fail(int line, const std::string& m) const { throw DemFormatError(source_, line, m); }

    std::vector<Item> items() {
        std::vector<std::vector<Item>> stack(1);
        std::istringstream in{std::string(text_)};
        std::string raw;
        int line = 0;
        while (std::getline(in, raw)) {
            ++line;
            std::string s = trim(raw.substr(0, raw.find('#')));
            if (s.empty()) continue;
            if (s == "}") {
                if (stack.size() == 1) fail(line, "'}' without a repeat block to close");
                Item done = std::move(stack[stack.size() - 2].back());
                done.body = std::move(stack.back());
                stack.pop_back();
                stack.back().back() = std::move(done);
                closing_.pop_back();
                continue;
            }
            Item it = parse_line(s, line);
            const bool opens = it.name == "repeat";
            stack.back().push_back(std::move(it));
            if (opens) {
                stack.emplace_back();
                closing_.push_back(line);
            }
        }
        if (stack.size() > 1) fail(closing_.back(), "this repeat block is never closed with '}'");
        return std::move(stack[0]);
    }

    Item parse_line(const std::string& s, int line) {
        Item it;
        it.line = line;
        std::size_t i = 0;
        while (i < s.size() && (std::isalnum(static_cast<unsigned char>(s[i])) || s[i] == '_')) ++i;
        it.name = to_lower(s.substr(0, i));
        if (it.name.empty()) fail(line, "expected an instruction name, got '" + s + "'");
        static const char* kNames[] = {"error", "detector", "logical_observable", "shift_detectors", "repeat"};
        if (std::find_if(std::begin(kNames), std::end(kNames), [&](const char* n) { return it.name == n; }) ==
            std::end(kNames))
            fail(line, "unknown instruction '" + s.substr(0, i) +
                           "' (a .dem file has error, detector, logical_observable, shift_detectors and repeat)");
        if (i < s.size() && s[i] == '[') {  // Stim's tag: kept by Stim, ignored here
            std::size_t close = s.find(']', i);
            if (close == std::string::npos) fail(line, "a tag '[' is not closed with ']'");
            i = close + 1;
        }
        if (i < s.size() && s[i] == '(') {
            std::size_t close = s.find(')', i);
            if (close == std::string::npos) fail(line, "'(' is not closed with ')'");
            std::string inner = s.substr(i + 1, close - i - 1);
            std::stringstream args(inner);
            std::string a;
            while (std::getline(args, a, ',')) {
                double v;
                if (!parse_double(a, v)) fail(line, it.name + ": '" + trim(a) + "' is not a number");
                it.args.push_back(v);
            }
            i = close + 1;
        }
        std::istringstream rest(s.substr(i));
        std::string t;
        while (rest >> t) it.targets.push_back(t);
        if (it.name == "repeat") {
            if (it.targets.size() != 2 || it.targets[1] != "{" || !parse_u64(it.targets[0], it.repeat))
                fail(line, "repeat: expected 'repeat N {' with a count N");
            if (it.repeat == 0) fail(line, "repeat: the count must be at least 1");
            it.targets.clear();
        }
        return it;
    }

    /// D<k> relative to the shift, L<k>.
    std::uint64_t target_index(const Item& it, const std::string& t, char kind) const {
        std::uint64_t v;
        if (t.size() < 2 || (t[0] != kind && t[0] != char(std::tolower(kind))) || !parse_u64(t.substr(1), v))
            fail(it.line, it.name + ": '" + t + "' is not a " + (kind == 'D' ? "detector (D<k>)" : "observable (L<k>)") +
                              " target");
        return v;
    }

    std::uint32_t detector(const Item& it, const std::string& t) {
        const std::uint64_t index = target_index(it, t, 'D');
        const std::uint64_t d = index < kMaxDemDetectors ? index + shift_ : index;  // no wrap-around
        // Per-detector tables (coordinates, the decoding graph's nodes) are dense: an index past 2^26 (67 million
        // detectors, a 1.6 GB coordinate table) is refused rather than allocated (found by fuzz/dem.cc).
        if (d >= kMaxDemDetectors)
            fail(it.line, it.name + ": detector index " + std::to_string(d) + " is too large (qdes reads at most " +
                              std::to_string(kMaxDemDetectors) + " detectors)");
        model_.num_detectors = std::max(model_.num_detectors, d + 1);
        return std::uint32_t(d);
    }

    std::uint32_t observable(const Item& it, const std::string& t) {
        const std::uint64_t k = target_index(it, t, 'L');
        if (k >= 64) fail(it.line, it.name + ": observable L" + std::to_string(k) + ": qdes decodes at most 64 observables");
        model_.num_observables = std::max(model_.num_observables, std::uint32_t(k + 1));
        return std::uint32_t(k);
    }

    void execute(const std::vector<Item>& items) {
        for (const Item& it : items) {
            if (it.name == "repeat") {
                for (std::uint64_t r = 0; r < it.repeat; ++r) execute(it.body);
            } else if (it.name == "error") {
                error(it);
            } else if (it.name == "detector") {
                if (it.targets.empty()) fail(it.line, "detector: expected a target D<k>");
                for (const std::string& t : it.targets) {
                    std::uint32_t d = detector(it, t);
                    if (it.args.empty()) continue;
                    if (model_.detector_coords.size() <= d) model_.detector_coords.resize(std::size_t(d) + 1);
                    std::vector<double>& c = model_.detector_coords[d];
                    c = it.args;
                    for (std::size_t k = 0; k < c.size() && k < coord_shift_.size(); ++k) c[k] += coord_shift_[k];
                }
            } else if (it.name == "logical_observable") {
                if (it.targets.empty()) fail(it.line, "logical_observable: expected a target L<k>");
                for (const std::string& t : it.targets) observable(it, t);
            } else {  // shift_detectors
                std::uint64_t k;
                if (it.targets.size() != 1 || !parse_u64(it.targets[0], k))
                    fail(it.line, "shift_detectors: expected one count, as in 'shift_detectors(0, 0, 1) 8'");
                if (k >= kMaxDemDetectors || shift_ + k >= kMaxDemDetectors)  // and no wrap-around of shift_
                    fail(it.line, "shift_detectors: shifts past detector " + std::to_string(kMaxDemDetectors) +
                                      " (qdes reads at most that many detectors)");
                shift_ += k;
                if (coord_shift_.size() < it.args.size()) coord_shift_.resize(it.args.size(), 0);
                for (std::size_t a = 0; a < it.args.size(); ++a) coord_shift_[a] += it.args[a];
            }
        }
    }

    void error(const Item& it) {
        if (it.args.size() != 1) fail(it.line, "error: expected one probability, as in 'error(0.01) D0 D1'");
        const double p = it.args[0];
        if (!(p >= 0 && p <= 1)) fail(it.line, "error: the probability " + shortest_number(p) + " is not in [0, 1]");
        DemErrorMechanism e;
        e.p = p;
        e.line = it.line;
        e.parts.emplace_back();
        for (const std::string& t : it.targets) {
            if (t == "^") {
                if (e.parts.back().empty()) fail(it.line, "error: '^' must separate two non-empty parts");
                e.parts.emplace_back();
                continue;
            }
            DemSymptom single;
            if (!t.empty() && (t[0] == 'L' || t[0] == 'l'))
                single.observables = std::uint64_t(1) << observable(it, t);
            else
                single.detectors.push_back(detector(it, t));
            xor_into(e.parts.back(), single);
        }
        if (e.parts.size() > 1 && e.parts.back().empty()) fail(it.line, "error: '^' must separate two non-empty parts");
        model_.errors.push_back(std::move(e));
    }

    std::string_view text_;
    std::string source_;
    DetectorErrorModel model_;
    std::uint64_t shift_ = 0;
    std::vector<double> coord_shift_;
    std::vector<int> closing_;  ///< lines of the repeat blocks still open
};

}  // namespace

std::string symptom_text(const DemSymptom& s) {
    std::string out;
    for (std::uint32_t d : s.detectors) out += " D" + std::to_string(d);
    for (int k = 0; k < 64; ++k)
        if ((s.observables >> k) & 1) out += " L" + std::to_string(k);
    return out;
}

DemSymptom xor_symptoms(const DemSymptom& a, const DemSymptom& b) {
    DemSymptom out;
    out.observables = a.observables ^ b.observables;
    out.detectors.reserve(a.detectors.size() + b.detectors.size());
    std::set_symmetric_difference(a.detectors.begin(), a.detectors.end(), b.detectors.begin(), b.detectors.end(),
                                  std::back_inserter(out.detectors));
    return out;
}

void xor_into(DemSymptom& a, const DemSymptom& b) {
    if (b.detectors.empty()) {
        a.observables ^= b.observables;
        return;
    }
    a = xor_symptoms(a, b);
}

DemSymptom DemErrorMechanism::combined() const {
    if (parts.size() == 1) return parts[0];
    DemSymptom s;
    for (const DemSymptom& part : parts) xor_into(s, part);
    return s;
}

std::string DetectorErrorModel::to_text() const {
    std::string out;
    for (const DemErrorMechanism& e : errors) {
        out += "error(" + shortest_number(e.p) + ")";
        for (std::size_t k = 0; k < e.parts.size(); ++k) {
            if (k > 0) out += " ^";
            out += symptom_text(e.parts[k]);
        }
        out += "\n";
    }
    for (std::size_t d = 0; d < detector_coords.size(); ++d) {
        if (detector_coords[d].empty()) continue;
        out += "detector(";
        for (std::size_t k = 0; k < detector_coords[d].size(); ++k)
            out += (k ? ", " : "") + shortest_number(detector_coords[d][k]);
        out += ") D" + std::to_string(d) + "\n";
    }
    // The counts: the last detector and every observable declared, in case no error names them.
    if (num_detectors > 0 && (detector_coords.size() < num_detectors || detector_coords[num_detectors - 1].empty()))
        out += "detector D" + std::to_string(num_detectors - 1) + "\n";
    for (std::uint32_t k = 0; k < num_observables; ++k) out += "logical_observable L" + std::to_string(k) + "\n";
    return out;
}

DemFormatError::DemFormatError(const std::string& file, int line, const std::string& message)
    : std::runtime_error(line > 0 ? file + ":" + std::to_string(line) + ": " + message : file + ": " + message),
      line_(line) {}

DetectorErrorModel parse_dem(std::string_view text, std::string source) {
    return Parser(text, std::move(source)).run();
}

DetectorErrorModel read_dem_file(const std::string& path) {
    std::ifstream f(path, std::ios::binary);
    if (!f) throw DemFormatError(path, 0, "cannot read the file");
    std::stringstream ss;
    ss << f.rdbuf();
    return parse_dem(ss.str(), path);
}

void merge_equal_errors(DetectorErrorModel& model) {
    std::map<DemSymptom, std::size_t> index;
    std::vector<DemErrorMechanism> merged;
    for (DemErrorMechanism& e : model.errors) {
        DemSymptom key = e.combined();
        if (key.empty() || e.p == 0) continue;
        auto [it, inserted] = index.emplace(std::move(key), merged.size());
        if (inserted) {
            merged.push_back(std::move(e));
            continue;
        }
        DemErrorMechanism& m = merged[it->second];
        m.p = m.p * (1 - e.p) + e.p * (1 - m.p);
        if (m.parts.size() == 1 && e.parts.size() > 1) m.parts = std::move(e.parts);
    }
    std::vector<DemErrorMechanism> sorted;
    sorted.reserve(merged.size());
    for (auto& [key, i] : index) sorted.push_back(std::move(merged[i]));
    model.errors = std::move(sorted);
}

std::vector<double> detector_firing_probabilities(const DetectorErrorModel& model) {
    std::vector<double> keep(model.num_detectors, 1.0);  // prod (1 - 2 p_i)
    for (const DemErrorMechanism& e : model.errors)
        for (std::uint32_t d : e.combined().detectors) keep[d] *= 1 - 2 * e.p;
    for (double& k : keep) k = 0.5 * (1 - k);
    return keep;
}

}  // namespace qdes::quantum
