#pragma once
/// `decoding_memory`: shots of a memory whose errors are sampled straight on its decoding graph (code capacity or
/// phenomenological noise on the 2D toric or the repetition code) and decoded by union-find or exact matching.
/// One event per batch of shots. A shot fails when the decoder's predicted logical flips differ from the real ones
/// (any of the code's logicals of the memory's basis). Reports the logical error per shot with a Wilson interval,
/// and from it, with F(T) = (1 + exp(-T / tau)) / 2 over T rounds, the lifetime tau in rounds and in seconds and
/// the logical error per round: the quantities of decoder threshold studies. A batch of shots runs its T rounds
/// side by side, so simulated time advances T round durations per batch.

#include <memory>

#include "models/quantum/fast_rng.h"
#include "protocols/qec/decoder.h"
#include "protocols/qec/memory_estimates.h"
#include "sim/component.h"
#include "sim/registry.h"

namespace qdes::qec {

class DecodingMemory final : public Component {
  public:
    DecodingMemory(Simulation& sim, std::string name, const ParamValues& params);
    static ComponentKind kind();
    void start() override;
    void finish() override;
    std::string checkpoint_refusal() const override { return ""; }
    void save_state(StateWriter& w) const override;
    void restore_state(StateReader& r) override;

  private:
    void batch();

    quantum::CssCode code_;
    DecodingGraph graph_;
    std::unique_ptr<Decoder> decoder_;
    std::unique_ptr<GraphSampler> sampler_;
    quantum::FastRng rng_;
    std::uint64_t shots_total_, batch_shots_, rounds_;
    TimePs round_ps_;
    double confidence_;
    DecodingRun run_;  ///< failures, events and decoder CPU time so far

    Counter shots_, failures_, detection_events_;
    Tally events_per_shot_;
    MemoryEstimates estimates_;
    Estimate decode_cpu_per_event_;
};

void register_qec_components(ComponentRegistry& registry);

}  // namespace qdes::qec
