// Files that change while mapped (issue 14, finding 3): a data shard truncated and rewritten in place
// while one open BundleReader reads it 300 times. Touching a page past the new end raises SIGBUS; the
// guarded reads must turn every such fault into a Truncated status, never a signal that ends the process,
// and every read that succeeds must hold the right bytes.
#include "io/bundle_reader.h"
#include "io/bundle_writer.h"
#include "io/crc32c.h"
#include "io/guarded_read.h"
#include "io/mapped_file.h"

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

constexpr size_t kFloats = size_t(2) << 20; // 8 MiB: reads take long enough to be cut

std::vector<float> values()
{
    std::vector<float> v(kFloats);
    for (size_t i = 0; i < v.size(); ++i)
        v[i] = static_cast<float>(i % 1013) * 0.5f;
    return v;
}

// Truncates `path` in place to a varying fraction and writes `good` back, until `stop`.
void rewriteUntil(
    const fs::path& path, const std::string& good, std::atomic<bool>& stop, std::atomic<int>& count)
{
    const int fd = ::open(path.c_str(), O_WRONLY);
    unsigned k = 0;
    while (!stop) {
        if (ftruncate(fd, static_cast<off_t>((k++ % 4) * good.size() / 4)) != 0) break;
        if (pwrite(fd, good.data(), good.size(), 0) != static_cast<ssize_t>(good.size())) break;
        ++count;
        std::this_thread::sleep_for(std::chrono::milliseconds(2));
    }
    ::close(fd);
}

} // namespace

class TestChangingFiles : public QObject {
    Q_OBJECT
private slots:
    void guardedCopyReportsAFault()
    {
        QTemporaryDir tmp;
        const fs::path p = fs::path(tmp.path().toStdString()) / "f";
        std::string bytes(1 << 16, 'x');
        std::ofstream(p, std::ios::binary) << bytes;
        auto file = io::MappedFile::open(p);
        QVERIFY(file.isOk());
        fs::resize_file(p, 100); // the mapping still claims 64 KiB
        std::vector<std::byte> out(1 << 16);
        const unsigned long before = io::guardedFaultCount();
        io::Status s = io::guardedCopy((*file)->all(), out.data());
        QCOMPARE(s.code(), io::ErrorCode::Truncated);
        QCOMPARE(io::guardedFaultCount(), before + 1);
        // The first page is still there: a small copy from it works.
        QVERIFY(io::guardedCopy((*file)->all().subspan(0, 50), out.data()).isOk());
        auto crc = io::guardedCrc32c((*file)->all(), nullptr);
        QVERIFY(!crc.isOk());
        QCOMPARE(crc.status().code(), io::ErrorCode::Truncated);
    }

    // guardedRun lets a kernel read mapped bytes in place: a fault abandons it with Truncated, a guarded
    // copy nested inside reports its own fault and hands the guard back, and faults keep being caught
    // afterwards (the handler leaves SIGBUS blocked; the guard must unblock it).
    void guardedRunReportsFaultsAndNests()
    {
        QTemporaryDir tmp;
        const fs::path p = fs::path(tmp.path().toStdString()) / "f";
        std::string bytes(1 << 16, 'z');
        std::ofstream(p, std::ios::binary) << bytes;
        auto file = io::MappedFile::open(p);
        QVERIFY(file.isOk());
        const auto all = (*file)->all();
        uint32_t crc = 0;
        QVERIFY(io::guardedRun([&] { crc = io::crc32c::value(all.data(), all.size()); }).isOk());
        QCOMPARE(crc, io::crc32c::value(bytes.data(), bytes.size()));
        auto inPlace = io::guardedCrc32c(all, nullptr);
        QVERIFY(inPlace.isOk());
        QCOMPARE(*inPlace, crc);

        fs::resize_file(p, 100);
        const unsigned long before = io::guardedFaultCount();
        for (int round = 0; round < 3; ++round) {
            bool reachedEnd = false;
            io::Status inner;
            io::Status outer = io::guardedRun([&] {
                std::byte first[64];
                inner = io::guardedCopy(all.subspan(all.size() - 64), first); // faults: past the new end
                (void)io::crc32c::value(all.data(), 100); // the first page is still there
                (void)io::crc32c::value(all.data(), all.size()); // faults
                reachedEnd = true;
            });
            QCOMPARE(inner.code(), io::ErrorCode::Truncated);
            QCOMPARE(outer.code(), io::ErrorCode::Truncated);
            QVERIFY(!reachedEnd);
        }
        QCOMPARE(io::guardedFaultCount(), before + 6);
        QCOMPARE(io::guardedCrc32c(all, nullptr).status().code(), io::ErrorCode::Truncated);
        // Dropping the page tables of a range changes nothing about what is read there.
        (*file)->releasePages(0, all.size());
        QVERIFY(io::guardedRun([&] { crc = io::crc32c::value(all.data(), 100); }).isOk());
        QCOMPARE(crc, io::crc32c::value(bytes.data(), 100));
    }

    // The pread path (MappedFile::readAt, fileCrc32c): a file that shrank is a short read, reported as
    // Truncated with the file and the offset where the bytes ran out; no signal at all.
    void preadReportsAShrunkenFile()
    {
        QTemporaryDir tmp;
        const fs::path p = fs::path(tmp.path().toStdString()) / "f";
        const size_t size = size_t(2) << 20; // large enough to keep its descriptor
        std::string bytes(size, 'y');
        std::ofstream(p, std::ios::binary) << bytes;
        auto file = io::MappedFile::open(p);
        QVERIFY(file.isOk());
        QVERIFY((*file)->readsWithPread());
        std::vector<std::byte> out(size);
        QVERIFY((*file)->readAt(0, out).isOk());
        QCOMPARE(std::memcmp(out.data(), bytes.data(), size), 0);
        auto whole = io::fileCrc32c(**file, 0, size, nullptr);
        QVERIFY(whole.isOk());
        QCOMPARE(*whole, io::crc32c::value(bytes.data(), size));
        fs::resize_file(p, 1000);
        const unsigned long before = io::guardedFaultCount();
        io::Status s = (*file)->readAt(0, out);
        QCOMPARE(s.code(), io::ErrorCode::Truncated);
        QCOMPARE(s.path(), p.string());
        QCOMPARE(s.offset().value_or(0), uint64_t(1000));
        auto crc = io::fileCrc32c(**file, 0, size, nullptr);
        QCOMPARE(crc.status().code(), io::ErrorCode::Truncated);
        QCOMPARE(io::guardedFaultCount(), before); // no SIGBUS was needed
        QVERIFY((*file)->readAt(10, std::span(out.data(), 990)).isOk()); // what is still there reads
        // Past the size the file had when it was opened: Truncated before any read.
        QCOMPARE((*file)->readAt(size - 10, std::span(out.data(), 20)).code(), io::ErrorCode::Truncated);
    }

    void shardRewrittenUnder300Reads()
    {
        QTemporaryDir tmp;
        const fs::path prefix = fs::path(tmp.path().toStdString()) / "ckpt";
        const auto v = values();
        {
            io::BundleWriter w(prefix);
            QVERIFY(w.add("a", io::DType::Float, { int64_t(kFloats) }, std::as_bytes(std::span(v))).isOk());
            QVERIFY(w.finish().isOk());
        }
        const fs::path data = prefix.string() + ".data-00000-of-00001";
        std::string good;
        {
            std::ifstream in(data, std::ios::binary);
            good.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
        }
        auto reader = io::BundleReader::open(prefix);
        QVERIFY(reader.isOk());
        const auto& entry = (*reader)->entries()[0];

        std::atomic<bool> stop { false };
        std::atomic<int> rewrites { 0 };
        std::thread rewriter(rewriteUntil, data, std::cref(good), std::ref(stop), std::ref(rewrites));
        const unsigned long faultsBefore = io::guardedFaultCount();
        int correct = 0, errors = 0;
        std::vector<std::byte> copy(kFloats * 4);
        for (int i = 0; i < 300; ++i) {
            io::ReadOptions options;
            options.verifyCrc = i % 2 == 0; // half the reads check the CRC while copying, half only copy
            auto t = (*reader)->read(entry, options);
            // A third of the reads go through pread (readInto), the rest through the guarded mapping.
            io::Status s = !t ? t.status() : i % 3 == 0 ? t->readInto(0, copy) : t->copyTo(0, copy);
            if (s.isOk()) {
                QVERIFY(std::memcmp(copy.data(), v.data(), copy.size()) == 0);
                ++correct;
            } else {
                QVERIFY2(s.code() == io::ErrorCode::Truncated || s.code() == io::ErrorCode::ChecksumMismatch,
                    s.toString().c_str());
                if (s.code() == io::ErrorCode::Truncated) QVERIFY(!s.path().empty());
                ++errors;
            }
            std::this_thread::sleep_for(std::chrono::milliseconds(1)); // let the rewriter move on
            if (i % 50 == 0) { // verify too: it must report, not crash
                auto report = (*reader)->verify();
                QVERIFY(report.tensorsChecked <= 1);
            }
        }
        stop = true;
        rewriter.join();
        qInfo("300 reads under %d in-place rewrites: %d correct, %d errors, %lu faults caught",
            rewrites.load(), correct, errors, io::guardedFaultCount() - faultsBefore);
        QCOMPARE(correct + errors, 300);
        QVERIFY(rewrites > 10);
        QVERIFY(errors > 0); // the reads did meet a changing file
    }
};

QTEST_GUILESS_MAIN(TestChangingFiles)
#include "tst_changing_files.moc"
