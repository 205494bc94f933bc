#pragma once
/// How a GEMM maps onto a systolic array under a dataflow: which GEMM dimension the array rows hold (Sr), which the
/// columns hold (Sc), which streams through in time (T), and the folds that cover Sr x Sc.
///
/// | dataflow | rows hold | columns hold | streamed |
/// | os       | M         | N            | K        |
/// | ws       | K         | N            | M        |
/// | is       | K         | M            | N        |

#include <cstdint>

#include "hardware/accel/scalesim_config.h"

namespace qdes::accel {

struct FoldGeometry {
    std::uint64_t Sr = 0, Sc = 0, T = 0;
    std::uint32_t rows = 0, cols = 0;  ///< the array
    std::uint64_t row_folds = 0, col_folds = 0;

    std::uint64_t folds() const { return row_folds * col_folds; }
    /// Array rows used by row fold `fr` (all but the last are full).
    std::uint32_t rows_used(std::uint64_t fr) const {
        return fr + 1 < row_folds ? rows : std::uint32_t(Sr - (row_folds - 1) * rows);
    }
    std::uint32_t cols_used(std::uint64_t fc) const {
        return fc + 1 < col_folds ? cols : std::uint32_t(Sc - (col_folds - 1) * cols);
    }
};

/// The folds of an M x N x K GEMM on a rows x cols array.
FoldGeometry fold_geometry(Dataflow dataflow, std::uint64_t M, std::uint64_t N, std::uint64_t K, std::uint32_t rows,
                           std::uint32_t cols);

}  // namespace qdes::accel
