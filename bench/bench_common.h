// Shared helpers of the benchmark programs: where synthetic checkpoints live, a small manifest the peer
// script reads, and a main() that understands --keep-dir=DIR. Header-only; included by bench_*.cpp.
//
// Data directory: $TSCOPE_BENCH_DIR (or --keep-dir=DIR, which wins) keeps the synthetic checkpoints so
// bench/peer_bench.py can time TensorFlow and numpy on the very same files, and so a second run reuses
// them instead of writing again. Without either, a private temporary directory is used and removed at exit.
#pragma once

#include <benchmark/benchmark.h>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <string>
#include <vector>

namespace tscope::bench {

namespace fs = std::filesystem;

inline std::string& keepDirOption()
{
    static std::string dir;
    return dir;
}

// Removes the temporary directory at exit (never a kept one).
struct TempRoot {
    fs::path path;
    ~TempRoot()
    {
        if (path.empty()) return;
        std::error_code ec;
        fs::remove_all(path, ec);
    }
};

inline const fs::path& benchRoot()
{
    static TempRoot temp;
    static const fs::path root = [] {
        std::string kept = keepDirOption();
        if (kept.empty())
            if (const char* env = std::getenv("TSCOPE_BENCH_DIR"); env && *env) kept = env;
        if (!kept.empty()) {
            fs::create_directories(kept);
            return fs::absolute(kept);
        }
        std::string pattern = (fs::temp_directory_path() / "tscope-bench-XXXXXX").string();
        std::vector<char> buf(pattern.begin(), pattern.end());
        buf.push_back('\0');
        if (!mkdtemp(buf.data())) {
            std::perror("mkdtemp");
            std::exit(2);
        }
        temp.path = buf.data();
        return temp.path;
    }();
    return root;
}

inline bool keptRoot()
{
    return !keepDirOption().empty() || (std::getenv("TSCOPE_BENCH_DIR") && *std::getenv("TSCOPE_BENCH_DIR"));
}

// A flat `key = value` manifest (one per synthetic checkpoint directory). `generator` identifies the
// generator version: a kept checkpoint is reused only when it matches.
using Manifest = std::map<std::string, std::string>;

inline Manifest readManifest(const fs::path& file)
{
    Manifest m;
    std::ifstream in(file);
    std::string line;
    while (std::getline(in, line)) {
        auto eq = line.find(" = ");
        if (eq != std::string::npos) m[line.substr(0, eq)] = line.substr(eq + 3);
    }
    return m;
}

inline void writeManifest(const fs::path& file, const Manifest& m)
{
    const fs::path tmp = file.string() + ".tmp";
    {
        std::ofstream out(tmp, std::ios::trunc);
        for (const auto& [k, v] : m)
            out << k << " = " << v << "\n";
    }
    fs::rename(tmp, file);
}

[[noreturn]] inline void die(const std::string& message)
{
    std::fprintf(stderr, "bench: %s\n", message.c_str());
    std::exit(2);
}

// `min` next to Google Benchmark's mean/median/stddev: on a shared machine the fastest repetition is
// the least disturbed by other jobs.
inline double minOf(const std::vector<double>& v)
{
    double m = v.empty() ? 0.0 : v.front();
    for (double x : v)
        m = x < m ? x : m;
    return m;
}

// main(): strips --keep-dir=DIR, then runs Google Benchmark as usual. `defaults` are flags placed before
// the user's own, so that e.g. --benchmark_repetitions=1 --benchmark_min_time=0 on the command line wins
// (quick runs, valgrind).
inline int runMain(int argc, char** argv, std::vector<std::string> defaults = {})
{
    std::vector<char*> args;
    if (argc > 0) args.push_back(argv[0]);
    for (auto& d : defaults)
        args.push_back(d.data());
    for (int i = 1; i < argc; ++i) {
        if (std::strncmp(argv[i], "--keep-dir=", 11) == 0) {
            keepDirOption() = argv[i] + 11;
            continue;
        }
        args.push_back(argv[i]);
    }
    int n = static_cast<int>(args.size());
    args.push_back(nullptr);
    benchmark::Initialize(&n, args.data());
    if (benchmark::ReportUnrecognizedArguments(n, args.data())) return 1;
    benchmark::AddCustomContext("bench_dir", benchRoot().string());
    benchmark::RunSpecifiedBenchmarks();
    benchmark::Shutdown();
    return 0;
}

} // namespace tscope::bench
