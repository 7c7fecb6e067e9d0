// The numeric kernels give bit-identical results whichever path runs: the AVX2 path or the portable one
// (forced through model::forcePortableKernels), one thread or two. On a CPU without AVX2 both runs take
// the portable path and the comparisons still hold; nothing here depends on the CPU.
#include "io/element.h"
#include "io/tensor.h"
#include "model/kernels/compute_pool.h"
#include "model/kernels/convert_to_float.h"
#include "model/kernels/diff_float32_simd.h"
#include "model/kernels/diff_metrics.h"
#include "model/kernels/float_binning.h"
#include "model/kernels/float_block_stats.h"
#include "model/kernels/histogram.h"
#include "model/kernels/kernel_dispatch.h"
#include "model/kernels/tensor_stats.h"

#include <QtTest>
#include <algorithm>
#include <bit>
#include <cmath>
#include <cstring>
#include <limits>
#include <random>

using namespace tscope;

namespace {

// Several chunks and a tail that is not a multiple of 8, values with |mean| >> std so the sums round.
std::vector<float> randomFloats(size_t n, uint32_t seed)
{
    std::mt19937 rng(seed);
    std::normal_distribution<float> dist(3.0f, 0.01f);
    std::vector<float> v(n);
    for (auto& x : v)
        x = dist(rng);
    return v;
}

template <typename T> io::Tensor tensorOf(io::DType dtype, const std::vector<T>& values)
{
    std::vector<std::byte> bytes(values.size() * sizeof(T));
    std::memcpy(bytes.data(), values.data(), bytes.size());
    return io::Tensor::owned(dtype, io::Shape { static_cast<int64_t>(values.size()) }, std::move(bytes));
}

// numpy's rule given the edges: bin i holds edges[i] <= v < edges[i + 1], the last bin also v ==
// edges.back(); -1 below the first edge, bins above the last. A binary search, independent of the kernels'
// estimate.
template <typename Edge> int referenceBin(const std::vector<double>& edges, Edge v)
{
    const int bins = static_cast<int>(edges.size()) - 1;
    if (v < static_cast<Edge>(edges.front())) return -1;
    if (v > static_cast<Edge>(edges.back())) return bins;
    const auto upper = std::upper_bound(edges.begin(), edges.end(), static_cast<double>(v),
        [](double x, double e) { return static_cast<Edge>(x) < static_cast<Edge>(e); });
    return std::min(static_cast<int>(upper - edges.begin()) - 1, bins - 1);
}

// np.histogram's counts of the finite values of `v` by referenceBin, and how many fell below and above.
std::vector<uint64_t> referenceCounts(
    const std::vector<float>& v, const std::vector<double>& edges, uint64_t& below, uint64_t& above)
{
    const int bins = static_cast<int>(edges.size()) - 1;
    std::vector<uint64_t> counts(static_cast<size_t>(bins), 0);
    below = above = 0;
    for (float x : v) {
        if (!std::isfinite(x)) continue;
        const int b = referenceBin<float>(edges, x);
        if (b < 0)
            ++below;
        else if (b >= bins)
            ++above;
        else
            counts[static_cast<size_t>(b)]++;
    }
    return counts;
}

std::vector<double> edges(const model::FloatBins& fb)
{
    return { fb.edges().begin(), fb.edges().end() };
}

// The counts of `v` by referenceBin, and both binning paths (vectorised and portable) giving exactly them.
void binsLikeTheReferenceOnBothPaths(const std::vector<float>& v, const model::FloatBins& fb)
{
    const std::vector<double> e = edges(fb);
    const int bins = static_cast<int>(e.size()) - 1;
    uint64_t below = 0, above = 0;
    const std::vector<uint64_t> expected = referenceCounts(v, e, below, above);
    for (bool portable : { false, true }) {
        std::vector<uint64_t> counts(static_cast<size_t>(bins));
        model::BinTally tally;
        tally.counts = counts.data();
        if (portable)
            model::binFloatBlockPortable(v.data(), v.size(), fb, tally);
        else
            model::binFloatBlock(v.data(), v.size(), fb, tally);
        QCOMPARE(counts, expected);
        QCOMPARE(tally.below, below);
        QCOMPARE(tally.above, above);
    }
}

bool sameBits(double a, double b)
{
    return std::bit_cast<uint64_t>(a) == std::bit_cast<uint64_t>(b);
}

QString describe(const model::TensorStats& s)
{
    return QStringLiteral("min %1 max %2 mean %3 std %4 l2 %5 finite %6 zeros %7 nans %8 infs %9")
        .arg(s.min, 0, 'g', 17)
        .arg(s.max, 0, 'g', 17)
        .arg(s.mean, 0, 'g', 17)
        .arg(s.std, 0, 'g', 17)
        .arg(s.l2, 0, 'g', 17)
        .arg(s.finite)
        .arg(s.zeros)
        .arg(s.nans)
        .arg(s.infs);
}

bool identical(const model::TensorStats& a, const model::TensorStats& b)
{
    return a.count == b.count && a.finite == b.finite && a.zeros == b.zeros && a.nans == b.nans
        && a.infs == b.infs && sameBits(a.min, b.min) && sameBits(a.max, b.max) && sameBits(a.mean, b.mean)
        && sameBits(a.std, b.std) && sameBits(a.l2, b.l2) && a.crc32c == b.crc32c;
}

bool identical(const model::DiffMetrics& a, const model::DiffMetrics& b)
{
    auto same = [](const std::optional<double>& x, const std::optional<double>& y) {
        return x.has_value() == y.has_value() && (!x || sameBits(*x, *y));
    };
    return a.count == b.count && a.changed == b.changed && a.compared == b.compared && a.nanA == b.nanA
        && a.infA == b.infA && a.nanB == b.nanB && a.infB == b.infB && same(a.maxAbsDiff, b.maxAbsDiff)
        && same(a.meanAbsDiff, b.meanAbsDiff) && same(a.rmsDiff, b.rmsDiff) && same(a.relChange, b.relChange)
        && same(a.cosine, b.cosine) && sameBits(a.normA, b.normA) && sameBits(a.normB, b.normB);
}

// Restores the automatic choice when a test ends, whatever it forced.
struct PortableGuard {
    ~PortableGuard()
    {
        model::forcePortableKernels(false);
        model::allowAvx512Kernels(true);
    }
};

} // namespace

class TestKernelPaths : public QObject {
    Q_OBJECT
private:
    model::ComputePool m_pool { 2 }; // two workers on any machine

    model::TensorStats stats(const io::Tensor& t, bool portable, int threads)
    {
        model::forcePortableKernels(portable);
        model::StatsOptions o;
        o.threads = threads;
        o.executor = &m_pool;
        o.computeCrc = true;
        auto s = model::computeStats(t, o);
        if (!s) qFatal("%s", s.status().toString().c_str());
        return *s;
    }

    // Every combination of path and thread count gives the first one's bits.
    void checkStatsEverywhere(const io::Tensor& t)
    {
        PortableGuard guard;
        const auto reference = stats(t, true, 1);
        for (bool wide : { true, false }) { // the AVX-512 statistics path where the CPU has it, and AVX2
            model::allowAvx512Kernels(wide);
            for (bool portable : { true, false })
                for (int threads : { 1, 2 }) {
                    const auto s = stats(t, portable, threads);
                    QVERIFY2(identical(s, reference),
                        qPrintable(QStringLiteral("avx512=%1 portable=%2 threads=%3: %4 vs %5")
                                       .arg(wide && model::kernelsUseAvx512())
                                       .arg(portable)
                                       .arg(threads)
                                       .arg(describe(s), describe(reference))));
                }
        }
    }

private slots:
    void initTestCase()
    {
        qInfo("vector path on this CPU: %s", model::kernelsUseAvx2() ? "avx2" : "portable");
    }

    void float32StatsAreIdenticalOnEveryPath()
    {
        checkStatsEverywhere(
            tensorOf(io::DType::Float, randomFloats(model::kStatsChunkElements * 5 + 13, 1)));
    }

    void float32BlockWithNonFiniteValues()
    {
        auto v = randomFloats(model::kStatsChunkElements * 2 + 3, 2);
        v[17] = std::numeric_limits<float>::quiet_NaN();
        v[model::kStatsChunkElements + 5] = -std::numeric_limits<float>::infinity();
        v[40] = 0.0f;
        v[41] = -0.0f;
        checkStatsEverywhere(tensorOf(io::DType::Float, v));
    }

    void zeroSignOfTheMinimumDoesNotDependOnThePath()
    {
        // All values are zeros of both signs: min/max compare equal, so the lane order decides which
        // zero is kept; both paths must keep the same one.
        std::vector<float> v(1000);
        for (size_t i = 0; i < v.size(); ++i)
            v[i] = (i * 7) % 3 == 0 ? -0.0f : 0.0f;
        PortableGuard guard;
        for (bool wide : { true, false }) {
            model::allowAvx512Kernels(wide);
            model::FloatBlockSums vec, port;
            QVERIFY(model::floatBlockSums(v.data(), static_cast<int64_t>(v.size()), 0.0, vec));
            QVERIFY(model::floatBlockSumsPortable(v.data(), static_cast<int64_t>(v.size()), 0.0, port));
            QCOMPARE(std::bit_cast<uint32_t>(vec.min), std::bit_cast<uint32_t>(port.min));
            QCOMPARE(std::bit_cast<uint32_t>(vec.max), std::bit_cast<uint32_t>(port.max));
            QCOMPARE(vec.zeros, uint64_t(1000));
            QCOMPARE(port.zeros, uint64_t(1000));
        }
    }

    void halfAndBfloat16StatsAreIdenticalOnEveryPath()
    {
        const auto f = randomFloats(model::kStatsChunkElements * 3 + 7, 3);
        std::vector<uint16_t> bf(f.size()), half(f.size());
        std::mt19937 rng(4);
        for (size_t i = 0; i < f.size(); ++i) {
            bf[i] = static_cast<uint16_t>(std::bit_cast<uint32_t>(f[i]) >> 16);
            half[i] = static_cast<uint16_t>(rng() & 0xffff); // every bit pattern: subnormals, Inf, NaN
        }
        checkStatsEverywhere(tensorOf(io::DType::BFloat16, bf));
        checkStatsEverywhere(tensorOf(io::DType::Half, half));
    }

    void halfConversionMatchesTheElementDecoder()
    {
        PortableGuard guard;
        std::vector<uint16_t> all(65536 + 5); // every pattern, plus a tail past a multiple of 8
        for (size_t i = 0; i < all.size(); ++i)
            all[i] = static_cast<uint16_t>(i);
        const auto* src = reinterpret_cast<const std::byte*>(all.data());
        for (bool portable : { true, false }) {
            model::forcePortableKernels(portable);
            std::vector<float> out(all.size());
            model::halfToFloatBlock(src, out.data(), all.size());
            for (size_t i = 0; i < all.size(); ++i) {
                const float want = io::halfToFloat(all[i]);
                const bool ok = std::isnan(want)
                    ? std::isnan(out[i])
                    : std::bit_cast<uint32_t>(out[i]) == std::bit_cast<uint32_t>(want);
                if (!ok)
                    QFAIL(qPrintable(QStringLiteral("portable=%1 pattern 0x%2: %3 vs %4")
                                         .arg(portable)
                                         .arg(all[i], 4, 16, QLatin1Char('0'))
                                         .arg(out[i])
                                         .arg(want)));
            }
        }
    }

    void float8ConversionMatchesTheElementDecoder()
    {
        std::vector<uint8_t> all(256);
        for (size_t i = 0; i < all.size(); ++i)
            all[i] = static_cast<uint8_t>(i);
        for (io::DType d : { io::DType::Float8E5M2, io::DType::Float8E4M3FN, io::DType::Float8E4M3FNUZ,
                 io::DType::Float8E4M3B11FNUZ, io::DType::Float8E5M2FNUZ, io::DType::Float4E2M1FN }) {
            std::vector<float> out(all.size());
            model::toFloatBlock(d, reinterpret_cast<const std::byte*>(all.data()), out.data(), all.size());
            for (size_t i = 0; i < all.size(); ++i) {
                const float want = io::float8ToFloat(static_cast<int>(d), all[i]);
                QVERIFY(std::isnan(want) ? std::isnan(out[i])
                                         : std::bit_cast<uint32_t>(out[i]) == std::bit_cast<uint32_t>(want));
            }
        }
    }

    void histogramCountsAreIdenticalOnEveryPath()
    {
        PortableGuard guard;
        auto v = randomFloats(model::kStatsChunkElements * 4 + 11, 5);
        v[3] = std::numeric_limits<float>::quiet_NaN();
        v[100] = std::numeric_limits<float>::infinity();
        v[101] = 2.5f; // below lo: counted apart, as numpy drops it
        v[102] = 9.0f; // above hi: likewise
        const auto t = tensorOf(io::DType::Float, v);
        for (int bins : { 1, 64, 997, 5000 }) { // 5000: past the interleaved tables
            const double lo = 2.96, hi = 3.04;
            model::forcePortableKernels(true);
            auto reference = model::computeHistogram(t, bins, lo, hi, nullptr, 1, &m_pool);
            QVERIFY(reference);
            for (bool portable : { true, false })
                for (int threads : { 1, 2 }) {
                    model::forcePortableKernels(portable);
                    auto h = model::computeHistogram(t, bins, lo, hi, nullptr, threads, &m_pool);
                    QVERIFY(h);
                    QCOMPARE(h->counts, reference->counts);
                    QCOMPARE(h->nans, uint64_t(1));
                    QCOMPARE(h->infs, uint64_t(1));
                    QCOMPARE(h->posinfs, uint64_t(1));
                    QCOMPARE(h->below, reference->below);
                    QCOMPARE(h->above, reference->above);
                }
            uint64_t below = 0, above = 0;
            const std::vector<uint64_t> expected = referenceCounts(v, reference->edges, below, above);
            QCOMPARE(reference->counts, expected);
            QCOMPARE(reference->below, below);
            QCOMPARE(reference->above, above);
            QVERIFY(below >= 1 && above >= 1); // 2.5 and 9 at least
        }
    }

    void binningOnEdgesAndExtremes()
    {
        // Values on every float32 edge and one float32 step either side, the range ends, signed zeros, huge
        // and tiny values; ranges whose ends are float32 numbers or not, and ranges so narrow (or so small)
        // that the float32 edges coincide and every value is compared with the edges. The vector path and
        // the portable path put each value where the edges say.
        const std::pair<double, double> ranges[] = { { -1.0, 1.0 }, { 2.96, 3.04 }, { 0.1, 0.7 },
            { -3e38, 3e38 }, { 1.0, 1.0 + 1e-6 }, { 0.0, 1e-300 }, { -1e-40, 1e-40 } };
        for (auto [lo, hi] : ranges)
            for (int bins : { 1, 10, 1000, 5000 }) {
                const model::FloatBins fb(lo, hi, bins);
                std::vector<float> v;
                for (float e : fb.edges())
                    for (float x : { e, std::nextafter(e, -INFINITY), std::nextafter(e, INFINITY) })
                        v.push_back(x);
                for (float x : { -0.0f, 0.0f, 1.0f, -1.0f, 3e38f, -3e38f, 1e-45f, -1e-45f, float(lo),
                         float(hi), std::nextafter(1.0f, 0.0f), std::numeric_limits<float>::max() })
                    v.push_back(x);
                const std::vector<double> e = edges(fb);
                for (float x : v)
                    QCOMPARE(fb.binOf(x), referenceBin<float>(e, x));
                binsLikeTheReferenceOnBothPaths(v, fb);
                if (QTest::currentTestFailed()) return;
            }
    }

    // The AVX2 path estimates bins in float32 arithmetic where FloatBins::margin32 allows it (the float64
    // estimate elsewhere). Values up to 40 float32 steps either side of every edge, for ranges near and far
    // from zero (where rounding lo to float32 costs most), narrow and wide bins: every path puts each value
    // where the edges say.
    void binningNearEdgesOnEveryPath()
    {
        const std::pair<double, double> ranges[] = { { -0.2531, 0.2687 }, { 1000.0, 1000.5 }, { -7.3, -7.1 },
            { 0.0, 3.0e-30 }, { -1e30, 5e29 }, { 1.0 / 3.0, 2.0 / 3.0 } };
        std::mt19937 rng(77);
        for (auto [lo, hi] : ranges)
            for (int bins : { 1, 7, 64, 200, 4096 }) {
                const model::FloatBins fb(lo, hi, bins);
                std::vector<float> v;
                for (float e : fb.edges()) {
                    float below = e, above = e;
                    for (int k = 0; k < 40; ++k) {
                        v.push_back(below);
                        v.push_back(above);
                        below = std::nextafter(below, -INFINITY);
                        above = std::nextafter(above, INFINITY);
                    }
                }
                std::uniform_real_distribution<double> inside(lo - (hi - lo) * 0.01, hi + (hi - lo) * 0.01);
                for (int k = 0; k < 5000; ++k)
                    v.push_back(static_cast<float>(inside(rng)));
                std::shuffle(v.begin(), v.end(), rng);
                binsLikeTheReferenceOnBothPaths(v, fb);
                if (QTest::currentTestFailed()) return;
            }
    }

    // bfloat16 and float16 are binned straight from their stored bytes (widened in registers): every one of
    // the 65,536 bit patterns of each (NaN, Inf, subnormals, signed zeros), twice, in shuffled order and
    // with a tail, lands where the portable path puts its float32 widening, for ranges near and far from
    // zero and 1-4096 bins.
    void widenedBinningMatchesThePortablePath()
    {
        std::mt19937 rng(3);
        for (io::DType dtype : { io::DType::BFloat16, io::DType::Half }) {
            std::vector<uint16_t> patterns;
            for (int k = 0; k < 2; ++k)
                for (uint32_t u = 0; u <= 0xffff; ++u)
                    patterns.push_back(static_cast<uint16_t>(u));
            for (int k = 0; k < 5; ++k)
                patterns.push_back(static_cast<uint16_t>(0x3f80 + k)); // a tail past the last 8
            std::shuffle(patterns.begin(), patterns.end(), rng);
            std::vector<std::byte> bytes(patterns.size() * 2);
            std::memcpy(bytes.data(), patterns.data(), bytes.size());
            std::vector<float> widened(patterns.size());
            model::toFloatBlock(dtype, bytes.data(), widened.data(), widened.size());
            const std::pair<double, double> ranges[] = { { -1.0, 1.0 }, { -0.2531, 0.2687 },
                { 1000.0, 1000.5 }, { -60000.0, 60000.0 }, { 0.0, 1e-6 } };
            bool vectorRan = false;
            for (auto [lo, hi] : ranges)
                for (int bins : { 1, 64, 4096 }) {
                    const model::FloatBins fb(lo, hi, bins);
                    std::vector<uint64_t> want(static_cast<size_t>(bins)), got(want.size());
                    model::BinTally expected, tally;
                    expected.counts = want.data();
                    tally.counts = got.data();
                    model::binFloatBlockPortable(widened.data(), widened.size(), fb, expected);
                    if (!model::binWidenedBlock(dtype, bytes.data(), patterns.size(), fb, tally)) continue;
                    vectorRan = true;
                    QCOMPARE(got, want);
                    QCOMPARE(tally.below, expected.below);
                    QCOMPARE(tally.above, expected.above);
                    QCOMPARE(tally.nans, expected.nans);
                    QCOMPARE(tally.posinf, expected.posinf);
                    QCOMPARE(tally.neginf, expected.neginf);
                }
            if (model::kernelsUseF16c()) QVERIFY(vectorRan);
        }
    }

    void floatEdgesAreNumpysLinspace()
    {
        // linspace(lo, hi, bins + 1) in float64 (i * step + lo, the last edge hi), rounded to float32.
        const model::FloatBins fb(0.1, 0.7, 3);
        const double step = (0.7 - 0.1) / 3;
        QCOMPARE(fb.edges().size(), size_t(4));
        QCOMPARE(fb.edges()[0], 0.1f);
        QCOMPARE(fb.edges()[1], static_cast<float>(1 * step + 0.1));
        QCOMPARE(fb.edges()[2], static_cast<float>(2 * step + 0.1));
        QCOMPARE(fb.edges()[3], 0.7f);
    }

    void halfHistogramMatchesTheGenericPath()
    {
        // Widened float16 values land where their float64 value (io::elementAsDouble) says.
        std::vector<uint16_t> half(5000);
        std::mt19937 rng(6);
        for (auto& h : half)
            h = static_cast<uint16_t>(rng() & 0xffff);
        const auto t = tensorOf(io::DType::Half, half);
        const int bins = 50;
        const double lo = -100.0, hi = 100.0;
        auto h = model::computeHistogram(t, bins, lo, hi, nullptr, 2, &m_pool);
        QVERIFY(h);
        std::vector<uint64_t> expected(bins, 0);
        uint64_t nans = 0, infs = 0, below = 0, above = 0;
        for (uint16_t bits : half) {
            const double x = io::elementAsDouble(
                static_cast<int>(io::DType::Half), reinterpret_cast<const std::byte*>(&bits));
            if (std::isnan(x)) {
                ++nans;
                continue;
            }
            if (std::isinf(x)) {
                ++infs;
                continue;
            }
            const int b = referenceBin<float>(h->edges, static_cast<float>(x)); // exact: a half is a float
            if (b < 0)
                ++below;
            else if (b >= bins)
                ++above;
            else
                expected[static_cast<size_t>(b)]++;
        }
        QCOMPARE(h->counts, expected);
        QCOMPARE(h->below, below);
        QCOMPARE(h->above, above);
        QCOMPARE(h->nans, nans);
        QCOMPARE(h->infs, infs);
    }

    void diffIsIdenticalOnEveryPath()
    {
        PortableGuard guard;
        auto a = randomFloats(model::kDiffChunkElements * 3 + 9, 7);
        auto b = a;
        for (size_t i = 0; i < b.size(); i += 13)
            b[i] += 1e-3f * static_cast<float>(i % 7);
        b[model::kDiffChunkElements + 1] = std::numeric_limits<float>::quiet_NaN(); // one block element-wise
        const auto ta = tensorOf(io::DType::Float, a), tb = tensorOf(io::DType::Float, b);
        auto run = [&](bool portable, int threads) {
            model::forcePortableKernels(portable);
            model::DiffOptions o;
            o.executor = &m_pool;
            o.threads = threads;
            auto d = model::computeDiff(ta, tb, o);
            if (!d) qFatal("%s", d.status().toString().c_str());
            return *d;
        };
        const auto reference = run(true, 1);
        QCOMPARE(reference.nanB, uint64_t(1));
        for (bool portable : { true, false })
            for (int threads : { 1, 2 })
                QVERIFY2(identical(run(portable, threads), reference),
                    qPrintable(QStringLiteral("portable=%1 threads=%2").arg(portable).arg(threads)));
    }

    void diffBlockKernelsAgree()
    {
        for (size_t n : { size_t(0), size_t(7), size_t(8), size_t(1001) }) {
            const auto a = randomFloats(n, 8), b = randomFloats(n, 9);
            model::PartialDiff vec, port;
            const auto* pa = reinterpret_cast<const std::byte*>(a.data());
            const auto* pb = reinterpret_cast<const std::byte*>(b.data());
            QVERIFY(model::diffFloat32Simd(pa, pb, n, vec));
            QVERIFY(model::diffFloat32Portable(pa, pb, n, port));
            QCOMPARE(vec.changed, port.changed);
            QVERIFY(sameBits(vec.sumSq, port.sumSq) && sameBits(vec.sumAbs, port.sumAbs)
                && sameBits(vec.sumA2, port.sumA2) && sameBits(vec.sumB2, port.sumB2)
                && sameBits(vec.sumAB, port.sumAB) && sameBits(vec.maxAbs, port.maxAbs));
        }
    }
};

QTEST_GUILESS_MAIN(TestKernelPaths)
#include "tst_kernel_paths.moc"
