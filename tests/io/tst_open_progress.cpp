// openArtifact's progress: determinate (one total fixed up front), never backwards, ending at the total,
// and a callback that declines cancels with ErrorCode::Cancelled, leaving no file mapped or open. On real
// TensorFlow artifacts of the corpus and on a large generated bundle whose index scan reports many times.
// (valgrind --leak-check=full on the cancel cases finds no leak either; too slow to run in ctest.)

#include "io/artifact.h"
#include "io/bundle_writer.h"
#include "io_test_util.h"

#include <QTemporaryDir>
#include <QTest>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <set>
#include <string>
#include <utility>
#include <vector>

using namespace iotest;
using tscope::io::BundleWriter;
using tscope::io::CancelToken;
using tscope::io::DType;
using tscope::io::openArtifact;
using tscope::io::OpenOptions;

namespace {

using Calls = std::vector<std::pair<uint64_t, uint64_t>>;

// Opens `path` recording every progress call; the callback declines from call number `stopAt` on.
tscope::io::Result<std::shared_ptr<tscope::io::Artifact>> openRecording(
    const fs::path& path, Calls& calls, size_t stopAt = SIZE_MAX, const CancelToken* cancel = nullptr)
{
    OpenOptions options;
    options.cancel = cancel;
    options.progress = [&calls, stopAt](uint64_t done, uint64_t total) {
        calls.emplace_back(done, total);
        return calls.size() < stopAt;
    };
    return openArtifact(path, options);
}

// The contract every complete run keeps; returns an empty string or what broke.
QString checkDeterminate(const Calls& calls)
{
    if (calls.empty()) return "no progress reported";
    const uint64_t total = calls.front().second;
    if (total == 0) return "total is 0 (indeterminate)";
    uint64_t previous = 0;
    for (size_t i = 0; i < calls.size(); ++i) {
        const auto [done, t] = calls[i];
        if (t != total) return QString("call %1: total changed from %2 to %3").arg(i).arg(total).arg(t);
        if (done > t) return QString("call %1: done %2 > total %3").arg(i).arg(done).arg(t);
        if (done < previous)
            return QString("call %1: done went back from %2 to %3").arg(i).arg(previous).arg(done);
        previous = done;
    }
    if (calls.back().first != total) return "the last call is not at the total";
    return {};
}

// Mappings and open descriptors of files under `dir`: what a cancelled open must not leave behind.
int handlesUnder(const fs::path& dir)
{
    const std::string prefix = fs::canonical(dir).string() + "/";
    int n = 0;
    std::ifstream maps("/proc/self/maps");
    for (std::string line; std::getline(maps, line);)
        n += line.find(prefix) != std::string::npos ? 1 : 0;
    std::error_code ec;
    for (const auto& fd : fs::directory_iterator("/proc/self/fd", ec))
        n += fs::read_symlink(fd.path(), ec).string().starts_with(prefix) ? 1 : 0;
    return n;
}

uint64_t sizeOf(const fs::path& p)
{
    std::error_code ec;
    auto size = fs::file_size(p, ec);
    return ec ? 0 : size;
}

} // namespace

class TestOpenProgress : public QObject {
    Q_OBJECT

private slots:
    void initTestCase();
    void corpusArtifacts_data();
    void corpusArtifacts();
    void largeGeneratedBundle();
    void declineMidScanCancels();
    void cancelTokenMidScanCancels();
    void declineInSavedModelPhaseCancels();

private:
    QTemporaryDir m_dir;
    fs::path m_large; // prefix of the generated bundle
    uint64_t m_largeEntries = 0;
};

void TestOpenProgress::initTestCase()
{
    QVERIFY(m_dir.isValid());
    // Enough entries that the index spans dozens of blocks and the scan reports a few hundred times.
    m_large = fs::path(m_dir.path().toStdString()) / "large" / "ckpt-1";
    fs::create_directories(m_large.parent_path());
    BundleWriter::Options writerOptions;
    writerOptions.blockSize = 64 * 1024;
    BundleWriter writer(m_large, writerOptions);
    const std::vector<float> value { 1.0f, 2.0f };
    for (int i = 0; i < 200000; ++i) {
        char key[64];
        std::snprintf(key, sizeof key, "layer_%06d/kernel", i);
        QVERIFY(writer.add(key, DType::Float, { 2 }, asBytes(value)).isOk());
    }
    m_largeEntries = 200000;
    QVERIFY(writer.finish().isOk());
}

void TestOpenProgress::corpusArtifacts_data()
{
    QTest::addColumn<QString>("path");
    QTest::newRow("TF2 checkpoint run") << "ckpt-tf2-a2c-3ckpts";
    QTest::newRow("Keras SavedModel") << "keras-mnist-cnn-nofp";
    QTest::newRow("TF1 SavedModel, 2 shards") << "tf115-savedmodel-2shards";
    QTest::newRow("SavedModel without variables") << "tf12-savedmodel-pbtxt-novars";
}

void TestOpenProgress::corpusArtifacts()
{
    QFETCH(QString, path);
    const fs::path dir = corpusDir() / path.toStdString();
    if (!fs::exists(dir)) QSKIP("corpus artifact missing");
    Calls calls;
    auto artifact = openRecording(dir, calls);
    QVERIFY2(artifact.isOk(), qPrintable(artifact.isOk() ? QString() : describe(artifact.status())));
    const QString broken = checkDeterminate(calls);
    QVERIFY2(broken.isEmpty(), qPrintable(broken));
    // The scale covers the files opening reads: the SavedModel proto and the index.
    const auto& loc = (*artifact)->location;
    uint64_t read = std::max(
        sizeOf(loc.savedModelDir / "saved_model.pb"), sizeOf(loc.savedModelDir / "saved_model.pbtxt"));
    if (!loc.checkpointPrefix.empty()) read += sizeOf(loc.checkpointPrefix.string() + ".index");
    QVERIFY(calls.front().second >= read);
}

void TestOpenProgress::largeGeneratedBundle()
{
    Calls calls;
    auto artifact = openRecording(m_large, calls);
    QVERIFY2(artifact.isOk(), qPrintable(artifact.isOk() ? QString() : describe(artifact.status())));
    QCOMPARE((*artifact)->bundle->entries().size(), size_t(m_largeEntries));
    const QString broken = checkDeterminate(calls);
    QVERIFY2(broken.isEmpty(), qPrintable(broken));
    // The index scan reports as it goes: many distinct, increasing positions, not just 0 and 100 %.
    std::set<uint64_t> distinct;
    for (const auto& c : calls)
        distinct.insert(c.first);
    // The scan reports every 1024 entries with the end of the block it reached: nearly every block shows.
    const uint64_t blocks = (*artifact)->bundle->indexBlocks();
    QVERIFY2(blocks > 50, qPrintable(QString("only %1 index blocks").arg(blocks)));
    QVERIFY2(distinct.size() > blocks / 2,
        qPrintable(QString("%1 distinct positions for %2 blocks").arg(distinct.size()).arg(blocks)));
    // Half way through the calls, the scan is somewhere inside the index, not at either end.
    const auto middle = calls[calls.size() / 2];
    QVERIFY(middle.first > 0 && middle.first < middle.second);
}

void TestOpenProgress::declineMidScanCancels()
{
    Calls full;
    QVERIFY(openRecording(m_large, full).isOk());
    Calls calls;
    const size_t stopAt = full.size() / 2;
    auto artifact = openRecording(m_large, calls, stopAt);
    QVERIFY(!artifact.isOk());
    IOTEST_COMPARE_CODE(artifact.status().code(), ErrorCode::Cancelled);
    QCOMPARE(calls.size(), stopAt); // nothing reported after the refusal
    QCOMPARE(handlesUnder(m_large.parent_path()), 0); // the index and the shards are unmapped and closed
    {
        auto open = openRecording(m_large, calls);
        QVERIFY(open.isOk());
        QVERIFY(handlesUnder(m_large.parent_path()) > 0); // the check sees what an open artifact holds
    }
    QCOMPARE(handlesUnder(m_large.parent_path()), 0);
    // Opening again afterwards works: a cancelled open leaves nothing behind.
    Calls again;
    QVERIFY(openRecording(m_large, again).isOk());
    QCOMPARE(again, full);
}

void TestOpenProgress::cancelTokenMidScanCancels()
{
    CancelToken token;
    Calls calls;
    OpenOptions options;
    options.cancel = &token;
    options.progress = [&](uint64_t done, uint64_t total) {
        calls.emplace_back(done, total);
        if (calls.size() == 20) token.cancel(); // as a Cancel button would, from the outside
        return true;
    };
    auto artifact = openArtifact(m_large, options);
    QVERIFY(!artifact.isOk());
    IOTEST_COMPARE_CODE(artifact.status().code(), ErrorCode::Cancelled);
    QVERIFY(calls.size() >= 20);
    QVERIFY(calls.back().first < calls.back().second);
    QCOMPARE(handlesUnder(m_large.parent_path()), 0);
}

void TestOpenProgress::declineInSavedModelPhaseCancels()
{
    const fs::path dir = corpusDir() / "keras-mnist-cnn-nofp";
    if (!fs::exists(dir)) QSKIP("corpus artifact missing");
    for (size_t stopAt = 1; stopAt <= 3; ++stopAt) {
        Calls calls;
        auto artifact = openRecording(dir, calls, stopAt);
        QVERIFY(!artifact.isOk());
        IOTEST_COMPARE_CODE(artifact.status().code(), ErrorCode::Cancelled);
        QCOMPARE(calls.size(), stopAt);
    }
}

QTEST_APPLESS_MAIN(TestOpenProgress)
#include "tst_open_progress.moc"
