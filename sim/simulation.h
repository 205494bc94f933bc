#pragma once
/// `Simulation`: owns the clock, the event queue, the components, their links, the random streams and the recorder.
///
/// There is no global state: any number of simulations can be built, run and destroyed in one process, on as many
/// threads as wanted, and a simulation's results depend only on its seed and its construction.

#include <atomic>
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <limits>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "sim/checkpoint.h"
#include "sim/component.h"
#include "sim/event_queue.h"
#include "sim/port.h"
#include "sim/progress.h"
#include "sim/time.h"
#include "sim/trace.h"

namespace qdes {

/// Thrown by components for a failure of the simulated system or model (exit code 1), as opposed to bad input.
class SimulationError : public std::runtime_error {
  public:
    using std::runtime_error::runtime_error;
};

/// Opens trace tables for a run (implemented over HDF5 by sim/run_file.h). Returns nullptr for a table the scenario
/// does not record.
class TraceRecorder {
  public:
    virtual ~TraceRecorder() = default;
    virtual TraceSink* open_table(const TraceSchema& schema) = 0;
};

struct SimulationConfig {
    std::uint64_t seed = 1;
    /// Statistics are reset at this time, discarding the start-up transient.
    TimePs warmup_ps = 0;
    TraceRecorder* recorder = nullptr;  ///< not owned; may be null
    /// Relative file paths in component parameters are relative to this folder (the scenario file's); empty
    /// means the working directory.
    std::filesystem::path base_dir;
    /// The scenario is only being checked (`qdes validate`, and the check before a run): components may skip work
    /// that cannot fail in a new way, such as training a network, after checking its inputs.
    bool check_only = false;
};

/// When `run` returns. Any combination; the first reached wins.
struct StopCondition {
    TimePs until_ps = kTimeNever;  ///< run every event at or before this time, then set now to it
    std::uint64_t max_events = std::numeric_limits<std::uint64_t>::max();
    std::function<bool()> predicate;               ///< checked after every event
    std::function<double()> predicate_progress;    ///< fraction in [0,1] of the way to `predicate`, for progress
    const std::atomic<bool>* interrupt = nullptr;  ///< checked a few times a second; set by a signal handler
    ProgressReporter* progress = nullptr;
};

enum class StopReason { kQueueEmpty, kTimeLimit, kEventLimit, kCondition, kRequested, kInterrupted };
const char* stop_reason_name(StopReason r);

struct RunResult {
    StopReason reason;
    TimePs end_ps;
    std::uint64_t events;  ///< events executed by this call
    double wall_seconds;
    std::string message;  ///< the reason given to request_stop, if any
};

/// Where and how often a run saves checkpoints (a scenario's record.checkpoint_interval).
struct CheckpointSettings {
    std::filesystem::path path;
    double interval_s = 0;      ///< wall-clock seconds between checkpoints; 0: at every safe point
    std::string scenario_json;  ///< the resolved scenario, recorded so that a resume can check it
};

class Simulation {
  public:
    explicit Simulation(SimulationConfig config = {});
    Simulation(const Simulation&) = delete;
    Simulation& operator=(const Simulation&) = delete;
    ~Simulation();

    TimePs now() const { return now_; }
    std::uint64_t seed() const { return config_.seed; }
    bool check_only() const { return config_.check_only; }
    /// A parameter's file path, resolved against the scenario's folder when relative.
    std::filesystem::path resolve_path(const std::string& path) const {
        std::filesystem::path p(path);
        return p.is_relative() && !config_.base_dir.empty() ? config_.base_dir / p : p;
    }
    std::uint64_t events_executed() const { return events_executed_; }
    std::size_t pending_events() const { return queue_.size(); }

    /// Creates a component: `sim.add<Server>("server", args...)` calls `Server(sim, "server", args...)`.
    /// Names must be unique and made of letters, digits, '_' and '-'.
    template <class C, class... Args>
    C& add(std::string name, Args&&... args) {
        auto c = std::make_unique<C>(*this, std::move(name), std::forward<Args>(args)...);
        C& ref = *c;
        components_.push_back(std::move(c));
        return ref;
    }
    Component* find(std::string_view name) const;
    const std::vector<std::unique_ptr<Component>>& components() const { return components_; }

    /// Links two ports of the same message type. Throws std::invalid_argument (naming both ports) on a type or
    /// direction mismatch or when the out-port is already linked.
    template <class T>
    void connect(OutPort<T>& from, InPort<T>& to, TimePs latency_ps) {
        connect(static_cast<PortBase&>(from), static_cast<PortBase&>(to), latency_ps);
    }
    /// Required ports (not optional) that have no link, in order of component creation; run() refuses to start
    /// while there are any.
    std::vector<const PortBase*> unlinked_ports() const;

    /// Links ports found by name (from a scenario): the same checks, at run time.
    void connect(PortBase& from, PortBase& to, TimePs latency_ps);

    /// Schedules a kernel event (source 0).
    EventId schedule_at(TimePs t, Action action, std::int32_t priority = 0);
    bool cancel(EventId id) { return queue_.cancel(id); }
    bool is_pending(EventId id) const { return queue_.is_pending(id); }

    /// Starts the components if not yet started, then runs events until a stop condition holds.
    /// Exceptions thrown by an event propagate; the simulation is then left stopped at that event's time.
    RunResult run(const StopCondition& stop = {});
    /// Asks the running `run` to return after the current event.
    void request_stop(std::string message);

    /// Calls every component's finish() once (run() does not, so a run can be continued).
    void finish();

    /// Every registered statistic, in order of component creation and registration.
    std::vector<StatisticEntry> statistics() const;

    /// Checkpoints (sim/checkpoint.h). Why this run cannot be checkpointed: the first component that refuses, and
    /// its reason (Component::checkpoint_refusal); "" when it can.
    std::string checkpoint_refusal() const;
    /// Throws std::invalid_argument with checkpoint_refusal() when the run cannot be checkpointed.
    void enable_checkpoints(CheckpointSettings settings);
    /// Offered by a component between two of its batches, when its state and the interval since the last
    /// checkpoint allow one: saves a checkpoint once the interval has passed. Throws what writing the file throws.
    void safe_point();
    /// The state to save now.
    Checkpoint checkpoint() const;
    /// Before run(): continues from `c` (clock, event count, every statistic, every component's state). Throws
    /// CheckpointError when `c` does not match this simulation's components and statistics.
    void resume_from(const Checkpoint& c);
    bool resumed() const { return resumed_; }
    std::uint64_t checkpoints_written() const { return checkpoints_written_; }

    // Used by Component.
    EventKey next_key(ComponentId source, std::uint64_t& sequence, TimePs t, std::int32_t priority) const {
        if (t < now_) throw_past(t);
        return EventKey{t, priority, source, sequence++};
    }
    template <class F>
    EventId emplace(const EventKey& key, F&& f) {
        return queue_.emplace(key, std::forward<F>(f));
    }
    ComponentId register_component(Component& c);
    TraceSink* open_trace_sink(const TraceSchema& schema);

  private:
    [[noreturn]] void throw_past(TimePs t) const;
    void start_components();
    void reset_statistics();
    ProgressSample progress_sample(const StopCondition& stop, std::chrono::steady_clock::time_point began,
                                   std::uint64_t events_at_start) const;

    SimulationConfig config_;
    TimePs now_ = 0;
    EventQueue queue_;
    std::uint64_t kernel_sequence_ = 0;
    std::uint64_t events_executed_ = 0;
    std::vector<std::unique_ptr<Component>> components_;
    bool started_ = false;
    bool finished_ = false;
    bool stop_requested_ = false;
    std::string stop_message_;
    std::optional<CheckpointSettings> checkpoints_;
    std::chrono::steady_clock::time_point last_checkpoint_;
    std::uint64_t checkpoints_written_ = 0;
    bool resumed_ = false;
};

template <class F>
EventId Component::schedule_at(TimePs t, F&& action, std::int32_t priority) {
    return sim_.emplace(sim_.next_key(id_, next_sequence_, t, priority), std::forward<F>(action));
}

template <class F>
EventId Component::schedule_after(TimePs delay_ps, F&& action, std::int32_t priority) {
    if (delay_ps > kTimeNever - sim_.now()) throw_beyond_time_range();
    return schedule_at(sim_.now() + delay_ps, std::forward<F>(action), priority);
}

}  // namespace qdes
