#pragma once
/// `lec_memory`: a memory-lifetime study as a kernel component. A batch of memories protected by a local error
/// correction rule advances one round per event (each round takes `round_duration` of simulated time); every
/// shot's failure round (or censoring at the round cap) is recorded, and at the end the lifetime is estimated with
/// its confidence interval, in rounds and in seconds, with the error per round and the exponentiality check.

#include <memory>

#include "protocols/lec/toom.h"
#include "sim/component.h"
#include "sim/registry.h"
#include "sim/statistics.h"

namespace qdes::lec {

/// The logical fidelity per round: the fraction of shots whose majority is correct after it.
struct FidelityRow {
    std::uint64_t round;
    std::uint64_t shots;    ///< shots still being simulated at this round (a batch stops once all its shots failed)
    std::uint64_t correct;  ///< of them, with a correct majority
};

struct FailureRow {
    std::uint64_t shot;
    std::uint64_t round;    ///< failure round, or the round cap when censored
    std::uint64_t time_ps;  ///< round x round_duration
    std::uint8_t censored;  ///< 1: still alive at the cap
    std::uint8_t pad[7] = {};
};

class LecMemory final : public Component {
  public:
    LecMemory(Simulation& sim, std::string name, const ParamValues& params);
    static ComponentKind kind();
    void start() override;
    void finish() override;

    const FailureTimes& failure_times() const { return times_; }

  private:
    void start_batch();
    void round();
    void end_batch();

    ToomOptions options_;
    TimePs round_ps_;
    double confidence_;
    std::unique_ptr<LecRule> custom_;  ///< rule: file
    std::unique_ptr<ToomBatch> batch_;
    std::uint64_t first_shot_ = 0;
    std::size_t in_batch_ = 0;
    FailureTimes times_;

    Counter shots_, failures_, censored_;
    Estimate lifetime_rounds_, lifetime_s_, error_per_round_, exponential_, fidelity_lifetime_;
    TraceTable<FailureRow> failures_trace_;
    TraceTable<FidelityRow> fidelity_trace_;
    std::vector<std::uint64_t> fidelity_shots_, fidelity_correct_;  ///< per round (index round - 1)
};

void register_lec_components(ComponentRegistry& registry);

}  // namespace qdes::lec
