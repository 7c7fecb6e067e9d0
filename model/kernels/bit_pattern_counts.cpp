#include "model/kernels/bit_pattern_counts.h"

#include "io/crc32c.h"
#include "io/guarded_read.h"
#include "model/kernels/compute_pool.h"
#include "model/kernels/convert_to_float.h"
#include "model/kernels/float_binning.h"

#include <algorithm>
#include <atomic>
#include <bit>
#include <cmath>
#include <cstring>

namespace tscope::model {
namespace {

constexpr size_t kPatterns = 65536;
// Elements checksummed then counted at a time: 64 KiB, still in the L1/L2 cache for the second read.
constexpr uint64_t kPieceElements = 32 * 1024;

uint16_t littleEndian16(const unsigned char* p)
{
    uint16_t v;
    std::memcpy(&v, p, 2);
    if constexpr (std::endian::native == std::endian::big) v = static_cast<uint16_t>((v >> 8) | (v << 8));
    return v;
}

// Every pattern's float32 value (exact: float16 and bfloat16 widen without rounding).
std::vector<float> patternValues(io::DType dtype)
{
    std::vector<std::byte> bytes(kPatterns * 2);
    for (size_t p = 0; p < kPatterns; ++p) {
        bytes[2 * p] = static_cast<std::byte>(p & 0xff);
        bytes[2 * p + 1] = static_cast<std::byte>(p >> 8);
    }
    std::vector<float> values(kPatterns);
    toFloatBlock(dtype, bytes.data(), values.data(), kPatterns);
    return values;
}

// Neumaier's compensated sum: 65,536 terms of very different sizes, summed without losing the small ones.
struct CompensatedSum {
    double sum = 0, compensation = 0;
    void add(double x)
    {
        const double t = sum + x;
        compensation += std::fabs(sum) >= std::fabs(x) ? (sum - t) + x : (x - t) + sum;
        sum = t;
    }
    double value() const { return sum + compensation; }
};

} // namespace

bool countsBitPatterns(io::DType dtype)
{
    return dtype == io::DType::Half || dtype == io::DType::BFloat16;
}

void countBitPatternBlock(const std::byte* src, uint64_t n, uint64_t* table)
{
    const auto* p = reinterpret_cast<const unsigned char*>(src);
    uint64_t i = 0;
    if constexpr (std::endian::native == std::endian::little) {
        // Four elements per 64-bit load; the increments are independent unless neighbours repeat.
        for (; i + 4 <= n; i += 4) {
            uint64_t w;
            std::memcpy(&w, p + 2 * i, 8);
            ++table[w & 0xffff];
            ++table[(w >> 16) & 0xffff];
            ++table[(w >> 32) & 0xffff];
            ++table[w >> 48];
        }
    }
    for (; i < n; ++i)
        ++table[littleEndian16(p + 2 * i)];
}

io::Result<BitPatternCounts> countBitPatterns(const io::Tensor& t, const StatsOptions& options)
{
    if (!countsBitPatterns(t.dtype()))
        return io::Status(
            io::ErrorCode::InvalidArgument, "bit-pattern counts need float16 or bfloat16 values");
    const uint64_t total = t.elementCount();
    if (t.bytes().size() < total * 2)
        return io::Status(io::ErrorCode::Corrupt, "the tensor holds fewer bytes than its shape needs");
    const uint64_t chunks = (total + kStatsChunkElements - 1) / kStatsChunkElements;
    io::Executor& executor = options.executor ? *options.executor : sharedExecutor();
    // One table per worker (only the patterns in use are ever touched: a few thousand for trained
    // weights), summed at the end; CRCs per chunk, combined in order: the same result on any threads.
    std::vector<std::vector<uint64_t>> tables(executor.maxWorkers());
    std::vector<io::Status> errors(executor.maxWorkers());
    std::vector<uint32_t> chunkCrc(options.computeCrc ? chunks : 0);
    std::atomic<uint64_t> done { 0 };
    const std::byte* base = t.bytes().data();
    const bool complete = executor.parallelFor(
        chunks,
        [&](uint64_t c, unsigned worker) {
            auto& table = tables[worker];
            if (table.empty()) table.assign(kPatterns, 0);
            uint64_t* counts = table.data();
            const uint64_t begin = c * kStatsChunkElements;
            const uint64_t n = std::min(kStatsChunkElements, total - begin);
            uint32_t crc = 0;
            const bool crcToo = options.computeCrc;
            // Plain loops under the guard: a file that shrinks under the mapping faults here.
            errors[worker] = io::guardedRun([&] {
                for (uint64_t b = 0; b < n; b += kPieceElements) {
                    const uint64_t m = std::min(n - b, kPieceElements);
                    const std::byte* src = base + (begin + b) * 2;
                    if (crcToo) crc = io::crc32c::extend(crc, src, m * 2);
                    countBitPatternBlock(src, m, counts);
                }
            });
            if (!errors[worker].isOk()) {
                // A guarded copy names the file and offset (it faults too, unless the file was written back
                // in the meantime). The counts of this chunk are partial, but the whole result is dropped.
                std::vector<std::byte> copy(n * 2);
                if (io::Status named = t.copyTo(begin * 2, copy); !named.isOk()) errors[worker] = named;
                return false;
            }
            if (crcToo) chunkCrc[c] = crc;
            const uint64_t sofar = done += n;
            return worker != 0 || !io::shouldStop(options.cancel, options.progress, sofar, total);
        },
        options.cancel, options.threads > 0 ? static_cast<unsigned>(options.threads) : 0);
    for (const auto& e : errors)
        if (!e.isOk()) return e;
    if (!complete || (options.cancel && options.cancel->isCancelled()))
        return io::Status(io::ErrorCode::Cancelled, "statistics cancelled");
    if (options.progress) options.progress(total, total);
    BitPatternCounts out;
    out.dtype = t.dtype();
    out.counts.assign(kPatterns, 0);
    for (const auto& table : tables)
        for (size_t p = 0; p < table.size(); ++p)
            out.counts[p] += table[p];
    if (options.computeCrc) {
        uint32_t crc = 0;
        for (uint64_t c = 0; c < chunks; ++c)
            crc = io::crc32c::combine(
                crc, chunkCrc[c], std::min(kStatsChunkElements, total - c * kStatsChunkElements) * 2);
        out.crc32c = crc;
    }
    return out;
}

TensorStats statsFromBitPatterns(const BitPatternCounts& pc)
{
    const std::vector<float> values = patternValues(pc.dtype);
    TensorStats s;
    s.crc32c = pc.crc32c;
    CompensatedSum sum;
    double mn = INFINITY, mx = -INFINITY;
    for (size_t p = 0; p < pc.counts.size(); ++p) {
        const uint64_t c = pc.counts[p];
        if (c == 0) continue;
        const float v = values[p];
        s.count += c;
        if (std::isnan(v)) {
            s.nans += c;
            continue;
        }
        if (std::isinf(v)) {
            s.infs += c;
            continue;
        }
        s.finite += c;
        if (v == 0) s.zeros += c;
        mn = std::min(mn, static_cast<double>(v));
        mx = std::max(mx, static_cast<double>(v));
        sum.add(static_cast<double>(c) * static_cast<double>(v)); // exact: a count times an 11-bit mantissa
    }
    if (s.finite == 0) return s;
    const double n = static_cast<double>(s.finite);
    const double mean = sum.value() / n;
    // Two passes over the distinct values: the deviations from the final mean, no cancellation.
    CompensatedSum m2, squares;
    for (size_t p = 0; p < pc.counts.size(); ++p) {
        const uint64_t c = pc.counts[p];
        const double v = static_cast<double>(values[p]);
        if (c == 0 || !std::isfinite(v)) continue;
        const double d = v - mean;
        m2.add(static_cast<double>(c) * (d * d));
        squares.add(static_cast<double>(c) * (v * v));
    }
    s.min = mn;
    s.max = mx;
    s.mean = mean;
    s.std = std::sqrt(std::max(0.0, m2.value()) / n);
    s.l2 = std::sqrt(squares.value());
    return s;
}

HistogramData histogramFromBitPatterns(const BitPatternCounts& pc, int bins, double lo, double hi)
{
    HistogramData h;
    for (uint64_t c : pc.counts)
        h.total += c;
    if (bins <= 0) return h;
    // computeHistogram's range rules.
    if (lo == hi) {
        lo -= 0.5;
        hi += 0.5;
    } else if (!(hi > lo) || !std::isfinite(lo) || !std::isfinite(hi)) {
        lo = 0;
        hi = 1;
    }
    h.lo = lo;
    h.hi = hi;
    const FloatBins fb(lo, hi, bins);
    h.edges.assign(fb.edges().begin(), fb.edges().end());
    h.counts.assign(static_cast<size_t>(bins), 0);
    const std::vector<float> values = patternValues(pc.dtype);
    for (size_t p = 0; p < pc.counts.size(); ++p) {
        const uint64_t c = pc.counts[p];
        if (c == 0) continue;
        const float v = values[p];
        if (std::isnan(v)) {
            h.nans += c;
            continue;
        }
        if (std::isinf(v)) {
            (v > 0 ? h.posinfs : h.neginfs) += c;
            continue;
        }
        const int b = fb.binOf(v);
        if (b < 0)
            h.below += c;
        else if (b >= bins)
            h.above += c;
        else
            h.counts[static_cast<size_t>(b)] += c;
    }
    h.infs = h.posinfs + h.neginfs;
    return h;
}

} // namespace tscope::model
