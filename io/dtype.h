// TensorFlow's DataType enum values and what we know about each: name, size in a bundle, kind.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

namespace tscope::io {

// Values are TensorFlow's DataType enum (types.proto). Any int converts (static_cast) and survives, so
// values this list does not name (newer TensorFlow, damaged files) are kept and named "unknown_dtype_N".
enum class DType : int {
    Invalid = 0,
    Float = 1,
    Double = 2,
    Int32 = 3,
    UInt8 = 4,
    Int16 = 5,
    Int8 = 6,
    String = 7,
    Complex64 = 8,
    Int64 = 9,
    Bool = 10,
    QInt8 = 11,
    QUInt8 = 12,
    QInt32 = 13,
    BFloat16 = 14,
    QInt16 = 15,
    QUInt16 = 16,
    UInt16 = 17,
    Complex128 = 18,
    Half = 19,
    Resource = 20,
    Variant = 21,
    UInt32 = 22,
    UInt64 = 23,
    Float8E5M2 = 24,
    Float8E4M3FN = 25,
    Float8E4M3FNUZ = 26,
    Float8E4M3B11FNUZ = 27,
    Float8E5M2FNUZ = 28,
    Int4 = 29,
    UInt4 = 30,
    Int2 = 31,
    UInt2 = 32,
    Float4E2M1FN = 33,
};

enum class DTypeKind { Float, Complex, SignedInt, UnsignedInt, Bool, String, Opaque, Unknown };

struct DTypeInfo {
    const char* name; // TensorFlow's DType.name: "float32", "bfloat16", "string", ...
    size_t elementSize; // bytes per element in a bundle; 0 for variable-size or not storable
    DTypeKind kind;
};

// True when a stored dtype value (TensorFlow's int, kept so unknown values survive) is `type`.
constexpr bool isDType(int value, DType type)
{
    return value == static_cast<int>(type);
}
constexpr bool isDType(DType value, DType type)
{
    return value == type;
}

// Info for any value, including unknown ones (name "unknown_dtype_N", size 0, kind Unknown).
DTypeInfo dtypeInfo(int dtype);
inline DTypeInfo dtypeInfo(DType dtype)
{
    return dtypeInfo(static_cast<int>(dtype));
}
std::string dtypeName(int dtype);
inline std::string dtypeName(DType dtype)
{
    return dtypeName(static_cast<int>(dtype));
}

// A _REF type (value + 100, TF1 graphs only) mapped to its base type.
int dtypeBase(int dtype);

// True when elements are fixed-size and can be memory-mapped as-is.
bool dtypeIsFixedSize(int dtype);
bool dtypeIsNumeric(int dtype); // floats, complex, ints, bool (statistics make sense)
inline bool dtypeIsFixedSize(DType dtype)
{
    return dtypeIsFixedSize(static_cast<int>(dtype));
}
inline bool dtypeIsNumeric(DType dtype)
{
    return dtypeIsNumeric(static_cast<int>(dtype));
}

} // namespace tscope::io
