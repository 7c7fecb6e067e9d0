#include "model/kernels/plane_selection.h"

#include "io/dtype.h"
#include "io/element.h"

#include <algorithm>
#include <cmath>
#include <limits>

namespace tscope::model {

PlaneSelection PlaneSelection::defaultFor(const io::Shape& shape)
{
    PlaneSelection s;
    s.fixed.assign(shape.size(), 0);
    const int rank = static_cast<int>(shape.size());
    // The last two dimensions longer than 1 (a conv kernel [3, 3, 1, 8] shows 3 x 8, not 1 x 8).
    std::vector<int> wide;
    for (int d = rank - 1; d >= 0 && wide.size() < 2; --d)
        if (shape[static_cast<size_t>(d)] > 1) wide.insert(wide.begin(), d);
    for (int d = rank - 1; d >= 0 && wide.size() < 2 && static_cast<int>(wide.size()) < rank; --d)
        if (std::find(wide.begin(), wide.end(), d) == wide.end())
            wide.insert(std::upper_bound(wide.begin(), wide.end(), d), d);
    if (wide.size() >= 2) {
        s.rowDim = wide[0];
        s.colDim = wide[1];
    } else if (wide.size() == 1) {
        s.rowDim = wide[0];
    }
    return s;
}

bool PlaneSelection::isValidFor(const io::Shape& shape) const
{
    const int rank = static_cast<int>(shape.size());
    if (fixed.size() != shape.size() || rowDim >= rank || colDim >= rank) return false;
    if (rowDim >= 0 && rowDim == colDim) return false;
    for (int d = 0; d < rank; ++d)
        if (d != rowDim && d != colDim
            && (fixed[static_cast<size_t>(d)] < 0
                || fixed[static_cast<size_t>(d)] >= shape[static_cast<size_t>(d)]))
            return false;
    return true;
}

uint64_t PlaneSelection::elementIndex(const io::Shape& shape, int64_t row, int64_t col) const
{
    uint64_t flat = 0;
    for (size_t d = 0; d < shape.size(); ++d) {
        int64_t i = static_cast<int>(d) == rowDim ? row : static_cast<int>(d) == colDim ? col : fixed[d];
        flat = flat * static_cast<uint64_t>(shape[d]) + static_cast<uint64_t>(i);
    }
    return flat;
}

PlaneData extractPlane(const io::Tensor& t, const PlaneSelection& sel, int64_t maxRows, int64_t maxCols,
    const io::CancelToken* cancel)
{
    PlaneData p;
    if (t.isString() || !io::dtypeIsNumeric(t.dtype()) || !sel.isValidFor(t.shape()) || t.elementCount() == 0)
        return p;
    const int64_t rows = sel.rows(t.shape()), cols = sel.cols(t.shape());
    p.rowStep = std::max<int64_t>(1, (rows + maxRows - 1) / maxRows);
    p.colStep = std::max<int64_t>(1, (cols + maxCols - 1) / maxCols);
    p.rows = (rows + p.rowStep - 1) / p.rowStep;
    p.cols = (cols + p.colStep - 1) / p.colStep;
    p.values.resize(static_cast<size_t>(p.rows * p.cols));
    const size_t esize = io::dtypeInfo(t.dtype()).elementSize;
    const bool complex = io::dtypeInfo(t.dtype()).kind == io::DTypeKind::Complex;
    double mn = std::numeric_limits<double>::infinity(), mx = -mn;
    for (int64_t r = 0; r < p.rows; ++r) {
        if (cancel && cancel->isCancelled()) return p;
        for (int64_t c = 0; c < p.cols; ++c) {
            std::byte e[16]; // the largest element (complex128), copied through the guard
            p.problem = t.copyTo(sel.elementIndex(t.shape(), r * p.rowStep, c * p.colStep) * esize,
                std::span<std::byte>(e, esize));
            if (!p.problem.isOk()) return p;
            double v
                = complex ? std::abs(io::elementAsComplex(t.dtype(), e)) : io::elementAsDouble(t.dtype(), e);
            p.values[static_cast<size_t>(r * p.cols + c)] = v;
            if (std::isfinite(v)) {
                mn = std::min(mn, v);
                mx = std::max(mx, v);
            }
        }
    }
    if (mn <= mx) {
        p.min = mn;
        p.max = mx;
    }
    return p;
}

} // namespace tscope::model
