#pragma once
/// `quantum_memory`: a quantum memory experiment as a kernel component. One event per circuit layer (the gates
/// between two TICKs) reports what a whole batch of shots detected in that layer, so a layer's duration is
/// simulated time and later components can interleave readout, decoding and correction with the rounds. The
/// component has no inputs, so its batches are simulated ahead by the frame simulator on `threads` worker threads,
/// batch k on a random stream of its own: the results do not depend on the thread count.

#include <memory>
#include <optional>
#include <vector>

#include "models/quantum/frame_simulator.h"
#include "models/quantum/program.h"
#include "sim/component.h"
#include "sim/ordered_parallel.h"
#include "sim/registry.h"

namespace qdes::quantum {

/// One detection event: detector `detector` fired in shot `shot`, at the end of the layer that computed it.
struct DetectionEventRow {
    std::uint64_t shot;
    std::uint32_t detector;
    std::uint32_t pad = 0;
    std::uint64_t time_ps;
};

/// One observable flip at the end of a shot.
struct ObservableFlipRow {
    std::uint64_t shot;
    std::uint32_t observable;
    std::uint32_t pad = 0;
};

class QuantumMemory final : public Component {
  public:
    QuantumMemory(Simulation& sim, std::string name, const ParamValues& params);
    static ComponentKind kind();
    void start() override;
    std::string checkpoint_refusal() const override;
    void save_state(StateWriter& w) const override;
    void restore_state(StateReader& r) override;

    const Program& program() const { return program_; }

  private:
    /// One batch's detection events and observable flips, simulated ahead on a worker thread.
    struct Batch {
        BitTable detectors, observables;
        std::vector<std::uint32_t> events_per_shot;  ///< counted on the worker too
    };
    void start_batch();
    void layer();
    void finish_batch();

    Program program_;
    std::uint64_t shots_total_;
    std::size_t batch_shots_;
    TimePs layer_ps_;
    unsigned threads_;
    std::uint64_t stream_;  ///< batch k runs on the random stream (seed, derive_seed(stream_, k))
    /// detectors_done() after each layer of a batch: the detectors a layer event reports.
    std::vector<std::uint64_t> layer_detectors_;
    std::vector<std::unique_ptr<FrameSimulator>> frames_;  ///< one per worker
    std::unique_ptr<OrderedPipeline<Batch>> pipeline_;
    std::optional<Batch> batch_;
    std::uint64_t shots_started_ = 0;
    std::size_t shots_in_batch_ = 0;
    std::uint64_t layer_in_batch_ = 0;

    Counter shots_;
    Counter batches_;
    Counter detection_events_;
    Tally events_per_shot_;
    Tally logical_error_;
    std::vector<std::unique_ptr<Tally>> observable_flip_;
    TraceTable<DetectionEventRow> events_trace_;
    TraceTable<ObservableFlipRow> flips_trace_;
};

void register_quantum_components(ComponentRegistry& registry);

}  // namespace qdes::quantum
