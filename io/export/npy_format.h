// The .npy format (numpy's NEP 1): magic, version, a Python-literal header dict padded to 64 bytes, then
// the C-order little-endian elements. Strings become fixed-width bytes ('|S<n>').
#pragma once

#include "io/dtype.h"
#include "io/status.h"
#include "io/tensor.h"

#include <string>

namespace tscope::io {

// numpy's dtype string for a stored dtype ("<f4", "|b1"...), or Unsupported with the reason (bfloat16 and
// float8 have no numpy dtype; quantized and 4-bit integers are written as the integers they store).
Result<std::string> npyDescr(DType dtype);
// Empty when .npy can hold the dtype, else why not: the shape of `supports` in export_items.h.
std::string npySupports(DType dtype);

// The header (magic to the newline), version 1.0, or 2.0 when the dict needs more than 65535 bytes.
std::string npyHeader(const std::string& descr, const Shape& shape);

// Strings as '|S<width>' elements: the width is the longest string (at least 1). Unsupported when a
// string ends in a NUL byte, which numpy's bytes dtype would silently drop.
Result<std::string> npyStringDescr(const std::vector<std::string>& values, size_t& width);
std::string npyStringData(const std::vector<std::string>& values, size_t width);

// Header and data of a whole tensor as one .npy (strings padded). Fixed-size data is not copied:
// `data` points at the tensor's own bytes, or at `owned` for strings.
struct NpyParts {
    std::string header;
    std::string owned; // the padded strings
    std::span<const std::byte> borrowed; // a fixed-size tensor's bytes
    bool usesOwned = false;
    std::span<const std::byte> data() const
    {
        return usesOwned ? std::span(reinterpret_cast<const std::byte*>(owned.data()), owned.size())
                         : borrowed;
    }
};
Result<NpyParts> npyParts(const Tensor& tensor);

} // namespace tscope::io
