#include "apps/qdes/scenario_input.h"

#include <cstdio>

#include "apps/qdes/cli.h"
#include "sim/scenario_build.h"

namespace qdes::cli {

std::optional<Scenario> load_checked_scenario(const std::string& file, const std::vector<std::string>& overrides,
                                              const ComponentRegistry& registry) {
    Diagnostics d;
    std::optional<ScenarioSource> source;
    if (file.empty()) {
        source = ScenarioSource{kDefaultScenarioName, default_scenario_text()};
    } else {
        source = read_scenario_file(file, d);
    }
    std::optional<Scenario> scenario;
    if (source) scenario = load_scenario(*source, overrides, registry, d);
    if (scenario) build_scenario(*scenario, registry, nullptr, d);
    if (!d.empty()) {
        std::fputs(d.to_string().c_str(), stderr);
        std::fprintf(stderr, "%zu error%s; nothing was run\n", d.size(), d.size() == 1 ? "" : "s");
        return std::nullopt;
    }
    return scenario;
}

}  // namespace qdes::cli
