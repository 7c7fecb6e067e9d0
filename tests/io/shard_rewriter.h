// Rewrites a file in place from a background thread, as a training job rewriting a shard under a reader
// would: the same inode shrinks to a cut (k % 4 eighths or quarters of its size), gets its bytes back, stays
// intact for a pause, and again, until destroyed. Used by the changing-file tests of every layer.
#pragma once

#include <atomic>
#include <chrono>
#include <fcntl.h>
#include <string>
#include <thread>
#include <unistd.h>

namespace tscope::test {

class ShardRewriter {
public:
    // `cutDivisor`: the cuts are k/cutDivisor of the size for k = 0..3; `pause`: how long each intact
    // version stays, so that reads start on a whole file and some meet the next cut.
    ShardRewriter(std::string path, std::string good, unsigned cutDivisor, std::chrono::milliseconds pause)
        : m_thread([this, path = std::move(path), good = std::move(good), cutDivisor, pause] {
            const int fd = ::open(path.c_str(), O_WRONLY);
            unsigned k = 0;
            while (!m_stop) {
                if (ftruncate(fd, static_cast<off_t>((k++ % 4) * good.size() / cutDivisor)) != 0) break;
                if (pwrite(fd, good.data(), good.size(), 0) != static_cast<ssize_t>(good.size())) break;
                ++m_rewrites;
                std::this_thread::sleep_for(pause);
            }
            ::close(fd);
        })
    { }
    ~ShardRewriter() { stop(); }
    ShardRewriter(const ShardRewriter&) = delete;
    ShardRewriter& operator=(const ShardRewriter&) = delete;

    // Stops rewriting (the file is left whole) and returns how many rewrites were made.
    int stop()
    {
        m_stop = true;
        if (m_thread.joinable()) m_thread.join();
        return m_rewrites;
    }

private:
    std::atomic<bool> m_stop { false };
    std::atomic<int> m_rewrites { 0 };
    std::thread m_thread;
};

} // namespace tscope::test
