#pragma once
/// Reading, validating and test-building a scenario for `qdes run` and `qdes validate`.

#include <optional>
#include <string>
#include <vector>

#include "sim/diagnostics.h"
#include "sim/registry.h"
#include "sim/scenario.h"

namespace qdes::cli {

/// Loads FILE (or the embedded default when `file` is empty), applies overrides, validates it and builds it once
/// without output to find every error that needs the components. Diagnostics are printed to stderr on failure.
std::optional<Scenario> load_checked_scenario(const std::string& file, const std::vector<std::string>& overrides,
                                              const ComponentRegistry& registry);

}  // namespace qdes::cli
