// Statistics and histograms against values computed here independently (long double, one pass).
#include "io/tensor.h"
#include "model/kernels/histogram.h"
#include "model/kernels/tensor_stats.h"

#include <QtTest>
#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>
#include <random>

using namespace tscope;

namespace {

template <typename T> io::Tensor makeTensor(io::DType dtype, const std::vector<T>& values)
{
    std::vector<std::byte> bytes(values.size() * sizeof(T));
    std::memcpy(bytes.data(), values.data(), bytes.size());
    return io::Tensor::owned(dtype, { static_cast<int64_t>(values.size()) }, std::move(bytes));
}

struct Reference {
    long double min = INFINITY, max = -INFINITY, sum = 0, sumsq = 0;
    uint64_t finite = 0, zeros = 0, nans = 0, infs = 0;
    void add(long double v)
    {
        if (std::isnan(v)) return void(nans++);
        if (std::isinf(v)) return void(infs++);
        finite++;
        zeros += v == 0;
        min = std::min(min, v);
        max = std::max(max, v);
        sum += v;
        sumsq += v * v;
    }
    double mean() const { return static_cast<double>(sum / finite); }
    double std() const
    {
        long double m = sum / finite;
        return static_cast<double>(std::sqrt(std::max<long double>(0, sumsq / finite - m * m)));
    }
};

} // namespace

class TestTensorStats : public QObject {
    Q_OBJECT
private slots:
    void float32Random_data()
    {
        QTest::addColumn<int>("count");
        QTest::addColumn<int>("threads");
        QTest::addRow("small") << 7 << 1;
        QTest::addRow("one chunk") << int(model::kStatsChunkElements) << 2;
        QTest::addRow("several chunks, 2 threads") << int(model::kStatsChunkElements * 5 + 123) << 2;
        QTest::addRow("several chunks, 1 thread") << int(model::kStatsChunkElements * 3 + 1) << 1;
    }
    void float32Random()
    {
        QFETCH(int, count);
        QFETCH(int, threads);
        std::mt19937 rng(42);
        std::normal_distribution<float> dist(3.0f, 0.5f);
        std::vector<float> v(static_cast<size_t>(count));
        Reference ref;
        for (auto& x : v) {
            x = dist(rng);
            ref.add(x);
        }
        model::StatsOptions o;
        o.threads = threads;
        auto s = model::computeStats(makeTensor(io::DType::Float, v), o);
        QVERIFY(s);
        QCOMPARE(s->count, uint64_t(count));
        QCOMPARE(s->finite, ref.finite);
        QCOMPARE(s->min, double(ref.min));
        QCOMPARE(s->max, double(ref.max));
        QVERIFY(std::abs(s->mean - ref.mean()) <= 1e-9 * std::abs(ref.mean()));
        QVERIFY(std::abs(s->std - ref.std()) <= 1e-7 * ref.std());
        QVERIFY(std::abs(s->l2 - double(std::sqrt(ref.sumsq))) <= 1e-9 * double(std::sqrt(ref.sumsq)));
    }

    void nanInfZeros()
    {
        const float nan = std::numeric_limits<float>::quiet_NaN(),
                    inf = std::numeric_limits<float>::infinity();
        std::vector<float> v { 1, 0, -0.0f, nan, inf, -inf, 3, nan };
        auto s = model::computeStats(makeTensor(io::DType::Float, v));
        QVERIFY(s);
        QCOMPARE(s->nans, uint64_t(2));
        QCOMPARE(s->infs, uint64_t(2));
        QCOMPARE(s->zeros, uint64_t(2));
        QCOMPARE(s->finite, uint64_t(4));
        QCOMPARE(s->min, -0.0);
        QCOMPARE(s->max, 3.0);
        QCOMPARE(s->mean, 1.0);
        QCOMPARE(s->l2, std::sqrt(10.0));
    }

    void allNaNHasNoRange()
    {
        std::vector<float> v(5, std::numeric_limits<float>::quiet_NaN());
        auto s = model::computeStats(makeTensor(io::DType::Float, v));
        QVERIFY(s);
        QCOMPARE(s->finite, uint64_t(0));
        QCOMPARE(s->nans, uint64_t(5));
        auto h = model::computeHistogram(makeTensor(io::DType::Float, v), 10, s->min, s->max);
        QVERIFY(h);
        QCOMPARE(h->nans, uint64_t(5));
    }

    void integersAndBool()
    {
        auto s
            = model::computeStats(makeTensor<int64_t>(io::DType::Int64, { -5, 0, 10, 1'000'000'000'000LL }));
        QVERIFY(s);
        QCOMPARE(s->min, -5.0);
        QCOMPARE(s->max, 1e12);
        QCOMPARE(s->zeros, uint64_t(1));
        auto b = model::computeStats(makeTensor<uint8_t>(io::DType::Bool, { 1, 0, 1, 1 }));
        QVERIFY(b);
        QCOMPARE(b->mean, 0.75);
    }

    void halfAndBfloat16()
    {
        // float16: 1.0 = 0x3C00, -2.0 = 0xC000; bfloat16: 1.0 = 0x3F80, 0.5 = 0x3F00
        auto h = model::computeStats(makeTensor<uint16_t>(io::DType::Half, { 0x3C00, 0xC000 }));
        QVERIFY(h);
        QCOMPARE(h->min, -2.0);
        QCOMPARE(h->max, 1.0);
        auto b = model::computeStats(makeTensor<uint16_t>(io::DType::BFloat16, { 0x3F80, 0x3F00 }));
        QVERIFY(b);
        QCOMPARE(b->mean, 0.75);
    }

    void complexUsesMagnitude()
    {
        // complex64 [3+4j, 0+0j]: two elements of two floats each.
        std::vector<std::byte> bytes(16);
        float vals[4] = { 3, 4, 0, 0 };
        std::memcpy(bytes.data(), vals, 16);
        auto s = model::computeStats(io::Tensor::owned(io::DType::Complex64, { 2 }, std::move(bytes)));
        QVERIFY(s);
        QCOMPARE(s->max, 5.0);
        QCOMPARE(s->zeros, uint64_t(1));
    }

    void stringsAreNotNumeric()
    {
        auto s = model::computeStats(io::Tensor::strings({ 2 }, { "a", "b" }));
        QVERIFY(s);
        QVERIFY(!s->numeric);
    }

    void cancelStopsEarly()
    {
        std::vector<float> v(model::kStatsChunkElements * 8, 1.0f);
        io::CancelToken token;
        token.cancel();
        model::StatsOptions o;
        o.cancel = &token;
        auto s = model::computeStats(makeTensor(io::DType::Float, v), o);
        QVERIFY(!s);
        QCOMPARE(s.status().code(), io::ErrorCode::Cancelled);
    }

    void histogramCounts()
    {
        std::vector<float> v { 0, 0.1f, 0.5f, 0.9f, 1.0f, std::numeric_limits<float>::infinity() };
        auto h = model::computeHistogram(makeTensor(io::DType::Float, v), 2, 0.0, 1.0);
        QVERIFY(h);
        QCOMPARE(h->counts.size(), size_t(2));
        QCOMPARE(h->counts[0], uint64_t(2)); // 0, 0.1
        QCOMPARE(h->counts[1], uint64_t(3)); // 0.5, 0.9, 1.0 (the top edge belongs to the last bin)
        QCOMPARE(h->infs, uint64_t(1));
        QCOMPARE(h->posinfs, uint64_t(1));
        QCOMPARE(h->edges.front(), 0.0);
        QCOMPARE(h->edges.back(), 1.0);
    }

    void histogramMatchesReferenceBinning()
    {
        std::mt19937 rng(11);
        std::normal_distribution<float> dist(0, 1);
        std::vector<float> v(model::kStatsChunkElements + 1001);
        for (auto& x : v)
            x = dist(rng);
        v[5] = std::numeric_limits<float>::quiet_NaN();
        v[77] = -std::numeric_limits<float>::infinity();
        const int bins = 37;
        const double lo = -2.5, hi = 3.0; // values outside are counted apart (numpy drops them)
        auto h = model::computeHistogram(makeTensor(io::DType::Float, v), bins, lo, hi, nullptr, 2);
        QVERIFY(h);
        // numpy's edges: linspace in float64 rounded to float32; bin i is [edge i, edge i+1), the last
        // closed.
        std::vector<float> edges(bins + 1);
        for (int i = 0; i < bins; ++i)
            edges[size_t(i)] = float(i * ((hi - lo) / bins) + lo);
        edges[bins] = float(hi);
        for (int i = 0; i <= bins; ++i)
            QCOMPARE(h->edges[size_t(i)], double(edges[size_t(i)]));
        std::vector<uint64_t> expected(bins, 0);
        uint64_t below = 0, above = 0;
        for (float x : v) {
            if (!std::isfinite(x)) continue;
            if (x < edges.front())
                ++below;
            else if (x > edges.back())
                ++above;
            else
                expected[std::min<size_t>(
                    size_t(std::upper_bound(edges.begin(), edges.end(), x) - edges.begin()) - 1, bins - 1)]++;
        }
        QCOMPARE(h->counts, expected);
        QCOMPARE(h->below, below);
        QCOMPARE(h->above, above);
        QVERIFY(below > 0 && above > 0);
        QCOMPARE(h->nans, uint64_t(1));
        QCOMPARE(h->infs, uint64_t(1));
    }

    void histogramSumsToFinite()
    {
        std::mt19937 rng(7);
        std::uniform_real_distribution<float> dist(-3, 3);
        std::vector<float> v(model::kStatsChunkElements * 3 + 17);
        for (auto& x : v)
            x = dist(rng);
        auto t = makeTensor(io::DType::Float, v);
        auto s = model::computeStats(t);
        auto h = model::computeHistogram(t, 100, s->min, s->max, nullptr, 2);
        QVERIFY(h);
        uint64_t total = 0;
        for (auto c : h->counts)
            total += c;
        QCOMPARE(total, uint64_t(v.size()));
    }
};

QTEST_APPLESS_MAIN(TestTensorStats)
#include "tst_tensor_stats.moc"
