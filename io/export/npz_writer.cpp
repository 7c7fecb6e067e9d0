#include "io/export/npz_writer.h"

#include "io/export/npy_format.h"
#include "io/export/zip_stored_writer.h"

namespace tscope::io {

Status writeNpz(const BundleReader& bundle, const std::vector<ExportItem>& items,
    const std::filesystem::path& out, const ExportOptions& options, std::vector<std::string>* skipped)
{
    if (items.empty()) return Status(ErrorCode::InvalidArgument, "nothing to export");
    uint64_t total = 0;
    for (const auto& item : items)
        total += bundle.entries()[item.entry].byteSize();
    ZipStoredWriter zip(out, options.durability);
    TSCOPE_RETURN_IF_ERROR(zip.open());
    ReadOptions ro;
    ro.cancel = options.cancel;
    uint64_t done = 0;
    for (const auto& item : items) {
        if (shouldStop(options.cancel, options.progress, done, total))
            return Status(ErrorCode::Cancelled, "export cancelled");
        const TensorEntry& e = bundle.entries()[item.entry];
        auto t = bundle.read(e, ro);
        if (!t) return t.status();
        auto parts = npyParts(*t);
        if (!parts && skipped && parts.status().code() == ErrorCode::Unsupported) {
            skipped->push_back(e.key + ": " + parts.status().message());
            continue;
        }
        if (!parts) return std::move(parts).status().withTensor(e.key);
        const uint64_t before = done;
        TSCOPE_RETURN_IF_ERROR(zip.add(item.name + ".npy",
            std::span(reinterpret_cast<const std::byte*>(parts->header.data()), parts->header.size()),
            parts->data(), [&](uint64_t written) {
                return !shouldStop(options.cancel, options.progress, before + written, total);
            }));
        done += parts->data().size();
    }
    if (shouldStop(options.cancel, options.progress, done, total))
        return Status(ErrorCode::Cancelled, "export cancelled");
    TSCOPE_RETURN_IF_ERROR(zip.commit(options.replaceExisting));
    if (options.progress) options.progress(total, total);
    return Status::ok();
}

} // namespace tscope::io
