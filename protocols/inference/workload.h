#pragma once
/// `nn_workload`: a network's layers, from a SCALE-Sim topology file or a scenario's `layers:` list, lowered to
/// GEMMs and sent to an accelerator one at a time (the next when the previous is done), `repeat` times over.

#include <vector>

#include "hardware/accel/accelerator.h"
#include "protocols/inference/topology.h"
#include "sim/component.h"
#include "sim/registry.h"

namespace qdes::inference {

class Workload : public Component {
  public:
    Workload(Simulation& sim, std::string name, std::vector<accel::GemmOp> ops, std::uint64_t repeat);
    static ComponentKind kind();
    /// The GEMMs a workload with these parameters sends (files resolved against `sim`'s scenario folder).
    static std::vector<accel::GemmOp> ops_of(const Simulation& sim, const ParamValues& p);

    const std::vector<accel::GemmOp>& ops() const { return ops_; }
    /// Rejects a layer whose fold does not fit the buffers of the accelerator on `out`.
    void check() const override;
    void start() override;
    /// The accelerator `out` is linked to, or nullptr.
    const accel::Accelerator* accelerator() const;
    std::uint64_t repeat() const { return repeat_; }

  private:
    void send_next();

    std::vector<accel::GemmOp> ops_;
    std::uint64_t repeat_;
    std::uint64_t sent_ = 0;
    OutPort<accel::GemmRequest> out_;
    InPort<accel::GemmDone> done_;
    Counter layers_done_;
    Tally layer_latency_ps_;
    TimePs sent_at_ = 0, started_ = 0;
    Estimate latency_s_;
};

/// Adds a workload "net" sending `ops` once and an accelerator "accel" to `sim`, linked both ways (as a scenario's
/// two components and two links would be); returns the accelerator, whose results hold once `sim` has run.
accel::Accelerator& add_network(Simulation& sim, std::vector<accel::GemmOp> ops, accel::AcceleratorSetup setup);

void register_inference_components(ComponentRegistry& registry);

}  // namespace qdes::inference
