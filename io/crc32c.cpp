// CRC32C, written from the polynomial arithmetic (no third-party source text).
//
// Conventions used throughout this file
// -------------------------------------
// A CRC register is a polynomial of degree < 32 over GF(2) in *reflected* bit order: bit 31 holds the
// coefficient of x^0 and bit 0 the coefficient of x^31. Multiplying by x is therefore a right shift, and a
// coefficient leaving bit 0 (x^32) is reduced by xoring kPoly, which is P(x) - x^32 in the same order.
//
// The "raw" register r is the finished value with the initial/final inversion undone (r = ~crc). Feeding a
// message M into register r gives raw(r, M) = r·x^(8|M|) ⊕ raw(0, M) (mod P): the update is linear in r.
// That one identity gives everything that is not a plain byte loop here:
//   * slicing-by-8: each input byte's contribution is a table lookup "byte followed by k zero bytes";
//   * the multi-stream hardware path: independent streams start at 0 and are merged by multiplying the
//     earlier stream's register by x^(8·blocklen) (a fixed 32×32 GF(2) matrix, applied with four byte
//     tables);
//   * combine(): value(A‖B) = value(A)·x^(8|B|) ⊕ value(B) (the inversions cancel, see combine()).

#include "io/crc32c.h"

#include <array>
#include <bit>
#include <cstring>

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#define TSCOPE_CRC32C_X86_64 1
#include <nmmintrin.h>
#else
#define TSCOPE_CRC32C_X86_64 0
#endif

namespace tscope::io::crc32c {
namespace {

constexpr uint32_t kPoly = 0x82F63B78u; // reflected Castagnoli polynomial, x^32 term implied
constexpr uint32_t kOne = 0x80000000u; // the polynomial 1 (x^0) in reflected order

// The register times x, reduced mod P.
constexpr uint32_t timesX(uint32_t a)
{
    return (a & 1u) != 0 ? (a >> 1) ^ kPoly : a >> 1;
}

// a·b mod P: walk a's coefficients from x^0 upwards while b runs through b·x^0, b·x^1, ...
constexpr uint32_t mulMod(uint32_t a, uint32_t b)
{
    uint32_t product = 0;
    for (uint32_t bit = kOne; bit != 0 && a != 0; bit >>= 1) {
        if ((a & bit) != 0) {
            product ^= b;
            a ^= bit;
        }
        b = timesX(b);
    }
    return product;
}

// kX8Pow2[k] = x^(8·2^k) mod P, by repeated squaring starting from x^8.
constexpr std::array<uint32_t, 64> makeX8Pow2()
{
    std::array<uint32_t, 64> t {};
    uint32_t p = kOne;
    for (int i = 0; i < 8; ++i)
        p = timesX(p);
    for (auto& e : t) {
        e = p;
        p = mulMod(p, p);
    }
    return t;
}
constexpr std::array<uint32_t, 64> kX8Pow2 = makeX8Pow2();

// x^(8·n) mod P by square-and-multiply over the bits of n (works for every 64-bit n, even where 8·n
// overflows).
constexpr uint32_t xPow8n(uint64_t n)
{
    uint32_t result = kOne;
    for (size_t k = 0; n != 0; ++k, n >>= 1) {
        if ((n & 1u) != 0) result = mulMod(result, kX8Pow2[k]);
    }
    return result;
}

// ---- Portable: slicing-by-8 ----------------------------------------------------------------------------

using ByteTable = std::array<uint32_t, 256>;

// kSlice[k][b] = raw(0, [b, 0 × k]): byte b fed into a zero register, followed by k zero bytes.
constexpr std::array<ByteTable, 8> makeSliceTables()
{
    std::array<ByteTable, 8> t {};
    for (uint32_t b = 0; b < 256; ++b) {
        uint32_t r = b;
        for (int i = 0; i < 8; ++i)
            r = timesX(r);
        t[0][b] = r;
    }
    for (size_t k = 1; k < 8; ++k) {
        for (size_t b = 0; b < 256; ++b) {
            const uint32_t prev = t[k - 1][b];
            t[k][b] = (prev >> 8) ^ t[0][prev & 0xffu]; // one more zero byte
        }
    }
    return t;
}
constexpr std::array<std::array<uint32_t, 256>, 8> kSlice = makeSliceTables();

constexpr uint32_t rawBytewise(uint32_t r, const unsigned char* p, size_t n)
{
    for (size_t i = 0; i < n; ++i)
        r = (r >> 8) ^ kSlice[0][(r ^ p[i]) & 0xffu];
    return r;
}

// Compile-time check of the table generation against the standard check value.
constexpr bool selfCheck()
{
    constexpr unsigned char kCheck[] = { '1', '2', '3', '4', '5', '6', '7', '8', '9' };
    return ~rawBytewise(~0u, kCheck, sizeof kCheck) == 0xE3069283u;
}
static_assert(selfCheck(), "CRC32C table generation is wrong");
static_assert(mulMod(kOne, 0x12345678u) == 0x12345678u && xPow8n(0) == kOne);

inline uint32_t loadLe32(const unsigned char* p)
{
    if constexpr (std::endian::native == std::endian::little) {
        uint32_t v;
        std::memcpy(&v, p, sizeof v);
        return v;
    } else {
        return uint32_t { p[0] } | (uint32_t { p[1] } << 8) | (uint32_t { p[2] } << 16)
            | (uint32_t { p[3] } << 24);
    }
}

uint32_t rawPortable(uint32_t r, const unsigned char* p, size_t n)
{
    while (n >= 8) {
        // The register lines up with the first four message bytes (little-endian), so xor it in there; each
        // of the eight bytes then contributes "itself followed by (7 - position) zero bytes".
        const uint32_t lo = loadLe32(p) ^ r;
        const uint32_t hi = loadLe32(p + 4);
        r = kSlice[7][lo & 0xffu] ^ kSlice[6][(lo >> 8) & 0xffu] ^ kSlice[5][(lo >> 16) & 0xffu]
            ^ kSlice[4][lo >> 24] ^ kSlice[3][hi & 0xffu] ^ kSlice[2][(hi >> 8) & 0xffu]
            ^ kSlice[1][(hi >> 16) & 0xffu] ^ kSlice[0][hi >> 24];
        p += 8;
        n -= 8;
    }
    return rawBytewise(r, p, n);
}

// ---- Hardware: SSE4.2 crc32 with three interleaved streams -----------------------------------------------

#if TSCOPE_CRC32C_X86_64

// Multiplication of a register by a fixed polynomial K is linear over GF(2), so it splits into the four
// bytes of the register: r·K = T0[r & ff] ^ T1[(r >> 8) & ff] ^ T2[(r >> 16) & ff] ^ T3[r >> 24].
struct ShiftTable {
    std::array<ByteTable, 4> t;

    uint32_t apply(uint32_t r) const
    {
        return t[0][r & 0xffu] ^ t[1][(r >> 8) & 0xffu] ^ t[2][(r >> 16) & 0xffu] ^ t[3][r >> 24];
    }
};

constexpr ShiftTable makeShiftTable(uint64_t bytes)
{
    const uint32_t k = xPow8n(bytes);
    ShiftTable s {};
    for (size_t j = 0; j < 4; ++j) {
        for (uint32_t b = 0; b < 256; ++b)
            s.t[j][b] = mulMod(b << (8 * j), k);
    }
    return s;
}

// crc32q has a latency of ~3 cycles but a throughput of 1/cycle, so one dependent chain runs at a third of
// the possible speed. Three streams over consecutive blocks keep the unit busy. Large buffers use long
// blocks (merge cost amortised); the short block size covers medium buffers (≥ 768 bytes).
constexpr size_t kLongBlock = 8192;
// Buffers larger than the L2 cache come from memory; there longer blocks measured faster (64 MiB: 15.2 ->
// 16.4 GB/s; a 256 MiB file through the mapping: 14.3 -> 17.5 GB/s), while from L2 they are slower (1 MiB:
// 24.9 -> 20.3 GB/s), so they are used only from this size up.
constexpr size_t kHugeBlock = 32768;
constexpr size_t kHugeBufferBytes = size_t(2) << 20;
constexpr size_t kShortBlock = 256;
constexpr ShiftTable kShiftLong = makeShiftTable(kLongBlock);
constexpr ShiftTable kShiftHuge = makeShiftTable(kHugeBlock);
// Large buffers mostly come from memory, not the cache, and one crc32q per cycle keeps too few loads in
// flight for the hardware prefetcher alone: each stream prefetches a page ahead (bench_crc32c, 64 MiB:
// 13.8 -> 15.1 GB/s; 1 MiB in L2: 26.1 -> 25.2 GB/s). Prefetches never fault, even past the end.
constexpr size_t kPrefetchAhead = 4096;
constexpr ShiftTable kShiftShort = makeShiftTable(kShortBlock);

inline uint64_t loadU64(const unsigned char* p)
{
    uint64_t v;
    std::memcpy(&v, p, sizeof v); // x86 is little-endian; memcpy keeps unaligned access well-defined
    return v;
}

template <size_t kBlock, size_t kPrefetch>
__attribute__((target("sse4.2"))) inline uint32_t hwThreeStreams(
    uint32_t r, const unsigned char*& p, size_t& n, const ShiftTable& shift)
{
    static_assert(kBlock % 64 == 0);
    while (n >= 3 * kBlock) {
        uint64_t c0 = r;
        uint64_t c1 = 0;
        uint64_t c2 = 0;
        const unsigned char* const end = p + kBlock;
        for (const unsigned char* q = p; q != end; q += 64) {
            if constexpr (kPrefetch > 0) { // addresses, not pointers: they may lie past the buffer
                const uintptr_t a = reinterpret_cast<uintptr_t>(q) + kPrefetch;
                _mm_prefetch(reinterpret_cast<const char*>(a), _MM_HINT_T0);
                _mm_prefetch(reinterpret_cast<const char*>(a + kBlock), _MM_HINT_T0);
                _mm_prefetch(reinterpret_cast<const char*>(a + 2 * kBlock), _MM_HINT_T0);
            }
            for (int k = 0; k < 64; k += 8) {
                c0 = _mm_crc32_u64(c0, loadU64(q + k));
                c1 = _mm_crc32_u64(c1, loadU64(q + kBlock + k));
                c2 = _mm_crc32_u64(c2, loadU64(q + 2 * kBlock + k));
            }
        }
        // raw(r, A‖B‖C) = ((raw(r,A)·x^(8L)) ⊕ raw(0,B))·x^(8L) ⊕ raw(0,C)
        r = shift.apply(static_cast<uint32_t>(c0)) ^ static_cast<uint32_t>(c1);
        r = shift.apply(r) ^ static_cast<uint32_t>(c2);
        p += 3 * kBlock;
        n -= 3 * kBlock;
    }
    return r;
}

__attribute__((target("sse4.2"))) uint32_t rawHardware(uint32_t r, const unsigned char* p, size_t n)
{
    // Head: single bytes until p is 8-byte aligned, so the 8-byte loads never straddle a cache line.
    while (n != 0 && (reinterpret_cast<uintptr_t>(p) & 7u) != 0) {
        r = _mm_crc32_u8(r, *p++);
        --n;
    }
    if (n >= kHugeBufferBytes) r = hwThreeStreams<kHugeBlock, kPrefetchAhead>(r, p, n, kShiftHuge);
    r = hwThreeStreams<kLongBlock, kPrefetchAhead>(r, p, n, kShiftLong);
    r = hwThreeStreams<kShortBlock, 0>(r, p, n, kShiftShort);
    uint64_t c = r;
    while (n >= 8) {
        c = _mm_crc32_u64(c, loadU64(p));
        p += 8;
        n -= 8;
    }
    r = static_cast<uint32_t>(c);
    while (n != 0) {
        r = _mm_crc32_u8(r, *p++);
        --n;
    }
    return r;
}

bool detectHardware()
{
    __builtin_cpu_init();
    return __builtin_cpu_supports("sse4.2") != 0;
}

#else

bool detectHardware()
{
    return false;
}

#endif

} // namespace

bool hardwareAccelerated()
{
    static const bool hw = detectHardware();
    return hw;
}

uint32_t extendPortable(uint32_t crc, const void* data, size_t n)
{
    if (n == 0) return crc;
    return ~rawPortable(~crc, static_cast<const unsigned char*>(data), n);
}

uint32_t extend(uint32_t crc, const void* data, size_t n)
{
    if (n == 0) return crc;
#if TSCOPE_CRC32C_X86_64
    if (hardwareAccelerated()) return ~rawHardware(~crc, static_cast<const unsigned char*>(data), n);
#endif
    return ~rawPortable(~crc, static_cast<const unsigned char*>(data), n);
}

uint32_t combine(uint32_t crcA, uint32_t crcB, uint64_t lenB)
{
    // With r = ~crc: value(A‖B) = ~(raw(~vA, B)) = ~(~vA·X ⊕ raw(0,B)), X = x^(8|B|), and
    // raw(0,B) = ~vB ⊕ ~0·X. The ~0·X terms and the outer/inner inversions cancel: vA·X ⊕ vB.
    return mulMod(crcA, xPow8n(lenB)) ^ crcB;
}

} // namespace tscope::io::crc32c
