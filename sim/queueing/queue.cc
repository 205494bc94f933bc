#include "sim/queueing/queue.h"

#include "sim/simulation.h"

namespace qdes {

ComponentKind Queue::kind() {
    ComponentKind k;
    k.name = "queue";
    k.doc = "first-in first-out buffer; sends a job on whenever the server has granted a credit";
    k.params.integer("capacity", "most jobs waiting; an arrival finding it full is dropped (0: unlimited)")
        .with_default("0")
        .at_least(0)
        .with_unit("jobs");
    k.create = [](Simulation& sim, const std::string& name, const ParamValues& p) -> Component& {
        return sim.add<Queue>(name, p);
    };
    return k;
}

Queue::Queue(Simulation& sim, std::string name, const ParamValues& params)
    : Component(sim, std::move(name)), capacity_(std::uint64_t(params.integer("capacity"))) {
    add_statistic("arrivals", arrivals_, "jobs", "jobs that arrived");
    add_statistic("dropped", dropped_, "jobs", "arrivals refused because the queue was full");
    add_statistic("length", length_, "jobs", "number of jobs waiting (time average)");
    add_statistic("wait", wait_, "s", "time from arrival to leaving for service");
}

void Queue::on_arrival(const Job& job) {
    arrivals_.add();
    if (capacity_ != 0 && waiting_.size() >= capacity_) {
        dropped_.add();
        return;
    }
    waiting_.push_back({job, now()});
    length_.set(now(), double(waiting_.size()));
    dispatch();
}

void Queue::on_credit(const Credit& c) {
    credits_ += c.count;
    dispatch();
}

void Queue::dispatch() {
    bool changed = false;
    while (credits_ > 0 && !waiting_.empty()) {
        wait_.add(to_seconds(now() - waiting_.front().enqueued_ps));
        out.send(waiting_.front().job);
        waiting_.pop_front();
        --credits_;
        changed = true;
    }
    if (changed) length_.set(now(), double(waiting_.size()));
}

}  // namespace qdes
