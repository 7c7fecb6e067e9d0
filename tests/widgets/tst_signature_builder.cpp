// The TF1 export's signature builder on the generated case export_tf1_meta_graph: the search filters the
// graph's tensors, only placeholders become inputs (the refusal says why), any op output becomes an output
// under a default name, and the result is the NAME=TENSOR lists the CLI takes, which io::planTf1Export
// accepts.
#include "app/gui/signature_builder_dialog.h"
#include "io/bundle_reader.h"

#include <QAbstractItemModelTester>
#include <QLabel>
#include <QTreeView>
#include <QtTest>
#include <filesystem>

using namespace tscope;

class TestSignatureBuilder : public QObject {
    Q_OBJECT
private slots:
    void buildsTheSignatureTheCliWouldTake();
};

void TestSignatureBuilder::buildsTheSignatureTheCliWouldTake()
{
    const std::string prefix = TSCOPE_FIXTURES_DIR "/tfcur/export_tf1_meta_graph/train/model.ckpt";
    if (!std::filesystem::exists(prefix + ".meta")) QSKIP("fixture export_tf1_meta_graph not generated");
    auto graph = io::Tf1Graph::open(prefix + ".meta");
    QVERIFY(graph);
    app::SignatureBuilderDialog dialog(*graph, {});
    auto* view = dialog.findChild<QTreeView*>();
    QVERIFY(view);
    QAbstractItemModelTester tester(view->model(), QAbstractItemModelTester::FailureReportingMode::QtTest);
    const int all = view->model()->rowCount();
    QCOMPARE(static_cast<size_t>(all), (*graph)->tensors().size());
    dialog.setFilter(QStringLiteral("softmax")); // the op column, case-insensitive
    QCOMPARE(view->model()->rowCount(), 1);
    QCOMPARE(view->model()->index(0, 0).data().toString(), QStringLiteral("probs:0"));
    dialog.setFilter(QString());
    QCOMPARE(view->model()->rowCount(), all);

    QVERIFY(!dialog.addTensor(QStringLiteral("hidden:0"), true)); // a Relu is no input
    bool explained = false;
    for (auto* label : dialog.findChildren<QLabel*>())
        explained |= label->text().contains(QLatin1String("not a placeholder"));
    QVERIFY(explained);
    QVERIFY(dialog.addTensor(QStringLiteral("x"), true));
    QVERIFY(dialog.addTensor(QStringLiteral("probs:0"), false));
    QVERIFY(dialog.addTensor(QStringLiteral("classes"), false));
    QVERIFY(!dialog.addTensor(QStringLiteral("no_such_op:0"), false));
    const io::Tf1SignatureSpec spec = dialog.spec();
    QCOMPARE(spec.key, std::string("serving_default"));
    QCOMPARE(spec.inputs, (std::vector<std::string> { "x=x:0" }));
    QCOMPARE(spec.outputs, (std::vector<std::string> { "probs=probs:0", "classes=classes:0" }));

    auto reader = io::BundleReader::open(prefix);
    QVERIFY(reader);
    io::Tf1ExportPlan plan;
    QVERIFY(io::planTf1Export(**reader, **graph, spec, plan).isOk());
    QVERIFY(!plan.refused());
}

QTEST_MAIN(TestSignatureBuilder)
#include "tst_signature_builder.moc"
