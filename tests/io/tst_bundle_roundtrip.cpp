// The proof of BundleWriter: every bundle TensorFlow wrote (the shared corpus and the generated fixtures)
// is decoded tensor by tensor and re-encoded through our writer, and the result must be the same files
// byte for byte. Index files with snappy-compressed blocks (an old writer's choice we do not make) are
// compared by decoded table content; bundles whose data shard is missing are skipped with the reason.
#include "io/bundle_reader.h"
#include "io/bundle_rewrite.h"
#include "io/git_lfs.h"
#include "io/mapped_file.h"
#include "io/table_reader.h"
#include "io/varint.h"

#include <QTemporaryDir>
#include <QtTest>
#include <filesystem>
#include <fstream>

using namespace tscope;
namespace fs = std::filesystem;

namespace {

std::string fileBytes(const fs::path& p)
{
    std::ifstream in(p, std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

std::vector<fs::path> bundleIndexes()
{
    std::vector<fs::path> out;
    for (const fs::path& root : { fs::path(TSCOPE_CORPUS_DIR), fs::path(TSCOPE_FIXTURES_DIR) }) {
        if (!fs::exists(root)) continue;
        for (const auto& e : fs::recursive_directory_iterator(root))
            if (e.is_regular_file() && e.path().extension() == ".index") out.push_back(e.path());
    }
    std::sort(out.begin(), out.end());
    return out;
}

// True when any block of the table (data, metaindex or index) is stored snappy-compressed.
bool hasSnappyBlocks(const std::string& table)
{
    if (table.size() < 48) return false;
    const auto* base = reinterpret_cast<const std::byte*>(table.data());
    const std::byte* p = base + table.size() - 48;
    const std::byte* end = base + table.size();
    uint64_t metaOff, metaSize, indexOff, indexSize;
    if (!io::readVarint64(p, end, metaOff) || !io::readVarint64(p, end, metaSize)
        || !io::readVarint64(p, end, indexOff) || !io::readVarint64(p, end, indexSize))
        return false;
    auto typeAt = [&](uint64_t off, uint64_t size) {
        return off + size < table.size() && static_cast<uint8_t>(table[off + size]) == 1;
    };
    if (typeAt(metaOff, metaSize) || typeAt(indexOff, indexSize)) return true;
    // The data block handles are in the index block; checked above that it is not compressed.
    if (indexOff + indexSize > table.size()) return false;
    const std::byte* b = base + indexOff;
    const uint32_t restarts = static_cast<uint32_t>(static_cast<uint8_t>(b[indexSize - 4]))
        | static_cast<uint32_t>(static_cast<uint8_t>(b[indexSize - 3])) << 8
        | static_cast<uint32_t>(static_cast<uint8_t>(b[indexSize - 2])) << 16
        | static_cast<uint32_t>(static_cast<uint8_t>(b[indexSize - 1])) << 24;
    const std::byte* q = b;
    const std::byte* qend = b + indexSize - 4 * (1 + static_cast<uint64_t>(restarts));
    while (q < qend) {
        uint64_t shared, nonShared, valueLen, blockOff, blockSize;
        if (!io::readVarint64(q, qend, shared) || !io::readVarint64(q, qend, nonShared)
            || !io::readVarint64(q, qend, valueLen))
            return false;
        q += nonShared;
        const std::byte* v = q;
        q += valueLen;
        if (!io::readVarint64(v, q, blockOff) || !io::readVarint64(v, q, blockSize)) return false;
        if (typeAt(blockOff, blockSize)) return true;
    }
    return false;
}

bool sameTableContent(const fs::path& a, const fs::path& b, QString& why)
{
    auto fa = io::MappedFile::open(a);
    auto fb = io::MappedFile::open(b);
    if (!fa || !fb) {
        why = "cannot map an index";
        return false;
    }
    auto ta = io::readTable(*fa);
    auto tb = io::readTable(*fb);
    if (!ta || !tb) {
        why = "cannot read a table";
        return false;
    }
    if (ta->entries.size() != tb->entries.size()) {
        why = QString("entry count %1 vs %2").arg(ta->entries.size()).arg(tb->entries.size());
        return false;
    }
    for (size_t i = 0; i < ta->entries.size(); ++i)
        if (ta->entries[i].key != tb->entries[i].key || ta->entries[i].value != tb->entries[i].value) {
            why = QString("entry %1 differs").arg(i);
            return false;
        }
    return true;
}

} // namespace

class TestBundleRoundTrip : public QObject {
    Q_OBJECT
private slots:
    void everyTensorFlowBundleRewritesIdentically()
    {
        const auto indexes = bundleIndexes();
        QVERIFY2(!indexes.empty(), "no bundles found in the corpus or fixtures");
        int identical = 0, sameContent = 0, skipped = 0;
        QStringList failures;
        for (const auto& index : indexes) {
            const fs::path prefix = index.parent_path() / index.stem();
            const QString name = QString::fromStdString(index.string());
            if (io::isGitLfsPointer(index)) {
                qInfo("skipped %s: a Git LFS pointer, not a bundle", qPrintable(name));
                ++skipped;
                continue;
            }
            auto reader = io::BundleReader::open(prefix);
            if (!reader) {
                failures << name + ": " + QString::fromStdString(reader.status().message());
                continue;
            }
            QString missing;
            for (int32_t s = 0; s < (*reader)->header().numShards; ++s)
                if (!fs::exists((*reader)->dataPath(s)))
                    missing = QString::fromStdString((*reader)->dataPath(s).filename().string());
            if (!missing.isEmpty()) {
                qInfo("skipped %s: data shard %s is missing", qPrintable(name), qPrintable(missing));
                ++skipped;
                continue;
            }
            QTemporaryDir dir;
            const fs::path out = fs::path(dir.path().toStdString()) / prefix.filename();
            auto written = io::rewriteBundle(**reader, out, {});
            if (!written) {
                failures << name + ": " + QString::fromStdString(written.status().toString());
                continue;
            }
            bool dataSame = true;
            for (int32_t s = 0; s < (*reader)->header().numShards; ++s)
                if (fileBytes((*reader)->dataPath(s))
                    != fileBytes(io::bundleDataPath(out, s, (*reader)->header().numShards))) {
                    failures << name + QString(": data shard %1 differs").arg(s);
                    dataSame = false;
                }
            if (!dataSame) continue;
            const std::string original = fileBytes(index);
            if (original == fileBytes(out.string() + ".index")) {
                ++identical;
                continue;
            }
            QString why;
            if (!hasSnappyBlocks(original))
                failures << name + ": index differs (uncompressed original)";
            else if (!sameTableContent(index, out.string() + ".index", why))
                failures << name + ": snappy index content differs: " + why;
            else {
                qInfo("same decoded content (snappy index blocks): %s", qPrintable(name));
                ++sameContent;
            }
        }
        qInfo("bundles: %d byte-identical, %d same decoded content (snappy), %d skipped, %d failed of %d",
            identical, sameContent, skipped, int(failures.size()), int(indexes.size()));
        QVERIFY2(failures.isEmpty(), qPrintable(failures.join("\n")));
        QVERIFY(identical > 0);
    }
};

QTEST_GUILESS_MAIN(TestBundleRoundTrip)
#include "tst_bundle_roundtrip.moc"
