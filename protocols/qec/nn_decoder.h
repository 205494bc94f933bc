#pragma once
/// A convolutional neural-network decoder for the 2D toric code's space-time history, trained by the C++ trainer
/// (models/nn/train.h) on syndromes drawn from the decoding graph's own error model.
///
/// The input is the history as an image: channel t is layer t's detection events on the L x L grid of checks
/// (check c at row c / L, column c % L, as toric2d numbers its plaquettes). Two 3 x 3 convolutions with ReLU (zero
/// padding: the network learns the wrap-around in its last layer) and a fully connected layer give one class per
/// combination of flipped logicals (4 for the toric code's two): the decoder predicts the observables, not a
/// correction, so it decodes whole histories only. The network is a models/nn graph: it prunes, quantizes and
/// lowers to GEMMs (protocols/inference/network.h) like any other.

#include <cstdint>
#include <string>
#include <vector>

#include "models/nn/dataset.h"
#include "models/nn/graph.h"
#include "models/nn/train.h"
#include "models/quantum/bit_table.h"
#include "hardware/accel/accelerator.h"
#include "protocols/qec/decoder.h"

namespace qdes::qec {

/// How a history's nodes map onto the network's input: node t * side^2 + c is check c of layer t.
struct NnDecoderShape {
    std::uint32_t side = 0;    ///< L
    std::uint32_t layers = 0;  ///< T + 1 (channels)
    std::uint32_t observables = 0;
    std::uint32_t nodes() const { return side * side * layers; }
    int classes() const { return 1 << observables; }
};

/// `samples` histories of `graph` (whose nodes follow `shape`), each labelled by the observables its errors flipped.
/// Throws std::invalid_argument when the graph does not have shape.nodes() nodes or has more than 8 observables.
nn::Dataset syndrome_dataset(const DecodingGraph& graph, const NnDecoderShape& shape, std::int64_t samples,
                             std::uint64_t seed);

/// The histories of sample_detection_events(..., logicals = true) (protocols/qec/space_time.h): rows t * side^2 + c
/// for the layers, then one row per observable; bit s of a row is shot s.
nn::Dataset history_dataset(const quantum::BitTable& events, const NnDecoderShape& shape, std::size_t shots);

/// The untrained network, initialised from `seed`: conv 3 x 3 (layers -> channels), ReLU, conv 3 x 3 (channels ->
/// channels), ReLU, flatten, linear (channels side^2 -> classes).
nn::Graph nn_decoder_network(const NnDecoderShape& shape, std::int64_t channels, std::uint64_t seed);

class NeuralDecoder final : public Decoder {
  public:
    /// `network` takes shape's input and gives shape.classes() outputs; the decoder keeps its own copy.
    NeuralDecoder(nn::Graph network, const NnDecoderShape& shape);
    std::uint64_t decode(const std::vector<std::uint32_t>& defects) override;
    const char* name() const override { return "neural"; }
    const nn::Graph& network() const { return network_; }
    /// Every decode takes this long on hardware (one inference: it does not depend on the syndrome).
    void set_latency(const Simulated& latency) { latency_ = latency; }
    std::optional<Simulated> last_simulated() const override { return latency_; }

  private:
    nn::Graph network_;
    NnDecoderShape shape_;
    nn::Tensor input_;
    std::optional<Simulated> latency_;
};

/// One inference of a network (batch 1) on the systolic accelerator (hardware/accel): the network lowered to GEMMs
/// (protocols/inference/network.h, at each layer's weight bits and sparsity) and run by one simulation of the
/// accelerator with its buffers and DRAM.
struct NnAcceleratorTiming {
    std::uint64_t cycles = 0;  ///< all layers, accelerator clock
    double seconds = 0;
    std::uint64_t macs = 0;    ///< the MACs the array performs (after N:M compression)
    std::size_t gemms = 0;
};
NnAcceleratorTiming time_on_accelerator(const nn::Graph& network, const accel::AcceleratorSetup& setup);

}  // namespace qdes::qec
