#pragma once
/// Parameter sweeps: the `sweep:` block of a scenario, expanded into points, each a list of overrides.
///
///   sweep:
///     grid:                                  # every combination (the first key varies slowest)
///       components.memory.size: [4, 6, 8]
///       components.memory.p: [0.004, 0.008]
///     zip:                                   # lists of one length, advanced together (one more grid axis)
///       components.memory.max_rounds: [2000, 4000]
///       components.memory.shots: [4096, 8192]
///     repeat: 2                              # replicas with seeds seed, seed + 1, ...

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "sim/diagnostics.h"
#include "sim/json.h"
#include "sim/scenario.h"

namespace qdes {

struct SweepAxis {
    std::string key;                  ///< key path, as for --set
    std::vector<std::string> values;  ///< each as YAML text
};

struct SweepSpec {
    std::vector<SweepAxis> grid;
    std::vector<SweepAxis> zip;
    std::uint64_t repeat = 1;
    Json to_json() const;
};

struct SweepPoint {
    std::size_t index = 0;
    std::vector<std::pair<std::string, std::string>> values;  ///< key path -> value, in axis order
    std::uint64_t replica = 0;
    /// "key=value" overrides for the point (without name and seed, which the caller sets).
    std::vector<std::string> overrides() const;
    /// "components.memory.size=4, components.memory.p=0.004" (and "replica 1" when repeated), for messages.
    std::string label() const;
};

/// The scenario's sweep block, or nothing when it has none. Problems (file:line:column) go to `diagnostics`;
/// returns nothing then too, so check diagnostics.
std::optional<SweepSpec> parse_sweep(const ScenarioSource& source, Diagnostics& diagnostics);

/// Every point: grid x zip x replicas, replicas varying fastest.
std::vector<SweepPoint> expand_sweep(const SweepSpec& spec);

}  // namespace qdes
