// The diff kernel against a reference computed here independently (long double, one pass, element by
// element): float32 over several chunks, any thread count giving the same sums; NaN/Inf counted and kept
// out; bit-pattern changes (signed zero, NaN payloads); exact 64-bit integer differences; float16 and
// bfloat16 widening; zero norms; strings; shape mismatch, cancel and progress.
#include "io/element.h"
#include "io/executor.h"
#include "io/tensor.h"
#include "model/kernels/compute_pool.h"
#include "model/kernels/diff_metrics.h"

#include <QtTest>
#include <cmath>
#include <cstring>
#include <limits>
#include <random>

using namespace tscope;
using model::DiffMetrics;

namespace {

template <typename T> io::Tensor makeTensor(io::DType dtype, const std::vector<T>& values)
{
    std::vector<std::byte> bytes(values.size() * sizeof(T));
    if (!bytes.empty()) std::memcpy(bytes.data(), values.data(), bytes.size());
    return io::Tensor::owned(dtype, { static_cast<int64_t>(values.size()) }, std::move(bytes));
}

// The definitions of diff_metrics.h, written out naively.
struct Reference {
    uint64_t changed = 0, compared = 0, nanA = 0, infA = 0, nanB = 0, infB = 0;
    long double maxAbs = 0, sumAbs = 0, sumSq = 0, a2 = 0, b2 = 0, ab = 0;
    void add(long double x, long double y, long double d, bool bitsDiffer)
    {
        changed += bitsDiffer;
        const bool fx = std::isfinite(x), fy = std::isfinite(y);
        if (!fx) (std::isnan(x) ? nanA : infA)++;
        if (!fy) (std::isnan(y) ? nanB : infB)++;
        if (!fx || !fy) return;
        ++compared;
        maxAbs = std::max(maxAbs, std::fabs(d));
        sumAbs += std::fabs(d);
        sumSq += d * d;
        a2 += x * x;
        b2 += y * y;
        ab += x * y;
    }
    void verify(const DiffMetrics& m, uint64_t count, double tolerance = 1e-12) const
    {
        QCOMPARE(m.count, count);
        QCOMPARE(m.changed, changed);
        QCOMPARE(m.compared, compared);
        QCOMPARE(m.nanA, nanA);
        QCOMPARE(m.infA, infA);
        QCOMPARE(m.nanB, nanB);
        QCOMPARE(m.infB, infB);
        QVERIFY(m.numeric);
        if (compared == 0) {
            QVERIFY(!m.maxAbsDiff && !m.meanAbsDiff && !m.rmsDiff && !m.relChange && !m.cosine);
            return;
        }
        auto near = [&](double got, long double want) {
            return std::fabs(got - static_cast<double>(want))
                <= tolerance * std::fabs(static_cast<double>(want)) + 1e-300;
        };
        QCOMPARE(*m.maxAbsDiff, static_cast<double>(maxAbs));
        QVERIFY(near(*m.meanAbsDiff, sumAbs / compared));
        QVERIFY(near(*m.rmsDiff, std::sqrt(sumSq / compared)));
        QCOMPARE(m.relChange.has_value(), a2 > 0);
        if (a2 > 0) QVERIFY(near(*m.relChange, std::sqrt(sumSq) / std::sqrt(a2)));
        QCOMPARE(m.cosine.has_value(), a2 > 0 && b2 > 0);
        if (m.cosine) QVERIFY(near(*m.cosine, ab / (std::sqrt(a2) * std::sqrt(b2))));
    }
};

template <typename U, typename F> bool bitsDiffer(F x, F y)
{
    U ux, uy;
    std::memcpy(&ux, &x, sizeof(U));
    std::memcpy(&uy, &y, sizeof(U));
    return ux != uy;
}

Reference referenceFloat(const std::vector<float>& a, const std::vector<float>& b)
{
    Reference r;
    for (size_t i = 0; i < a.size(); ++i)
        r.add(a[i], b[i], static_cast<long double>(b[i]) - static_cast<long double>(a[i]),
            bitsDiffer<uint32_t>(a[i], b[i]));
    return r;
}

class InlineOnly final : public io::Executor {
public:
    unsigned maxWorkers() const override { return 1; }
    bool parallelFor(
        uint64_t chunks, const io::ChunkFn& body, const io::CancelToken* cancel, unsigned) override
    {
        return io::inlineExecutor().parallelFor(chunks, body, cancel);
    }
};

} // namespace

class TestDiffMetrics : public QObject {
    Q_OBJECT
private slots:
    void float32Random_data()
    {
        QTest::addColumn<int>("count");
        QTest::addRow("small") << 9;
        QTest::addRow("several chunks") << int(model::kDiffChunkElements * 3 + 17);
    }
    void float32Random()
    {
        QFETCH(int, count);
        std::mt19937 rng(11);
        std::normal_distribution<float> normal(0.f, 2.f);
        std::vector<float> a(static_cast<size_t>(count)), b(a.size());
        for (size_t i = 0; i < a.size(); ++i) {
            a[i] = normal(rng);
            b[i] = (i % 3 == 0) ? a[i] : a[i] + normal(rng) * 0.01f;
        }
        const auto ta = makeTensor(io::DType::Float, a), tb = makeTensor(io::DType::Float, b);
        auto pooled = model::computeDiff(ta, tb);
        QVERIFY(pooled);
        referenceFloat(a, b).verify(*pooled, a.size());
        // Chunks merge in order: one thread gives bit-identical sums.
        InlineOnly one;
        model::DiffOptions options;
        options.executor = &one;
        auto serial = model::computeDiff(ta, tb, options);
        QVERIFY(serial);
        QCOMPARE(*serial->meanAbsDiff, *pooled->meanAbsDiff);
        QCOMPARE(*serial->rmsDiff, *pooled->rmsDiff);
        QCOMPARE(*serial->cosine, *pooled->cosine);
    }

    void nonFiniteAreCountedNotPropagated()
    {
        const float inf = std::numeric_limits<float>::infinity(),
                    nan = std::numeric_limits<float>::quiet_NaN();
        const std::vector<float> a { 1, nan, inf, 4, 5, -inf };
        const std::vector<float> b { 2, 3, inf, nan, 5, 1 };
        auto m = model::computeDiff(makeTensor(io::DType::Float, a), makeTensor(io::DType::Float, b));
        QVERIFY(m);
        referenceFloat(a, b).verify(*m, a.size());
        QCOMPARE(m->compared, uint64_t(2));
        QVERIFY(std::isfinite(*m->rmsDiff));
    }

    void bitPatternsDecideChanged()
    {
        const float nan = std::numeric_limits<float>::quiet_NaN();
        float otherNan;
        const uint32_t payload = 0x7fc00123;
        std::memcpy(&otherNan, &payload, 4);
        const std::vector<float> a { 0.f, -0.f, nan, nan, 1.f };
        const std::vector<float> b { -0.f, -0.f, nan, otherNan, 1.f };
        auto m = model::computeDiff(makeTensor(io::DType::Float, a), makeTensor(io::DType::Float, b));
        QVERIFY(m);
        QCOMPARE(m->changed, uint64_t(2)); // +0 -> -0 and the NaN whose payload changed
        QCOMPARE(m->fracChanged(), 0.4);
        QCOMPARE(*m->maxAbsDiff, 0.0);
        referenceFloat(a, b).verify(*m, a.size());
    }

    void int64DifferencesAreExact()
    {
        const int64_t lo = std::numeric_limits<int64_t>::min(), hi = std::numeric_limits<int64_t>::max();
        const std::vector<int64_t> a { lo, hi, 7, -3 };
        const std::vector<int64_t> b { hi, lo, 7, 4 };
        auto m = model::computeDiff(makeTensor(io::DType::Int64, a), makeTensor(io::DType::Int64, b));
        QVERIFY(m);
        Reference r;
        for (size_t i = 0; i < a.size(); ++i) // the exact difference, as long double (64-bit mantissa)
            r.add(a[i], b[i], static_cast<long double>(b[i]) - static_cast<long double>(a[i]), a[i] != b[i]);
        r.verify(*m, a.size());
        QCOMPARE(*m->maxAbsDiff, static_cast<double>(std::numeric_limits<uint64_t>::max()));
    }

    void uint64AndNarrowIntegers()
    {
        const std::vector<uint64_t> a { 0, std::numeric_limits<uint64_t>::max(), 5 };
        const std::vector<uint64_t> b { std::numeric_limits<uint64_t>::max(), 0, 9 };
        auto m = model::computeDiff(makeTensor(io::DType::UInt64, a), makeTensor(io::DType::UInt64, b));
        QVERIFY(m);
        QCOMPARE(*m->maxAbsDiff, static_cast<double>(std::numeric_limits<uint64_t>::max()));
        QCOMPARE(m->changed, uint64_t(3));
        const std::vector<int8_t> c { -128, 127, 0 }, d { 127, -128, 1 };
        auto n = model::computeDiff(makeTensor(io::DType::Int8, c), makeTensor(io::DType::Int8, d));
        QVERIFY(n);
        Reference r;
        for (size_t i = 0; i < c.size(); ++i)
            r.add(c[i], d[i], static_cast<long double>(d[i]) - c[i], c[i] != d[i]);
        r.verify(*n, c.size());
    }

    void halfAndBfloat16Widen()
    {
        // 1.0, -2.0, 0.5 and 1.0, -2.5, 0.5 in float16; the same values in bfloat16.
        const std::vector<uint16_t> ha { 0x3c00, 0xc000, 0x3800 }, hb { 0x3c00, 0xc100, 0x3800 };
        const std::vector<uint16_t> ba { 0x3f80, 0xc000, 0x3f00 }, bb { 0x3f80, 0xc020, 0x3f00 };
        for (auto [dtype, a, b] :
            { std::tuple { io::DType::Half, ha, hb }, std::tuple { io::DType::BFloat16, ba, bb } }) {
            auto m = model::computeDiff(makeTensor(dtype, a), makeTensor(dtype, b));
            QVERIFY(m);
            Reference r;
            for (size_t i = 0; i < a.size(); ++i) {
                const long double x = io::elementAsDouble(dtype, reinterpret_cast<const std::byte*>(&a[i]));
                const long double y = io::elementAsDouble(dtype, reinterpret_cast<const std::byte*>(&b[i]));
                r.add(x, y, y - x, a[i] != b[i]);
            }
            r.verify(*m, a.size());
            QCOMPARE(*m->maxAbsDiff, 0.5);
        }
    }

    void zeroNormsGiveNull()
    {
        const std::vector<float> zeros { 0, 0, 0 }, ones { 1, 1, 1 };
        auto fromZero
            = model::computeDiff(makeTensor(io::DType::Float, zeros), makeTensor(io::DType::Float, ones));
        QVERIFY(fromZero);
        QVERIFY(!fromZero->relChange && !fromZero->cosine);
        QCOMPARE(*fromZero->maxAbsDiff, 1.0);
        auto toZero
            = model::computeDiff(makeTensor(io::DType::Float, ones), makeTensor(io::DType::Float, zeros));
        QVERIFY(toZero);
        QCOMPARE(*toZero->relChange, 1.0);
        QVERIFY(!toZero->cosine);
    }

    void emptyTensors()
    {
        auto m = model::computeDiff(makeTensor(io::DType::Float, std::vector<float> {}),
            makeTensor(io::DType::Float, std::vector<float> {}));
        QVERIFY(m);
        QCOMPARE(m->count, uint64_t(0));
        QCOMPARE(m->fracChanged(), 0.0);
        QVERIFY(!m->maxAbsDiff);
    }

    void stringsCompareByValue()
    {
        auto a = io::Tensor::strings({ 3 }, { "x", "y", "z" });
        auto b = io::Tensor::strings({ 3 }, { "x", "Y", "z" });
        auto m = model::computeDiff(a, b);
        QVERIFY(m);
        QVERIFY(!m->numeric);
        QCOMPARE(m->changed, uint64_t(1));
        QVERIFY(!m->maxAbsDiff && !m->relChange);
    }

    void mismatchCancelProgress()
    {
        const std::vector<float> two { 1, 2 }, three { 1, 2, 3 };
        auto bad = model::computeDiff(makeTensor(io::DType::Float, two), makeTensor(io::DType::Float, three));
        QCOMPARE(bad.status().code(), io::ErrorCode::InvalidArgument);
        const std::vector<double> twoD { 1, 2 };
        auto badType
            = model::computeDiff(makeTensor(io::DType::Float, two), makeTensor(io::DType::Double, twoD));
        QCOMPARE(badType.status().code(), io::ErrorCode::InvalidArgument);

        std::vector<float> big(model::kDiffChunkElements * 4, 1.f);
        const auto ta = makeTensor(io::DType::Float, big), tb = makeTensor(io::DType::Float, big);
        io::CancelToken cancel;
        cancel.cancel();
        model::DiffOptions options;
        options.cancel = &cancel;
        QCOMPARE(model::computeDiff(ta, tb, options).status().code(), io::ErrorCode::Cancelled);

        uint64_t last = 0, total = 0;
        model::DiffOptions progress;
        progress.progress = [&](uint64_t done, uint64_t all) {
            last = done;
            total = all;
            return true;
        };
        QVERIFY(model::computeDiff(ta, tb, progress));
        QCOMPARE(total, uint64_t(big.size()));
        QCOMPARE(last, total);
    }
};

QTEST_GUILESS_MAIN(TestDiffMetrics)
#include "tst_diff_metrics.moc"
