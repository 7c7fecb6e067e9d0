// Running out of memory is one error code everywhere in io (ErrorCode::OutOfMemory), never Io or Corrupt.
#include "io/bundle_reader.h"
#include "io/bundle_writer.h"
#include "io/tensor_encoding.h"
#include "io_test_util.h"

#include <QTemporaryDir>
#include <QtTest>
#include <fstream>

using namespace tscope::io;
using namespace iotest;

class TestOutOfMemory : public QObject {
    Q_OBJECT
private slots:
    void assemblingAHugePartitionedVariableIsOutOfMemory()
    {
        // Three slices of 8M empty strings: 24 MB on disk, but 24M std::string objects (768 MB) once
        // assembled, which an address space capped 256 MiB above its current size cannot hold.
        constexpr int64_t kPerSlice = 8'000'000;
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        const fs::path prefix = fs::path(dir.path().toStdString()) / "huge";
        {
            uint32_t crc = 0;
            const std::string encoded = encodeStringTensor(std::vector<std::string>(kPerSlice), crc);
            const std::vector<std::byte> bytes(reinterpret_cast<const std::byte*>(encoded.data()),
                reinterpret_cast<const std::byte*>(encoded.data()) + encoded.size());
            std::vector<BundleWriter::SlicePart> parts;
            for (int64_t i = 0; i < 3; ++i)
                parts.push_back({ { { i * kPerSlice, kPerSlice } }, { kPerSlice }, bytes });
            BundleWriter writer(prefix);
            QVERIFY(writer.addPartitioned("table", DType::String, { 3 * kPerSlice }, parts).isOk());
            QVERIFY(writer.finish().isOk());
        }
        auto reader = BundleReader::open(prefix);
        QVERIFY2(reader.isOk(), qPrintable(whyNot(reader)));
        const TensorEntry* entry = (*reader)->find("table");
        QVERIFY(entry && entry->partitioned());
        AddressSpaceCap cap(256ull << 20);
        if (!cap.active()) QSKIP("the address space cannot be capped here (sanitizer build or hard limit)");
        auto t = (*reader)->read(*entry);
        QVERIFY(!t.isOk());
        IOTEST_COMPARE_CODE(t.status().code(), ErrorCode::OutOfMemory);
        QCOMPARE(t.status().tensor(), std::string("table"));
    }

    // Issue 14, finding 6: a 4 GiB sparse index under an address-space limit (as `ulimit -v 6000000`)
    // ended in "terminate called ... std::bad_alloc". Now it is a Status, whatever the limit allows.
    void hugeSparseIndexUnderAnAddressSpaceLimit_data()
    {
        QTest::addColumn<qulonglong>("headroom");
        QTest::newRow("5 GiB: the map fits") << qulonglong(5ull << 30);
        QTest::newRow("1 GiB: the map does not fit") << qulonglong(1ull << 30);
    }
    void hugeSparseIndexUnderAnAddressSpaceLimit()
    {
        QFETCH(qulonglong, headroom);
        QTemporaryDir dir;
        const fs::path prefix = fs::path(dir.path().toStdString()) / "sparse";
        {
            std::ofstream(prefix.string() + ".index", std::ios::binary).put('\0');
            fs::resize_file(prefix.string() + ".index", 4ull << 30); // sparse: no disk used
        }
        AddressSpaceCap cap(headroom);
        if (!cap.active()) QSKIP("the address space cannot be capped here (sanitizer build or hard limit)");
        auto reader = BundleReader::open(prefix);
        QVERIFY(!reader.isOk());
        QVERIFY2(
            reader.status().code() == ErrorCode::Corrupt || reader.status().code() == ErrorCode::OutOfMemory,
            reader.status().toString().c_str());
    }
};

QTEST_APPLESS_MAIN(TestOutOfMemory)
#include "tst_out_of_memory.moc"
