#include "io/slice_spec.h"

#include <algorithm>
#include <charconv>

namespace tscope::io {
namespace {

std::string trim(const std::string& s)
{
    size_t a = s.find_first_not_of(" \t"), b = s.find_last_not_of(" \t");
    return a == std::string::npos ? std::string() : s.substr(a, b - a + 1);
}

bool parseInt(const std::string& s, int64_t& out)
{
    if (s.empty()) return false;
    auto r = std::from_chars(s.data(), s.data() + s.size(), out);
    return r.ec == std::errc() && r.ptr == s.data() + s.size();
}

Status bad(const std::string& spec, const std::string& why)
{
    return Status(ErrorCode::InvalidArgument, "bad slice '" + spec + "': " + why);
}

} // namespace

Shape Selection::resultShape() const
{
    Shape s;
    for (const auto& d : dims)
        if (d.keepDim) s.push_back(d.count);
    return s;
}

uint64_t Selection::elementCount() const
{
    uint64_t n = 1;
    for (const auto& d : dims)
        n *= static_cast<uint64_t>(d.count);
    return n;
}

namespace {
// The one odometer behind both elementIndices: counts[d] positions along dimension d, the k-th of them
// being positionAt(d, k) among that dimension's selected indices; every combination, row-major.
template <typename PositionAt>
std::vector<uint64_t> indicesOf(const std::vector<DimSelection>& dims, const Shape& shape,
    const std::vector<size_t>& counts, const PositionAt& positionAt)
{
    std::vector<uint64_t> out;
    const size_t rank = dims.size();
    uint64_t total = 1;
    for (size_t c : counts)
        total *= c;
    if (total == 0) return out;
    out.reserve(static_cast<size_t>(total));
    std::vector<uint64_t> stride(rank, 1);
    for (size_t d = rank; d-- > 1;)
        stride[d - 1] = stride[d] * static_cast<uint64_t>(shape[d]);
    std::vector<size_t> at(rank, 0); // the odometer
    for (uint64_t k = 0; k < total; ++k) {
        uint64_t flat = 0;
        for (size_t d = 0; d < rank; ++d)
            flat += static_cast<uint64_t>(dims[d].start + positionAt(d, at[d]) * dims[d].step) * stride[d];
        out.push_back(flat);
        for (size_t d = rank; d-- > 0;) {
            if (++at[d] < counts[d]) break;
            at[d] = 0;
        }
    }
    return out;
}
} // namespace

std::vector<uint64_t> Selection::elementIndices(const Shape& shape) const
{
    std::vector<size_t> counts;
    for (const auto& d : dims)
        counts.push_back(static_cast<size_t>(std::max<int64_t>(d.count, 0)));
    return indicesOf(dims, shape, counts, [](size_t, size_t k) { return static_cast<int64_t>(k); });
}

std::vector<uint64_t> Selection::elementIndices(
    const Shape& shape, const std::vector<std::vector<int64_t>>& positions) const
{
    if (positions.size() != dims.size()) return {};
    std::vector<size_t> counts;
    for (const auto& p : positions)
        counts.push_back(p.size());
    return indicesOf(dims, shape, counts, [&](size_t d, size_t k) { return positions[d][k]; });
}

Result<Selection> parseSelection(const std::string& spec, const Shape& shape)
{
    std::vector<std::string> parts;
    if (!trim(spec).empty()) {
        size_t start = 0;
        while (true) {
            size_t comma = spec.find(',', start);
            parts.push_back(
                trim(spec.substr(start, comma == std::string::npos ? std::string::npos : comma - start)));
            if (comma == std::string::npos) break;
            start = comma + 1;
        }
    }
    // Expand a single "..." to as many ":" as needed.
    for (size_t i = 0; i < parts.size(); ++i)
        if (parts[i] == "...") {
            if (parts.size() - 1 > shape.size()) return bad(spec, "too many indices");
            parts.erase(parts.begin() + static_cast<long>(i));
            parts.insert(parts.begin() + static_cast<long>(i), shape.size() - parts.size(), ":");
            break;
        }
    if (parts.size() > shape.size())
        return bad(spec, "the tensor has " + std::to_string(shape.size()) + " dimension(s)");
    while (parts.size() < shape.size())
        parts.push_back(":");

    Selection sel;
    for (size_t d = 0; d < shape.size(); ++d) {
        const int64_t n = shape[d];
        const std::string& p = parts[d];
        DimSelection ds;
        if (p.find(':') == std::string::npos) {
            int64_t i;
            if (!parseInt(p, i)) return bad(spec, "'" + p + "' is not an index");
            if (i < 0) i += n;
            if (i < 0 || i >= n)
                return bad(spec,
                    "index " + p + " is out of range for dimension " + std::to_string(d) + " of size "
                        + std::to_string(n));
            ds.start = i;
            ds.count = 1;
            ds.keepDim = false;
        } else {
            std::string f[3];
            size_t c1 = p.find(':'), c2 = p.find(':', c1 + 1);
            f[0] = trim(p.substr(0, c1));
            f[1] = trim(p.substr(c1 + 1, c2 == std::string::npos ? std::string::npos : c2 - c1 - 1));
            if (c2 != std::string::npos) f[2] = trim(p.substr(c2 + 1));
            int64_t step = 1;
            if (!f[2].empty() && (!parseInt(f[2], step) || step == 0))
                return bad(spec, "bad step '" + f[2] + "'");
            auto clampIndex = [&](const std::string& s, int64_t dflt, int64_t& out) {
                if (s.empty()) {
                    out = dflt;
                    return true;
                }
                if (!parseInt(s, out)) return false;
                if (out < 0) out += n;
                if (step > 0)
                    out = std::clamp<int64_t>(out, 0, n);
                else
                    out = std::clamp<int64_t>(out, -1, n - 1);
                return true;
            };
            int64_t start, stop;
            if (!clampIndex(f[0], step > 0 ? 0 : n - 1, start) || !clampIndex(f[1], step > 0 ? n : -1, stop))
                return bad(spec, "'" + p + "' is not a range");
            int64_t count = 0;
            if (step > 0 && stop > start) count = (stop - start + step - 1) / step;
            if (step < 0 && start > stop) count = (start - stop - step - 1) / (-step);
            ds.start = start;
            ds.count = count;
            ds.step = step;
        }
        sel.dims.push_back(ds);
    }
    return sel;
}

} // namespace tscope::io
