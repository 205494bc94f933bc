#include "sim/queueing/source.h"

#include "sim/simulation.h"

namespace qdes {

ComponentKind Source::kind() {
    ComponentKind k;
    k.name = "source";
    k.doc = "creates jobs with independent interarrival times (Poisson arrivals when exponential)";
    k.params.duration("interarrival", "mean time between jobs").with_example("1.25 us").at_least(1);
    k.params.choice("distribution", {"exponential", "deterministic"}, "interarrival time distribution")
        .with_default("exponential");
    k.params.integer("limit", "stop creating jobs after this many (0: no limit)").with_default("0").at_least(0);
    k.create = [](Simulation& sim, const std::string& name, const ParamValues& p) -> Component& {
        return sim.add<Source>(name, p);
    };
    return k;
}

Source::Source(Simulation& sim, std::string name, const ParamValues& params)
    : Component(sim, std::move(name)),
      interarrival_ps_(params.duration_ps("interarrival")),
      distribution_(duration_distribution(params.string("distribution"))),
      limit_(std::uint64_t(params.integer("limit"))),
      rng_(random_stream("interarrival")) {
    add_statistic("generated", generated_, "jobs", "jobs created");
}

void Source::start() {
    schedule_after(draw_duration(distribution_, interarrival_ps_, rng_), [this] { emit(); });
}

void Source::emit() {
    out.send(Job{next_id_++, now()});
    generated_.add();
    if (limit_ == 0 || next_id_ < limit_) {
        schedule_after(draw_duration(distribution_, interarrival_ps_, rng_), [this] { emit(); });
    }
}

}  // namespace qdes
