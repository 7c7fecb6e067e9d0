// Histogram binning of one block of float32 values: the bin of a finite value v is
// trunc(clamp((double(v) - lo) * scale, 0, bins - 1)), computed in float64 on every path, so the AVX2
// path and the portable path put every value into the same bin and the counts are exact on both.
#pragma once

#include <cstdint>

namespace tscope::model {

// Adds the block's finite values to counts[0..bins) and counts NaN/Inf. n must be below 2^32.
void binFloatBlock(const float* p, uint64_t n, double lo, double scale, int bins, uint64_t* counts,
    uint64_t& nans, uint64_t& infs);

// The portable path alone (tests compare it with binFloatBlock on whichever path that takes).
void binFloatBlockPortable(const float* p, uint64_t n, double lo, double scale, int bins, uint64_t* counts,
    uint64_t& nans, uint64_t& infs);

} // namespace tscope::model
