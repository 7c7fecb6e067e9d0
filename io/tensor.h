// A tensor's values as read from a bundle: fixed-size elements as little-endian bytes (borrowed from
// the memory map when possible), strings as a vector.
#pragma once

#include "io/dtype.h"
#include "io/status.h"

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

namespace tscope::io {

class MappedFile;

using Shape = std::vector<int64_t>;

// TensorFlow's TensorShape holds at most 254 dimensions; a stored shape with more is refused
// (Unsupported), which also keeps printed values linear in their count.
inline constexpr size_t kMaxRank = 254;

// Product of dims, or nullopt on a negative dim or overflow past 2^62.
std::optional<uint64_t> shapeElementCount(const Shape& shape);
// The one shape-to-text function. Unknown dimensions (negative) read "?" (Python: "None").
enum class ShapeStyle {
    Brackets, // "[3, 4]", "[]" for scalars: stored tensors
    Parentheses, // "(?, 13)", "()"; "unknown rank" without a shape: signature arguments
    Python, // "(None, 13)", "(3,)", "()"; "None" without a shape: as TensorFlow prints a TensorShape
};
std::string shapeToString(const Shape& shape, ShapeStyle style = ShapeStyle::Brackets);
std::string shapeToString(const std::optional<Shape>& shape, ShapeStyle style);

class Tensor {
public:
    Tensor() = default;
    // Move-only: an owned tensor's byte span points into its own buffer.
    Tensor(Tensor&&) = default;
    Tensor& operator=(Tensor&&) = default;
    Tensor(const Tensor&) = delete;
    Tensor& operator=(const Tensor&) = delete;

    // Borrow `bytes`; `keepAlive` owns the memory they live in (the mapped shard).
    static Tensor borrowed(
        DType dtype, Shape shape, std::span<const std::byte> bytes, std::shared_ptr<const void> keepAlive);
    static Tensor owned(DType dtype, Shape shape, std::vector<std::byte> bytes);
    static Tensor strings(Shape shape, std::vector<std::string> values);

    DType dtype() const { return m_dtype; }
    const Shape& shape() const { return m_shape; }
    uint64_t elementCount() const { return m_elements; }
    bool isString() const { return m_isString; }

    // Fixed-size dtypes: row-major little-endian element bytes. A borrowed span points into a mapped
    // file that another process may truncate (SIGBUS on touch): read it through copyTo instead.
    std::span<const std::byte> bytes() const { return m_bytes; }
    bool isBorrowed() const { return m_keepAlive != nullptr; }

    // Copies bytes [byteOffset, byteOffset + dst.size()) of the values into `dst`. For a borrowed tensor
    // the copy is guarded: a file that shrank under the mapping gives Truncated naming the file and offset.
    Status copyTo(uint64_t byteOffset, std::span<std::byte> dst) const;
    // The same for one streaming pass over a large tensor (diff): with a source file (setSource) the
    // bytes are read with pread, which costs no page faults but a kernel copy on every pass; copyTo's
    // mapping suits repeated passes (statistics then histogram) and small reads.
    Status readInto(uint64_t byteOffset, std::span<std::byte> dst) const;

    // Where borrowed bytes come from (for error messages): the file and the offset of byte 0.
    void setSource(std::string path, uint64_t offset);
    // The same, for bytes that are [offset, offset + bytes().size()) of `file`, which readInto reads.
    void setSource(std::shared_ptr<const MappedFile> file, uint64_t offset);

    // Ok, or why these values are known to be damaged (ChecksumMismatch): the reader still returns them
    // when asked to (ReadOptions::keepDamaged), marked by this status.
    const Status& integrity() const { return m_integrity; }
    void setIntegrity(Status s) { m_integrity = std::move(s); }
    // DT_STRING: the elements in row-major order.
    const std::vector<std::string>& stringValues() const { return m_strings; }

private:
    DType m_dtype = DType::Invalid;
    Shape m_shape;
    uint64_t m_elements = 0;
    bool m_isString = false;
    std::span<const std::byte> m_bytes;
    std::shared_ptr<const void> m_keepAlive;
    std::vector<std::byte> m_owned;
    std::vector<std::string> m_strings;
    std::shared_ptr<const MappedFile> m_sourceFile;
    std::string m_sourcePath;
    uint64_t m_sourceOffset = 0;
    Status m_integrity;
};

} // namespace tscope::io
