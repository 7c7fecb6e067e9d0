// How far tensor b moved from tensor a (same dtype and shape): max, mean and RMS of |b−a|, relative change
// ‖b−a‖/‖a‖, cosine similarity and the fraction of elements whose bit patterns differ. Streams over the
// (memory-mapped) bytes in chunks on the shared compute pool, each chunk of a mapped tensor copied
// through the SIGBUS guard (io/guarded_read.h) into a per-worker buffer; no whole tensor is copied.
//
// Definitions (docs/schema/diff.json says the same):
// - frac_changed: elements whose stored bytes differ / all elements (−0 vs +0 counts as changed, two NaNs
//   with the same payload do not); strings compare by value.
// - The other metrics are in float64 over the pairs where both values are finite; a pair with a NaN or
//   Inf on either side is counted (nan/inf per side) and left out, so it never turns a metric into NaN.
// - Integers (and bool as 0/1) subtract exactly (64-bit, overflow-safe), then convert to float64. bfloat16
// and
//   float16 are widened to float32 (exact), like float32 then to float64.
// - rel_change is null when ‖a‖ = 0; cosine when either norm is 0; all float metrics when no pair was
//   finite. Complex and string tensors get frac_changed only.
#pragma once

#include "io/cancel.h"
#include "io/executor.h"
#include "io/status.h"
#include "io/tensor.h"

#include <cstdint>
#include <optional>

namespace tscope::model {

struct DiffMetrics {
    uint64_t count = 0; // elements
    uint64_t changed = 0; // elements whose bytes (strings: values) differ
    uint64_t compared = 0; // pairs that entered the float metrics (both finite)
    uint64_t nanA = 0, infA = 0, nanB = 0, infB = 0;
    bool numeric = false; // false: only `changed` is meaningful (strings, complex, opaque)
    std::optional<double> maxAbsDiff, meanAbsDiff, rmsDiff, relChange, cosine;
    double normA = 0, normB = 0; // ‖a‖, ‖b‖ over the compared pairs

    double fracChanged() const
    {
        return count ? static_cast<double>(changed) / static_cast<double>(count) : 0.0;
    }
};

// Sums of one chunk, merged in chunk order so the result never depends on the number of threads.
struct PartialDiff {
    uint64_t changed = 0, compared = 0, nanA = 0, infA = 0, nanB = 0, infB = 0;
    double maxAbs = 0, sumAbs = 0, sumSq = 0, sumA2 = 0, sumB2 = 0, sumAB = 0;
    void merge(const PartialDiff& other);
};

struct DiffOptions {
    const io::CancelToken* cancel = nullptr;
    io::ProgressFn progress; // in elements
    io::Executor* executor = nullptr; // nullptr = the shared compute pool
    int threads = 0; // at most this many threads; 0 = as many as the compute budget has free
};

// Fails (InvalidArgument) when the dtypes or shapes differ; Cancelled when cancelled.
io::Result<DiffMetrics> computeDiff(
    const io::Tensor& a, const io::Tensor& b, const DiffOptions& options = {});

inline constexpr uint64_t kDiffChunkElements = 256 * 1024;

} // namespace tscope::model
