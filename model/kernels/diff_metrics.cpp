#include "model/kernels/diff_metrics.h"

#include "io/copy_destination.h"
#include "io/element.h"
#include "model/kernels/compute_pool.h"
#include "model/kernels/diff_float32_simd.h"

#include <algorithm>
#include <atomic>
#include <bit>
#include <cmath>
#include <cstring>
#include <type_traits>
#include <vector>

namespace tscope::model {
namespace {

template <typename U> U loadBits(const std::byte* p)
{
    U u;
    std::memcpy(&u, p, sizeof(U)); // stored data need not be aligned
    return u;
}

void countNonFinite(double v, uint64_t& nans, uint64_t& infs)
{
    if (std::isnan(v))
        ++nans;
    else
        ++infs;
}

// One pair of values in float64; `d` is b−a, computed by the caller so integers can subtract exactly.
inline void addPair(PartialDiff& p, double x, double y, double d)
{
    const double ad = std::fabs(d);
    p.maxAbs = std::max(p.maxAbs, ad);
    p.sumAbs += ad;
    p.sumSq += d * d;
    p.sumA2 += x * x;
    p.sumB2 += y * y;
    p.sumAB += x * y;
    ++p.compared;
}

// Floating-point elements stored as bit pattern U, widened by `widen` (exact) to double.
template <typename U, typename Widen>
void floatChunk(const std::byte* a, const std::byte* b, uint64_t n, Widen widen, PartialDiff& p)
{
    for (uint64_t i = 0; i < n; ++i) {
        const U ua = loadBits<U>(a + i * sizeof(U));
        const U ub = loadBits<U>(b + i * sizeof(U));
        p.changed += ua != ub;
        const double x = widen(ua), y = widen(ub);
        const bool fa = std::isfinite(x), fb = std::isfinite(y);
        if (fa && fb) [[likely]] {
            addPair(p, x, y, y - x);
            continue;
        }
        if (!fa) countNonFinite(x, p.nanA, p.infA);
        if (!fb) countNonFinite(y, p.nanB, p.infB);
    }
}

// b−a of two integers, exact before the one rounding to float64: 64-bit types subtract as unsigned
// (the true difference is below 2^64, so the wrapped result is exact), narrower ones in int64.
template <typename T> double exactDifference(T x, T y)
{
    if constexpr (sizeof(T) < 8) {
        return static_cast<double>(static_cast<int64_t>(y) - static_cast<int64_t>(x));
    } else {
        using U = std::make_unsigned_t<T>;
        if (y >= x) return static_cast<double>(static_cast<U>(static_cast<U>(y) - static_cast<U>(x)));
        return -static_cast<double>(static_cast<U>(static_cast<U>(x) - static_cast<U>(y)));
    }
}

template <typename T> void intChunk(const std::byte* a, const std::byte* b, uint64_t n, PartialDiff& p)
{
    for (uint64_t i = 0; i < n; ++i) {
        const T x = loadBits<T>(a + i * sizeof(T));
        const T y = loadBits<T>(b + i * sizeof(T));
        p.changed += x != y;
        addPair(p, static_cast<double>(x), static_cast<double>(y), exactDifference(x, y));
    }
}

// Everything else with a real value (float8, int4, quantized...): element by element through io.
void genericChunk(int dtype, size_t width, const std::byte* a, const std::byte* b, uint64_t n, PartialDiff& p)
{
    for (uint64_t i = 0; i < n; ++i) {
        const std::byte* pa = a + i * width;
        const std::byte* pb = b + i * width;
        p.changed += std::memcmp(pa, pb, width) != 0;
        const double x = io::elementAsDouble(dtype, pa), y = io::elementAsDouble(dtype, pb);
        const bool fa = std::isfinite(x), fb = std::isfinite(y);
        if (fa && fb) {
            addPair(p, x, y, y - x);
            continue;
        }
        if (!fa) countNonFinite(x, p.nanA, p.infA);
        if (!fb) countNonFinite(y, p.nanB, p.infB);
    }
}

void bytesOnlyChunk(size_t width, const std::byte* a, const std::byte* b, uint64_t n, PartialDiff& p)
{
    for (uint64_t i = 0; i < n; ++i)
        p.changed += std::memcmp(a + i * width, b + i * width, width) != 0;
}

enum class Kind {
    Float32,
    Float64,
    Half,
    BFloat16,
    I8,
    I16,
    I32,
    I64,
    U8,
    U16,
    U32,
    U64,
    Generic,
    BytesOnly
};

Kind kindOf(io::DType dtype)
{
    using io::DType;
    switch (dtype) {
    case DType::Float:
        return Kind::Float32;
    case DType::Double:
        return Kind::Float64;
    case DType::Half:
        return Kind::Half;
    case DType::BFloat16:
        return Kind::BFloat16;
    case DType::Int8:
        return Kind::I8;
    case DType::Int16:
        return Kind::I16;
    case DType::Int32:
        return Kind::I32;
    case DType::Int64:
        return Kind::I64;
    case DType::UInt8:
    case DType::Bool:
        return Kind::U8;
    case DType::UInt16:
        return Kind::U16;
    case DType::UInt32:
        return Kind::U32;
    case DType::UInt64:
        return Kind::U64;
    default:
        break;
    }
    const auto info = io::dtypeInfo(dtype);
    if (info.kind == io::DTypeKind::Float || info.kind == io::DTypeKind::SignedInt
        || info.kind == io::DTypeKind::UnsignedInt || info.kind == io::DTypeKind::Bool)
        return Kind::Generic;
    return Kind::BytesOnly;
}

void diffChunk(Kind kind, io::DType dtype, size_t width, const std::byte* a, const std::byte* b, uint64_t n,
    PartialDiff& p)
{
    switch (kind) {
    case Kind::Float32:
        if (diffFloat32Simd(a, b, n, p)) return; // AVX2 or portable, the same sums
        return floatChunk<uint32_t>(
            a, b, n, [](uint32_t u) { return double(std::bit_cast<float>(u)); }, p);
    case Kind::Float64:
        return floatChunk<uint64_t>(
            a, b, n, [](uint64_t u) { return std::bit_cast<double>(u); }, p);
    case Kind::Half:
        return floatChunk<uint16_t>(
            a, b, n, [](uint16_t u) { return double(io::halfToFloat(u)); }, p);
    case Kind::BFloat16:
        return floatChunk<uint16_t>(
            a, b, n, [](uint16_t u) { return double(io::bfloat16ToFloat(u)); }, p);
    case Kind::I8:
        return intChunk<int8_t>(a, b, n, p);
    case Kind::I16:
        return intChunk<int16_t>(a, b, n, p);
    case Kind::I32:
        return intChunk<int32_t>(a, b, n, p);
    case Kind::I64:
        return intChunk<int64_t>(a, b, n, p);
    case Kind::U8:
        return intChunk<uint8_t>(a, b, n, p);
    case Kind::U16:
        return intChunk<uint16_t>(a, b, n, p);
    case Kind::U32:
        return intChunk<uint32_t>(a, b, n, p);
    case Kind::U64:
        return intChunk<uint64_t>(a, b, n, p);
    case Kind::Generic:
        return genericChunk(static_cast<int>(dtype), width, a, b, n, p);
    case Kind::BytesOnly:
        return bytesOnlyChunk(width, a, b, n, p);
    }
}

DiffMetrics finish(const PartialDiff& p, uint64_t count, bool numeric)
{
    DiffMetrics m;
    m.count = count;
    m.changed = p.changed;
    m.compared = p.compared;
    m.nanA = p.nanA, m.infA = p.infA, m.nanB = p.nanB, m.infB = p.infB;
    m.numeric = numeric;
    if (!numeric || p.compared == 0) return m;
    const double n = static_cast<double>(p.compared);
    m.normA = std::sqrt(p.sumA2);
    m.normB = std::sqrt(p.sumB2);
    m.maxAbsDiff = p.maxAbs;
    m.meanAbsDiff = p.sumAbs / n;
    m.rmsDiff = std::sqrt(p.sumSq / n);
    if (m.normA > 0) m.relChange = std::sqrt(p.sumSq) / m.normA;
    if (m.normA > 0 && m.normB > 0) m.cosine = p.sumAB / (m.normA * m.normB);
    return m;
}

io::Result<DiffMetrics> diffStrings(const io::Tensor& a, const io::Tensor& b)
{
    PartialDiff p;
    const auto& sa = a.stringValues();
    const auto& sb = b.stringValues();
    for (size_t i = 0; i < sa.size() && i < sb.size(); ++i)
        p.changed += sa[i] != sb[i];
    return finish(p, a.elementCount(), false);
}

} // namespace

void PartialDiff::merge(const PartialDiff& o)
{
    changed += o.changed;
    compared += o.compared;
    nanA += o.nanA, infA += o.infA, nanB += o.nanB, infB += o.infB;
    maxAbs = std::max(maxAbs, o.maxAbs);
    sumAbs += o.sumAbs;
    sumSq += o.sumSq;
    sumA2 += o.sumA2;
    sumB2 += o.sumB2;
    sumAB += o.sumAB;
}

// Elements of each tensor copied and compared at a time within a chunk (2 x 128 KiB of float32).
constexpr uint64_t kDiffPieceElements = 32 * 1024;

io::Result<DiffMetrics> computeDiff(const io::Tensor& a, const io::Tensor& b, const DiffOptions& options)
{
    if (a.dtype() != b.dtype() || a.shape() != b.shape() || a.isString() != b.isString())
        return io::Status(io::ErrorCode::InvalidArgument, "tensors of different dtype or shape have no diff");
    if (a.isString()) return diffStrings(a, b);
    const uint64_t total = a.elementCount();
    const size_t width = io::dtypeInfo(a.dtype()).elementSize;
    if (width == 0 || a.bytes().size() < total * width || b.bytes().size() < total * width)
        return io::Status(io::ErrorCode::InvalidArgument, "a tensor holds fewer bytes than its shape needs");
    const Kind kind = kindOf(a.dtype());
    const uint64_t chunks = (total + kDiffChunkElements - 1) / kDiffChunkElements;
    std::vector<PartialDiff> partial(chunks); // one per chunk: merged in order, same sums on any thread count
    io::Executor& executor = options.executor ? *options.executor : sharedExecutor();
    std::atomic<uint64_t> done { 0 };
    // Mapped (borrowed) bytes are read with pread (Tensor::readInto), a piece at a time into per-worker
    // buffers: one pass needs no page tables (~18,000 faults per GiB through the mapping), and a file
    // truncated under us is a short read, i.e. an error, not a SIGBUS. Owned bytes are read in place.
    const unsigned workers = executor.maxWorkers();
    // The buffers sit at the bytes' own address modulo 64 (io/copy_destination.h: pread's copy runs 3-4x
    // slower on some CPUs when the destination is just ahead of the source modulo 4 KiB).
    std::vector<io::CopyDestination> bufA(a.isBorrowed() ? workers : 0), bufB(b.isBorrowed() ? workers : 0);
    std::vector<io::Status> errors(workers);
    const size_t elementAlignment = std::min<size_t>(std::bit_ceil(width), io::kCopyAlignment);
    auto chunkOf = [&](const io::Tensor& t, std::vector<io::CopyDestination>& buffers, uint64_t begin,
                       uint64_t n, unsigned worker) -> const std::byte* {
        const std::byte* source = t.bytes().data() + begin * width;
        if (buffers.empty()) return source;
        auto buffer = buffers[worker].place(reinterpret_cast<uintptr_t>(source), n * width, elementAlignment);
        if (!buffer) {
            errors[worker] = buffer.status();
            return nullptr;
        }
        if (io::Status st = t.readInto(begin * width, *buffer); !st.isOk()) {
            errors[worker] = std::move(st);
            return nullptr;
        }
        return buffer->data();
    };
    const bool complete = executor.parallelFor(
        chunks,
        [&](uint64_t c, unsigned worker) {
            const uint64_t begin = c * kDiffChunkElements;
            const uint64_t n = std::min(kDiffChunkElements, total - begin);
            // In pieces that stay in the L2 cache between the guarded copy and the kernel; the pieces
            // merge in order, so the chunk's sums are the same on every thread.
            for (uint64_t p = begin; p < begin + n; p += kDiffPieceElements) {
                const uint64_t m = std::min(begin + n - p, kDiffPieceElements);
                const std::byte* ca = chunkOf(a, bufA, p, m, worker);
                const std::byte* cb = ca ? chunkOf(b, bufB, p, m, worker) : nullptr;
                if (!cb) return false;
                PartialDiff piece;
                diffChunk(kind, a.dtype(), width, ca, cb, m, piece);
                partial[c].merge(piece);
            }
            const uint64_t sofar = done += n;
            return worker != 0 || !io::shouldStop(options.cancel, options.progress, sofar, total);
        },
        options.cancel, options.threads > 0 ? static_cast<unsigned>(options.threads) : 0);
    for (const auto& e : errors)
        if (!e.isOk()) return e;
    if (!complete || (options.cancel && options.cancel->isCancelled()))
        return io::Status(io::ErrorCode::Cancelled, "diff cancelled");
    if (options.progress) options.progress(total, total);
    PartialDiff all;
    for (const auto& p : partial)
        all.merge(p);
    return finish(all, total, kind != Kind::BytesOnly);
}

} // namespace tscope::model
