// The hot loop of the diff kernel for float32 pairs: bit-pattern changes, max |b−a| and the five float64
// sums in one pass over both tensors, eight pairs at a time with AVX2 when the CPU has it
// (model/kernels/kernel_dispatch.h), otherwise on the portable path.
//
// Both paths reduce in the same order, so their sums are bit-identical: pair i of the block's first
// 8*floor(n/8) pairs goes to lane i % 4 (in order), lanes combine as (l0 + l1) + (l2 + l3), and the
// remaining n % 8 pairs are added one by one. Squares and products are a multiply then an add, never
// fused (the file is compiled with -ffp-contract=off, model/CMakeLists.txt).
#pragma once

#include "model/kernels/diff_metrics.h"

#include <cstddef>
#include <cstdint>

namespace tscope::model {

// True when diffFloat32Simd runs on AVX2 (the CPU has it and the portable path is not forced).
bool diffFloat32SimdAvailable();

// Adds n float32 pairs (little-endian bytes, any alignment) to `out`. Returns false, leaving `out` as it
// was, when a value is NaN or Inf: the caller then takes the element-by-element path for this block.
bool diffFloat32Simd(const std::byte* a, const std::byte* b, uint64_t n, PartialDiff& out);
// The portable path alone (tests compare the two).
bool diffFloat32Portable(const std::byte* a, const std::byte* b, uint64_t n, PartialDiff& out);

} // namespace tscope::model
