// `stats PATH [VAR...]`: min, max, mean, std, L2 norm, zeros, NaN and Inf counts (tensorscope.stats/1), and
// with `--histogram N` the counts of np.histogram(values, N, range=(min, max)) (or `--range LO,HI`).
#include "app/cli/command.h"
#include "app/cli/exit_codes.h"
#include "app/cli/json_output.h"
#include "app/cli/text_output.h"
#include "io/dtype.h"
#include "io/element.h"
#include "io/integrity.h"
#include "model/kernels/compute_pool.h"
#include "model/kernels/histogram.h"
#include "model/kernels/stats_and_histogram.h"
#include "model/kernels/tensor_stats.h"

#include <CLI/CLI.hpp>
#include <algorithm>
#include <optional>
#include <ostream>
#include <string_view>

namespace tscope::cli {
namespace {

struct Row {
    const io::TensorEntry* entry;
    model::TensorStats stats;
    io::Status error;
    io::Status problem; // the values were read but fail their CRC32C (integrity): printed, marked damaged
    std::optional<model::HistogramData> histogram; // numeric tensors when --histogram was given
};

// What --histogram and --range ask for.
struct HistogramRequest {
    int bins = 0; // 0: no histogram
    std::optional<std::pair<double, double>> range; // default: the finite values' min and max
};

// Tensors at least this large have their page tables dropped on every worker once both passes are done.
constexpr uint64_t kReleaseBytes = uint64_t(16) << 20;
constexpr uint64_t kReleasePieceBytes = uint64_t(4) << 20;

// The passes read a stored tensor in place in the mapping, which leaves a page-table entry per 4 KiB page
// (262,144 for 1 GiB). This command reads each tensor once, so drop them now, spread over the workers
// (MappedFile::releasePages), rather than one by one in the serial teardown at exit (~30 ms for 1 GiB).
void releaseMappedPages(const io::Artifact& a, const io::TensorEntry& e)
{
    if (e.stored.size < kReleaseBytes || !io::crcCheckedByConsumer(*a.bundle, e)) return;
    auto file = a.bundle->shard(e.stored.shard);
    if (!file) return;
    const uint64_t pieces = (e.stored.size + kReleasePieceBytes - 1) / kReleasePieceBytes;
    model::sharedExecutor().parallelFor(pieces, [&](uint64_t piece, unsigned) {
        const uint64_t at = piece * kReleasePieceBytes;
        (*file)->releasePages(e.stored.offset + at, std::min(kReleasePieceBytes, e.stored.size - at));
        return true;
    });
}

// Reads and summarises each tensor on the shared compute budget; progress counts elements over all of
// them. Stops early (rows so far) once Ctrl-C was pressed.
// The histogram is a second pass over the values already read (it needs the statistics' min and max
// unless --range gives the range), except for float16 and bfloat16: their bit-pattern counts give both.
std::vector<Row> computeRows(const io::Artifact& a, const std::vector<int>& which,
    const HistogramRequest& histogram, CommandContext& context, ProgressBar& bar)
{
    const io::ProgressFn progress = context.progressCallback(bar);
    uint64_t total = 0;
    for (int i : which)
        total += a.bundle->entries()[static_cast<size_t>(i)].elementCount();
    uint64_t before = 0;
    std::vector<Row> rows;
    for (int i : which) {
        const auto& e = a.bundle->entries()[static_cast<size_t>(i)];
        if (io::shouldStop(&context.cancel, progress, before, total)) break;
        Row row { &e, {}, {}, {}, {} };
        io::ReadOptions read;
        read.cancel = &context.cancel;
        // Every value is read, so the CRC32C is checked too (borrowed bytes in the statistics pass itself);
        // damaged values still get their statistics.
        const bool crcInStats = io::crcCheckedByConsumer(*a.bundle, e);
        read.verifyCrc = !crcInStats;
        read.keepDamaged = true;
        auto t = a.bundle->read(e, read);
        if (!t)
            row.error = t.status();
        else {
            row.problem = t->integrity();
            model::StatsOptions options;
            options.cancel = &context.cancel;
            options.executor = &model::sharedExecutor();
            options.progress = [&](uint64_t done, uint64_t) { return progress(before + done, total); };
            options.computeCrc = crcInStats;
            // float16 and bfloat16 need one pass for both (bit-pattern counts), other dtypes two.
            auto r = model::computeStatsAndHistogram(
                *t, options, [&](const model::TensorStats& s) -> std::optional<model::HistogramLayout> {
                    if (histogram.bins <= 0) return std::nullopt;
                    // No finite values: numpy's range for an empty array, 0..1.
                    const auto [lo, hi] = histogram.range.value_or(
                        s.finite > 0 ? std::pair { s.min, s.max } : std::pair { 0.0, 1.0 });
                    return model::HistogramLayout { histogram.bins, lo, hi };
                });
            if (r) {
                row.stats = r->stats;
                if (crcInStats && r->stats.crc32c)
                    row.problem = io::checkConsumerCrc(*a.bundle, e, *r->stats.crc32c);
                if (!r->histogram.empty()) row.histogram = std::move(r->histogram);
                if (!r->histogramStatus.isOk()) row.error = r->histogramStatus;
            } else {
                row.error = r.status();
            }
            releaseMappedPages(a, e);
        }
        before += e.elementCount();
        rows.push_back(std::move(row));
    }
    return rows;
}

void writeJson(const std::vector<Row>& rows, std::ostream& out)
{
    json::JsonWriter w(out);
    w.beginObject();
    w.field("schema", "tensorscope.stats/1");
    w.key("tensors");
    w.beginArray();
    for (const auto& r : rows) {
        const auto& s = r.stats;
        w.beginObject();
        w.textField("key", r.entry->key);
        w.field("dtype", io::dtypeName(r.entry->dtype));
        w.key("shape");
        writeShape(w, r.entry->shape);
        w.field("count", r.entry->elementCount());
        const bool have = r.error.isOk() && s.numeric && s.finite > 0;
        for (auto [name, v] : { std::pair { "min", s.min }, { "max", s.max }, { "mean", s.mean },
                 { "std", s.std }, { "l2_norm", s.l2 } })
            if (have)
                w.field(name, v);
            else
                w.nullField(name);
        w.field("zeros", s.zeros);
        w.field("nan", s.nans);
        w.field("inf", s.infs);
        if (r.histogram) {
            const auto& h = *r.histogram;
            w.key("histogram");
            w.beginObject();
            w.field("bins", static_cast<int64_t>(h.counts.size()));
            w.field("lo", h.lo);
            w.field("hi", h.hi);
            w.field("edge_dtype", model::histogramBinsInFloat32(r.entry->dtype) ? "float32" : "float64");
            w.key("edges");
            w.beginArray();
            for (double e : h.edges)
                w.value(e);
            w.endArray();
            w.key("counts");
            w.beginArray();
            for (uint64_t c : h.counts)
                w.value(c);
            w.endArray();
            w.field("nan", h.nans);
            w.field("posinf", h.posinfs);
            w.field("neginf", h.neginfs);
            w.field("below", h.below);
            w.field("above", h.above);
            w.endObject();
        }
        if (r.error.isOk())
            w.nullField("error");
        else {
            w.key("error");
            writeStatusObject(w, r.error);
        }
        if (!r.problem.isOk()) {
            w.key("problem");
            writeStatusObject(w, r.problem);
        }
        w.endObject();
    }
    w.endArray();
    w.endObject();
}

// A sparkline of the counts in at most kSparkColumns characters (neighbouring bins summed), the fullest
// bin's range and count, and what was not binned.
constexpr size_t kSparkColumns = 64;

void writeHistogramText(const model::HistogramData& h, std::ostream& out)
{
    static constexpr std::string_view kBlocks[]
        = { " ", "\u2581", "\u2582", "\u2583", "\u2584", "\u2585", "\u2586", "\u2587", "\u2588" };
    const size_t bins = h.counts.size();
    const size_t columns = std::min(bins, kSparkColumns);
    std::vector<uint64_t> column(columns, 0);
    for (size_t b = 0; b < bins; ++b)
        column[b * columns / bins] += h.counts[b];
    const uint64_t top = *std::max_element(column.begin(), column.end());
    out << "    histogram " << bins << " bins [" << io::formatDouble(h.lo) << ", " << io::formatDouble(h.hi)
        << "]";
    if (columns < bins) out << " in " << columns << " columns";
    out << "\n    |";
    for (uint64_t c : column) // any non-empty column shows at least the lowest block
        out << kBlocks[c == 0 ? 0 : 1 + c * 7 / top];
    out << "|\n";
    const auto peak
        = static_cast<size_t>(std::max_element(h.counts.begin(), h.counts.end()) - h.counts.begin());
    out << "    fullest bin " << peak << " [" << io::formatDouble(h.edges[peak]) << ", "
        << io::formatDouble(h.edges[peak + 1]) << (peak + 1 == bins ? "]" : ")") << ": " << h.counts[peak]
        << "  nan " << h.nans << "  +inf " << h.posinfs << "  -inf " << h.neginfs;
    if (h.below || h.above) out << "  below " << h.below << "  above " << h.above;
    out << "\n";
}

void writeText(const std::vector<Row>& rows, std::ostream& out)
{
    for (const auto& r : rows) {
        out << cleanText(r.entry->key) << "  " << io::dtypeName(r.entry->dtype)
            << io::shapeToString(r.entry->shape) << "\n";
        if (!r.error.isOk()) {
            out << "    error: " << cleanText(r.error.toString()) << "\n";
            continue;
        }
        if (!r.problem.isOk()) out << "    DAMAGED: " << cleanText(r.problem.toString()) << "\n";
        const auto& s = r.stats;
        if (!s.numeric) {
            out << "    (not numeric: " << s.count << " elements)\n";
            continue;
        }
        out << "    min " << io::formatDouble(s.min) << "  max " << io::formatDouble(s.max) << "  mean "
            << io::formatDouble(s.mean) << "  std " << io::formatDouble(s.std) << "  l2 "
            << io::formatDouble(s.l2) << "\n    zeros " << s.zeros << "  nan " << s.nans << "  inf " << s.infs
            << "  (" << s.count << " elements)\n";
        if (r.histogram) writeHistogramText(*r.histogram, out);
    }
}

class StatsCommand final : public ArtifactCommand {
public:
    const char* name() const override { return "stats"; }
    const char* summary() const override { return "min, max, mean, std, L2 norm, zeros, NaN and Inf counts"; }

protected:
    void addOptions(CLI::App& app) override
    {
        app.add_option("VAR", m_names, "checkpoint keys or TF2 object paths (default: every variable)");
        app.add_option("--histogram", m_histogram.bins,
               "N: also count the values into N equal bins, exactly as np.histogram(values, N, range=(min, "
               "max))")
            ->check(CLI::Range(1, 1 << 24));
        app.add_option(
               "--range", m_range, "LO,HI: the histogram's range instead of the finite values' min and max")
            ->delimiter(',')
            ->expected(2);
    }
    int runOn(const io::Artifact& a, CommandContext& context) override
    {
        if (!a.bundle && !m_names.empty())
            return context.reportError(
                io::Status(io::ErrorCode::NotFound, "this artifact has no variables"), kExitNoSuchVariable);
        std::vector<int> which;
        if (m_names.empty() && a.bundle)
            for (size_t i = 0; i < a.bundle->entries().size(); ++i)
                which.push_back(static_cast<int>(i));
        for (const auto& n : m_names) {
            const int idx = a.findEntry(n);
            if (idx < 0)
                return context.reportError(
                    io::Status(io::ErrorCode::NotFound, "no variable named '" + n + "'"),
                    kExitNoSuchVariable);
            which.push_back(idx);
        }
        if (!m_range.empty()) {
            if (m_histogram.bins == 0 || !(m_range[0] < m_range[1]) || !std::isfinite(m_range[0])
                || !std::isfinite(m_range[1]))
                return context.reportError(io::Status(io::ErrorCode::InvalidArgument,
                                               "--range LO,HI needs --histogram and finite LO < HI"),
                    kExitUsage);
            m_histogram.range = std::pair { m_range[0], m_range[1] };
        }
        std::vector<Row> rows;
        {
            auto bar = context.progress("Statistics");
            rows = computeRows(a, which, m_histogram, context, bar);
        }
        if (context.cancelled()) return context.reportCancelled();
        if (json())
            writeJson(rows, context.out);
        else
            writeText(rows, context.out);
        // A partial result: the document lists every tensor, unreadable ones with `error` (exit 3),
        // damaged ones with `problem` (exit 4 when nothing was unreadable); docs/CLI.md says so.
        bool anyError = false, anyDamage = false;
        for (const auto& r : rows) {
            if (!r.error.isOk()) {
                anyError = true;
                context.err << "tensorscope-cli: " << cleanText(r.error.toString()) << "\n";
            }
            if (!r.problem.isOk()) {
                anyDamage = true;
                context.err << "tensorscope-cli: warning: " << cleanText(r.problem.toString()) << "\n";
            }
        }
        return anyError ? kExitOpenFailed : anyDamage ? kExitDamaged : kExitOk;
    }

private:
    std::vector<std::string> m_names;
    HistogramRequest m_histogram;
    std::vector<double> m_range;
};

} // namespace

std::unique_ptr<Command> makeStatsCommand()
{
    return std::make_unique<StatsCommand>();
}

} // namespace tscope::cli
