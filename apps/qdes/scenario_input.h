#pragma once
/// Reading, validating and test-building a scenario for `qdes run` and `qdes validate`.

#include <optional>
#include <string>
#include <vector>

#include "sim/diagnostics.h"
#include "sim/registry.h"
#include "sim/scenario.h"

namespace qdes::cli {

/// The scenario `qdes run CIRCUIT.stim` runs: one quantum_memory component named "memory" sampling the circuit,
/// recording its detection events and observable flips. `--set memory.shots=N` and the like apply as usual.
ScenarioSource circuit_scenario(const std::string& circuit_file);

/// Loads FILE (a scenario, a `.stim` circuit, or the embedded default when `file` is empty), applies overrides, validates it and builds it once
/// without output to find every error that needs the components. Diagnostics are printed to stderr on failure.
std::optional<Scenario> load_checked_scenario(const std::string& file, const std::vector<std::string>& overrides,
                                              const ComponentRegistry& registry);
/// The same, collecting the problems in `d` instead of printing them.
std::optional<Scenario> load_checked_scenario(const std::string& file, const std::vector<std::string>& overrides,
                                              const ComponentRegistry& registry, Diagnostics& d);
/// The same for a scenario's text already in memory.
std::optional<Scenario> load_checked_source(const ScenarioSource& source, const std::vector<std::string>& overrides,
                                            const ComponentRegistry& registry, Diagnostics& d);
/// The problems as load_checked_scenario prints them: one per line, then "N errors; nothing was run".
std::string problems_text(const Diagnostics& d);

}  // namespace qdes::cli
