#pragma once
/// Curvature of the loss per layer, for mixed-precision quantization (HAWQ-V2, Dong et al., NeurIPS 2020): the
/// Hessian trace of the mean cross-entropy with respect to one weight tensor, estimated by Hutchinson's method,
/// Tr(H) ~ (1/m) sum_t z_t' H z_t with Rademacher z_t. The Hessian-vector products are central differences of the
/// backpropagated gradient, (g(w + eps z) - g(w - eps z)) / (2 eps), as the workload notes allow for small networks
/// (PyTorch would use double backpropagation). Batch norm runs in evaluation mode, so the loss is a fixed function
/// of the weights.

#include <cstdint>
#include <string>
#include <vector>

#include "models/nn/graph.h"

namespace qdes::nn {

/// One weight tensor of a graph.
struct WeightRef {
    int node = -1;
    std::string role = "weight";
};

/// H v for the weight `w` of `graph`, on the labelled batch, by central differences with step `eps` (v is scaled
/// to unit largest entry first and the result scaled back).
Tensor hessian_vector_product(const Graph& graph, const Tensor& batch, const std::vector<int>& labels,
                              const WeightRef& w, const Tensor& v, double eps = 1e-3);

struct TraceEstimate {
    double trace = 0;      ///< mean of z' H z over the probes
    double std_error = 0;  ///< standard error of that mean (sample standard deviation / sqrt(probes))
    int probes = 0;
};

/// Hutchinson's estimate with `probes` Rademacher vectors, seeded; stops early once at least 10 probes have been
/// drawn and the standard error is below `rel_tol` times |trace| (0: never early).
TraceEstimate hutchinson_trace(const Graph& graph, const Tensor& batch, const std::vector<int>& labels,
                               const WeightRef& w, int probes, std::uint64_t seed, double rel_tol = 0,
                               double eps = 1e-3);

/// The trace as the sum of e_i' H e_i over every coordinate (one product per weight: for small tensors and checks).
double coordinate_trace(const Graph& graph, const Tensor& batch, const std::vector<int>& labels, const WeightRef& w,
                        double eps = 1e-3);

}  // namespace qdes::nn
