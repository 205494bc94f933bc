#include "sim/scenario.h"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

#include "sim/component.h"

namespace qdes {

const ParamSchema& scenario_top_level_schema() {
    static const ParamSchema schema = [] {
        ParamSchema s;
        s.string("name", "name of the run; names the output file <name>.h5").with_default("");
        s.string("description", "free text stored with the results").with_default("");
        s.integer("seed", "run seed; every random stream derives from it").with_default("1").at_least(0);
        s.duration("warmup", "statistics are reset at this time to discard the start-up transient").with_default("0 s");
        return s;
    }();
    return schema;
}

const ParamSchema& scenario_stop_schema() {
    static const ParamSchema schema = [] {
        ParamSchema s;
        s.duration("time", "stop after this much simulated time").optional_without_default();
        s.integer("events", "stop after this many events").optional_without_default().at_least(0);
        return s;
    }();
    return schema;
}

const ParamSchema& scenario_record_schema() {
    static const ParamSchema schema = [] {
        ParamSchema s;
        s.string_list("trace", "trace tables to record, as component.table").with_default("[]");
        s.bytes("trace_bytes_max", "cap on trace data; recording stops cleanly (status truncated) beyond it")
            .with_default("1 GiB");
        s.integer("chunk_rows", "rows per HDF5 chunk of a trace table")
            .with_default("4096")
            .at_least(1)
            .at_most(1 << 24);
        s.duration("checkpoint_interval",
                   "wall-clock time between checkpoints of a long run (<run>.h5.checkpoint), from which qdes run "
                   "resumes after a kill; 0 s: at every batch. Absent: no checkpoints")
            .optional_without_default();
        return s;
    }();
    return schema;
}

namespace {

const std::vector<std::string> kTopLevelKeys = {"name", "description", "seed",  "warmup", "stop",
                                                "record", "components", "links", "sweep"};
const std::vector<std::string> kLinkKeys = {"from", "to", "latency"};

/// Applies overrides and records where each overridden key path came from.
class Origins {
  public:
    void add(const std::string& path, const std::string& origin) { by_path_[path] = origin; }
    /// The override that set `path` or one of its parents, if any.
    const std::string* find(const std::string& path) const {
        for (const auto& [p, origin] : by_path_) {
            if (path == p || (path.size() > p.size() && path.compare(0, p.size(), p) == 0 &&
                              (path[p.size()] == '.' || path[p.size()] == '['))) {
                return &origin;
            }
        }
        return nullptr;
    }

  private:
    std::map<std::string, std::string> by_path_;
};

class Validator {
  public:
    Validator(std::string file, const Origins& origins, Diagnostics& d)
        : file_(std::move(file)), origins_(origins), d_(d) {}

    SourceLocation at(const YAML::Node& node, const std::string& path) const {
        if (const std::string* o = origins_.find(path)) return SourceLocation{*o, 0, 0};
        YAML::Mark m = node.Mark();
        if (m.is_null()) return SourceLocation{file_, 0, 0};
        return SourceLocation{file_, m.line + 1, m.column + 1};
    }
    void error(const YAML::Node& node, const std::string& path, std::string message) {
        d_.error(at(node, path), path, std::move(message));
    }
    const char* kind_name(const YAML::Node& n) const {
        switch (n.Type()) {
            case YAML::NodeType::Map:
                return "a map";
            case YAML::NodeType::Sequence:
                return "a list";
            case YAML::NodeType::Scalar:
                return "a single value";
            case YAML::NodeType::Null:
                return "nothing";
            default:
                return "an undefined value";
        }
    }
    bool expect_map(const YAML::Node& n, const std::string& path, const std::string& what) {
        if (n.IsMap()) return true;
        error(n, path, "expected " + what + " (a map of key: value), got " + kind_name(n));
        return false;
    }

    /// Validates a map against a schema of scalar parameters; keys in `extra` are allowed and skipped.
    ParamValues params(const YAML::Node& map, const std::string& path, const ParamSchema& schema,
                       const std::vector<std::string>& extra, const std::string& owner) {
        ParamValues values;
        std::set<std::string> seen;
        std::vector<std::string> allowed = schema.names();
        allowed.insert(allowed.end(), extra.begin(), extra.end());
        for (const auto& kv : map) {
            std::string key = kv.first.Scalar();
            std::string key_path = join(path, key);
            if (!seen.insert(key).second) {
                error(kv.first, key_path, "duplicate key");
                continue;
            }
            if (std::find(extra.begin(), extra.end(), key) != extra.end()) continue;
            const ParamSpec* spec = schema.find(key);
            if (spec == nullptr) {
                error(kv.first, key_path, "unknown key for " + owner + did_you_mean(key, allowed));
                continue;
            }
            auto value = param(kv.second, key_path, *spec);
            if (value) values.set(key, std::move(*value));
        }
        for (const ParamSpec& spec : schema.specs()) {
            if (seen.count(spec.name)) continue;
            if (spec.required()) {
                error(map, join(path, spec.name),
                      "missing required parameter of " + owner + " (" + param_type_name(spec.type) +
                          (spec.example.empty() ? "" : ", e.g. " + spec.example) + ": " + spec.doc + ")");
            } else if (spec.default_text) {
                values.set(spec.name, default_value(spec));
            }
        }
        return values;
    }

    std::optional<ParamValue> param(const YAML::Node& node, const std::string& path, const ParamSpec& spec) {
        try {
            if (spec.type == ParamType::kStringList) {
                if (!node.IsSequence()) {
                    error(node, path, std::string("expected a list of strings, got ") + kind_name(node));
                    return std::nullopt;
                }
                std::vector<std::string> items;
                for (const auto& item : node) {
                    if (!item.IsScalar()) {
                        error(item, path, std::string("expected a string in the list, got ") + kind_name(item));
                        return std::nullopt;
                    }
                    items.push_back(item.Scalar());
                }
                return parse_param_list(spec, items);
            }
            if (!node.IsScalar()) {
                std::string type = param_type_name(spec.type);
                bool vowel = std::string("aeiou").find(type[0]) != std::string::npos;
                error(node, path,
                      std::string(vowel ? "expected an " : "expected a ") + type + ", got " + kind_name(node));
                return std::nullopt;
            }
            return parse_param(spec, node.Scalar());
        } catch (const std::runtime_error& e) {  // ParamError, UnitError
            error(node, path, e.what());
            return std::nullopt;
        }
    }

    static std::string join(const std::string& path, const std::string& key) {
        return path.empty() ? key : path + "." + key;
    }

  private:
    std::string file_;
    const Origins& origins_;
    Diagnostics& d_;
};

/// Splits "a.b.c=value"; returns false when there is no '=' or the path is empty.
bool split_override(const std::string& text, std::vector<std::string>& keys, std::string& value) {
    auto eq = text.find('=');
    if (eq == std::string::npos || eq == 0) return false;
    value = text.substr(eq + 1);
    std::string path = text.substr(0, eq);
    keys.clear();
    std::stringstream ss(path);
    std::string part;
    while (std::getline(ss, part, '.')) {
        if (part.empty()) return false;
        keys.push_back(part);
    }
    return !keys.empty();
}

void apply_overrides(YAML::Node& root, const std::vector<std::string>& overrides, Origins& origins, Diagnostics& d) {
    for (const std::string& text : overrides) {
        std::string origin = "--set " + text;
        std::vector<std::string> keys;
        std::string value;
        if (!split_override(text, keys, value)) {
            d.error({origin}, "", "expected --set key.path=value, e.g. --set components.queue.capacity=10");
            continue;
        }
        YAML::Node parsed;
        try {
            parsed = YAML::Load(value);
        } catch (const YAML::Exception& e) {
            d.error({origin}, "", "value is not valid YAML: " + e.msg);
            continue;
        }
        // Walk with fresh handles (yaml-cpp nodes are references; reassigning one would overwrite its target).
        std::vector<YAML::Node> chain{root};
        std::string path;
        bool ok = true;
        for (std::size_t i = 0; i + 1 < keys.size(); ++i) {
            path = Validator::join(path, keys[i]);
            YAML::Node next = chain.back()[keys[i]];
            if (next.IsDefined() && !next.IsNull() && !next.IsMap()) {
                d.error({origin}, path, "cannot set a key inside it: it is not a map");
                ok = false;
                break;
            }
            chain.push_back(next);
        }
        if (!ok) continue;
        chain.back()[keys.back()] = parsed;
        origins.add(Validator::join(path, keys.back()), origin);
    }
}

std::string stem_of(const std::string& display_name) {
    std::filesystem::path p(display_name);
    std::string stem = p.stem().string();
    return stem.empty() ? "run" : stem;
}

}  // namespace

std::optional<ScenarioSource> read_scenario_file(const std::filesystem::path& path, Diagnostics& diagnostics) {
    std::error_code ec;
    if (!std::filesystem::exists(path, ec)) {
        diagnostics.error({path.string()}, "", "no such scenario file");
        return std::nullopt;
    }
    if (std::filesystem::is_directory(path, ec)) {
        diagnostics.error({path.string()}, "", "is a directory, not a scenario file");
        return std::nullopt;
    }
    std::ifstream in(path, std::ios::binary);
    if (!in) {
        diagnostics.error({path.string()}, "", "cannot be read (permission denied?)");
        return std::nullopt;
    }
    std::ostringstream text;
    text << in.rdbuf();
    return ScenarioSource{path.string(), text.str()};
}

std::optional<Scenario> load_scenario(const ScenarioSource& source, const std::vector<std::string>& overrides,
                                      const ComponentRegistry& registry, Diagnostics& d) {
    const std::size_t errors_before = d.size();
    YAML::Node root;
    try {
        root = YAML::Load(source.text);
    } catch (const YAML::ParserException& e) {
        d.error({source.display_name, e.mark.line + 1, e.mark.column + 1}, "", "YAML syntax error: " + e.msg);
        return std::nullopt;
    }
    Origins origins;
    if (root.IsNull()) root = YAML::Node(YAML::NodeType::Map);
    Validator v(source.display_name, origins, d);
    if (!root.IsMap()) {
        v.error(root, "", std::string("a scenario must be a map of top-level keys, got ") + v.kind_name(root));
        return std::nullopt;
    }
    apply_overrides(root, overrides, origins, d);

    Scenario s;
    s.file = source.display_name;
    ParamValues top =
        v.params(root, "", scenario_top_level_schema(), {"stop", "record", "components", "links", "sweep"},
                 "a scenario");  // sweep: read by parse_sweep (sim/sweep.h) for `qdes sweep`
    if (top.has("name")) s.name = top.string("name");
    if (s.name.empty()) s.name = stem_of(source.display_name);
    if (top.has("name") && !is_valid_name(s.name)) {
        v.error(root["name"], "name", "a run name must be made of letters, digits, '_' and '-' (it names a file)");
    }
    if (top.has("description")) s.description = top.string("description");
    if (top.has("seed")) s.seed = std::uint64_t(top.integer("seed"));
    if (top.has("warmup")) s.warmup_ps = top.duration_ps("warmup");

    // stop: time, events, when {statistic, at_least}
    if (YAML::Node stop = root["stop"]; stop.IsDefined() && !stop.IsNull()) {
        if (v.expect_map(stop, "stop", "the stop condition")) {
            ParamValues sv = v.params(stop, "stop", scenario_stop_schema(), {"when"}, "stop");
            if (sv.has("time")) s.stop.time_ps = sv.duration_ps("time");
            if (sv.has("events")) s.stop.events = std::uint64_t(sv.integer("events"));
            if (YAML::Node when = stop["when"]; when.IsDefined()) {
                ParamSchema ws;
                ws.string("statistic", "component.statistic of a counter or tally").with_example("sink.absorbed");
                ws.real("at_least", "stop when the statistic's count reaches this").with_example("100000").at_least(0);
                if (v.expect_map(when, "stop.when", "a condition")) {
                    ParamValues wv = v.params(when, "stop.when", ws, {}, "stop.when");
                    if (wv.has("statistic") && wv.has("at_least")) {
                        s.stop.when_statistic = wv.string("statistic");
                        s.stop.when_at_least = wv.real("at_least");
                        s.stop.when_where = v.at(when["statistic"], "stop.when.statistic");
                    }
                }
            }
        }
    }

    // record: trace, trace_bytes_max, chunk_rows
    {
        YAML::Node record = root["record"];
        YAML::Node empty_map(YAML::NodeType::Map);
        bool present = record.IsDefined() && !record.IsNull();
        if (!present || v.expect_map(record, "record", "what to record")) {
            const YAML::Node& map = present ? record : empty_map;
            ParamValues rv = v.params(map, "record", scenario_record_schema(), {}, "record");
            if (rv.has("trace")) {
                s.record.trace = rv.string_list("trace");
                for (std::size_t i = 0; i < s.record.trace.size(); ++i) {
                    s.record.trace_where.push_back(v.at(map["trace"][i], "record.trace"));
                }
            }
            if (rv.has("trace_bytes_max")) s.record.trace_bytes_max = rv.bytes("trace_bytes_max");
            if (rv.has("chunk_rows")) s.record.chunk_rows = std::uint64_t(rv.integer("chunk_rows"));
            if (rv.has("checkpoint_interval")) {
                s.record.checkpoint_interval_ps = rv.duration_ps("checkpoint_interval");
                s.record.checkpoint_where = v.at(map["checkpoint_interval"], "record.checkpoint_interval");
            }
        }
    }

    // components: name -> {kind, params...}
    YAML::Node components = root["components"];
    if (!components.IsDefined() || components.IsNull()) {
        v.error(root, "components", "missing: a scenario needs at least one component");
    } else if (v.expect_map(components, "components", "the components")) {
        std::set<std::string> seen;
        for (const auto& kv : components) {
            std::string name = kv.first.Scalar();
            std::string path = "components." + name;
            if (!seen.insert(name).second) {
                v.error(kv.first, path, "duplicate component name");
                continue;
            }
            if (!is_valid_name(name)) {
                v.error(kv.first, path, "a component name must be made of letters, digits, '_' and '-'");
                continue;
            }
            const YAML::Node& body = kv.second;
            if (!v.expect_map(body, path, "a component (kind: ... and its parameters)")) continue;
            YAML::Node kind_node = body["kind"];
            if (!kind_node.IsDefined() || !kind_node.IsScalar()) {
                v.error(
                    body, path + ".kind", "missing: every component names its kind (known kinds: " + [&] {
                        std::string l;
                        for (const auto& n : registry.names()) l += (l.empty() ? "" : ", ") + n;
                        return l;
                    }() + ")");
                continue;
            }
            std::string kind_name = kind_node.Scalar();
            const ComponentKind* kind = registry.find(kind_name);
            if (kind == nullptr) {
                v.error(kind_node, path + ".kind",
                        "unknown component kind \"" + kind_name + "\"" + did_you_mean(kind_name, registry.names()) +
                            "; `qdes list-params` lists the kinds");
                continue;
            }
            ComponentSpec c;
            c.name = name;
            c.kind = kind_name;
            c.where = v.at(kv.first, path);
            c.params = v.params(body, path, kind->params, {"kind"}, "a " + kind_name);
            s.components.push_back(std::move(c));
        }
    }

    if (components.IsMap() && components.size() == 0) {
        v.error(components, "components", "empty: a scenario needs at least one component");
    }
    // Components are created in order of name, so that a scenario and its canonical JSON (whose keys are sorted)
    // number them, and so order their same-time events, identically.
    std::sort(s.components.begin(), s.components.end(),
              [](const ComponentSpec& a, const ComponentSpec& b) { return a.name < b.name; });

    // links: [{from: a.out, to: b.in, latency: "1 ns"}]
    YAML::Node links = root["links"];
    if (links.IsDefined() && !links.IsNull()) {
        if (!links.IsSequence()) {
            v.error(links, "links", std::string("expected a list of links, got ") + v.kind_name(links));
        } else {
            ParamSchema ls;
            ls.string("from", "out-port, as component.port").with_example("arrivals.out");
            ls.string("to", "in-port, as component.port").with_example("queue.in");
            ls.duration("latency", "delivery delay").with_default("0 s");
            for (std::size_t i = 0; i < links.size(); ++i) {
                std::string path = "links[" + std::to_string(i) + "]";
                const YAML::Node& l = links[i];
                if (!v.expect_map(l, path, "a link (from, to, latency)")) continue;
                ParamValues lv = v.params(l, path, ls, {}, "a link");
                if (!lv.has("from") || !lv.has("to") || !lv.has("latency")) continue;
                LinkSpec link{lv.string("from"), lv.string("to"), lv.duration_ps("latency"), v.at(l, path), path};
                s.links.push_back(std::move(link));
            }
        }
    }
    if (d.size() != errors_before) return std::nullopt;
    return s;
}

Json Scenario::to_json() const {
    Json j = Json::object();
    j["name"] = name;
    j["description"] = description;
    j["seed"] = seed;
    j["warmup"] = format_duration(warmup_ps);
    Json stop_json = Json::object();
    if (stop.time_ps) stop_json["time"] = format_duration(*stop.time_ps);
    if (stop.events) stop_json["events"] = *stop.events;
    if (!stop.when_statistic.empty()) {
        stop_json["when"]["statistic"] = stop.when_statistic;
        stop_json["when"]["at_least"] = stop.when_at_least;
    }
    j["stop"] = stop_json;
    Json rec = Json::object();
    Json trace_list = Json::array();
    for (const auto& t : record.trace) trace_list.push_back(t);
    rec["trace"] = trace_list;
    rec["trace_bytes_max"] = std::to_string(record.trace_bytes_max) + " B";
    rec["chunk_rows"] = record.chunk_rows;
    if (record.checkpoint_interval_ps) rec["checkpoint_interval"] = format_duration(*record.checkpoint_interval_ps);
    j["record"] = rec;
    Json comps = Json::object();
    for (const ComponentSpec& c : components) {
        Json cj = c.params.to_json();
        cj["kind"] = c.kind;
        comps[c.name] = cj;
    }
    j["components"] = comps;
    Json links_json = Json::array();
    for (const LinkSpec& l : links) {
        Json lj = Json::object();
        lj["from"] = l.from;
        lj["to"] = l.to;
        lj["latency"] = format_duration(l.latency_ps);
        links_json.push_back(lj);
    }
    j["links"] = links_json;
    return j;
}

}  // namespace qdes
