// numpy-style selection of part of a tensor: "0,:,3:5", "-1", "::2", "..." (per dimension).
#pragma once

#include "io/status.h"
#include "io/tensor.h"

#include <string>
#include <vector>

namespace tscope::io {

struct DimSelection {
    int64_t start = 0;
    int64_t count = 0; // number of selected indices
    int64_t step = 1;
    bool keepDim = true; // false for a single integer index (the dimension is dropped)
};

struct Selection {
    std::vector<DimSelection> dims; // one per tensor dimension
    Shape resultShape() const;
    uint64_t elementCount() const;
    // Row-major element indices of the selection inside the full tensor, in order.
    std::vector<uint64_t> elementIndices(const Shape& shape) const;
    // The same for part of the selection: positions[d] lists which of dimension d's selected indices
    // (0 .. dims[d].count - 1, ascending) to take; the indices of every combination, in row-major order.
    std::vector<uint64_t> elementIndices(
        const Shape& shape, const std::vector<std::vector<int64_t>>& positions) const;
};

// Parses `spec` against `shape`; an empty spec selects everything. Errors are InvalidArgument.
Result<Selection> parseSelection(const std::string& spec, const Shape& shape);

} // namespace tscope::io
