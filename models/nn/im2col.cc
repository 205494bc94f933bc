#include "models/nn/im2col.h"

namespace qdes::nn {

namespace {

/// Calls f(column entry index, input pixel index) for every column entry that reads a pixel inside the image.
template <typename F>
void each_tap(const ConvGeometry& g, F&& f) {
    const std::int64_t PQ = g.P * g.Q;
    for (std::int64_t c = 0; c < g.channels; ++c)
        for (std::int64_t r = 0; r < g.R; ++r)
            for (std::int64_t t = 0; t < g.S; ++t) {
                const std::int64_t row = ((c * g.R + r) * g.S + t) * PQ;
                for (std::int64_t p = 0; p < g.P; ++p) {
                    const std::int64_t h = p * g.stride_h - g.pad_h + r;
                    for (std::int64_t q = 0; q < g.Q; ++q) {
                        const std::int64_t v = q * g.stride_w - g.pad_w + t;
                        f(row + p * g.Q + q, (h >= 0 && h < g.H && v >= 0 && v < g.W) ? (c * g.H + h) * g.W + v : -1);
                    }
                }
            }
}

}  // namespace

void im2col(const ConvGeometry& g, const float* planes, float* cols) {
    each_tap(g, [&](std::int64_t col, std::int64_t pixel) { cols[col] = pixel >= 0 ? planes[pixel] : 0.0f; });
}

void col2im_add(const ConvGeometry& g, const float* cols, float* planes) {
    each_tap(g, [&](std::int64_t col, std::int64_t pixel) {
        if (pixel >= 0) planes[pixel] += cols[col];
    });
}

}  // namespace qdes::nn
