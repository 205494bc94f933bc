#pragma once
/// Turning a validated Scenario into a ready-to-run Simulation: components created through the registry, links
/// made, the stop condition resolved. Errors that need the built components to be found (a link to a port that does
/// not exist, a port type mismatch, an unlinked port, a stop statistic or trace table nobody offers) are reported as
/// diagnostics at the place in the scenario that caused them.

#include <memory>

#include "sim/diagnostics.h"
#include "sim/registry.h"
#include "sim/scenario.h"
#include "sim/simulation.h"

namespace qdes {

/// Records the names of the trace tables components offer, and forwards the ones the scenario asks for.
class TraceSelection final : public TraceRecorder {
  public:
    TraceSelection(const RecordSpec& record, TraceRecorder* target) : record_(record), target_(target) {}
    TraceSink* open_table(const TraceSchema& schema) override;
    const std::vector<std::string>& offered() const { return offered_; }

  private:
    /// A recorded table's rows when there is no target (a check build): dropped, but the table reads as enabled.
    struct DiscardSink final : TraceSink {
        void append(const void*) override {}
    };
    DiscardSink discard_;
    const RecordSpec& record_;
    TraceRecorder* target_;
    std::vector<std::string> offered_;
};

struct BuiltScenario {
    std::unique_ptr<TraceSelection> selection;  ///< declared first: the simulation refers to it
    std::unique_ptr<Simulation> simulation;
    StopCondition stop;  ///< time, events and predicate; interrupt and progress are the caller's
};

/// Builds the simulation of `scenario`. `recorder` (may be null) receives the trace tables the scenario records.
/// Returns nothing, with diagnostics, when the scenario cannot be built. `check_only`: the build only checks the
/// scenario (SimulationConfig::check_only).
std::optional<BuiltScenario> build_scenario(const Scenario& scenario, const ComponentRegistry& registry,
                                            TraceRecorder* recorder, Diagnostics& diagnostics, bool check_only = false);

}  // namespace qdes
