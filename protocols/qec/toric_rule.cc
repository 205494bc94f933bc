#include "protocols/qec/toric_rule.h"

#include <fstream>
#include <set>
#include <sstream>
#include <stdexcept>

#include "protocols/lec/rule_yaml.h"

namespace qdes::qec {

namespace {

std::vector<lec::Offset> parse_offsets(const std::string& source, const YAML::Node& n, const std::string& key) {
    if (!n.IsSequence() || n.size() == 0) lec::fail(source, n, key, "expected a list of offsets [[row, column], ...]");
    std::vector<lec::Offset> out;
    for (std::size_t i = 0; i < n.size(); ++i) out.push_back(lec::parse_offset(source, n[i], key));
    return out;
}

std::vector<ToricLecRule::Correction> parse_list(const std::string& source, const YAML::Node& n,
                                                 const std::string& key) {
    std::vector<ToricLecRule::Correction> out;
    if (!n) return out;
    if (!n.IsSequence()) lec::fail(source, n, key, "expected a list of corrections {all: [...], none: [...]}");
    for (std::size_t i = 0; i < n.size(); ++i) {
        const YAML::Node& c = n[i];
        const std::string k = key + "[" + std::to_string(i) + "]";
        if (!c.IsMap()) lec::fail(source, c, k, "expected {all: [[row, column], ...], none: [...]}");
        lec::expect_keys(source, c, k, {"all", "none"});
        if (!c["all"]) lec::fail(source, c, k, "a correction needs `all`: the plaquettes that must fire");
        ToricLecRule::Correction corr;
        corr.all = parse_offsets(source, c["all"], k + ".all");
        if (c["none"]) corr.none = parse_offsets(source, c["none"], k + ".none");
        std::set<lec::Offset> seen;
        for (const auto* list : {&corr.all, &corr.none})
            for (const lec::Offset& o : *list)
                if (!seen.insert(o).second)
                    lec::fail(source, c, k,
                              "offset [" + std::to_string(o[0]) + ", " + std::to_string(o[1]) + "] is listed twice");
        out.push_back(std::move(corr));
    }
    return out;
}

}  // namespace

ToricLecRule parse_toric_rule(const std::string& text, const std::string& source) {
    YAML::Node root = lec::load_yaml(text, source);
    if (!root.IsMap()) lec::fail(source, root, "", "a toric rule file is a map with name and corrections");
    lec::expect_keys(source, root, "", {"name", "description", "corrections"});
    ToricLecRule rule;
    rule.source = source;
    rule.name = root["name"] ? root["name"].as<std::string>() : std::string("rule");
    const YAML::Node corrections = root["corrections"];
    if (!corrections || !corrections.IsMap())
        lec::fail(source, corrections ? corrections : root, "corrections",
                  "expected a map with horizontal and/or vertical correction lists");
    lec::expect_keys(source, corrections, "corrections", {"horizontal", "vertical"});
    rule.horizontal = parse_list(source, corrections["horizontal"], "corrections.horizontal");
    rule.vertical = parse_list(source, corrections["vertical"], "corrections.vertical");
    if (rule.horizontal.empty() && rule.vertical.empty())
        lec::fail(source, corrections, "corrections", "the rule corrects nothing");
    return rule;
}

ToricLecRule load_toric_rule(const std::string& path) {
    return parse_toric_rule(lec::read_rule_file(path), path);
}

void toric_rule_gates(const ToricLecRule& rule, std::uint32_t L, std::vector<std::vector<std::uint32_t>>& gates,
                      std::vector<std::vector<bool>>& negated) {
    const std::uint32_t n = 2 * L * L;
    const auto plaquette = [L](std::uint32_t i, std::uint32_t j, const lec::Offset& o) {
        const auto wrap = [L](std::int64_t x) { return std::uint32_t(((x % L) + L) % L); };
        return wrap(std::int64_t(i) + o[0]) * L + wrap(std::int64_t(j) + o[1]);
    };
    for (std::uint32_t e = 0; e < n; ++e) {
        // toric2d_code: h(i, j) = i L + j is read first by plaquette (i, j); v(i, j) = L^2 + i L + j likewise.
        const std::uint32_t i = (e % (L * L)) / L, j = e % L;
        const auto& list = e < L * L ? rule.horizontal : rule.vertical;
        for (const ToricLecRule::Correction& c : list) {
            std::vector<std::uint32_t> q;
            std::vector<bool> neg;
            for (const lec::Offset& o : c.all) {
                q.push_back(n + plaquette(i, j, o));
                neg.push_back(false);
            }
            for (const lec::Offset& o : c.none) {
                q.push_back(n + plaquette(i, j, o));
                neg.push_back(true);
            }
            if (std::set<std::uint32_t>(q.begin(), q.end()).size() != q.size())
                throw std::invalid_argument(rule.source + ": rule '" + rule.name + "' names one plaquette twice at L=" +
                                            std::to_string(L) + " (offsets wrap around the torus)");
            q.push_back(e);
            gates.push_back(std::move(q));
            negated.push_back(std::move(neg));
        }
    }
}

}  // namespace qdes::qec
