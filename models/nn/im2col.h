#pragma once
/// The convolution's column matrix and its adjoint, shared by inference and training.

#include <cstdint>

namespace qdes::nn {

/// Geometry of one convolution group on one sample: `channels` input planes of H x W, an R x S kernel, an output
/// of P x Q pixels.
struct ConvGeometry {
    std::int64_t channels = 0, H = 0, W = 0, R = 1, S = 1, P = 0, Q = 0;
    std::int64_t stride_h = 1, stride_w = 1, pad_h = 0, pad_w = 0;
};

/// Writes the column matrix [channels R S, P Q]: row (c, r, t) holds the input value under kernel tap (r, t) of
/// channel c at every output pixel (0 in the padding).
void im2col(const ConvGeometry& g, const float* planes, float* cols);
/// The adjoint of im2col: adds each column entry back onto the input pixel it was read from.
void col2im_add(const ConvGeometry& g, const float* cols, float* planes);

}  // namespace qdes::nn
