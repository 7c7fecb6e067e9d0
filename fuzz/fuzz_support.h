// Shared helpers for the libFuzzer harnesses: a private scratch directory (tmpfs when available)
// into which each input is written as files, because the readers take paths like a user would.
#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <string>
#include <unistd.h>

namespace tscope::fuzz {

inline const std::filesystem::path& scratchDir()
{
    static const std::filesystem::path dir = [] {
        std::filesystem::path base
            = std::filesystem::exists("/dev/shm") ? "/dev/shm" : std::filesystem::temp_directory_path();
        auto d = base / ("tscope-fuzz-" + std::to_string(::getpid()));
        std::filesystem::create_directories(d);
        return d;
    }();
    return dir;
}

inline void writeFile(const std::filesystem::path& path, const uint8_t* data, size_t size)
{
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out.write(reinterpret_cast<const char*>(data), static_cast<std::streamsize>(size));
}

// A fresh, empty subdirectory for one input.
inline std::filesystem::path freshDir(const char* name)
{
    auto d = scratchDir() / name;
    std::error_code ec;
    std::filesystem::remove_all(d, ec);
    std::filesystem::create_directories(d);
    return d;
}

} // namespace tscope::fuzz
