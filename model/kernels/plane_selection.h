// A 2-D view of an N-D tensor: which dimension runs down the rows, which across the columns, and
// the index chosen for every other dimension (HDFView's slice selector).
#pragma once

#include "io/cancel.h"
#include "io/tensor.h"

#include <cstdint>
#include <vector>

namespace tscope::model {

struct PlaneSelection {
    int rowDim = -1; // -1: a single row
    int colDim = -1; // -1: a single column
    std::vector<int64_t> fixed; // per dimension; used for dimensions that are neither rowDim nor colDim

    // Default: the last two dims (rank ≥ 2), one column for rank 1, one cell for scalars.
    static PlaneSelection defaultFor(const io::Shape& shape);
    int64_t rows(const io::Shape& shape) const { return rowDim < 0 ? 1 : shape[static_cast<size_t>(rowDim)]; }
    int64_t cols(const io::Shape& shape) const { return colDim < 0 ? 1 : shape[static_cast<size_t>(colDim)]; }
    // Row-major element index of (row, col) within the full tensor.
    uint64_t elementIndex(const io::Shape& shape, int64_t row, int64_t col) const;
    bool isValidFor(const io::Shape& shape) const;
};

// A plane of values as doubles, downsampled by striding to at most maxRows x maxCols (heatmaps).
struct PlaneData {
    int64_t rows = 0, cols = 0; // sampled size
    int64_t rowStep = 1, colStep = 1; // stride in the source plane
    std::vector<double> values; // row-major
    double min = 0, max = 0; // over finite values
    io::Status problem; // a read failed (the file changed on disk): values are incomplete, do not show
};

// runs on worker thread; stops between rows once `cancel` is set (the partial plane is then dropped
// by the caller: on a huge tensor each sampled row can touch pages no one has read yet)
PlaneData extractPlane(const io::Tensor& tensor, const PlaneSelection& selection, int64_t maxRows,
    int64_t maxCols, const io::CancelToken* cancel = nullptr);

} // namespace tscope::model
