#pragma once
/// Scenario files: YAML that names a run's components, their parameters and links, the stop condition, the seed,
/// the warm-up and what to record. Loading validates strictly and completely: every problem (YAML syntax, unknown
/// key, wrong type, missing required parameter, out-of-range value, duration without a unit, unknown component
/// kind) becomes one diagnostic with `file:line:column` and the key path, all reported in one pass.
///
/// The schema of the file itself is in docs/scenario_format.md; `--set key.path=value` overrides are applied to the
/// document before validation and reported as "--set key.path=value" when wrong.

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "sim/diagnostics.h"
#include "sim/json.h"
#include "sim/params.h"
#include "sim/registry.h"
#include "sim/time.h"

namespace qdes {

struct ComponentSpec {
    std::string name;
    std::string kind;
    ParamValues params;
    SourceLocation where;
};

struct LinkSpec {
    std::string from;  ///< "component.port"
    std::string to;
    TimePs latency_ps = 0;
    SourceLocation where;
    std::string key_path;  ///< "links[3]"
};

struct StopSpec {
    std::optional<TimePs> time_ps;
    std::optional<std::uint64_t> events;
    std::string when_statistic;  ///< "component.statistic" of a counter or tally; empty when not set
    double when_at_least = 0;
    SourceLocation when_where;
};

struct RecordSpec {
    std::vector<std::string> trace;  ///< "component.table" names
    std::vector<SourceLocation> trace_where;
    std::uint64_t trace_bytes_max = 0;
    std::uint64_t chunk_rows = 0;
    std::optional<TimePs> checkpoint_interval_ps;  ///< wall clock, in picoseconds; unset: no checkpoints
    SourceLocation checkpoint_where;
};

struct Scenario {
    std::string file;  ///< as given by the user, for messages
    std::string name;
    std::string description;
    std::uint64_t seed = 1;
    TimePs warmup_ps = 0;
    StopSpec stop;
    RecordSpec record;
    std::vector<ComponentSpec> components;
    std::vector<LinkSpec> links;

    /// The resolved scenario (every default filled in, quantities in canonical units) as canonical JSON. Loading
    /// this JSON back gives the same Scenario.
    Json to_json() const;
};

/// The document of a scenario before validation.
struct ScenarioSource {
    std::string display_name;  ///< path shown in messages
    std::string text;
};

/// Reads a scenario file. A missing or unreadable file becomes a diagnostic.
std::optional<ScenarioSource> read_scenario_file(const std::filesystem::path& path, Diagnostics& diagnostics);

/// Parses and validates a scenario; `overrides` are "key.path=value" strings from `--set`. Returns nothing when
/// there is any diagnostic.
std::optional<Scenario> load_scenario(const ScenarioSource& source, const std::vector<std::string>& overrides,
                                      const ComponentRegistry& registry, Diagnostics& diagnostics);

/// The top-level scalar keys of a scenario, for `qdes list-params scenario` and the documentation.
const ParamSchema& scenario_top_level_schema();
const ParamSchema& scenario_stop_schema();
const ParamSchema& scenario_record_schema();

}  // namespace qdes
