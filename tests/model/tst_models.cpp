// Every model and proxy under QAbstractItemModelTester, on real artifacts from the shared corpus.
#include "io/artifact.h"
#include "model/items/object_graph_model.h"
#include "model/items/signature_table_model.h"
#include "model/items/value_table_model.h"
#include "model/items/variable_filter_proxy.h"
#include "model/items/variable_tree_model.h"

#include <QAbstractItemModelTester>
#include <QtTest>

using namespace tscope;

namespace {

std::shared_ptr<const io::Artifact> openCorpus(const char* slug)
{
    auto a = io::openArtifact(std::string(TSCOPE_CORPUS_DIR) + "/" + slug);
    if (!a) qFatal("cannot open %s: %s", slug, a.status().toString().c_str());
    return a.value();
}

// Depth-first list of every index in a model (all columns of column 0's rows).
int countRows(const QAbstractItemModel& m, const QModelIndex& parent = {})
{
    int n = 0;
    for (int r = 0; r < m.rowCount(parent); ++r)
        n += 1 + countRows(m, m.index(r, 0, parent));
    return n;
}

QModelIndex findByKey(const QAbstractItemModel& m, const QString& key, const QModelIndex& parent = {})
{
    for (int r = 0; r < m.rowCount(parent); ++r) {
        QModelIndex i = m.index(r, 0, parent);
        if (i.data(model::VariableTreeModel::KeyRole).toString() == key) return i;
        if (auto f = findByKey(m, key, i); f.isValid()) return f;
    }
    return {};
}

} // namespace

class TestModels : public QObject {
    Q_OBJECT
private slots:
    void treeModelOnCorpus_data()
    {
        QTest::addColumn<QString>("slug");
        for (const char* s :
            { "ckpt-tf2-a2c-3ckpts", "keras-tf27-heart-savedmodel", "tf1-estimator-widedeep-5ckpts",
                "keras3-export-tf217-aerogel", "tf115-savedmodel-2shards", "tf12-savedmodel-pbtxt-novars" })
            QTest::addRow("%s", s) << QString::fromLatin1(s);
    }
    void treeModelOnCorpus()
    {
        QFETCH(QString, slug);
        auto artifact = openCorpus(slug.toLatin1().constData());
        model::VariableTreeModel tree;
        QAbstractItemModelTester treeTester(&tree, QAbstractItemModelTester::FailureReportingMode::QtTest);
        model::VariableFilterProxy proxy;
        proxy.setSourceModel(&tree);
        QAbstractItemModelTester proxyTester(&proxy, QAbstractItemModelTester::FailureReportingMode::QtTest);
        tree.setArtifact(artifact, model::newArtifactId());
        QCOMPARE(countRows(tree), int(artifact->tree.nodes.size()) - 1);

        // Every bundle entry is reachable through its TensorRef and maps back to it; a ref with
        // another artifact's identity reaches nothing.
        if (artifact->bundle)
            for (const auto& entry : artifact->bundle->entries()) {
                const model::TensorRef ref { tree.artifactId(), entry.key };
                QModelIndex i = tree.indexForRef(ref);
                QVERIFY2(i.isValid(), entry.key.c_str());
                QVERIFY(i.data(model::VariableTreeModel::TensorRefRole).value<model::TensorRef>() == ref);
                QVERIFY(!tree.indexForRef({ tree.artifactId() + 1, entry.key }).isValid());
            }

        // Filters, toggled in sequence while the tester watches.
        proxy.setText(QStringLiteral("kernel"));
        proxy.setText(QStringLiteral("ker.*l$"), true);
        proxy.setDType(QStringLiteral("float32"));
        proxy.setShapePattern(QStringLiteral("?,?"));
        proxy.setShowSlots(false);
        proxy.sort(model::VariableTreeModel::BytesColumn, Qt::DescendingOrder);
        proxy.setText({});
        proxy.setDType({});
        proxy.setShapePattern({});
        proxy.setShowSlots(true);
        tree.setArtifact(nullptr, 0);
        QCOMPARE(tree.rowCount(), 0);
    }

    void filterKeepsParentsAndHidesSlots()
    {
        auto artifact = openCorpus("ckpt-tf2-a2c-3ckpts");
        model::VariableTreeModel tree;
        tree.setArtifact(artifact, model::newArtifactId());
        model::VariableFilterProxy proxy;
        proxy.setSourceModel(&tree);
        const QString key = QStringLiteral("critic/hidden2/kernel/.ATTRIBUTES/VARIABLE_VALUE");
        QVERIFY(findByKey(proxy, key).isValid());
        const int all = countRows(proxy);
        proxy.setText(QStringLiteral("hidden2/kernel"));
        QModelIndex hit = findByKey(proxy, key);
        QVERIFY(hit.isValid());
        QCOMPARE(hit.parent().data().toString(), QStringLiteral("hidden2")); // parents stay
        QVERIFY(countRows(proxy) < all);
        proxy.setText({});
        proxy.setShowSlots(false);
        int slotCount = 0;
        for (const auto& a : artifact->tree.annotations)
            slotCount += a.role == io::EntryRole::Slot;
        QVERIFY(slotCount > 0);
        QCOMPARE(countRows(proxy), all - slotCount);
        proxy.setShowSlots(true);
        QVERIFY(!proxy.setShapePattern(QStringLiteral("3,x,banana")));
        QVERIFY(proxy.setShapePattern(QStringLiteral("2d")));
        proxy.setShowSlots(false);
        // Only rank-2 variables remain as leaves.
        std::function<void(const QModelIndex&)> check = [&](const QModelIndex& p) {
            for (int r = 0; r < proxy.rowCount(p); ++r) {
                QModelIndex i = proxy.index(r, 0, p);
                if (i.data(model::VariableTreeModel::TensorRefRole).value<model::TensorRef>().isValid())
                    QCOMPARE(i.data(model::VariableTreeModel::RankRole).toInt(), 2);
                check(i);
            }
        };
        check({});
    }

    // Inferred and undecided optimizer slots (Keras, TF >= 2.11) as model data: SlotLinkRole, tooltip,
    // the name column's label; on the fixtures TensorFlow wrote (Keras 2 cannot decide, Keras 3 can).
    void slotLinksAsModelData_data()
    {
        QTest::addColumn<QString>("tag");
        QTest::addColumn<QString>("confidence");
        QTest::newRow("tf215") << "tf215"
                               << "ambiguous";
        QTest::newRow("tfcur") << "tfcur"
                               << "inferred";
    }
    void slotLinksAsModelData()
    {
        QFETCH(QString, tag);
        QFETCH(QString, confidence);
        const std::string path = std::string(TSCOPE_FIXTURES_DIR) + "/" + tag.toStdString()
            + "/ckpt_optimizers_adversarial/frozen_layer/ckpt.index";
        auto opened = io::openArtifact(path);
        if (!opened) QSKIP("fixture not generated");
        model::VariableTreeModel tree;
        tree.setArtifact(opened.value(), model::newArtifactId());
        QAbstractItemModelTester tester(&tree, QAbstractItemModelTester::FailureReportingMode::QtTest);
        const QString key = tag == "tf215"
            ? QStringLiteral("optimizer/_variables/1/.ATTRIBUTES/VARIABLE_VALUE")
            : QStringLiteral("optimizer/_variables/2/.ATTRIBUTES/VARIABLE_VALUE");
        const QModelIndex slot = findByKey(tree, key);
        QVERIFY(slot.isValid());
        const QVariantMap link = slot.data(model::VariableTreeModel::SlotLinkRole).toMap();
        QCOMPARE(link.value("confidence").toString(), confidence);
        QVERIFY(!link.value("reason").toString().isEmpty());
        QVERIFY(slot.data(Qt::ToolTipRole).toString().contains(link.value("reason").toString()));
        QVERIFY(slot.data(Qt::DisplayRole).toString().contains(confidence + ": "));
        if (confidence == "inferred") {
            QCOMPARE(link.value("slotName").toString(), QStringLiteral("momentum"));
            QVERIFY(findByKey(tree, link.value("variable").toString()).isValid());
        } else {
            QVERIFY(link.value("variable").toString().isEmpty());
        }
        // A model weight carries no link.
        const QModelIndex weight = findByKey(tree,
            tag == "tf215" ? QStringLiteral("model/layer_with_weights-0/kernel/.ATTRIBUTES/VARIABLE_VALUE")
                           : QStringLiteral("optimizer/_trainable_variables/0/.ATTRIBUTES/VARIABLE_VALUE"));
        QVERIFY(weight.isValid());
        QVERIFY(weight.data(model::VariableTreeModel::SlotLinkRole).toMap().isEmpty());
    }

    void numericSortUsesRawValues()
    {
        auto artifact = openCorpus("keras-tf27-heart-savedmodel");
        model::VariableTreeModel tree;
        tree.setArtifact(artifact, model::newArtifactId());
        model::VariableFilterProxy proxy;
        proxy.setSourceModel(&tree);
        proxy.sort(model::VariableTreeModel::BytesColumn, Qt::DescendingOrder);
        quint64 previous = std::numeric_limits<quint64>::max();
        for (int r = 0; r < proxy.rowCount(); ++r) {
            quint64 v = proxy.index(r, model::VariableTreeModel::BytesColumn)
                            .data(model::VariableTreeModel::SortRole)
                            .toULongLong();
            QVERIFY(v <= previous);
            previous = v;
        }
    }

    void signatureAndObjectGraphModels()
    {
        auto artifact = openCorpus("tfserving-counter-tf1");
        model::SignatureTableModel sigs;
        QAbstractItemModelTester t1(&sigs, QAbstractItemModelTester::FailureReportingMode::QtTest);
        sigs.setMetaGraph(&artifact->savedModel->metaGraphs[0]);
        QSet<QString> keys;
        for (int r = 0; r < sigs.rowCount(); ++r)
            keys << sigs.index(r, model::SignatureTableModel::SignatureColumn).data().toString();
        QCOMPARE(keys, (QSet<QString> { "get_counter", "incr_counter", "incr_counter_by", "reset_counter" }));

        auto heart = openCorpus("keras-tf27-heart-savedmodel");
        sigs.setMetaGraph(&heart->savedModel->metaGraphs[0]);
        bool foundUnknownDim = false;
        for (int r = 0; r < sigs.rowCount(); ++r)
            foundUnknownDim |= sigs.index(r, model::SignatureTableModel::ShapeColumn).data().toString()
                == QStringLiteral("(?, 13)");
        QVERIFY(foundUnknownDim);

        model::ObjectGraphModel objects;
        QAbstractItemModelTester t2(&objects, QAbstractItemModelTester::FailureReportingMode::QtTest);
        objects.setMetaGraph(&heart->savedModel->metaGraphs[0]);
        QCOMPARE(objects.rowCount(), 1);
        QVERIFY(objects.rowCount(objects.index(0, 0)) > 3);
        objects.setMetaGraph(nullptr);
        QCOMPARE(objects.rowCount(), 0);
    }

    void valueTableModel()
    {
        std::vector<float> v(2 * 3 * 4);
        for (size_t i = 0; i < v.size(); ++i)
            v[i] = float(i);
        std::vector<std::byte> bytes(v.size() * 4);
        std::memcpy(bytes.data(), v.data(), bytes.size());
        auto t = std::make_shared<const io::Tensor>(
            io::Tensor::owned(io::DType::Float, { 2, 3, 4 }, std::move(bytes)));
        model::ValueTableModel m;
        QAbstractItemModelTester tester(&m, QAbstractItemModelTester::FailureReportingMode::QtTest);
        m.setTensor(t);
        QCOMPARE(m.rowCount(), 3); // default plane: last two dims at dim0 = 0
        QCOMPARE(m.columnCount(), 4);
        QCOMPARE(m.index(2, 3).data().toString(), QStringLiteral("11"));
        model::PlaneSelection sel = m.selection();
        sel.fixed[0] = 1;
        m.setSelection(sel);
        QCOMPARE(m.index(0, 0).data().toString(), QStringLiteral("12"));
        sel.rowDim = 0; // rows over dim 0, columns over dim 2, dim 1 fixed at 2
        sel.colDim = 2;
        sel.fixed = { 0, 2, 0 };
        m.setSelection(sel);
        QCOMPARE(m.rowCount(), 2);
        QCOMPARE(m.index(1, 1).data().toString(), QStringLiteral("21")); // [1,2,1] = 12 + 8 + 1
        m.setTensor(std::make_shared<const io::Tensor>(
            io::Tensor::strings({ 2 }, { "hello", std::string("\xff\x00z", 3) })));
        QCOMPARE(m.rowCount(), 2);
        QCOMPARE(m.index(0, 0).data().toString(), QStringLiteral("hello"));
        QVERIFY(m.index(1, 0).data().toString().contains(QStringLiteral("\\xff")));
        m.setTensor(nullptr);
        QCOMPARE(m.rowCount(), 0);
    }
};

QTEST_GUILESS_MAIN(TestModels)
#include "tst_models.moc"
