// `show PATH VAR [--slice S] [--format text|csv|json] [--all]`: the values of one variable
// (tensorscope.tensor/1).
#include "app/cli/command.h"
#include "app/cli/exit_codes.h"
#include "app/cli/json_output.h"
#include "app/cli/text_output.h"
#include "io/dtype.h"
#include "io/element.h"
#include "io/json/base64.h"
#include "io/json/utf8.h"
#include "io/slice_spec.h"

#include <CLI/CLI.hpp>
#include <cstdio>
#include <functional>
#include <new>
#include <ostream>
#include <span>

namespace tscope::cli {
namespace {

// The selection's k-th element; `raw` holds the selected fixed-size elements, copied out of the mapping
// under the guard (the file may shrink while we print).
void writeElementJson(json::JsonWriter& w, const io::Tensor& t, uint64_t index, const std::byte* p)
{
    if (t.isString()) {
        const auto& s = t.stringValues()[index];
        if (json::isValidUtf8(s))
            w.value(s);
        else {
            w.beginObject();
            w.field("base64", json::base64Encode(s));
            w.endObject();
        }
        return;
    }
    const io::DType dtype = t.dtype();
    int64_t i;
    uint64_t u;
    if (dtype == io::DType::Bool)
        w.value(static_cast<uint8_t>(*p) != 0);
    else if (io::elementAsInt64(dtype, p, i))
        w.value(i);
    else if (io::elementAsUInt64(dtype, p, u))
        w.value(u);
    else if (io::dtypeInfo(dtype).kind == io::DTypeKind::Complex) {
        auto c = io::elementAsComplex(dtype, p);
        w.beginArray();
        w.value(c.real());
        w.value(c.imag());
        w.endArray();
    } else {
        w.value(io::elementAsDouble(dtype, p));
    }
}

// Calls leaf(k) for each element in row-major order, open()/close() around each nested dimension.
// Iterative (a stack of counters, one per open dimension): rank is bounded, but never by the C++ stack.
void walkNested(const io::Shape& shape, const std::function<void()>& open, const std::function<void()>& close,
    const std::function<void(uint64_t)>& leaf)
{
    const size_t rank = shape.size();
    std::vector<int64_t> done; // per open dimension: children finished
    done.reserve(rank);
    uint64_t next = 0;
    for (;;) {
        // Enter: open dimensions down to a leaf or an empty dimension.
        if (done.size() == rank) {
            leaf(next++);
        } else {
            open();
            done.push_back(0);
            if (shape[done.size() - 1] > 0) continue;
            close();
            done.pop_back();
        }
        // A child finished: step to the next sibling or close finished dimensions.
        for (;;) {
            if (done.empty()) return;
            if (++done.back() < shape[done.size() - 1]) break;
            close();
            done.pop_back();
        }
    }
}

// One selected tensor, ready to print.
struct Selection {
    const io::TensorEntry& entry;
    const io::Tensor& tensor;
    std::string sliceSpec;
    std::vector<uint64_t> indices;
    io::Shape shape;
    std::vector<std::byte> raw; // fixed-size dtypes: the selected elements' bytes, in selection order

    const std::byte* element(uint64_t k) const
    {
        return raw.data() + k * io::dtypeInfo(entry.dtype).elementSize;
    }
};

// Copies the selected elements out of the (possibly mapped) tensor; a file that shrank is an error. Runs
// of consecutive elements (a whole tensor, the rows of a slice) are copied at once.
io::Status gather(Selection& s)
{
    if (s.tensor.isString()) return {};
    const size_t esize = io::dtypeInfo(s.entry.dtype).elementSize;
    try {
        s.raw.resize(s.indices.size() * esize);
    } catch (const std::bad_alloc&) {
        return io::Status(io::ErrorCode::OutOfMemory, "not enough memory for the selected values");
    }
    for (uint64_t k = 0; k < s.indices.size();) {
        uint64_t run = 1;
        while (k + run < s.indices.size() && s.indices[k + run] == s.indices[k] + run)
            ++run;
        TSCOPE_RETURN_IF_ERROR(s.tensor.copyTo(
            s.indices[k] * esize, std::span<std::byte>(s.raw.data() + k * esize, run * esize)));
        k += run;
    }
    return {};
}

// numpy's print summary for selections of more than kSummaryThreshold values: along each kept dimension
// longer than 2·kEdgeItems only the first and last kEdgeItems are shown, with "..." between.
constexpr uint64_t kSummaryThreshold = 1000; // numpy's default print threshold
constexpr int64_t kEdgeItems = 3;

struct PrintSummary {
    std::vector<std::vector<int64_t>> positions; // per kept dimension: the positions shown, in order
    std::vector<bool> gap; // per kept dimension: "..." after the first kEdgeItems
};

// The summary's positions and the tensor's flat element indices of the values shown, row-major.
PrintSummary summarize(const io::Selection& sel, const io::Shape& shape, std::vector<uint64_t>& indices)
{
    PrintSummary out;
    std::vector<std::vector<int64_t>> taken; // per dimension; a dropped dimension has its one index
    for (const auto& d : sel.dims) {
        std::vector<int64_t> shown;
        const bool gap = d.keepDim && d.count > 2 * kEdgeItems;
        for (int64_t i = 0; i < d.count; ++i)
            if (!gap || i < kEdgeItems || i >= d.count - kEdgeItems) shown.push_back(i);
        taken.push_back(shown);
        if (!d.keepDim) continue;
        out.positions.push_back(std::move(shown));
        out.gap.push_back(gap);
    }
    indices = sel.elementIndices(shape, taken);
    return out;
}

void writeJson(const Selection& s, std::ostream& out)
{
    json::JsonWriter w(out);
    w.beginObject();
    w.field("schema", "tensorscope.tensor/1");
    w.textField("key", s.entry.key);
    w.field("dtype", io::dtypeName(s.entry.dtype));
    w.key("shape");
    writeShape(w, s.entry.shape);
    if (s.sliceSpec.empty())
        w.nullField("slice");
    else
        w.field("slice", s.sliceSpec);
    w.key("result_shape");
    writeShape(w, s.shape);
    // Values on one line: pretty-printing would indent each element by its nesting depth.
    w.key("values");
    w.setPretty(false);
    walkNested(
        s.shape, [&] { w.beginArray(); }, [&] { w.endArray(); },
        [&](uint64_t k) {
            writeElementJson(w, s.tensor, s.indices[k], s.tensor.isString() ? nullptr : s.element(k));
        });
    w.setPretty(true);
    if (s.tensor.isString()) {
        w.key("strings_base64");
        w.beginArray();
        for (auto i : s.indices)
            w.value(json::base64Encode(s.tensor.stringValues()[i]));
        w.endArray();
    } else {
        w.field("raw_base64", json::base64Encode(s.raw));
    }
    if (!s.tensor.integrity().isOk()) {
        w.key("problem");
        writeStatusObject(w, s.tensor.integrity());
    }
    w.endObject();
}

// The k-th selected element as text.
std::string elementText(const Selection& s, uint64_t k)
{
    if (s.tensor.isString()) {
        const auto& str = s.tensor.stringValues()[s.indices[k]];
        std::string q = "b'";
        for (unsigned char c : str) {
            if (c == '\'' || c == '\\')
                q += std::string("\\") + static_cast<char>(c);
            else if (c >= 0x20 && c < 0x7f)
                q += static_cast<char>(c);
            else {
                char buf[8];
                std::snprintf(buf, sizeof buf, "\\x%02x", c);
                q += buf;
            }
        }
        return q + "'";
    }
    return io::formatElement(s.entry.dtype, s.element(k));
}

int writeCsv(const Selection& s, std::ostream& out, std::ostream& err)
{
    if (s.shape.size() > 2) {
        err << "tensorscope-cli: csv needs a 0-, 1- or 2-D selection; this one has shape "
            << io::shapeToString(s.shape) << " (use --slice)\n";
        return kExitUsage;
    }
    const uint64_t cols = s.shape.empty() ? 1 : static_cast<uint64_t>(s.shape.back());
    for (uint64_t k = 0; k < s.indices.size(); ++k) {
        std::string cell = elementText(s, k);
        if (s.tensor.isString()) {
            std::string q = "\"";
            for (char c : s.tensor.stringValues()[s.indices[k]])
                q += c == '"' ? std::string("\"\"") : std::string(1, c);
            cell = q + "\"";
        }
        out << cell << ((cols == 0 || (k + 1) % cols == 0) ? "\n" : ",");
    }
    return kExitOk;
}

void writeText(const Selection& s, std::ostream& out)
{
    out << cleanText(s.entry.key) << ": " << io::dtypeName(s.entry.dtype) << io::shapeToString(s.entry.shape);
    if (!s.sliceSpec.empty()) out << " [" << s.sliceSpec << "] -> " << io::shapeToString(s.shape);
    out << "\n";
    std::vector<bool> firstAt { true };
    walkNested(
        s.shape,
        [&] {
            if (!firstAt.back()) out << ",\n" << std::string(firstAt.size() - 1, ' ');
            firstAt.back() = false;
            out << "[";
            firstAt.push_back(true);
        },
        [&] {
            firstAt.pop_back();
            out << "]";
        },
        [&](uint64_t k) {
            if (!firstAt.back()) out << ", ";
            firstAt.back() = false;
            out << elementText(s, k);
        });
    out << "\n";
}

// The summary of a large selection, laid out as writeText lays out every value. Recursion depth is the
// rank (at most 254 in a TensorFlow checkpoint).
void writeSummaryLevel(
    const Selection& s, const PrintSummary& summary, size_t dim, uint64_t& k, std::ostream& out)
{
    if (dim == summary.positions.size()) {
        out << elementText(s, k++);
        return;
    }
    const bool leaves = dim + 1 == summary.positions.size();
    const std::string separator = leaves ? ", " : ",\n" + std::string(dim + 1, ' ');
    out << "[";
    for (size_t j = 0; j < summary.positions[dim].size(); ++j) {
        if (j > 0) out << separator;
        if (summary.gap[dim] && j == static_cast<size_t>(kEdgeItems)) out << "..." << separator;
        writeSummaryLevel(s, summary, dim + 1, k, out);
    }
    out << "]";
}

void writeSummaryText(const Selection& s, const PrintSummary& summary, const io::Shape& resultShape,
    uint64_t total, std::ostream& out)
{
    out << cleanText(s.entry.key) << ": " << io::dtypeName(s.entry.dtype) << io::shapeToString(s.entry.shape);
    if (!s.sliceSpec.empty()) out << " [" << s.sliceSpec << "] -> " << io::shapeToString(resultShape);
    out << "\n(" << withThousands(total) << " values: the first and last " << kEdgeItems
        << " along each dimension; --all prints every value, --slice selects a part)\n";
    uint64_t k = 0;
    writeSummaryLevel(s, summary, 0, k, out);
    out << "\n";
}

class ShowCommand final : public ArtifactCommand {
public:
    const char* name() const override { return "show"; }
    const char* summary() const override { return "values of one variable (S like 0,:,3:5)"; }

protected:
    void addOptions(CLI::App& app) override
    {
        app.add_option("VAR", m_name, "checkpoint key or TF2 object path")->required();
        app.add_option("--slice", m_slice, "numpy-style selection per dimension, e.g. 0,:,3:5");
        app.add_option("--format", m_format, "text, csv or json")
            ->check(CLI::IsMember({ "text", "csv", "json" }));
        app.add_flag("--all", m_all,
            "text: print every value (a selection of more than 1000 values prints the first and last 3 along "
            "each dimension, as numpy does; csv and json always hold every value)");
    }
    bool wantsJson() const override { return m_format == "json" || ArtifactCommand::wantsJson(); }
    int runOn(const io::Artifact& a, CommandContext& context) override
    {
        if (!a.bundle)
            return context.reportError(
                io::Status(io::ErrorCode::NotFound, "this artifact has no variables"), kExitNoSuchVariable);
        const int idx = a.findEntry(m_name);
        if (idx < 0)
            return context.reportError(
                io::Status(io::ErrorCode::NotFound, "no variable named '" + m_name + "'"),
                kExitNoSuchVariable);
        const auto& entry = a.bundle->entries()[static_cast<size_t>(idx)];
        // The whole tensor is read, so its CRC32C is checked (integrity); damaged values are still printed.
        io::ReadOptions options;
        options.verifyCrc = true;
        options.keepDamaged = true;
        options.cancel = &context.cancel;
        auto tensor = a.bundle->read(entry, options);
        if (!tensor) {
            if (tensor.status().code() == io::ErrorCode::Cancelled) return context.reportCancelled();
            return context.reportError(tensor.status(), kExitOpenFailed);
        }
        auto sel = io::parseSelection(m_slice, entry.shape);
        if (!sel) return context.reportError(sel.status(), kExitUsage);
        const bool summarized
            = !json() && m_format == "text" && !m_all && sel->elementCount() > kSummaryThreshold;
        Selection s { entry, *tensor, m_slice, {}, sel->resultShape(), {} };
        PrintSummary summary;
        if (summarized) {
            summary = summarize(*sel, entry.shape, s.indices);
            s.shape.clear();
            for (const auto& p : summary.positions)
                s.shape.push_back(static_cast<int64_t>(p.size()));
        } else {
            s.indices = sel->elementIndices(entry.shape);
        }
        if (io::Status read = gather(s); !read.isOk())
            return context.reportError(std::move(read).withTensor(entry.key), kExitOpenFailed);
        const io::Status& damage = tensor->integrity();
        int code = kExitOk;
        if (json()) {
            writeJson(s, context.out);
        } else if (m_format == "csv") {
            code = writeCsv(s, context.out, context.err);
        } else if (summarized) {
            writeSummaryText(s, summary, sel->resultShape(), sel->elementCount(), context.out);
        } else {
            writeText(s, context.out);
        }
        if (!damage.isOk() && code == kExitOk) {
            context.err << "tensorscope-cli: warning: " << cleanText(damage.toString()) << "\n";
            code = kExitDamaged;
        }
        return code;
    }

private:
    std::string m_name;
    std::string m_slice;
    std::string m_format = "text";
    bool m_all = false;
};

} // namespace

std::unique_ptr<Command> makeShowCommand()
{
    return std::make_unique<ShowCommand>();
}

} // namespace tscope::cli
