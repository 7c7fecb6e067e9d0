// io against TensorFlow's own bytes: every checkpoint TensorFlow wrote into tests/fixtures/<tag>/<case>/
// is read with BundleReader and compared with what TensorFlow itself reported in oracle.json (keys,
// dtypes, shapes, string values), and BundleWriter re-encodes each tensor to exactly the bytes and CRC32C
// TensorFlow stored. A mistake shared by our reader and our writer cannot pass these.
#include "io/bundle_reader.h"
#include "io/bundle_writer.h"
#include "io/dtype.h"
#include "io/table_reader.h"
#include "io/variable_tree.h"
#include "io_test_util.h"
#include "tensor_bundle.pb.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QtTest>
#include <map>

using namespace tscope::io;
using namespace iotest;

namespace {

struct OracleVariable {
    std::string key;
    std::string dtype;
    Shape shape;
    std::optional<std::vector<std::string>> strings; // strings_base64, when TensorFlow recorded them
};

struct OracleBundle {
    std::string where; // "tf215/ckpt_dtypes_savev2: ckpt/all_dtypes", for messages
    fs::path prefix;
    std::vector<OracleVariable> variables;
};

std::vector<OracleVariable> variablesOf(const QJsonArray& list)
{
    std::vector<OracleVariable> out;
    for (const auto& item : list) {
        const QJsonObject v = item.toObject();
        OracleVariable var;
        var.key = v.value("key").toString().toStdString();
        var.dtype = v.value("dtype").toString().toStdString();
        for (const auto& d : v.value("shape").toArray())
            var.shape.push_back(static_cast<int64_t>(d.toDouble()));
        if (v.contains("strings_base64")) {
            var.strings.emplace();
            for (const auto& s : v.value("strings_base64").toArray())
                var.strings->push_back(QByteArray::fromBase64(s.toString().toLatin1()).toStdString());
        }
        out.push_back(std::move(var));
    }
    return out;
}

// Every bundle TensorFlow wrote in the fixtures, with the variables it listed for it.
std::vector<OracleBundle> fixtureBundles()
{
    std::vector<OracleBundle> bundles;
    const fs::path root(TSCOPE_FIXTURES_DIR);
    std::error_code ec;
    for (const auto& tag : { "tf215", "tfcur" }) {
        if (!fs::is_directory(root / tag, ec)) continue;
        std::vector<fs::path> cases;
        for (const auto& e : fs::directory_iterator(root / tag, ec))
            if (fs::is_regular_file(e.path() / "oracle.json", ec)) cases.push_back(e.path());
        std::sort(cases.begin(), cases.end());
        for (const auto& dir : cases) {
            const std::string text = readFile(dir / "oracle.json");
            const auto doc = QJsonDocument::fromJson(QByteArray::fromStdString(text));
            const std::string caseName = std::string(tag) + "/" + dir.filename().string();
            if (!doc.isObject()) {
                bundles.push_back({ caseName + ": oracle.json does not parse", {}, {} });
                continue;
            }
            for (const auto& item : doc.object().value("artifacts").toArray()) {
                const QJsonObject a = item.toObject();
                QJsonObject ckpt;
                if (a.value("kind").toString() == "checkpoint")
                    ckpt = a;
                else if (a.value("kind").toString() == "savedmodel"
                    && a.value("variables_checkpoint").isObject())
                    ckpt = a.value("variables_checkpoint").toObject();
                if (ckpt.isEmpty() || !ckpt.value("variables").isArray()) continue;
                const std::string path = ckpt.value("path").toString().toStdString();
                bundles.push_back(
                    { caseName + ": " + path, dir / path, variablesOf(ckpt.value("variables").toArray()) });
            }
        }
    }
    return bundles;
}

std::string bytesAt(const fs::path& file, uint64_t offset, uint64_t size)
{
    const std::string all = readFile(file);
    if (offset > all.size() || size > all.size() - offset) return "<outside the file>";
    return all.substr(static_cast<size_t>(offset), static_cast<size_t>(size));
}

} // namespace

class TestTfFixtures : public QObject {
    Q_OBJECT
private slots:
    void initTestCase()
    {
        m_bundles = fixtureBundles();
        if (m_bundles.empty()) QSKIP("no TensorFlow fixtures under " TSCOPE_FIXTURES_DIR);
    }

    // Keys, dtypes and shapes exactly as tf.train.list_variables reported them; values decode with every
    // CRC checked; strings equal what TensorFlow's get_tensor returned.
    void readerMatchesTensorFlow()
    {
        size_t tensors = 0, strings = 0;
        for (const auto& b : m_bundles) {
            const QString where = QString::fromStdString(b.where);
            QVERIFY2(!b.prefix.empty(), qPrintable(where));
            auto reader = BundleReader::open(b.prefix);
            QVERIFY2(reader.isOk(), qPrintable(where + ": " + whyNot(reader)));
            QVERIFY2(
                (*reader)->warnings().empty(), qPrintable(where + ": " + describeAll((*reader)->warnings())));
            std::map<std::string, const TensorEntry*> ours;
            for (const auto& e : (*reader)->entries())
                if (e.key != kObjectGraphKey) ours[e.key] = &e;
            std::map<std::string, const OracleVariable*> theirs;
            for (const auto& v : b.variables)
                if (v.key != kObjectGraphKey) theirs[v.key] = &v;
            QCOMPARE(ours.size(), theirs.size());
            for (const auto& [key, v] : theirs) {
                const QString at = where + " '" + QString::fromStdString(key) + "'";
                auto it = ours.find(key);
                QVERIFY2(it != ours.end(), qPrintable(at + " is missing"));
                const TensorEntry& e = *it->second;
                QVERIFY2(e.problem.isOk(), qPrintable(at + ": " + describe(e.problem)));
                QCOMPARE(dtypeName(e.dtype), v->dtype);
                QCOMPARE(e.shape, v->shape);
                if (isDType(e.dtype, DType::Variant) || isDType(e.dtype, DType::Resource)) continue;
                ReadOptions options;
                options.verifyCrc = true;
                auto t = (*reader)->read(e, options);
                QVERIFY2(t.isOk(), qPrintable(at + ": " + whyNot(t)));
                QCOMPARE(t->shape(), v->shape);
                ++tensors;
                if (v->strings) {
                    QVERIFY2(t->isString(), qPrintable(at));
                    QCOMPARE(t->stringValues(), *v->strings);
                    ++strings;
                }
            }
            const auto report = (*reader)->verify();
            QVERIFY2(report.ok, qPrintable(where + ": " + describeAll(report.problems)));
        }
        QVERIFY(tensors > 0);
        QVERIFY(strings > 0);
        qInfo("%zu bundles, %zu tensors read, %zu string tensors compared with TensorFlow's values",
            m_bundles.size(), tensors, strings);
    }

    // Our writer, given the values our reader decoded, must store the bytes TensorFlow stored, with the
    // same masked CRC32C. The writer's index is decoded with protobuf here, not with BundleReader.
    void writerReproducesTensorFlowBytes()
    {
        std::map<std::string, size_t> byDtype;
        for (const auto& b : m_bundles) {
            const QString where = QString::fromStdString(b.where);
            auto reader = BundleReader::open(b.prefix);
            QVERIFY2(reader.isOk(), qPrintable(where + ": " + whyNot(reader)));
            if ((*reader)->header().bigEndian) continue;
            QTemporaryDir tmp;
            QVERIFY(tmp.isValid());
            const fs::path ourPrefix = fs::path(tmp.path().toStdString()) / "copy";
            BundleWriter writer(ourPrefix);
            struct Expected {
                std::string key;
                std::string bytes;
                uint32_t crc;
                DType dtype;
                Shape shape;
            };
            std::vector<Expected> expected;
            for (const auto& e : (*reader)->entries()) {
                if (e.partitioned() || !e.problem.isOk()) continue;
                if (isDType(e.dtype, DType::Variant) || isDType(e.dtype, DType::Resource)) continue;
                auto t = (*reader)->read(e);
                QVERIFY2(t.isOk(), qPrintable(where + ": " + whyNot(t)));
                const std::string tfBytes
                    = bytesAt((*reader)->dataPath(e.stored.shard), e.stored.offset, e.stored.size);
                QCOMPARE(tfBytes.size(), size_t(e.stored.size));
                if (t->isString())
                    QVERIFY(writer.addStrings(e.key, e.shape, t->stringValues()).isOk());
                else
                    QVERIFY(writer.add(e.key, e.dtype, e.shape, t->bytes()).isOk());
                expected.push_back({ e.key, tfBytes, e.stored.maskedCrc, e.dtype, e.shape });
            }
            if (expected.empty()) continue;
            QVERIFY2(writer.finish().isOk(), qPrintable(where));

            auto index = MappedFile::open(ourPrefix.string() + ".index");
            QVERIFY(index.isOk());
            auto table = readTable(*index);
            QVERIFY2(table.isOk() && table->damage.isOk(), qPrintable(where));
            std::map<std::string, std::string> rows;
            for (const auto& row : table->entries)
                rows[row.key] = row.value;
            const fs::path ourData = bundleDataPath(ourPrefix, 0, 1);
            for (const auto& x : expected) {
                const QString at = where + " '" + QString::fromStdString(x.key) + "'";
                QVERIFY2(rows.count(x.key), qPrintable(at));
                tensorflow::BundleEntryProto proto;
                QVERIFY(proto.ParseFromString(rows[x.key]));
                QCOMPARE(static_cast<DType>(proto.dtype()), x.dtype);
                Shape shape;
                for (const auto& d : proto.shape().dim())
                    shape.push_back(d.size());
                QCOMPARE(shape, x.shape);
                const std::string ours = bytesAt(
                    ourData, static_cast<uint64_t>(proto.offset()), static_cast<uint64_t>(proto.size()));
                QVERIFY2(ours == x.bytes, qPrintable(at + ": stored bytes differ from TensorFlow's"));
                QVERIFY2(proto.crc32c() == x.crc, qPrintable(at + ": CRC32C differs from TensorFlow's"));
                byDtype[dtypeName(x.dtype)]++;
            }
        }
        QVERIFY(byDtype.count("float32") && byDtype.count("string") && byDtype.count("bfloat16"));
        QString summary;
        for (const auto& [name, n] : byDtype)
            summary += QString::fromStdString(name) + "=" + QString::number(n) + " ";
        qInfo("bit-exact re-encodings by dtype: %s", qPrintable(summary));
    }

private:
    std::vector<OracleBundle> m_bundles;
};

QTEST_APPLESS_MAIN(TestTfFixtures)
#include "tst_tf_fixtures.moc"
