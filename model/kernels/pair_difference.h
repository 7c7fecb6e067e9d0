// For one matched pair of a comparison (same dtype and shape): the histogram of b−a over every element,
// a small value grid of a, b and b−a on the same slice (the top-left corner of the tensor seen as a
// matrix [elements / last dim, last dim]) with the cells whose bit patterns differ marked, and a heatmap
// plane of b−a over that whole matrix (strided like the inspector's heatmap). Reads both tensors in
// chunks through Tensor::copyTo (guarded for mapped files), never whole.
#pragma once

#include "io/cancel.h"
#include "io/tensor.h"
#include "model/kernels/histogram.h"
#include "model/kernels/plane_selection.h"

#include <string>
#include <vector>

namespace tscope::model {

struct PairGrid {
    int64_t rows = 0, cols = 0; // the grid shown (at most the requested size)
    int64_t totalRows = 0, totalCols = 0; // the matrix it is the corner of
    std::vector<std::string> a, b, diff; // row-major, formatted like the value table
    std::vector<bool> changed; // bit patterns differ (−0 vs +0 counts, equal NaN payloads do not)
};

struct PairDifference {
    HistogramData histogram; // of b−a over the finite differences
    PairGrid grid;
    // b−a over the matrix [totalRows, totalCols], every rowStep-th row and colStep-th column so that
    // neither side exceeds the requested size; NaN/Inf differences stay in (the heatmap greys them).
    PlaneData heatmap;
};

// b−a as float64: floats subtract in double after widening (half/bfloat16 via float32), integers subtract
// exactly in 128 bits before the conversion. InvalidArgument for different dtypes or shapes, or a dtype
// that is not real-numeric (strings, complex, variants).
io::Result<PairDifference> computePairDifference(const io::Tensor& a, const io::Tensor& b, int bins = 64,
    int gridRows = 12, int gridCols = 8, const io::CancelToken* cancel = nullptr, int heatmapSide = 256);

} // namespace tscope::model
