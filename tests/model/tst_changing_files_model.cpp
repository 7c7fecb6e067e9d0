// Files that change while mapped, in the model layer (issue 14, finding 3): the kernels (stats,
// histogram, heatmap plane) and the value grid read a borrowed tensor through the guarded reader, so a
// data shard truncated under them is a Truncated status or a marked cell, never a SIGBUS; and the whole
// analysis (read + CRC + stats + histogram) run 300 times while the shard is rewritten in place.
#include "io/artifact.h"
#include "io/bundle_reader.h"
#include "io/bundle_writer.h"
#include "io/crc32c.h"
#include "io/dtype.h"
#include "io/guarded_read.h"
#include "io/shard_rewriter.h"
#include "model/items/value_table_model.h"
#include "model/kernels/diff_metrics.h"
#include "model/kernels/histogram.h"
#include "model/kernels/plane_selection.h"
#include "model/kernels/tensor_analysis.h"
#include "model/kernels/tensor_stats.h"

#include <QAbstractItemModelTester>
#include <QTemporaryDir>
#include <QtTest>
#include <atomic>
#include <chrono>
#include <cstring>
#include <fcntl.h>
#include <fstream>
#include <thread>
#include <unistd.h>

using namespace tscope;
namespace fs = std::filesystem;

namespace {

constexpr int64_t kRows = 1024, kCols = 1024; // 4 MiB of float32

fs::path writeCheckpoint(const fs::path& dir)
{
    std::vector<float> v(static_cast<size_t>(kRows * kCols));
    for (size_t i = 0; i < v.size(); ++i)
        v[i] = static_cast<float>(i % 211) - 100.0f;
    const fs::path prefix = dir / "ckpt";
    io::BundleWriter w(prefix);
    (void)w.add("m", io::DType::Float, { kRows, kCols }, std::as_bytes(std::span(v)));
    (void)w.finish();
    return prefix;
}

} // namespace

class TestChangingFilesModel : public QObject {
    Q_OBJECT
private slots:
    // Integrity in the same pass: the statistics pass combines per-chunk CRCs into the CRC32C of every
    // byte it summarised (several chunks, a partial last one, 1 and 2 threads).
    void statsComputeTheCrcOfWhatTheyRead_data()
    {
        QTest::addColumn<int>("threads");
        QTest::newRow("1 thread") << 1;
        QTest::newRow("2 threads") << 2;
    }
    void statsComputeTheCrcOfWhatTheyRead()
    {
        QFETCH(int, threads);
        const size_t n = 3 * model::kStatsChunkElements + 12345;
        std::vector<double> v(n);
        for (size_t i = 0; i < n; ++i)
            v[i] = static_cast<double>(i % 977) * 0.125;
        const auto bytes = std::as_bytes(std::span(v));
        auto t = io::Tensor::owned(io::DType::Double, { int64_t(n) }, { bytes.begin(), bytes.end() });
        model::StatsOptions options;
        options.computeCrc = true;
        options.threads = threads;
        auto s = model::computeStats(t, options);
        QVERIFY(s.isOk());
        QVERIFY(s->crc32c.has_value());
        QCOMPARE(*s->crc32c, io::crc32c::value(bytes.data(), bytes.size()));
        options.computeCrc = false;
        QVERIFY(!model::computeStats(t, options)->crc32c.has_value());
    }

    // float32 and the narrower floats are summarised and binned in place in the mapping (no copy): the
    // results equal those of an owned copy of the same bytes on 1 and 2 threads, and a shard truncated
    // under the tensor is Truncated naming the file, never a signal.
    void inPlaceKernelsMatchACopyAndReportTruncation_data()
    {
        QTest::addColumn<int>("dtype");
        QTest::newRow("float32") << static_cast<int>(io::DType::Float);
        QTest::newRow("bfloat16") << static_cast<int>(io::DType::BFloat16);
        QTest::newRow("float16") << static_cast<int>(io::DType::Half);
    }
    void inPlaceKernelsMatchACopyAndReportTruncation()
    {
        QFETCH(int, dtype);
        const auto type = static_cast<io::DType>(dtype);
        const size_t esize = io::dtypeInfo(type).elementSize;
        const size_t n = 3 * model::kStatsChunkElements + 4321; // several chunks, a partial last one
        std::vector<std::byte> bytes(n * esize);
        for (size_t i = 0; i < n; ++i) {
            const float f
                = static_cast<float>(static_cast<int>(i % 1999) - 999) / 128.0f; // exact in all three
            if (type == io::DType::Float) {
                std::memcpy(bytes.data() + 4 * i, &f, 4);
            } else {
                uint32_t u;
                std::memcpy(&u, &f, 4);
                uint16_t h = static_cast<uint16_t>(u >> 16); // bfloat16: the top half
                if (type == io::DType::Half) { // |f| < 8 with at most 10 significant bits: exact in float16
                    const int exp = f == 0.0f ? 0 : static_cast<int>((u >> 23) & 0xff) - 127 + 15;
                    h = static_cast<uint16_t>(
                        ((u >> 16) & 0x8000u) | (exp > 0 ? (exp << 10) | ((u >> 13) & 0x3ffu) : 0));
                }
                std::memcpy(bytes.data() + 2 * i, &h, 2);
            }
        }
        QTemporaryDir tmp;
        const fs::path prefix = fs::path(tmp.path().toStdString()) / "ckpt";
        {
            io::BundleWriter w(prefix);
            QVERIFY(w.add("t", type, { int64_t(n) }, bytes).isOk());
            QVERIFY(w.finish().isOk());
        }
        auto reader = io::BundleReader::open(prefix);
        QVERIFY(reader.isOk());
        auto mapped = (*reader)->read((*reader)->entries()[0]);
        QVERIFY(mapped.isOk());
        QVERIFY(mapped->isBorrowed());
        const auto owned = io::Tensor::owned(type, { int64_t(n) }, bytes);
        for (int threads : { 1, 2 }) {
            model::StatsOptions o;
            o.threads = threads;
            o.computeCrc = true;
            auto a = model::computeStats(*mapped, o);
            auto b = model::computeStats(owned, o);
            QVERIFY(a.isOk() && b.isOk());
            QCOMPARE(a->crc32c.value(), io::crc32c::value(bytes.data(), bytes.size()));
            QCOMPARE(a->crc32c, b->crc32c);
            QCOMPARE(a->min, b->min);
            QCOMPARE(a->max, b->max);
            QCOMPARE(a->mean, b->mean); // bit-identical: QCOMPARE on doubles is fuzzy, so also memcmp
            QCOMPARE(std::memcmp(&a->mean, &b->mean, sizeof(double)), 0);
            QCOMPARE(std::memcmp(&a->std, &b->std, sizeof(double)), 0);
            QCOMPARE(std::memcmp(&a->l2, &b->l2, sizeof(double)), 0);
            QCOMPARE(a->zeros, b->zeros);
            auto ha = model::computeHistogram(*mapped, 64, a->min, a->max, nullptr, threads);
            auto hb = model::computeHistogram(owned, 64, a->min, a->max, nullptr, threads);
            QVERIFY(ha.isOk() && hb.isOk());
            QCOMPARE(ha->counts, hb->counts);
            QCOMPARE(ha->above + ha->below, uint64_t(0));
        }

        const unsigned long faults = io::guardedFaultCount();
        fs::resize_file(prefix.string() + ".data-00000-of-00001", 4096);
        auto stats = model::computeStats(*mapped);
        QCOMPARE(stats.status().code(), io::ErrorCode::Truncated);
        QVERIFY(!stats.status().path().empty());
        auto hist = model::computeHistogram(*mapped, 16, -8, 8);
        QCOMPARE(hist.status().code(), io::ErrorCode::Truncated);
        QVERIFY(!hist.status().path().empty());
        QVERIFY(io::guardedFaultCount() > faults);
    }

    void kernelsReportATruncatedShard()
    {
        QTemporaryDir tmp;
        const auto prefix = writeCheckpoint(tmp.path().toStdString());
        auto artifact = io::openArtifact(prefix);
        QVERIFY(artifact.isOk());
        const auto& bundle = *(*artifact)->bundle;
        auto tensor = bundle.read(bundle.entries()[0]);
        QVERIFY(tensor.isOk());
        QVERIFY(tensor->isBorrowed());
        auto shared = std::make_shared<const io::Tensor>(std::move(tensor.value()));
        QVERIFY(model::computeStats(*shared).isOk()); // intact: fine

        fs::resize_file(prefix.string() + ".data-00000-of-00001", 4096); // most of the mapping is gone
        auto stats = model::computeStats(*shared);
        QVERIFY(!stats.isOk());
        QCOMPARE(stats.status().code(), io::ErrorCode::Truncated);
        auto hist = model::computeHistogram(*shared, 16, -100, 110);
        QVERIFY(!hist.isOk());
        QCOMPARE(hist.status().code(), io::ErrorCode::Truncated);
        auto diff = model::computeDiff(*shared, *shared); // read through the guard too, not in place
        QVERIFY(!diff.isOk());
        QCOMPARE(diff.status().code(), io::ErrorCode::Truncated);
        model::PlaneSelection sel;
        sel.rowDim = 0;
        sel.colDim = 1;
        sel.fixed = { 0, 0 };
        auto plane = model::extractPlane(*shared, sel, 64, 64);
        QCOMPARE(plane.problem.code(), io::ErrorCode::Truncated);

        model::ValueTableModel grid;
        QAbstractItemModelTester tester(&grid, QAbstractItemModelTester::FailureReportingMode::QtTest);
        grid.setTensor(shared);
        grid.setSelection(sel);
        QCOMPARE(grid.data(grid.index(0, 0)).toString(), QStringLiteral("-100")); // first page is still there
        QCOMPARE(grid.data(grid.index(kRows - 1, 0)).toString(), QStringLiteral("(changed on disk)"));
    }

    void analysisUnder300Rewrites()
    {
        QTemporaryDir tmp;
        const auto prefix = writeCheckpoint(tmp.path().toStdString());
        const fs::path data = prefix.string() + ".data-00000-of-00001";
        std::string good;
        {
            std::ifstream in(data, std::ios::binary);
            good.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
        }
        auto artifact = io::openArtifact(prefix);
        QVERIFY(artifact.isOk());
        const model::TensorRef ref = model::TensorRef { 1, (*artifact)->bundle->entries()[0].key };
        io::CancelToken cancel;
        const auto reference = model::analyzeTensor(**artifact, ref, 32, cancel);
        QVERIFY(reference.status.isOk());

        tscope::test::ShardRewriter rewriter(data, good, 4, std::chrono::milliseconds(2));
        int correct = 0, errors = 0;
        for (int i = 0; i < 300; ++i) {
            const auto a = model::analyzeTensor(**artifact, ref, 32, cancel);
            if (a.status.isOk()) {
                QCOMPARE(a.stats.mean, reference.stats.mean);
                QCOMPARE(a.stats.min, reference.stats.min);
                QCOMPARE(a.histogram.counts, reference.histogram.counts);
                ++correct;
            } else {
                QVERIFY2(a.status.code() == io::ErrorCode::Truncated, a.status.toString().c_str());
                ++errors;
            }
            std::this_thread::sleep_for(std::chrono::milliseconds(1));
        }
        const int rewrites = rewriter.stop();
        qInfo("300 analyses under %d in-place rewrites: %d correct, %d Truncated", rewrites, correct, errors);
        QCOMPARE(correct + errors, 300);
    }
};

QTEST_GUILESS_MAIN(TestChangingFilesModel)
#include "tst_changing_files_model.moc"
