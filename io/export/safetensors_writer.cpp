#include "io/export/safetensors_writer.h"

#include "io/atomic_file.h"
#include "io/export/npy_writer.h"
#include "io/json/json_writer.h"
#include "io/json/utf8.h"

#include <sstream>

namespace tscope::io {

std::string safetensorsDType(DType dtype)
{
    switch (dtype) {
    case DType::Float:
        return "F32";
    case DType::Double:
        return "F64";
    case DType::Half:
        return "F16";
    case DType::BFloat16:
        return "BF16";
    case DType::Float8E4M3FN:
        return "F8_E4M3";
    case DType::Float8E5M2:
        return "F8_E5M2";
    case DType::Int8:
        return "I8";
    case DType::Int16:
        return "I16";
    case DType::Int32:
        return "I32";
    case DType::Int64:
        return "I64";
    case DType::UInt8:
        return "U8";
    case DType::UInt16:
        return "U16";
    case DType::UInt32:
        return "U32";
    case DType::UInt64:
        return "U64";
    case DType::Bool:
        return "BOOL";
    default:
        return {};
    }
}

std::string safetensorsSupports(DType dtype)
{
    if (!safetensorsDType(dtype).empty()) return {};
    return "safetensors has no " + dtypeName(dtype) + " dtype";
}

Status writeSafetensors(const BundleReader& bundle, const std::vector<ExportItem>& items,
    const std::map<std::string, std::string>& metadata, const std::filesystem::path& out,
    const ExportOptions& options)
{
    std::ostringstream json;
    uint64_t total = 0;
    {
        json::JsonWriter w(json, false);
        w.beginObject();
        if (!metadata.empty()) {
            w.key("__metadata__");
            w.beginObject();
            for (const auto& [k, v] : metadata)
                w.field(k, v);
            w.endObject();
        }
        for (const auto& item : items) {
            const TensorEntry& e = bundle.entries()[item.entry];
            const std::string dtype = safetensorsDType(e.dtype);
            if (dtype.empty())
                return Status(ErrorCode::Unsupported, safetensorsSupports(e.dtype)).withTensor(e.key);
            if (!json::isValidUtf8(item.name))
                return Status(ErrorCode::Unsupported, "a safetensors name must be UTF-8 text")
                    .withTensor(e.key);
            const uint64_t size = e.elementCount() * dtypeInfo(e.dtype).elementSize;
            w.key(item.name);
            w.beginObject();
            w.field("dtype", dtype);
            w.key("shape");
            w.beginArray();
            for (auto d : e.shape)
                w.value(d);
            w.endArray();
            w.key("data_offsets");
            w.beginArray();
            w.value(total);
            w.value(total + size);
            w.endArray();
            w.endObject();
            total += size;
        }
        w.endObject();
    }
    std::string header = json.str();
    header.append((8 - header.size() % 8) % 8, ' ');
    std::string prefix(8, '\0');
    for (int i = 0; i < 8; ++i)
        prefix[static_cast<size_t>(i)] = static_cast<char>((uint64_t(header.size()) >> (8 * i)) & 0xff);

    AtomicFile file(out, options.durability);
    TSCOPE_RETURN_IF_ERROR(file.open());
    TSCOPE_RETURN_IF_ERROR(file.write(prefix + header));
    uint64_t done = 0;
    ReadOptions ro;
    ro.cancel = options.cancel;
    for (const auto& item : items) {
        const TensorEntry& e = bundle.entries()[item.entry];
        auto t = bundle.read(e, ro);
        if (!t) return t.status();
        TSCOPE_RETURN_IF_ERROR(writeChunked(file, t->bytes(), options, done, total));
    }
    if (shouldStop(options.cancel, options.progress, done, total))
        return Status(ErrorCode::Cancelled, "export cancelled");
    TSCOPE_RETURN_IF_ERROR(file.commit(options.replaceExisting));
    return Status::ok();
}

} // namespace tscope::io
