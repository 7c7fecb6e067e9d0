#include "io/export/csv_writer.h"

#include "io/atomic_file.h"
#include "io/element.h"
#include "io/json/utf8.h"

namespace tscope::io {
namespace {

std::string quoted(const std::string& s)
{
    if (s.find_first_of(",\"\r\n") == std::string::npos) return s;
    std::string q = "\"";
    for (char c : s) {
        if (c == '"') q += '"';
        q += c;
    }
    return q + "\"";
}

} // namespace

Status writeCsv(const Tensor& tensor, const std::filesystem::path& out, const ExportOptions& options)
{
    const DTypeInfo info = dtypeInfo(tensor.dtype());
    if (!tensor.isString()
        && (info.elementSize == 0 || info.kind == DTypeKind::Opaque || info.kind == DTypeKind::Unknown))
        return Status(ErrorCode::Unsupported, "CSV cannot hold " + dtypeName(tensor.dtype()) + " tensors");
    if (tensor.isString())
        for (const auto& s : tensor.stringValues())
            if (!json::isValidUtf8(s))
                return Status(
                    ErrorCode::Unsupported, "a string is not valid UTF-8, which CSV text cannot hold");
    const Shape& shape = tensor.shape();
    const uint64_t n = tensor.elementCount();
    const uint64_t columns = shape.size() >= 2 ? static_cast<uint64_t>(shape.back()) : 1;
    AtomicFile file(out, options.durability);
    TSCOPE_RETURN_IF_ERROR(file.open());
    std::string buffer;
    for (uint64_t i = 0; i < n; ++i) {
        buffer += tensor.isString()
            ? quoted(tensor.stringValues()[i])
            : formatElement(tensor.dtype(), tensor.bytes().data() + i * info.elementSize);
        buffer += (columns == 0 || (i + 1) % columns == 0) ? '\n' : ',';
        if (buffer.size() >= (1u << 20)) {
            if (shouldStop(options.cancel, options.progress, i, n))
                return Status(ErrorCode::Cancelled, "export cancelled");
            TSCOPE_RETURN_IF_ERROR(file.write(buffer));
            buffer.clear();
        }
    }
    TSCOPE_RETURN_IF_ERROR(file.write(buffer));
    TSCOPE_RETURN_IF_ERROR(file.commit(options.replaceExisting));
    if (options.progress) options.progress(n, n);
    return Status::ok();
}

} // namespace tscope::io
