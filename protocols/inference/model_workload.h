#pragma once
/// `nn_model`: a real network (qdes HDF5 model file or ONNX), optionally pruned and quantized, evaluated on its test
/// set, lowered to GEMMs (protocols/inference/network.h) and sent to an accelerator as `nn_workload` does. Its
/// statistics join what the network is (accuracy, parameters, MACs, BOPS, size) with what the accelerator measures per
/// layer.

#include <string>
#include <vector>

#include "models/nn/graph.h"
#include "models/nn/sparsity.h"
#include "protocols/inference/network.h"
#include "protocols/inference/workload.h"
#include "sim/trace.h"

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
    double model_bytes = 0;  ///< weights at their bit widths, dense, unused experts included, with their scales
    std::uint64_t batch = 1;           ///< samples per inference
};

/// One GEMM of the network (a layer, or one expert's half of an MoE layer) joined with what the accelerator
/// measured for it: the per-layer report.
struct ModelLayerReport {
    std::string name;
    std::uint64_t weights = 0, nonzero_weights = 0;  ///< of the GEMM's weight operand (quantized to 0 counts as 0)
    double macs = 0, effective_macs = 0, bops = 0;   ///< per sample
    double size_bytes = 0;                           ///< the weights at their bit width, dense
    std::uint32_t weight_bits = 0, input_bits = 0;
    // What the accelerator measured, per inference (mean over the repeats); `measured` false when it never ran.
    bool measured = false;
    double cycles = 0, compute_cycles = 0, stall_cycles = 0, utilisation = 0, dram_bytes = 0, energy_pj = 0;
};

/// The report rows of the lowered network (accelerator columns empty), per sample for a batch of `batch`. Nonzero
/// weights are counted in `graph` where a GEMM holds its node's whole weight tensor (an expert's GEMM holds a slice:
/// there, the density the lowering measured).
std::vector<ModelLayerReport> layer_reports(const nn::Graph& graph, const std::vector<LoweredOp>& lowered,
                                            std::uint64_t batch);

class ModelWorkload final : public Workload {
  public:
    ModelWorkload(Simulation& sim, std::string name, std::vector<accel::GemmOp> ops, std::uint64_t repeat,
                  const ModelSummary& summary, std::vector<ModelLayerReport> layers,
                  std::vector<nn::WeightSparsity> sparsity);
    static ComponentKind kind();
    /// Joins the accelerator's per-layer results into the report and records the `layers` table.
    void finish() override;

    const ModelSummary& summary() const { return summary_; }
    /// Per layer; the accelerator's columns are filled once the run has finished.
    const std::vector<ModelLayerReport>& layers() const { return layers_; }
    /// Distiller's sparsity columns per weight tensor of the transformed network (also the `sparsity` table).
    const std::vector<nn::WeightSparsity>& sparsity() const { return sparsity_; }

  private:
    /// A row of the `layers` trace table.
    struct Row {
        TraceText<64> name;
        std::uint32_t layer, weight_bits, input_bits, measured;
        std::uint64_t weights, nonzero_weights;
        double density, macs, effective_macs, bops, size_bytes;
        double cycles, compute_cycles, stall_cycles, utilisation, dram_bytes, energy_pj;
    };

    /// A row of the `sparsity` trace table.
    struct SparsityRow {
        TraceText<64> name;
        TraceText<16> role;
        std::uint64_t elements, nonzero;
        double fine, rows, cols, channels, kernels_2d, filters_3d, mean, std, abs_mean;
    };

    ModelSummary summary_;
    std::vector<ModelLayerReport> layers_;
    std::vector<nn::WeightSparsity> sparsity_;
    TraceTable<Row> layer_trace_;
    TraceTable<SparsityRow> sparsity_trace_;
    Estimate accuracy_, params_, nonzero_params_, macs_, effective_macs_, bops_, model_bytes_;
};

/// The report as a text table (name, weights, density, MACs, bits, cycles, utilisation, DRAM, energy) with a total
/// row and a line of the network's totals.
std::string format_layer_report(const ModelSummary& summary, const std::vector<ModelLayerReport>& layers);

}  // namespace qdes::inference
