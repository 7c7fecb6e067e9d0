#include "io/export/npy_format.h"

#include <algorithm>

namespace tscope::io {

Result<std::string> npyDescr(DType dtype)
{
    switch (dtype) {
    case DType::Float:
        return std::string("<f4");
    case DType::Double:
        return std::string("<f8");
    case DType::Half:
        return std::string("<f2");
    case DType::Int8:
    case DType::QInt8:
    case DType::Int4:
    case DType::Int2:
        return std::string("|i1");
    case DType::UInt8:
    case DType::QUInt8:
    case DType::UInt4:
    case DType::UInt2:
        return std::string("|u1");
    case DType::Int16:
    case DType::QInt16:
        return std::string("<i2");
    case DType::UInt16:
    case DType::QUInt16:
        return std::string("<u2");
    case DType::Int32:
    case DType::QInt32:
        return std::string("<i4");
    case DType::UInt32:
        return std::string("<u4");
    case DType::Int64:
        return std::string("<i8");
    case DType::UInt64:
        return std::string("<u8");
    case DType::Bool:
        return std::string("|b1");
    case DType::Complex64:
        return std::string("<c8");
    case DType::Complex128:
        return std::string("<c16");
    default:
        break;
    }
    return Status(ErrorCode::Unsupported,
        "numpy has no " + dtypeName(dtype) + " dtype (safetensors keeps bfloat16 and float8_e4m3fn/e5m2)");
}

std::string npySupports(DType dtype)
{
    if (dtype == DType::String) return {};
    auto d = npyDescr(dtype);
    return d ? std::string() : d.status().message();
}

std::string npyHeader(const std::string& descr, const Shape& shape)
{
    std::string dict = "{'descr': '" + descr + "', 'fortran_order': False, 'shape': (";
    for (size_t i = 0; i < shape.size(); ++i)
        dict += (i ? ", " : "") + std::to_string(shape[i]);
    if (shape.size() == 1) dict += ",";
    dict += "), }";
    // Magic (6) + version (2) + length (2 or 4) + dict + padding + '\n' is a multiple of 64.
    const bool v2 = dict.size() + 1 + 10 > 65535;
    const size_t prefix = v2 ? 12 : 10;
    const size_t total = (prefix + dict.size() + 1 + 63) / 64 * 64;
    dict.append(total - prefix - dict.size() - 1, ' ');
    dict += '\n';
    std::string out = "\x93NUMPY";
    out += static_cast<char>(v2 ? 2 : 1);
    out += '\0';
    const uint32_t len = static_cast<uint32_t>(dict.size());
    for (size_t i = 0; i < (v2 ? 4u : 2u); ++i)
        out += static_cast<char>((len >> (8 * i)) & 0xff);
    return out + dict;
}

Result<std::string> npyStringDescr(const std::vector<std::string>& values, size_t& width)
{
    width = 1;
    for (const auto& v : values) {
        if (!v.empty() && v.back() == '\0')
            return Status(ErrorCode::Unsupported,
                "a string ends in a NUL byte, which numpy's fixed-width bytes dtype cannot keep");
        width = std::max(width, v.size());
    }
    return "|S" + std::to_string(width);
}

std::string npyStringData(const std::vector<std::string>& values, size_t width)
{
    std::string out;
    out.reserve(values.size() * width);
    for (const auto& v : values) {
        out += v;
        out.append(width - v.size(), '\0');
    }
    return out;
}

Result<NpyParts> npyParts(const Tensor& tensor)
{
    NpyParts parts;
    if (tensor.isString()) {
        size_t width = 0;
        auto descr = npyStringDescr(tensor.stringValues(), width);
        if (!descr) return descr.status();
        parts.header = npyHeader(*descr, tensor.shape());
        parts.owned = npyStringData(tensor.stringValues(), width);
        parts.usesOwned = true;
        return parts;
    }
    auto descr = npyDescr(tensor.dtype());
    if (!descr) return descr.status();
    parts.header = npyHeader(*descr, tensor.shape());
    parts.borrowed = tensor.bytes();
    return parts;
}

} // namespace tscope::io
