#include "sim/queueing/sink.h"

#include "sim/simulation.h"

namespace qdes {

ComponentKind Sink::kind() {
    ComponentKind k;
    k.name = "sink";
    k.doc = "absorbs jobs, measuring waiting and sojourn times; trace table `jobs` has one row per job";
    k.create = [](Simulation& sim, const std::string& name, const ParamValues& p) -> Component& {
        return sim.add<Sink>(name, p);
    };
    return k;
}

Sink::Sink(Simulation& sim, std::string name, const ParamValues&) : Component(sim, std::move(name)) {
    add_statistic("absorbed", absorbed_, "jobs", "jobs received");
    add_statistic("wait", wait_, "s", "time from creation to start of service");
    add_statistic("sojourn", sojourn_, "s", "time from creation to arrival here");
    trace_ = open_trace(TraceSchemaBuilder<JobRow>("jobs", "one row per job absorbed")
                            .field("id", &JobRow::id, "", "job number, in order of creation")
                            .field("created_ps", &JobRow::created_ps, "ps", "when its source created it")
                            .field("service_start_ps", &JobRow::service_start_ps, "ps", "when its service began")
                            .field("service_end_ps", &JobRow::service_end_ps, "ps", "when its service ended")
                            .field("absorbed_ps", &JobRow::absorbed_ps, "ps", "when it reached the sink"));
}

void Sink::on_job(const Job& job) {
    absorbed_.add();
    wait_.add(to_seconds(job.service_start_ps - job.created_ps));
    sojourn_.add(to_seconds(now() - job.created_ps));
    trace_.append(JobRow{job.id, job.created_ps, job.service_start_ps, job.service_end_ps, now()});
}

}  // namespace qdes
