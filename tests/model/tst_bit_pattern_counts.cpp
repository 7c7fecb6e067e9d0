// float16 and bfloat16 statistics and histograms from bit-pattern counts, against independent references:
// the same values widened to float32 (model::toFloatBlock) and summarised by the float32 kernels, a long
// double reference for the sums, and the element-by-element histogram binning of the 16-bit tensor itself.
#include "io/crc32c.h"
#include "io/tensor.h"
#include "model/kernels/bit_pattern_counts.h"
#include "model/kernels/convert_to_float.h"
#include "model/kernels/histogram.h"
#include "model/kernels/stats_and_histogram.h"
#include "model/kernels/tensor_stats.h"

#include <QtTest>
#include <bit>
#include <cmath>
#include <cstring>
#include <random>

using namespace tscope;

namespace {

io::Tensor tensorOf(io::DType dtype, const std::vector<uint16_t>& patterns)
{
    std::vector<std::byte> bytes(patterns.size() * 2);
    for (size_t i = 0; i < patterns.size(); ++i) { // little-endian, as stored
        bytes[2 * i] = static_cast<std::byte>(patterns[i] & 0xff);
        bytes[2 * i + 1] = static_cast<std::byte>(patterns[i] >> 8);
    }
    return io::Tensor::owned(dtype, { static_cast<int64_t>(patterns.size()) }, std::move(bytes));
}

io::Tensor widened(const io::Tensor& t)
{
    std::vector<float> f(t.elementCount());
    model::toFloatBlock(t.dtype(), t.bytes().data(), f.data(), f.size());
    std::vector<std::byte> bytes(f.size() * 4);
    std::memcpy(bytes.data(), f.data(), bytes.size());
    return io::Tensor::owned(io::DType::Float, t.shape(), std::move(bytes));
}

// Trained-weight-like values (normal, mean 0.01, std 0.05) with every 997th exactly 0, as 16-bit patterns.
std::vector<uint16_t> weights(io::DType dtype, size_t n, uint32_t seed)
{
    std::mt19937 rng(seed);
    std::normal_distribution<float> dist(0.01f, 0.05f);
    std::vector<uint16_t> out(n);
    for (size_t i = 0; i < n; ++i) {
        const float v = i % 997 == 0 ? 0.0f : dist(rng);
        if (dtype == io::DType::BFloat16) {
            out[i] = static_cast<uint16_t>(std::bit_cast<uint32_t>(v) >> 16);
        } else { // float16 by search over the patterns near 0: exact enough for test data
            const float a = std::fabs(v);
            int e = a == 0 ? -25 : static_cast<int>(std::floor(std::log2(a)));
            uint16_t bits = 0;
            if (e >= -14) {
                const int mant = static_cast<int>(std::lround((a / std::ldexp(1.0f, e) - 1) * 1024));
                bits = static_cast<uint16_t>(((e + 15) << 10) + mant); // mant == 1024 carries into e
            } else {
                bits = static_cast<uint16_t>(std::lround(a / std::ldexp(1.0f, -24)));
            }
            out[i] = static_cast<uint16_t>(bits | (v < 0 ? 0x8000 : 0));
        }
    }
    return out;
}

// Every pattern at least once (NaNs, both infinities, subnormals, both zeros), then random ones.
std::vector<uint16_t> everyPattern(size_t extra, uint32_t seed)
{
    std::vector<uint16_t> out(65536 + extra);
    for (size_t p = 0; p < 65536; ++p)
        out[p] = static_cast<uint16_t>(p);
    std::mt19937 rng(seed);
    for (size_t i = 65536; i < out.size(); ++i)
        out[i] = static_cast<uint16_t>(rng());
    std::shuffle(out.begin(), out.end(), rng);
    return out;
}

bool closeTo(double got, double want)
{
    return got == want || std::fabs(got - want) <= 1e-12 * std::fabs(want) + 1e-300;
}

void compareWithFloat32Kernels(const io::Tensor& t)
{
    auto ours = model::computeStats(t);
    auto ref = model::computeStats(widened(t));
    QVERIFY(ours && ref);
    QCOMPARE(ours->count, ref->count);
    QCOMPARE(ours->finite, ref->finite);
    QCOMPARE(ours->zeros, ref->zeros);
    QCOMPARE(ours->nans, ref->nans);
    QCOMPARE(ours->infs, ref->infs);
    if (ref->finite == 0) return;
    QCOMPARE(ours->min, ref->min);
    QCOMPARE(ours->max, ref->max);
    // The float32 kernels sum per chunk and merge; both are within a few ulps of the exact value.
    long double sum = 0, sumsq = 0;
    std::vector<float> f(t.elementCount());
    model::toFloatBlock(t.dtype(), t.bytes().data(), f.data(), f.size());
    for (float v : f)
        if (std::isfinite(v)) {
            sum += v;
            sumsq += static_cast<long double>(v) * v;
        }
    const long double mean = sum / static_cast<long double>(ref->finite);
    long double m2 = 0;
    for (float v : f)
        if (std::isfinite(v)) m2 += (v - mean) * (v - mean);
    QVERIFY2(
        closeTo(ours->mean, static_cast<double>(mean)), qPrintable(QString::number(ours->mean, 'g', 17)));
    QVERIFY(closeTo(ours->std, static_cast<double>(std::sqrt(m2 / ref->finite))));
    QVERIFY(closeTo(ours->l2, static_cast<double>(std::sqrt(sumsq))));
    QVERIFY(std::fabs(ours->mean - ref->mean) <= 1e-9 * std::max(std::fabs(ref->max), std::fabs(ref->min)));
}

void compareHistograms(const model::HistogramData& a, const model::HistogramData& b)
{
    QCOMPARE(a.edges, b.edges);
    QCOMPARE(a.counts, b.counts);
    QCOMPARE(a.nans, b.nans);
    QCOMPARE(a.posinfs, b.posinfs);
    QCOMPARE(a.neginfs, b.neginfs);
    QCOMPARE(a.infs, b.infs);
    QCOMPARE(a.below, b.below);
    QCOMPARE(a.above, b.above);
    QCOMPARE(a.total, b.total);
    QCOMPARE(a.lo, b.lo);
    QCOMPARE(a.hi, b.hi);
}

} // namespace

class TestBitPatternCounts : public QObject {
    Q_OBJECT
private slots:
    void statsMatchTheFloat32Kernels_data()
    {
        QTest::addColumn<int>("dtype");
        QTest::addColumn<bool>("allPatterns");
        QTest::addColumn<int>("count");
        for (auto [dtype, name] :
            { std::pair { io::DType::BFloat16, "bfloat16" }, { io::DType::Half, "float16" } }) {
            const int d = static_cast<int>(dtype);
            QTest::addRow("%s weights, 5 elements", name) << d << false << 5;
            QTest::addRow("%s weights, several chunks", name)
                << d << false << int(model::kStatsChunkElements * 3 + 77);
            QTest::addRow("%s every pattern", name) << d << true << 1000;
        }
    }
    void statsMatchTheFloat32Kernels()
    {
        QFETCH(int, dtype);
        QFETCH(bool, allPatterns);
        QFETCH(int, count);
        const auto d = static_cast<io::DType>(dtype);
        const auto patterns = allPatterns ? everyPattern(static_cast<size_t>(count), 7)
                                          : weights(d, static_cast<size_t>(count), 11);
        compareWithFloat32Kernels(tensorOf(d, patterns));
    }

    void histogramsMatchElementBinning_data()
    {
        QTest::addColumn<int>("dtype");
        QTest::addColumn<bool>("allPatterns");
        QTest::addColumn<int>("bins");
        for (auto [dtype, name] :
            { std::pair { io::DType::BFloat16, "bfloat16" }, { io::DType::Half, "float16" } }) {
            const int d = static_cast<int>(dtype);
            QTest::addRow("%s weights, 64 bins", name) << d << false << 64;
            QTest::addRow("%s weights, 1 bin", name) << d << false << 1;
            QTest::addRow("%s weights, 5000 bins (narrower than the values' spacing)", name)
                << d << false << 5000;
            QTest::addRow("%s every pattern, 200 bins", name) << d << true << 200;
        }
    }
    void histogramsMatchElementBinning()
    {
        QFETCH(int, dtype);
        QFETCH(bool, allPatterns);
        QFETCH(int, bins);
        const auto d = static_cast<io::DType>(dtype);
        const auto t = tensorOf(d, allPatterns ? everyPattern(3000, 5) : weights(d, 300000, 3));
        auto counts = model::countBitPatterns(t);
        QVERIFY(counts);
        const auto stats = model::statsFromBitPatterns(*counts);
        // Over the values' range, a narrower range (values below and above), and degenerate ranges.
        const std::vector<std::pair<double, double>> ranges = { { stats.min, stats.max },
            { stats.min / 3, stats.max / 3 }, { 0.5, 0.5 }, { NAN, 1 }, { 1, 0 } };
        for (auto [lo, hi] : ranges) {
            auto element = model::computeHistogram(t, bins, lo, hi);
            auto asFloat32 = model::computeHistogram(widened(t), bins, lo, hi);
            QVERIFY(element && asFloat32);
            const auto fromCounts = model::histogramFromBitPatterns(*counts, bins, lo, hi);
            compareHistograms(fromCounts, *element);
            compareHistograms(fromCounts, *asFloat32);
        }
    }

    void sameResultOnAnyThreadCountWithTheCrc()
    {
        const auto patterns = everyPattern(model::kStatsChunkElements * 4 + 5, 9);
        const auto t = tensorOf(io::DType::BFloat16, patterns);
        model::StatsOptions one, two;
        one.threads = 1;
        two.threads = 2;
        one.computeCrc = two.computeCrc = true;
        auto a = model::countBitPatterns(t, one);
        auto b = model::countBitPatterns(t, two);
        QVERIFY(a && b);
        QCOMPARE(a->counts, b->counts);
        QCOMPARE(*a->crc32c, io::crc32c::value(t.bytes().data(), t.bytes().size()));
        QCOMPARE(*b->crc32c, *a->crc32c);
        uint64_t total = 0;
        for (uint64_t c : a->counts)
            total += c;
        QCOMPARE(total, t.elementCount());
        const auto sa = model::statsFromBitPatterns(*a);
        QCOMPARE(sa.crc32c, a->crc32c);
        auto viaStats = model::computeStats(t, two);
        QVERIFY(viaStats);
        QCOMPARE(viaStats->crc32c, a->crc32c);
        QCOMPARE(viaStats->mean, sa.mean);
        QCOMPARE(viaStats->std, sa.std);
    }

    void progressAndCancel()
    {
        const auto t = tensorOf(io::DType::Half, weights(io::DType::Half, model::kStatsChunkElements * 6, 1));
        uint64_t last = 0;
        model::StatsOptions o;
        o.progress = [&](uint64_t done, uint64_t total) {
            last = done;
            return total == t.elementCount();
        };
        QVERIFY(model::countBitPatterns(t, o));
        QCOMPARE(last, t.elementCount());
        io::CancelToken cancel;
        o.cancel = &cancel;
        o.progress = [&](uint64_t, uint64_t) { return false; }; // the user pressed Cancel
        o.threads = 1;
        auto r = model::countBitPatterns(t, o);
        QVERIFY(!r);
        QCOMPARE(r.status().code(), io::ErrorCode::Cancelled);
    }

    void onePassGivesStatsAndHistogram()
    {
        const auto t = tensorOf(io::DType::BFloat16, weights(io::DType::BFloat16, 100000, 21));
        model::StatsOptions o;
        o.computeCrc = true;
        auto r = model::computeStatsAndHistogram(t, o, [](const model::TensorStats& s) {
            return std::optional(model::HistogramLayout { 64, s.min, s.max });
        });
        QVERIFY(r);
        auto stats = model::computeStats(t, o);
        QVERIFY(stats);
        QCOMPARE(r->stats.mean, stats->mean);
        QCOMPARE(r->stats.crc32c, stats->crc32c);
        auto h = model::computeHistogram(t, 64, stats->min, stats->max);
        QVERIFY(h);
        compareHistograms(r->histogram, *h);
        QVERIFY(r->histogramStatus.isOk());
        // No layout chosen: no histogram. Other dtypes take the two passes and give the same shape of result.
        auto none
            = model::computeStatsAndHistogram(t, o, [](const model::TensorStats&) { return std::nullopt; });
        QVERIFY(none && none->histogram.empty());
        auto f = model::computeStatsAndHistogram(widened(t), o, [](const model::TensorStats& s) {
            return std::optional(model::HistogramLayout { 64, s.min, s.max });
        });
        QVERIFY(f);
        QCOMPARE(f->histogram.counts, r->histogram.counts);
    }

    void otherDtypesAreRefused()
    {
        std::vector<std::byte> bytes(8);
        auto r = model::countBitPatterns(io::Tensor::owned(io::DType::Float, { 2 }, std::move(bytes)));
        QVERIFY(!r);
        QCOMPARE(r.status().code(), io::ErrorCode::InvalidArgument);
    }
};

QTEST_GUILESS_MAIN(TestBitPatternCounts)
#include "tst_bit_pattern_counts.moc"
