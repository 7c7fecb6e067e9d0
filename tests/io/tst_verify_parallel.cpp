// BundleReader::verify on an Executor with several threads gives exactly the serial report (same
// problems, same order, same counts): on a bundle damaged in several chunks and on every bundle
// TensorFlow wrote in the fixtures. The executor here is a plain std::thread one, so io is tested
// without the model layer's pool.

#include "io/bundle_reader.h"
#include "io/bundle_writer.h"
#include "io/executor.h"
#include "io_test_util.h"

#include <QTemporaryDir>
#include <QTest>
#include <algorithm>
#include <atomic>
#include <cstring>
#include <filesystem>
#include <set>
#include <string>
#include <thread>
#include <vector>

using namespace iotest;
using tscope::io::BundleReader;
using tscope::io::BundleWriter;
using tscope::io::CancelToken;
using tscope::io::ChunkFn;
using tscope::io::DType;
using tscope::io::VerifyReport;

namespace {

// Chunks handed out by an atomic counter to the caller (worker 0) and `threads - 1` new threads.
class ThreadExecutor final : public tscope::io::Executor {
public:
    explicit ThreadExecutor(unsigned threads)
        : m_threads(threads)
    { }
    unsigned maxWorkers() const override { return m_threads; }
    bool parallelFor(
        uint64_t chunks, const ChunkFn& body, const CancelToken* cancel, unsigned maxThreads) override
    {
        const unsigned n = maxThreads == 0 ? m_threads : std::min(m_threads, maxThreads);
        std::atomic<uint64_t> next { 0 };
        std::atomic<bool> stopped { false };
        std::atomic<unsigned> busyWorkers { 0 };
        // Helpers wait until the caller holds a chunk, so worker 0 (the one reporting progress) always
        // works, however fast the helpers would otherwise drain the queue.
        std::atomic<bool> callerStarted { false };
        auto work = [&](unsigned worker) {
            while (worker != 0 && !callerStarted)
                std::this_thread::yield();
            busyWorkers |= 1u << worker;
            for (;;) {
                if (stopped || (cancel && cancel->isCancelled())) break;
                const uint64_t c = next++;
                if (worker == 0) callerStarted = true;
                if (c >= chunks) break;
                if (!body(c, worker)) stopped = true;
            }
            if (worker == 0) callerStarted = true;
        };
        std::vector<std::thread> helpers;
        for (unsigned w = 1; w < n; ++w)
            helpers.emplace_back(work, w);
        work(0);
        for (auto& t : helpers)
            t.join();
        m_workersSeen = std::max(m_workersSeen, static_cast<unsigned>(std::popcount(busyWorkers.load())));
        return !stopped && !(cancel && cancel->isCancelled()) && next >= chunks;
    }
    unsigned workersSeen() const { return m_workersSeen; }

private:
    const unsigned m_threads;
    unsigned m_workersSeen = 0;
};

QString reportText(const VerifyReport& r)
{
    QString out = QString("ok=%1 files=%2 blocks=%3 tensors=%4 bytes=%5\n")
                      .arg(r.ok)
                      .arg(r.filesChecked)
                      .arg(r.blocksChecked)
                      .arg(r.tensorsChecked)
                      .arg(r.bytesChecked);
    for (const auto& p : r.problems)
        out += QString::number(static_cast<int>(p.code())) + " " + describe(p) + "\n";
    return out;
}

// Flips one byte in the middle of a stored tensor.
bool damage(const BundleReader& reader, const tscope::io::StoredBytes& stored)
{
    const fs::path data = reader.dataPath(stored.shard);
    std::string bytes = readFile(data);
    if (stored.size == 0 || stored.offset + stored.size > bytes.size()) return false;
    bytes[static_cast<size_t>(stored.offset + stored.size / 2)] ^= 0x5A;
    return writeFile(data, bytes);
}

} // namespace

class TestVerifyParallel : public QObject {
    Q_OBJECT

private slots:
    void damagedInSeveralChunks();
    void cancelStopsEveryWorker();
    void chunksAreBalancedByBytes();
    void everyFixtureBundle();
    void largeTensorsAreSplit();
    void largeTensorTruncatedUnderTheReader();

private:
    QTemporaryDir m_dir;
};

void TestVerifyParallel::damagedInSeveralChunks()
{
    QVERIFY(m_dir.isValid());
    const fs::path prefix = fs::path(m_dir.path().toStdString()) / "damaged" / "ckpt";
    fs::create_directories(prefix.parent_path());
    BundleWriter::Options options;
    options.numShards = 2;
    BundleWriter writer(prefix, options);
    // Sizes vary so chunks balanced by bytes differ from chunks balanced by count.
    for (int i = 0; i < 64; ++i) {
        std::vector<float> values(static_cast<size_t>(16 + (i % 7) * 997), static_cast<float>(i));
        const std::string key = "var_" + std::to_string(100 + i);
        QVERIFY(writer.add(key, DType::Float, { static_cast<int64_t>(values.size()) }, asBytes(values), i % 2)
                    .isOk());
    }
    std::vector<float> part(50, 3.0f);
    std::vector<BundleWriter::SlicePart> slices(2);
    slices[0] = { { { 0, 50 } }, { 50 }, std::vector<std::byte>(asBytes(part).begin(), asBytes(part).end()) };
    slices[1]
        = { { { 50, 50 } }, { 50 }, std::vector<std::byte>(asBytes(part).begin(), asBytes(part).end()) };
    QVERIFY(writer.addPartitioned("var_150_partitioned", DType::Float, { 100 }, slices).isOk());
    writer.addRawEntry(
        "var_199_bad_entry", std::string("\xff\xff\xff", 3)); // an index entry that does not parse
    QVERIFY(writer.finish().isOk());

    auto reader = BundleReader::open(prefix);
    QVERIFY2(reader.isOk(), qPrintable(reader.isOk() ? QString() : describe(reader.status())));
    const auto entries = (*reader)->entries();
    // Damage tensors spread over the entry range (and a slice of the partitioned one).
    std::vector<size_t> damaged { 1, 17, 33, 48, 63 };
    for (size_t i : damaged)
        QVERIFY(damage(**reader, entries[i].stored));
    const int partitioned = (*reader)->indexOf("var_150_partitioned");
    QVERIFY(partitioned >= 0);
    QVERIFY(damage(**reader, entries[static_cast<size_t>(partitioned)].slices[1].stored));
    damaged.push_back(static_cast<size_t>(partitioned));
    reader = BundleReader::open(prefix); // damage() wrote new files; the first reader still maps the old ones
    QVERIFY(reader.isOk());

    // The damage lies in several of the chunks a 4-worker verify uses.
    ThreadExecutor executor(4);
    const auto starts = tscope::io::verifyChunkStarts(entries, 16);
    std::set<size_t> chunksHit;
    for (size_t i : damaged)
        chunksHit.insert(
            static_cast<size_t>(std::upper_bound(starts.begin(), starts.end(), i) - starts.begin()));
    QVERIFY2(chunksHit.size() >= 4, qPrintable(QString("damage in %1 chunks").arg(chunksHit.size())));

    const VerifyReport serial = (*reader)->verify();
    QVERIFY(!serial.ok);
    int crcProblems = 0;
    for (const auto& p : serial.problems)
        crcProblems += p.code() == ErrorCode::ChecksumMismatch ? 1 : 0;
    // Every damaged tensor once, and the entry that does not parse.
    QVERIFY2(crcProblems == static_cast<int>(damaged.size()), qPrintable(reportText(serial)));
    QCOMPARE(serial.problems.size(), damaged.size() + 1);
    for (int run = 0; run < 5; ++run) { // threads interleave differently each time
        const VerifyReport parallel = (*reader)->verify(nullptr, {}, executor);
        QCOMPARE(reportText(parallel), reportText(serial));
    }
    QVERIFY(executor.workersSeen() > 1);
}

void TestVerifyParallel::cancelStopsEveryWorker()
{
    const fs::path prefix = fs::path(m_dir.path().toStdString()) / "cancel" / "ckpt";
    fs::create_directories(prefix.parent_path());
    BundleWriter writer(prefix);
    std::vector<float> values(4096, 1.0f);
    for (int i = 0; i < 400; ++i)
        QVERIFY(writer.add("v" + std::to_string(1000 + i), DType::Float, { 4096 }, asBytes(values)).isOk());
    QVERIFY(writer.finish().isOk());
    auto reader = BundleReader::open(prefix);
    QVERIFY(reader.isOk());
    ThreadExecutor executor(4);
    uint64_t lastDone = 0, calls = 0;
    bool backwards = false;
    auto report = (*reader)->verify(
        nullptr,
        [&](uint64_t done, uint64_t total) {
            backwards = backwards || done < lastDone || done > total;
            lastDone = done;
            return ++calls < 10;
        },
        executor);
    QVERIFY(!backwards);
    QVERIFY2(!report.ok, qPrintable(QString::number(calls) + " calls; " + reportText(report)));
    IOTEST_COMPARE_CODE(report.problems.back().code(), ErrorCode::Cancelled);
    QVERIFY(report.tensorsChecked < 400);
}

void TestVerifyParallel::chunksAreBalancedByBytes()
{
    const fs::path prefix = fs::path(m_dir.path().toStdString()) / "balance" / "ckpt";
    fs::create_directories(prefix.parent_path());
    BundleWriter writer(prefix);
    // One large tensor then many small ones: a count split would put everything in the first chunk's bytes.
    std::vector<float> big(100000, 1.0f), small(100, 1.0f);
    QVERIFY(writer.add("a_big", DType::Float, { 100000 }, asBytes(big)).isOk());
    for (int i = 0; i < 1000; ++i)
        QVERIFY(writer.add("b_" + std::to_string(1000 + i), DType::Float, { 100 }, asBytes(small)).isOk());
    QVERIFY(writer.finish().isOk());
    auto reader = BundleReader::open(prefix);
    QVERIFY(reader.isOk());
    const auto& entries = (*reader)->entries();
    const auto starts = tscope::io::verifyChunkStarts(entries, 4);
    QVERIFY(!starts.empty() && starts.size() <= 4);
    QCOMPARE(starts.front(), size_t(0));
    QVERIFY(std::is_sorted(starts.begin(), starts.end()));
    QCOMPARE(starts[1], size_t(1)); // the big tensor alone is more than a quarter of the bytes
    uint64_t total = 0;
    for (const auto& e : entries)
        total += e.byteSize();
    for (size_t c = 1; c < starts.size(); ++c) {
        uint64_t bytes = 0;
        const size_t end = c + 1 < starts.size() ? starts[c + 1] : entries.size();
        for (size_t i = starts[c]; i < end; ++i)
            bytes += entries[i].byteSize();
        QVERIFY(bytes <= total / 4 + small.size() * sizeof(float));
    }
    QVERIFY(tscope::io::verifyChunkStarts({}, 4).empty());
}

void TestVerifyParallel::everyFixtureBundle()
{
    const fs::path root(TSCOPE_FIXTURES_DIR);
    if (!fs::is_directory(root)) QSKIP("no fixtures");
    std::vector<fs::path> prefixes;
    for (const auto& e : fs::recursive_directory_iterator(root))
        if (e.path().extension() == ".index") prefixes.push_back(e.path().parent_path() / e.path().stem());
    std::sort(prefixes.begin(), prefixes.end());
    QVERIFY(prefixes.size() > 5);
    ThreadExecutor executor(4);
    for (const auto& prefix : prefixes) {
        auto reader = BundleReader::open(prefix);
        if (!reader) continue; // e.g. a deliberately broken index: verify never runs on it
        const VerifyReport serial = (*reader)->verify();
        const VerifyReport parallel = (*reader)->verify(nullptr, {}, executor);
        QVERIFY2(
            reportText(parallel) == reportText(serial), qPrintable(QString::fromStdString(prefix.string())));
        QVERIFY(serial.tensorsChecked > 0 || (*reader)->entries().empty());
    }
}

namespace {

// Two tensors large enough for verify to split them across workers (>= 16 MiB) between small ones.
fs::path writeLargeBundle(const fs::path& dir)
{
    const fs::path prefix = dir / "ckpt";
    fs::create_directories(dir);
    BundleWriter writer(prefix);
    std::vector<float> big(size_t(5) << 20); // 20 MiB: five 4 MiB pieces
    for (size_t i = 0; i < big.size(); ++i)
        big[i] = static_cast<float>(i % 4099) * 0.25f;
    std::vector<float> small(1000, 2.0f);
    const bool added = writer.add("a_small", DType::Float, { 1000 }, asBytes(small)).isOk()
        && writer.add("b_big", DType::Float, { static_cast<int64_t>(big.size()) }, asBytes(big)).isOk()
        && writer.add("c_small", DType::Float, { 1000 }, asBytes(small)).isOk()
        && writer.add("d_big", DType::Float, { static_cast<int64_t>(big.size()) }, asBytes(big)).isOk();
    if (!added) return {};
    return writer.finish().isOk() ? prefix : fs::path();
}

} // namespace

void TestVerifyParallel::largeTensorsAreSplit()
{
    const fs::path prefix = writeLargeBundle(fs::path(m_dir.path().toStdString()) / "large");
    QVERIFY(!prefix.empty());
    {
        auto reader = BundleReader::open(prefix);
        QVERIFY(reader.isOk());
        ThreadExecutor four(4);
        const VerifyReport clean = (*reader)->verify(nullptr, {}, four);
        QVERIFY2(clean.ok, qPrintable(reportText(clean)));
        QCOMPARE(clean.tensorsChecked, uint64_t(4));
        // Verify dropped the page tables of the pieces it checked (MappedFile::releasePages): the same
        // mapping still reads the right bytes, and a second verify agrees.
        const auto& bigEntry = (*reader)->entries()[3];
        auto big = (*reader)->read(bigEntry);
        QVERIFY(big.isOk());
        std::vector<std::byte> copy(bigEntry.stored.size);
        QVERIFY(big->copyTo(0, copy).isOk());
        const std::string onDisk = readFile((*reader)->dataPath(0));
        QCOMPARE(std::memcmp(copy.data(), onDisk.data() + bigEntry.stored.offset, copy.size()), 0);
        QCOMPARE(reportText((*reader)->verify(nullptr, {}, four)), reportText(clean));
        // A byte flipped in the last piece of d_big and in c_small.
        const auto& entries = (*reader)->entries();
        QVERIFY(damage(**reader, entries[2].stored));
        const fs::path data = (*reader)->dataPath(0);
        std::string bytes = readFile(data);
        bytes[static_cast<size_t>(entries[3].stored.offset + entries[3].stored.size - 5)] ^= 0x11;
        QVERIFY(writeFile(data, bytes));
    }
    auto reader = BundleReader::open(prefix);
    QVERIFY(reader.isOk());
    const VerifyReport serial = (*reader)->verify();
    QVERIFY(!serial.ok);
    QCOMPARE(serial.problems.size(), size_t(2));
    QCOMPARE(serial.problems[0].tensor(), std::string("c_small"));
    QCOMPARE(serial.problems[1].tensor(), std::string("d_big"));
    IOTEST_COMPARE_CODE(serial.problems[1].code(), ErrorCode::ChecksumMismatch);
    QCOMPARE(serial.bytesChecked, 2 * (*reader)->entries()[1].stored.size + 2 * 4000);
    ThreadExecutor executor(4);
    for (int run = 0; run < 5; ++run)
        QCOMPARE(reportText((*reader)->verify(nullptr, {}, executor)), reportText(serial));
    QVERIFY(executor.workersSeen() > 1);
}

void TestVerifyParallel::largeTensorTruncatedUnderTheReader()
{
    const fs::path prefix = writeLargeBundle(fs::path(m_dir.path().toStdString()) / "truncated");
    QVERIFY(!prefix.empty());
    auto reader = BundleReader::open(prefix);
    QVERIFY(reader.isOk());
    const auto& big = (*reader)->entries()[3].stored;
    // Cut the shard in the middle of d_big while the reader has it open (and mapped).
    fs::resize_file((*reader)->dataPath(0), big.offset + big.size / 2);
    ThreadExecutor executor(2);
    const VerifyReport report = (*reader)->verify(nullptr, {}, executor);
    QVERIFY(!report.ok);
    QCOMPARE(report.problems.size(), size_t(1));
    IOTEST_COMPARE_CODE(report.problems[0].code(), ErrorCode::Truncated);
    QCOMPARE(report.problems[0].tensor(), std::string("d_big"));
    QCOMPARE(report.problems[0].offset().value_or(0), big.offset);
}

QTEST_APPLESS_MAIN(TestVerifyParallel)
#include "tst_verify_parallel.moc"
