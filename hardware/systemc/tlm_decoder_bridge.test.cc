// The decoder bridge (decoder_model.h) with the example model models/tlm_union_find.cc: the same corrections as the
// built-in union-find, and the latency the model annotates.

#include <gtest/gtest.h>

#include <stdexcept>

#include "models/quantum/codes/css_code.h"
#include "protocols/qec/decoder_models.h"
#include "protocols/qec/union_find.h"
#include "sim/random.h"

namespace qdes::qec {
namespace {

// 2000 histories of the L = 6 toric code over 4 noisy rounds (p = q = 2%): the example's observables and edges equal
// the union-find's, and each decode takes 80 ns + 16 ns per defect.
TEST(TlmDecoderBridge, TheExampleModelDecodesAsTheUnionFindInItsAnnotatedTime) {
    const DecodingGraph g = css_decoding_graph(quantum::make_code("toric2d", 6), 'Z', 4, 0.02, 0.02);
    auto model = make_decoder_model("tlm_union_find", g);
    EXPECT_STREQ(model->name(), "tlm_union_find");
    UnionFindDecoder reference(g);
    GraphSampler sampler(g);
    quantum::FastRng rng(RandomStream(17, 1));
    GraphSample sample;
    std::vector<std::uint32_t> edges, reference_edges;
    int nonempty = 0;
    for (int s = 0; s < 2000; ++s) {
        sampler.sample(rng, sample);
        const bool with_edges = s % 2 == 1;
        const std::uint64_t got = with_edges ? model->decode_edges(sample.defects, edges) : model->decode(sample.defects);
        const std::uint64_t want =
            with_edges ? reference.decode_edges(sample.defects, reference_edges) : reference.decode(sample.defects);
        ASSERT_EQ(got, want) << "shot " << s;
        if (with_edges) ASSERT_EQ(edges, reference_edges) << "shot " << s;
        ASSERT_TRUE(model->last_simulated().has_value());
        EXPECT_EQ(model->last_simulated()->latency_ps, 80'000u + 16'000u * sample.defects.size()) << "shot " << s;
        nonempty += !sample.defects.empty();
    }
    EXPECT_GT(nonempty, 1900);
}

TEST(TlmDecoderBridge, AnUnknownModelIsRefusedWithTheKnownOnes) {
    const DecodingGraph g = css_decoding_graph(quantum::make_code("toric2d", 4), 'Z', 0, 0.05, 0);
    try {
        make_decoder_model("nope", g);
        FAIL() << "an unknown decoder model was made";
    } catch (const std::invalid_argument& e) {
        EXPECT_NE(std::string(e.what()).find("no decoder model \"nope\" (known: tlm_union_find)"), std::string::npos)
            << e.what();
    }
}

}  // namespace
}  // namespace qdes::qec
