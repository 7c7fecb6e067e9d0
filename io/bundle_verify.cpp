// BundleReader::verify: every block CRC of the index and every tensor CRC of the data shards.
#include "io/bundle_reader.h"
#include "io/dtype.h"
#include "io/table_reader.h"
#include "io/tensor_encoding.h"

namespace tscope::io {

VerifyReport BundleReader::verify(const CancelToken* cancel, const ProgressFn& progress) const
{
    VerifyReport report;
    auto add = [&](Status s) {
        report.ok = false;
        report.problems.push_back(std::move(s));
    };
    // The index again, with every block CRC.
    if (auto file = MappedFile::open(indexPath())) {
        auto table = readTable(*file, {});
        report.filesChecked++;
        if (!table)
            add(table.status());
        else {
            report.blocksChecked = table->dataBlocks + 1;
            if (!table->damage.isOk()) add(table->damage);
        }
    } else {
        add(file.status());
    }
    for (int32_t i = 0; i < m_header.numShards && i < 4096; ++i) {
        auto s = shard(i);
        if (!s)
            add(s.status());
        else
            report.filesChecked++;
    }
    uint64_t total = 0, done = 0;
    for (const auto& e : m_entries)
        total += e.byteSize();
    ReadOptions options;
    options.verifyCrc = true;
    options.cancel = cancel;
    auto check = [&](const std::string& key, const StoredBytes& stored) {
        if (isDType(stored.dtype, DType::Variant)) {
            auto file = shard(stored.shard);
            if (!file) return add(std::move(file).status().withTensor(key));
            auto bytes = (*file)->bytes(stored.offset, stored.size);
            if (!bytes) return add(std::move(bytes).status().withTensor(key));
            Status s
                = verifyVariantBytes(*bytes, shapeElementCount(stored.shape).value_or(0), stored.maskedCrc);
            if (!s.isOk())
                add(std::move(s)
                        .withTensor(key)
                        .withPath((*file)->path().string())
                        .withOffset(stored.offset));
        } else {
            auto t = readStored(key, stored, options);
            if (!t && t.status().code() != ErrorCode::Cancelled) add(t.status());
        }
        report.tensorsChecked++;
        report.bytesChecked += stored.size;
    };
    for (const auto& e : m_entries) {
        if (shouldStop(cancel, progress, done, total)) {
            add(Status(ErrorCode::Cancelled, "verification cancelled"));
            return report;
        }
        if (!e.problem.isOk()) {
            add(e.problem);
            continue;
        }
        if (e.partitioned())
            for (const auto& s : e.slices)
                check(e.key, s.stored); // problems name the variable, not the binary slice key
        else
            check(e.key, e.stored);
        done += e.byteSize();
    }
    for (const auto& w : m_warnings)
        if (w.code() != ErrorCode::NotFound) add(w); // missing shards were reported above
    shouldStop(cancel, progress, total, total);
    return report;
}

} // namespace tscope::io
