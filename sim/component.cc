#include "sim/component.h"

#include <stdexcept>

#include "sim/simulation.h"

namespace qdes {
namespace {
bool valid_name(std::string_view name) {
    if (name.empty()) return false;
    for (char c : name) {
        bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
        if (!ok) return false;
    }
    return true;
}
}  // namespace

Component::Component(Simulation& sim, std::string name) : sim_(sim), name_(std::move(name)) {
    if (!valid_name(name_)) {
        throw std::invalid_argument("component name \"" + name_ +
                                    "\" must be non-empty and made of letters, digits, '_' and '-'");
    }
    id_ = sim.register_component(*this);
}

TimePs Component::now() const { return sim_.now(); }

PortBase* Component::find_port(std::string_view name) const {
    for (PortBase* p : ports_) {
        if (p->name() == name) return p;
    }
    return nullptr;
}

EventId Component::schedule_at(TimePs t, Action action, std::int32_t priority) {
    return sim_.push(sim_.next_key(id_, next_sequence_, t, priority), std::move(action));
}

EventId Component::schedule_after(TimePs delay_ps, Action action, std::int32_t priority) {
    if (delay_ps > kTimeNever - sim_.now()) throw SimulationError(name_ + ": event scheduled beyond the time range");
    return schedule_at(sim_.now() + delay_ps, std::move(action), priority);
}

bool Component::cancel(EventId id) { return sim_.cancel(id); }

RandomStream Component::random_stream(std::string_view purpose) const {
    return RandomStream(sim_.seed(), stream_id(name_, purpose));
}

void Component::add_statistic(std::string name, const Statistic& statistic, std::string unit, std::string doc) {
    statistics_.push_back({name_ + "." + name, std::move(unit), std::move(doc), &statistic});
}

TraceSink* Component::open_trace_sink(const TraceSchema& schema) {
    TraceSchema named = schema;
    named.name = name_ + "." + schema.name;
    return sim_.open_trace_sink(named);
}

}  // namespace qdes
