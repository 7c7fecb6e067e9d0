// BundleReader::verify: every block CRC of the index and every tensor CRC of the data shards. The tensors
// are checked in chunks of entries (balanced by bytes) on an Executor; each worker keeps its own partial
// report and the parts are merged in entry order, so the report is the serial one whatever the threads.
// Large tensors are split instead: their pieces' CRCs are computed on every worker and combined in piece
// order (crc32c::combine), so one 1 GiB tensor keeps both cores busy and gives the same answer.
#include "io/bundle_reader.h"
#include "io/crc32c.h"
#include "io/dtype.h"
#include "io/guarded_read.h"
#include "io/integrity.h"
#include "io/table_reader.h"
#include "io/tensor_encoding.h"

#include <algorithm>
#include <atomic>

namespace tscope::io {
namespace {

// What one worker found; problems carry their entry's index so the merge can restore the serial order.
struct PartialReport {
    std::vector<std::pair<size_t, Status>> problems;
    uint64_t tensorsChecked = 0;
    uint64_t bytesChecked = 0;
};

// Tensors at least this large are checked piece by piece on all workers; a piece is checksummed in place
// in the mapping under the SIGBUS guard (guardedCrc32c): no copy, and the page faults of the mapping are
// taken on both cores.
constexpr uint64_t kSplitTensorBytes = uint64_t(16) << 20;
constexpr uint64_t kSplitPieceBytes = uint64_t(4) << 20;

} // namespace

std::vector<size_t> verifyChunkStarts(const std::vector<TensorEntry>& entries, size_t chunks)
{
    std::vector<size_t> starts;
    if (entries.empty() || chunks == 0) return starts;
    uint64_t total = 0;
    for (const auto& e : entries)
        total += e.byteSize();
    starts.push_back(0);
    // Cut after the entry that crosses each multiple of total/chunks; an entry is never split.
    uint64_t sofar = 0;
    for (size_t i = 0; i + 1 < entries.size() && starts.size() < chunks; ++i) {
        sofar += entries[i].byteSize();
        const uint64_t nextCut = total / chunks * starts.size() + total % chunks * starts.size() / chunks;
        if (sofar >= nextCut && sofar > 0) starts.push_back(i + 1);
    }
    return starts;
}

VerifyReport BundleReader::verify(
    const CancelToken* cancel, const ProgressFn& progress, Executor& executor) const
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
    uint64_t total = 0;
    for (const auto& e : m_entries)
        total += e.byteSize();

    // A progress callback that declines must stop the helpers too, so there is always a token to set.
    CancelToken ownToken;
    const CancelToken* token = cancel ? cancel : &ownToken;
    ReadOptions options;
    options.verifyCrc = true;
    options.cancel = token;
    auto check = [&](PartialReport& part, size_t index, const std::string& key, const StoredBytes& stored) {
        auto problem = [&](Status s) { part.problems.emplace_back(index, std::move(s)); };
        if (isDType(stored.dtype, DType::Variant)) {
            auto file = shard(stored.shard);
            if (!file) return problem(std::move(file).status().withTensor(key));
            auto bytes = (*file)->bytes(stored.offset, stored.size);
            if (!bytes) return problem(std::move(bytes).status().withTensor(key));
            auto copy = guardedCopyAll(*bytes); // the file may shrink under the mapping
            Status s = copy
                ? verifyVariantBytes(*copy, shapeElementCount(stored.shape).value_or(0), stored.maskedCrc)
                : copy.status();
            if (!s.isOk())
                problem(std::move(s)
                            .withTensor(key)
                            .withPath((*file)->path().string())
                            .withOffset(stored.offset));
        } else {
            auto t = readStored(key, stored, options);
            if (!t && t.status().code() != ErrorCode::Cancelled) problem(t.status());
        }
        part.tensorsChecked++;
        part.bytesChecked += stored.size;
    };

    // Stored in one piece of fixed-size little-endian elements and large: its CRC is split across workers.
    auto splits = [&](const TensorEntry& e) {
        return e.stored.size >= kSplitTensorBytes && crcCheckedByConsumer(*this, e);
    };
    std::vector<size_t> splitEntries;
    for (size_t i = 0; i < m_entries.size(); ++i)
        if (splits(m_entries[i])) splitEntries.push_back(i);

    // A few chunks per worker, so that one large tensor does not leave the others idle at the end.
    const unsigned workers = std::max(1u, executor.maxWorkers());
    const auto starts = verifyChunkStarts(m_entries, workers == 1 ? 1 : size_t(workers) * 4);
    std::vector<PartialReport> parts(workers);
    std::atomic<uint64_t> done { 0 };
    std::atomic<bool> stopped { !starts.empty() && shouldStop(token, progress, 0, total) };
    const bool finished = !stopped
        && executor.parallelFor(
            starts.size(),
            [&](uint64_t chunk, unsigned worker) {
                auto& part = parts[worker];
                const size_t end = chunk + 1 < starts.size() ? starts[chunk + 1] : m_entries.size();
                for (size_t i = starts[chunk]; i < end; ++i) {
                    // Only worker 0 (the calling thread) reports; the others just watch the token.
                    const bool stop = worker == 0 ? shouldStop(token, progress, done.load(), total)
                                                  : token->isCancelled();
                    if (stop) {
                        stopped = true;
                        return false;
                    }
                    const auto& e = m_entries[i];
                    if (splits(e)) continue; // checked below, on every worker
                    if (!e.problem.isOk()) {
                        part.problems.emplace_back(i, e.problem);
                        continue;
                    }
                    if (e.partitioned())
                        for (const auto& s : e.slices)
                            check(part, i, e.key, s.stored); // problems name the variable, not the slice key
                    else
                        check(part, i, e.key, e.stored);
                    done += e.byteSize();
                }
                return true;
            },
            token);

    // The large tensors, one after another, each on every worker.
    PartialReport splitPart;
    ReadOptions validate = options;
    validate.verifyCrc = false; // readStored's other checks (dtype, range, shard); the CRC is ours
    for (size_t i : splitEntries) {
        if (!finished || stopped || token->isCancelled()) break;
        const auto& e = m_entries[i];
        const auto& stored = e.stored;
        auto fail = [&](Status s) {
            splitPart.problems.emplace_back(i,
                std::move(s)
                    .withTensor(e.key)
                    .withPath(dataPath(stored.shard).string())
                    .withOffset(stored.offset));
        };
        splitPart.tensorsChecked++;
        splitPart.bytesChecked += stored.size;
        auto t = readStored(e.key, stored, validate);
        auto file = shard(stored.shard);
        if (!t || !file) {
            splitPart.problems.emplace_back(i, !t ? t.status() : Status(file.status()).withTensor(e.key));
            continue;
        }
        const uint64_t pieces = (stored.size + kSplitPieceBytes - 1) / kSplitPieceBytes;
        std::vector<uint32_t> crcs(pieces);
        std::vector<Status> errors(pieces);
        const uint64_t before = done.load();
        std::atomic<uint64_t> piecesDone { 0 };
        const bool all = executor.parallelFor(
            pieces,
            [&](uint64_t piece, unsigned worker) {
                const uint64_t sofar = before + piecesDone.load();
                if (worker == 0 ? shouldStop(token, progress, sofar, total) : token->isCancelled()) {
                    stopped = true;
                    return false;
                }
                const uint64_t at = piece * kSplitPieceBytes;
                const uint64_t n = std::min(kSplitPieceBytes, stored.size - at);
                auto bytes = (*file)->bytes(stored.offset + at, n);
                if (!bytes) {
                    errors[piece] = bytes.status();
                    return true;
                }
                auto crc = guardedCrc32c(*bytes, token);
                (*file)->releasePages(stored.offset + at, n); // this worker's share of the teardown
                if (!crc) {
                    errors[piece] = crc.status();
                    return crc.status().code() != ErrorCode::Cancelled;
                }
                crcs[piece] = *crc;
                piecesDone += n;
                return true;
            },
            token);
        done += stored.size;
        if (!all || stopped || token->isCancelled()) {
            stopped = true;
            break;
        }
        // The first failed piece names the problem, whichever worker met it first.
        auto failed = std::find_if(errors.begin(), errors.end(), [](const Status& s) { return !s.isOk(); });
        if (failed != errors.end()) {
            fail(*failed);
            continue;
        }
        uint32_t crc = 0;
        for (uint64_t p = 0; p < pieces; ++p)
            crc = crc32c::combine(
                crc, crcs[p], std::min(kSplitPieceBytes, stored.size - p * kSplitPieceBytes));
        if (Status s = checkConsumerCrc(*this, e, crc); !s.isOk())
            splitPart.problems.emplace_back(i, std::move(s));
    }
    parts.push_back(std::move(splitPart));

    // Each entry was checked by one worker, in slice order: a stable sort by entry restores the serial order.
    std::vector<std::pair<size_t, Status>> merged;
    for (auto& part : parts) {
        report.tensorsChecked += part.tensorsChecked;
        report.bytesChecked += part.bytesChecked;
        std::move(part.problems.begin(), part.problems.end(), std::back_inserter(merged));
    }
    std::stable_sort(
        merged.begin(), merged.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
    for (auto& [_, s] : merged)
        add(std::move(s));
    if (!finished || stopped || token->isCancelled()) {
        add(Status(ErrorCode::Cancelled, "verification cancelled"));
        return report;
    }
    for (const auto& w : m_warnings)
        if (w.code() != ErrorCode::NotFound) add(w); // missing shards were reported above
    shouldStop(token, progress, total, total);
    return report;
}

} // namespace tscope::io
