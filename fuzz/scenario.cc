// Scenario files (sim/scenario.h), through everything `qdes validate` does: YAML, the schema of every component
// kind in the registry, and a check-only build. The loader reports problems as diagnostics and never throws: any
// exception is a finding, as is a diagnostic without a place or a message. An accepted scenario's resolved JSON
// must load back to the same scenario.

#include "apps/qdes/cli.h"
#include "apps/qdes/scenario_input.h"
#include "fuzz/fuzz_support.h"
#include "sim/json.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    using namespace qdes;
    static const ComponentRegistry registry = cli::build_registry();
    const ScenarioSource source{"fuzz_scenario.yaml", fuzz::text_of(data, size)};
    try {
        Diagnostics d;
        const std::optional<Scenario> scenario = cli::load_checked_source(source, {}, registry, d);
        for (const Diagnostic& problem : d.list())
            fuzz::require(!problem.where.file.empty() && !problem.message.empty(),
                          "a diagnostic without a file or a message: " + problem.to_string());
        fuzz::require(scenario.has_value() == d.empty(), "a scenario both refused and accepted");
        if (!scenario) return 0;
        const std::string resolved = scenario->to_json().dump();
        Diagnostics again;
        const std::optional<Scenario> reloaded =
            load_scenario(ScenarioSource{"fuzz_resolved.json", resolved}, {}, registry, again);
        fuzz::require(reloaded.has_value(), "the resolved scenario does not load back: " + again.to_string());
        fuzz::require(reloaded->to_json().dump() == resolved, "the resolved scenario loads back differently");
    } catch (const std::exception& e) {
        fuzz::finding(std::string("the scenario loader threw (") + typeid(e).name() + "): " + e.what());
    }
    return 0;
}
