#include "protocols/qec/nn_decoder.h"

#include <stdexcept>

#include "models/nn/inference.h"
#include "protocols/inference/network.h"
#include "protocols/inference/workload.h"
#include "sim/simulation.h"
#include "sim/random.h"

namespace qdes::qec {

namespace {

void check_shape(const DecodingGraph& graph, const NnDecoderShape& shape) {
    if (graph.num_nodes != shape.nodes())
        throw std::invalid_argument("neural decoder: the graph has " + std::to_string(graph.num_nodes) +
                                    " nodes, not the " + std::to_string(shape.nodes()) + " of " +
                                    std::to_string(shape.layers) + " layers of " + std::to_string(shape.side) + " x " +
                                    std::to_string(shape.side) + " checks");
    if (shape.observables < 1 || shape.observables > 8)
        throw std::invalid_argument("neural decoder: 1 to 8 observables, not " + std::to_string(shape.observables));
}

/// `samples` empty histories of `shape`, labelled 0.
nn::Dataset empty_dataset(const NnDecoderShape& shape, std::size_t samples) {
    nn::Dataset d;
    d.name = "syndromes";
    d.split = "train";
    d.classes = shape.classes();
    d.samples = nn::Tensor({std::int64_t(samples), std::int64_t(shape.layers), std::int64_t(shape.side),
                            std::int64_t(shape.side)});
    d.labels.assign(samples, 0);
    return d;
}

nn::Node conv(const std::string& name, std::int64_t in, std::int64_t out) {
    nn::Node n;
    n.name = name;
    n.op = nn::Op::kConv;
    n.in_channels = in;
    n.out_channels = out;
    n.kernel_h = n.kernel_w = 3;
    n.pad_h = n.pad_w = 1;
    n.params["weight"] = nn::Tensor({out, in, 3, 3});
    n.params["bias"] = nn::Tensor({out});
    return n;
}

nn::Node simple(const std::string& name, nn::Op op) {
    nn::Node n;
    n.name = name;
    n.op = op;
    return n;
}

}  // namespace

nn::Dataset syndrome_dataset(const DecodingGraph& graph, const NnDecoderShape& shape, std::int64_t samples,
                             std::uint64_t seed) {
    check_shape(graph, shape);
    nn::Dataset d = empty_dataset(shape, std::size_t(samples));
    GraphSampler sampler(graph);
    quantum::FastRng rng(RandomStream(seed, 0x6e6e646563ull));  // "nndec"
    GraphSample sample;
    const std::size_t per = shape.nodes();
    for (std::int64_t s = 0; s < samples; ++s) {
        sampler.sample(rng, sample);
        float* x = d.samples.data() + std::size_t(s) * per;
        for (std::uint32_t v : sample.defects) x[v] = 1.0f;
        d.labels[std::size_t(s)] = int(sample.observables);
    }
    return d;
}

nn::Dataset history_dataset(const quantum::BitTable& events, const NnDecoderShape& shape, std::size_t shots) {
    const std::size_t per = shape.nodes();
    if (events.rows() != per + shape.observables || events.shots_capacity() < shots)
        throw std::invalid_argument("neural decoder: the sampled histories do not have the network's shape");
    nn::Dataset d = empty_dataset(shape, shots);
    for (std::size_t r = 0; r < per; ++r)
        for (std::size_t s = 0; s < shots; ++s)
            if (events.get(r, s)) d.samples.values[s * per + r] = 1.0f;
    for (std::uint32_t k = 0; k < shape.observables; ++k)
        for (std::size_t s = 0; s < shots; ++s)
            if (events.get(per + k, s)) d.labels[s] |= 1 << k;
    return d;
}

nn::Graph nn_decoder_network(const NnDecoderShape& shape, std::int64_t channels, std::uint64_t seed) {
    if (channels < 1) throw std::invalid_argument("neural decoder: at least one channel");
    nn::Graph g;
    g.name = "toric_decoder";
    g.dataset = "syndromes";
    const std::int64_t side = shape.side;
    g.input_shape = {std::int64_t(shape.layers), side, side};
    g.nodes.push_back(conv("conv1", shape.layers, channels));
    g.nodes.push_back(simple("relu1", nn::Op::kRelu));
    g.nodes.push_back(conv("conv2", channels, channels));
    g.nodes.push_back(simple("relu2", nn::Op::kRelu));
    g.nodes.push_back(simple("flatten", nn::Op::kFlatten));
    nn::Node fc = simple("fc", nn::Op::kLinear);
    fc.in_features = channels * side * side;
    fc.out_features = shape.classes();
    fc.params["weight"] = nn::Tensor({fc.out_features, fc.in_features});
    fc.params["bias"] = nn::Tensor({fc.out_features});
    g.nodes.push_back(fc);
    nn::initialize(g, seed);
    g.infer();
    return g;
}

NeuralDecoder::NeuralDecoder(nn::Graph network, const NnDecoderShape& shape)
    : network_(std::move(network)),
      shape_(shape),
      input_({1, std::int64_t(shape.layers), std::int64_t(shape.side), std::int64_t(shape.side)}) {
    const auto info = network_.infer();
    if (network_.input_shape != nn::Shape{std::int64_t(shape.layers), std::int64_t(shape.side), std::int64_t(shape.side)} ||
        info.back().output != nn::Shape{shape.classes()})
        throw std::invalid_argument("neural decoder: the network's input or output does not fit the history");
}

std::uint64_t NeuralDecoder::decode(const std::vector<std::uint32_t>& defects) {
    std::fill(input_.values.begin(), input_.values.end(), 0.0f);
    for (std::uint32_t v : defects) {
        if (v >= shape_.nodes()) throw std::invalid_argument("neural decoder: a defect beyond the history");
        input_.values[v] = 1.0f;
    }
    return std::uint64_t(nn::argmax_rows(nn::forward(network_, input_)).front());
}

NnAcceleratorTiming time_on_accelerator(const nn::Graph& network, const accel::AcceleratorSetup& setup) {
    const std::vector<inference::LoweredOp> lowered = inference::lower_graph(network, {});
    Simulation sim;
    const accel::Accelerator& a = inference::add_network(sim, inference::gemms_of(lowered), setup);
    sim.run();
    sim.finish();
    NnAcceleratorTiming t;
    t.gemms = lowered.size();
    for (const accel::LayerStats& s : a.results()) {
        t.cycles += s.total_cycles;
        t.macs += s.macs;
    }
    t.seconds = double(t.cycles) / setup.config.clock_hz;
    return t;
}

}  // namespace qdes::qec
