#pragma once
/// `lec_memory`: a memory-lifetime study as a kernel component. A batch of memories protected by a local error
/// correction rule (Toom's on the 2D Ising memory as a circuit, an automaton or a rule file; the 4D Toom rule on
/// the 4D toric code) advances one round per event (each round takes `round_duration` of simulated time, or its
/// gate layers x `layer_duration`); every
/// shot's failure round (or censoring at the round cap) is recorded, and at the end the lifetime is estimated with
/// its confidence interval, in rounds and in seconds, with the error per round and the exponentiality check.
/// The component has no inputs, so its batches run ahead on `threads` worker threads, batch k on a random stream
/// of its own (the results do not depend on the thread count), and the events report them round by round.

#include <functional>
#include <memory>
#include <optional>
#include <vector>

#include "protocols/lec/batch.h"
#include "protocols/lec/rule.h"
#include "protocols/lec/toric4d.h"
#include "sim/component.h"
#include "sim/ordered_parallel.h"
#include "sim/registry.h"
#include "sim/statistics.h"

namespace qdes::lec {

/// The logical fidelity per round: the fraction of shots whose logical state is correct after it (the Ising memory:
/// a correct majority; the toric code: no logical flipped once the noiseless rule has emptied the syndrome).
struct FidelityRow {
    std::uint64_t round;
    std::uint64_t shots;    ///< shots still being simulated at this round (a batch stops once all its shots failed)
    std::uint64_t correct;  ///< of them, logically correct
};

struct FailureRow {
    std::uint64_t shot;
    std::uint64_t round;    ///< failure round, or the round cap when censored
    std::uint64_t time_ps;  ///< round x round_duration
    std::uint8_t censored;  ///< 1: still alive at the cap
    std::uint8_t pad[7] = {};
};

/// The spacetime history of a few shots: one row per set error or syndrome bit per round (sparse, so a memory
/// below threshold costs little).
struct HistoryRow {
    std::uint32_t shot;
    std::uint32_t round;
    std::uint8_t what;  ///< 0: data error, 1: syndrome bit
    std::uint8_t type;  ///< SiteBit::type
    std::uint8_t pad[2] = {};
    std::uint32_t x0, x1, x2, x3;
};

/// A study's rule file, when it names one.
struct CustomRules {
    std::unique_ptr<LecRule> ising;        ///< rule: file
    std::unique_ptr<Toric4dRule> toric4d;  ///< rule: toric4d_circuit with a rule_file
};

class LecMemory final : public Component {
  public:
    LecMemory(Simulation& sim, std::string name, const ParamValues& params);
    static ComponentKind kind();
    void start() override;
    void finish() override;
    std::string checkpoint_refusal() const override;
    void save_state(StateWriter& w) const override;
    void restore_state(StateReader& r) override;

    const FailureTimes& failure_times() const { return times_; }

  private:
    /// One batch run to its end on a worker thread, ahead of the events that report it round by round.
    struct Outcome {
        std::size_t shots = 0;
        std::vector<std::uint64_t> failed_at;           ///< per shot, 0 while alive at the end
        std::vector<std::uint64_t> correct;             ///< per round run: shots logically correct after it
        std::vector<std::vector<HistoryRow>> history;   ///< per round, while history is recorded
        std::uint64_t undecided = 0;
    };
    Outcome run_batch(LecBatch& batch, std::uint64_t k) const;
    void start_batch();
    void round();
    void end_batch();

    LecOptions options_;
    TimePs round_ps_;
    double confidence_;
    CustomRules custom_;
    std::unique_ptr<LecBatch> batch_;               ///< worker 0's; workers 1.. have more_batches_
    std::vector<std::unique_ptr<LecBatch>> more_batches_;
    std::function<std::unique_ptr<LecBatch>()> make_batch_;  ///< another worker's batch, as batch_ was made
    unsigned threads_ = 1;
    std::unique_ptr<OrderedPipeline<Outcome>> pipeline_;
    std::optional<Outcome> outcome_;
    std::uint64_t round_in_batch_ = 0;
    std::uint64_t undecided_total_ = 0;
    std::uint64_t first_shot_ = 0;
    std::size_t in_batch_ = 0;
    FailureTimes times_;

    Counter shots_, failures_, censored_, undecided_;
    Estimate lifetime_rounds_, lifetime_s_, error_per_round_, exponential_, fidelity_lifetime_;
    TraceTable<FailureRow> failures_trace_;
    TraceTable<FidelityRow> fidelity_trace_;
    TraceTable<HistoryRow> history_trace_;
    std::uint64_t history_shots_, history_rounds_;
    std::vector<std::uint64_t> fidelity_shots_, fidelity_correct_;  ///< per round (index round - 1)
};

void register_lec_components(ComponentRegistry& registry);

}  // namespace qdes::lec
