// The hot loop of the diff kernel for float32 pairs, eight at a time with AVX2 + FMA (chosen at run time):
// bit-pattern changes, max |b−a| and the five float64 sums in one pass over both tensors.
#pragma once

#include "model/kernels/diff_metrics.h"

#include <cstddef>
#include <cstdint>

namespace tscope::model {

// True when the CPU runs diffFloat32Simd.
bool diffFloat32SimdAvailable();

// Adds n float32 pairs (little-endian bytes, any alignment) to `out`. Returns false, leaving `out` as it
// was, when a value is NaN or Inf: the caller then takes the element-by-element path for this block.
bool diffFloat32Simd(const std::byte* a, const std::byte* b, uint64_t n, PartialDiff& out);

} // namespace tscope::model
