#include "model/kernels/convert_to_float.h"

#include "io/element.h"
#include "model/kernels/kernel_dispatch.h"

#include <array>
#include <bit>
#include <cstdint>
#include <cstring>

#if defined(__x86_64__) && defined(__GNUC__)
#include <immintrin.h>
#define TSCOPE_CONVERT_F16C 1
#endif

namespace tscope::model {
namespace {

uint16_t load16(const std::byte* p)
{
    uint16_t u;
    std::memcpy(&u, p, 2); // stored data need not be aligned
    return u;
}

// float16 -> float32 by moving the exponent and mantissa bits (exact; no table, no branches the compiler
// cannot turn into selects). Subnormals are rebuilt with one exact float subtraction.
inline float halfBits(uint16_t h)
{
    constexpr uint32_t shiftedExp = 0x7c00u << 13; // the float16 exponent field, in float32 position
    uint32_t o = (static_cast<uint32_t>(h) & 0x7fffu) << 13;
    const uint32_t exp = o & shiftedExp;
    o += (127u - 15u) << 23; // rebias the exponent
    if (exp == shiftedExp) o += (128u - 16u) << 23; // Inf/NaN: exponent all ones
    float f = std::bit_cast<float>(o);
    if (exp == 0)
        f = std::bit_cast<float>(o + (1u << 23)) - std::bit_cast<float>(113u << 23); // zero/subnormal
    return std::bit_cast<float>(std::bit_cast<uint32_t>(f) | ((static_cast<uint32_t>(h) & 0x8000u) << 16));
}

#if TSCOPE_CONVERT_F16C
__attribute__((target("avx2,f16c"))) void halfToFloatF16c(const std::byte* src, float* dst, size_t n)
{
    size_t i = 0;
    for (; i + 8 <= n; i += 8)
        _mm256_storeu_ps(
            dst + i, _mm256_cvtph_ps(_mm_loadu_si128(reinterpret_cast<const __m128i*>(src + 2 * i))));
    for (; i < n; ++i)
        dst[i] = halfBits(load16(src + 2 * i));
}

__attribute__((target("avx2"))) void bfloat16ToFloatAvx2(const std::byte* src, float* dst, size_t n)
{
    size_t i = 0;
    for (; i + 8 <= n; i += 8) {
        const __m256i wide
            = _mm256_cvtepu16_epi32(_mm_loadu_si128(reinterpret_cast<const __m128i*>(src + 2 * i)));
        _mm256_storeu_si256(reinterpret_cast<__m256i*>(dst + i), _mm256_slli_epi32(wide, 16));
    }
    for (; i < n; ++i)
        dst[i] = std::bit_cast<float>(static_cast<uint32_t>(load16(src + 2 * i)) << 16);
}
#endif

using Table = std::array<float, 256>;

const Table& float8Table(io::DType dtype)
{
    // One 256-entry table per 8-bit format, filled once from io's element decoder (the reference).
    static const std::array<Table, 6> tables = [] {
        std::array<Table, 6> t {};
        const io::DType kinds[6]
            = { io::DType::Float8E5M2, io::DType::Float8E4M3FN, io::DType::Float8E4M3FNUZ,
                  io::DType::Float8E4M3B11FNUZ, io::DType::Float8E5M2FNUZ, io::DType::Float4E2M1FN };
        for (size_t k = 0; k < 6; ++k)
            for (unsigned v = 0; v < 256; ++v)
                t[k][v] = io::float8ToFloat(static_cast<int>(kinds[k]), static_cast<uint8_t>(v));
        return t;
    }();
    switch (dtype) {
    case io::DType::Float8E5M2:
        return tables[0];
    case io::DType::Float8E4M3FN:
        return tables[1];
    case io::DType::Float8E4M3FNUZ:
        return tables[2];
    case io::DType::Float8E4M3B11FNUZ:
        return tables[3];
    case io::DType::Float8E5M2FNUZ:
        return tables[4];
    default:
        return tables[5];
    }
}

} // namespace

void halfToFloatBlock(const std::byte* src, float* dst, size_t n)
{
#if TSCOPE_CONVERT_F16C
    if (kernelsUseF16c()) return halfToFloatF16c(src, dst, n);
#endif
    for (size_t i = 0; i < n; ++i)
        dst[i] = halfBits(load16(src + 2 * i));
}

void bfloat16ToFloatBlock(const std::byte* src, float* dst, size_t n)
{
#if TSCOPE_CONVERT_F16C
    if (kernelsUseAvx2()) return bfloat16ToFloatAvx2(src, dst, n);
#endif
    for (size_t i = 0; i < n; ++i) // the top half of a float32
        dst[i] = std::bit_cast<float>(static_cast<uint32_t>(load16(src + 2 * i)) << 16);
}

void float8ToFloatBlock(io::DType dtype, const std::byte* src, float* dst, size_t n)
{
    const Table& t = float8Table(dtype);
    for (size_t i = 0; i < n; ++i)
        dst[i] = t[static_cast<uint8_t>(src[i])];
}

bool convertsToFloatBlock(io::DType dtype)
{
    switch (dtype) {
    case io::DType::Half:
    case io::DType::BFloat16:
    case io::DType::Float8E5M2:
    case io::DType::Float8E4M3FN:
    case io::DType::Float8E4M3FNUZ:
    case io::DType::Float8E4M3B11FNUZ:
    case io::DType::Float8E5M2FNUZ:
    case io::DType::Float4E2M1FN:
        return true;
    default:
        return false;
    }
}

void toFloatBlock(io::DType dtype, const std::byte* src, float* dst, size_t n)
{
    switch (dtype) {
    case io::DType::Half:
        return halfToFloatBlock(src, dst, n);
    case io::DType::BFloat16:
        return bfloat16ToFloatBlock(src, dst, n);
    default:
        return float8ToFloatBlock(dtype, src, dst, n);
    }
}

} // namespace tscope::model
