// Widening 16- and 8-bit floating-point elements (float16, bfloat16, float8/float4 variants) to float32
// in blocks, for the statistics and histogram passes. Every conversion is exact, so the AVX2/F16C path and
// the portable path give the same floats (NaN payloads aside: a NaN stays a NaN).
#pragma once

#include "io/dtype.h"

#include <cstddef>

namespace tscope::model {

// `src` holds `n` little-endian elements (any alignment); `dst` receives n floats.
void halfToFloatBlock(const std::byte* src, float* dst, size_t n);
void bfloat16ToFloatBlock(const std::byte* src, float* dst, size_t n);
// float8_e5m2, e4m3fn, e4m3fnuz, e4m3b11fnuz, e5m2fnuz and float4_e2m1fn (one element per byte).
void float8ToFloatBlock(io::DType dtype, const std::byte* src, float* dst, size_t n);

// True for the dtypes above: their values widen exactly to float32.
bool convertsToFloatBlock(io::DType dtype);
// Dispatches on `dtype` (one of convertsToFloatBlock's).
void toFloatBlock(io::DType dtype, const std::byte* src, float* dst, size_t n);

} // namespace tscope::model
