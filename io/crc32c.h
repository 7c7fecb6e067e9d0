// CRC32C (Castagnoli): reflected polynomial 0x82F63B78, initial value ~0, final xor ~0 — the checksum
// of every TensorFlow table block and tensor entry (docs FORMATS.md §1). Pure C++20, no Qt.
//
// All functions here work on *finished* CRC values (after the final xor), with the LevelDB/TensorFlow
// meaning of "extend": value(A‖B) == extend(value(A), B), and value(empty) == 0.
#pragma once

#include <cstddef>
#include <cstdint>

namespace tscope::io::crc32c {

// Continues the finished CRC `crc` over `n` bytes at `data`. Uses the SSE4.2 crc32 instruction when the
// CPU has it (see hardwareAccelerated()), otherwise extendPortable(). `data` may be null when n == 0.
uint32_t extend(uint32_t crc, const void* data, size_t n);

// Same result as extend(), table-driven (slicing-by-8), for CPUs without SSE4.2 and as a test reference.
uint32_t extendPortable(uint32_t crc, const void* data, size_t n);

// The CRC32C of `n` bytes at `data`.
inline uint32_t value(const void* data, size_t n)
{
    return extend(0, data, n);
}

// True when extend() runs on the SSE4.2 crc32 instruction (x86-64 CPUs that support it).
bool hardwareAccelerated();

// value(A‖B) computed from crcA = value(A), crcB = value(B) and lenB = |B| bytes, without the data.
// Costs O(log lenB) GF(2) polynomial multiplications.
uint32_t combine(uint32_t crcA, uint32_t crcB, uint64_t lenB);

// Stored CRCs are masked (rotated and offset) so that a CRC of data that itself contains CRCs stays strong.
constexpr uint32_t kMaskDelta = 0xa282ead8u;

inline uint32_t mask(uint32_t c)
{
    return ((c >> 15) | (c << 17)) + kMaskDelta;
}

inline uint32_t unmask(uint32_t m)
{
    const uint32_t r = m - kMaskDelta;
    return (r >> 17) | (r << 15);
}

} // namespace tscope::io::crc32c
