// Histogram binning of float32 blocks exactly as np.histogram(values, bins, range=(lo, hi)) bins float32
// data: the edges are linspace(lo, hi, bins + 1) rounded to float32, a value belongs to the bin whose
// edges enclose it (edge[i] <= v < edge[i + 1], the last bin also takes v == edge[bins]), and values
// below edge[0] or above edge[bins] are counted apart, not binned. The AVX2 path and the portable path give
// the same bin for every value: the AVX2 path takes the float64 estimate only where it provably agrees
// with the edges, the portable path corrects the estimate by one step against the edges as numpy does;
// both walk the edges when bins are narrower than float32 can resolve.
#pragma once

#include "io/dtype.h"

#include <cstddef>
#include <cstdint>
#include <vector>

namespace tscope::model {

// numpy's bin of v for `edges` (bins + 1 ascending, bin i = [edges[i], edges[i+1]), the last one closed):
// the estimate (v - lo) * scale, then moved by comparing with the edges themselves. -1 below the first
// edge, `bins` above the last. One definition for float32 and float64 edges.
template <typename T> int binByEdges(T v, const std::vector<T>& edges, double lo, double scale, int bins)
{
    if (v < edges.front()) return -1;
    if (v > edges.back()) return bins;
    double t = (static_cast<double>(v) - lo) * scale;
    t = t > 0.0 ? t : 0.0;
    t = t < bins - 1 ? t : bins - 1;
    auto b = static_cast<size_t>(t);
    const size_t last = static_cast<size_t>(bins) - 1;
    while (b > 0 && v < edges[b])
        --b;
    while (b < last && v >= edges[b + 1])
        ++b;
    return static_cast<int>(b);
}

// The bins of [lo, hi] in float32, with what the kernels need to place values fast.
class FloatBins {
public:
    FloatBins(double lo, double hi, int bins); // lo < hi, bins >= 1
    int bins() const { return m_bins; }
    const std::vector<float>& edges() const { return m_edges; } // bins + 1, as numpy's bin_edges
    // The bin of a finite value: -1 below the first edge, bins() above the last.
    int binOf(float v) const;

    double lo = 0, scale = 0; // estimate: (v - lo) * scale
    // Bound (in bins) on how far the float64 estimate can be from the bin the float32 edges give, with
    // slack; infinite when the bins are too narrow for float32 (see the .cpp).
    double margin = 0;
    // The same bound for an estimate computed in float32 arithmetic, (v - lo32) * scale32 (see the .cpp):
    // infinite when that estimate is not usable (bins too narrow, or scale outside float32's normal range).
    double margin32 = 0;
    float lo32 = 0, scale32 = 0; // lo and scale rounded to float32

private:
    int m_bins = 1;
    std::vector<float> m_edges;
};

// What a block adds up to: counts[0..bins) plus the values not binned.
struct BinTally {
    uint64_t* counts = nullptr;
    uint64_t nans = 0, posinf = 0, neginf = 0, below = 0, above = 0;
};

// Adds the block's values to `tally`. n must be below 2^32.
void binFloatBlock(const float* p, uint64_t n, const FloatBins& bins, BinTally& tally);

// float16 or bfloat16 elements (`dtype`) at `src`, binned as their exact float32 widening (numpy's
// astype(float32)) straight from the stored bytes, without a widened copy: true when the vector path did it,
// false (nothing counted) when the caller must widen them and call binFloatBlock. A plain pointer loop, like
// binFloatBlock: safe under io::guardedRun. n must be below 2^32.
bool binWidenedBlock(
    io::DType dtype, const std::byte* src, uint64_t n, const FloatBins& bins, BinTally& tally);

// The portable path alone (tests compare it with binFloatBlock on whichever path that takes).
void binFloatBlockPortable(const float* p, uint64_t n, const FloatBins& bins, BinTally& tally);

} // namespace tscope::model
