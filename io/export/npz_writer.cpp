#include "io/export/npz_writer.h"

#include "io/atomic_file.h"
#include "io/export/npy_format.h"
#include "io/export/zip_output.h"

#include <memory>
#include <unistd.h>
#include <zip.h>

namespace tscope::io {
namespace {

struct Member {
    Tensor tensor;
    NpyParts npy;
};

struct CallbackState {
    const ExportOptions* options = nullptr;
    uint64_t total = 0;
    bool stopped = false;
};

} // namespace

Status writeNpz(const BundleReader& bundle, const std::vector<ExportItem>& items,
    const std::filesystem::path& out, const ExportOptions& options, std::vector<std::string>* skipped)
{
    if (items.empty()) return Status(ErrorCode::InvalidArgument, "nothing to export");
    // libzip writes through our ZipOutput: a temporary name in the target directory, renamed on commit.
    ZipOutput sink(out, options.replaceExisting);
    zip_error_t openError;
    zip_error_init(&openError);
    zip_source_t* source = sink.createSource(&openError);
    zip_t* za = source ? zip_open_from_source(source, ZIP_CREATE | ZIP_TRUNCATE, &openError) : nullptr;
    if (!za) {
        if (source) zip_source_free(source);
        Status s = Status(
            ErrorCode::Io, std::string("cannot create the archive: ") + zip_error_strerror(&openError))
                       .withPath(out.string());
        zip_error_fini(&openError);
        return s;
    }
    zip_error_fini(&openError);
    auto abandon = [&](Status s) {
        zip_discard(za);
        return s;
    };
    // The members' bytes must stay where they are until zip_close() has written them.
    std::vector<std::unique_ptr<Member>> members;
    CallbackState state { &options, 0, false };
    ReadOptions ro;
    ro.cancel = options.cancel;
    for (const auto& item : items) {
        if (options.cancel && options.cancel->isCancelled())
            return abandon(Status(ErrorCode::Cancelled, "export cancelled"));
        const TensorEntry& e = bundle.entries()[item.entry];
        auto t = bundle.read(e, ro);
        if (!t) return abandon(t.status());
        auto m = std::make_unique<Member>();
        m->tensor = std::move(t.value());
        auto parts = npyParts(m->tensor);
        if (!parts && skipped && parts.status().code() == ErrorCode::Unsupported) {
            skipped->push_back(e.key + ": " + parts.status().message());
            continue;
        }
        if (!parts) return abandon(std::move(parts).status().withTensor(e.key));
        m->npy = std::move(parts.value());
        const auto data = m->npy.data();
        zip_buffer_fragment_t fragments[2] = {
            { reinterpret_cast<zip_uint8_t*>(m->npy.header.data()), m->npy.header.size() },
            { reinterpret_cast<zip_uint8_t*>(const_cast<std::byte*>(data.data())), data.size() },
        };
        zip_error_t ze;
        zip_error_init(&ze);
        zip_source_t* src = zip_source_buffer_fragment_create(fragments, data.empty() ? 1 : 2, 0, &ze);
        if (!src) {
            Status s(ErrorCode::Io, std::string("libzip: ") + zip_error_strerror(&ze));
            zip_error_fini(&ze);
            return abandon(s);
        }
        const zip_int64_t index = zip_file_add(za, (item.name + ".npy").c_str(), src, ZIP_FL_ENC_UTF_8);
        if (index < 0) {
            zip_source_free(src);
            return abandon(
                Status(ErrorCode::Io, std::string("libzip: ") + zip_strerror(za)).withTensor(e.key));
        }
        zip_set_file_compression(za, static_cast<zip_uint64_t>(index), ZIP_CM_STORE, 0);
        state.total += m->npy.header.size() + data.size();
        members.push_back(std::move(m));
    }
    zip_register_progress_callback_with_state(
        za, 0.001,
        [](zip_t*, double fraction, void* ud) {
            auto* s = static_cast<CallbackState*>(ud);
            if (s->options->progress
                && !s->options->progress(static_cast<uint64_t>(fraction * double(s->total)), s->total))
                s->stopped = true;
        },
        nullptr, &state);
    zip_register_cancel_callback_with_state(
        za,
        [](zip_t*, void* ud) -> int {
            auto* s = static_cast<CallbackState*>(ud);
            return s->stopped || (s->options->cancel && s->options->cancel->isCancelled()) ? 1 : 0;
        },
        nullptr, &state);
    if (zip_close(za) != 0) {
        const bool cancelled = state.stopped || (options.cancel && options.cancel->isCancelled());
        Status s = cancelled ? Status(ErrorCode::Cancelled, "export cancelled")
            : !sink.status().isOk()
            ? sink.status()
            : Status(ErrorCode::Io, std::string("cannot write the archive: ") + zip_strerror(za))
                  .withPath(out.string());
        return abandon(s);
    }
    return sink.committed() ? Status::ok()
                            : Status(ErrorCode::Io, "the archive was not committed").withPath(out.string());
}

} // namespace tscope::io
