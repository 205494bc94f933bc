#include "protocols/qec/nn_decoder.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>

#include "models/nn/inference.h"
#include "models/nn/prune.h"
#include "models/nn/quantize.h"
#include "models/quantum/codes/css_code.h"
#include "protocols/qec/union_find.h"

namespace qdes::qec {
namespace {

struct Rates {
    double nn = 0, uf = 0, matching = 0, trivial = 0;
};

// Logical error of the network and of the graph decoders on the same held-out histories.
Rates rates(const DecodingGraph& g, const NnDecoderShape& shape, const nn::Graph& net, const nn::Dataset& test) {
    NeuralDecoder neural(net, shape);
    UnionFindDecoder uf(g);
    auto matching = make_decoder("matching", g);
    Rates r;
    const std::size_t per = shape.nodes();
    std::vector<std::uint32_t> defects;
    for (std::int64_t s = 0; s < test.size(); ++s) {
        defects.clear();
        for (std::size_t v = 0; v < per; ++v)
            if (test.samples.values[std::size_t(s) * per + v] > 0.5f) defects.push_back(std::uint32_t(v));
        const auto label = std::uint64_t(test.labels[std::size_t(s)]);
        r.nn += neural.decode(defects) != label;
        r.uf += uf.decode(defects) != label;
        r.matching += matching->decode(defects) != label;
        r.trivial += label != 0;
    }
    const double n = double(test.size());
    return {r.nn / n, r.uf / n, r.matching / n, r.trivial / n};
}

// L = 4 toric code, one noisy round and the perfect readout (2 layers), p = q = 4%. 20 000 training histories,
// 5 epochs: on 10 000 held-out histories the network fails 8.3%, union-find 5.5%, matching 4.7%, and guessing "no
// flip" 26%. The test holds the network below half the guess (one standard error is 0.3%) and above matching (it
// sees no more than the syndrome matching sees).
TEST(NeuralDecoder, LearnsToDecodeAToricHistoryFromSampledSyndromes) {
    const DecodingGraph g = css_decoding_graph(quantum::make_code("toric2d", 4), 'Z', 1, 0.04, 0.04);
    const NnDecoderShape shape{4, 2, 2};
    const nn::Dataset train = syndrome_dataset(g, shape, 20000, 1);
    const nn::Dataset test = syndrome_dataset(g, shape, 10000, 2);
    nn::Graph net = nn_decoder_network(shape, 8, 3);
    nn::TrainOptions o;
    o.epochs = 5;
    o.batch_size = 64;
    nn::train(net, train, o);
    const Rates r = rates(g, shape, net, test);
    std::printf("neural %.4f, union-find %.4f, matching %.4f, no flip %.4f\n", r.nn, r.uf, r.matching, r.trivial);
    EXPECT_LT(r.nn, 0.5 * r.trivial);
    EXPECT_GT(r.nn, r.matching);
    EXPECT_NEAR(r.trivial, 0.27, 0.02);
}

// The same network, 2:4-pruned (its weights' magnitudes) and 8-bit quantized, runs on a 16 x 16 array in fewer
// cycles than dense: the array skips the pruned half of K. Dense: conv1 16 x 8 x 18 = 2304 MACs, conv2 16 x 8 x 72 =
// 9216, fc 4 x 128 = 512. Pruned: conv2 and fc halve; conv1, whose K = 18 is no multiple of 4, stays dense.
TEST(NeuralDecoder, PrunedNetworkRunsInFewerCyclesOnTheArray) {
    const NnDecoderShape shape{4, 2, 2};
    nn::Graph dense = nn_decoder_network(shape, 8, 3);
    nn::Graph sparse = dense;
    nn::prune_nm(sparse, 2, 4);
    nn::quantize_weights(sparse, {});
    accel::AcceleratorSetup setup;
    setup.config.rows = setup.config.cols = 16;
    const NnAcceleratorTiming a = time_on_accelerator(dense, setup), b = time_on_accelerator(sparse, setup);
    EXPECT_EQ(a.gemms, 3u);
    EXPECT_EQ(a.macs, std::uint64_t(dense.total_macs()));
    EXPECT_EQ(a.macs, 2304u + 9216u + 512u);
    EXPECT_EQ(b.macs, 2304u + 9216u / 2 + 512u / 2);
    EXPECT_LT(b.cycles, a.cycles);
    EXPECT_DOUBLE_EQ(a.seconds, double(a.cycles) / 1e9);
}

TEST(NeuralDecoder, RefusesAGraphOfAnotherShape) {
    const DecodingGraph g = css_decoding_graph(quantum::make_code("toric2d", 4), 'Z', 1, 0.04, 0.04);
    EXPECT_THROW(syndrome_dataset(g, NnDecoderShape{4, 3, 2}, 10, 1), std::invalid_argument);
    EXPECT_THROW(NeuralDecoder(nn_decoder_network(NnDecoderShape{4, 2, 2}, 4, 1), NnDecoderShape{5, 2, 2}),
                 std::invalid_argument);
}

}  // namespace
}  // namespace qdes::qec
