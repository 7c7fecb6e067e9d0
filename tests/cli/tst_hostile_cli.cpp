// Regression tests for issue 14 ("hostile and changing files") on the real CLI code, with inputs crafted at
// test time (hostile_generators.h): deep object graphs, huge ranks, control characters, CRC damage, a data
// shard truncated and rewritten under 300 reads, and a resource run of every command as its own process
// (peak memory from wait4, output size; times are printed, never asserted).
#include "app/cli/arguments.h"
#include "app/cli/exit_codes.h"
#include "app/cli/text_output.h"
#include "cli_runner.h"
#include "hostile_generators.h"
#include "io/guarded_read.h"
#include "io/shard_rewriter.h"

#include <QElapsedTimer>
#include <QTemporaryDir>
#include <QtTest>
#include <atomic>
#include <cctype>
#include <chrono>
#include <csignal>
#include <fcntl.h>
#include <sstream>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>

using namespace tscope::cli;
namespace fs = std::filesystem;

namespace {

using test::cli;
using test::Run;

// The CLI as its own process: exit code, stdout bytes, peak RSS (KiB) and wall time.
struct ProcessRun {
    int exitCode = -1;
    int signal = 0;
    uint64_t outBytes = 0;
    long peakKiB = 0;
    qint64 ms = 0;
};

// Through GNU time (Debian package `time`): wait4 on a child forked from this test would report the
// test's own high-water mark, which exec keeps.
constexpr const char* kTime = "/usr/bin/time";

ProcessRun runProcess(
    const std::vector<std::string>& args, const fs::path& outFile, const char* errFile = "/dev/null")
{
    ProcessRun r;
    const fs::path rssFile = outFile.string() + ".rss";
    QElapsedTimer timer;
    timer.start();
    const pid_t pid = fork();
    if (pid == 0) {
        const int fd = ::open(outFile.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
        const int errFd = ::open(errFile, O_WRONLY | O_CREAT | O_TRUNC, 0600);
        dup2(fd, 1);
        dup2(errFd, 2);
        std::vector<std::string> all { kTime, "-f", "%M", "-o", rssFile.string(), TSCOPE_CLI_PATH };
        all.insert(all.end(), args.begin(), args.end());
        std::vector<char*> argv;
        for (auto& a : all)
            argv.push_back(a.data());
        argv.push_back(nullptr);
        execv(argv[0], argv.data());
        _exit(127);
    }
    int status = 0;
    waitpid(pid, &status, 0);
    r.ms = timer.elapsed();
    r.exitCode = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    std::ifstream rss(rssFile);
    std::string line;
    while (std::getline(rss, line)) // "Command exited with non-zero status N" may come first
        if (!line.empty() && std::isdigit(static_cast<unsigned char>(line[0])))
            r.peakKiB = std::stol(line);
        else if (line.find("terminated by signal") != std::string::npos)
            r.signal = std::stoi(line.substr(line.rfind(' ')));
    std::error_code ec;
    r.outBytes = fs::file_size(outFile, ec);
    return r;
}

bool contains(const std::string& s, const std::string& what)
{
    return s.find(what) != std::string::npos;
}

} // namespace

class TestHostileCli : public QObject {
    Q_OBJECT
private slots:
    // Finding 1: a chain of nodes; no stack overflow, a warning past the bound, output linear in the input.
    void deepCheckpointGraph_data()
    {
        QTest::addColumn<int>("depth");
        QTest::newRow("900 (within the bound)") << 900;
        QTest::newRow("30000") << 30000;
        QTest::newRow("100000") << 100000;
    }
    void deepCheckpointGraph()
    {
        QFETCH(int, depth);
        QTemporaryDir tmp;
        const auto prefix = hostile::chainCheckpoint(fs::path(tmp.path().toStdString()) / "c", depth);
        const uint64_t input = hostile::sizeOnDisk(prefix.parent_path());
        const uint64_t bound = 10 * input + (1u << 20);
        for (const std::vector<std::string>& args :
            { std::vector<std::string> { "ls", prefix }, { "ls", prefix, "--json" }, { "info", prefix },
                { "info", prefix, "--json" }, { "verify", prefix }, { "stats", prefix },
                { "show", prefix, "v/.ATTRIBUTES/VARIABLE_VALUE" } }) {
            QElapsedTimer t;
            t.start();
            const Run r = cli(args);
            qInfo("depth %d, %s %s: exit %d, %zu bytes out (input %llu bytes), %lld ms", depth,
                args[0].c_str(), args.size() > 2 ? args[2].c_str() : "", r.exitCode, r.out.size(),
                static_cast<unsigned long long>(input), t.elapsed());
            QCOMPARE(r.exitCode, 0);
            QVERIFY2(r.out.size() <= bound, args[0].c_str());
        }
        const Run info = cli({ "info", prefix });
        if (static_cast<size_t>(depth) > tscope::io::kMaxObjectDepth)
            QVERIFY2(contains(info.out, "nests deeper than"), info.out.c_str());
        else
            QVERIFY(!contains(info.out, "nests deeper than"));
        // Within the bound the variable is reached through the chain and named by its object path.
        if (static_cast<size_t>(depth) <= tscope::io::kMaxObjectDepth) {
            const Run ls = cli({ "ls", prefix, "--json", "--pretty" });
            QVERIFY(contains(ls.out, "\"object_path\": \"c/c/c/"));
        }
    }

    void deepSavedModelGraph()
    {
        QTemporaryDir tmp;
        const auto dir = hostile::chainSavedModel(fs::path(tmp.path().toStdString()) / "sm", 20000);
        const uint64_t input = hostile::sizeOnDisk(dir);
        for (const std::vector<std::string>& args : { std::vector<std::string> { "signatures", dir },
                 { "signatures", dir, "--json" }, { "info", dir }, { "info", dir, "--json" } }) {
            QElapsedTimer t;
            t.start();
            const Run r = cli(args);
            qInfo("SavedModel chain 20000, %s %s: exit %d, %zu bytes out (input %llu), %lld ms",
                args[0].c_str(), args.size() > 2 ? args[2].c_str() : "", r.exitCode, r.out.size(),
                static_cast<unsigned long long>(input), t.elapsed());
            QVERIFY(r.exitCode == 0);
            QVERIFY(r.out.size() <= 10 * input + (1u << 20));
        }
        QVERIFY(contains(cli({ "info", dir }).out, "nests deeper than"));
    }

    // Finding 2: rank above TensorFlow's 254 is refused; a legal deep rank prints compactly.
    void hugeRank()
    {
        QTemporaryDir tmp;
        const auto prefix = hostile::rankCheckpoint(fs::path(tmp.path().toStdString()) / "r", 10001, 4);
        const Run show = cli({ "show", prefix, "deep", "--json" });
        QVERIFY(show.exitCode != 0);
        QVERIFY2(contains(show.err, "above TensorFlow's limit of 254"), show.err.c_str());
        QVERIFY(show.out.size() < 200000);
        const Run plain = cli({ "show", prefix, "plain" });
        QCOMPARE(plain.exitCode, 0);
        const Run ls = cli({ "ls", prefix });
        QCOMPARE(ls.exitCode, 0);
        QVERIFY(contains(ls.out, "damaged"));

        const auto legal = hostile::rankCheckpoint(fs::path(tmp.path().toStdString()) / "l", 254, 4);
        const Run json = cli({ "show", legal, "deep", "--json" });
        QCOMPARE(json.exitCode, 0);
        // 254 brackets each way and the 4 values on one line; the two shapes one dimension a line.
        QVERIFY2(json.out.size() < 8192, std::to_string(json.out.size()).c_str());
        QVERIFY(contains(json.out, std::string(254, '[')));
        const Run text = cli({ "show", legal, "deep" });
        QCOMPARE(text.exitCode, 0);
        QVERIFY(text.out.size() < 4096);
    }

    // Finding 8: control characters in names are escaped in text output, kept exact in JSON.
    void controlCharactersEscaped()
    {
        QTemporaryDir tmp;
        const std::string evil = "evil\n\x1b[31mred\x7f\xc2\x9b";
        const auto prefix = hostile::keysCheckpoint(fs::path(tmp.path().toStdString()) / "k", { evil, "ok" });
        for (const std::vector<std::string>& args : { std::vector<std::string> { "ls", prefix },
                 { "ls", prefix, "--flat" }, { "stats", prefix }, { "show", prefix, evil } }) {
            const Run r = cli(args);
            QCOMPARE(r.exitCode, 0);
            QVERIFY2(!contains(r.out, "\x1b"), args[0].c_str());
            QVERIFY(!contains(r.out, "\x7f"));
            QVERIFY(!contains(r.out, "\xc2\x9b"));
            QVERIFY2(contains(r.out, "evil\\n\\x1b[31mred\\x7f\\xc2\\x9b"), r.out.c_str());
        }
        QCOMPARE(cleanText("caf\xc3\xa9 \xe2\x9c\x93"),
            std::string("caf\xc3\xa9 \xe2\x9c\x93")); // valid UTF-8 kept
        QCOMPARE(cleanText("\xff\t"), std::string("\\xff\\t"));
        const Run missing = cli({ "show", prefix, "no\x1b]0;title\x07" });
        QCOMPARE(missing.exitCode, int(kExitNoSuchVariable));
        QVERIFY(!contains(missing.err, "\x1b"));
    }

    // Integrity (issue 10): show and stats check the CRC, still print the values, mark them and exit 4.
    void crcMismatchIsReported()
    {
        QTemporaryDir tmp;
        const auto prefix = hostile::damagedCheckpoint(fs::path(tmp.path().toStdString()) / "d", 64, 10);
        const Run show = cli({ "show", prefix, "a", "--json" });
        QCOMPARE(show.exitCode, int(kExitDamaged));
        QVERIFY(contains(show.out, "\"problem\""));
        QVERIFY(contains(show.out, "ChecksumMismatch"));
        QVERIFY(contains(show.out, "\"values\""));
        QVERIFY(contains(show.err, "warning"));
        const Run text = cli({ "show", prefix, "a" });
        QCOMPARE(text.exitCode, int(kExitDamaged));
        QVERIFY(contains(text.out, "a: float32[64]"));
        const Run stats = cli({ "stats", prefix, "--json" });
        QCOMPARE(stats.exitCode, int(kExitDamaged));
        QVERIFY(contains(stats.out, "\"problem\""));
        QVERIFY(contains(stats.out, "\"mean\": "));
        QVERIFY(contains(stats.err, "ChecksumMismatch"));
        const Run good = cli({ "show", prefix, "b", "--json" });
        QCOMPARE(good.exitCode, 0);
        QVERIFY(!contains(good.out, "\"problem\""));
    }

    // Finding 9: stats with an unreadable tensor prints a partial stats document (documented) and exits 3.
    void statsWithUnreadableTensor()
    {
        QTemporaryDir tmp;
        const auto prefix = hostile::keysCheckpoint(fs::path(tmp.path().toStdString()) / "u", { "a", "b" });
        fs::resize_file(prefix.string() + ".data-00000-of-00001", 14); // "b" (bytes 12..23) is cut
        const Run r = cli({ "stats", prefix, "--json" });
        QCOMPARE(r.exitCode, int(kExitOpenFailed));
        QVERIFY(contains(r.out, "\"schema\": \"tensorscope.stats/1\""));
        QVERIFY(contains(r.out, "\"error\": {"));
        QVERIFY(contains(r.out, "\"error\": null")); // "a" is still there
    }

    // Finding 3: `stats` and `show` 300 times while another thread truncates and rewrites the shard in
    // place: no signal ends the process; each run is either correct or a clear error.
    void shardChangingUnderReads()
    {
        QTemporaryDir tmp;
        const auto dir = fs::path(tmp.path().toStdString()) / "s";
        const auto prefix = hostile::damagedCheckpoint(dir, 1 << 20, std::nullopt); // 4 MiB, intact
        const auto data = fs::path(prefix.string() + ".data-00000-of-00001");
        std::string good;
        {
            std::ifstream in(data, std::ios::binary);
            good.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
        }
        const Run reference = cli({ "stats", prefix, "a", "--json" });
        QCOMPARE(reference.exitCode, 0);

        tscope::test::ShardRewriter rewriter(data, good, 8, std::chrono::milliseconds(3));
        const unsigned long faultsBefore = tscope::io::guardedFaultCount();
        int correct = 0, clearErrors = 0;
        for (int i = 0; i < 300; ++i) {
            const Run r
                = i % 2 ? cli({ "stats", prefix, "a", "--json" }) : cli({ "show", prefix, "b", "--json" });
            if (r.exitCode == 0) {
                if (i % 2) QCOMPARE(r.out, reference.out);
                ++correct;
            } else {
                QVERIFY2(r.exitCode == kExitOpenFailed || r.exitCode == kExitDamaged, r.err.c_str());
                QVERIFY2(contains(r.err, "Truncated") || contains(r.err, "ChecksumMismatch")
                        || contains(r.err, "Corrupt"),
                    r.err.c_str());
                ++clearErrors;
            }
        }
        const int rewrites = rewriter.stop();
        qInfo("300 reads under %d rewrites: %d correct, %d clear errors, %lu faults caught by the guard",
            rewrites, correct, clearErrors, tscope::io::guardedFaultCount() - faultsBefore);
        QCOMPARE(correct + clearErrors, 300);
    }

    // Finding 7: protobuf's own log lines (invalid UTF-8 in a proto3 string) become warnings, never raw
    // stderr lines.
    void protobufLogIsAWarning()
    {
        QTemporaryDir tmp;
        const fs::path root = tmp.path().toStdString();
        const auto prefix = hostile::chainCheckpoint(root / "u", 3, "bad\xff\xfename");
        const Run info = cli({ "info", prefix, "--json" });
        QCOMPARE(info.exitCode, 0);
        QVERIFY2(contains(info.out, "protobuf: "), info.out.c_str());
        if (fs::exists(kTime)) {
            const fs::path err = root / "err.txt";
            const ProcessRun r = runProcess({ "info", prefix }, root / "out.txt", err.c_str());
            QCOMPARE(r.exitCode, 0);
            std::ifstream in(err);
            const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
            QVERIFY2(!contains(text, "libprotobuf"), text.c_str());
        }
    }

    // Finding 4: a SavedModel whose graph has variables but whose variables/ is missing or unusable is
    // damaged (verify exits 4, info warns), never "OK: 0 tensors".
    void savedModelWithUnusableVariables_data()
    {
        QTest::addColumn<QString>("how");
        for (const char* how :
            { "intact", "missing", "symlink loop", "directory", "fifo", "variables is /", "unreadable" })
            QTest::newRow(how) << QString(how);
    }
    void savedModelWithUnusableVariables()
    {
        QFETCH(QString, how);
        if (how == "unreadable" && geteuid() == 0) QSKIP("root reads a mode-000 directory anyway");
        QTemporaryDir tmp;
        const fs::path source
            = fs::path(TSCOPE_FIXTURES_DIR) / "tf215/sm_keras_sequential_export/saved_model";
        const fs::path dir = fs::path(tmp.path().toStdString()) / "sm";
        fs::create_directories(dir);
        fs::copy_file(source / "saved_model.pb", dir / "saved_model.pb");
        const fs::path vars = dir / "variables";
        if (how == "intact") {
            fs::copy(source / "variables", vars);
        } else if (how == "symlink loop") {
            fs::create_directories(vars);
            fs::create_symlink("variables.index", vars / "variables.index");
        } else if (how == "directory") {
            fs::create_directories(vars / "variables.index");
        } else if (how == "fifo") {
            fs::create_directories(vars);
            QCOMPARE(mkfifo((vars / "variables.index").c_str(), 0600), 0);
        } else if (how == "variables is /") {
            fs::create_directory_symlink("/", vars);
        } else if (how == "unreadable") {
            fs::copy(source / "variables", vars);
            fs::permissions(vars, fs::perms::none);
        }
        const Run verify = cli({ "verify", dir.string() });
        const Run info = cli({ "info", dir.string() });
        if (how == "unreadable") fs::permissions(vars, fs::perms::owner_all);
        if (how == "intact") {
            QCOMPARE(verify.exitCode, 0);
            QVERIFY(!contains(info.out, "cannot be read"));
            return;
        }
        QCOMPARE(verify.exitCode, int(kExitDamaged));
        QVERIFY2(contains(verify.out, "DAMAGED"), verify.out.c_str());
        QCOMPARE(info.exitCode, 0);
        QVERIFY2(contains(info.out, "variables/variables.index cannot be read"), info.out.c_str());
    }

    // Finding 5 (the parts that can be checked): assets the graph lists must exist; checkpoint state
    // entries must point at checkpoints, except absolute paths from another machine (a warning).
    void verifyCoversAssetsAndStateFile()
    {
        QTemporaryDir tmp;
        const fs::path root = tmp.path().toStdString();
        const fs::path source
            = fs::path(TSCOPE_FIXTURES_DIR) / "tf215/sm_keras_stringlookup_assets/saved_model";
        const fs::path sm = root / "sm";
        fs::copy(source, sm, fs::copy_options::recursive);
        const Run intact = cli({ "verify", sm.string(), "--json" });
        QCOMPARE(intact.exitCode, 0);
        QVERIFY2(
            contains(intact.out, "\"fingerprint\"") && !contains(intact.out, "mismatch"), intact.out.c_str());
        for (const auto& asset : fs::directory_iterator(sm / "assets"))
            fs::remove(asset.path());
        const Run noAssets = cli({ "verify", sm.string() });
        QCOMPARE(noAssets.exitCode, int(kExitDamaged));
        QVERIFY2(contains(noAssets.out, "listed by the graph is missing"), noAssets.out.c_str());

        const auto prefix = hostile::keysCheckpoint(root / "run", { "a" });
        auto state = [&](const std::string& paths) {
            std::ofstream(root / "run" / "checkpoint") << "model_checkpoint_path: \"ckpt\"\n" << paths;
            return cli({ "verify", (root / "run").string() });
        };
        const Run fine = state("all_model_checkpoint_paths: \"ckpt\"\n");
        QCOMPARE(fine.exitCode, 0);
        const Run otherMachine = state("all_model_checkpoint_paths: \"/other/machine/gone\"\n"
                                       "all_model_checkpoint_paths: \"ckpt\"\n");
        QCOMPARE(otherMachine.exitCode, 0);
        QVERIFY2(contains(otherMachine.out, "Warning: ") && contains(otherMachine.out, "/other/machine/gone"),
            otherMachine.out.c_str());
        const Run gone
            = state("all_model_checkpoint_paths: \"gone\"\nall_model_checkpoint_paths: \"ckpt\"\n");
        QCOMPARE(gone.exitCode, int(kExitDamaged));
        QVERIFY2(contains(gone.out, "lists 'gone', which does not exist"), gone.out.c_str());
    }

    // Finding 5, fingerprint.pb: one flipped bit in saved_model.pb (the proto still parses) is damage that
    // names the file and the hash; a fingerprint.pb that does not parse is damage with a clear message.
    void verifyChecksFingerprint()
    {
        QTemporaryDir tmp;
        const fs::path sm = fs::path(tmp.path().toStdString()) / "sm";
        fs::copy(fs::path(TSCOPE_FIXTURES_DIR) / "tf215/sm_keras_sequential_export/saved_model", sm,
            fs::copy_options::recursive);
        const Run intact = cli({ "verify", sm.string() });
        QCOMPARE(intact.exitCode, 0);
        QVERIFY2(contains(intact.out, "saved_model_checksum: matches"), intact.out.c_str());

        auto writeBytes = [](const fs::path& p, const std::string& bytes) {
            std::ofstream(p, std::ios::binary | std::ios::trunc) << bytes;
        };
        std::ifstream in(sm / "saved_model.pb", std::ios::binary);
        std::string pb((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
        const size_t at = pb.find("serving_default");
        QVERIFY(at != std::string::npos);
        pb[at + 3] ^= 0x01;
        writeBytes(sm / "saved_model.pb", pb);
        const Run flipped = cli({ "verify", sm.string() });
        QCOMPARE(flipped.exitCode, int(kExitDamaged));
        QVERIFY2(contains(flipped.out, "saved_model.pb does not match fingerprint.pb's saved_model_checksum"),
            flipped.out.c_str());

        writeBytes(sm / "fingerprint.pb", std::string("\x08\xff\xff", 3));
        const Run damaged = cli({ "verify", sm.string() });
        QCOMPARE(damaged.exitCode, int(kExitDamaged));
        QVERIFY2(contains(damaged.out, "fingerprint.pb is not a valid FingerprintDef protobuf"),
            damaged.out.c_str());
    }

    // The resource test: every command on crafted inputs up to 1 MB as its own process; peak memory under
    // 200 MB, output under 10 MB per MB of input + 1 MB. Times are printed, not asserted.
    void resourceBounds()
    {
        if (!fs::exists(kTime))
            QSKIP("needs GNU time (/usr/bin/time, Debian package time) to measure peak memory");
        QTemporaryDir tmp;
        const fs::path root = tmp.path().toStdString();
        struct Input {
            std::string name;
            fs::path path;
        };
        std::vector<Input> inputs {
            { "chain-30000", hostile::chainCheckpoint(root / "c30k", 30000) },
            { "chain-90000", hostile::chainCheckpoint(root / "c90k", 90000) },
            { "rank-10001", hostile::rankCheckpoint(root / "r", 10001, 4) },
            { "rank-254", hostile::rankCheckpoint(root / "r254", 254, 4) },
            { "sm-chain-20000", hostile::chainSavedModel(root / "sm", 20000) },
        };
        // With a fingerprint.pb (another model's: the chain's function names carry no UID, so TensorFlow
        // would write none), so that verify also recomputes every hash it can over the chain.
        fs::copy_file(
            fs::path(TSCOPE_FIXTURES_DIR) / "tf215/sm_keras_sequential_export/saved_model/fingerprint.pb",
            root / "sm" / "fingerprint.pb");
        for (const auto& in : inputs) {
            const fs::path dir = fs::is_directory(in.path) ? in.path : in.path.parent_path();
            const uint64_t input = hostile::sizeOnDisk(dir);
            QVERIFY2(input <= (1u << 20), in.name.c_str());
            const bool savedModel = in.name.rfind("sm", 0) == 0;
            std::vector<std::vector<std::string>> commands { { "ls", in.path }, { "ls", in.path, "--json" },
                { "info", in.path }, { "info", in.path, "--json" }, { "verify", in.path, "--json" },
                { "stats", in.path, "--json" } };
            if (savedModel)
                commands.push_back({ "signatures", in.path, "--json" });
            else
                commands.push_back({ "show", in.path,
                    in.name.rfind("rank", 0) == 0 ? "deep" : "v/.ATTRIBUTES/VARIABLE_VALUE", "--json" });
            for (const auto& args : commands) {
                const ProcessRun r = runProcess(args, root / "out.txt");
                qInfo("%-15s %-10s %-6s exit %3d  peak %6ld KiB  out %9llu B (input %7llu B)  %5lld ms",
                    in.name.c_str(), args[0].c_str(), args.back() == "--json" ? "--json" : "", r.exitCode,
                    r.peakKiB, static_cast<unsigned long long>(r.outBytes),
                    static_cast<unsigned long long>(input), r.ms);
                QCOMPARE(r.signal, 0);
                QVERIFY(r.exitCode >= 0 && r.exitCode <= 5);
                QVERIFY(r.peakKiB > 0);
                QVERIFY2(r.peakKiB < 200 * 1024, (in.name + " " + args[0]).c_str());
                QVERIFY2(r.outBytes <= 10 * input + (1u << 20), (in.name + " " + args[0]).c_str());
            }
        }
    }
};

QTEST_GUILESS_MAIN(TestHostileCli)
#include "tst_hostile_cli.moc"
