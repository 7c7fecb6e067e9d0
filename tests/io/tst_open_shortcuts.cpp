// The two shortcuts of the open path change nothing that is shown, on every checkpoint of the fixtures and
// the corpus: the object graph read ahead during the index scan (BundleReader::OpenOptions::onObjectGraph,
// prefetchObjectGraph) builds exactly the tree the builder makes reading the graph itself (and a graph
// prepared from another entry is not used); without the display tree (TreeOptions, for info) the
// annotations, warnings and totals are those of the full build.
#include "io/artifact.h"
#include "io/bundle_reader.h"
#include "io/prepared_object_graph.h"
#include "io/variable_tree.h"
#include "io_test_util.h"

#include <QtTest>

using namespace tscope::io;
namespace fs = std::filesystem;

namespace {

// Every node and annotation field as text: two trees are the same when their dumps are.
std::string dumpAnnotations(const VariableTree& t);

std::string dump(const VariableTree& t)
{
    std::string out;
    for (const auto& n : t.nodes) {
        out += n.name + "|" + nodeKindName(n.kind) + "|" + std::to_string(n.parent) + "|"
            + std::to_string(n.entry) + "|" + n.path + "|" + std::to_string(n.parameters) + "|"
            + std::to_string(n.bytes) + "|" + n.label() + "|" + n.slotName() + "|" + n.optimizerPath()
            + (n.alias ? "|alias" : "") + "|children";
        for (int c : n.children)
            out += " " + std::to_string(c);
        out += "\n";
    }
    return out + dumpAnnotations(t);
}

// What describes the entries, which the tree options must not change.
std::string dumpAnnotations(const VariableTree& t)
{
    std::string out = t.objectBased ? "object-based\n" : "by name\n";
    out += "weights through the optimizer " + std::to_string(t.weightsThroughOptimizer) + "\n";
    for (const auto& a : t.annotations) {
        const auto& d = a.details();
        out += std::string(entryRoleName(a.role)) + "|" + (a.optimizerState ? "opt" : "-") + "|"
            + a.objectPath + "|" + d.slotOfKey + "|" + d.slotName + "|" + d.optimizerPath + "|"
            + slotLinkConfidenceName(d.slotLink.confidence) + "|" + d.slotLink.variableKey + "|"
            + d.slotLink.variablePath + "|" + d.slotLink.slotName + "|" + d.slotLink.slotList + "|"
            + d.slotLink.optimizerPath + "|" + d.slotLink.reason + "|" + d.foundAt + "|" + d.variableName
            + "|" + d.twinOf + "|" + std::to_string(d.aliases.size()) + "\n";
    }
    for (const auto& w : t.warnings)
        out += "warning " + w.toString() + "\n";
    return out;
}

struct Opened {
    std::shared_ptr<BundleReader> bundle;
    PreparedObjectGraphPtr prepared;
    int announcements = 0;
};

// Opens `prefix` the way openArtifact does: the graph announced by the scan is prefetched.
Opened openWithPrefetch(const fs::path& prefix)
{
    Opened o;
    BundleReader::OpenOptions options;
    options.onObjectGraph = [&](const fs::path& dataFile, const StoredBytes& stored) {
        ++o.announcements;
        o.prepared = prefetchObjectGraph(dataFile, stored, nullptr);
    };
    auto bundle = BundleReader::open(prefix, options);
    if (bundle) o.bundle = *bundle;
    return o;
}

std::vector<fs::path> checkpointPrefixes()
{
    std::vector<fs::path> out;
    for (const fs::path& root : { fs::path(TSCOPE_FIXTURES_DIR), iotest::corpusDir() }) {
        std::error_code ec;
        for (auto it = fs::recursive_directory_iterator(root, ec);
             !ec && it != fs::recursive_directory_iterator(); it.increment(ec))
            if (it->is_regular_file() && it->path().extension() == ".index")
                out.push_back(it->path().parent_path() / it->path().stem());
    }
    std::sort(out.begin(), out.end());
    return out;
}

} // namespace

class TestOpenShortcuts : public QObject {
    Q_OBJECT
private slots:
    void prefetchedGraphBuildsTheSameTree()
    {
        int withGraph = 0, compared = 0;
        for (const auto& prefix : checkpointPrefixes()) {
            Opened o = openWithPrefetch(prefix);
            if (!o.bundle) continue; // damaged corpus entries: tst_corpus checks their messages
            const TensorEntry* graph = o.bundle->find(kObjectGraphKey);
            QVERIFY2(o.announcements <= 1, prefix.c_str());
            if (!graph) {
                QVERIFY2(o.announcements == 0, prefix.c_str());
                continue;
            }
            ++withGraph;
            const std::string inline_ = dump(buildVariableTree(*o.bundle));
            if (!o.prepared) continue; // unreadable or declined by the fast decoder: built inline anyway
            ++compared;
            const std::string ahead = dump(buildVariableTree(*o.bundle, {}, std::move(o.prepared)));
            QVERIFY2(ahead == inline_, prefix.c_str());
        }
        qInfo("%d checkpoints with an object graph, %d compared with the graph read ahead", withGraph,
            compared);
        QVERIFY(compared >= 10);
    }

    void withoutTheDisplayTreeTheAnnotationsAreTheSame()
    {
        int compared = 0;
        for (const auto& prefix : checkpointPrefixes()) {
            auto bundle = BundleReader::open(prefix);
            if (!bundle) continue;
            const VariableTree full = buildVariableTree(**bundle);
            TreeOptions options;
            options.displayTree = false;
            const VariableTree bare = buildVariableTree(**bundle, {}, nullptr, options);
            QVERIFY2(dumpAnnotations(bare) == dumpAnnotations(full), prefix.c_str());
            QCOMPARE(bare.nodes.size(), size_t(1));
            QVERIFY(bare.nodes[0].children.empty());
            ++compared;
        }
        QVERIFY(compared >= 40);
    }

    void infoOpensWithoutTheTreeAndCountsTheSame()
    {
        // io::openArtifact with and without the display tree: the totals info prints agree.
        const fs::path prefix(
            fs::path(TSCOPE_FIXTURES_DIR) / "tf215/ckpt_optimizers_variants/adam_amsgrad/ckpt");
        auto full = openArtifact(prefix);
        OpenOptions options;
        options.displayTree = false;
        auto bare = openArtifact(prefix, options);
        QVERIFY(full && bare);
        QCOMPARE((*bare)->tree.nodes.size(), size_t(1));
        QVERIFY((*full)->tree.nodes.size() > 1);
        QCOMPARE((*bare)->totals().parameters, (*full)->totals().parameters);
        QCOMPARE((*bare)->optimizerTotals().variables, (*full)->optimizerTotals().variables);
        QCOMPARE((*bare)->modelWeightTotals().parameters, (*full)->modelWeightTotals().parameters);
        QCOMPARE((*bare)->format(), (*full)->format());
        QCOMPARE((*bare)->warnings.size(), (*full)->warnings.size());
    }

    void graphOfAnotherEntryIsNotUsed()
    {
        const fs::path fixtures(TSCOPE_FIXTURES_DIR);
        Opened a = openWithPrefetch(fixtures / "tf215/ckpt_optimizers_variants/adam_amsgrad/ckpt");
        Opened b = openWithPrefetch(fixtures / "tf215/ckpt_optimizers_variants/sgd_momentum/ckpt");
        QVERIFY(a.bundle && b.bundle && a.prepared && b.prepared);
        QCOMPARE(a.announcements, 1);
        const std::string own = dump(buildVariableTree(*b.bundle));
        QCOMPARE(dump(buildVariableTree(*b.bundle, {}, std::move(a.prepared))), own);
    }

    void cancelledPrefetchGivesNothing()
    {
        const fs::path prefix(
            fs::path(TSCOPE_FIXTURES_DIR) / "tf215/ckpt_optimizers_variants/adam_amsgrad/ckpt");
        CancelToken token;
        token.cancel();
        BundleReader::OpenOptions options;
        PreparedObjectGraphPtr prepared;
        bool called = false;
        options.onObjectGraph = [&](const fs::path& dataFile, const StoredBytes& stored) {
            called = true;
            prepared = prefetchObjectGraph(dataFile, stored, &token);
        };
        QVERIFY(BundleReader::open(prefix, options));
        QVERIFY(called);
        QVERIFY(!prepared);
    }
};

QTEST_GUILESS_MAIN(TestOpenShortcuts)
#include "tst_open_shortcuts.moc"
