#pragma once
/// qdes's HDF5 model files (docs/nn_model_format.md): one group per node under /layers, named NNN_<name> so that
/// name order is topological order, with the operator and its attributes as attributes and its weights, masks and
/// quantization settings as datasets and attributes. Written by scripts/train_fixtures.py and by qdes.

#include <optional>
#include <string>

#include "models/nn/graph.h"

namespace qdes::nn {

/// What a model file may carry beyond the network: the logits of the framework that trained it, for checks.
struct ReferenceOutputs {
    std::string dataset;  ///< the test set the logits belong to
    double top1 = 0;      ///< the accuracy the framework measured
    Tensor logits;        ///< [samples, classes]
};

/// Reads a model file. Throws ModelError naming the file, the layer group and the attribute or dataset for anything
/// missing or malformed, and checks the network (Graph::infer).
Graph read_model(const std::string& path);
/// The /reference group of a model file, if it has one.
std::optional<ReferenceOutputs> read_reference(const std::string& path);

/// Writes `graph` to a new file at `path` (written to a temporary name, then renamed, so an interrupted write leaves
/// no half file); `provenance` is stored as the root attribute "provenance" (what made this model).
void write_model(const std::string& path, const Graph& graph, const std::string& provenance);

}  // namespace qdes::nn
