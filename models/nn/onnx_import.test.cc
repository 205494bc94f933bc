#include "models/nn/onnx_import.h"

#include <gtest/gtest.h>

#include <fstream>

#include "models/nn/dataset.h"
#include "models/nn/inference.h"
#include "models/nn/model_file.h"
#include "onnx/onnx_pb.h"
#include "tests/support/test_util.h"

namespace qdes::nn {
namespace {

using testing::nn_fixture;

std::int64_t count_ops(const Graph& g, Op op) {
    std::int64_t n = 0;
    for (const auto& node : g.nodes) n += node.op == op;
    return n;
}

std::int64_t weight_count(const Graph& g) {
    std::int64_t n = 0;
    for (const auto& node : g.nodes)
        if (node.op == Op::kConv || node.op == Op::kLinear) n += node.param("weight").size();
    return n;
}

// MACs and conv + FC weight counts from forward hooks on torchvision 0.14.1's architectures (and the CIFAR VGG-16
// of the neuron-merging paper); shared/reference/workloads.md section 3 gives the same totals: 1.814 GMAC,
// 300.8 MMAC, 313.5 MMAC.
TEST(OnnxImport, TorchvisionArchitecturesHaveThePublishedMacsAndWeights) {
    const Graph resnet = import_onnx(nn_fixture("resnet18.onnx"));
    EXPECT_TRUE(resnet.synthetic_weights);
    EXPECT_EQ(resnet.input_shape, (Shape{3, 224, 224}));
    EXPECT_EQ(resnet.total_macs(), 1'814'073'344);
    EXPECT_EQ(weight_count(resnet), 11'678'912);
    EXPECT_EQ(count_ops(resnet, Op::kConv), 20);  // BN folded into the convolutions by the export
    EXPECT_EQ(count_ops(resnet, Op::kAdd), 8);
    const Graph mobilenet = import_onnx(nn_fixture("mobilenet_v2.onnx"));
    EXPECT_EQ(mobilenet.total_macs(), 300'774'272);
    EXPECT_EQ(weight_count(mobilenet), 3'469'760);
    EXPECT_EQ(count_ops(mobilenet, Op::kClip), 35);  // ReLU6
    EXPECT_EQ(count_ops(mobilenet, Op::kAdd), 10);
    std::int64_t depthwise = 0;
    for (const auto& n : mobilenet.nodes) depthwise += n.op == Op::kConv && n.groups == n.in_channels && n.groups > 1;
    EXPECT_EQ(depthwise, 17);
    const Graph vgg = import_onnx(nn_fixture("vgg16_cifar.onnx"));
    EXPECT_EQ(vgg.total_macs(), 313'463'808);
    EXPECT_EQ(weight_count(vgg), 14'977'728);
}

TEST(OnnxImport, ShapeOnlyFilesAreRefusedWhenWeightsMayNotBeMadeUp) {
    OnnxImportOptions strict;
    strict.synthesize_missing_weights = false;
    try {
        import_onnx(nn_fixture("vgg16_cifar.onnx"), strict);
        FAIL() << "no error";
    } catch (const ModelError& e) {
        EXPECT_NE(std::string(e.what()).find("has no values (a shape-only file)"), std::string::npos) << e.what();
    }
}

TEST(OnnxImport, ExportedLeNetAndCnnGiveTheLogitsOfTheirHdf5Fixtures) {
    const Dataset test = load_fashion_mnist("test").subset({0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 100, 1000, 9999});
    for (const char* name : {"lenet_300_100", "fmnist_cnn"}) {
        const Graph onnx = import_onnx(nn_fixture(std::string(name) + ".onnx"));
        const Graph h5 = read_model(nn_fixture(std::string(name) + ".h5"));
        EXPECT_FALSE(onnx.synthetic_weights);
        EXPECT_EQ(onnx.total_macs(), h5.total_macs()) << name;
        const Tensor a = forward(onnx, test.samples), b = forward(h5, test.samples);
        ASSERT_EQ(a.shape, b.shape);
        for (std::size_t i = 0; i < a.values.size(); ++i) EXPECT_NEAR(a.values[i], b.values[i], 1e-4) << name;
    }
}

/// A hand-built QDQ model: x -> QuantizeLinear(s = 0.5, z = 0) -> DequantizeLinear -> Gemm with an int8 weight
/// dequantized per output channel.
std::string write_qdq_model(const testing::TempDir& dir) {
    onnx::ModelProto m;
    m.set_ir_version(7);
    m.add_opset_import()->set_version(13);
    auto* g = m.mutable_graph();
    g->set_name("qdq");
    auto* in = g->add_input();
    in->set_name("x");
    auto* tt = in->mutable_type()->mutable_tensor_type();
    tt->set_elem_type(onnx::TensorProto::FLOAT);
    tt->mutable_shape()->add_dim()->set_dim_value(1);
    tt->mutable_shape()->add_dim()->set_dim_value(2);
    g->add_output()->set_name("y");
    auto init = [&](const std::string& name, int type, std::vector<std::int64_t> dims, std::vector<float> f,
                    std::vector<std::int32_t> i) {
        auto* t = g->add_initializer();
        t->set_name(name);
        t->set_data_type(type);
        for (auto d : dims) t->add_dims(d);
        for (float v : f) t->add_float_data(v);
        for (auto v : i) t->add_int32_data(v);
    };
    init("s_x", onnx::TensorProto::FLOAT, {}, {0.5f}, {});
    init("z_x", onnx::TensorProto::UINT8, {}, {}, {0});
    init("w_q", onnx::TensorProto::INT8, {2, 2}, {}, {2, -4, 6, 1});
    init("s_w", onnx::TensorProto::FLOAT, {2}, {0.25f, 0.5f}, {});
    init("z_w", onnx::TensorProto::INT8, {2}, {}, {0, 0});
    auto node = [&](const std::string& op, std::vector<std::string> ins, const std::string& out) {
        auto* n = g->add_node();
        n->set_op_type(op);
        n->set_name(out + "_" + op);
        for (auto& s : ins) n->add_input(s);
        n->add_output(out);
        return n;
    };
    node("QuantizeLinear", {"x", "s_x", "z_x"}, "xq");
    node("DequantizeLinear", {"xq", "s_x", "z_x"}, "xd");
    auto* dq = node("DequantizeLinear", {"w_q", "s_w", "z_w"}, "w");
    auto* axis = dq->add_attribute();
    axis->set_name("axis");
    axis->set_type(onnx::AttributeProto::INT);
    axis->set_i(0);
    auto* gemm = node("Gemm", {"xd", "w"}, "y");
    auto* tb = gemm->add_attribute();
    tb->set_name("transB");
    tb->set_type(onnx::AttributeProto::INT);
    tb->set_i(1);
    const std::string path = (dir.path() / "qdq.onnx").string();
    std::ofstream out(path, std::ios::binary);
    m.SerializeToOstream(&out);
    return path;
}

TEST(OnnxImport, QuantizeDequantizePairsBecomeQuantizedWeightsAndFakeQuantizedInputs) {
    testing::TempDir dir;
    const Graph g = import_onnx(write_qdq_model(dir));
    ASSERT_EQ(g.nodes.size(), 1u);
    const Node& fc = g.nodes[0];
    EXPECT_EQ(fc.weight_bits, 8);
    EXPECT_EQ(fc.weight_scales, 2);  // one per row, zero points all 0
    EXPECT_FALSE(fc.weight_zero_points);
    EXPECT_EQ(fc.activation_bits, 8);
    EXPECT_EQ(fc.param("weight").values, (std::vector<float>{0.5f, -1.0f, 3.0f, 0.5f}));  // per-row scales
    Tensor x({1, 2});
    x.values = {0.8f, -0.3f};  // -> 1.0 (0.8 / 0.5 rounds to 2) and 0 (uint8 clamps at zero)
    const Tensor y = forward(g, x);
    EXPECT_FLOAT_EQ(y.values[0], 0.5f);
    EXPECT_FLOAT_EQ(y.values[1], 3.0f);
}

/// A model whose graph has one input, x of shape [1, 4], and nothing else yet.
onnx::ModelProto model_with_input() {
    onnx::ModelProto m;
    auto* in = m.mutable_graph()->add_input();
    in->set_name("x");
    auto* shape = in->mutable_type()->mutable_tensor_type()->mutable_shape();
    shape->add_dim()->set_dim_value(1);
    shape->add_dim()->set_dim_value(4);
    return m;
}

TEST(OnnxImport, UnsupportedOperatorsAndMissingFilesAreNamed) {
    testing::TempDir dir;
    onnx::ModelProto m = model_with_input();
    auto* g = m.mutable_graph();
    auto* n = g->add_node();
    n->set_op_type("LSTM");
    n->set_name("rnn");
    n->add_input("x");
    n->add_output("y");
    g->add_output()->set_name("y");
    const std::string path = (dir.path() / "lstm.onnx").string();
    {
        std::ofstream out(path, std::ios::binary);
        m.SerializeToOstream(&out);
    }
    try {
        import_onnx(path);
        FAIL();
    } catch (const ModelError& e) {
        EXPECT_NE(std::string(e.what()).find("node 'rnn' (LSTM): operator not supported"), std::string::npos)
            << e.what();
    }
    EXPECT_THROW(import_onnx((dir.path() / "none.onnx").string()), ModelError);
    const auto text = dir.write("text.onnx", "not protobuf at all");
    EXPECT_THROW(import_onnx(text.string()), ModelError);
}

TEST(OnnxImport, InitializersWhoseDataDoesNotFitTheirDimsAreRefused) {
    // Found by reading the importer for fuzz/onnx.cc: int8, uint8 and int32 raw data were read for as many
    // elements as the dims said, past the end of shorter data.
    auto model_with = [](int type, std::vector<std::int64_t> dims, std::string raw) {
        onnx::ModelProto m = model_with_input();
        auto* t = m.mutable_graph()->add_initializer();
        t->set_name("w");
        t->set_data_type(type);
        for (auto d : dims) t->add_dims(d);
        t->set_raw_data(raw);
        std::string bytes;
        m.SerializeToString(&bytes);
        return bytes;
    };
    auto error_of = [](const std::string& bytes) -> std::string {
        try {
            import_onnx_bytes(bytes, "m.onnx");
        } catch (const ModelError& e) {
            return e.what();
        }
        return "(no error)";
    };
    for (int type : {onnx::TensorProto::INT8, onnx::TensorProto::UINT8, onnx::TensorProto::INT32})
        EXPECT_EQ(error_of(model_with(type, {1000, 1000}, "abcd")),
                  "m.onnx: initializer w: raw_data size does not match the dims")
            << type;
    EXPECT_EQ(error_of(model_with(onnx::TensorProto::FLOAT, {4, -2}, "")),
              "m.onnx: initializer w: dimension -2 is negative");
    EXPECT_EQ(error_of(model_with(onnx::TensorProto::FLOAT, {1 << 20, 1 << 20}, "")),
              "m.onnx: initializer w: more than 2147483648 elements (2^31), more than qdes imports");
}

TEST(OnnxImport, QuantizeLinearWithoutConstantScaleOrZeroPointIsRefusedWithTheNode) {
    // Found by fuzz/onnx.cc: a zero point that is no constant escaped as std::out_of_range ("map::at"), and an
    // empty scale was read past its end.
    auto quantize_with = [](bool zero_point_constant, bool empty_scale) {
        onnx::ModelProto m = model_with_input();
        auto* g = m.mutable_graph();
        auto* scale = g->add_initializer();
        scale->set_name("s");
        scale->set_data_type(onnx::TensorProto::FLOAT);
        if (empty_scale) {
            scale->add_dims(0);
        } else {
            scale->add_float_data(0.1f);
        }
        auto* w = g->add_initializer();  // a constant to quantize
        w->set_name("w");
        w->set_data_type(onnx::TensorProto::FLOAT);
        w->add_dims(2);
        w->add_float_data(1.0f);
        w->add_float_data(-1.0f);
        auto* n = g->add_node();
        n->set_op_type("QuantizeLinear");
        n->set_name("q");
        n->add_input(empty_scale ? "w" : "x");
        n->add_input("s");
        n->add_input(zero_point_constant ? "s" : "x");
        n->add_output("y");
        std::string bytes;
        m.SerializeToString(&bytes);
        try {
            import_onnx_bytes(bytes, "q.onnx");
        } catch (const ModelError& e) {
            return std::string(e.what());
        }
        return std::string("(no error)");
    };
    EXPECT_EQ(quantize_with(false, false),
              "q.onnx: node 'q' (QuantizeLinear): zero point 'x' must be a constant with values");
    EXPECT_EQ(quantize_with(true, true), "q.onnx: node 'q' (QuantizeLinear): the scale is empty");
}

TEST(OnnxImport, BytesInMemoryImportAsTheFileDoes) {
    const std::string path = nn_fixture("lenet_300_100.onnx");
    const Graph from_file = import_onnx(path);
    const Graph from_bytes = import_onnx_bytes(testing::read_text(path), "lenet_300_100.onnx");
    EXPECT_EQ(from_bytes.name, from_file.name);
    ASSERT_EQ(from_bytes.nodes.size(), from_file.nodes.size());
    EXPECT_EQ(weight_count(from_bytes), weight_count(from_file));
    for (std::size_t i = 0; i < from_file.nodes.size(); ++i) {
        if (from_file.nodes[i].op == Op::kLinear) {
            EXPECT_EQ(from_bytes.nodes[i].param("weight").values, from_file.nodes[i].param("weight").values) << i;
        }
    }
    try {
        import_onnx_bytes("not protobuf at all", "memory.onnx");
        FAIL();
    } catch (const ModelError& e) {
        EXPECT_EQ(std::string(e.what()), "memory.onnx: not an ONNX model (protobuf parse failed)");
    }
}

TEST(OnnxImport, BitSidecarSetsWidthsBelowEightAndNamesBadKeys) {
    Graph g = import_onnx(nn_fixture("lenet_300_100.onnx"));
    const std::string fc = g.nodes[1].name;
    testing::TempDir dir;
    apply_bit_sidecar(g,
                      dir.write("ok.yaml", "layers:\n  " + fc + ": {weight_bits: 4, activation_bits: 6}\n").string());
    EXPECT_EQ(g.nodes[1].weight_bits, 4);
    EXPECT_EQ(g.nodes[1].activation_bits, 6);
    try {
        apply_bit_sidecar(g, dir.write("bad.yaml", "layers:\n  " + fc + ":\n    wbits: 4\n").string());
        FAIL();
    } catch (const ModelError& e) {
        EXPECT_NE(std::string(e.what()).find("bad.yaml:3:5: layers." + fc + ".wbits: unknown key"), std::string::npos)
            << e.what();
    }
    EXPECT_THROW(apply_bit_sidecar(g, dir.write("w.yaml", "layers:\n  nope: {weight_bits: 4}\n").string()), ModelError);
    EXPECT_THROW(apply_bit_sidecar(g, dir.write("z.yaml", "layers:\n  " + fc + ": {weight_bits: 0}\n").string()),
                 ModelError);
}

}  // namespace
}  // namespace qdes::nn
