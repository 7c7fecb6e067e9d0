// Histogram bins chosen from the data (GUI review, defect 16): few bins for few values, whole-number
// bins for integer tensors, the asked count when one is asked; and every finite value counted once.
#include "io/tensor.h"
#include "model/kernels/histogram.h"
#include "model/kernels/tensor_analysis.h"
#include "model/kernels/tensor_stats.h"

#include <QtTest>
#include <cmath>
#include <cstring>
#include <random>

using namespace tscope;

namespace {
template <typename T> io::Tensor tensorOf(io::DType dtype, const std::vector<T>& values)
{
    std::vector<std::byte> bytes(values.size() * sizeof(T));
    std::memcpy(bytes.data(), values.data(), bytes.size());
    return io::Tensor::owned(dtype, io::Shape { static_cast<int64_t>(values.size()) }, std::move(bytes));
}

model::HistogramData histogramOf(const io::Tensor& t, int bins)
{
    auto stats = model::computeStats(t, {});
    if (!stats) qFatal("%s", stats.status().toString().c_str());
    io::CancelToken cancel;
    auto h = model::rebin(t, *stats, bins, cancel);
    if (!h) qFatal("%s", h.status().toString().c_str());
    return *h;
}

uint64_t sum(const std::vector<uint64_t>& v)
{
    uint64_t s = 0;
    for (auto x : v)
        s += x;
    return s;
}
} // namespace

class TestHistogramBins : public QObject {
    Q_OBJECT
private slots:
    void fewValuesGetFewBins()
    {
        std::mt19937 rng(7);
        std::normal_distribution<float> normal(0.0f, 0.1f);
        std::vector<float> v(40);
        for (auto& x : v)
            x = normal(rng);
        const auto h = histogramOf(tensorOf(io::DType::Float, v), 0);
        QVERIFY2(h.counts.size() >= 2 && h.counts.size() <= 12, qPrintable(QString::number(h.counts.size())));
        QCOMPARE(sum(h.counts), uint64_t(40));
        // The width is Scott's: 3.49 std n^(-1/3), up to the rounding to whole bins of the range.
        auto stats = model::computeStats(tensorOf(io::DType::Float, v), {});
        const double scott = 3.49 * stats->std / std::cbrt(40.0);
        const double width = h.edges[1] - h.edges[0];
        QVERIFY2(width <= scott && width > scott * 0.5,
            qPrintable(QStringLiteral("%1 vs %2").arg(width).arg(scott)));
    }

    void manyValuesAreCapped()
    {
        std::vector<float> v(1 << 20);
        for (size_t i = 0; i < v.size(); ++i)
            v[i] = static_cast<float>(i % 1000) * 0.001f;
        const auto h = histogramOf(tensorOf(io::DType::Float, v), 0);
        QVERIFY(h.counts.size() <= size_t(model::kMaxAutoBins));
        QCOMPARE(sum(h.counts), uint64_t(v.size()));
    }

    void integerTensorsGetWholeNumberBins()
    {
        std::vector<int32_t> v;
        for (int i = 0; i < 5000; ++i)
            v.push_back((i * 7919) % 37 - 5); // -5..31
        for (int asked : { 0, 10, 64 }) {
            const auto h = histogramOf(tensorOf(io::DType::Int32, v), asked);
            const double width = h.edges[1] - h.edges[0];
            QCOMPARE(width, std::round(width)); // whole numbers wide
            QVERIFY(width >= 1);
            for (double e : h.edges) // edges between integers: no value on an edge
                QCOMPARE(e - std::floor(e), 0.5);
            if (asked > 0) QVERIFY(int(h.counts.size()) <= asked);
            QCOMPARE(sum(h.counts), uint64_t(v.size()));
            // Each value's bin holds exactly the values of its integers.
            std::vector<uint64_t> expected(h.counts.size(), 0);
            for (int x : v)
                ++expected[size_t(std::floor((x - h.edges[0]) / width))];
            QCOMPARE(h.counts, expected);
        }
    }

    void askedCountIsUsedForReals()
    {
        std::vector<double> v { 0.5, 1.5, 2.5, 3.5, 4.5 };
        const auto h = histogramOf(tensorOf(io::DType::Double, v), 7);
        QCOMPARE(h.counts.size(), size_t(7));
    }
};

QTEST_GUILESS_MAIN(TestHistogramBins)
#include "tst_histogram_bins.moc"
