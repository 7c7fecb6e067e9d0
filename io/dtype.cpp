#include "io/dtype.h"

#include <array>

namespace tscope::io {
namespace {

constexpr DTypeInfo kUnknown { "unknown", 0, DTypeKind::Unknown };

constexpr std::array<DTypeInfo, 34> kInfos { {
    { "invalid", 0, DTypeKind::Unknown },
    { "float32", 4, DTypeKind::Float },
    { "float64", 8, DTypeKind::Float },
    { "int32", 4, DTypeKind::SignedInt },
    { "uint8", 1, DTypeKind::UnsignedInt },
    { "int16", 2, DTypeKind::SignedInt },
    { "int8", 1, DTypeKind::SignedInt },
    { "string", 0, DTypeKind::String },
    { "complex64", 8, DTypeKind::Complex },
    { "int64", 8, DTypeKind::SignedInt },
    { "bool", 1, DTypeKind::Bool },
    { "qint8", 1, DTypeKind::SignedInt },
    { "quint8", 1, DTypeKind::UnsignedInt },
    { "qint32", 4, DTypeKind::SignedInt },
    { "bfloat16", 2, DTypeKind::Float },
    { "qint16", 2, DTypeKind::SignedInt },
    { "quint16", 2, DTypeKind::UnsignedInt },
    { "uint16", 2, DTypeKind::UnsignedInt },
    { "complex128", 16, DTypeKind::Complex },
    { "float16", 2, DTypeKind::Float },
    { "resource", 0, DTypeKind::Opaque },
    { "variant", 0, DTypeKind::Opaque },
    { "uint32", 4, DTypeKind::UnsignedInt },
    { "uint64", 8, DTypeKind::UnsignedInt },
    { "float8_e5m2", 1, DTypeKind::Float },
    { "float8_e4m3fn", 1, DTypeKind::Float },
    { "float8_e4m3fnuz", 1, DTypeKind::Float },
    { "float8_e4m3b11fnuz", 1, DTypeKind::Float },
    { "float8_e5m2fnuz", 1, DTypeKind::Float },
    { "int4", 1, DTypeKind::SignedInt },
    { "uint4", 1, DTypeKind::UnsignedInt },
    // int2/uint2/float4: one byte per element is inferred, not verified (FORMATS.md §7).
    { "int2", 1, DTypeKind::SignedInt },
    { "uint2", 1, DTypeKind::UnsignedInt },
    { "float4_e2m1fn", 1, DTypeKind::Float },
} };

} // namespace

DTypeInfo dtypeInfo(int dtype)
{
    if (dtype >= 0 && static_cast<size_t>(dtype) < kInfos.size()) return kInfos[static_cast<size_t>(dtype)];
    return kUnknown;
}

std::string dtypeName(int dtype)
{
    if (dtype > 100 && dtype < 100 + static_cast<int>(kInfos.size()))
        return std::string(kInfos[static_cast<size_t>(dtype - 100)].name) + "_ref";
    DTypeInfo info = dtypeInfo(dtype);
    if (info.kind == DTypeKind::Unknown && dtype != 0) return "unknown_dtype_" + std::to_string(dtype);
    return info.name;
}

int dtypeBase(int dtype)
{
    return dtype > 100 ? dtype - 100 : dtype;
}

bool dtypeIsFixedSize(int dtype)
{
    return dtypeInfo(dtype).elementSize > 0;
}

bool dtypeIsNumeric(int dtype)
{
    switch (dtypeInfo(dtype).kind) {
    case DTypeKind::Float:
    case DTypeKind::Complex:
    case DTypeKind::SignedInt:
    case DTypeKind::UnsignedInt:
    case DTypeKind::Bool:
        return true;
    default:
        return false;
    }
}

} // namespace tscope::io
