#include "io/element.h"

#include "io/dtype.h"

#include <bit>
#include <charconv>
#include <cmath>
#include <cstring>
#include <limits>

namespace tscope::io {
namespace {

template <typename T> T load(const std::byte* p)
{
    T v;
    std::memcpy(&v, p, sizeof v);
    return v;
}

// Generic small float: 1 sign bit, `e` exponent bits, `m` mantissa bits.
float smallFloat(uint32_t bits, int e, int m, int bias, bool hasInf, bool nanIsNegZero, bool nanAllOnes)
{
    const uint32_t sign = (bits >> (e + m)) & 1;
    const uint32_t exp = (bits >> m) & ((1u << e) - 1);
    const uint32_t man = bits & ((1u << m) - 1);
    const float s = sign ? -1.0f : 1.0f;
    if (nanIsNegZero && sign && exp == 0 && man == 0) return std::numeric_limits<float>::quiet_NaN();
    if (exp == (1u << e) - 1) {
        if (hasInf)
            return man == 0 ? s * std::numeric_limits<float>::infinity()
                            : std::numeric_limits<float>::quiet_NaN();
        if (nanAllOnes && man == (1u << m) - 1) return std::numeric_limits<float>::quiet_NaN();
    }
    if (exp == 0) return s * std::ldexp(static_cast<float>(man), 1 - bias - m);
    return s * std::ldexp(static_cast<float>(man | (1u << m)), static_cast<int>(exp) - bias - m);
}

} // namespace

float halfToFloat(uint16_t h)
{
    return smallFloat(h, 5, 10, 15, true, false, false);
}

float bfloat16ToFloat(uint16_t b)
{
    return std::bit_cast<float>(static_cast<uint32_t>(b) << 16);
}

float float8ToFloat(int dtype, uint8_t v)
{
    switch (static_cast<DType>(dtype)) {
    case DType::Float8E5M2:
        return halfToFloat(static_cast<uint16_t>(v << 8));
    case DType::Float8E4M3FN:
        return smallFloat(v, 4, 3, 7, false, false, true);
    case DType::Float8E4M3FNUZ:
        return smallFloat(v, 4, 3, 8, false, true, false);
    case DType::Float8E4M3B11FNUZ:
        return smallFloat(v, 4, 3, 11, false, true, false);
    case DType::Float8E5M2FNUZ:
        return smallFloat(v, 5, 2, 16, false, true, false);
    case DType::Float4E2M1FN:
        return smallFloat(v & 0x0f, 2, 1, 1, false, false, false);
    default:
        return std::numeric_limits<float>::quiet_NaN();
    }
}

bool elementAsInt64(int dtype, const std::byte* p, int64_t& out)
{
    switch (static_cast<DType>(dtype)) {
    case DType::Int8:
    case DType::QInt8:
    case DType::Int4:
    case DType::Int2:
        out = load<int8_t>(p);
        return true;
    case DType::Int16:
    case DType::QInt16:
        out = load<int16_t>(p);
        return true;
    case DType::Int32:
    case DType::QInt32:
        out = load<int32_t>(p);
        return true;
    case DType::Int64:
        out = load<int64_t>(p);
        return true;
    default:
        return false;
    }
}

bool elementAsUInt64(int dtype, const std::byte* p, uint64_t& out)
{
    switch (static_cast<DType>(dtype)) {
    case DType::UInt8:
    case DType::QUInt8:
    case DType::UInt4:
    case DType::UInt2:
    case DType::Bool:
        out = load<uint8_t>(p);
        return true;
    case DType::UInt16:
    case DType::QUInt16:
        out = load<uint16_t>(p);
        return true;
    case DType::UInt32:
        out = load<uint32_t>(p);
        return true;
    case DType::UInt64:
        out = load<uint64_t>(p);
        return true;
    default:
        return false;
    }
}

std::complex<double> elementAsComplex(int dtype, const std::byte* p)
{
    if (dtype == static_cast<int>(DType::Complex64)) return { load<float>(p), load<float>(p + 4) };
    if (dtype == static_cast<int>(DType::Complex128)) return { load<double>(p), load<double>(p + 8) };
    return { elementAsDouble(dtype, p), 0.0 };
}

double elementAsDouble(int dtype, const std::byte* p)
{
    int64_t i;
    uint64_t u;
    if (elementAsInt64(dtype, p, i)) return static_cast<double>(i);
    if (elementAsUInt64(dtype, p, u)) return static_cast<double>(u);
    switch (static_cast<DType>(dtype)) {
    case DType::Float:
        return load<float>(p);
    case DType::Double:
        return load<double>(p);
    case DType::Half:
        return halfToFloat(load<uint16_t>(p));
    case DType::BFloat16:
        return bfloat16ToFloat(load<uint16_t>(p));
    case DType::Complex64:
        return load<float>(p);
    case DType::Complex128:
        return load<double>(p);
    case DType::Float8E5M2:
    case DType::Float8E4M3FN:
    case DType::Float8E4M3FNUZ:
    case DType::Float8E4M3B11FNUZ:
    case DType::Float8E5M2FNUZ:
    case DType::Float4E2M1FN:
        return float8ToFloat(dtype, load<uint8_t>(p));
    default:
        return std::numeric_limits<double>::quiet_NaN();
    }
}

std::string formatDouble(double v)
{
    if (std::isnan(v)) return "nan";
    if (std::isinf(v)) return v > 0 ? "inf" : "-inf";
    char buf[64];
    auto r = std::to_chars(buf, buf + sizeof buf, v);
    return std::string(buf, r.ptr);
}

std::string formatFloat(float v)
{
    if (std::isnan(v)) return "nan";
    if (std::isinf(v)) return v > 0 ? "inf" : "-inf";
    char buf[64];
    auto r = std::to_chars(buf, buf + sizeof buf, v);
    return std::string(buf, r.ptr);
}

std::string formatElement(int dtype, const std::byte* p)
{
    int64_t i;
    uint64_t u;
    if (dtype == static_cast<int>(DType::Bool)) return load<uint8_t>(p) ? "true" : "false";
    if (elementAsInt64(dtype, p, i)) return std::to_string(i);
    if (elementAsUInt64(dtype, p, u)) return std::to_string(u);
    if (dtype == static_cast<int>(DType::Double)) return formatDouble(load<double>(p));
    if (dtype == static_cast<int>(DType::Complex64) || dtype == static_cast<int>(DType::Complex128)) {
        auto c = elementAsComplex(dtype, p);
        bool f32 = dtype == static_cast<int>(DType::Complex64);
        std::string re = f32 ? formatFloat(static_cast<float>(c.real())) : formatDouble(c.real());
        std::string im = f32 ? formatFloat(static_cast<float>(c.imag())) : formatDouble(c.imag());
        if (!im.empty() && im[0] != '-') im = "+" + im;
        return "(" + re + im + "j)";
    }
    return formatFloat(static_cast<float>(elementAsDouble(dtype, p)));
}

} // namespace tscope::io
