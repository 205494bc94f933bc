#pragma once
/// `server`: c identical servers with independent service times; grants its queue one credit per free server.

#include "sim/component.h"
#include "sim/queueing/distribution.h"
#include "sim/queueing/job.h"
#include "sim/registry.h"

namespace qdes {

class Server final : public Component {
  public:
    Server(Simulation& sim, std::string name, const ParamValues& params);
    static ComponentKind kind();
    void start() override;

    InPort<Job> in{*this, "in", [this](const Job& j) { on_job(j); }, "jobs to serve (at most one per credit)"};
    OutPort<Job> out{*this, "out", "jobs whose service is done"};
    OutPort<Credit> credit{*this, "credit", "one credit per server that becomes free"};

  private:
    void on_job(const Job& job);
    void on_done(Job job);

    std::uint32_t servers_;
    TimePs service_ps_;
    DurationDistribution distribution_;
    RandomStream rng_;
    std::uint32_t busy_ = 0;
    Counter served_;
    TimeAverage utilization_;
};

}  // namespace qdes
