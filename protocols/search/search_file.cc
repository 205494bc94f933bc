#include "protocols/search/search_file.h"

#include <unistd.h>
#include <yaml-cpp/yaml.h>

#include <cmath>
#include <cstring>
#include <fstream>
#include <sstream>
#include <stdexcept>

#include "protocols/lec/rule_yaml.h"
#include "sim/diagnostics.h"
#include "sim/h5.h"
#include "sim/random.h"
#include "sim/version.h"

namespace qdes::search {

namespace {

using lec::expect_keys;
using lec::fail;

/// Toom's rule, as scenarios/lec/rules/toom.yaml writes it: the reference when the scenario names none.
const char* kToomRule = R"(name: toom
ancillas:
  north: {parity: [[0, 0], [-1, 0]]}
  east:  {parity: [[0, 0], [0, 1]]}
corrections:
  - {if: [north, east], flip: [0, 0]}
)";

struct Reader {
    std::string source;

    YAML::Node map(const YAML::Node& parent, const std::string& name, const std::string& key,
                   const std::vector<std::string>& allowed) const {
        YAML::Node n = parent[name];
        if (!n) return YAML::Node(YAML::NodeType::Map);
        if (!n.IsMap()) fail(source, n, key, "expected a map");
        expect_keys(source, n, key, allowed);
        return n;
    }
    template <class T>
    T scalar(const YAML::Node& n, const std::string& key, const char* what) const {
        if (!n.IsScalar()) fail(source, n, key, std::string("expected ") + what);
        try {
            return n.as<T>();
        } catch (const YAML::Exception&) {
            fail(source, n, key, std::string("expected ") + what + ", got '" + n.Scalar() + "'");
        }
    }
    std::uint64_t integer(const YAML::Node& parent, const std::string& name, const std::string& key,
                          std::uint64_t fallback, std::uint64_t lo, std::uint64_t hi) const {
        const YAML::Node n = parent[name];
        if (!n) return fallback;
        const long long v = scalar<long long>(n, key, "a whole number");
        if (v < 0 || std::uint64_t(v) < lo || std::uint64_t(v) > hi)
            fail(source, n, key,
                 "must be in [" + std::to_string(lo) + ", " + std::to_string(hi) + "], got " + std::to_string(v));
        return std::uint64_t(v);
    }
    double real(const YAML::Node& parent, const std::string& name, const std::string& key, double fallback, double lo,
                double hi, bool required = false) const {
        const YAML::Node n = parent[name];
        if (!n) {
            if (required) fail(source, parent, key, "missing (required)");
            return fallback;
        }
        const double v = scalar<double>(n, key, "a number");
        if (!(v >= lo && v <= hi)) {
            std::ostringstream m;
            m << "must be in [" << lo << ", " << hi << "], got " << n.Scalar();
            fail(source, n, key, m.str());
        }
        return v;
    }
    bool flag(const YAML::Node& parent, const std::string& name, const std::string& key, bool fallback) const {
        const YAML::Node n = parent[name];
        return n ? scalar<bool>(n, key, "true or false") : fallback;
    }
    std::string choice(const YAML::Node& parent, const std::string& name, const std::string& key,
                       const std::string& fallback, const std::vector<std::string>& allowed) const {
        const YAML::Node n = parent[name];
        if (!n) return fallback;
        const std::string v = scalar<std::string>(n, key, "a name");
        if (std::find(allowed.begin(), allowed.end(), v) == allowed.end()) {
            std::string list;
            for (const auto& a : allowed) list += (list.empty() ? "" : ", ") + a;
            fail(source, n, key, "unknown value '" + v + "'" + did_you_mean(v, allowed) + " (known: " + list + ")");
        }
        return v;
    }
};

/// Applies "a.b.c=value" to the tree (value parsed as YAML, so lists work).
void apply_override(YAML::Node& root, const std::string& text) {
    const std::size_t eq = text.find('=');
    if (eq == std::string::npos || eq == 0) throw std::runtime_error("--set " + text + ": expected key.path=value");
    const std::string path = text.substr(0, eq);
    YAML::Node value;
    try {
        value = YAML::Load(text.substr(eq + 1));
    } catch (const YAML::Exception& e) {
        throw std::runtime_error("--set " + path + ": the value is not valid YAML: " + e.msg);
    }
    std::vector<std::string> parts;
    std::stringstream ss(path);
    for (std::string p; std::getline(ss, p, '.');) parts.push_back(p);
    // Walk with fresh handles: YAML::Node assignment would rebind, not descend.
    std::vector<YAML::Node> chain{root};
    for (std::size_t i = 0; i + 1 < parts.size(); ++i) {
        YAML::Node next = chain.back()[parts[i]];
        if (next && !next.IsMap()) throw std::runtime_error("--set " + path + ": '" + parts[i] + "' is not a map");
        chain.push_back(next);
    }
    chain.back()[parts.back()] = value;
}

}  // namespace

SearchScenario load_search_scenario(const std::filesystem::path& path, const std::vector<std::string>& overrides) {
    SearchScenario sc;
    sc.source = path.string();
    std::ifstream in(path, std::ios::binary);
    if (!in) throw std::runtime_error(sc.source + ": cannot open the search scenario");
    std::stringstream text;
    text << in.rdbuf();
    sc.text = text.str();
    YAML::Node root = lec::load_yaml(sc.text, sc.source);
    if (!root.IsMap()) fail(sc.source, root, "", "a search scenario is a map (see docs/search_format.md)");
    for (const std::string& o : overrides) apply_override(root, o);
    const Reader r{sc.source};
    expect_keys(sc.source, root, "",
                {"name", "description", "seed", "lattice", "gates", "space", "noise", "training", "objective", "agents",
                 "evaluation"});
    if (!root["name"]) fail(sc.source, root, "name", "missing (required): names the output files");
    sc.name = r.scalar<std::string>(root["name"], "name", "a name");
    if (sc.name.empty() || sc.name.find('/') != std::string::npos)
        fail(sc.source, root["name"], "name", "must be a non-empty file name without '/'");
    if (root["description"]) sc.description = r.scalar<std::string>(root["description"], "description", "text");
    sc.seed = r.integer(root, "seed", "seed", 1, 0, ~std::uint64_t(0) >> 1);
    sc.lattice = r.choice(root, "lattice", "lattice", "ising2d", {"ising2d", "toric4d"});
    const bool ising = sc.lattice == "ising2d";

    // The gate set.
    GateSet gate_set{false, false, false, 2};
    const YAML::Node gates = root["gates"];
    if (!gates || !gates.IsSequence() || gates.size() == 0)
        fail(sc.source, gates ? gates : root, "gates", "expected a list of gates from CX, CCX, MCX");
    for (std::size_t i = 0; i < gates.size(); ++i) {
        const std::string key = "gates[" + std::to_string(i) + "]";
        const std::string g = r.scalar<std::string>(gates[i], key, "a gate name");
        if (g == "CX")
            gate_set.cx = true;
        else if (g == "CCX")
            gate_set.ccx = true;
        else if (g == "MCX")
            gate_set.mcx = true;
        else
            fail(sc.source, gates[i], key,
                 "unknown gate '" + g + "'" + did_you_mean(g, {"CX", "CCX", "MCX"}) + " (known: CX, CCX, MCX)");
    }
    const YAML::Node space =
        r.map(root, "space", "space",
              {"max_ancillas", "max_corrections", "max_depth", "max_controls", "radius", "hierarchical", "symmetry"});
    if (!ising)
        for (const char* k : {"max_ancillas", "radius", "hierarchical", "symmetry"})
            if (space[k])
                fail(sc.source, space[k], std::string("space.") + k,
                     "applies to lattice: ising2d only (a 4D rule reads its plaquette's four edge ancillas, and only "
                     "the lattice's translations map its round circuit onto itself)");
    gate_set.max_controls = int(r.integer(space, "max_controls", "space.max_controls", gate_set.mcx ? 3 : 2, 1, 8));
    if (gate_set.mcx && gate_set.max_controls < 3)
        fail(sc.source, space["max_controls"], "space.max_controls", "MCX needs max_controls of at least 3");
    if (!gate_set.cx) fail(sc.source, gates, "gates", "needs CX: parities are copied onto ancillas by CX");
    SpaceSpec& s = sc.space;
    s.gates = gate_set;
    s.max_ancillas = r.integer(space, "max_ancillas", "space.max_ancillas", 2, 1, 16);
    s.max_corrections = r.integer(space, "max_corrections", "space.max_corrections", 2, 1, 16);
    s.max_depth = r.integer(space, "max_depth", "space.max_depth", ising ? 8 : 16, 4, 64);
    s.radius = int(r.integer(space, "radius", "space.radius", 1, 1, 3));
    s.hierarchical = r.flag(space, "hierarchical", "space.hierarchical", false);
    s.symmetry =
        r.choice(space, "symmetry", "space.symmetry", "point_group", {"point_group", "translation"}) == "translation"
            ? Symmetry::kTranslation
            : Symmetry::kPointGroup;
    if (s.hierarchical && s.gates.most_controls() < 2)
        fail(sc.source, space["hierarchical"], "space.hierarchical", "needs CCX or MCX in gates");
    sc.space4d.gates = gate_set;
    sc.space4d.max_corrections = s.max_corrections;
    sc.space4d.max_depth = s.max_depth;

    // Noise and training point.
    EvalSpec& t = sc.training;
    const YAML::Node noise = r.map(root, "noise", "noise", {"model", "p", "idle"});
    if (!root["noise"]) fail(sc.source, root, "noise", "missing (required): {model, p}");
    t.noise.kind = quantum::NoiseModel::parse_kind(
        r.choice(noise, "model", "noise.model", "gate_bitflip", {"gate_bitflip", "gate_depolarizing"}));
    t.noise.p = r.real(noise, "p", "noise.p", 0, 0, 1, true);
    t.noise.idle = r.real(noise, "idle", "noise.idle", 0, 0, 1);
    const YAML::Node training = r.map(root, "training", "training", {"size", "shots", "max_rounds"});
    t.L = std::uint32_t(r.integer(training, "size", "training.size", ising ? 4 : 3, 2, ising ? 256 : 16));
    t.shots = r.integer(training, "shots", "training.shots", 512, 1, std::uint64_t(1) << 32);
    t.max_rounds = r.integer(training, "max_rounds", "training.max_rounds", 2000, 1, std::uint64_t(1) << 40);
    if (ising && t.L < std::uint32_t(2 * s.radius + 1))
        fail(sc.source, training["size"] ? training["size"] : root, "training.size",
             "must be at least 2 space.radius + 1 = " + std::to_string(2 * s.radius + 1));
    s.L = t.L;
    sc.space4d.L = t.L;
    t.seed = sc.seed;
    t.stream = stream_id("search", "training");
    const YAML::Node objective = r.map(root, "objective", "objective", {"gate_penalty", "lifetime_unit", "confidence"});
    t.gate_penalty = r.real(objective, "gate_penalty", "objective.gate_penalty", 0, 0, 100);
    t.unit = r.choice(objective, "lifetime_unit", "objective.lifetime_unit", "rounds", {"rounds", "layers"}) == "layers"
                 ? LifetimeUnit::kLayers
                 : LifetimeUnit::kRounds;
    t.confidence = r.real(objective, "confidence", "objective.confidence", 0.95, 0.5, 0.999);

    // Agents.
    const YAML::Node agents =
        r.map(root, "agents", "agents", {"run", "budget", "episodes", "max_iterations", "curriculum", "reinforce"});
    const YAML::Node reinforce =
        r.map(agents, "reinforce", "agents.reinforce", {"hidden", "learning_rate", "entropy", "epochs", "clip"});
    AgentSpec base;
    base.budget = r.integer(agents, "budget", "agents.budget", 200, 1, 1000000);
    base.episodes = r.integer(agents, "episodes", "agents.episodes", 16, 1, 4096);
    base.max_iterations = r.integer(agents, "max_iterations", "agents.max_iterations", 0, 0, 100000000);
    base.hidden = r.integer(reinforce, "hidden", "agents.reinforce.hidden", 64, 1, 4096);
    base.learning_rate = r.real(reinforce, "learning_rate", "agents.reinforce.learning_rate", 0.01, 1e-6, 10);
    base.entropy = r.real(reinforce, "entropy", "agents.reinforce.entropy", 0.03, 0, 10);
    base.epochs = r.integer(reinforce, "epochs", "agents.reinforce.epochs", 4, 1, 64);
    base.clip = r.real(reinforce, "clip", "agents.reinforce.clip", 0.2, 0.01, 10);
    base.curriculum = r.real(agents, "curriculum", "agents.curriculum", 0.5, 0, 1);
    base.seed = sc.seed;
    std::vector<std::string> run{"reinforce", "random"};
    if (const YAML::Node list = agents["run"]) {
        if (!list.IsSequence() || list.size() == 0)
            fail(sc.source, list, "agents.run", "expected a list of agents from reinforce, random");
        run.clear();
        for (std::size_t i = 0; i < list.size(); ++i) {
            const std::string key = "agents.run[" + std::to_string(i) + "]";
            const std::string a = r.scalar<std::string>(list[i], key, "an agent name");
            if (a != "reinforce" && a != "random")
                fail(sc.source, list[i], key,
                     "unknown agent '" + a + "'" + did_you_mean(a, {"reinforce", "random"}) +
                         " (known: reinforce, random)");
            if (std::find(run.begin(), run.end(), a) != run.end()) fail(sc.source, list[i], key, "listed twice");
            run.push_back(a);
        }
    }
    for (const std::string& a : run) {
        AgentSpec spec = base;
        spec.kind = a == "reinforce" ? AgentKind::kReinforce : AgentKind::kRandom;
        sc.agents.push_back(spec);
    }

    // Re-evaluation.
    const YAML::Node eval = r.map(root, "evaluation", "evaluation", {"reference", "shots", "max_rounds", "points"});
    sc.eval_shots = r.integer(eval, "shots", "evaluation.shots", 4096, 1, std::uint64_t(1) << 32);
    sc.eval_max_rounds = r.integer(eval, "max_rounds", "evaluation.max_rounds", 20000, 1, std::uint64_t(1) << 40);
    if (const YAML::Node ref = eval["reference"]) {
        const std::string file = r.scalar<std::string>(ref, "evaluation.reference", "a rule file");
        const std::filesystem::path p =
            std::filesystem::path(file).is_absolute() ? std::filesystem::path(file) : path.parent_path() / file;
        try {
            if (ising)
                sc.reference = lec::load_lec_rule(p.string());
            else
                sc.reference = lec::load_toric4d_rule(p.string());
        } catch (const std::exception& e) {
            fail(sc.source, ref, "evaluation.reference", e.what());
        }
        sc.reference_file = file;
    } else {
        if (ising) {
            sc.reference = lec::parse_lec_rule(kToomRule, "toom");
            sc.reference_file = "toom (built in: scenarios/lec/rules/toom.yaml)";
        } else {
            sc.reference = lec::toric4d_toom();
            sc.reference_file = "toric4d_toom (built in: the 4D Toom rule)";
        }
    }
    sc.points.push_back({t.noise.p, t.L});
    if (const YAML::Node points = eval["points"]) {
        if (!points.IsSequence()) fail(sc.source, points, "evaluation.points", "expected a list of {p, size}");
        for (std::size_t i = 0; i < points.size(); ++i) {
            const std::string key = "evaluation.points[" + std::to_string(i) + "]";
            if (!points[i].IsMap()) fail(sc.source, points[i], key, "expected {p: ..., size: ...}");
            expect_keys(sc.source, points[i], key, {"p", "size"});
            EvalPoint pt;
            pt.p = r.real(points[i], "p", key + ".p", t.noise.p, 0, 1);
            pt.L = std::uint32_t(r.integer(points[i], "size", key + ".size", t.L, 2, ising ? 256 : 16));
            if (ising && pt.L < std::uint32_t(2 * s.radius + 1))
                fail(sc.source, points[i], key + ".size",
                     "must be at least 2 space.radius + 1 = " + std::to_string(2 * s.radius + 1));
            sc.points.push_back(pt);
        }
    }
    try {
        make_space(sc);
        round_layers(sc.reference, t.L);
    } catch (const std::exception& e) {
        fail(sc.source, root["space"] ? root["space"] : root, "space", e.what());
    }
    return sc;
}

std::unique_ptr<Space> make_space(const SearchScenario& sc) {
    if (sc.lattice == "toric4d") return std::make_unique<Toric4dSpace>(sc.space4d);
    return std::make_unique<RuleSpace>(sc.space);
}

Comparison compare(const Score& rule, const Score& reference, double confidence) {
    Comparison c;
    const double z = std::sqrt(chi2_1_quantile(confidence));
    auto sigma = [z](const Score& s) {
        return std::isfinite(s.log_upper) ? (s.log_upper - s.log_lower) / (2 * z) : std::nan("");
    };
    c.log_ratio = rule.log_tau - reference.log_tau;
    const double sd = std::hypot(sigma(rule), sigma(reference));
    c.lower = c.log_ratio - z * sd;
    c.upper = c.log_ratio + z * sd;
    c.verdict = std::isnan(sd) ? "censored" : c.lower > 0 ? "longer" : c.upper < 0 ? "shorter" : "within error";
    return c;
}

namespace {

struct CurveRowH5 {
    const char* agent;
    std::uint64_t iteration, evaluations, episodes;
    double mean_objective, best_in_iteration, best_so_far, entropy;
};
struct RuleRowH5 {
    const char* agent;
    std::uint64_t evaluation, iteration;
    const char* key;
    const char* rule;
    double gates;
    std::uint64_t layers;
    double tau, lower, upper, log_tau;
    std::uint64_t failures, censored;
    double objective, seconds;
};
struct ReevalRowH5 {
    const char* rule;
    const char* agent;
    double p;
    std::uint64_t size, shots, max_rounds;
    double tau, lower, upper, log_tau;
    std::uint64_t failures, censored, layers;
    double gates;
};
struct ComparisonRowH5 {
    const char* agent;
    double p;
    std::uint64_t size;
    double log_ratio, lower, upper;
    const char* verdict;
};

}  // namespace

void write_search_file(const std::filesystem::path& path, const SearchScenario& sc, const SearchOutcome& outcome,
                       const std::string& command_line, const std::vector<std::string>& overrides) {
    const std::filesystem::path partial = path.string() + ".partial." + std::to_string(::getpid());
    {
        h5::Handle file = h5::create_file(partial.string());
        const hid_t f = file.id();
        h5::write_attribute(f, "format", std::string("qdes-search"));
        h5::write_attribute(f, "format_version", std::uint64_t(1));
        h5::write_attribute(f, "code_version", std::string(code_version()));
        h5::write_attribute(f, "status", outcome.status);
        h5::write_attribute(f, "scenario_file", sc.source);
        h5::write_attribute(f, "command_line", command_line);
        h5::write_attribute(f, "seed", sc.seed);
        h5::write_attribute(f, "reference", sc.reference_file);
        h5::write_string_dataset(f, "scenario", sc.text);
        std::string ov;
        for (const auto& o : overrides) ov += o + "\n";
        h5::write_string_dataset(f, "overrides", ov);
        h5::write_attribute(f, "lattice", sc.lattice);
        h5::write_string_dataset(f, "reference_rule", format_rule(sc.reference));

        std::vector<CurveRowH5> curve;
        std::vector<RuleRowH5> rules;
        std::vector<std::string> texts;  // the strings the rule rows point into
        std::size_t n = 0;
        for (const AgentResult& a : outcome.agents) n += a.rules.size();
        texts.reserve(2 * n);
        for (const AgentResult& a : outcome.agents) {
            for (const CurveRow& c : a.curve)
                curve.push_back({a.agent.c_str(), c.iteration, c.evaluations, c.episodes, c.mean_objective,
                                 c.best_in_iteration, c.best_so_far, c.entropy});
            for (const EvaluatedRule& e : a.rules) {
                texts.push_back(e.key);
                const char* key = texts.back().c_str();
                texts.push_back(format_rule(e.rule));
                const char* rule = texts.back().c_str();
                const Score& s = e.score;
                rules.push_back({a.agent.c_str(), e.evaluation, e.iteration, key, rule, s.gates, s.layers,
                                 s.lifetime.tau, s.lifetime.lower, s.lifetime.upper, s.log_tau, s.lifetime.failures,
                                 s.lifetime.censored, s.objective, s.seconds});
            }
        }
        h5::write_table(f, "curve",
                        h5::CompoundType(sizeof(CurveRowH5))
                            .text("agent", offsetof(CurveRowH5, agent))
                            .u64("iteration", offsetof(CurveRowH5, iteration))
                            .u64("evaluations", offsetof(CurveRowH5, evaluations))
                            .u64("episodes", offsetof(CurveRowH5, episodes))
                            .f64("mean_objective", offsetof(CurveRowH5, mean_objective))
                            .f64("best_in_iteration", offsetof(CurveRowH5, best_in_iteration))
                            .f64("best_so_far", offsetof(CurveRowH5, best_so_far))
                            .f64("entropy", offsetof(CurveRowH5, entropy))
                            .take(),
                        curve,
                        "one row per agent and iteration: the objective (log tau less the gate penalty) of its "
                        "episodes, the best so far, and distinct rules scored so far");
        h5::write_table(f, "rules",
                        h5::CompoundType(sizeof(RuleRowH5))
                            .text("agent", offsetof(RuleRowH5, agent))
                            .u64("evaluation", offsetof(RuleRowH5, evaluation))
                            .u64("iteration", offsetof(RuleRowH5, iteration))
                            .text("key", offsetof(RuleRowH5, key))
                            .text("rule", offsetof(RuleRowH5, rule))
                            .f64("gates", offsetof(RuleRowH5, gates))
                            .u64("layers", offsetof(RuleRowH5, layers))
                            .f64("tau", offsetof(RuleRowH5, tau))
                            .f64("lower", offsetof(RuleRowH5, lower))
                            .f64("upper", offsetof(RuleRowH5, upper))
                            .f64("log_tau", offsetof(RuleRowH5, log_tau))
                            .u64("failures", offsetof(RuleRowH5, failures))
                            .u64("censored", offsetof(RuleRowH5, censored))
                            .f64("objective", offsetof(RuleRowH5, objective))
                            .f64("seconds", offsetof(RuleRowH5, seconds))
                            .take(),
                        rules,
                        "every distinct rule an agent scored at the training point (common random numbers), "
                        "with its lifetime in the objective's unit and its interval");
        std::vector<ReevalRowH5> reeval;
        for (const Reevaluation& r : outcome.reevaluations)
            reeval.push_back({r.rule.c_str(), r.agent.c_str(), r.point.p, r.point.L, sc.eval_shots, sc.eval_max_rounds,
                              r.score.lifetime.tau, r.score.lifetime.lower, r.score.lifetime.upper, r.score.log_tau,
                              r.score.lifetime.failures, r.score.lifetime.censored, r.score.layers, r.score.gates});
        h5::write_table(f, "reevaluation",
                        h5::CompoundType(sizeof(ReevalRowH5))
                            .text("rule", offsetof(ReevalRowH5, rule))
                            .text("agent", offsetof(ReevalRowH5, agent))
                            .f64("p", offsetof(ReevalRowH5, p))
                            .u64("size", offsetof(ReevalRowH5, size))
                            .u64("shots", offsetof(ReevalRowH5, shots))
                            .u64("max_rounds", offsetof(ReevalRowH5, max_rounds))
                            .f64("tau", offsetof(ReevalRowH5, tau))
                            .f64("lower", offsetof(ReevalRowH5, lower))
                            .f64("upper", offsetof(ReevalRowH5, upper))
                            .f64("log_tau", offsetof(ReevalRowH5, log_tau))
                            .u64("failures", offsetof(ReevalRowH5, failures))
                            .u64("censored", offsetof(ReevalRowH5, censored))
                            .u64("layers", offsetof(ReevalRowH5, layers))
                            .f64("gates", offsetof(ReevalRowH5, gates))
                            .take(),
                        reeval,
                        "each agent's best rule and the reference rule, evaluated again with fresh random "
                        "numbers at the training point (first) and the held-out points");
        std::vector<ComparisonRowH5> cmp;
        for (const Comparison& c : outcome.comparisons)
            cmp.push_back({c.agent.c_str(), c.point.p, c.point.L, c.log_ratio, c.lower, c.upper, c.verdict.c_str()});
        h5::write_table(f, "comparison",
                        h5::CompoundType(sizeof(ComparisonRowH5))
                            .text("agent", offsetof(ComparisonRowH5, agent))
                            .f64("p", offsetof(ComparisonRowH5, p))
                            .u64("size", offsetof(ComparisonRowH5, size))
                            .f64("log_ratio", offsetof(ComparisonRowH5, log_ratio))
                            .f64("lower", offsetof(ComparisonRowH5, lower))
                            .f64("upper", offsetof(ComparisonRowH5, upper))
                            .text("verdict", offsetof(ComparisonRowH5, verdict))
                            .take(),
                        cmp,
                        "log(tau_best / tau_reference) per agent and point, with its interval; verdict longer or "
                        "shorter when the interval excludes 0");
    }
    std::filesystem::rename(partial, path);
}

}  // namespace qdes::search
