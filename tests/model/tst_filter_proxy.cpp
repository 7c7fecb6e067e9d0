// The variable tree's filter proxy beyond the corpus checks of tst_models: natural name order, the
// match counts the tree view shows ("N of M match"), an invalid regular expression keeping the last
// result, and io::Status rendered for people (no "Unsupported: not supported: ...").
#include "io/artifact.h"
#include "io/bundle_writer.h"
#include "model/items/natural_compare.h"
#include "model/items/variable_filter_proxy.h"
#include "model/items/variable_tree_model.h"
#include "model/session/artifact_session.h"

#include <QAbstractItemModelTester>
#include <QTemporaryDir>
#include <QtTest>

using namespace tscope;

namespace {

// A checkpoint whose names sort differently as text and as numbers.
std::shared_ptr<const io::Artifact> writeFields(const QTemporaryDir& dir, const QStringList& names)
{
    const std::string prefix = dir.filePath(QStringLiteral("ckpt-1")).toStdString();
    io::BundleWriter w(prefix);
    const float value = 1.0f;
    QStringList sorted = names;
    sorted.sort(); // an index stores keys in byte order
    for (const auto& n : sorted)
        if (auto s = w.add(n.toStdString(), io::DType::Float, {}, std::as_bytes(std::span(&value, 1)));
            !s.isOk())
            qFatal("%s", s.toString().c_str());
    if (auto s = w.finish(); !s.isOk()) qFatal("%s", s.toString().c_str());
    auto a = io::openArtifact(prefix);
    if (!a) qFatal("%s", a.status().toString().c_str());
    return a.value();
}

QStringList topNames(const QAbstractItemModel& m)
{
    QStringList names;
    for (int r = 0; r < m.rowCount(); ++r)
        names << m.index(r, 0).data().toString();
    return names;
}

} // namespace

class TestFilterProxy : public QObject {
    Q_OBJECT
private slots:
    void naturalCompareCountsNumbers()
    {
        QVERIFY(model::naturalCompare(u"Field_2", u"Field_10") < 0);
        QVERIFY(model::naturalCompare(u"Field_10", u"Field_2") > 0);
        QVERIFY(model::naturalCompare(u"layer9", u"Layer10") < 0); // case-insensitive
        QVERIFY(model::naturalCompare(u"a1b2", u"a1b10") < 0);
        QVERIFY(model::naturalCompare(u"x1", u"x01") < 0); // equal numbers: fewer zeros first, total order
        QCOMPARE(model::naturalCompare(u"same_3", u"same_3"), 0);
        QVERIFY(model::naturalCompare(u"abc", u"abcd") < 0);
        QVERIFY(
            model::naturalCompare(u"99999999999999999999", u"100000000000000000000") < 0); // beyond 64 bits
    }

    void namesSortNaturallyAndBack()
    {
        QTemporaryDir dir;
        const QStringList fileOrder { "Field_1", "Field_10", "Field_2", "Field_11",
            "Field_3" }; // keys sort as text
        auto artifact = writeFields(dir, fileOrder);
        model::VariableTreeModel tree;
        model::VariableFilterProxy proxy;
        QAbstractItemModelTester tester(&proxy, QAbstractItemModelTester::FailureReportingMode::QtTest);
        proxy.setSourceModel(&tree);
        tree.setArtifact(artifact, 0);
        const QStringList stored = topNames(tree);
        QCOMPARE(topNames(proxy), stored); // unsorted: the file's order
        proxy.sort(model::VariableTreeModel::NameColumn, Qt::AscendingOrder);
        QCOMPARE(topNames(proxy), (QStringList { "Field_1", "Field_2", "Field_3", "Field_10", "Field_11" }));
        proxy.sort(model::VariableTreeModel::NameColumn, Qt::DescendingOrder);
        QCOMPARE(topNames(proxy), (QStringList { "Field_11", "Field_10", "Field_3", "Field_2", "Field_1" }));
        proxy.sort(-1);
        QCOMPARE(topNames(proxy), stored);
    }

    void countsMatchesAndKeepsResultOnBadRegex()
    {
        QTemporaryDir dir;
        QStringList names;
        for (int i = 0; i < 30; ++i)
            names << QStringLiteral("net/block_%1/%2").arg(i).arg(i % 3 == 0 ? "kernel" : "bias");
        auto artifact = writeFields(dir, names);
        model::VariableTreeModel tree;
        tree.setArtifact(artifact, 0);
        model::VariableFilterProxy proxy;
        QAbstractItemModelTester tester(&proxy, QAbstractItemModelTester::FailureReportingMode::QtTest);
        proxy.setSourceModel(&tree);
        const int all = static_cast<int>(artifact->bundle->entries().size());
        QCOMPARE(proxy.variableCount(), all);
        QCOMPARE(proxy.matchCount(), all);

        // The expected count comes from the names themselves, not from the proxy.
        int kernels = 0;
        for (const auto& e : artifact->bundle->entries())
            kernels += QString::fromStdString(e.key).contains(QStringLiteral("KERNEL"), Qt::CaseInsensitive);
        QVERIFY(kernels > 0);
        proxy.setText(QStringLiteral("KERNEL"));
        QCOMPARE(proxy.matchCount(), kernels);
        QCOMPARE(proxy.variableCount(), all);
        QVERIFY(proxy.errorString().isEmpty());

        proxy.setText(QStringLiteral("block_(1|2"), true); // unbalanced: invalid
        QVERIFY(!proxy.errorString().isEmpty());
        QCOMPARE(proxy.matchCount(), kernels); // the last valid result stays
        QVERIFY(proxy.rowCount() > 0);
        proxy.setText(QStringLiteral("block_(1|2)/"), true);
        QVERIFY(proxy.errorString().isEmpty());
        QCOMPARE(proxy.matchCount(), 2);
        proxy.setText({});
        QCOMPARE(proxy.matchCount(), all);
        QVERIFY(!proxy.isFiltering());
    }

    void textFilterAppliesToTheNextArtifact()
    {
        // The match texts are built on the first text filter, and again for each artifact opened while a
        // filter is typed (the tree keeps the filter across artifacts).
        QTemporaryDir dirA, dirB;
        auto a = writeFields(dirA, { "net/dense/kernel", "net/dense/bias" });
        auto b = writeFields(dirB, { "net/conv_1/kernel", "net/conv_2/kernel", "net/conv_1/bias" });
        model::VariableTreeModel tree;
        model::VariableFilterProxy proxy;
        QAbstractItemModelTester tester(&proxy, QAbstractItemModelTester::FailureReportingMode::QtTest);
        proxy.setSourceModel(&tree);
        tree.setArtifact(a, 0);
        proxy.setText(QStringLiteral("kernel"));
        QCOMPARE(proxy.matchCount(), 1);
        tree.setArtifact(b, 0);
        int kernels = 0;
        for (const auto& e : b->bundle->entries())
            kernels += QString::fromStdString(e.key).contains(QStringLiteral("kernel"));
        QCOMPARE(proxy.matchCount(), kernels);
        QCOMPARE(proxy.variableCount(), static_cast<int>(b->bundle->entries().size()));
        tree.setArtifact(nullptr, 0); // closed while filtering
        QCOMPARE(proxy.rowCount(), 0);
        tree.setArtifact(a, 0);
        QCOMPARE(proxy.matchCount(), 1);
    }

    void statusReadsAsASentence()
    {
        const io::Status unsupported(io::ErrorCode::Unsupported, "not supported: legacy V1 checkpoint");
        QCOMPARE(model::statusToText(unsupported), QStringLiteral("Not supported: legacy V1 checkpoint"));
        const io::Status missing = io::Status(io::ErrorCode::NotFound, "no such file").withPath("/x/ckpt-1");
        QCOMPARE(model::statusToText(missing), QStringLiteral("Not found: no such file (file '/x/ckpt-1')"));
        const io::Status damaged
            = io::Status(io::ErrorCode::ChecksumMismatch, "checksum mismatch in the data").withTensor("a/b");
        QCOMPARE(
            model::statusToText(damaged), QStringLiteral("Checksum mismatch in the data (tensor 'a/b')"));
        // No code name of the enum ever shows.
        QVERIFY(!model::statusToText(unsupported).contains(QStringLiteral("Unsupported")));
    }
};

QTEST_GUILESS_MAIN(TestFilterProxy)
#include "tst_filter_proxy.moc"
