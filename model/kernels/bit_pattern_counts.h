// Statistics and histograms of float16 and bfloat16 tensors from one pass over their bytes: a 16-bit
// float has only 65,536 bit patterns, so counting how often each occurs is all a pass has to do (one
// table increment per element, no widening, no float arithmetic). Every statistic and every histogram
// then follows from the 65,536 counts, in float64, in pattern order: the same result on every CPU and
// thread count, and exact where exactness is possible (counts, min, max, each value's bin).
#pragma once

#include "io/dtype.h"
#include "io/status.h"
#include "io/tensor.h"
#include "model/kernels/histogram.h"
#include "model/kernels/tensor_stats.h"

#include <cstdint>
#include <optional>
#include <vector>

namespace tscope::model {

// True for the dtypes counted by bit pattern: float16 and bfloat16.
bool countsBitPatterns(io::DType dtype);

struct BitPatternCounts {
    io::DType dtype = io::DType::Invalid;
    std::vector<uint64_t> counts; // 65,536: how many elements hold each little-endian bit pattern
    std::optional<uint32_t> crc32c; // with StatsOptions::computeCrc: of every byte counted
};

// One pass over `tensor` (a dtype countsBitPatterns accepts), in chunks on the executor, under the
// SIGBUS guard for mapped bytes; options.progress counts elements, options.threads caps the threads.
io::Result<BitPatternCounts> countBitPatterns(const io::Tensor& tensor, const StatsOptions& options = {});

// computeStats' result (crc32c included) from the counts.
TensorStats statsFromBitPatterns(const BitPatternCounts& counts);

// computeHistogram's result from the counts: the same edges, and the same bin for every value (each
// pattern's float32 widening is binned once and carries its count), the same range rules for lo/hi.
HistogramData histogramFromBitPatterns(const BitPatternCounts& counts, int bins, double lo, double hi);

// Scatters `n` little-endian 16-bit elements at `src` into `table` (65,536 counters). A plain pointer
// loop: safe under io::guardedRun.
void countBitPatternBlock(const std::byte* src, uint64_t n, uint64_t* table);

} // namespace tscope::model
