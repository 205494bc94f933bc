#pragma once
/// `queue`: a FIFO buffer that passes a job on whenever its server has granted a credit.

#include <deque>

#include "sim/component.h"
#include "sim/queueing/job.h"
#include "sim/registry.h"

namespace qdes {

class Queue final : public Component {
  public:
    Queue(Simulation& sim, std::string name, const ParamValues& params);
    static ComponentKind kind();

    InPort<Job> in{*this, "in", [this](const Job& j) { on_arrival(j); }, "jobs arriving"};
    OutPort<Job> out{*this, "out", "jobs leaving for service"};
    InPort<Credit> credit{*this, "credit", [this](const Credit& c) { on_credit(c); },
                          "credits from the server: how many more jobs it can take"};

  private:
    void on_arrival(const Job& job);
    void on_credit(const Credit& c);
    void dispatch();

    std::uint64_t capacity_;
    struct Waiting {
        Job job;
        TimePs enqueued_ps;
    };
    std::deque<Waiting> waiting_;
    std::uint64_t credits_ = 0;
    Counter arrivals_, dropped_;
    TimeAverage length_;
    Tally wait_;
};

}  // namespace qdes
