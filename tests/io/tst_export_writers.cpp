// The weight exporters and their safety: .npy headers as numpy writes them, safetensors layout,
// refusals, no overwrite without permission, nothing left behind after a cancel or a full disk,
// stale temporaries of killed exports removed, and the object graph pruning of smaller checkpoints.
#include "io/atomic_file.h"
#include "io/bundle_reader.h"
#include "io/bundle_rewrite.h"
#include "io/bundle_writer.h"
#include "io/crc32c.h"
#include "io/export/checkpoint_subset.h"
#include "io/export/export_items.h"
#include "io/export/npy_format.h"
#include "io/export/npy_writer.h"
#include "io/export/npz_writer.h"
#include "io/export/safetensors_writer.h"
#include "io/export/tensor_select.h"
#include "io/export/zip_stored_writer.h"
#include "io/variable_tree.h"
#include "trackable_object_graph.pb.h"

#include <QTemporaryDir>
#include <QtTest>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sys/wait.h>
#include <unistd.h>

using namespace tscope;
namespace fs = std::filesystem;

namespace {

std::string fileBytes(const fs::path& p)
{
    std::ifstream in(p, std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

std::vector<std::string> listDir(const fs::path& dir)
{
    std::vector<std::string> names;
    for (const auto& e : fs::directory_iterator(dir))
        names.push_back(e.path().filename().string());
    std::sort(names.begin(), names.end());
    return names;
}

uint32_t le32(const std::string& s, size_t at)
{
    uint32_t v = 0;
    for (int i = 3; i >= 0; --i)
        v = (v << 8) | static_cast<unsigned char>(s[at + static_cast<size_t>(i)]);
    return v;
}
uint64_t le64(const std::string& s, size_t at)
{
    return le32(s, at) | (uint64_t(le32(s, at + 4)) << 32);
}
uint16_t le16(const std::string& s, size_t at)
{
    return static_cast<uint16_t>(
        static_cast<unsigned char>(s[at]) | (static_cast<unsigned char>(s[at + 1]) << 8));
}

// The zip CRC32 bit by bit (reflected polynomial 0xEDB88320): the reference for libdeflate's.
uint32_t referenceCrc32(const std::string& bytes)
{
    uint32_t crc = 0xFFFFFFFFu;
    for (unsigned char c : bytes) {
        crc ^= c;
        for (int k = 0; k < 8; ++k)
            crc = (crc >> 1) ^ (0xEDB88320u & (0u - (crc & 1u)));
    }
    return ~crc;
}

std::span<const std::byte> asBytes(const std::string& s)
{
    return { reinterpret_cast<const std::byte*>(s.data()), s.size() };
}

io::Tensor floats(io::Shape shape, size_t n, float start = 0)
{
    std::vector<std::byte> bytes(n * 4);
    for (size_t i = 0; i < n; ++i) {
        const float v = start + static_cast<float>(i);
        std::memcpy(bytes.data() + i * 4, &v, 4);
    }
    return io::Tensor::owned(io::DType::Float, std::move(shape), std::move(bytes));
}

// A small TF2-looking bundle: two float variables, a bfloat16 one and a string tensor.
fs::path smallBundle(const fs::path& dir)
{
    const fs::path prefix = dir / "src";
    io::BundleWriter w(prefix);
    auto a = floats({ 2, 3 }, 6);
    auto b = floats({ 4 }, 4, 10);
    const std::vector<uint16_t> bf { 0x3f80, 0x4000 }; // 1.0, 2.0
    [&] {
        QVERIFY(w.addTensor("a", a).isOk());
        QVERIFY(w.addTensor("b", b).isOk());
        QVERIFY(w.add("c", io::DType::BFloat16, { 2 }, std::as_bytes(std::span(bf))).isOk());
        QVERIFY(w.addStrings("s", { 1 }, { "text" }).isOk());
        QVERIFY(w.finish().isOk());
    }();
    return prefix;
}

pid_t deadPid()
{
    pid_t pid = fork();
    if (pid == 0) _exit(0);
    int status = 0;
    waitpid(pid, &status, 0);
    return pid;
}

} // namespace

class TestExportWriters : public QObject {
    Q_OBJECT
private slots:
    void cleanup() { io::injectWriteFailureAfter(0); }

    void npyHeaderIsNumpys()
    {
        for (const io::Shape& shape : { io::Shape {}, io::Shape { 3 }, io::Shape { 2, 5, 7 } }) {
            const std::string h = io::npyHeader("<f4", shape);
            QCOMPARE(h.size() % 64, size_t(0));
            QCOMPARE(h.substr(0, 8), std::string("\x93NUMPY\x01\x00", 8));
            QCOMPARE(static_cast<size_t>(uint8_t(h[8]) | uint8_t(h[9]) << 8), h.size() - 10);
            QCOMPARE(h.back(), '\n');
        }
        QVERIFY(io::npyHeader("<f4", { 3 }).find("'shape': (3,), }") != std::string::npos);
        QVERIFY(io::npyHeader("<f4", {}).find("'shape': (), }") != std::string::npos);
        QVERIFY(!io::npyDescr(io::DType::BFloat16));
        QCOMPARE(*io::npyDescr(io::DType::Half), std::string("<f2"));
        size_t width = 0;
        QVERIFY(!io::npyStringDescr({ std::string("a\0", 2) }, width)); // numpy would drop the NUL
        QCOMPARE(*io::npyStringDescr({ "ab", "abcd" }, width), std::string("|S4"));
    }

    void npyOfASlice()
    {
        QTemporaryDir dir;
        const fs::path out = fs::path(dir.path().toStdString()) / "t.npy";
        auto t = floats({ 2, 3 }, 6);
        auto part = io::selectTensor(t, "1,1:");
        QVERIFY(part);
        QCOMPARE(part->shape(), (io::Shape { 2 }));
        QVERIFY(io::writeNpy(*part, out, {}).isOk());
        const std::string bytes = fileBytes(out);
        const std::string header = io::npyHeader("<f4", { 2 });
        QCOMPARE(bytes.substr(0, header.size()), header);
        float v[2];
        std::memcpy(v, bytes.data() + header.size(), 8);
        QCOMPARE(v[0], 4.0f);
        QCOMPARE(v[1], 5.0f);
    }

    void neverOverwritesWithoutPermission()
    {
        QTemporaryDir dir;
        const fs::path out = fs::path(dir.path().toStdString()) / "t.npy";
        QVERIFY(io::writeNpy(floats({ 1 }, 1, 1), out, {}).isOk());
        const std::string first = fileBytes(out);
        const io::Status s = io::writeNpy(floats({ 1 }, 1, 2), out, {});
        QVERIFY(!s.isOk());
        QCOMPARE(fileBytes(out), first);
        QCOMPARE(listDir(dir.path().toStdString()), std::vector<std::string> { "t.npy" });
        io::ExportOptions force;
        force.replaceExisting = true;
        QVERIFY(io::writeNpy(floats({ 1 }, 1, 2), out, force).isOk());
        QVERIFY(fileBytes(out) != first);
    }

    void safetensorsLayout()
    {
        QTemporaryDir dir;
        const fs::path root = dir.path().toStdString();
        auto reader = io::BundleReader::open(smallBundle(root));
        QVERIFY(reader);
        const auto tree = io::buildVariableTree(**reader);
        auto refused
            = io::selectExportItems(**reader, tree, io::ExportNames::Key, io::safetensorsSupports, false);
        QVERIFY(!refused);
        QCOMPARE(refused.status().code(), io::ErrorCode::Unsupported); // the string tensor
        auto sel = io::selectExportItems(**reader, tree, io::ExportNames::Key, io::safetensorsSupports, true);
        QVERIFY(sel);
        QCOMPARE(sel->items.size(), size_t(3));
        QCOMPARE(sel->skipped.size(), size_t(1));
        const fs::path out = root / "w.safetensors";
        QVERIFY(io::writeSafetensors(**reader, sel->items, { { "names", "key" } }, out, {}).isOk());
        const std::string bytes = fileBytes(out);
        uint64_t n = 0;
        std::memcpy(&n, bytes.data(), 8);
        QCOMPARE(n % 8, uint64_t(0));
        auto header = nlohmann::json::parse(bytes.substr(8, n));
        QCOMPARE(header["c"]["dtype"].get<std::string>(), std::string("BF16"));
        QCOMPARE(header["a"]["shape"], nlohmann::json::parse("[2,3]"));
        QCOMPARE(header["__metadata__"]["names"].get<std::string>(), std::string("key"));
        uint64_t end = 0;
        for (const char* k : { "a", "b", "c" }) {
            const auto offsets = header[k]["data_offsets"];
            QCOMPARE(offsets[0].get<uint64_t>(), end);
            end = offsets[1].get<uint64_t>();
            const auto& e = *(*reader)->find(k);
            auto t = (*reader)->read(e);
            QVERIFY(t);
            const std::string got = bytes.substr(8 + n + offsets[0].get<uint64_t>(), t->bytes().size());
            QVERIFY(std::memcmp(got.data(), t->bytes().data(), got.size()) == 0);
        }
        QCOMPARE(8 + n + end, uint64_t(bytes.size()));
    }

    void cancelHalfwayLeavesNothing()
    {
        QTemporaryDir dir;
        const fs::path root = dir.path().toStdString();
        auto big = floats({ 10 << 20 }, 10 << 20); // 40 MiB: three 16 MiB steps
        io::CancelToken cancel;
        io::ExportOptions options;
        options.cancel = &cancel;
        int calls = 0;
        options.progress = [&](uint64_t done, uint64_t total) {
            ++calls;
            if (done > 0 && done < total) cancel.cancel();
            return true;
        };
        const io::Status s = io::writeNpy(big, root / "big.npy", options);
        QCOMPARE(s.code(), io::ErrorCode::Cancelled);
        QVERIFY(calls >= 2);
        QVERIFY(listDir(root).empty());

        auto reader = io::BundleReader::open(smallBundle(root));
        QVERIFY(reader);
        io::CancelToken cancel2;
        io::RewriteOptions ro;
        ro.cancel = &cancel2;
        ro.progress = [&](uint64_t done, uint64_t) {
            if (done > 0) cancel2.cancel();
            return true;
        };
        auto r = io::rewriteBundle(**reader, root / "out", ro);
        QVERIFY(!r);
        QCOMPARE(r.status().code(), io::ErrorCode::Cancelled);
        QCOMPARE(listDir(root), (std::vector<std::string> { "src.data-00000-of-00001", "src.index" }));
    }

    void cancelledNpzLeavesNothing()
    {
        QTemporaryDir dir;
        const fs::path root = dir.path().toStdString();
        {
            io::BundleWriter w(root / "src");
            for (int i = 0; i < 3; ++i) {
                auto t = floats({ 2 << 20 }, 2 << 20, static_cast<float>(i)); // 8 MiB each
                QVERIFY(w.addTensor("v" + std::to_string(i), t).isOk());
            }
            QVERIFY(w.finish().isOk());
        }
        auto reader = io::BundleReader::open(root / "src");
        QVERIFY(reader);
        const auto tree = io::buildVariableTree(**reader);
        auto sel = io::selectExportItems(**reader, tree, io::ExportNames::Key, io::npySupports, false);
        QVERIFY(sel);
        io::CancelToken cancel;
        io::ExportOptions options;
        options.cancel = &cancel;
        uint64_t seen = 0;
        options.progress = [&](uint64_t done, uint64_t total) {
            seen = done;
            if (done > 0 && done < total) cancel.cancel(); // half-way through the members
            return true;
        };
        const io::Status s = io::writeNpz(**reader, sel->items, root / "w.npz", options);
        QCOMPARE(s.code(), io::ErrorCode::Cancelled);
        QVERIFY(seen > 0);
        QCOMPARE(listDir(root), (std::vector<std::string> { "src.data-00000-of-00001", "src.index" }));
    }

    void diskFullLeavesNothing_data()
    {
        QTest::addColumn<int>("failAt");
        for (int i = 1; i <= 3; ++i)
            QTest::newRow(qPrintable(QString("write %1").arg(i))) << i;
    }
    void diskFullLeavesNothing()
    {
        QFETCH(int, failAt);
        QTemporaryDir dir;
        const fs::path root = dir.path().toStdString();
        auto reader = io::BundleReader::open(smallBundle(root));
        QVERIFY(reader);
        const auto before = fileBytes(root / "src.data-00000-of-00001");
        const auto tree = io::buildVariableTree(**reader);
        auto sel = io::selectExportItems(**reader, tree, io::ExportNames::Key, io::safetensorsSupports, true);
        QVERIFY(sel);
        io::injectWriteFailureAfter(static_cast<uint64_t>(failAt));
        QVERIFY(!io::writeSafetensors(**reader, sel->items, {}, root / "w.safetensors", {}).isOk());
        io::injectWriteFailureAfter(static_cast<uint64_t>(failAt));
        QVERIFY(!io::rewriteBundle(**reader, root / "copy", {}));
        auto npzSel = io::selectExportItems(**reader, tree, io::ExportNames::Key, io::npySupports, true);
        QVERIFY(npzSel);
        io::injectWriteFailureAfter(static_cast<uint64_t>(failAt));
        QVERIFY(!io::writeNpz(**reader, npzSel->items, root / "w.npz", {}).isOk());
        io::injectWriteFailureAfter(0);
        QCOMPARE(listDir(root), (std::vector<std::string> { "src.data-00000-of-00001", "src.index" }));
        QCOMPARE(fileBytes(root / "src.data-00000-of-00001"), before);
    }

    void staleTemporariesOfDeadProcessesGo()
    {
        QTemporaryDir dir;
        const fs::path root = dir.path().toStdString();
        const std::string dead
            = "out.npz" + std::string(io::kTempMarker) + std::to_string(deadPid()) + "-abc";
        const std::string deadLibzip = dead + ".Xy12Zw"; // a suffix after ours (libzip's temporaries had one)
        const std::string live = "out.npz" + std::string(io::kTempMarker) + std::to_string(getpid()) + "-def";
        for (const auto& n : { dead, deadLibzip, live, std::string("unrelated.npz") })
            std::ofstream(root / n) << "x";
        QCOMPARE(io::removeStaleTemporaries(root), 2);
        QCOMPARE(listDir(root), (std::vector<std::string> { live, "unrelated.npz" }));
    }

    void staleTemporaryDirectoriesOfDeadProcessesGo()
    {
        QTemporaryDir dir;
        const fs::path root = dir.path().toStdString();
        const std::string dead = "sm" + std::string(io::kTempMarker) + std::to_string(deadPid()) + "-abc";
        const std::string live = "sm" + std::string(io::kTempMarker) + std::to_string(getpid()) + "-def";
        fs::create_directories(root / dead / "variables");
        std::ofstream(root / dead / "variables" / "variables.index") << "x";
        fs::create_directories(root / live / "variables");
        fs::create_directories(root / "elsewhere");
        std::ofstream(root / "elsewhere" / "keep") << "x";
        // A symlink with our name is not something we create: it stays, and so does what it points to.
        const std::string link = "sm" + std::string(io::kTempMarker) + std::to_string(deadPid()) + "-lnk";
        fs::create_directory_symlink(root / "elsewhere", root / link);
        QCOMPARE(io::removeStaleTemporaries(root), 1);
        auto names = listDir(root);
        std::vector<std::string> expected { "elsewhere", link, live };
        std::sort(expected.begin(), expected.end());
        QCOMPARE(names, expected);
        QVERIFY(fs::exists(root / "elsewhere" / "keep"));
        QVERIFY(fs::exists(root / live / "variables"));
    }

    void npzMembersAreNpyFiles()
    {
        QTemporaryDir dir;
        const fs::path root = dir.path().toStdString();
        auto reader = io::BundleReader::open(smallBundle(root));
        QVERIFY(reader);
        const auto tree = io::buildVariableTree(**reader);
        auto sel = io::selectExportItems(**reader, tree, io::ExportNames::Key, io::npySupports, true);
        QVERIFY(sel);
        QCOMPARE(sel->skipped.size(), size_t(1)); // bfloat16: numpy has no such dtype
        QVERIFY(io::writeNpz(**reader, sel->items, root / "w.npz", {}).isOk());
        const std::string zip = fileBytes(root / "w.npz");
        QCOMPARE(zip.substr(0, 4), std::string("PK\x03\x04", 4));
        for (const char* member : { "a.npy", "b.npy", "s.npy" })
            QVERIFY2(zip.find(member) != std::string::npos, member);
        QVERIFY(zip.find(io::npyHeader("|S4", { 1 }) + "text") != std::string::npos); // stored, not deflated
        QCOMPARE(
            listDir(root), (std::vector<std::string> { "src.data-00000-of-00001", "src.index", "w.npz" }));
    }

    // Forced zip64 (as members over 4 GiB get it): the records a zip reader follows, sizes and offsets in
    // the extra fields, and each member's CRC32 computed over chunks on two threads equal to the reference.
    void zipRecordsAndCrcs()
    {
        QTemporaryDir dir;
        const fs::path root = dir.path().toStdString();
        std::string big(10 * (1 << 20) + 3, '\0'); // three 4 MiB chunks and a bit: the two-thread path
        for (size_t i = 0; i < big.size(); ++i)
            big[i] = static_cast<char>((i * 2654435761u) >> 13);
        const std::string head = "HEAD", small = "tiny";
        for (const bool forced : { false, true }) {
            const fs::path out = root / (forced ? "z64.npz" : "z.npz");
            io::ZipStoredWriter zip(out, io::Durability::Renamed, forced ? 0 : 0xFFFFFFFEull);
            QVERIFY(zip.open().isOk());
            QVERIFY(zip.add("big.npy", asBytes(head), asBytes(big)).isOk());
            QVERIFY(zip.add("small.npy", {}, asBytes(small)).isOk());
            QVERIFY(zip.commit(false).isOk());
            const std::string z = fileBytes(out);
            const size_t end = z.size() - 22;
            QCOMPARE(le32(z, end), 0x06054b50u);
            uint64_t count = le16(z, end + 10), cdSize = le32(z, end + 12), cdOffset = le32(z, end + 16);
            if (forced) {
                QCOMPARE(count, uint64_t(0xFFFF));
                const size_t locator = end - 20;
                QCOMPARE(le32(z, locator), 0x07064b50u);
                const size_t record = le64(z, locator + 8);
                QCOMPARE(le32(z, record), 0x06064b50u);
                count = le64(z, record + 32);
                cdSize = le64(z, record + 40);
                cdOffset = le64(z, record + 48);
                QCOMPARE(cdOffset + cdSize, uint64_t(record));
            }
            QCOMPARE(count, uint64_t(2));
            size_t at = cdOffset;
            const std::string contents[2] = { head + big, small };
            for (int m = 0; m < 2; ++m) {
                QCOMPARE(le32(z, at), 0x02014b50u);
                const uint32_t crc = le32(z, at + 16);
                QCOMPARE(crc, referenceCrc32(contents[m]));
                const size_t nameLen = le16(z, at + 28), extraLen = le16(z, at + 30);
                uint64_t size = le32(z, at + 24), offset = le32(z, at + 42);
                if (forced) {
                    QCOMPARE(le16(z, at + 46 + nameLen), uint16_t(1)); // the zip64 extra field
                    size = le64(z, at + 46 + nameLen + 4);
                    if (m == 1) offset = le64(z, at + 46 + nameLen + 20); // offset 0 fits: only sizes
                    QCOMPARE(extraLen, size_t(m == 0 ? 20 : 28));
                } else {
                    QCOMPARE(extraLen, size_t(0));
                }
                QCOMPARE(size, uint64_t(contents[m].size()));
                // The local header: its patched CRC, and the data right after name and extra field.
                QCOMPARE(le32(z, offset), 0x04034b50u);
                QCOMPARE(le32(z, offset + 14), crc);
                const size_t data = offset + 30 + le16(z, offset + 26) + le16(z, offset + 28);
                QVERIFY(z.compare(data, contents[m].size(), contents[m]) == 0);
                at += 46 + nameLen + extraLen;
            }
        }
    }

    // A tensor copied from another bundle keeps that bundle's CRC only when the copy's own pass agrees.
    void copiedTensorsCrcIsVerified()
    {
        QTemporaryDir dir;
        const fs::path root = dir.path().toStdString();
        const auto t = floats({ 3 << 20 }, 3 << 20); // 12 MiB: the two-thread path
        const uint32_t good = io::crc32c::mask(io::crc32c::value(t.bytes().data(), t.bytes().size()));
        {
            io::BundleWriter w(root / "bad");
            const io::Status s = w.addVerified("v", t.dtype(), t.shape(), t.bytes(), good ^ 1, 0);
            QCOMPARE(s.code(), io::ErrorCode::ChecksumMismatch);
            QVERIFY(!w.finish().isOk());
        }
        QVERIFY(listDir(root).empty());
        io::BundleWriter w(root / "good");
        QVERIFY(w.addVerified("v", t.dtype(), t.shape(), t.bytes(), good, 0).isOk());
        const auto odd = t.bytes().subspan(5); // CRC computed while copying, chunks not a multiple of 4
        QVERIFY(w.add("w", io::DType::UInt8, { static_cast<int64_t>(odd.size()) }, odd).isOk());
        QVERIFY(w.finish().isOk());
        auto reader = io::BundleReader::open(root / "good");
        QVERIFY(reader);
        io::ReadOptions ro;
        ro.verifyCrc = true;
        int checked = 0;
        for (const auto& e : (*reader)->entries()) {
            if (e.key != "v" && e.key != "w") continue;
            auto r = (*reader)->read(e, ro); // fails with ChecksumMismatch unless the stored CRC is right
            QVERIFY2(r, e.key.c_str());
            ++checked;
        }
        QCOMPARE(checked, 2);
    }

    // --sync: the same files, fsynced before the rename.
    void durableExportsWrite()
    {
        QTemporaryDir dir;
        const fs::path root = dir.path().toStdString();
        io::ExportOptions options;
        options.durability = io::Durability::Durable;
        QVERIFY(io::writeNpy(floats({ 4 }, 4), root / "a.npy", options).isOk());
        QCOMPARE(fileBytes(root / "a.npy").size(), io::npyHeader("<f4", { 4 }).size() + 16);
    }

    void slicesOfPartitionedTensors()
    {
        auto t = floats({ 3, 4 }, 12);
        auto s = io::extractSlice(t, { { 1, 2 }, { 0, -1 } });
        QVERIFY(s);
        QCOMPARE(s->shape(), (io::Shape { 2, 4 }));
        float v[8];
        std::memcpy(v, s->bytes().data(), 32);
        QCOMPARE(v[0], 4.0f);
        QCOMPARE(v[7], 11.0f);
        auto c = io::extractSlice(t, { { 0, -1 }, { 2, 2 } });
        QVERIFY(c);
        std::memcpy(v, c->bytes().data(), 24);
        QCOMPARE(v[0], 2.0f);
        QCOMPARE(v[1], 3.0f);
        QCOMPARE(v[2], 6.0f);
    }

    void objectGraphPruning()
    {
        // root -> model -> kernel (saved); root -> optimizer -> iter (saved); m = slot of kernel.
        tensorflow::TrackableObjectGraph g;
        auto* root = g.add_nodes();
        auto child = [](tensorflow::TrackableObjectGraph::TrackableObject* n, int id, const char* name) {
            auto* c = n->add_children();
            c->set_node_id(id);
            c->set_local_name(name);
        };
        child(root, 1, "model");
        child(root, 3, "optimizer");
        auto* model = g.add_nodes();
        child(model, 2, "kernel");
        auto* kernel = g.add_nodes();
        auto* ka = kernel->add_attributes();
        ka->set_name("VARIABLE_VALUE");
        ka->set_checkpoint_key("model/kernel/.ATTRIBUTES/VARIABLE_VALUE");
        auto* opt = g.add_nodes();
        child(opt, 4, "iter");
        auto* slot = opt->add_slot_variables();
        slot->set_original_variable_node_id(2);
        slot->set_slot_variable_node_id(5);
        slot->set_slot_name("m");
        auto* iter = g.add_nodes();
        auto* ia = iter->add_attributes();
        ia->set_checkpoint_key("optimizer/iter/.ATTRIBUTES/VARIABLE_VALUE");
        auto* m = g.add_nodes();
        m->add_attributes()->set_checkpoint_key(
            "model/kernel/.OPTIMIZER_SLOT/optimizer/m/.ATTRIBUTES/VARIABLE_VALUE");

        int dropped = 0;
        auto pruned = io::pruneObjectGraph(
            g.SerializeAsString(), { "model/kernel/.ATTRIBUTES/VARIABLE_VALUE" }, dropped);
        QVERIFY(pruned);
        QCOMPARE(dropped, 3);
        tensorflow::TrackableObjectGraph out;
        QVERIFY(out.ParseFromString(*pruned));
        QCOMPARE(out.nodes_size(), 3);
        QCOMPARE(out.nodes(0).children_size(), 1);
        QCOMPARE(out.nodes(0).children(0).local_name(), std::string("model"));
        QCOMPARE(out.nodes(1).children(0).node_id(), 2);
        QCOMPARE(out.nodes(2).attributes(0).checkpoint_key(),
            std::string("model/kernel/.ATTRIBUTES/VARIABLE_VALUE"));
    }
};

QTEST_GUILESS_MAIN(TestExportWriters)
#include "tst_export_writers.moc"
