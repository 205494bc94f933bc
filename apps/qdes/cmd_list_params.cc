// qdes list-params [KIND]: the component kinds, or one kind's parameters, ports, statistics and trace tables.

#include <cstdio>
#include <string>

#include "apps/qdes/cli.h"
#include "sim/scenario.h"
#include "sim/scenario_build.h"

namespace qdes::cli {
namespace {

std::string range_text(const ParamSpec& p) {
    auto show = [&](double v) { return format_param_bound(p, v); };
    if (p.min && p.max) return show(*p.min) + " .. " + show(*p.max);
    if (p.min) return ">= " + show(*p.min);
    if (p.max) return "<= " + show(*p.max);
    if (!p.choices.empty()) {
        std::string s;
        for (const auto& c : p.choices) s += (s.empty() ? "" : " | ") + c;
        return s;
    }
    return "";
}

void print_schema(const ParamSchema& schema, const std::string& indent) {
    if (schema.specs().empty()) {
        std::printf("%s(no parameters)\n", indent.c_str());
        return;
    }
    std::printf("%s%-18s %-10s %-26s %-28s %s\n", indent.c_str(), "name", "type", "default", "range", "meaning");
    for (const ParamSpec& p : schema.specs()) {
        std::string def = p.required()      ? "required, e.g. " + p.example
                          : !p.default_text ? "none (off)"
                                            : *p.default_text;
        std::string type = param_type_name(p.type);
        if (!p.unit.empty()) type += " (" + p.unit + ")";
        std::printf("%s%-18s %-10s %-26s %-28s %s\n", indent.c_str(), p.name.c_str(), type.c_str(), def.c_str(),
                    range_text(p).c_str(), p.doc.c_str());
    }
}

void print_scenario_keys() {
    std::printf("scenario file keys (YAML):\n\n");
    print_schema(scenario_top_level_schema(), "  ");
    std::printf("\n  stop: (any combination; the first reached ends the run; none: run until no event is left)\n");
    print_schema(scenario_stop_schema(), "    ");
    std::printf("    %-18s %-10s %-26s %-28s %s\n", "when", "map", "-", "",
                "{statistic: component.statistic, at_least: N}: stop when a counter or tally reaches N");
    std::printf("\n  record:\n");
    print_schema(scenario_record_schema(), "    ");
    std::printf("\n  components: a map of name -> {kind: KIND, parameters of KIND...}\n");
    std::printf("  links:      a list of {from: component.out_port, to: component.in_port, latency: DURATION}\n");
}

void print_kind(const ComponentKind& kind) {
    std::printf("%s: %s\n\nparameters:\n", kind.name.c_str(), kind.doc.c_str());
    print_schema(kind.params, "  ");
    // Build one in a scratch simulation to list what it really has.
    RecordSpec record;
    TraceSelection selection(record, nullptr);
    Simulation sim(SimulationConfig{.recorder = &selection});
    Component* built = nullptr;
    try {
        built = &kind.create(sim, kind.name, example_params(kind));
    } catch (const std::exception& e) {
        std::printf("\n(cannot build an example to list ports, statistics and tables: %s)\n", e.what());
        return;
    }
    Component& c = *built;
    std::printf("\nports:\n");
    for (const PortBase* p : c.ports()) {
        std::printf("  %-18s %-4s %-10s %s%s\n", p->name().c_str(), p->direction() == PortDirection::kIn ? "in" : "out",
                    p->type_name().c_str(), p->doc().c_str(), p->optional() ? " (optional)" : "");
    }
    if (c.ports().empty()) std::printf("  (none)\n");
    std::printf("\nstatistics (reported in /stats and /summary of the run file):\n");
    for (const StatisticEntry& s : c.statistics()) {
        std::string name = s.name.substr(kind.name.size() + 1);
        std::printf("  %-18s %-10s %s\n", name.c_str(), s.unit.c_str(), s.doc.c_str());
    }
    if (c.statistics().empty()) std::printf("  (none)\n");
    std::printf("\ntrace tables (record them with record.trace: [NAME.table]):\n");
    for (const std::string& t : selection.offered()) std::printf("  %s\n", t.substr(kind.name.size() + 1).c_str());
    if (selection.offered().empty()) std::printf("  (none)\n");
}

}  // namespace

int list_params_main(const std::vector<std::string>& args) {
    ComponentRegistry registry = build_registry();
    if (!args.empty() && (args[0] == "--help" || args[0] == "-h")) {
        std::printf(
            "usage: qdes list-params [KIND | scenario]\n\nWithout an argument, lists the component kinds. "
            "With a kind, lists its parameters (type, default, range, meaning), ports, statistics and trace "
            "tables. `scenario` lists the keys of a scenario file.\n");
        return kExitOk;
    }
    if (args.size() > 1) {
        std::fprintf(stderr, "qdes list-params: expected at most one kind\n");
        return kExitBadInput;
    }
    if (args.empty()) {
        std::printf("component kinds (qdes list-params KIND for details):\n");
        for (const std::string& name : registry.names()) {
            std::printf("  %-16s %s\n", name.c_str(), registry.find(name)->doc.c_str());
        }
        std::printf("\nscenario file keys: qdes list-params scenario\n");
        return kExitOk;
    }
    if (args[0] == "scenario") {
        print_scenario_keys();
        return kExitOk;
    }
    const ComponentKind* kind = registry.find(args[0]);
    if (kind == nullptr) {
        std::fprintf(stderr, "qdes list-params: unknown component kind \"%s\"%s\n", args[0].c_str(),
                     did_you_mean(args[0], registry.names()).c_str());
        return kExitBadInput;
    }
    print_kind(*kind);
    return kExitOk;
}

}  // namespace qdes::cli
