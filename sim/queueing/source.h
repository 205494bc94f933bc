#pragma once
/// `source`: emits jobs with independent interarrival times (Poisson arrivals when exponential).

#include "sim/component.h"
#include "sim/queueing/distribution.h"
#include "sim/queueing/job.h"
#include "sim/registry.h"

namespace qdes {

class Source final : public Component {
  public:
    Source(Simulation& sim, std::string name, const ParamValues& params);
    static ComponentKind kind();
    void start() override;

    OutPort<Job> out{*this, "out", "every job created"};

  private:
    void emit();

    TimePs interarrival_ps_;
    DurationDistribution distribution_;
    std::uint64_t limit_;
    RandomStream rng_;
    std::uint64_t next_id_ = 0;
    Counter generated_;
};

}  // namespace qdes
