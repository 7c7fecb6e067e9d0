// keras_metadata.pb parsing: real files written by Keras, and JSON as Python's json module writes it
// (bare NaN / Infinity, which strict JSON parsers reject).
#include "io/keras_metadata.h"
#include "io_test_util.h"

#include <QTemporaryDir>
#include <QtTest>
#include <algorithm>

using namespace tscope::io;
using namespace iotest;

namespace {

// Every keras_metadata.pb of the corpus and the fixtures, sorted (a damaged copy is made from the same
// file on every machine).
std::vector<fs::path> kerasMetadataFiles()
{
    std::vector<fs::path> files;
    for (const auto& dir : { corpusDir(), fs::path(TSCOPE_FIXTURES_DIR) }) {
        std::error_code ec;
        if (!fs::exists(dir, ec)) continue;
        for (const auto& e : fs::recursive_directory_iterator(dir, ec))
            if (e.path().filename() == "keras_metadata.pb") files.push_back(e.path());
    }
    std::sort(files.begin(), files.end());
    return files;
}

} // namespace

class TestKerasMetadata : public QObject {
    Q_OBJECT
private slots:
    void nonFiniteLiteralsOutsideStringsBecomeNull()
    {
        QCOMPARE(replacePythonNonFiniteLiterals("{\"a\": NaN, \"b\": [Infinity, -Infinity], \"c\": -1.5}"),
            std::string("{\"a\": null, \"b\": [null, null], \"c\": -1.5}"));
    }

    void stringContentsAreNeverRewritten()
    {
        const std::string json = "{\"name\": \"NaN Infinity -Infinity\", \"q\": \"say \\\"NaN\\\" \\\\\", "
                                 "\"k\": \"-Infinity\", \"class_name\": \"Dense\"}";
        QCOMPARE(replacePythonNonFiniteLiterals(json), json);
        auto meta = parseKerasObjectMetadata(json);
        QVERIFY2(meta.isOk(), qPrintable(whyNot(meta)));
        QCOMPARE(meta->name, std::string("NaN Infinity -Infinity"));
        QCOMPARE(meta->className, std::string("Dense"));
    }

    void pythonJsonWithNaNParses()
    {
        // What json.dumps writes for a layer whose config holds non-finite floats.
        const std::string json = "{\"name\": \"clip\", \"trainable\": true, \"config\": {\"min\": -Infinity, "
                                 "\"max\": Infinity, \"fill\": NaN, \"batch_input_shape\": {\"class_name\": "
                                 "\"__tuple__\", \"items\": [null, 3]}}, \"class_name\": \"Clip\"}";
        auto meta = parseKerasObjectMetadata(json);
        QVERIFY2(meta.isOk(), qPrintable(whyNot(meta)));
        QCOMPARE(meta->name, std::string("clip"));
        QCOMPARE(meta->className, std::string("Clip"));
    }

    void nestedClassNamesDoNotLeakIntoTheLabel()
    {
        // The nested "class_name" comes first in the text; only the top-level one names the layer.
        const std::string json
            = "{\"config\": {\"batch_input_shape\": {\"class_name\": \"__tuple__\", \"items\": "
              "[null, 28]}}, \"name\": \"conv2d\", \"class_name\": \"Conv2D\"}";
        auto meta = parseKerasObjectMetadata(json);
        QVERIFY(meta.isOk());
        QCOMPARE(meta->className, std::string("Conv2D"));
    }

    void malformedJsonIsCorrupt()
    {
        auto meta = parseKerasObjectMetadata("{\"name\": \"x\", ");
        QVERIFY(!meta.isOk());
        QCOMPARE(meta.status().code(), ErrorCode::Corrupt);
        QVERIFY(!parseKerasObjectMetadata("[1, 2]").isOk());
        QVERIFY(!parseKerasObjectMetadata("NaNa").isOk());
    }

    void kerasMnistCnnLabelsNameTheRealClasses()
    {
        // Keras 2 CNN saved with model.save(): its layer configs hold batch_input_shape tuples.
        const auto file = corpusDir() / "keras-mnist-cnn-nofp" / "keras_metadata.pb";
        if (!fs::exists(file)) QSKIP("corpus artifact keras-mnist-cnn-nofp is not available");
        auto labels = readKerasLayerLabels(file);
        // Expected values as Python's json.loads reads the same file.
        QCOMPARE(labels["layer_with_weights-0"], std::string("conv2d (Conv2D)"));
        QCOMPARE(labels["layer_with_weights-1"], std::string("batch_normalization (BatchNormalization)"));
        QCOMPARE(labels["layer-8"], std::string("flatten (Flatten)"));
        QCOMPARE(labels["layer_with_weights-7"], std::string("dense_1 (Dense)"));
    }

    void everyCorpusAndFixtureLabelHasARealClass()
    {
        const std::vector<fs::path> files = kerasMetadataFiles();
        if (files.empty()) QSKIP("no keras_metadata.pb in the corpus or the fixtures");
        for (const auto& file : files) {
            auto labels = readKerasLayerLabels(file);
            QVERIFY2(!labels.empty(), qPrintable(QString::fromStdString(file.string())));
            for (const auto& [path, label] : labels) {
                const QString where = QString::fromStdString(file.string() + ": " + path + " = " + label);
                QVERIFY2(label.find("__tuple__") == std::string::npos, qPrintable(where));
                QVERIFY2(label.ends_with(")"), qPrintable(where));
            }
        }
    }

    // verify's check of keras_metadata.pb: every real file passes; damage inside an object's JSON (which the
    // protobuf framing cannot notice) and a cut file are Corrupt, naming the object or the file.
    void verifyAcceptsEveryRealFileAndNamesDamage()
    {
        const std::vector<fs::path> files = kerasMetadataFiles();
        if (files.empty()) QSKIP("no keras_metadata.pb in the corpus or the fixtures");
        for (const auto& file : files) {
            const Status s = verifyKerasMetadataFile(file);
            QVERIFY2(s.isOk(), qPrintable(QString::fromStdString(file.string() + ": " + s.toString())));
        }

        QTemporaryDir tmp;
        const fs::path damaged = fs::path(tmp.path().toStdString()) / "keras_metadata.pb";
        std::string bytes = readFile(files.front());
        const size_t at = bytes.find("\"class_name\"");
        QVERIFY(at != std::string::npos);
        bytes[at] = '{'; // same length, so the protobuf framing still holds: only the JSON breaks
        QVERIFY(writeFile(damaged, bytes));
        Status s = verifyKerasMetadataFile(damaged);
        QCOMPARE(int(s.code()), int(ErrorCode::Corrupt));
        QVERIFY2(s.message().find("metadata of object") != std::string::npos,
            qPrintable(QString::fromStdString(s.toString())));

        QVERIFY(writeFile(damaged, readFile(files.front()).substr(0, bytes.size() / 2)));
        s = verifyKerasMetadataFile(damaged);
        QCOMPARE(int(s.code()), int(ErrorCode::Corrupt));
        QVERIFY(s.message().find("keras_metadata.pb") != std::string::npos);
    }
};

QTEST_APPLESS_MAIN(TestKerasMetadata)
#include "tst_keras_metadata.moc"
