#pragma once
/// Training of MLPs and small CNNs: backpropagation, softmax cross-entropy, SGD with momentum and weight decay.
///
/// The semantics are PyTorch's, so that a network trained here behaves like one trained there:
/// - the loss is the mean softmax cross-entropy of the last node's output (a last softmax node is folded into it);
/// - batch norm in training mode normalises with the batch's mean and biased variance and moves the running
///   statistics by momentum 0.1 towards the batch's mean and unbiased variance;
/// - SGD: g = grad + weight_decay w; v = g on the first step, else v = momentum v + g; w -= lr v (decay on every
///   weight, biases and batch-norm affine parameters included);
/// - the learning rate follows a per-epoch cosine from lr down (torch CosineAnnealingLR over the epochs), or stays;
/// - after every step, weights that have a mask are multiplied by it, so pruned weights stay zero.
///
/// Operators trained: convolution (with groups), fully connected, batch norm, ReLU, clip, max/average/global
/// pooling, residual add, flatten, tokens, softmax (last). Mixture-of-experts nodes and fake-quantized nodes are
/// refused (train before quantizing).

#include <cstdint>
#include <functional>
#include <map>
#include <random>
#include <string>
#include <vector>

#include "models/nn/dataset.h"
#include "models/nn/graph.h"

namespace qdes::nn {

/// Gradient of the loss with respect to each trainable weight: [node index][role] -> tensor of the weight's shape.
using WeightGrads = std::map<int, std::map<std::string, Tensor>>;

struct LossGradients {
    double loss = 0;           ///< mean cross-entropy over the batch
    std::int64_t correct = 0;  ///< top-1 right answers in the batch
    WeightGrads grads;
    /// Batch-norm nodes in training mode: the batch's per-channel mean and unbiased variance, by node index.
    std::map<int, std::pair<std::vector<double>, std::vector<double>>> batch_stats;
};

struct GradientOptions {
    /// Batch norm normalises with the batch's statistics (training mode); otherwise with the running ones.
    bool batchnorm_training = true;
};

/// The loss of `graph` on a labelled batch and its gradient with respect to every weight of conv, linear and batch
/// norm nodes. Throws ModelError for an operator the trainer does not handle, naming the node.
LossGradients loss_gradients(const Graph& graph, const Tensor& batch, const std::vector<int>& labels,
                             const GradientOptions& options = {});

/// The mean cross-entropy only (batch norm in evaluation mode unless told), without gradients.
double mean_loss(const Graph& graph, const Tensor& batch, const std::vector<int>& labels,
                 const GradientOptions& options = {.batchnorm_training = false});

/// Checks that the trainer handles every node of `graph`; throws ModelError naming the first one it does not.
void check_trainable(const Graph& graph);

/// PyTorch's default initialisation, seeded: conv and linear weights and biases uniform in +-1/sqrt(fan in), batch
/// norm gamma 1, beta 0, running mean 0 and variance 1. Masks are applied after.
void initialize(Graph& graph, std::uint64_t seed);

/// Moves each batch-norm node's running statistics by momentum 0.1 towards the batch statistics loss_gradients
/// measured.
void update_running_stats(Graph& graph,
                          const std::map<int, std::pair<std::vector<double>, std::vector<double>>>& batch_stats);

/// SGD with momentum and weight decay over a graph's weights (see the header comment).
class Sgd {
  public:
    Sgd(double momentum, double weight_decay) : momentum_(momentum), weight_decay_(weight_decay) {}
    /// One step with learning rate `lr`; then masked weights are zeroed.
    void step(Graph& graph, const WeightGrads& grads, double lr);

  private:
    double momentum_, weight_decay_;
    WeightGrads velocity_;
};

enum class LrSchedule { kConstant, kCosine };

struct EpochLog {
    int epoch = 0;              ///< 1-based
    double lr = 0;              ///< the epoch's learning rate
    double loss = 0;            ///< mean training loss over the epoch's steps (weights moving)
    double train_accuracy = 0;  ///< top-1 over the epoch's batches (weights moving)
    std::int64_t steps = 0;     ///< steps taken so far
};

struct TrainOptions {
    int epochs = 10;
    std::int64_t batch_size = 32;
    double lr = 0.05;
    double momentum = 0.9;
    double weight_decay = 1e-4;
    LrSchedule schedule = LrSchedule::kCosine;
    std::uint64_t seed = 1;  ///< sample order
    /// Stop after this many SGD steps in all (0: run every epoch); for lottery-ticket rewinding points.
    std::int64_t max_steps = 0;
    /// Called after each epoch.
    std::function<void(const EpochLog&)> on_epoch;
    /// Called after each step with the number of steps taken so far (e.g. to save a rewinding point).
    std::function<void(std::int64_t, const Graph&)> on_step;
};

/// Trains `graph` on `data` (the samples' shape must be the network's input). Returns one log per epoch run.
std::vector<EpochLog> train(Graph& graph, const Dataset& data, const TrainOptions& options);

/// A seeded permutation of 0..n-1 (Fisher-Yates with an unbiased draw), the same on every platform.
std::vector<std::int64_t> permutation(std::int64_t n, std::mt19937_64& rng);

}  // namespace qdes::nn
