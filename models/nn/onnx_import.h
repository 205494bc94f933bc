#pragma once
/// Imports an ONNX model (as torch.onnx.export writes it) into a Graph, through Debian's libonnx protobuf classes.
///
/// Supported operators: Conv (groups, symmetric pads, no dilation), Gemm, MatMul (+ Add of a constant as the bias),
/// BatchNormalization, Relu, Clip, MaxPool, AveragePool (floor mode), GlobalAveragePool, Add, Flatten, Reshape to
/// [batch, -1], Softmax, Identity, Dropout, Constant, and QuantizeLinear / DequantizeLinear:
/// - on a constant weight: the weight becomes its dequantized values, and the layer's weight_bits 8;
/// - on an activation: the consuming layer fake-quantizes that input (scale, zero point, 8 bits).
/// Shapes are inferred by Graph::infer from the input's shape (the batch dimension is dropped).
///
/// Shape-only files (initializers with dims but no values, as the fixtures of torchvision architectures are
/// stored) import with made-up weights when `synthesize_missing_weights` is set: He-uniform weights from a seeded
/// stream, zero biases, unit BN scale and variance. Graph::synthetic_weights then says so.

#include <cstdint>
#include <string>

#include "models/nn/graph.h"

namespace qdes::nn {

struct OnnxImportOptions {
    bool synthesize_missing_weights = true;
    std::uint64_t seed = 1;
};

/// Throws ModelError naming the file and the ONNX node (name and op type) for anything it cannot import.
Graph import_onnx(const std::string& path, const OnnxImportOptions& options = {});
/// The same from a serialized model in memory; `name` stands for the file in messages and names the graph.
Graph import_onnx_bytes(const std::string& bytes, const std::string& name, const OnnxImportOptions& options = {});

/// Reads per-layer bit widths that ONNX cannot state (below 8 bits) from a YAML sidecar:
///     layers:
///       fc1: {weight_bits: 4, activation_bits: 8}
/// Throws ModelError naming the file, line and key for an unknown layer or key, or a width outside 1..32.
void apply_bit_sidecar(Graph& graph, const std::string& yaml_path);

}  // namespace qdes::nn
