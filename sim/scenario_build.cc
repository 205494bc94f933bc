#include "sim/scenario_build.h"

#include <algorithm>
#include <functional>
#include <map>

namespace qdes {

TraceSink* TraceSelection::open_table(const TraceSchema& schema) {
    offered_.push_back(schema.name);
    bool wanted = std::find(record_.trace.begin(), record_.trace.end(), schema.name) != record_.trace.end();
    if (!wanted) return nullptr;
    return target_ ? target_->open_table(schema) : &discard_;
}

namespace {

/// Finds "component.port"; reports what is wrong at the link.
PortBase* find_port(Simulation& sim, const std::string& path, const LinkSpec& link, const std::string& key,
                    Diagnostics& d) {
    auto dot = path.rfind('.');
    if (dot == std::string::npos || dot == 0 || dot + 1 == path.size()) {
        d.error(link.where, link.key_path + "." + key, "expected component.port, got \"" + path + "\"");
        return nullptr;
    }
    std::string component = path.substr(0, dot), port = path.substr(dot + 1);
    Component* c = sim.find(component);
    if (c == nullptr) {
        std::vector<std::string> names;
        for (const auto& comp : sim.components()) names.push_back(comp->name());
        d.error(link.where, link.key_path + "." + key,
                "no component named \"" + component + "\"" + did_you_mean(component, names));
        return nullptr;
    }
    PortBase* p = c->find_port(port);
    if (p == nullptr) {
        std::vector<std::string> names;
        std::string list;
        for (const PortBase* q : c->ports()) {
            names.push_back(q->name());
            list +=
                (list.empty() ? "" : ", ") + q->name() + (q->direction() == PortDirection::kIn ? " (in)" : " (out)");
        }
        d.error(link.where, link.key_path + "." + key,
                "component \"" + component + "\" has no port \"" + port + "\"" + did_you_mean(port, names) +
                    "; its ports: " + list);
        return nullptr;
    }
    return p;
}

}  // namespace

static std::filesystem::path scenario_folder(const std::string& file) {
    // The embedded default and --set-only scenarios have no file: their paths are relative to the working folder.
    if (file.empty() || file.front() == '<') return {};
    return std::filesystem::path(file).parent_path();
}

namespace {

/// The components in order of name, except that a component another one names in one of its kind's
/// component_params comes before it. A cycle is an error at the component that closes it, which is then left out
/// (its name goes to `unbuilt`).
std::vector<const ComponentSpec*> build_order(const Scenario& scenario, const ComponentRegistry& registry,
                                              Diagnostics& d, std::vector<std::string>& unbuilt) {
    std::map<std::string, const ComponentSpec*> by_name;
    for (const ComponentSpec& c : scenario.components) by_name[c.name] = &c;
    std::vector<const ComponentSpec*> order;
    std::map<std::string, int> state;  // 1: being placed, 2: placed
    std::function<void(const ComponentSpec&, const std::string&)> place = [&](const ComponentSpec& c,
                                                                              const std::string& via) {
        int& s = state[c.name];
        if (s == 2) return;
        if (s == 1) {
            d.error(c.where, "components." + c.name,
                    "components name each other in a cycle (" + via + "): no order builds them");
            unbuilt.push_back(c.name);
            return;
        }
        s = 1;
        if (const ComponentKind* kind = registry.find(c.kind)) {
            for (const std::string& param : kind->component_params) {
                if (!c.params.has(param)) continue;
                const auto other = by_name.find(c.params.string(param));
                if (other != by_name.end())
                    place(*other->second,
                          via + (via.empty() ? "" : ", ") + c.name + "." + param + " -> " + other->first);
            }
        }
        s = 2;
        order.push_back(&c);
    };
    for (const ComponentSpec& c : scenario.components) place(c, "");
    return order;
}

}  // namespace

std::optional<BuiltScenario> build_scenario(const Scenario& scenario, const ComponentRegistry& registry,
                                            TraceRecorder* recorder, Diagnostics& d, bool check_only) {
    const std::size_t errors_before = d.size();
    BuiltScenario built;
    built.selection = std::make_unique<TraceSelection>(scenario.record, recorder);
    built.simulation = std::make_unique<Simulation>(SimulationConfig{.seed = scenario.seed,
                                                                     .warmup_ps = scenario.warmup_ps,
                                                                     .recorder = built.selection.get(),
                                                                     .base_dir = scenario_folder(scenario.file),
                                                                     .check_only = check_only});
    Simulation& sim = *built.simulation;

    std::vector<std::string> failed;  // components that could not be built: their tables are not offered
    for (const ComponentSpec* spec : build_order(scenario, registry, d, failed)) {
        const ComponentSpec& c = *spec;
        if (std::find(failed.begin(), failed.end(), c.name) != failed.end()) continue;
        const ComponentKind* kind = registry.find(c.kind);
        try {
            kind->create(sim, c.name, c.params);
        } catch (const std::exception& e) {
            d.error(c.where, "components." + c.name, e.what());
            failed.push_back(c.name);
        }
    }
    // A link to a component that could not be built says nothing new: its error is reported already.
    auto owner_failed = [&](const std::string& path) {
        return std::find(failed.begin(), failed.end(), path.substr(0, path.rfind('.'))) != failed.end();
    };
    for (const LinkSpec& link : scenario.links) {
        if (owner_failed(link.from) || owner_failed(link.to)) continue;
        PortBase* from = find_port(sim, link.from, link, "from", d);
        PortBase* to = find_port(sim, link.to, link, "to", d);
        if (from == nullptr || to == nullptr) continue;
        try {
            sim.connect(*from, *to, link.latency_ps);
        } catch (const std::invalid_argument& e) {
            d.error(link.where, link.key_path, e.what());
        }
    }
    for (const PortBase* p : sim.unlinked_ports()) {
        const std::string& owner = p->owner().name();
        const bool skipped = std::any_of(scenario.links.begin(), scenario.links.end(), [&](const LinkSpec& l) {
            return (l.from == p->path() || l.to == p->path()) && (owner_failed(l.from) || owner_failed(l.to));
        });
        if (skipped) continue;  // its link leads to a component that failed
        auto spec = std::find_if(scenario.components.begin(), scenario.components.end(),
                                 [&](const ComponentSpec& c) { return c.name == owner; });
        d.error(spec->where, "components." + owner,
                "port " + p->path() + " (" + std::string(p->direction() == PortDirection::kIn ? "in" : "out") + ", " +
                    p->type_name() + ") is not linked: add a link " +
                    (p->direction() == PortDirection::kIn ? "to" : "from") + " it");
    }
    if (d.size() == errors_before) {
        for (const ComponentSpec& c : scenario.components) {
            try {
                sim.find(c.name)->check();
            } catch (const std::exception& e) {
                d.error(c.where, "components." + c.name, e.what());
            }
        }
    }
    for (std::size_t i = 0; i < scenario.record.trace.size(); ++i) {
        const std::string& name = scenario.record.trace[i];
        const std::string owner = name.substr(0, name.find('.'));
        if (std::find(failed.begin(), failed.end(), owner) != failed.end()) continue;  // already reported
        const auto& offered = built.selection->offered();
        if (std::find(offered.begin(), offered.end(), name) == offered.end()) {
            std::string list;
            for (const auto& o : offered) list += (list.empty() ? "" : ", ") + o;
            d.error(scenario.record.trace_where[i], "record.trace",
                    "no component offers a trace table \"" + name + "\"" + did_you_mean(name, offered) +
                        (list.empty() ? "; none is offered" : "; offered: " + list));
        }
    }

    if (scenario.record.checkpoint_interval_ps && d.size() == errors_before) {
        if (const std::string why = sim.checkpoint_refusal(); !why.empty())
            d.error(scenario.record.checkpoint_where, "record.checkpoint_interval", why);
    }

    StopCondition& stop = built.stop;
    if (scenario.stop.time_ps) stop.until_ps = *scenario.stop.time_ps;
    if (scenario.stop.events) stop.max_events = *scenario.stop.events;
    if (!scenario.stop.when_statistic.empty()) {
        const std::string& wanted = scenario.stop.when_statistic;
        const double target = scenario.stop.when_at_least;
        std::vector<std::string> names;
        const Statistic* found = nullptr;
        for (const StatisticEntry& e : sim.statistics()) {
            names.push_back(e.name);
            if (e.name == wanted) found = e.statistic;
        }
        if (found == nullptr) {
            d.error(scenario.stop.when_where, "stop.when.statistic",
                    "no statistic named \"" + wanted + "\"" + did_you_mean(wanted, names));
        } else if (const auto* counter = dynamic_cast<const Counter*>(found)) {
            stop.predicate = [counter, target] { return double(counter->count()) >= target; };
            stop.predicate_progress = [counter, target] {
                return target > 0 ? double(counter->count()) / target : 1.0;
            };
        } else if (const auto* tally = dynamic_cast<const Tally*>(found)) {
            stop.predicate = [tally, target] { return double(tally->count()) >= target; };
            stop.predicate_progress = [tally, target] { return target > 0 ? double(tally->count()) / target : 1.0; };
        } else {
            d.error(scenario.stop.when_where, "stop.when.statistic",
                    "\"" + wanted + "\" is a time average; a stop condition needs a counter or a tally");
        }
    }
    if (d.size() != errors_before) return std::nullopt;
    return built;
}

}  // namespace qdes
