// membw: the memory read bandwidth of this machine, as the yardstick for `tensorscope-cli verify` (issue 15:
// verify should reach 70% of one core's bandwidth). Sums a buffer (1 GiB by default) as 64-bit integers with
// one thread and with two, several repetitions each, and prints one JSON object on stdout that
// bench/perf_driver.py reads. Not Google Benchmark: the driver needs a plain, quick, self-describing number.
//
//   membw [--bytes N] [--repeats R] [--threads 1,2]
#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <string>
#include <thread>
#include <vector>

namespace {

// Four independent accumulators so the loop is bound by loads, not by one add chain.
std::uint64_t sumRange(const std::uint64_t* p, std::size_t n)
{
    std::uint64_t a = 0, b = 0, c = 0, d = 0;
    std::size_t i = 0;
    for (; i + 4 <= n; i += 4) {
        a += p[i];
        b += p[i + 1];
        c += p[i + 2];
        d += p[i + 3];
    }
    for (; i < n; ++i)
        a += p[i];
    return a + b + c + d;
}

// Seconds for one pass over the buffer with `threads` threads, each summing a contiguous part.
double timedPass(const std::uint64_t* p, std::size_t n, int threads, std::uint64_t& sink)
{
    std::vector<std::uint64_t> partial(static_cast<std::size_t>(threads), 0);
    const auto start = std::chrono::steady_clock::now();
    std::vector<std::thread> workers;
    const std::size_t per = n / static_cast<std::size_t>(threads);
    for (int t = 0; t < threads; ++t) {
        const std::size_t begin = per * static_cast<std::size_t>(t);
        const std::size_t end = t + 1 == threads ? n : begin + per;
        workers.emplace_back([&partial, p, begin, end, t] {
            partial[static_cast<std::size_t>(t)] = sumRange(p + begin, end - begin);
        });
    }
    for (auto& w : workers)
        w.join();
    const auto stop = std::chrono::steady_clock::now();
    for (auto v : partial)
        sink += v;
    return std::chrono::duration<double>(stop - start).count();
}

bool parseInt(const char* text, long long& out)
{
    char* end = nullptr;
    out = std::strtoll(text, &end, 10);
    return end != text && *end == '\0' && out > 0;
}

} // namespace

int main(int argc, char** argv)
{
    long long bytes = 1LL << 30;
    long long repeats = 5;
    std::vector<int> threadCounts { 1, 2 };
    for (int i = 1; i < argc; ++i) {
        const std::string arg = argv[i];
        const bool hasValue = i + 1 < argc;
        if (arg == "--bytes" && hasValue) {
            if (!parseInt(argv[++i], bytes)) return std::fprintf(stderr, "membw: bad --bytes\n"), 2;
        } else if (arg == "--repeats" && hasValue) {
            if (!parseInt(argv[++i], repeats)) return std::fprintf(stderr, "membw: bad --repeats\n"), 2;
        } else if (arg == "--threads" && hasValue) {
            threadCounts.clear();
            std::string list = argv[++i];
            for (std::size_t pos = 0; pos <= list.size();) {
                const std::size_t comma = std::min(list.find(',', pos), list.size());
                long long t = 0;
                if (!parseInt(list.substr(pos, comma - pos).c_str(), t) || t > 256)
                    return std::fprintf(stderr, "membw: bad --threads\n"), 2;
                threadCounts.push_back(static_cast<int>(t));
                pos = comma + 1;
            }
        } else {
            std::fprintf(stderr, "usage: membw [--bytes N] [--repeats R] [--threads 1,2]\n");
            return 2;
        }
    }
    const std::size_t words = static_cast<std::size_t>(bytes) / sizeof(std::uint64_t);
    std::unique_ptr<std::uint64_t[]> buffer(new std::uint64_t[words]);
    // Written once so every page is backed by memory before timing (a fresh page reads as the zero page).
    for (std::size_t i = 0; i < words; ++i)
        buffer[i] = i * 0x9E3779B97F4A7C15ULL;

    std::uint64_t sink = 0;
    std::printf("{\"bytes\": %zu, \"repeats\": %lld, \"results\": [", words * sizeof(std::uint64_t), repeats);
    for (std::size_t k = 0; k < threadCounts.size(); ++k) {
        const int threads = threadCounts[k];
        timedPass(buffer.get(), words, threads, sink); // warm-up: caches, TLB, thread start
        std::vector<double> seconds;
        for (long long r = 0; r < repeats; ++r)
            seconds.push_back(timedPass(buffer.get(), words, threads, sink));
        std::printf("%s{\"threads\": %d, \"seconds\": [", k ? ", " : "", threads);
        for (std::size_t r = 0; r < seconds.size(); ++r)
            std::printf("%s%.9f", r ? ", " : "", seconds[r]);
        std::printf("]}");
    }
    // The checksum keeps the sums from being optimised away and shows the passes read the same data.
    std::printf("], \"checksum\": %llu}\n", static_cast<unsigned long long>(sink));
    return 0;
}
