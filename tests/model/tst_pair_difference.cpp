// The compare view's pair details (issue 11): the histogram of b−a and the value grids of a, b and b−a.
// Expected values are computed here element by element from the same inputs, independently of the kernel's
// chunked passes; chunk boundaries are crossed (more than 65,536 elements).
#include "io/element.h"
#include "model/kernels/pair_difference.h"

#include <QtTest>
#include <cmath>
#include <cstring>
#include <limits>

using namespace tscope;

namespace {

template <typename T> io::Tensor tensorOf(io::DType dtype, io::Shape shape, const std::vector<T>& values)
{
    std::vector<std::byte> bytes(values.size() * sizeof(T));
    std::memcpy(bytes.data(), values.data(), bytes.size());
    return io::Tensor::owned(dtype, std::move(shape), std::move(bytes));
}

} // namespace

class TestPairDifference : public QObject {
    Q_OBJECT
private slots:
    void floatHistogramAndGrid();
    void integersSubtractExactly();
    void heatmapStridesTheWholeMatrix();
    void rejectsMismatchedPairs();
};

void TestPairDifference::floatHistogramAndGrid()
{
    const int64_t rows = 300, cols = 257; // 77,100 elements: two chunks
    std::vector<float> a(static_cast<size_t>(rows * cols)), b(a.size());
    for (size_t i = 0; i < a.size(); ++i) {
        a[i] = static_cast<float>(i % 97) * 0.25f;
        b[i] = (i % 5 == 0) ? a[i] + static_cast<float>(i % 13) - 6.0f : a[i];
    }
    b[3] = std::numeric_limits<float>::quiet_NaN(); // a NaN difference is counted, not binned
    a[7] = 0.0f, b[7] = -0.0f; // equal values, different bits: changed, difference 0
    const int bins = 16;
    auto r = model::computePairDifference(tensorOf(io::DType::Float, { rows, cols }, a),
        tensorOf(io::DType::Float, { rows, cols }, b), bins, 4, 10);
    QVERIFY2(r, r ? "" : r.status().toString().c_str());

    double lo = 0, hi = 0;
    bool any = false;
    uint64_t nans = 0;
    std::vector<double> d(a.size());
    for (size_t i = 0; i < a.size(); ++i) {
        d[i] = static_cast<double>(b[i]) - static_cast<double>(a[i]);
        if (std::isnan(d[i])) {
            ++nans;
            continue;
        }
        lo = any ? std::min(lo, d[i]) : d[i];
        hi = any ? std::max(hi, d[i]) : d[i];
        any = true;
    }
    std::vector<uint64_t> counts(bins, 0);
    for (double v : d)
        if (!std::isnan(v))
            ++counts[static_cast<size_t>(
                std::clamp(static_cast<int>((v - lo) / (hi - lo) * bins), 0, bins - 1))];
    const auto& h = r->histogram;
    QCOMPARE(h.lo, lo);
    QCOMPARE(h.hi, hi);
    QCOMPARE(h.nans, nans);
    QCOMPARE(h.total, static_cast<uint64_t>(a.size()));
    QVERIFY(h.counts == counts);

    const auto& g = r->grid;
    QCOMPARE(g.rows, 4);
    QCOMPARE(g.cols, 10);
    QCOMPARE(g.totalRows, rows);
    QCOMPARE(g.totalCols, cols);
    for (int64_t row = 0; row < g.rows; ++row)
        for (int64_t c = 0; c < g.cols; ++c) {
            const auto src = static_cast<size_t>(row * cols + c);
            const auto cell = static_cast<size_t>(row * g.cols + c);
            QCOMPARE(g.a[cell], io::formatFloat(a[src]));
            QCOMPARE(g.b[cell], io::formatFloat(b[src]));
            QCOMPARE(g.diff[cell], io::formatDouble(d[src]));
            QCOMPARE(static_cast<bool>(g.changed[cell]), std::memcmp(&a[src], &b[src], sizeof(float)) != 0);
        }
    QVERIFY(g.changed[7]); // +0 → −0
}

void TestPairDifference::integersSubtractExactly()
{
    const std::vector<int64_t> a { std::numeric_limits<int64_t>::min(), 5, 0 };
    const std::vector<int64_t> b { std::numeric_limits<int64_t>::max(), 5, -1 };
    auto r = model::computePairDifference(
        tensorOf(io::DType::Int64, { 3 }, a), tensorOf(io::DType::Int64, { 3 }, b), 4, 4, 4);
    QVERIFY(r);
    // max − min = 2^64 − 1, which double rounds to 2^64: no wrap-around to −1.
    QCOMPARE(r->grid.diff[0], io::formatDouble(std::ldexp(1.0, 64)));
    QCOMPARE(r->grid.diff[1], io::formatDouble(0.0));
    QCOMPARE(r->grid.diff[2], io::formatDouble(-1.0));
    QCOMPARE(std::vector<bool>(r->grid.changed), std::vector<bool>({ true, false, true }));
    QCOMPARE(r->histogram.lo, -1.0);
}

void TestPairDifference::heatmapStridesTheWholeMatrix()
{
    // [3, 300, 257] seen as a 900 x 257 matrix; at most 100 per side: every 9th row, every 3rd column.
    const int64_t rows = 900, cols = 257;
    std::vector<float> a(static_cast<size_t>(rows * cols)), b(a.size());
    for (size_t i = 0; i < a.size(); ++i) {
        a[i] = static_cast<float>(i % 89) * 0.5f;
        b[i] = a[i] + static_cast<float>(i % 7) - 3.0f;
    }
    b[9 * cols] = std::numeric_limits<float>::infinity(); // sampled (row 9, column 0): kept, not in min/max
    auto r = model::computePairDifference(tensorOf(io::DType::Float, { 3, 300, cols }, a),
        tensorOf(io::DType::Float, { 3, 300, cols }, b), 8, 2, 2, nullptr, 100);
    QVERIFY2(r, r ? "" : r.status().toString().c_str());
    const auto& p = r->heatmap;
    const int64_t rowStep = (rows + 99) / 100, colStep = (cols + 99) / 100;
    QCOMPARE(p.rowStep, rowStep);
    QCOMPARE(p.colStep, colStep);
    QCOMPARE(p.rows, (rows + rowStep - 1) / rowStep);
    QCOMPARE(p.cols, (cols + colStep - 1) / colStep);
    QCOMPARE(p.values.size(), static_cast<size_t>(p.rows * p.cols));
    double lo = std::numeric_limits<double>::infinity(), hi = -lo;
    for (int64_t row = 0; row < p.rows; ++row)
        for (int64_t c = 0; c < p.cols; ++c) {
            const auto src = static_cast<size_t>(row * rowStep * cols + c * colStep);
            const double d = static_cast<double>(b[src]) - static_cast<double>(a[src]);
            const double got = p.values[static_cast<size_t>(row * p.cols + c)];
            if (std::isfinite(d)) {
                QCOMPARE(got, d);
                lo = std::min(lo, d);
                hi = std::max(hi, d);
            } else {
                QVERIFY(std::isinf(got));
            }
        }
    QCOMPARE(p.min, lo);
    QCOMPARE(p.max, hi);
    QVERIFY(p.problem.isOk());
}

void TestPairDifference::rejectsMismatchedPairs()
{
    const std::vector<float> a { 1, 2 };
    const std::vector<float> b { 1, 2, 3 };
    QVERIFY(!model::computePairDifference(
        tensorOf(io::DType::Float, { 2 }, a), tensorOf(io::DType::Float, { 3 }, b)));
    const std::vector<int32_t> c { 1, 2 };
    QVERIFY(!model::computePairDifference(
        tensorOf(io::DType::Float, { 2 }, a), tensorOf(io::DType::Int32, { 2 }, c)));
}

QTEST_GUILESS_MAIN(TestPairDifference)
#include "tst_pair_difference.moc"
