// Statistics of a tensor (min, max, mean, std, L2 norm, zeros, NaN, Inf), computed in chunks on the
// shared compute pool with Eigen, cancellable between chunks.
#pragma once

#include "io/cancel.h"
#include "io/executor.h"
#include "io/status.h"
#include "io/tensor.h"

#include <cstdint>
#include <optional>

namespace tscope::model {

struct TensorStats {
    uint64_t count = 0; // all elements
    uint64_t finite = 0; // elements that entered min/max/mean/std
    uint64_t zeros = 0;
    uint64_t nans = 0;
    uint64_t infs = 0;
    double min = 0, max = 0, mean = 0, std = 0, l2 = 0; // over finite values; valid when finite > 0
    bool numeric = true; // false for strings/opaque dtypes
    // With StatsOptions::computeCrc: the CRC32C (unmasked) of every byte the statistics were computed
    // from, combined from the chunks, so integrity is checked on exactly the bytes summarised.
    std::optional<uint32_t> crc32c;
};

// Statistics of part of a tensor while they are being computed: the sums that merge exactly across
// chunks and threads (Chan et al.), turned into a TensorStats once every part is in.
struct PartialStats {
    uint64_t count = 0, finite = 0, zeros = 0, nans = 0, infs = 0;
    double min = 0, max = 0, mean = 0; // over finite values
    double m2 = 0; // sum of squared deviations from `mean`
    double sumSquares = 0; // sum of x^2
    void merge(const PartialStats& other);
    TensorStats finish() const;
};

struct StatsOptions {
    const io::CancelToken* cancel = nullptr;
    io::ProgressFn progress; // in elements
    int threads = 0; // at most this many threads; 0 = as many as the compute budget has free
    io::Executor* executor = nullptr; // nullptr = the shared compute pool (sharedExecutor())
    bool computeCrc = false; // also TensorStats::crc32c, in the same pass (numeric tensors)
};

// Complex tensors use the magnitude; bool counts as 0/1; strings give numeric=false.
io::Result<TensorStats> computeStats(const io::Tensor& tensor, const StatsOptions& options = {});

// Elements per work unit (a multiple of every SIMD width; ~1 MiB of float32).
inline constexpr uint64_t kStatsChunkElements = 256 * 1024;

} // namespace tscope::model
