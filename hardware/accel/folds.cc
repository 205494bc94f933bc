#include "hardware/accel/folds.h"

namespace qdes::accel {

FoldGeometry fold_geometry(Dataflow dataflow, std::uint64_t M, std::uint64_t N, std::uint64_t K, std::uint32_t rows,
                           std::uint32_t cols) {
    FoldGeometry g;
    g.rows = rows;
    g.cols = cols;
    switch (dataflow) {
        case Dataflow::kOutputStationary: g.Sr = M, g.Sc = N, g.T = K; break;
        case Dataflow::kWeightStationary: g.Sr = K, g.Sc = N, g.T = M; break;
        case Dataflow::kInputStationary: g.Sr = K, g.Sc = M, g.T = N; break;
    }
    g.row_folds = (g.Sr + rows - 1) / rows;
    g.col_folds = (g.Sc + cols - 1) / cols;
    return g;
}

}  // namespace qdes::accel
