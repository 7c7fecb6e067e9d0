// CopyDestination: where a read buffer lands relative to the bytes it receives (io/copy_destination.h).
#include "io/copy_destination.h"

#include <QtTest>
#include <cstring>

using namespace tscope;

class TestCopyDestination : public QObject {
    Q_OBJECT
private slots:
    void sameAddressModulo64AndRoomForEveryByte()
    {
        io::CopyDestination d;
        for (size_t n : { size_t(1), size_t(4096), size_t(256) << 10, size_t(3) }) // grows, then is reused
            for (uint64_t source :
                { 0ull, 1ull, 16ull, 63ull, 64ull, 4080ull, 4095ull, 1073741824ull + 220 }) {
                auto span = d.place(source, n);
                QVERIFY(span);
                QCOMPARE(span->size(), n);
                QCOMPARE(reinterpret_cast<uintptr_t>(span->data()) % io::kCopyAlignment,
                    source % io::kCopyAlignment);
                std::memset(span->data(), 0x5a, n); // every byte is ours (ASan checks the bounds)
            }
    }

    void elementsStayAlignedAFewBytesBehind()
    {
        io::CopyDestination d;
        for (size_t alignment : { size_t(2), size_t(4), size_t(8), size_t(16), size_t(64) })
            for (uint64_t source = 0; source < 200; ++source) {
                auto span = d.place(source, 100, alignment);
                QVERIFY(span);
                const auto at = reinterpret_cast<uintptr_t>(span->data());
                QCOMPARE(at % alignment, uintptr_t { 0 });
                // Behind the source's offset within 64 bytes by less than one element: never ahead of it.
                const uint64_t behind = source % io::kCopyAlignment - at % io::kCopyAlignment;
                QVERIFY(behind < alignment);
            }
    }
};

QTEST_GUILESS_MAIN(TestCopyDestination)
#include "tst_copy_destination.moc"
