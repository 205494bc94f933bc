#pragma once
/// The transforms `nn_model` applies to a network before it is evaluated and lowered, in this order:
/// 1. pruning (magnitude, N:M, structured, neuron merging, REPrune, MoE experts) or a lottery-ticket search (which
///    trains);
/// 2. fine-tuning on the training split (`finetune_epochs` > 0);
/// 3. quantization (batch norm folded, weights, calibrated activations; or mixed precision under a size, BOPS or
///    latency budget, the latency measured on an accelerator built before the model).
/// Errors are ParamErrors naming the scenario key at fault.

#include <string>

#include "models/nn/graph.h"
#include "protocols/inference/network.h"
#include "sim/params.h"

namespace qdes {
class Simulation;
}

namespace qdes::inference {

/// Declares the transform parameters of `nn_model`.
void declare_transform_params(ParamSchema& params);

/// Applies the transforms the parameters ask for; files are found relative to the scenario (`sim`). `component`
/// names the model in progress lines, which go to stderr when it is a terminal. When the simulation only checks
/// the scenario (Simulation::check_only), training, lottery rounds and Hessians are checked but not run.
void transform(nn::Graph& graph, const ParamValues& params, const Simulation& sim, const std::string& component);

/// How `nn_model` lowers its network: batch, default precisions and sparse format from its parameters.
GraphLoweringOptions lowering_options(const ParamValues& params);

/// The dataset the network is evaluated, trained and calibrated on: the scenario's, else the model file's; "" for
/// none.
std::string dataset_of(const nn::Graph& graph, const ParamValues& params);

}  // namespace qdes::inference
