#include "sim/simulation.h"

#include <algorithm>
#include <map>
#include <stdexcept>

#include "sim/version.h"

namespace qdes {

const char* stop_reason_name(StopReason r) {
    switch (r) {
        case StopReason::kQueueEmpty:
            return "queue_empty";
        case StopReason::kTimeLimit:
            return "time_limit";
        case StopReason::kEventLimit:
            return "event_limit";
        case StopReason::kCondition:
            return "condition";
        case StopReason::kRequested:
            return "requested";
        case StopReason::kInterrupted:
            return "interrupted";
    }
    return "?";
}

Simulation::Simulation(SimulationConfig config) : config_(config) {}

Simulation::~Simulation() {
    // Pending actions may refer to components; drop them first.
    queue_.clear();
}

ComponentId Simulation::register_component(Component& c) {
    if (find(c.name()) != nullptr) throw std::invalid_argument("duplicate component name \"" + c.name() + "\"");
    if (started_) throw std::logic_error("component \"" + c.name() + "\" added after the simulation started");
    return static_cast<ComponentId>(components_.size() + 1);
}

Component* Simulation::find(std::string_view name) const {
    for (const auto& c : components_) {
        if (c->name() == name) return c.get();
    }
    return nullptr;
}

void Simulation::connect(PortBase& from, PortBase& to, TimePs latency_ps) {
    if (from.direction() != PortDirection::kOut) {
        throw std::invalid_argument("cannot link from " + from.path() + ": it is an in-port");
    }
    if (to.direction() != PortDirection::kIn) {
        throw std::invalid_argument("cannot link to " + to.path() + ": it is an out-port");
    }
    if (from.type() != to.type()) {
        throw std::invalid_argument("cannot link " + from.path() + " (sends " + from.type_name() + ") to " + to.path() +
                                    " (accepts " + to.type_name() + ")");
    }
    if (from.connected()) throw std::invalid_argument("out-port " + from.path() + " is already linked");
    from.attach(to, latency_ps);
    ++from.links_;
    ++to.links_;
}

void Simulation::throw_past(TimePs t) const {
    throw SimulationError("event scheduled in the past (at " + std::to_string(t) + " ps, now " + std::to_string(now_) +
                          " ps)");
}

EventId Simulation::schedule_at(TimePs t, Action action, std::int32_t priority) {
    return queue_.push(next_key(0, kernel_sequence_, t, priority), std::move(action));
}

void Simulation::request_stop(std::string message) {
    stop_requested_ = true;
    stop_message_ = std::move(message);
}

TraceSink* Simulation::open_trace_sink(const TraceSchema& schema) {
    return config_.recorder ? config_.recorder->open_table(schema) : nullptr;
}

std::vector<StatisticEntry> Simulation::statistics() const {
    std::vector<StatisticEntry> all;
    for (const auto& c : components_) all.insert(all.end(), c->statistics().begin(), c->statistics().end());
    return all;
}

void Simulation::reset_statistics() {
    for (const auto& c : components_) {
        for (const StatisticEntry& s : c->statistics()) const_cast<Statistic*>(s.statistic)->reset(now_);
    }
}

std::vector<const PortBase*> Simulation::unlinked_ports() const {
    std::vector<const PortBase*> unlinked;
    for (const auto& c : components_) {
        for (const PortBase* p : c->ports()) {
            if (!p->optional() && !p->connected()) unlinked.push_back(p);
        }
    }
    return unlinked;
}

void Simulation::start_components() {
    if (auto unlinked = unlinked_ports(); !unlinked.empty()) {
        const PortBase* p = unlinked.front();
        throw std::invalid_argument("port " + p->path() + " (" + p->type_name() + ") is not linked");
    }
    started_ = true;
    if (config_.warmup_ps > 0 && !(resumed_ && now_ >= config_.warmup_ps)) {  // a resumed run may be past it
        schedule_at(
            config_.warmup_ps, [this] { reset_statistics(); }, std::numeric_limits<std::int32_t>::min());
    }
    for (const auto& c : components_) c->start();
}

void Simulation::finish() {
    if (finished_) return;
    finished_ = true;
    for (const auto& c : components_) c->finish();
}

ProgressSample Simulation::progress_sample(const StopCondition& stop, std::chrono::steady_clock::time_point began,
                                           std::uint64_t events_at_start) const {
    ProgressSample s;
    s.sim_time_ps = now_;
    s.events = events_executed_ - events_at_start;  // this call's events, so that events / wall time is its rate
    s.wall_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - began).count();
    double fraction = -1;
    if (stop.until_ps != kTimeNever && stop.until_ps > 0)
        fraction = std::max(fraction, double(now_) / double(stop.until_ps));
    if (stop.max_events != std::numeric_limits<std::uint64_t>::max()) {
        // max_events counts from the start of this run() call, which may continue an earlier one.
        fraction = std::max(fraction, double(events_executed_ - events_at_start) / double(stop.max_events));
    }
    if (stop.predicate_progress) fraction = std::max(fraction, stop.predicate_progress());
    s.fraction_done = fraction;
    return s;
}

RunResult Simulation::run(const StopCondition& stop) {
    const auto began = std::chrono::steady_clock::now();
    if (!started_) start_components();
    stop_requested_ = false;
    stop_message_.clear();
    const std::uint64_t events_at_start = events_executed_;
    const std::uint64_t event_limit = stop.max_events == std::numeric_limits<std::uint64_t>::max()
                                          ? stop.max_events
                                          : events_at_start + stop.max_events;

    // Wall-clock polling (interrupt flag, progress line) every `poll_every` events, adapted so that polls fall a few
    // milliseconds apart whether events take 20 ns or 20 ms.
    std::uint64_t poll_every = 64;
    std::uint64_t next_poll = events_executed_ + poll_every;
    auto last_poll = began;

    StopReason reason;
    const bool has_predicate = bool(stop.predicate);
    while (true) {
        if (queue_.empty()) {
            reason = StopReason::kQueueEmpty;
            break;
        }
        if (events_executed_ >= event_limit) {
            reason = StopReason::kEventLimit;
            break;
        }
        const TimePs t = queue_.next_time();
        if (t > stop.until_ps) {
            now_ = stop.until_ps;
            reason = StopReason::kTimeLimit;
            break;
        }
        now_ = t;
        ++events_executed_;
        queue_.pop_and_run();
        if (stop_requested_) {
            reason = StopReason::kRequested;
            break;
        }
        if (has_predicate && stop.predicate()) {
            reason = StopReason::kCondition;
            break;
        }
        if (events_executed_ >= next_poll) {
            auto now_wall = std::chrono::steady_clock::now();
            double gap = std::chrono::duration<double>(now_wall - last_poll).count();
            last_poll = now_wall;
            if (gap < 0.002 && poll_every < (1u << 22))
                poll_every *= 2;
            else if (gap > 0.02 && poll_every > 1)
                poll_every /= 2;
            next_poll = events_executed_ + poll_every;
            if (stop.interrupt && stop.interrupt->load(std::memory_order_relaxed)) {
                reason = StopReason::kInterrupted;
                break;
            }
            if (stop.progress) stop.progress->update(progress_sample(stop, began, events_at_start));
        }
    }
    if (stop.progress) stop.progress->done(progress_sample(stop, began, events_at_start));
    RunResult r;
    r.reason = reason;
    r.end_ps = now_;
    r.events = events_executed_ - events_at_start;
    r.wall_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - began).count();
    r.message = stop_message_;
    return r;
}

std::string Simulation::checkpoint_refusal() const {
    for (const auto& c : components_)
        if (const std::string why = c->checkpoint_refusal(); !why.empty())
            return "component '" + c->name() + "' cannot be checkpointed: " + why;
    return "";
}

void Simulation::enable_checkpoints(CheckpointSettings settings) {
    if (const std::string why = checkpoint_refusal(); !why.empty()) throw std::invalid_argument(why);
    checkpoints_ = std::move(settings);
    last_checkpoint_ = std::chrono::steady_clock::now();
}

void Simulation::safe_point() {
    if (!checkpoints_) return;
    const auto wall = std::chrono::steady_clock::now();
    if (std::chrono::duration<double>(wall - last_checkpoint_).count() < checkpoints_->interval_s) return;
    write_checkpoint(checkpoints_->path, checkpoint());
    last_checkpoint_ = std::chrono::steady_clock::now();
    ++checkpoints_written_;
}

Checkpoint Simulation::checkpoint() const {
    Checkpoint c;
    c.code_version = std::string(code_version());
    if (checkpoints_) c.scenario_json = checkpoints_->scenario_json;
    c.now_ps = now_;
    c.events = events_executed_;
    for (const StatisticEntry& e : statistics()) {
        StateWriter w;
        e.statistic->save_state(w);
        c.statistics.push_back({e.name, w.bytes()});
    }
    for (const auto& comp : components_) {
        StateWriter w;
        w.u64(comp->next_sequence_);
        comp->save_state(w);
        c.components.push_back({comp->name(), w.bytes()});
    }
    return c;
}

void Simulation::resume_from(const Checkpoint& c) {
    if (started_) throw std::logic_error("resume_from after the run started");
    std::map<std::string, const std::vector<std::uint8_t>*> stats, comps;
    for (const NamedState& s : c.statistics) stats[s.name] = &s.bytes;
    for (const NamedState& s : c.components) comps[s.name] = &s.bytes;
    const std::vector<StatisticEntry> mine = statistics();
    if (mine.size() != stats.size() || components_.size() != comps.size())
        throw CheckpointError("it holds " + std::to_string(comps.size()) + " components and " +
                              std::to_string(stats.size()) + " statistics; this run has " +
                              std::to_string(components_.size()) + " and " + std::to_string(mine.size()));
    for (const StatisticEntry& e : mine) {
        auto it = stats.find(e.name);
        if (it == stats.end()) throw CheckpointError("it holds no statistic " + e.name);
        StateReader r(*it->second, "statistic " + e.name);
        const_cast<Statistic*>(e.statistic)->restore_state(r);
        r.expect_end();
    }
    for (const auto& comp : components_) {
        auto it = comps.find(comp->name());
        if (it == comps.end()) throw CheckpointError("it holds no component " + comp->name());
        StateReader r(*it->second, "component " + comp->name());
        comp->next_sequence_ = r.u64();
        comp->restore_state(r);
        r.expect_end();
    }
    now_ = c.now_ps;
    events_executed_ = c.events;
    resumed_ = true;
}

}  // namespace qdes
