#include "sim/queueing/server.h"

#include "sim/simulation.h"

namespace qdes {

ComponentKind Server::kind() {
    ComponentKind k;
    k.name = "server";
    k.doc = "c identical servers with independent service times; grants its queue one credit per free server";
    k.params.integer("servers", "number of identical servers (c)").with_default("1").at_least(1).at_most(1 << 20);
    k.params.duration("service", "mean service time").with_example("1 us").at_least(1);
    k.params.choice("distribution", {"exponential", "deterministic"}, "service time distribution")
        .with_default("exponential");
    k.create = [](Simulation& sim, const std::string& name, const ParamValues& p) -> Component& {
        return sim.add<Server>(name, p);
    };
    return k;
}

Server::Server(Simulation& sim, std::string name, const ParamValues& params)
    : Component(sim, std::move(name)),
      servers_(std::uint32_t(params.integer("servers"))),
      service_ps_(params.duration_ps("service")),
      distribution_(duration_distribution(params.string("distribution"))),
      rng_(random_stream("service")) {
    add_statistic("served", served_, "jobs", "jobs whose service completed");
    add_statistic("utilization", utilization_, "", "fraction of servers busy (time average)");
}

void Server::start() {
    credit.send(Credit{servers_});
}

void Server::on_job(const Job& job) {
    if (busy_ == servers_) {
        throw SimulationError("server \"" + name() + "\" received a job while all " + std::to_string(servers_) +
                              " servers were busy: feed it through a queue linked to its credit port");
    }
    ++busy_;
    utilization_.set(now(), double(busy_) / servers_);
    Job j = job;
    j.service_start_ps = now();
    TimePs service = draw_duration(distribution_, service_ps_, rng_);
    j.service_end_ps = now() + service;
    schedule_after(service, [this, j] { on_done(j); });
}

void Server::on_done(Job job) {
    --busy_;
    utilization_.set(now(), double(busy_) / servers_);
    served_.add();
    out.send(job);
    credit.send(Credit{1});
}

}  // namespace qdes
