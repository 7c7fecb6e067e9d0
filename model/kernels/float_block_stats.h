// The statistics pass over one block of float32 values, fused: every element is loaded once and feeds
// min, max, the zero count and three float64 sums (of x - shift, of its square, and of x^2). Nothing is
// summed in float32.
//
// The reduction order is fixed so that the AVX2 path and the portable path give bit-identical sums:
// element i of the block's first 8*floor(n/8) elements goes to lane i % 8, lanes are combined as
// l[k] = lane[k] + lane[k+4], then (l0 + l1) + (l2 + l3), and the remaining n % 8 elements are added one
// by one in order. Squares are a multiply then an add, never fused: the file is compiled with
// -ffp-contract=off (model/CMakeLists.txt), so no compiler turns them into an FMA on one path only, and
// the portable path needs no software fma() on CPUs without FMA.
#pragma once

#include <cstdint>

namespace tscope::model {

struct FloatBlockSums {
    double s1 = 0, s2 = 0, sumSq = 0; // sums of (x - shift), (x - shift)^2, x^2
    float min = 0, max = 0;
    uint64_t zeros = 0;
};

// False when the block holds a NaN or Inf (the sums are then meaningless and the caller counts element by
// element). n must be below 2^31.
bool floatBlockSums(const float* p, int64_t n, double shift, FloatBlockSums& out);

// The portable path alone (tests compare it with floatBlockSums on whichever path that takes).
bool floatBlockSumsPortable(const float* p, int64_t n, double shift, FloatBlockSums& out);

} // namespace tscope::model
