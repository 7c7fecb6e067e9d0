// The small shared pieces of io: the varint codec, shape text, the breadth-first object-graph walk,
// warning text, and the Git LFS pointer check.
#include "io/git_lfs.h"
#include "io/object_graph_walk.h"
#include "io/status.h"
#include "io/tensor.h"
#include "io/varint.h"
#include "io_test_util.h"

#include <QTemporaryDir>
#include <QtTest>

using namespace tscope::io;
using namespace iotest;

class TestIoHelpers : public QObject {
    Q_OBJECT
private slots:
    void varintRoundTripsAtEveryLength()
    {
        for (uint64_t v : { uint64_t(0), uint64_t(1), uint64_t(127), uint64_t(128), uint64_t(300),
                 uint64_t(1) << 35, UINT64_MAX }) {
            std::string bytes;
            appendVarint64(bytes, v);
            const auto* p = reinterpret_cast<const std::byte*>(bytes.data());
            const auto* end = p + bytes.size();
            uint64_t back = 0;
            QVERIFY(readVarint64(p, end, back));
            QCOMPARE(back, v);
            QCOMPARE(p, end);
        }
        // 300 is the protobuf documentation's example: AC 02.
        std::string bytes;
        appendVarint64(bytes, 300);
        QCOMPARE(toHex(bytes), QStringLiteral("AC 02"));
    }

    void varintRejectsUnterminatedAndOverlongInput()
    {
        const std::string cut = hexBytes("ff ff");
        const auto* p = reinterpret_cast<const std::byte*>(cut.data());
        uint64_t v = 0;
        QVERIFY(!readVarint64(p, p + cut.size(), v));
        const std::string overlong(11, '\xff');
        p = reinterpret_cast<const std::byte*>(overlong.data());
        QVERIFY(!readVarint64(p, p + overlong.size(), v));
    }

    void shapeTextStyles()
    {
        QCOMPARE(shapeToString(Shape { 3, 4 }), std::string("[3, 4]"));
        QCOMPARE(shapeToString(Shape {}), std::string("[]"));
        QCOMPARE(shapeToString(Shape { -1, 13 }, ShapeStyle::Parentheses), std::string("(?, 13)"));
        QCOMPARE(shapeToString(std::optional<Shape>(), ShapeStyle::Parentheses), std::string("unknown rank"));
        QCOMPARE(shapeToString(Shape { -1, 3 }, ShapeStyle::Python), std::string("(None, 3)"));
        QCOMPARE(shapeToString(Shape { 3 }, ShapeStyle::Python), std::string("(3,)"));
        QCOMPARE(shapeToString(Shape {}, ShapeStyle::Python), std::string("()"));
        QCOMPARE(shapeToString(std::optional<Shape>(), ShapeStyle::Python), std::string("None"));
    }

    void breadthFirstWalkKeepsTheFirstPath()
    {
        // 0 -> a:1, b:2; 1 -> c:3; 2 -> d:3 (second path to 3), e:4; 4 -> back to 0; 5 unreachable; 9
        // invalid.
        const std::vector<std::vector<std::pair<int, std::string>>> edges
            = { { { 1, "a" }, { 2, "b" }, { 9, "bad" } }, { { 3, "c" } }, { { 3, "d" }, { 4, "e" } }, {},
                  { { 0, "up" } }, { { 1, "x" } } };
        auto walk = walkBreadthFirst(static_cast<int>(edges.size()), [&](int id, const ChildVisitor& visit) {
            for (const auto& [child, name] : edges[static_cast<size_t>(id)])
                visit(child, name);
        });
        QCOMPARE(walk.order, (std::vector<int> { 0, 1, 2, 3, 4 }));
        QCOMPARE(walk.parent[3], 1);
        QCOMPARE(walk.edgeName[3], std::string("c"));
        QCOMPARE(walk.parent[0], BreadthFirstWalk::kRoot);
        QVERIFY(!walk.reached(5));
        QVERIFY(walkBreadthFirst(0, [](int, const ChildVisitor&) {}).order.empty());
    }

    void warningTextKeepsLocatedProblemsInFull()
    {
        const Status located = Status(ErrorCode::Corrupt, "index keys are not sorted").withPath("x.index");
        QCOMPARE(warningText(located), located.toString());
        const Status remark(ErrorCode::NotFound, "asset file assets/v.txt is missing");
        QCOMPARE(warningText(remark), remark.message());
        QCOMPARE(std::string(errorCodeName(ErrorCode::OutOfMemory)), std::string("OutOfMemory"));
        QCOMPARE(std::string(errorCodeName(ErrorCode::Note)), std::string("Note"));
    }

    void gitLfsPointer()
    {
        QTemporaryDir dir;
        const fs::path pointer = fs::path(dir.path().toStdString()) / "saved_model.pb";
        QVERIFY(writeFile(pointer, "version https://git-lfs.github.com/spec/v1\noid sha256:00\nsize 12\n"));
        QVERIFY(isGitLfsPointer(pointer));
        const Status s = gitLfsPointerError(pointer);
        QCOMPARE(s.code(), ErrorCode::Unsupported);
        QVERIFY(s.message().find("saved_model.pb is a Git LFS pointer") != std::string::npos);
        QCOMPARE(s.path(), pointer.string());
        const fs::path real = fs::path(dir.path().toStdString()) / "real.pb";
        QVERIFY(writeFile(real, std::string("\x08\x01", 2)));
        QVERIFY(!isGitLfsPointer(real));
        QVERIFY(!isGitLfsPointer(dir.path().toStdString())); // a directory is never opened
    }
};

QTEST_APPLESS_MAIN(TestIoHelpers)
#include "tst_io_helpers.moc"
