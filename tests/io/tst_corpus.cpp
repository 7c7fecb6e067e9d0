// Every artifact of the shared corpus (MANIFEST.tsv), opened in place with openArtifact: the listing equals
// the index's keys (counted independently with readTable), the variable tree places every entry exactly
// once, every tensor reads with its CRC checked, verify() passes, SavedModels have tagged meta graphs, and
// the facts stated in the MANIFEST notes hold.

#include "io/artifact.h"
#include "io/bundle_reader.h"
#include "io/dtype.h"
#include "io/saved_model_variables.h"
#include "io/slice_key.h"
#include "io/table_reader.h"
#include "io/variable_tree.h"
#include "io_test_util.h"

#include <QTest>
#include <algorithm>
#include <fstream>
#include <map>
#include <set>
#include <string>
#include <vector>

using namespace iotest;
using tscope::io::Artifact;
using tscope::io::DType;
using tscope::io::EntryRole;
using tscope::io::NodeKind;
using tscope::io::ReadOptions;

namespace {

struct ManifestRow {
    std::string slug, kind, notes;
};

std::vector<ManifestRow> readManifest()
{
    std::vector<ManifestRow> rows;
    std::ifstream in(corpusDir() / "MANIFEST.tsv");
    std::string line;
    bool header = true;
    while (std::getline(in, line)) {
        if (header) {
            header = false;
            continue;
        }
        if (line.empty()) continue;
        std::vector<std::string> cols;
        size_t start = 0;
        while (true) {
            size_t tab = line.find('\t', start);
            cols.push_back(line.substr(start, tab == std::string::npos ? std::string::npos : tab - start));
            if (tab == std::string::npos) break;
            start = tab + 1;
        }
        if (cols.size() < 8) continue;
        rows.push_back({ cols[0], cols[1], cols[7] });
    }
    return rows;
}

const std::set<std::string> kMustFail
    = { "odd-bad-half-plus-two", "odd-lfs-pointer-hub-module", "tf1-legacy-v1-ckpt-vocal" };
const std::string kNoData = "tf20alpha-keras-export-3metagraphs-nodata";

bool contains(const std::string& haystack, const std::string& needle)
{
    return haystack.find(needle) != std::string::npos;
}

std::shared_ptr<Artifact> open(const std::string& slug)
{
    auto a = tscope::io::openArtifact(corpusDir() / slug);
    return a.isOk() ? a.value() : nullptr;
}

int countDtype(const Artifact& a, DType d)
{
    int n = 0;
    for (const auto& e : a.bundle->entries())
        n += e.dtype == d;
    return n;
}

} // namespace

class TestCorpus : public QObject {
    Q_OBJECT

private slots:
    void manifestMatchesFolders();
    void everyArtifact_data();
    void everyArtifact();

    void counterHasFourSignaturesNoServingDefault();
    void twoShardSavedModel();
    void threeMetaGraphs();
    void petStringTables();
    void transformFnAssets();
    void decisionForestMissingAssets();
    void a2cSlotsAreLinked();
    void keras3SeedStates();
    void snappyIndexReads();
    void kerasLayerLabelsOnTheTree();
};

void TestCorpus::manifestMatchesFolders()
{
    const auto rows = readManifest();
    QVERIFY(rows.size() >= 20);
    std::set<std::string> slugs;
    for (const auto& r : rows) {
        QVERIFY2(fs::is_directory(corpusDir() / r.slug), r.slug.c_str());
        slugs.insert(r.slug);
    }
    for (const auto& e : fs::directory_iterator(corpusDir()))
        if (e.is_directory()) QVERIFY2(slugs.count(e.path().filename().string()), e.path().c_str());
    for (const auto& s : kMustFail)
        QVERIFY(slugs.count(s));
    QVERIFY(slugs.count(kNoData));
}

void TestCorpus::everyArtifact_data()
{
    QTest::addColumn<QString>("slug");
    QTest::addColumn<QString>("kind");
    for (const auto& r : readManifest())
        QTest::addRow("%s", r.slug.c_str())
            << QString::fromStdString(r.slug) << QString::fromStdString(r.kind);
}

void TestCorpus::everyArtifact()
{
    QFETCH(QString, slug);
    QFETCH(QString, kind);
    const std::string s = slug.toStdString();
    auto opened = tscope::io::openArtifact(corpusDir() / s);
    if (kMustFail.count(s)) {
        QVERIFY(!opened.isOk());
        IOTEST_COMPARE_CODE(opened.status().code(), ErrorCode::Unsupported);
        QVERIFY(!opened.status().message().empty());
        return;
    }
    QVERIFY2(opened.isOk(), qPrintable(opened.isOk() ? QString() : describe(opened.status())));
    const Artifact& a = **opened;

    const bool isSavedModel = kind.startsWith(QLatin1String("savedmodel"));
    QCOMPARE(a.savedModel.has_value(), isSavedModel);
    if (isSavedModel) {
        QVERIFY(!a.savedModel->metaGraphs.empty());
        for (const auto& mg : a.savedModel->metaGraphs)
            QVERIFY2(!mg.tags.empty(), "a meta graph without tags");
        QVERIFY(a.savedModel->schemaVersion == 0 || a.savedModel->schemaVersion == 1);
    }
    if (!a.bundle) {
        // Only SavedModels without variables/ may lack a bundle.
        QVERIFY(isSavedModel);
        QVERIFY(!a.savedModel->hasVariables);
        QVERIFY(a.location.checkpointPrefix.empty());
        // Issue 14: a graph that declares variables but has no variables/ is damaged, not empty.
        QCOMPARE(a.bundleStatus.isOk(), tscope::io::savedModelVariableCount(*a.savedModel) == 0);
        return;
    }
    const auto& bundle = *a.bundle;
    QVERIFY(a.bundleStatus.isOk());

    // 1. The listing is exactly the index's keys minus the header and the slice records.
    auto table = tscope::io::readTable(mapOrFail(bundle.indexPath()));
    QVERIFY(table.isOk());
    QVERIFY(table->damage.isOk());
    std::vector<std::string> expectedKeys;
    for (const auto& e : table->entries)
        if (!e.key.empty() && !tscope::io::isSliceKey(e.key)) expectedKeys.push_back(e.key);
    std::vector<std::string> listed;
    for (const auto& e : bundle.entries())
        listed.push_back(e.key);
    QCOMPARE(listed.size(), expectedKeys.size());
    QVERIFY(listed == expectedKeys);
    QVERIFY(bundle.indexBlocks() >= 1);

    // 2. The tree places every entry in exactly one node; the root aggregates all non-slot parameters.
    const auto& tree = a.tree;
    QCOMPARE(tree.annotations.size(), bundle.entries().size());
    QVERIFY(!tree.nodes.empty());
    QVERIFY(tree.nodes[0].kind == NodeKind::Root);
    std::vector<int> seen(bundle.entries().size(), 0);
    for (size_t i = 0; i < tree.nodes.size(); ++i) {
        const auto& n = tree.nodes[i];
        if (n.entry >= 0) {
            QVERIFY(static_cast<size_t>(n.entry) < seen.size());
            seen[static_cast<size_t>(n.entry)]++;
        }
        if (i > 0) {
            QVERIFY(n.parent >= 0 && static_cast<size_t>(n.parent) < i);
            const auto& siblings = tree.nodes[static_cast<size_t>(n.parent)].children;
            QVERIFY(std::count(siblings.begin(), siblings.end(), static_cast<int>(i)) == 1);
        }
    }
    for (size_t e = 0; e < seen.size(); ++e)
        QVERIFY2(seen[e] == 1,
            qPrintable(QStringLiteral("entry %1 ('%2') is in %3 tree nodes")
                           .arg(e)
                           .arg(QString::fromStdString(bundle.entries()[e].key))
                           .arg(seen[e])));
    // The root counts every tensor once: optimizer slots and Keras 3 export twins (aliases) excluded.
    uint64_t nonSlotParameters = 0, nonSlotBytes = 0;
    for (size_t e = 0; e < bundle.entries().size(); ++e)
        if (tree.annotations[e].role != EntryRole::Slot && tree.annotations[e].details().twinOf.empty()) {
            nonSlotParameters += bundle.entries()[e].elementCount();
            nonSlotBytes += bundle.entries()[e].byteSize();
        }
    QCOMPARE(tree.nodes[0].parameters, nonSlotParameters);
    QCOMPARE(tree.nodes[0].bytes, nonSlotBytes);
    for (size_t e = 0; e < tree.annotations.size(); ++e) {
        const auto& ann = tree.annotations[e];
        if (ann.role == EntryRole::Slot) {
            QVERIFY(!ann.details().slotName.empty());
            QVERIFY(ann.optimizerState);
        }
        if (bundle.entries()[e].key == tscope::io::kObjectGraphKey)
            QVERIFY(ann.role == EntryRole::ObjectGraph);
    }
    if (bundle.find(tscope::io::kObjectGraphKey) && s != kNoData)
        QVERIFY2(tree.objectBased, "the object graph was not used");

    // 3. Every tensor reads (CRC checked) and verify() passes; the data-less export fails with NotFound.
    if (s == kNoData) {
        for (const auto& e : bundle.entries()) {
            auto t = bundle.read(e);
            QVERIFY(!t.isOk());
            IOTEST_COMPARE_CODE(t.status().code(), ErrorCode::NotFound);
            QVERIFY(contains(t.status().path(), "variables.data-00000-of-00001"));
        }
        auto report = bundle.verify();
        QVERIFY(!report.ok);
        bool notFound = false;
        for (const auto& p : report.problems)
            notFound = notFound || p.code() == ErrorCode::NotFound;
        QVERIFY(notFound);
        return;
    }
    uint64_t strings = 0;
    for (const auto& e : bundle.entries()) {
        QVERIFY2(e.problem.isOk(), qPrintable(describe(e.problem)));
        ReadOptions options;
        options.verifyCrc = true;
        auto t = bundle.read(e, options);
        QVERIFY2(t.isOk(), qPrintable(t.isOk() ? QString() : describe(t.status())));
        QCOMPARE(t->shape(), e.shape);
        QCOMPARE(t->elementCount(), e.elementCount());
        if (t->isString()) {
            QCOMPARE(static_cast<uint64_t>(t->stringValues().size()), e.elementCount());
            ++strings;
        } else {
            QCOMPARE(static_cast<uint64_t>(t->bytes().size()),
                e.elementCount() * tscope::io::dtypeInfo(e.dtype).elementSize);
        }
    }
    auto report = bundle.verify();
    QVERIFY2(report.ok, qPrintable(describeAll(report.problems)));
    QCOMPARE(report.tensorsChecked, static_cast<uint64_t>(bundle.entries().size()));
    QCOMPARE(report.filesChecked, static_cast<uint64_t>(1 + bundle.header().numShards));
    // Totals agree with the entries.
    const auto totals = a.totals();
    QCOMPARE(totals.variables, static_cast<uint64_t>(bundle.entries().size()));
    Q_UNUSED(strings);
}

void TestCorpus::counterHasFourSignaturesNoServingDefault()
{
    auto a = open("tfserving-counter-tf1");
    QVERIFY(a && a->savedModel);
    QCOMPARE(a->savedModel->metaGraphs.size(), size_t(1));
    std::vector<std::string> keys;
    for (const auto& s : a->savedModel->metaGraphs[0].signatures)
        if (!s.key.starts_with("__")) keys.push_back(s.key);
    QCOMPARE(keys,
        (std::vector<std::string> { "get_counter", "incr_counter", "incr_counter_by", "reset_counter" }));
    QCOMPARE(a->format(), std::string("tf1"));
    QCOMPARE(a->bundle->entries().size(), size_t(1)); // single scalar variable
}

void TestCorpus::twoShardSavedModel()
{
    auto a = open("tf115-savedmodel-2shards");
    QVERIFY(a && a->savedModel && a->bundle);
    QCOMPARE(a->bundle->header().numShards, 2);
    QCOMPARE(countDtype(*a, DType::Float), 123);
    std::set<int32_t> shards;
    for (const auto& e : a->bundle->entries())
        shards.insert(e.stored.shard);
    QCOMPARE(shards, (std::set<int32_t> { 0, 1 }));
    for (const auto& mg : a->savedModel->metaGraphs)
        QVERIFY(mg.signatures.empty());
    bool warned = false;
    for (const auto& w : a->warnings)
        warned = warned || (contains(w.message(), "no signatures") && w.code() == ErrorCode::Unsupported);
    QVERIFY(warned);
    QCOMPARE(a->tensorflowVersion, std::string("1.15.0"));
    QVERIFY(!a->tree.objectBased);
}

void TestCorpus::threeMetaGraphs()
{
    auto a = open(kNoData);
    QVERIFY(a && a->savedModel);
    QCOMPARE(a->savedModel->metaGraphs.size(), size_t(3));
    std::set<std::string> tags;
    for (const auto& mg : a->savedModel->metaGraphs) {
        QCOMPARE(mg.tags.size(), size_t(1));
        tags.insert(mg.tags[0]);
        QVERIFY(!mg.signatures.empty());
    }
    QCOMPARE(tags, (std::set<std::string> { "eval", "serve", "train" }));
    QVERIFY(a->bundle); // the index is there, the data is not
    QVERIFY(!a->bundle->shard(0).isOk());
    IOTEST_COMPARE_CODE(a->bundle->shard(0).status().code(), ErrorCode::NotFound);
}

void TestCorpus::petStringTables()
{
    auto a = open("keras-tf25dev-pet-string-tables");
    QVERIFY(a && a->bundle);
    QCOMPARE(countDtype(*a, DType::String), 11);
    QCOMPARE(countDtype(*a, DType::Int64), 15);
    bool tableKeys = false;
    for (const auto& e : a->bundle->entries())
        if (contains(e.key, "_table/.ATTRIBUTES/table-keys") && e.dtype == DType::String) {
            tableKeys = true;
            auto t = a->bundle->read(e);
            QVERIFY(t.isOk());
            QCOMPARE(e.shape.size(), size_t(1));
            QCOMPARE(static_cast<int64_t>(t->stringValues().size()), e.shape[0]);
        }
    QVERIFY(tableKeys);
    QVERIFY(a->tree.objectBased);
}

void TestCorpus::transformFnAssets()
{
    auto a = open("tf1-tft-transform-fn-assets");
    QVERIFY(a && a->savedModel);
    QVERIFY(!a->bundle);
    QCOMPARE(a->savedModel->metaGraphs.size(), size_t(1));
    const auto& mg = a->savedModel->metaGraphs[0];
    QCOMPARE(mg.tags, std::vector<std::string> { "transform" });
    QCOMPARE(mg.assets.size(), size_t(2));
    std::set<std::string> names;
    for (const auto& asset : mg.assets) {
        names.insert(asset.filename);
        QVERIFY(asset.exists);
        QVERIFY(asset.safeName);
    }
    QCOMPARE(names, (std::set<std::string> { "vocab_uniques", "vocab_uniques_1" }));
    bool transformSignature = false;
    for (const auto& s : mg.signatures)
        transformSignature = transformSignature || s.key == "transform_signature";
    QVERIFY(transformSignature);
}

void TestCorpus::decisionForestMissingAssets()
{
    auto a = open("tfdf-rf-assets-missing-nodes");
    QVERIFY(a && a->savedModel);
    int missing = 0, present = 0;
    for (const auto& mg : a->savedModel->metaGraphs)
        for (const auto& asset : mg.assets) {
            (asset.exists ? present : missing)++;
            if (!asset.exists) QVERIFY(contains(asset.filename, "nodes-0000"));
        }
    QCOMPARE(missing, 2);
    QVERIFY(present >= 4);
    int warnings = 0;
    for (const auto& w : a->savedModel->warnings)
        warnings += contains(w.message(), "is missing") && w.code() == ErrorCode::NotFound;
    QCOMPARE(warnings, 2);
    bool isTrained = false;
    for (const auto& e : a->bundle->entries())
        if (contains(e.key, "_is_trained")) isTrained = isTrained || e.dtype == DType::Bool;
    QVERIFY(isTrained);
}

void TestCorpus::a2cSlotsAreLinked()
{
    auto a = open("ckpt-tf2-a2c-3ckpts");
    QVERIFY(a && a->bundle);
    QCOMPARE(a->location.checkpointPrefix.filename().string(), std::string("ckpt-4"));
    QVERIFY(a->tree.objectBased);
    QCOMPARE(a->format(), std::string("tf2-object"));
    const auto& entries = a->bundle->entries();
    int slotCount = 0, m = 0, v = 0;
    for (size_t i = 0; i < entries.size(); ++i) {
        const auto& ann = a->tree.annotations[i];
        if (ann.role != EntryRole::Slot) continue;
        ++slotCount;
        QVERIFY2(
            ann.details().slotName == "m" || ann.details().slotName == "v", ann.details().slotName.c_str());
        m += ann.details().slotName == "m";
        v += ann.details().slotName == "v";
        const int original = a->bundle->indexOf(ann.details().slotOfKey);
        QVERIFY2(original >= 0, ann.details().slotOfKey.c_str());
        QVERIFY(a->tree.annotations[static_cast<size_t>(original)].role == EntryRole::Variable);
        QCOMPARE(entries[static_cast<size_t>(original)].shape, entries[i].shape);
        QVERIFY(contains(entries[i].key, ".OPTIMIZER_SLOT"));
        QVERIFY(!ann.details().optimizerPath.empty());
        QVERIFY(contains(entries[i].key, ann.details().optimizerPath));
    }
    QVERIFY(slotCount > 0);
    QCOMPARE(m, v);
    // The tree shows each slot under its variable.
    for (const auto& n : a->tree.nodes)
        if (n.kind == NodeKind::Slot) {
            const auto& parent = a->tree.nodes[static_cast<size_t>(n.parent)];
            QVERIFY(parent.entry >= 0);
            QCOMPARE(entries[static_cast<size_t>(parent.entry)].key,
                a->tree.annotations[static_cast<size_t>(n.entry)].details().slotOfKey);
        }
    QVERIFY(a->optimizerTotals().variables >= static_cast<uint64_t>(slotCount));
    // The run: three checkpoints, newest last, all with timestamps.
    QVERIFY(a->location.run.has_value());
    QCOMPARE(a->location.run->checkpoints.size(), size_t(3));
    QVERIFY(a->location.run->checkpoints.back().latest);
}

void TestCorpus::keras3SeedStates()
{
    auto a = open("keras3-export-tf217-aerogel");
    QVERIFY(a && a->bundle);
    int seeds = 0;
    for (const auto& e : a->bundle->entries())
        if (e.dtype == DType::UInt32) {
            QCOMPARE(e.shape, tscope::io::Shape { 2 });
            ++seeds;
            auto t = a->bundle->read(e);
            QVERIFY(t.isOk());
            QCOMPARE(t->bytes().size(), size_t(8));
        }
    QVERIFY(seeds >= 1);
    std::set<std::string> sigs;
    for (const auto& s : a->savedModel->metaGraphs[0].signatures)
        sigs.insert(s.key);
    QVERIFY(sigs.count("serve"));
    QVERIFY(sigs.count("serving_default"));
    QVERIFY(a->savedModel->fingerprint.has_value());
    QVERIFY(!a->savedModel->hasKerasMetadata);
}

void TestCorpus::snappyIndexReads()
{
    auto a = open("tfserving-half-plus-two-tf1-assets");
    QVERIFY(a && a->bundle);
    QVERIFY(a->bundle->entries().size() >= 2);
    QCOMPARE(a->bundle->indexBlocks(), uint64_t(1));
    for (const auto& e : a->bundle->entries())
        QVERIFY(a->bundle->read(e).isOk());
}

void TestCorpus::kerasLayerLabelsOnTheTree()
{
    // Keras 2 CNN saved with model.save(): layer configs hold batch_input_shape tuples, which once gave
    // every such layer the label "(__tuple__)". Expected classes as Python's json.loads reads the file.
    auto a = open("keras-mnist-cnn-nofp");
    QVERIFY(a && a->bundle);
    std::map<std::string, std::string> labels;
    for (const auto& node : a->tree.nodes)
        if (!node.label().empty()) labels[node.path] = node.label();
    QCOMPARE(labels["layer_with_weights-0"], std::string("conv2d (Conv2D)"));
    QCOMPARE(labels["layer_with_weights-1"], std::string("batch_normalization (BatchNormalization)"));
    QCOMPARE(labels["layer_with_weights-6"], std::string("dense (Dense)"));
    for (const auto& [path, label] : labels)
        QVERIFY2(label.find("__tuple__") == std::string::npos,
            qPrintable(QString::fromStdString(path + ": " + label)));
}

QTEST_APPLESS_MAIN(TestCorpus)
#include "tst_corpus.moc"
