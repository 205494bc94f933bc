#pragma once
/// A per-weight sparsity report in the vocabulary of Intel Distiller's `weights_sparsity_summary` (the columns its
/// users know): element ("fine"), row, column, channel, kernel ("2D") and filter ("3D") sparsity, plus moments.
///
/// For a convolution weight [K, C, R, S]: rows are filters (3D), columns the C R S positions of the [K, C R S]
/// matrix, channels the input channels zero in every filter, kernels the K C R x S slices. For a fully connected
/// weight [out, in]: rows are outputs, columns and channels the inputs, 2D and 3D are not defined (reported as 0).

#include <cstdint>
#include <string>
#include <vector>

#include "models/nn/graph.h"

namespace qdes::nn {

struct WeightSparsity {
    std::string layer;
    std::string role;
    Shape shape;
    std::int64_t nnz_dense = 0;                                               ///< elements
    std::int64_t nnz = 0;                                                     ///< elements not zero
    double fine = 0;                                                          ///< fraction of elements zero
    double rows = 0, cols = 0, channels = 0, kernels_2d = 0, filters_3d = 0;  ///< fractions all zero
    double mean = 0, std = 0, abs_mean = 0;
};

std::vector<WeightSparsity> sparsity_report(const Graph& graph);
/// The report as a text table, percentages with two decimals, and a total row.
std::string format_sparsity_report(const std::vector<WeightSparsity>& rows);

}  // namespace qdes::nn
