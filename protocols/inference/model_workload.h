#pragma once
/// `nn_model`: a real network (qdes HDF5 model file or ONNX), optionally pruned and quantized, evaluated on its test
/// set, lowered to GEMMs (protocols/inference/network.h) and sent to an accelerator as `nn_workload` does. Its
/// statistics join what the network is (accuracy, parameters, MACs, BOPS, size) with what the accelerator measures per
/// layer.

#include <string>
#include <vector>

#include "models/nn/graph.h"
#include "protocols/inference/workload.h"

namespace qdes::inference {

/// What a transformed network is, before the accelerator runs it.
struct ModelSummary {
    std::uint64_t test_samples = 0;  ///< samples evaluated; 0 when accuracy was not measured
    std::uint64_t correct = 0;       ///< of those, the ones whose top-1 class was right
    std::uint64_t params = 0;        ///< weights and biases of convolution, linear and expert layers
    std::uint64_t nonzero_params = 0;
    std::uint64_t macs = 0;            ///< dense MACs per sample
    std::uint64_t effective_macs = 0;  ///< MACs on nonzero weights per sample
    double bops = 0;                   ///< sum over layers of MACs x weight bits x input bits
    double model_bytes = 0;            ///< weights at their bit widths, dense, unused experts included
};

class ModelWorkload final : public Workload {
  public:
    ModelWorkload(Simulation& sim, std::string name, std::vector<accel::GemmOp> ops, std::uint64_t repeat,
                  const ModelSummary& summary);
    static ComponentKind kind();

  private:
    Estimate accuracy_, params_, nonzero_params_, macs_, effective_macs_, bops_, model_bytes_;
};

}  // namespace qdes::inference
