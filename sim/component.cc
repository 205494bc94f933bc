#include "sim/component.h"

#include <stdexcept>

#include "sim/simulation.h"

namespace qdes {
bool is_valid_name(std::string_view name) {
    if (name.empty()) return false;
    for (char c : name) {
        bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
        if (!ok) return false;
    }
    return true;
}

Component::Component(Simulation& sim, std::string name) : sim_(sim), name_(std::move(name)) {
    if (!is_valid_name(name_)) {
        throw std::invalid_argument("component name \"" + name_ +
                                    "\" must be non-empty and made of letters, digits, '_' and '-'");
    }
    id_ = sim.register_component(*this);
}

TimePs Component::now() const {
    return sim_.now();
}

PortBase* Component::find_port(std::string_view name) const {
    for (PortBase* p : ports_) {
        if (p->name() == name) return p;
    }
    return nullptr;
}

void Component::throw_beyond_time_range() const {
    throw SimulationError(name_ + ": event scheduled beyond the time range");
}

bool Component::cancel(EventId id) {
    return sim_.cancel(id);
}

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
