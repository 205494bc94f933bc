// Topology files and layer specs: their lowering to GEMMs (hand-computed shapes) and every bad input named by file,
// line and reason.

#include "protocols/inference/topology.h"

#include <gtest/gtest.h>

#include "tests/support/test_util.h"

namespace qdes::inference {
namespace {

const char* kConvHeader = "Layer name, IFMAP Height, IFMAP Width, Filter Height, Filter Width, Channels, Num Filter, Strides,\n";

TEST(Topology, ConvolutionLowersToGemm) {
    // AlexNet conv1: E = ceil((224 - 11 + 4) / 4) = 55 per side.
    const auto layers = parse_topology_csv(std::string(kConvHeader) + "Conv1     ,224 ,224 ,11 ,11 ,3 ,96 ,4 ,\n", "a.csv", false);
    const auto ops = lower(layers, {});
    ASSERT_EQ(ops.size(), 1u);
    EXPECT_EQ(ops[0].name, "Conv1");
    EXPECT_EQ(ops[0].M, 3025u);
    EXPECT_EQ(ops[0].N, 96u);
    EXPECT_EQ(ops[0].K, 363u);
    EXPECT_EQ(ops[0].input_elements, 224u * 224 * 3);
    EXPECT_EQ(ops[0].source, "a.csv:2");
}

TEST(Topology, OutputSideRoundsUpLikeScaleSim) {
    EXPECT_EQ(conv_output_side(224, 7, 2), 110u);  // ceil(219 / 2)
    EXPECT_EQ(conv_output_side(13, 3, 1), 11u);
    EXPECT_EQ(conv_output_side(7, 3, 2), 3u);       // ceil(6 / 2)
    EXPECT_EQ(conv_output_side(112, 3, 2), 56u);    // ceil(111 / 2)
}

TEST(Topology, DepthwiseRowsOfMobileNet) {
    const std::string text = std::string(kConvHeader) + "Conv2,  112, 112,    3, 3,      32,      1,     1,\n";
    LoweringOptions literal;
    const auto dense = lower(parse_topology_csv(text, "m.csv", false), literal);
    EXPECT_EQ(dense[0].N, 1u);
    EXPECT_EQ(dense[0].K, 9u * 32);
    EXPECT_EQ(dense[0].groups, 1u);
    LoweringOptions dw;
    dw.single_filter_is_depthwise = true;
    const auto grouped = lower(parse_topology_csv(text, "m.csv", false), dw);
    EXPECT_EQ(grouped[0].groups, 32u);
    EXPECT_EQ(grouped[0].N, 1u);
    EXPECT_EQ(grouped[0].K, 9u);
    EXPECT_EQ(grouped[0].M, 110u * 110);
    EXPECT_EQ(grouped[0].macs(), 110u * 110 * 9 * 32);  // the depthwise layer's real MACs
}

TEST(Topology, GemmFileAndSparsityColumn) {
    const auto gemm = lower(parse_topology_csv("Layer,M,N,K,\nQKT,1024,1024,64,\n", "g.csv", true), {});
    EXPECT_EQ(gemm[0].M, 1024u);
    EXPECT_EQ(gemm[0].K, 64u);
    const auto sparse = lower(parse_topology_csv(
        "Layer name, IFMAP Height, IFMAP Width, Filter Height, Filter Width, Channels, Num Filter, Strides, Sparsity,\n"
        "Conv1, 224, 224, 11, 11, 3, 96, 4, 1:4,", "s.csv", false), {});
    EXPECT_EQ(sparse[0].sparsity.kind, accel::Sparsity::Kind::kNM);
    EXPECT_EQ(sparse[0].effective_k(), 91u);  // ceil(363 / 4)
}

TEST(Topology, LayerSpecs) {
    const Layer c = parse_layer_spec("conv1: conv H=224 W=224 R=11 S=11 C=3 F=96 stride=4 wbits=4 ibits=8", "x.yaml: layers[0]");
    EXPECT_EQ(c.F, 96u);
    ASSERT_TRUE(c.precision.has_value());
    EXPECT_EQ(c.precision->weight_bits, 4u);
    EXPECT_EQ(c.precision->output_bits, 8u);
    const Layer d = parse_layer_spec("dw: dwconv H=112 W=112 R=3 S=3 C=32", "w");
    EXPECT_EQ(d.kind, Layer::Kind::kDepthwiseConv);
    const Layer g = parse_layer_spec("fc: gemm M=1 N=1000 K=512 density=0.25 format=csr", "w");
    ASSERT_TRUE(g.sparsity.has_value());
    EXPECT_EQ(g.sparsity->kind, accel::Sparsity::Kind::kUnstructured);
    EXPECT_EQ(g.sparsity->format, accel::Sparsity::Format::kCsr);
    EXPECT_DOUBLE_EQ(g.sparsity->density, 0.25);
}

void expect_error(const std::string& text, bool gemm, const std::string& fragment) {
    try {
        lower(parse_topology_csv(text, "t.csv", gemm), {});
        ADD_FAILURE() << "accepted: " << text;
    } catch (const accel::AccelInputError& e) {
        EXPECT_NE(std::string(e.what()).find(fragment), std::string::npos) << e.what();
    }
}

TEST(Topology, BadRowsNameFileLineAndReason) {
    const std::string h = kConvHeader;
    expect_error(h + "Conv1, 224, 224, 11, 11, 3, 96,\n", false, "t.csv:2: expected 8 fields, found 7");
    expect_error(h + "Conv1, 224, 224, 11, 11, 3, 96, 4,\nConv2, 27, 27, 5, 5, 0, 256, 1,\n", false,
                 "t.csv:3: Channels is 0; it must be positive");
    expect_error(h + "Conv1, 224, -224, 11, 11, 3, 96, 4,\n", false, "t.csv:2: IFMAP Width is -224; it must be positive");
    expect_error(h + "Conv1, 224, 22x4, 11, 11, 3, 96, 4,\n", false, "t.csv:2: IFMAP Width \"22x4\" is not a whole number");
    expect_error(h + "Conv1, 5, 5, 7, 7, 3, 96, 1,\n", false, "t.csv:2: layer \"Conv1\": filter 7x7 is larger than its input 5x5");
    expect_error(h + "Conv1, 224, 224, 11, 11, 3, 96, 0,\n", false, "t.csv:2: Strides is 0");
    expect_error(h, false, "t.csv: no layers");
    expect_error("Layer,M,N,K,\nA,1,2,3,\n", false, "t.csv:1: the header has 4 columns");
    expect_error(h + "Conv1, 224, 224, 11, 11, 3, 96, 4,\n", true, "t.csv:1: --gemm expects");
    expect_error("Layer,M,N,K,\nA,1,0,3,\n", true, "t.csv:2: N is 0");
    expect_error("Layer name, IFMAP Height, IFMAP Width, Filter Height, Filter Width, Channels, Num Filter, Strides, Sparsity,\n"
                 "Conv1, 224, 224, 11, 11, 3, 96, 4, 5:4,\n", false, "t.csv:2: N:M sparsity 5:4 needs 1 <= N <= M");
}

void expect_spec_error(const std::string& text, const std::string& fragment) {
    try {
        lower({parse_layer_spec(text, "s.yaml:7: layers[2]")}, {});
        ADD_FAILURE() << "accepted: " << text;
    } catch (const accel::AccelInputError& e) {
        EXPECT_NE(std::string(e.what()).find(fragment), std::string::npos) << e.what();
    }
}

TEST(Topology, BadLayerSpecs) {
    expect_spec_error("fc gemm M=1", "s.yaml:7: layers[2]: \"fc gemm M=1\" is not \"name: kind key=value ...\"");
    expect_spec_error("fc: gem M=1 N=2 K=3", "kind \"gem\" is not conv, dwconv or gemm (did you mean \"gemm\"?)");
    expect_spec_error("fc: gemm M=1 N=2", "gemm needs k=");
    expect_spec_error("fc: gemm M=1 N=2 K=3 wbits=0", "wbits is 0; it must be positive");
    expect_spec_error("fc: gemm M=1 N=2 K=3 wbits=1", "weight precision of 1 bits: must be 2 to 32 bits");
    expect_spec_error("fc: gemm M=1 N=2 K=3 ibits=33", "input precision of 33 bits");
    expect_spec_error("fc: gemm M=1 N=2 K=3 sparsity=3:2", "N:M sparsity 3:2 needs 1 <= N <= M");
    expect_spec_error("fc: gemm M=1 N=2 K=3 density=1.5", "density \"1.5\" must be a number in (0, 1]");
    expect_spec_error("fc: gemm M=1 N=2 K=3 stride=2", "unknown key \"stride\" for gemm");
    expect_spec_error("c: conv H=4 W=4 R=5 S=3 C=1 F=1", "filter 5x3 is larger than its input 4x4");
}

}  // namespace
}  // namespace qdes::inference
