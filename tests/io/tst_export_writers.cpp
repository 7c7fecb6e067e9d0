// The weight exporters and their safety: .npy headers as numpy writes them, safetensors layout,
// refusals, no overwrite without permission, nothing left behind after a cancel or a full disk,
// stale temporaries of killed exports removed, and the object graph pruning of smaller checkpoints.
#include "io/atomic_file.h"
#include "io/bundle_reader.h"
#include "io/bundle_rewrite.h"
#include "io/bundle_writer.h"
#include "io/export/checkpoint_subset.h"
#include "io/export/export_items.h"
#include "io/export/npy_format.h"
#include "io/export/npy_writer.h"
#include "io/export/npz_writer.h"
#include "io/export/safetensors_writer.h"
#include "io/export/tensor_select.h"
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
            if (done > 0 && done < total) cancel.cancel(); // half-way through libzip's writing
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
        const std::string deadLibzip = dead + ".Xy12Zw"; // libzip's own temporary next to ours
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
