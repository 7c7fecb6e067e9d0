#include "io/export/npy_writer.h"

#include "io/atomic_file.h"
#include "io/export/npy_format.h"
#include "io/streamed_write.h"

namespace tscope::io {

Status writeChunked(AtomicFile& file, std::span<const std::byte> bytes, const ExportOptions& options,
    uint64_t& done, uint64_t total)
{
    if (shouldStop(options.cancel, options.progress, done, total))
        return Status(ErrorCode::Cancelled, "export cancelled");
    const uint64_t before = done;
    TSCOPE_RETURN_IF_ERROR(streamedWrite(file, bytes, {}, [&](uint64_t written) {
        done = before + written;
        return !shouldStop(options.cancel, options.progress, done, total);
    }));
    return Status::ok();
}

Status writeNpy(const Tensor& tensor, const std::filesystem::path& out, const ExportOptions& options)
{
    auto parts = npyParts(tensor);
    if (!parts) return parts.status();
    AtomicFile file(out, options.durability);
    TSCOPE_RETURN_IF_ERROR(file.open());
    TSCOPE_RETURN_IF_ERROR(file.write(parts->header));
    uint64_t done = 0;
    const auto data = parts->data();
    TSCOPE_RETURN_IF_ERROR(writeChunked(file, data, options, done, data.size()));
    TSCOPE_RETURN_IF_ERROR(file.commit(options.replaceExisting));
    if (options.progress) options.progress(data.size(), data.size());
    return Status::ok();
}

} // namespace tscope::io
