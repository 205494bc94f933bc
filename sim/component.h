#pragma once
/// Components: the things a simulation is made of. A component has a unique name, typed ports, statistics, trace
/// tables and random streams, and schedules its own events. It is created by `Simulation::add`.

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "sim/action.h"
#include "sim/event_queue.h"
#include "sim/port.h"
#include "sim/random.h"
#include "sim/statistics.h"
#include "sim/time.h"
#include "sim/trace.h"

namespace qdes {

class Simulation;
class StateWriter;
class StateReader;

/// True for a name made of letters, digits, '_' and '-' (component and run names; they name files and keys).
bool is_valid_name(std::string_view name);

using ComponentId = std::uint32_t;  ///< 1, 2, ... in order of creation; 0 is the kernel itself

/// A statistic as registered by its component.
struct StatisticEntry {
    std::string name;  ///< "<component>.<statistic>"
    std::string unit;
    std::string doc;
    const Statistic* statistic;
};

class Component {
  public:
    Component(Simulation& sim, std::string name);
    Component(const Component&) = delete;
    Component& operator=(const Component&) = delete;
    virtual ~Component() = default;

    const std::string& name() const { return name_; }
    ComponentId id() const { return id_; }
    Simulation& simulation() const { return sim_; }
    TimePs now() const;

    /// Called once when a scenario is built, after every link is made and before the run: throws (a
    /// std::exception) to reject a combination with the components it is linked to that its own parameters
    /// cannot show. The scenario reports the message against the component's entry.
    virtual void check() const {}
    /// Called once, in order of creation, after every component exists and every link is made, at time 0.
    virtual void start() {}
    /// Called once, in order of creation, after the run stops.
    virtual void finish() {}

    /// Checkpoints (sim/checkpoint.h). A component that can returns "" from checkpoint_refusal and saves, at a
    /// safe point it offers (Simulation::safe_point), all it needs to continue exactly as if never stopped;
    /// restore_state runs before start() on a resumed run, whose start() then continues from the restored state.
    /// Statistics registered with add_statistic are saved by the simulation; trace rows are not, so a component
    /// that appends rows during the run (not only in finish) refuses while such a table is recorded. A scenario
    /// asking for checkpoints is refused, with this reason, when any of its components refuses.
    virtual std::string checkpoint_refusal() const { return "its kind cannot save its state"; }
    virtual void save_state(StateWriter& /*w*/) const {}
    virtual void restore_state(StateReader& /*r*/) {}

    const std::vector<PortBase*>& ports() const { return ports_; }
    PortBase* find_port(std::string_view name) const;
    const std::vector<StatisticEntry>& statistics() const { return statistics_; }

    /// Schedules `action` (any void() callable, or an Action) at absolute time `t` (>= now) with this component as
    /// its source. Returns a handle for `cancel`.
    template <class F>
    EventId schedule_at(TimePs t, F&& action, std::int32_t priority = 0);
    /// Schedules `action` `delay_ps` after now.
    template <class F>
    EventId schedule_after(TimePs delay_ps, F&& action, std::int32_t priority = 0);
    bool cancel(EventId id);

  protected:
    /// A random stream private to this component and purpose, a function of the run seed alone.
    RandomStream random_stream(std::string_view purpose) const;

    /// Registers a statistic (a member of the component) under `name`, with its unit and a one-line meaning.
    void add_statistic(std::string name, const Statistic& statistic, std::string unit, std::string doc);

    /// Opens a trace table "<component>.<table>"; disabled unless the scenario records it.
    template <class Row>
    TraceTable<Row> open_trace(const TraceSchemaBuilder<Row>& schema) {
        return TraceTable<Row>(open_trace_sink(schema.build()));
    }

  private:
    friend class PortBase;
    friend class Simulation;
    void register_port(PortBase& port) { ports_.push_back(&port); }
    [[noreturn]] void throw_beyond_time_range() const;
    TraceSink* open_trace_sink(const TraceSchema& schema);

    Simulation& sim_;
    std::string name_;
    ComponentId id_;
    std::uint64_t next_sequence_ = 0;
    std::vector<PortBase*> ports_;
    std::vector<StatisticEntry> statistics_;
};

template <class T>
void OutPort<T>::send(const T& message) {
    if (link_ == nullptr) return;
    Link<T>* link = link_.get();
    using Delivery = typename InPort<T>::Delivery;
    if constexpr (std::is_trivially_copyable_v<T> && sizeof(Delivery) <= Action::kInlineBytes) {
        // Small messages travel inside the event itself, which calls the in-port's handler directly.
        InPort<T>& target = link->target();
        owner().schedule_after(link->latency_ps(),
                               RawAction<Delivery>{target.deliver_event(), Delivery{&target, message}});
    } else {
        link->push(message);
        owner().schedule_after(link->latency_ps(), [link] { link->deliver_front(); });
    }
}

}  // namespace qdes

// The inline definitions of Component's scheduling functions need the whole Simulation.
#include "sim/simulation.h"  // IWYU pragma: export
