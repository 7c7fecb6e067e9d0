// Byte swapping for big-endian bundles (rare; FORMATS.md §2.4).
#pragma once

#include <algorithm>
#include <cstddef>
#include <span>

namespace tscope::io {

inline void byteSwapInPlace(std::span<std::byte> bytes, size_t unit)
{
    if (unit <= 1) return;
    for (size_t i = 0; i + unit <= bytes.size(); i += unit)
        std::reverse(bytes.begin() + i, bytes.begin() + i + unit);
}

} // namespace tscope::io
