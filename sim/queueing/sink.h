#pragma once
/// `sink`: absorbs jobs and measures their time in the system; can trace every job.

#include "sim/component.h"
#include "sim/queueing/job.h"
#include "sim/registry.h"

namespace qdes {

class Sink final : public Component {
  public:
    Sink(Simulation& sim, std::string name, const ParamValues& params);
    static ComponentKind kind();

    InPort<Job> in{*this, "in", [this](const Job& j) { on_job(j); }, "finished jobs"};

    /// One row of the `jobs` trace table.
    struct JobRow {
        std::uint64_t id;
        std::uint64_t created_ps;
        std::uint64_t service_start_ps;
        std::uint64_t service_end_ps;
        std::uint64_t absorbed_ps;
    };

  private:
    void on_job(const Job& job);

    Counter absorbed_;
    Tally wait_, sojourn_;
    TraceTable<JobRow> trace_;
};

}  // namespace qdes
