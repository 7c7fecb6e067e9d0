// Base-128 varints as LevelDB tables and protobuf encode lengths and handles: the one codec of io.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

namespace tscope::io {

// Reads one varint at `p` and advances past it. False (p unspecified) when it runs past `end` or
// does not end within 64 bits.
inline bool readVarint64(const std::byte*& p, const std::byte* end, uint64_t& out)
{
    out = 0;
    for (int shift = 0; shift <= 63; shift += 7) {
        if (p >= end) return false;
        auto b = static_cast<uint8_t>(*p++);
        out |= uint64_t(b & 0x7f) << shift;
        if (!(b & 0x80)) return true;
    }
    return false;
}

inline void appendVarint64(std::string& out, uint64_t v)
{
    while (v >= 0x80) {
        out.push_back(static_cast<char>((v & 0x7f) | 0x80));
        v >>= 7;
    }
    out.push_back(static_cast<char>(v));
}

} // namespace tscope::io
