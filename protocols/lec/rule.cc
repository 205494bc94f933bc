#include "protocols/lec/rule.h"

#include "protocols/lec/rule_yaml.h"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <stdexcept>

#include "sim/diagnostics.h"

namespace qdes::lec {

std::string read_rule_file(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw std::runtime_error(path + ": cannot open the rule file");
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

std::string yaml_comment(const std::string& comment) {
    std::string out;
    std::istringstream lines(comment);
    for (std::string line; std::getline(lines, line);) out += (line.empty() ? "#" : "# " + line) + "\n";
    return out;
}

YAML::Node load_yaml(const std::string& text, const std::string& source) {
    try {
        return YAML::Load(text);
    } catch (const YAML::ParserException& e) {
        throw std::runtime_error(source + ":" + std::to_string(e.mark.line + 1) + ":" +
                                 std::to_string(e.mark.column + 1) + ": YAML syntax error: " + e.msg);
    }
}

[[noreturn]] void fail(const std::string& source, const YAML::Node& at, const std::string& key, const std::string& m) {
    std::string where = source;
    if (at.IsDefined() && at.Mark().line >= 0)
        where += ":" + std::to_string(at.Mark().line + 1) + ":" + std::to_string(at.Mark().column + 1);
    throw std::runtime_error(where + ": " + key + ": " + m);
}

Offset parse_offset(const std::string& source, const YAML::Node& n, const std::string& key) {
    if (!n.IsSequence() || n.size() != 2) fail(source, n, key, "expected an offset [row, column]");
    try {
        return Offset{n[0].as<int>(), n[1].as<int>()};
    } catch (const YAML::Exception&) {
        fail(source, n, key, "expected an offset of two whole numbers [row, column]");
    }
}

std::string scalar_text(const std::string& source, const YAML::Node& n, const std::string& key,
                        const std::string& what) {
    if (!n.IsScalar()) fail(source, n, key, "expected " + what);
    return n.Scalar();
}

void expect_keys(const std::string& source, const YAML::Node& map, const std::string& key,
                 const std::vector<std::string>& allowed) {
    for (const auto& kv : map) {
        const std::string k = scalar_text(source, kv.first, key.empty() ? "(a key)" : key, "a key that is a name");
        if (std::find(allowed.begin(), allowed.end(), k) == allowed.end()) {
            std::string list;
            for (const auto& a : allowed) list += (list.empty() ? "" : ", ") + a;
            fail(source, kv.first, key.empty() ? k : key + "." + k,
                 "unknown key" + did_you_mean(k, allowed) + " (known: " + list + ")");
        }
    }
}

namespace {

/// "name", "!name", "name(-1, 0)".
AncillaRef parse_ref(const std::string& source, const YAML::Node& n, const std::string& key,
                     const std::map<std::string, std::size_t>& known, std::size_t before) {
    if (!n.IsScalar()) fail(source, n, key, "expected an ancilla name, optionally !name or name(row, column)");
    std::string text = n.Scalar();
    AncillaRef r;
    if (!text.empty() && text[0] == '!') {
        r.negated = true;
        text = text.substr(1);
    }
    std::string name = text;
    if (std::size_t open = text.find('('); open != std::string::npos) {
        name = text.substr(0, open);
        int a = 0, b = 0;
        char close = 0, comma = 0;
        std::istringstream in(text.substr(open + 1));
        if (!(in >> a >> comma >> b >> close) || comma != ',' || close != ')')
            fail(source, n, key, "expected name(row, column), got '" + n.Scalar() + "'");
        r.offset = {a, b};
    }
    auto it = known.find(name);
    if (it == known.end() || it->second >= before) {
        std::vector<std::string> names;
        for (const auto& [k, v] : known)
            if (v < before) names.push_back(k);
        fail(source, n, key,
             "'" + name + "' is not an ancilla defined before this point" + did_you_mean(name, names));
    }
    r.ancilla = it->second;
    return r;
}

}  // namespace

LecRule parse_lec_rule(const std::string& text, const std::string& source) {
    YAML::Node root = load_yaml(text, source);
    if (!root.IsMap()) fail(source, root, "", "a rule file is a map with name, ancillas and corrections");
    expect_keys(source, root, "", {"name", "description", "ancillas", "corrections"});
    LecRule rule;
    rule.source = source;
    rule.name = root["name"] ? scalar_text(source, root["name"], "name", "a name") : std::string("rule");
    YAML::Node ancillas = root["ancillas"];
    if (!ancillas || !ancillas.IsMap() || ancillas.size() == 0)
        fail(source, ancillas ? ancillas : root, "ancillas", "expected a map of ancilla name -> {parity: ...} or {and: ...}");
    std::map<std::string, std::size_t> index;
    for (const auto& kv : ancillas) {
        const std::string name = scalar_text(source, kv.first, "ancillas", "an ancilla name");
        index.emplace(name, index.size());
    }
    std::size_t i = 0;
    for (const auto& kv : ancillas) {
        LecRule::Ancilla a;
        a.name = kv.first.Scalar();  // checked to be a scalar above
        const std::string key = "ancillas." + a.name;
        const YAML::Node& def = kv.second;
        if (!def.IsMap()) fail(source, def, key, "expected {parity: [[row, column], ...]} or {and: [ancilla, ...]}");
        expect_keys(source, def, key, {"parity", "and"});
        if (def["parity"] && def["and"]) fail(source, def, key, "give parity or and, not both");
        if (def["parity"]) {
            if (!def["parity"].IsSequence() || def["parity"].size() == 0)
                fail(source, def["parity"], key + ".parity", "expected a non-empty list of offsets");
            for (const auto& o : def["parity"]) a.parity.push_back(parse_offset(source, o, key + ".parity"));
        } else if (def["and"]) {
            if (!def["and"].IsSequence() || def["and"].size() < 2)
                fail(source, def["and"], key + ".and", "expected a list of at least two ancillas");
            for (const auto& r : def["and"]) a.all_of.push_back(parse_ref(source, r, key + ".and", index, i));
        } else {
            fail(source, def, key, "expected parity or and");
        }
        rule.ancillas.push_back(std::move(a));
        ++i;
    }
    YAML::Node corrections = root["corrections"];
    if (!corrections || !corrections.IsSequence() || corrections.size() == 0)
        fail(source, corrections ? corrections : root, "corrections", "expected a list of {if: [...], flip: [row, column]}");
    for (std::size_t c = 0; c < corrections.size(); ++c) {
        const YAML::Node n = corrections[c];
        const std::string key = "corrections[" + std::to_string(c) + "]";
        if (!n.IsMap()) fail(source, n, key, "expected {if: [ancilla, ...], flip: [row, column]}");
        expect_keys(source, n, key, {"if", "flip"});
        LecRule::Correction corr;
        if (!n["if"] || !n["if"].IsSequence() || n["if"].size() == 0)
            fail(source, n["if"] ? n["if"] : n, key + ".if", "expected a non-empty list of ancillas");
        for (const auto& r : n["if"]) corr.when.push_back(parse_ref(source, r, key + ".if", index, index.size()));
        if (!n["flip"]) fail(source, n, key + ".flip", "missing: the data offset to flip");
        corr.flip = parse_offset(source, n["flip"], key + ".flip");
        rule.corrections.push_back(std::move(corr));
    }
    return rule;
}

std::string format_lec_rule(const LecRule& rule, const std::string& comment) {
    std::ostringstream out;
    out << yaml_comment(comment);
    auto offset = [](const Offset& o) { return "[" + std::to_string(o[0]) + ", " + std::to_string(o[1]) + "]"; };
    auto ref = [&](const AncillaRef& r) {
        std::string t = (r.negated ? "!" : "") + rule.ancillas.at(r.ancilla).name;
        if (r.offset != Offset{0, 0}) t += "(" + std::to_string(r.offset[0]) + ", " + std::to_string(r.offset[1]) + ")";
        return t == rule.ancillas[r.ancilla].name ? t : "\"" + t + "\"";
    };
    auto list = [](const std::vector<std::string>& items) {
        std::string s = "[";
        for (std::size_t i = 0; i < items.size(); ++i) s += (i ? ", " : "") + items[i];
        return s + "]";
    };
    out << "name: " << rule.name << "\nancillas:\n";
    for (const auto& a : rule.ancillas) {
        std::vector<std::string> items;
        if (a.all_of.empty()) {
            for (const Offset& o : a.parity) items.push_back(offset(o));
            out << "  " << a.name << ": {parity: " << list(items) << "}\n";
        } else {
            for (const AncillaRef& r : a.all_of) items.push_back(ref(r));
            out << "  " << a.name << ": {and: " << list(items) << "}\n";
        }
    }
    out << "corrections:\n";
    for (const auto& c : rule.corrections) {
        std::vector<std::string> items;
        for (const AncillaRef& r : c.when) items.push_back(ref(r));
        out << "  - {if: " << list(items) << ", flip: " << offset(c.flip) << "}\n";
    }
    return out.str();
}

LecRule load_lec_rule(const std::string& path) {
    return parse_lec_rule(read_rule_file(path), path);
}

std::vector<std::vector<std::size_t>> layers_of(const std::vector<std::vector<std::uint32_t>>& gates,
                                                std::uint32_t num_qubits) {
    std::vector<std::vector<std::size_t>> layers;
    std::vector<std::vector<bool>> busy;
    for (std::size_t g = 0; g < gates.size(); ++g) {
        std::size_t l = 0;
        auto clash = [&](std::size_t layer) {
            for (std::uint32_t q : gates[g])
                if (busy[layer][q]) return true;
            return false;
        };
        while (l < layers.size() && clash(l)) ++l;
        if (l == layers.size()) {
            layers.emplace_back();
            busy.emplace_back(num_qubits, false);
        }
        layers[l].push_back(g);
        for (std::uint32_t q : gates[g]) busy[l][q] = true;
    }
    return layers;
}

std::vector<std::vector<std::size_t>> bipartite_layers(const std::vector<std::vector<std::uint32_t>>& pairs,
                                                       std::uint32_t num_qubits) {
    constexpr std::size_t kFree = ~std::size_t(0);
    std::vector<std::uint8_t> side(num_qubits, 0);  // 1: first qubit of some pair, 2: second
    std::vector<std::size_t> degree(num_qubits, 0);
    for (const auto& p : pairs) {
        if (p.size() != 2) throw std::invalid_argument("bipartite_layers: a gate is not a pair");
        for (int k = 0; k < 2; ++k) {
            const std::uint8_t want = std::uint8_t(k + 1);
            if (side[p[k]] && side[p[k]] != want)
                throw std::invalid_argument("bipartite_layers: qubit " + std::to_string(p[k]) + " is on both sides");
            side[p[k]] = want;
            ++degree[p[k]];
        }
    }
    std::size_t colours = 0;
    for (std::size_t d : degree) colours = std::max(colours, d);
    // at[q * colours + c]: the gate of colour c at qubit q.
    std::vector<std::size_t> at(std::size_t(num_qubits) * colours, kFree), colour(pairs.size(), kFree);
    auto free_at = [&](std::uint32_t q) {
        for (std::size_t c = 0; c < colours; ++c)
            if (at[q * colours + c] == kFree) return c;
        throw std::logic_error("bipartite_layers: no free colour");
    };
    for (std::size_t g = 0; g < pairs.size(); ++g) {
        const std::uint32_t u = pairs[g][0], v = pairs[g][1];
        const std::size_t a = free_at(u), b = free_at(v);
        if (at[v * colours + a] != kFree) {
            // Swap colours a and b along the path from v that alternates a, b, a, ...; in a bipartite graph it
            // cannot reach u, and afterwards a is free at v.
            std::vector<std::size_t> path;
            std::uint32_t q = v;
            std::size_t want = a;
            while (at[q * colours + want] != kFree) {
                const std::size_t e = at[q * colours + want];
                path.push_back(e);
                q = pairs[e][0] == q ? pairs[e][1] : pairs[e][0];
                want = want == a ? b : a;
            }
            for (std::size_t e : path)
                for (std::uint32_t end : pairs[e]) at[end * colours + colour[e]] = kFree;
            for (std::size_t e : path) {
                colour[e] = colour[e] == a ? b : a;
                for (std::uint32_t end : pairs[e]) at[end * colours + colour[e]] = e;
            }
        }
        colour[g] = a;
        at[u * colours + a] = g;
        at[v * colours + a] = g;
    }
    std::vector<std::vector<std::size_t>> layers(colours);
    for (std::size_t g = 0; g < pairs.size(); ++g) layers[colour[g]].push_back(g);
    return layers;
}

void add_controlled_layers(quantum::CircuitBuilder& b, const std::vector<std::vector<std::uint32_t>>& gates,
                           const std::vector<std::vector<bool>>& negated, std::uint32_t num_qubits) {
    using quantum::Gate;
    for (const auto& layer : layers_of(gates, num_qubits)) {
        std::vector<std::uint32_t> flips;
        for (std::size_t g : layer)
            for (std::size_t k = 0; k + 1 < gates[g].size(); ++k)
                if (negated[g][k]) flips.push_back(gates[g][k]);
        if (!flips.empty()) b.add(Gate::kX, flips);
        std::map<std::size_t, std::vector<std::uint32_t>> by_arity;
        for (std::size_t g : layer) {
            if (gates[g].size() > 3) {
                b.add(Gate::kMCX, gates[g]);
                continue;
            }
            auto& t = by_arity[gates[g].size()];
            t.insert(t.end(), gates[g].begin(), gates[g].end());
        }
        for (const auto& [arity, targets] : by_arity) b.add(arity == 2 ? Gate::kCX : Gate::kCCX, targets);
        if (!flips.empty()) b.add(Gate::kX, flips);
        b.tick();
    }
}

namespace {

/// The gates of one round on the L x L torus, each a list of qubits (controls, then the target), in the order the
/// circuit emits them: the parity CX pairs, each AND ancilla's controlled gates, the corrections'.
struct RoundGates {
    std::uint32_t total = 0;  ///< qubits
    std::vector<std::vector<std::uint32_t>> parity_pairs;
    struct Controlled {
        std::vector<std::vector<std::uint32_t>> gates;
        std::vector<std::vector<bool>> negated;
    };
    std::vector<Controlled> ands;  ///< one per AND ancilla, in file order
    Controlled corrections;
};

RoundGates round_gates(const LecRule& rule, std::uint32_t L, const std::string& source) {
    if (L < 2) throw std::invalid_argument("a rule needs L >= 2");
    const std::uint32_t N = L * L;
    RoundGates g;
    g.total = N * std::uint32_t(1 + rule.ancillas.size());
    auto site = [L](std::uint32_t s, Offset o) {
        const std::uint32_t r = (s / L + std::uint32_t(int(L) * 64 + o[0])) % L;
        const std::uint32_t c = (s % L + std::uint32_t(int(L) * 64 + o[1])) % L;
        return r * L + c;
    };
    auto anc = [&](std::size_t a, std::uint32_t s) { return std::uint32_t(N * (1 + a) + s); };
    // Parities: one CX per (ancilla, offset, site), in that order.
    for (std::size_t a = 0; a < rule.ancillas.size(); ++a)
        for (const Offset& o : rule.ancillas[a].parity)
            for (std::uint32_t s = 0; s < N; ++s) g.parity_pairs.push_back({site(s, o), anc(a, s)});
    auto make_gate = [&](const std::vector<AncillaRef>& when, std::uint32_t s, std::uint32_t target,
                         RoundGates::Controlled& out) {
        std::vector<std::uint32_t> q;
        std::vector<bool> neg;
        for (const AncillaRef& r : when) {
            q.push_back(anc(r.ancilla, site(s, r.offset)));
            neg.push_back(r.negated);
        }
        q.push_back(target);
        std::set<std::uint32_t> distinct(q.begin(), q.end());
        if (distinct.size() != q.size())
            throw std::invalid_argument(source + ": a gate of rule '" + rule.name +
                                        "' would act twice on one qubit at L=" + std::to_string(L) +
                                        " (offsets wrap around the torus)");
        out.gates.push_back(q);
        out.negated.push_back(neg);
    };
    for (std::size_t a = 0; a < rule.ancillas.size(); ++a) {
        if (rule.ancillas[a].all_of.empty()) continue;
        RoundGates::Controlled c;
        for (std::uint32_t s = 0; s < N; ++s) make_gate(rule.ancillas[a].all_of, s, anc(a, s), c);
        g.ands.push_back(std::move(c));
    }
    for (const auto& c : rule.corrections)
        for (std::uint32_t s = 0; s < N; ++s) make_gate(c.when, s, site(s, c.flip), g.corrections);
    return g;
}

std::string source_of(const LecRule& rule) {
    return rule.source.empty() ? rule.name : rule.source;
}

}  // namespace

quantum::Circuit lec_round_circuit(const LecRule& rule, std::uint32_t L, const quantum::NoiseModel& noise) {
    using quantum::Gate;
    quantum::Circuit circuit;
    circuit.source = source_of(rule);
    const RoundGates g = round_gates(rule, L, circuit.source);
    quantum::CircuitBuilder b(circuit);
    std::vector<std::uint32_t> all_anc;
    for (std::uint32_t q = L * L; q < g.total; ++q) all_anc.push_back(q);
    b.add(Gate::kR, all_anc).tick();
    for (const auto& layer : layers_of(g.parity_pairs, g.total)) {
        std::vector<std::uint32_t> targets;
        for (std::size_t i : layer) targets.insert(targets.end(), g.parity_pairs[i].begin(), g.parity_pairs[i].end());
        b.add(Gate::kCX, targets).tick();
    }
    // Controlled layers (ANDs, then corrections): negated controls get X gates around their layer; gates of one
    // layer with the same number of controls share an instruction (CX, CCX, or one MCX each).
    for (const auto& c : g.ands) add_controlled_layers(b, c.gates, c.negated, g.total);
    add_controlled_layers(b, g.corrections.gates, g.corrections.negated, g.total);
    return quantum::add_gate_noise(circuit, noise);
}

std::size_t lec_round_layers(const LecRule& rule, std::uint32_t L) {
    const RoundGates g = round_gates(rule, L, source_of(rule));
    std::size_t layers = 1 + layers_of(g.parity_pairs, g.total).size();  // the ancilla reset, the parities
    for (const auto& c : g.ands) layers += layers_of(c.gates, g.total).size();
    return layers + layers_of(g.corrections.gates, g.total).size();
}

}  // namespace qdes::lec
