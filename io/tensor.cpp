#include "io/tensor.h"

#include "io/dtype.h"
#include "io/guarded_read.h"
#include "io/mapped_file.h"

#include <cstring>

namespace tscope::io {

std::optional<uint64_t> shapeElementCount(const Shape& shape)
{
    uint64_t n = 1;
    for (int64_t d : shape) {
        if (d < 0) return std::nullopt;
        // n * d above 2^62 is refused; one multiply with an overflow check instead of a division.
        uint64_t product = 0;
        if (__builtin_mul_overflow(n, static_cast<uint64_t>(d), &product) || product > (uint64_t(1) << 62))
            return std::nullopt;
        n = product;
    }
    return n;
}

std::string shapeToString(const Shape& shape, ShapeStyle style)
{
    const bool python = style == ShapeStyle::Python;
    std::string s = style == ShapeStyle::Brackets ? "[" : "(";
    for (size_t i = 0; i < shape.size(); ++i) {
        if (i) s += ", ";
        s += shape[i] >= 0 ? std::to_string(shape[i]) : (python ? "None" : "?");
    }
    if (python && shape.size() == 1) s += ","; // a one-element Python tuple
    return s + (style == ShapeStyle::Brackets ? "]" : ")");
}

std::string shapeToString(const std::optional<Shape>& shape, ShapeStyle style)
{
    if (shape) return shapeToString(*shape, style);
    return style == ShapeStyle::Python ? "None" : "unknown rank";
}

Tensor Tensor::borrowed(
    DType dtype, Shape shape, std::span<const std::byte> bytes, std::shared_ptr<const void> keepAlive)
{
    Tensor t;
    t.m_dtype = dtype;
    t.m_elements = shapeElementCount(shape).value_or(0);
    t.m_shape = std::move(shape);
    t.m_bytes = bytes;
    t.m_keepAlive = std::move(keepAlive);
    return t;
}

Tensor Tensor::owned(DType dtype, Shape shape, std::vector<std::byte> bytes)
{
    Tensor t;
    t.m_dtype = dtype;
    t.m_elements = shapeElementCount(shape).value_or(0);
    t.m_shape = std::move(shape);
    t.m_owned = std::move(bytes);
    t.m_bytes = t.m_owned;
    return t;
}

Tensor Tensor::strings(Shape shape, std::vector<std::string> values)
{
    Tensor t;
    t.m_dtype = DType::String;
    t.m_isString = true;
    t.m_elements = values.size();
    t.m_shape = std::move(shape);
    t.m_strings = std::move(values);
    return t;
}

Status Tensor::copyTo(uint64_t byteOffset, std::span<std::byte> dst) const
{
    if (byteOffset > m_bytes.size() || dst.size() > m_bytes.size() - byteOffset)
        return Status(ErrorCode::InvalidArgument, "read past the end of the tensor's values");
    const auto src = m_bytes.subspan(static_cast<size_t>(byteOffset), dst.size());
    if (!isBorrowed()) {
        if (!dst.empty()) std::memcpy(dst.data(), src.data(), dst.size());
        return {};
    }
    Status s = guardedCopy(src, dst.data());
    if (!s.isOk() && !m_sourcePath.empty()) s.withPath(m_sourcePath).withOffset(m_sourceOffset + byteOffset);
    return s;
}

Status Tensor::readInto(uint64_t byteOffset, std::span<std::byte> dst) const
{
    if (!m_sourceFile) return copyTo(byteOffset, dst);
    if (byteOffset > m_bytes.size() || dst.size() > m_bytes.size() - byteOffset)
        return Status(ErrorCode::InvalidArgument, "read past the end of the tensor's values");
    return m_sourceFile->readAt(m_sourceOffset + byteOffset, dst);
}

void Tensor::setSource(std::string path, uint64_t offset)
{
    m_sourcePath = std::move(path);
    m_sourceOffset = offset;
}

void Tensor::setSource(std::shared_ptr<const MappedFile> file, uint64_t offset)
{
    m_sourcePath = file->path().string();
    m_sourceOffset = offset;
    m_sourceFile = std::move(file);
}

} // namespace tscope::io
