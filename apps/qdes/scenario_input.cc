#include "apps/qdes/scenario_input.h"

#include <cctype>
#include <cstdio>
#include <filesystem>

#include "apps/qdes/cli.h"
#include "sim/scenario_build.h"

namespace qdes::cli {

ScenarioSource circuit_scenario(const std::string& circuit_file) {
    std::filesystem::path path(circuit_file);
    std::string name = path.stem().string();
    for (char& c : name)
        if (!std::isalnum(static_cast<unsigned char>(c)) && c != '_') c = '_';
    if (name.empty() || !std::isalpha(static_cast<unsigned char>(name[0]))) name = "circuit_" + name;
    std::string absolute = std::filesystem::absolute(path).string();
    std::string quoted;
    for (char c : absolute) {
        if (c == '"' || c == '\\') quoted += '\\';
        quoted += c;
    }
    std::string text = "name: " + name +
                       "\n"
                       "description: the circuit " + path.filename().string() +
                       " sampled by qdes's frame simulator\n"
                       "components:\n"
                       "  memory: {kind: quantum_memory, circuit: \"" + quoted +
                       "\"}\n"
                       "record:\n"
                       "  trace: [memory.detection_events, memory.observable_flips]\n";
    return ScenarioSource{circuit_file + " (run as a quantum_memory scenario)", text};
}

std::optional<Scenario> load_checked_scenario(const std::string& file, const std::vector<std::string>& overrides,
                                              const ComponentRegistry& registry, Diagnostics& d) {
    std::optional<ScenarioSource> source;
    if (file.empty()) {
        source = ScenarioSource{kDefaultScenarioName, default_scenario_text()};
    } else if (file.size() > 5 && file.compare(file.size() - 5, 5, ".stim") == 0) {
        source = circuit_scenario(file);
    } else {
        source = read_scenario_file(file, d);
    }
    if (!source) return std::nullopt;
    return load_checked_source(*source, overrides, registry, d);
}

std::optional<Scenario> load_checked_source(const ScenarioSource& source, const std::vector<std::string>& overrides,
                                            const ComponentRegistry& registry, Diagnostics& d) {
    std::optional<Scenario> scenario = load_scenario(source, overrides, registry, d);
    if (scenario) build_scenario(*scenario, registry, nullptr, d, /*check_only=*/true);
    if (!d.empty()) return std::nullopt;
    return scenario;
}

std::optional<Scenario> load_checked_scenario(const std::string& file, const std::vector<std::string>& overrides,
                                              const ComponentRegistry& registry) {
    Diagnostics d;
    std::optional<Scenario> scenario = load_checked_scenario(file, overrides, registry, d);
    if (!scenario) std::fputs(problems_text(d).c_str(), stderr);
    return scenario;
}

std::string problems_text(const Diagnostics& d) {
    return d.to_string() + std::to_string(d.size()) + (d.size() == 1 ? " error" : " errors") + "; nothing was run\n";
}

}  // namespace qdes::cli
