#include "model/compare/artifact_diff.h"

#include <algorithm>
#include <cstdint>
#include <numeric>
#include <string>

namespace tscope::model {

const char* diffEvidenceName(DiffEvidence evidence)
{
    switch (evidence) {
    case DiffEvidence::Metadata:
        return "metadata";
    case DiffEvidence::Checksum:
        return "checksum";
    case DiffEvidence::Bytes:
        return "bytes";
    }
    return "metadata";
}

ArtifactDiff planDiff(const io::BundleReader* a, const io::BundleReader* b, const io::MappingOptions& options)
{
    ArtifactDiff diff;
    if (a && b) {
        diff.mapping = io::mapVariables(*a, *b, options);
    } else {
        for (const auto* side : { a, b })
            if (side)
                for (size_t i = 0; i < side->entries().size(); ++i)
                    if (io::takesPartInMapping(side->entries()[i]))
                        (side == a ? diff.mapping.onlyInA : diff.mapping.onlyInB)
                            .push_back(static_cast<int>(i));
    }
    const auto& m = diff.mapping;
    diff.rows.reserve(m.matches.size() + m.onlyInA.size() + m.onlyInB.size());
    for (size_t i = 0; i < m.matches.size(); ++i) {
        DiffRow row;
        row.a = m.matches[i].a;
        row.b = m.matches[i].b;
        row.match = static_cast<int>(i);
        switch (io::classifyByMetadata(
            a->entries()[static_cast<size_t>(row.a)], b->entries()[static_cast<size_t>(row.b)])) {
        case io::MetadataVerdict::DtypeChanged:
            row.status = io::PairStatus::DtypeChanged;
            break;
        case io::MetadataVerdict::ShapeChanged:
            row.status = io::PairStatus::ShapeChanged;
            break;
        case io::MetadataVerdict::SameChecksum:
            row.status = io::PairStatus::Identical;
            row.evidence = DiffEvidence::Checksum;
            break;
        case io::MetadataVerdict::NeedsData:
            break;
        }
        diff.rows.push_back(std::move(row));
    }
    for (int i : m.onlyInA)
        diff.rows.push_back({ i, -1, io::PairStatus::OnlyInA, DiffEvidence::Metadata, -1, {}, {} });
    for (int j : m.onlyInB)
        diff.rows.push_back({ -1, j, io::PairStatus::OnlyInB, DiffEvidence::Metadata, -1, {}, {} });
    auto keyOf = [&](const DiffRow& r) -> const std::string& {
        return r.a >= 0 ? a->entries()[static_cast<size_t>(r.a)].key
                        : b->entries()[static_cast<size_t>(r.b)].key;
    };
    // Sorted through an index permutation: the same stable order, without moving whole rows around the
    // merge buffers (100,000 rows took most of this function).
    std::vector<const std::string*> keys(diff.rows.size());
    for (size_t i = 0; i < diff.rows.size(); ++i)
        keys[i] = &keyOf(diff.rows[i]);
    std::vector<uint32_t> order(diff.rows.size());
    std::iota(order.begin(), order.end(), 0u);
    std::stable_sort(order.begin(), order.end(), [&](uint32_t l, uint32_t r) { return *keys[l] < *keys[r]; });
    std::vector<DiffRow> sorted;
    sorted.reserve(diff.rows.size());
    for (uint32_t i : order)
        sorted.push_back(std::move(diff.rows[i]));
    diff.rows = std::move(sorted);
    return diff;
}

bool rowWantsData(const DiffRow& row, bool confirmIdentical)
{
    if (row.a < 0 || row.b < 0 || !row.error.isOk() || row.metrics) return false;
    return row.needsData() || (confirmIdentical && row.evidence == DiffEvidence::Checksum);
}

io::Status fillDiffMetrics(
    ArtifactDiff& diff, const io::BundleReader& a, const io::BundleReader& b, const FillOptions& options)
{
    uint64_t total = 0;
    for (const auto& row : diff.rows)
        if (rowWantsData(row, options.confirmIdentical))
            total += a.entries()[static_cast<size_t>(row.a)].elementCount();
    uint64_t before = 0;
    for (auto& row : diff.rows) {
        if (!rowWantsData(row, options.confirmIdentical)) continue;
        if (io::shouldStop(options.cancel, options.progress, before, total))
            return io::Status(io::ErrorCode::Cancelled, "diff cancelled");
        const auto& ea = a.entries()[static_cast<size_t>(row.a)];
        const auto& eb = b.entries()[static_cast<size_t>(row.b)];
        io::ReadOptions read;
        read.cancel = options.cancel;
        auto ta = a.read(ea, read);
        auto tb = ta ? b.read(eb, read) : io::Result<io::Tensor>(ta.status());
        if (!ta || !tb) {
            row.error = !ta ? ta.status() : tb.status();
            if (row.error.code() == io::ErrorCode::Cancelled) return row.error;
            row.status.reset();
            before += ea.elementCount();
            continue;
        }
        DiffOptions d;
        d.cancel = options.cancel;
        d.executor = options.executor;
        if (options.progress)
            d.progress = [&](uint64_t done, uint64_t) { return options.progress(before + done, total); };
        auto metrics = computeDiff(*ta, *tb, d);
        if (!metrics) {
            if (metrics.status().code() == io::ErrorCode::Cancelled) return metrics.status();
            row.error = metrics.status();
            row.status.reset();
        } else {
            row.metrics = *metrics;
            row.status = metrics->changed == 0 ? io::PairStatus::Identical : io::PairStatus::Changed;
            row.evidence = DiffEvidence::Bytes;
        }
        before += ea.elementCount();
    }
    if (options.progress) options.progress(total, total);
    return io::Status::ok();
}

} // namespace tscope::model
