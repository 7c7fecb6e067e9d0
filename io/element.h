// Converting one stored element to a number or text, for every fixed-size dtype (float16, bfloat16,
// float8 variants, int4 stored as one byte, complex...). Used by `show`, the value grid and exports.
#pragma once

#include "io/dtype.h"

#include <complex>
#include <cstddef>
#include <cstdint>
#include <string>

namespace tscope::io {

float halfToFloat(uint16_t h);
float bfloat16ToFloat(uint16_t b);
// float8_e5m2, e4m3fn, e4m3fnuz, e4m3b11fnuz, e5m2fnuz and float4_e2m1fn, by DataType value.
float float8ToFloat(int dtype, uint8_t v);

// Real value of an element (complex: the real part; bool: 0/1). `p` points at the element's bytes.
double elementAsDouble(int dtype, const std::byte* p);
// Complex value (imaginary part 0 for real dtypes).
std::complex<double> elementAsComplex(int dtype, const std::byte* p);
// Integer dtypes keep full 64-bit precision here.
bool elementAsInt64(int dtype, const std::byte* p, int64_t& out);
bool elementAsUInt64(int dtype, const std::byte* p, uint64_t& out);

// Human text: shortest round-trip for floats ("0.1", "nan", "-inf"), exact integers, "true"/"false",
// complex as "(re+imj)".
std::string formatElement(int dtype, const std::byte* p);
std::string formatDouble(double v); // shortest round-trip, "nan", "inf", "-inf"
std::string formatFloat(float v); // shortest round-trip for a float32

// The same for the DType a Tensor or TensorEntry carries.
inline double elementAsDouble(DType dtype, const std::byte* p)
{
    return elementAsDouble(static_cast<int>(dtype), p);
}
inline std::complex<double> elementAsComplex(DType dtype, const std::byte* p)
{
    return elementAsComplex(static_cast<int>(dtype), p);
}
inline bool elementAsInt64(DType dtype, const std::byte* p, int64_t& out)
{
    return elementAsInt64(static_cast<int>(dtype), p, out);
}
inline bool elementAsUInt64(DType dtype, const std::byte* p, uint64_t& out)
{
    return elementAsUInt64(static_cast<int>(dtype), p, out);
}
inline std::string formatElement(DType dtype, const std::byte* p)
{
    return formatElement(static_cast<int>(dtype), p);
}

} // namespace tscope::io
