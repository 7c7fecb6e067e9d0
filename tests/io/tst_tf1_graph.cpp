// The TF1 export's view of a `.meta` graph (io/export/tf1_graph) and its plan, on the generated case
// export_tf1_meta_graph of both TensorFlow versions: tensor names resolve ("op" = "op:0"), dtypes follow the
// op definitions (ArgMax's output_type int64, a ref variable's _REF type), placeholders are told apart, the
// saver's keys are exactly the checkpoint's, and the plan refuses what the CLI must refuse.
#include "io/bundle_reader.h"
#include "io/dtype.h"
#include "io/export/savedmodel_tf1_export.h"
#include "io/export/tf1_graph.h"

#include <QtTest>
#include <algorithm>
#include <filesystem>

using namespace tscope;
namespace fs = std::filesystem;

class TestTf1Graph : public QObject {
    Q_OBJECT
private slots:
    void resolvesTensorsWithTheGraphsTypes_data();
    void resolvesTensorsWithTheGraphsTypes();
    void planRefusesWhatTheCliRefuses_data() { resolvesTensorsWithTheGraphsTypes_data(); }
    void planRefusesWhatTheCliRefuses();
};

void TestTf1Graph::resolvesTensorsWithTheGraphsTypes_data()
{
    QTest::addColumn<QString>("prefix");
    for (const char* tag : { "tf215", "tfcur" }) {
        const fs::path p
            = fs::path(TSCOPE_FIXTURES_DIR) / tag / "export_tf1_meta_graph" / "train" / "model.ckpt";
        if (fs::exists(p.string() + ".meta")) QTest::newRow(tag) << QString::fromStdString(p.string());
    }
}

void TestTf1Graph::resolvesTensorsWithTheGraphsTypes()
{
    QFETCH(QString, prefix);
    auto graph = io::Tf1Graph::open(prefix.toStdString() + ".meta");
    QVERIFY(graph);
    const io::Tf1Graph& g = **graph;

    auto x = g.resolve("x");
    QVERIFY(x);
    QCOMPARE(x->name, std::string("x:0"));
    QVERIFY(x->placeholder);
    QCOMPARE(x->dtype, static_cast<int>(io::DType::Float));
    QVERIFY(x->shape && *x->shape == (io::Shape { -1, 4 }));
    auto t = g.resolve("temperature:0");
    QVERIFY(t && t->placeholder && t->op == "PlaceholderWithDefault" && t->shape && t->shape->empty());
    auto classes = g.resolve("classes:0");
    QVERIFY(classes && !classes->placeholder);
    QCOMPARE(classes->dtype, static_cast<int>(io::DType::Int64)); // ArgMax's output_type attr
    auto probs = g.resolve("probs");
    QVERIFY(probs && probs->op == "Softmax" && probs->dtype == static_cast<int>(io::DType::Float));

    auto missing = g.resolve("no_such_op:0");
    QCOMPARE(missing.status().code(), io::ErrorCode::NotFound);
    QCOMPARE(g.resolve("probs:1").status().code(), io::ErrorCode::NotFound);

    // Every listed tensor resolves to itself; the two placeholders are the only ones marked.
    const auto all = g.tensors();
    QVERIFY(all.size() > 10);
    std::vector<std::string> placeholders;
    for (const auto& each : all) {
        auto again = g.resolve(each.name);
        QVERIFY2(again && again->name == each.name && again->dtype == each.dtype, each.name.c_str());
        if (each.placeholder) placeholders.push_back(each.name);
    }
    // The case's two, and the two the Saver adds for the checkpoint path (save/filename, save/Const).
    std::sort(placeholders.begin(), placeholders.end());
    QCOMPARE(placeholders,
        (std::vector<std::string> { "save/Const:0", "save/filename:0", "temperature:0", "x:0" }));

    // The saver restores exactly the checkpoint's keys.
    auto keys = g.restoredKeys();
    QVERIFY(keys);
    auto reader = io::BundleReader::open(prefix.toStdString());
    QVERIFY(reader);
    std::vector<std::string> ckpt;
    for (const auto& e : (*reader)->entries())
        ckpt.push_back(e.key);
    std::sort(keys->begin(), keys->end());
    std::sort(ckpt.begin(), ckpt.end());
    QCOMPARE(*keys, ckpt);
}

void TestTf1Graph::planRefusesWhatTheCliRefuses()
{
    QFETCH(QString, prefix);
    auto graph = io::Tf1Graph::open(prefix.toStdString() + ".meta");
    QVERIFY(graph);
    auto reader = io::BundleReader::open(prefix.toStdString());
    QVERIFY(reader);
    io::Tf1ExportPlan plan;
    io::Tf1SignatureSpec spec;
    spec.inputs = { "x=x" };
    spec.outputs = { "p=probs:0", "c=classes" };
    QVERIFY(io::planTf1Export(**reader, **graph, spec, plan).isOk());
    QVERIFY(!plan.refused());
    QCOMPARE(plan.outputs.size(), size_t(2));

    spec.inputs = { "h=hidden:0" }; // a Relu: not fed by the caller
    io::Status s = io::planTf1Export(**reader, **graph, spec, plan);
    QCOMPARE(s.code(), io::ErrorCode::InvalidArgument);
    QVERIFY(s.message().find("not a placeholder") != std::string::npos);
    QVERIFY(!plan.noSuchTensor);

    spec.inputs = { "x=x" };
    spec.outputs = { "y=nope:0" };
    s = io::planTf1Export(**reader, **graph, spec, plan);
    QCOMPARE(s.code(), io::ErrorCode::NotFound);
    QVERIFY(plan.noSuchTensor);

    spec.outputs = { "p=probs", "p=classes" }; // a name twice
    QCOMPARE(io::planTf1Export(**reader, **graph, spec, plan).code(), io::ErrorCode::InvalidArgument);
    spec.outputs = {};
    QCOMPARE(io::planTf1Export(**reader, **graph, spec, plan).code(), io::ErrorCode::InvalidArgument);
    spec.outputs = { "probs" }; // not NAME=TENSOR
    QCOMPARE(io::planTf1Export(**reader, **graph, spec, plan).code(), io::ErrorCode::InvalidArgument);
}

QTEST_GUILESS_MAIN(TestTf1Graph)
#include "tst_tf1_graph.moc"
