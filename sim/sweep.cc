#include "sim/sweep.h"

#include <yaml-cpp/yaml.h>

namespace qdes {

namespace {

std::string scalar_text(const YAML::Node& n) {
    if (n.IsScalar()) return n.Scalar();
    YAML::Emitter e;
    e << YAML::Flow << n;
    return e.c_str();
}

SourceLocation where(const std::string& file, const YAML::Node& n) {
    return {file, n.Mark().line + 1, n.Mark().column + 1};
}

}  // namespace

Json SweepSpec::to_json() const {
    Json j = Json::object();
    auto axes = [](const std::vector<SweepAxis>& list) {
        Json a = Json::object();
        for (const SweepAxis& ax : list) {
            Json v = Json::array();
            for (const std::string& s : ax.values) v.push_back(Json(s));
            a[ax.key] = v;
        }
        return a;
    };
    j["grid"] = axes(grid);
    j["zip"] = axes(zip);
    j["repeat"] = Json(std::uint64_t(repeat));
    return j;
}

std::vector<std::string> SweepPoint::overrides() const {
    std::vector<std::string> out;
    for (const auto& [k, v] : values) out.push_back(k + "=" + v);
    return out;
}

std::string SweepPoint::label() const {
    std::string s;
    for (const auto& [k, v] : values) s += (s.empty() ? "" : ", ") + k + "=" + v;
    if (replica) s += (s.empty() ? "" : ", ") + std::string("replica ") + std::to_string(replica);
    return s.empty() ? "(the base scenario)" : s;
}

std::optional<SweepSpec> parse_sweep(const ScenarioSource& source, Diagnostics& d) {
    YAML::Node root;
    try {
        root = YAML::Load(source.text);
    } catch (const YAML::Exception& e) {
        d.error({source.display_name, e.mark.line + 1, e.mark.column + 1}, "", "YAML syntax error: " + e.msg);
        return std::nullopt;
    }
    if (!root.IsMap()) return std::nullopt;
    YAML::Node sweep = root["sweep"];
    if (!sweep.IsDefined() || sweep.IsNull()) return std::nullopt;
    const std::string& file = source.display_name;
    const std::size_t before = d.size();
    if (!sweep.IsMap()) {
        d.error(where(file, sweep), "sweep", "expected a map with grid, zip and repeat");
        return std::nullopt;
    }
    SweepSpec spec;
    for (const auto& kv : sweep) {
        const std::string key = kv.first.as<std::string>();
        if (key != "grid" && key != "zip" && key != "repeat")
            d.error(where(file, kv.first), "sweep." + key,
                    "unknown key" + did_you_mean(key, {"grid", "zip", "repeat"}) + "; a sweep has grid, zip, repeat");
    }
    auto axes = [&](const char* name, std::vector<SweepAxis>& out) {
        YAML::Node n = sweep[name];
        if (!n.IsDefined() || n.IsNull()) return;
        if (!n.IsMap()) {
            d.error(where(file, n), std::string("sweep.") + name, "expected a map of key.path: [values...]");
            return;
        }
        for (const auto& kv : n) {
            SweepAxis ax;
            ax.key = kv.first.as<std::string>();
            const std::string path = std::string("sweep.") + name + "." + ax.key;
            if (ax.key.empty() || ax.key.front() == '.' || ax.key.back() == '.' ||
                ax.key.find("..") != std::string::npos)
                d.error(where(file, kv.first), path, "expected a key path such as components.memory.p");
            if (ax.key == "name" || ax.key == "seed")
                d.error(where(file, kv.first), path,
                        "the sweep names its points and sets seeds itself (use repeat for replicas)");
            if (!kv.second.IsSequence() || kv.second.size() == 0) {
                d.error(where(file, kv.second), path, "expected a non-empty list of values");
                continue;
            }
            for (const auto& v : kv.second) ax.values.push_back(scalar_text(v));
            out.push_back(std::move(ax));
        }
    };
    axes("grid", spec.grid);
    axes("zip", spec.zip);
    for (std::size_t i = 1; i < spec.zip.size(); ++i)
        if (spec.zip[i].values.size() != spec.zip[0].values.size())
            d.error(where(file, sweep["zip"][spec.zip[i].key]), "sweep.zip." + spec.zip[i].key,
                    "has " + std::to_string(spec.zip[i].values.size()) + " values but " + spec.zip[0].key + " has " +
                        std::to_string(spec.zip[0].values.size()) + "; zipped lists must have one length");
    for (const auto* list : {&spec.grid, &spec.zip})
        for (const SweepAxis& a : *list)
            for (const auto* other : {&spec.grid, &spec.zip})
                for (const SweepAxis& b : *other)
                    if (&a != &b && a.key == b.key) {
                        d.error(where(file, sweep), "sweep", "key " + a.key + " is swept twice");
                        goto checked_duplicates;
                    }
checked_duplicates:
    if (YAML::Node r = sweep["repeat"]; r.IsDefined() && !r.IsNull()) {
        try {
            long long v = r.as<long long>();
            if (v < 1 || v > 1000000) throw YAML::Exception(r.Mark(), "");
            spec.repeat = std::uint64_t(v);
        } catch (const YAML::Exception&) {
            d.error(where(file, r), "sweep.repeat", "expected a whole number from 1 to 1000000");
        }
    }
    if (spec.grid.empty() && spec.zip.empty() && spec.repeat == 1)
        d.error(where(file, sweep), "sweep", "sweeps nothing: give grid, zip or repeat > 1");
    if (d.size() != before) return std::nullopt;
    return spec;
}

std::vector<SweepPoint> expand_sweep(const SweepSpec& spec) {
    std::vector<std::size_t> sizes;
    for (const SweepAxis& a : spec.grid) sizes.push_back(a.values.size());
    const std::size_t zip_n = spec.zip.empty() ? 1 : spec.zip[0].values.size();
    std::size_t combos = zip_n;
    for (std::size_t s : sizes) combos *= s;
    std::vector<SweepPoint> out;
    for (std::size_t c = 0; c < combos; ++c) {
        // Mixed-radix digits of c: grid axes first (slowest), then the zip position.
        std::size_t rest = c;
        const std::size_t zip_i = rest % zip_n;
        rest /= zip_n;
        std::vector<std::size_t> digits(sizes.size());
        for (std::size_t k = sizes.size(); k-- > 0;) {
            digits[k] = rest % sizes[k];
            rest /= sizes[k];
        }
        for (std::uint64_t r = 0; r < spec.repeat; ++r) {
            SweepPoint p;
            p.index = out.size();
            for (std::size_t k = 0; k < spec.grid.size(); ++k)
                p.values.emplace_back(spec.grid[k].key, spec.grid[k].values[digits[k]]);
            for (const SweepAxis& z : spec.zip) p.values.emplace_back(z.key, z.values[zip_i]);
            p.replica = r;
            out.push_back(std::move(p));
        }
    }
    return out;
}

}  // namespace qdes
