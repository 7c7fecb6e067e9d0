// Statistics of a tensor (min, max, mean, std, L2 norm, zeros, NaN, Inf), computed in chunks on
// several threads with Eigen, cancellable between chunks. No Qt here so the CLI shares it.
#pragma once

#include "io/cancel.h"
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

    // Partial statistics merge (Chan et al.): used across chunks and threads.
    void merge(const TensorStats& other);
};

struct StatsOptions {
    const io::CancelToken* cancel = nullptr;
    io::ProgressFn progress; // in elements
    int threads = 0; // 0 = hardware concurrency
};

// Complex tensors use the magnitude; bool counts as 0/1; strings give numeric=false.
io::Result<TensorStats> computeStats(const io::Tensor& tensor, const StatsOptions& options = {});

// Elements per work unit (a multiple of every SIMD width; ~1 MiB of float32).
inline constexpr uint64_t kStatsChunkElements = 256 * 1024;

} // namespace tscope::model
