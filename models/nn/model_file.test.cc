#include "models/nn/model_file.h"

#include <gtest/gtest.h>

#include "models/nn/dataset.h"
#include "models/nn/inference.h"
#include "sim/h5.h"
#include "tests/support/test_util.h"

namespace qdes::nn {
namespace {

using testing::nn_fixture;

TEST(ModelFile, WriteThenReadGivesTheSameNetworkMasksAndBits) {
    Graph g = read_model(nn_fixture("digits_mlp.h5"));
    Tensor mask(g.nodes[0].param("weight").shape, 1.0f);
    mask.values[3] = 0.0f;
    g.nodes[0].masks["weight"] = mask;
    g.nodes[0].param("weight").values[3] = 0.0f;
    g.nodes[2].weight_bits = 4;
    g.nodes[2].activation_bits = 8;
    testing::TempDir dir;
    const std::string path = (dir.path() / "copy.h5").string();
    write_model(path, g, "test");
    EXPECT_FALSE(std::filesystem::exists(path + ".partial"));
    const Graph back = read_model(path);
    ASSERT_EQ(back.nodes.size(), g.nodes.size());
    EXPECT_EQ(back.input_shape, g.input_shape);
    EXPECT_EQ(back.name, g.name);
    for (std::size_t i = 0; i < g.nodes.size(); ++i) {
        EXPECT_EQ(back.nodes[i].name, g.nodes[i].name);
        EXPECT_EQ(back.nodes[i].op, g.nodes[i].op);
        for (const auto& [role, t] : g.nodes[i].params) EXPECT_EQ(back.nodes[i].param(role).values, t.values);
    }
    EXPECT_EQ(back.nodes[0].masks.at("weight").values, mask.values);
    EXPECT_EQ(back.nodes[2].weight_bits, 4);
    EXPECT_EQ(back.nodes[2].activation_bits, 8);
    const Dataset d = load_digits("test");
    EXPECT_EQ(forward(back, d.samples).values, forward(g, d.samples).values);
}

TEST(ModelFile, ResidualInputsSurviveTheRoundTrip) {
    const Graph g = read_model(nn_fixture("moe_pretrained.h5"));
    const int add = g.find("residual");
    ASSERT_GE(add, 0);
    EXPECT_EQ(g.nodes[static_cast<std::size_t>(add)].inputs, (std::vector<int>{g.find("tokens"), g.find("moe")}));
    testing::TempDir dir;
    write_model((dir.path() / "m.h5").string(), g, "test");
    EXPECT_EQ(read_model((dir.path() / "m.h5").string()).nodes[static_cast<std::size_t>(add)].inputs,
              g.nodes[static_cast<std::size_t>(add)].inputs);
}

/// Writes a one-layer model file and lets `spoil` damage it; returns read_model's message.
template <class F>
std::string error_of(F spoil) {
    testing::TempDir dir;
    const std::string path = (dir.path() / "bad.h5").string();
    {
        h5::Handle f = h5::create_file(path);
        h5::write_attribute(f.id(), "format", std::string("qdes-nn"));
        h5::write_attribute(f.id(), "input_shape", std::string("4"));
        h5::Handle layers = h5::create_group(f.id(), "layers");
        h5::Handle g = h5::create_group(layers.id(), "000_fc");
        h5::write_attribute(g.id(), "op", std::string("linear"));
        h5::write_attribute(g.id(), "in_features", std::uint64_t{4});
        h5::write_attribute(g.id(), "out_features", std::uint64_t{2});
        const std::vector<float> w(8, 1.0f);
        h5::write_array(g.id(), "weight", {2, 4}, w.data());
        spoil(f.id(), g.id());
    }
    try {
        read_model(path);
    } catch (const ModelError& e) {
        return e.what();
    }
    return "no error";
}

TEST(ModelFile, BadFilesAreRefusedNamingTheGroupAndKey) {
    EXPECT_EQ(error_of([](hid_t, hid_t) {}), "no error");
    EXPECT_NE(error_of([](hid_t, hid_t g) {
                  H5Adelete(g, "in_features");
              }).find("/layers/000_fc: missing attribute 'in_features'"),
              std::string::npos);
    EXPECT_NE(error_of([](hid_t, hid_t g) {
                  h5::write_attribute(g, "op", std::string("dense"));
              }).find("unknown operator 'dense'"),
              std::string::npos);
    EXPECT_NE(
        error_of([](hid_t, hid_t g) { h5::write_attribute(g, "in_features", std::uint64_t{5}); }).find("expects [5]"),
        std::string::npos);
    EXPECT_NE(error_of([](hid_t, hid_t g) {
                  const float b[3] = {0, 0, 0};
                  h5::write_array(g, "bias", {3}, b);
              }).find("weight bias has shape [3], expected [2]"),
              std::string::npos);
    EXPECT_NE(error_of([](hid_t, hid_t g) {
                  const float b[2] = {0, 0};
                  h5::write_array(g, "gamma", {2}, b);
              }).find("dataset 'gamma' is not a weight of a linear node"),
              std::string::npos);
    EXPECT_NE(error_of([](hid_t, hid_t g) {
                  h5::write_attribute(g, "inputs", std::string("stem"));
              }).find("names 'stem', which is not an earlier node"),
              std::string::npos);
    EXPECT_NE(error_of([](hid_t f, hid_t) {
                  h5::write_attribute(f, "input_shape", std::string("4,x"));
              }).find("attribute 'input_shape'"),
              std::string::npos);
    EXPECT_NE(error_of([](hid_t f, hid_t) {
                  h5::write_attribute(f, "format", std::string("keras"));
              }).find("not a qdes model file"),
              std::string::npos);
}

}  // namespace
}  // namespace qdes::nn
