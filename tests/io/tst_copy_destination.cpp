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

    void neitherCopyOfAWriteRunsIntoAliasing()
    {
        io::CopyDestination d;
        const auto aliased = [](uint64_t from, uint64_t to) {
            const uint64_t ahead = (to - from) % io::kAliasingPage;
            return ahead >= 1 && ahead < 32;
        };
        for (uint64_t source = 0; source < 8192; source += 7)
            for (uint64_t destination : std::initializer_list<uint64_t> {
                     0, 8, 16, 31, 32, 220, 4095, source + 1, source + 31, source + 32, source + 4096 }) {
                auto span = d.placeBetween(source, destination, 1000);
                QVERIFY(span);
                const auto at = reinterpret_cast<uintptr_t>(span->data());
                QVERIFY2(!aliased(source, at),
                    qPrintable(QString("source %1 buffer %2").arg(source).arg(at % 4096)));
                QVERIFY2(!aliased(at, destination),
                    qPrintable(QString("buffer %1 destination %2").arg(at % 4096).arg(destination)));
                std::memset(span->data(), 0x5a, span->size());
            }
    }
};

QTEST_GUILESS_MAIN(TestCopyDestination)
#include "tst_copy_destination.moc"
