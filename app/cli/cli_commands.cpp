#include "app/cli/cli_commands.h"

#include "app/cli/base64.h"
#include "app/cli/json_writer.h"
#include "io/artifact.h"
#include "io/dtype.h"
#include "io/element.h"
#include "io/slice_spec.h"
#include "model/tensor_stats.h"

#include <cinttypes>
#include <cstdio>
#include <functional>
#include <iomanip>
#include <iostream>
#include <sstream>

namespace tscope::cli {
namespace {

using io::Artifact;
using io::Status;

std::string humanBytes(uint64_t b)
{
    const char* units[] = { "B", "KiB", "MiB", "GiB", "TiB" };
    double v = static_cast<double>(b);
    int u = 0;
    while (v >= 1024 && u < 4) {
        v /= 1024;
        ++u;
    }
    char buf[32];
    if (u == 0)
        std::snprintf(buf, sizeof buf, "%" PRIu64 " B", b);
    else
        std::snprintf(buf, sizeof buf, "%.1f %s", v, units[u]);
    return buf;
}

std::string withThousands(uint64_t v)
{
    // Appends instead of inserting: GCC 12 reports a false -Wrestrict on the inlined string insert.
    const std::string digits = std::to_string(v);
    std::string s;
    for (size_t i = 0; i < digits.size(); ++i) {
        if (i > 0 && (digits.size() - i) % 3 == 0) s += ',';
        s += digits[i];
    }
    return s;
}

void writeShape(JsonWriter& w, const io::Shape& shape)
{
    w.beginArray();
    for (auto d : shape)
        w.value(d);
    w.endArray();
}

void writeOptionalShape(JsonWriter& w, const std::optional<io::Shape>& shape)
{
    if (shape)
        writeShape(w, *shape);
    else
        w.null();
}

// {code, message, path, tensor, offset}; with `schema`, a top-level error document.
void writeStatusObject(JsonWriter& w, const Status& s, const char* schema = nullptr)
{
    w.beginObject();
    if (schema) w.field("schema", schema);
    w.field("code", io::errorCodeName(s.code()));
    w.field("message", s.message());
    w.field("path", s.path());
    w.field("tensor", s.tensor());
    if (s.offset())
        w.field("offset", *s.offset());
    else
        w.nullField("offset");
    w.endObject();
}

int reportError(const Status& s, const CliOptions& o, std::ostream& out, std::ostream& err, int code)
{
    err << "tensorscope-cli: " << s.toString() << "\n";
    if (o.json) {
        JsonWriter w(out);
        writeStatusObject(w, s, "tensorscope.error/1");
    }
    return code;
}

// ---------------------------------------------------------------- info
int cmdInfo(const Artifact& a, const CliOptions& o, std::ostream& out)
{
    const auto totals = a.totals();
    const auto opt = a.optimizerTotals();
    if (o.json) {
        JsonWriter w(out);
        w.beginObject();
        w.field("schema", "tensorscope.info/1");
        w.field("path", a.location.input.string());
        w.field("kind", io::artifactKindName(a.location.kind));
        w.field("format", a.format());
        if (a.tensorflowVersion.empty())
            w.nullField("tensorflow_version");
        else
            w.field("tensorflow_version", a.tensorflowVersion);
        if (a.bundle)
            w.field("checkpoint_prefix", a.bundle->prefix().string());
        else
            w.nullField("checkpoint_prefix");
        w.field("variable_count", totals.variables);
        w.field("parameters", totals.parameters);
        w.field("bytes", totals.bytes);
        w.key("by_dtype");
        w.beginArray();
        for (const auto& d : a.totalsByDtype()) {
            w.beginObject();
            w.field("dtype", io::dtypeName(d.dtype));
            w.field("variables", d.variables);
            w.field("parameters", d.parameters);
            w.field("bytes", d.bytes);
            w.endObject();
        }
        w.endArray();
        w.key("optimizer");
        w.beginObject();
        w.field("variables", opt.variables);
        w.field("parameters", opt.parameters);
        w.field("bytes", opt.bytes);
        w.endObject();
        w.key("checkpoints");
        w.beginArray();
        if (a.location.run)
            for (const auto& c : a.location.run->checkpoints) {
                w.beginObject();
                w.field("prefix", c.prefix.string());
                if (c.timestamp)
                    w.field("timestamp", *c.timestamp);
                else
                    w.nullField("timestamp");
                w.field("latest", c.latest);
                w.field("exists", c.exists);
                w.endObject();
            }
        w.endArray();
        w.key("warnings");
        w.beginArray();
        for (const auto& s : a.warnings)
            w.value(io::warningText(s));
        w.endArray();
        w.endObject();
        return kExitOk;
    }
    out << "Path:        " << a.location.input.string() << "\n";
    out << "Kind:        " << io::artifactKindName(a.location.kind) << " (" << a.format() << ")\n";
    out << "TensorFlow:  " << (a.tensorflowVersion.empty() ? "unknown" : a.tensorflowVersion) << "\n";
    if (a.bundle) out << "Checkpoint:  " << a.bundle->prefix().string() << "\n";
    out << "Variables:   " << withThousands(totals.variables) << " (" << withThousands(totals.parameters)
        << " parameters, " << humanBytes(totals.bytes) << ")\n";
    if (opt.variables)
        out << "Optimizer:   " << withThousands(opt.variables) << " variables, "
            << withThousands(opt.parameters) << " parameters, " << humanBytes(opt.bytes) << "\n";
    auto by = a.totalsByDtype();
    if (!by.empty()) {
        out << "By dtype:\n";
        for (const auto& d : by)
            out << "  " << std::left << std::setw(12) << io::dtypeName(d.dtype) << std::right << std::setw(8)
                << d.variables << " variables " << std::setw(14) << withThousands(d.parameters)
                << " parameters " << std::setw(11) << humanBytes(d.bytes) << "\n";
    }
    if (a.location.run && a.location.run->checkpoints.size() > 0) {
        out << "Checkpoints in this run (" << a.location.run->checkpoints.size() << "):\n";
        for (const auto& c : a.location.run->checkpoints)
            out << "  " << (c.latest ? "* " : "  ") << c.prefix.filename().string()
                << (c.exists ? "" : "  (missing)") << "\n";
    }
    for (const auto& s : a.warnings)
        out << "Warning: " << io::warningText(s) << "\n";
    return kExitOk;
}

// ---------------------------------------------------------------- ls
void writeTreeJson(JsonWriter& w, const Artifact& a, int node, bool noSlots)
{
    const auto& n = a.tree.nodes[static_cast<size_t>(node)];
    w.beginObject();
    w.field("name", n.name);
    w.field("kind", io::nodeKindName(n.kind));
    if (n.entry >= 0)
        w.field("key", a.bundle->entries()[static_cast<size_t>(n.entry)].key);
    else
        w.nullField("key");
    w.field("parameters", n.parameters);
    w.field("bytes", n.bytes);
    w.key("children");
    w.beginArray();
    for (int c : n.children)
        if (!(noSlots && a.tree.nodes[static_cast<size_t>(c)].kind == io::NodeKind::Slot))
            writeTreeJson(w, a, c, noSlots);
    w.endArray();
    w.endObject();
}

std::string entrySummary(const io::TensorEntry& e)
{
    std::string s = io::dtypeName(e.dtype) + io::shapeToString(e.shape);
    if (e.partitioned()) s += " partitioned(" + std::to_string(e.slices.size()) + ")";
    if (!e.problem.isOk()) s += "  [damaged: " + e.problem.message() + "]";
    return s;
}

int cmdLs(const Artifact& a, const CliOptions& o, std::ostream& out)
{
    const auto* entries = a.bundle ? &a.bundle->entries() : nullptr;
    if (o.json) {
        JsonWriter w(out);
        w.beginObject();
        w.field("schema", "tensorscope.ls/1");
        w.key("variables");
        w.beginArray();
        if (entries)
            for (size_t i = 0; i < entries->size(); ++i) {
                const auto& e = (*entries)[i];
                const auto& an = a.tree.annotations[i];
                if (o.noSlots && an.role == io::EntryRole::Slot) continue;
                w.beginObject();
                w.field("key", e.key);
                w.field("dtype", io::dtypeName(e.dtype));
                w.key("shape");
                writeShape(w, e.shape);
                w.field("parameters", e.elementCount());
                w.field("bytes", e.byteSize());
                w.field("shard", e.stored.shard);
                w.field("offset", e.stored.offset);
                w.field("partitioned", e.partitioned());
                w.field("kind", io::entryRoleName(an.role));
                if (an.objectPath.empty())
                    w.nullField("object_path");
                else
                    w.field("object_path", an.objectPath);
                if (an.role == io::EntryRole::Slot) {
                    w.field("slot_of", an.slotOfKey);
                    w.field("slot_name", an.slotName);
                    w.field("optimizer_path", an.optimizerPath);
                } else {
                    w.nullField("slot_of");
                    w.nullField("slot_name");
                    w.nullField("optimizer_path");
                }
                w.field("optimizer_state", an.optimizerState);
                if (e.problem.isOk())
                    w.nullField("problem");
                else
                    w.field("problem", e.problem.message());
                w.endObject();
            }
        w.endArray();
        w.key("tree");
        writeTreeJson(w, a, 0, o.noSlots);
        w.endObject();
        return kExitOk;
    }
    if (!entries) {
        out << "(no variables)\n";
        return kExitOk;
    }
    if (o.flat) {
        for (size_t i = 0; i < entries->size(); ++i) {
            const auto& e = (*entries)[i];
            if (o.noSlots && a.tree.annotations[i].role == io::EntryRole::Slot) continue;
            out << e.key << "  " << entrySummary(e) << "  " << humanBytes(e.byteSize()) << "\n";
        }
        return kExitOk;
    }
    std::function<void(int, int)> print = [&](int node, int depth) {
        const auto& n = a.tree.nodes[static_cast<size_t>(node)];
        if (o.noSlots && n.kind == io::NodeKind::Slot) return;
        std::string line(static_cast<size_t>(depth) * 2, ' ');
        if (n.kind == io::NodeKind::Slot)
            line += "[slot " + n.name + " of " + n.optimizerPath + "]";
        else
            line += n.name.empty() ? "(root)" : n.name;
        if (n.entry >= 0) {
            const auto& e = (*entries)[static_cast<size_t>(n.entry)];
            line += "  " + entrySummary(e) + "  " + humanBytes(e.byteSize());
        } else if (node != 0) {
            line += "/  (" + withThousands(n.parameters) + " params, " + humanBytes(n.bytes) + ")";
        } else {
            line += "  (" + withThousands(n.parameters) + " params, " + humanBytes(n.bytes) + ")";
        }
        out << line << "\n";
        for (int c : n.children)
            print(c, depth + 1);
    };
    print(0, 0);
    return kExitOk;
}

// ---------------------------------------------------------------- show
void writeElementJson(JsonWriter& w, const io::Tensor& t, uint64_t index)
{
    if (t.isString()) {
        const auto& s = t.stringValues()[index];
        if (isValidUtf8(s))
            w.value(s);
        else {
            w.beginObject();
            w.field("base64", base64Encode(s));
            w.endObject();
        }
        return;
    }
    const io::DType dtype = t.dtype();
    const size_t esize = io::dtypeInfo(dtype).elementSize;
    const std::byte* p = t.bytes().data() + index * esize;
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

// Calls leaf(i) for each element in row-major order, open()/close() around each nested dimension.
void walkNested(const io::Shape& shape, size_t dim, uint64_t& next, const std::function<void()>& open,
    const std::function<void()>& close, const std::function<void(uint64_t)>& leaf)
{
    if (dim == shape.size()) {
        leaf(next++);
        return;
    }
    open();
    for (int64_t k = 0; k < shape[dim]; ++k)
        walkNested(shape, dim + 1, next, open, close, leaf);
    close();
}

int cmdShow(const Artifact& a, const CliOptions& o, std::ostream& out, std::ostream& err)
{
    if (o.names.size() != 1) {
        err << "tensorscope-cli: show needs exactly one VAR\n";
        return kExitUsage;
    }
    int idx = a.findEntry(o.names[0]);
    if (idx < 0)
        return reportError(Status(io::ErrorCode::NotFound, "no variable named '" + o.names[0] + "'"), o, out,
            err, kExitNoSuchVariable);
    const auto& entry = a.bundle->entries()[static_cast<size_t>(idx)];
    auto tensor = a.bundle->read(entry);
    if (!tensor) return reportError(tensor.status(), o, out, err, kExitOpenFailed);
    auto sel = io::parseSelection(o.slice, entry.shape);
    if (!sel) return reportError(sel.status(), o, out, err, kExitUsage);
    const auto indices = sel->elementIndices(entry.shape);
    const io::Shape rshape = sel->resultShape();
    const std::string format = o.json ? "json" : o.format;

    if (format == "json") {
        JsonWriter w(out);
        w.beginObject();
        w.field("schema", "tensorscope.tensor/1");
        w.field("key", entry.key);
        w.field("dtype", io::dtypeName(entry.dtype));
        w.key("shape");
        writeShape(w, entry.shape);
        if (o.slice.empty())
            w.nullField("slice");
        else
            w.field("slice", o.slice);
        w.key("result_shape");
        writeShape(w, rshape);
        w.key("values");
        uint64_t next = 0;
        walkNested(
            rshape, 0, next, [&] { w.beginArray(); }, [&] { w.endArray(); },
            [&](uint64_t k) { writeElementJson(w, *tensor, indices[k]); });
        if (tensor->isString()) {
            w.key("strings_base64");
            w.beginArray();
            for (auto i : indices)
                w.value(base64Encode(tensor->stringValues()[i]));
            w.endArray();
        } else {
            const size_t esize = io::dtypeInfo(entry.dtype).elementSize;
            std::vector<std::byte> raw;
            raw.reserve(indices.size() * esize);
            for (auto i : indices) {
                auto b = tensor->bytes().subspan(i * esize, esize);
                raw.insert(raw.end(), b.begin(), b.end());
            }
            w.field("raw_base64", base64Encode(raw));
        }
        w.endObject();
        return kExitOk;
    }

    auto text = [&](uint64_t i) -> std::string {
        if (tensor->isString()) {
            const auto& s = tensor->stringValues()[i];
            std::string q = "b'";
            for (unsigned char c : s) {
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
        const size_t esize = io::dtypeInfo(entry.dtype).elementSize;
        return io::formatElement(entry.dtype, tensor->bytes().data() + i * esize);
    };
    if (format == "csv") {
        if (rshape.size() > 2) {
            err << "tensorscope-cli: csv needs a 0-, 1- or 2-D selection; this one has shape "
                << io::shapeToString(rshape) << " (use --slice)\n";
            return kExitUsage;
        }
        const uint64_t cols = rshape.empty() ? 1 : static_cast<uint64_t>(rshape.back());
        for (uint64_t k = 0; k < indices.size(); ++k) {
            std::string cell = text(indices[k]);
            if (tensor->isString()) {
                std::string q = "\"";
                for (char c : tensor->stringValues()[indices[k]])
                    q += c == '"' ? std::string("\"\"") : std::string(1, c);
                cell = q + "\"";
            }
            out << cell << ((cols == 0 || (k + 1) % cols == 0) ? "\n" : ",");
        }
        return kExitOk;
    }
    if (format != "text") {
        err << "tensorscope-cli: unknown --format '" << format << "' (text, csv or json)\n";
        return kExitUsage;
    }
    out << entry.key << ": " << io::dtypeName(entry.dtype) << io::shapeToString(entry.shape);
    if (!o.slice.empty()) out << " [" << o.slice << "] -> " << io::shapeToString(rshape);
    out << "\n";
    uint64_t next = 0;
    bool first = true;
    std::vector<bool> firstAt { true };
    walkNested(
        rshape, 0, next,
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
            out << text(indices[k]);
            first = false;
        });
    out << "\n";
    return kExitOk;
}

// ---------------------------------------------------------------- stats
int cmdStats(const Artifact& a, const CliOptions& o, std::ostream& out, std::ostream& err)
{
    if (!a.bundle && !o.names.empty())
        return reportError(Status(io::ErrorCode::NotFound, "this artifact has no variables"), o, out, err,
            kExitNoSuchVariable);
    std::vector<int> which;
    if (o.names.empty() && a.bundle)
        for (size_t i = 0; i < a.bundle->entries().size(); ++i)
            which.push_back(static_cast<int>(i));
    for (const auto& n : o.names) {
        int idx = a.findEntry(n);
        if (idx < 0)
            return reportError(Status(io::ErrorCode::NotFound, "no variable named '" + n + "'"), o, out, err,
                kExitNoSuchVariable);
        which.push_back(idx);
    }
    struct Row {
        const io::TensorEntry* entry;
        model::TensorStats stats;
        Status error;
    };
    std::vector<Row> rows;
    bool anyError = false;
    for (int i : which) {
        const auto& e = a.bundle->entries()[static_cast<size_t>(i)];
        Row row { &e, {}, {} };
        auto t = a.bundle->read(e);
        if (!t)
            row.error = t.status();
        else if (auto s = model::computeStats(*t))
            row.stats = *s;
        else
            row.error = s.status();
        anyError = anyError || !row.error.isOk();
        rows.push_back(std::move(row));
    }
    if (o.json) {
        JsonWriter w(out);
        w.beginObject();
        w.field("schema", "tensorscope.stats/1");
        w.key("tensors");
        w.beginArray();
        for (const auto& r : rows) {
            const auto& s = r.stats;
            w.beginObject();
            w.field("key", r.entry->key);
            w.field("dtype", io::dtypeName(r.entry->dtype));
            w.key("shape");
            writeShape(w, r.entry->shape);
            w.field("count", r.entry->elementCount());
            bool have = r.error.isOk() && s.numeric && s.finite > 0;
            for (auto [name, v] : { std::pair { "min", s.min }, { "max", s.max }, { "mean", s.mean },
                     { "std", s.std }, { "l2_norm", s.l2 } })
                if (have)
                    w.field(name, v);
                else
                    w.nullField(name);
            w.field("zeros", s.zeros);
            w.field("nan", s.nans);
            w.field("inf", s.infs);
            if (r.error.isOk())
                w.nullField("error");
            else {
                w.key("error");
                writeStatusObject(w, r.error);
            }
            w.endObject();
        }
        w.endArray();
        w.endObject();
    } else {
        for (const auto& r : rows) {
            out << r.entry->key << "  " << io::dtypeName(r.entry->dtype) << io::shapeToString(r.entry->shape)
                << "\n";
            if (!r.error.isOk()) {
                out << "    error: " << r.error.toString() << "\n";
                continue;
            }
            const auto& s = r.stats;
            if (!s.numeric) {
                out << "    (not numeric: " << s.count << " elements)\n";
                continue;
            }
            out << "    min " << io::formatDouble(s.min) << "  max " << io::formatDouble(s.max) << "  mean "
                << io::formatDouble(s.mean) << "  std " << io::formatDouble(s.std) << "  l2 "
                << io::formatDouble(s.l2) << "\n    zeros " << s.zeros << "  nan " << s.nans << "  inf "
                << s.infs << "  (" << s.count << " elements)\n";
        }
    }
    if (anyError)
        for (const auto& r : rows)
            if (!r.error.isOk()) err << "tensorscope-cli: " << r.error.toString() << "\n";
    return anyError ? kExitOpenFailed : kExitOk;
}

// ---------------------------------------------------------------- signatures
int cmdSignatures(const Artifact& a, const CliOptions& o, std::ostream& out, std::ostream& err)
{
    if (!a.savedModel)
        return reportError(
            Status(io::ErrorCode::InvalidArgument, "not a SavedModel: checkpoints have no signatures"), o,
            out, err, kExitOpenFailed);
    const auto& sm = *a.savedModel;
    if (o.json) {
        JsonWriter w(out);
        w.beginObject();
        w.field("schema", "tensorscope.signatures/1");
        w.field("saved_model_schema_version", sm.schemaVersion);
        w.field("text_format", sm.textFormat);
        w.field("has_keras_metadata", sm.hasKerasMetadata);
        w.field("has_variables", sm.hasVariables);
        if (sm.fingerprint) {
            const auto& f = *sm.fingerprint;
            w.key("fingerprint");
            w.beginObject();
            w.field("saved_model_checksum", std::to_string(f.savedModelChecksum));
            w.field("graph_def_program_hash", std::to_string(f.graphDefProgramHash));
            w.field("signature_def_hash", std::to_string(f.signatureDefHash));
            w.field("saved_object_graph_hash", std::to_string(f.savedObjectGraphHash));
            w.field("checkpoint_hash", std::to_string(f.checkpointHash));
            w.field("uuid", f.uuid);
            w.endObject();
        } else {
            w.nullField("fingerprint");
        }
        w.key("meta_graphs");
        w.beginArray();
        for (const auto& mg : sm.metaGraphs) {
            w.beginObject();
            w.key("tags");
            w.beginArray();
            for (const auto& t : mg.tags)
                w.value(t);
            w.endArray();
            w.field("tensorflow_version", mg.tensorflowVersion);
            w.field("tensorflow_git_version", mg.tensorflowGitVersion);
            w.key("signatures");
            w.beginArray();
            for (const auto& s : mg.signatures) {
                w.beginObject();
                w.field("key", s.key);
                w.field("method_name", s.methodName);
                for (auto [name, args] : { std::pair { "inputs", &s.inputs }, { "outputs", &s.outputs } }) {
                    w.key(name);
                    w.beginArray();
                    for (const auto& arg : *args) {
                        w.beginObject();
                        w.field("name", arg.name);
                        w.field("tensor", arg.tensor);
                        w.field("dtype", io::dtypeName(arg.dtype));
                        w.key("shape");
                        writeOptionalShape(w, arg.shape);
                        w.field("encoding", arg.encoding);
                        w.endObject();
                    }
                    w.endArray();
                }
                w.endObject();
            }
            w.endArray();
            w.field("op_count", static_cast<uint64_t>(mg.opCounts.size()));
            w.field("node_count", mg.nodeCount);
            w.field("function_count", mg.functionCount);
            w.key("ops");
            w.beginObject();
            for (const auto& [op, n] : mg.opCounts)
                w.field(op, n);
            w.endObject();
            w.key("assets");
            w.beginArray();
            for (const auto& as : mg.assets) {
                w.beginObject();
                w.field("filename", as.filename);
                w.field("tensor", as.tensor);
                w.field("exists", as.exists);
                w.endObject();
            }
            w.endArray();
            if (!mg.hasObjectGraph)
                w.nullField("object_graph");
            else {
                w.key("object_graph");
                w.beginObject();
                w.field("concrete_function_count", mg.concreteFunctionCount);
                w.key("nodes");
                w.beginArray();
                for (const auto& n : mg.objects) {
                    w.beginObject();
                    w.field("id", n.id);
                    w.field("kind", n.kind);
                    if (n.identifier.empty())
                        w.nullField("identifier");
                    else
                        w.field("identifier", n.identifier);
                    if (n.path.empty())
                        w.nullField("path");
                    else
                        w.field("path", n.path);
                    w.key("children");
                    w.beginArray();
                    for (const auto& [cn, cid] : n.children) {
                        w.beginObject();
                        w.field("name", cn);
                        w.field("id", cid);
                        w.endObject();
                    }
                    w.endArray();
                    w.key("function_signatures");
                    w.beginArray();
                    for (const auto& fs : n.functionSignatures)
                        w.value(fs);
                    w.endArray();
                    w.endObject();
                }
                w.endArray();
                w.endObject();
            }
            w.endObject();
        }
        w.endArray();
        w.key("warnings");
        w.beginArray();
        for (const auto& s : sm.warnings)
            w.value(io::warningText(s));
        w.endArray();
        w.endObject();
        return kExitOk;
    }
    out << "SavedModel " << sm.file.string() << (sm.textFormat ? " (text format)" : "") << "\n";
    for (const auto& mg : sm.metaGraphs) {
        std::string tags;
        for (const auto& t : mg.tags)
            tags += (tags.empty() ? "" : ", ") + t;
        out << "\nMetaGraph with tag set {" << tags << "}";
        if (!mg.tensorflowVersion.empty()) out << "  (TensorFlow " << mg.tensorflowVersion << ")";
        out << "\n  " << mg.opCounts.size() << " distinct ops, " << mg.nodeCount << " nodes, "
            << mg.functionCount << " functions\n";
        if (mg.signatures.empty()) out << "  WARNING: no signatures\n";
        for (const auto& s : mg.signatures) {
            out << "\n  signature '" << s.key
                << "'  method: " << (s.methodName.empty() ? "(none)" : s.methodName) << "\n";
            for (auto [label, args] : { std::pair { "inputs", &s.inputs }, { "outputs", &s.outputs } }) {
                out << "    " << label << ":" << (args->empty() ? " (none)" : "") << "\n";
                for (const auto& arg : *args)
                    out << "      " << arg.name << ": " << io::dtypeName(arg.dtype) << " "
                        << io::shapeToString(arg.shape, io::ShapeStyle::Parentheses) << "  <- " << arg.tensor
                        << (arg.encoding == "name" ? "" : " (" + arg.encoding + ")") << "\n";
            }
        }
        if (!mg.assets.empty()) {
            out << "\n  assets:\n";
            for (const auto& as : mg.assets)
                out << "    " << as.filename << (as.exists ? "" : "  (MISSING)") << "\n";
        }
        if (mg.hasObjectGraph) {
            out << "\n  object graph: " << mg.objects.size() << " objects, " << mg.concreteFunctionCount
                << " concrete functions\n";
            for (const auto& n : mg.objects)
                if ((n.kind == "function" || n.kind == "bare_concrete_function") && !n.path.empty())
                    for (const auto& fs : n.functionSignatures)
                        out << "    " << n.path << fs << "\n";
        }
    }
    if (sm.fingerprint)
        out << "\nfingerprint: saved_model_checksum " << sm.fingerprint->savedModelChecksum << "\n";
    out << "keras_metadata.pb: " << (sm.hasKerasMetadata ? "present" : "absent") << "\n";
    for (const auto& s : sm.warnings)
        out << "Warning: " << io::warningText(s) << "\n";
    return kExitOk;
}

// ---------------------------------------------------------------- verify
int cmdVerify(const Artifact& a, const CliOptions& o, std::ostream& out)
{
    io::VerifyReport report;
    if (a.bundle)
        report = a.bundle->verify();
    else if (!a.bundleStatus.isOk()) {
        report.ok = false;
        report.problems.push_back(a.bundleStatus);
    }
    if (o.json) {
        JsonWriter w(out);
        w.beginObject();
        w.field("schema", "tensorscope.verify/1");
        w.field("ok", report.ok);
        w.field("files_checked", report.filesChecked);
        w.field("blocks_checked", report.blocksChecked);
        w.field("tensors_checked", report.tensorsChecked);
        w.field("bytes_checked", report.bytesChecked);
        w.key("problems");
        w.beginArray();
        for (const auto& p : report.problems)
            writeStatusObject(w, p);
        w.endArray();
        w.endObject();
    } else {
        out << (report.ok ? "OK" : "DAMAGED") << ": " << report.filesChecked << " files, "
            << report.blocksChecked << " index blocks, " << report.tensorsChecked << " tensors, "
            << humanBytes(report.bytesChecked) << " checked\n";
        for (const auto& p : report.problems)
            out << "  " << p.toString() << "\n";
    }
    return report.ok ? kExitOk : kExitDamaged;
}

} // namespace

void printUsage(std::ostream& out)
{
    out << "Usage: tensorscope-cli COMMAND PATH [options]\n\n"
           "Commands:\n"
           "  info PATH                 kind, TensorFlow version, variable and parameter counts\n"
           "  ls PATH [--flat]          the variable tree with dtype, shape and size (--no-slots hides "
           "optimizer slots)\n"
           "  show PATH VAR [--slice S] [--format text|csv|json]   values of one variable (S like 0,:,3:5)\n"
           "  stats PATH [VAR...]       min, max, mean, std, L2 norm, zeros, NaN and Inf counts\n"
           "  signatures PATH           SavedModel tag sets, signatures, object graph, assets\n"
           "  verify PATH               check every index block and tensor CRC (exit 4 if damaged)\n\n"
           "Options: --json (machine-readable output, see docs/CLI.md), -h/--help, --version\n"
           "PATH: a checkpoint prefix, .index, .data-* shard, `checkpoint` file, training directory,\n"
           "      SavedModel directory, saved_model.pb/.pbtxt or its variables/ directory.\n"
           "Exit codes: 0 ok, 2 usage, 3 cannot open/read, 4 damaged (verify), 5 no such variable.\n";
}

bool parseArguments(int argc, char** argv, CliOptions& o, std::ostream& err, int& exitCode)
{
    std::vector<std::string> positional;
    for (int i = 1; i < argc; ++i) {
        std::string arg = argv[i];
        auto needValue = [&](std::string& target) {
            if (i + 1 >= argc) {
                err << "tensorscope-cli: " << arg << " needs a value\n";
                return false;
            }
            target = argv[++i];
            return true;
        };
        if (arg == "--json")
            o.json = true;
        else if (arg == "--flat")
            o.flat = true;
        else if (arg == "--no-slots")
            o.noSlots = true;
        else if (arg == "--slice") {
            if (!needValue(o.slice)) return exitCode = kExitUsage, false;
        } else if (arg.starts_with("--slice="))
            o.slice = arg.substr(8);
        else if (arg == "--format") {
            if (!needValue(o.format)) return exitCode = kExitUsage, false;
        } else if (arg.starts_with("--format="))
            o.format = arg.substr(9);
        else if (arg == "-h" || arg == "--help") {
            printUsage(std::cout);
            exitCode = kExitOk;
            return false;
        } else if (arg == "--version") {
            std::cout << "tensorscope-cli 0.1.0\n";
            exitCode = kExitOk;
            return false;
        } else if (arg.starts_with("--")) {
            err << "tensorscope-cli: unknown option " << arg << "\n";
            printUsage(err);
            return exitCode = kExitUsage, false;
        } else
            positional.push_back(arg);
    }
    static const std::vector<std::string> kCommands { "info", "ls", "show", "stats", "signatures", "verify" };
    if (positional.size() < 2
        || std::find(kCommands.begin(), kCommands.end(), positional[0]) == kCommands.end()) {
        if (!positional.empty()
            && std::find(kCommands.begin(), kCommands.end(), positional[0]) == kCommands.end())
            err << "tensorscope-cli: unknown command '" << positional[0] << "'\n";
        printUsage(err);
        return exitCode = kExitUsage, false;
    }
    o.command = positional[0];
    o.path = positional[1];
    o.names.assign(positional.begin() + 2, positional.end());
    if (o.format == "json") o.json = true;
    return true;
}

int runCommand(const CliOptions& o, std::ostream& out, std::ostream& err)
{
    auto artifact = io::openArtifact(o.path);
    if (!artifact) return reportError(artifact.status(), o, out, err, kExitOpenFailed);
    const Artifact& a = **artifact;
    if (o.command == "info") return cmdInfo(a, o, out);
    if (o.command == "ls") return cmdLs(a, o, out);
    if (o.command == "show") {
        if (!a.bundle)
            return reportError(Status(io::ErrorCode::NotFound, "this artifact has no variables"), o, out, err,
                kExitNoSuchVariable);
        return cmdShow(a, o, out, err);
    }
    if (o.command == "stats") return cmdStats(a, o, out, err);
    if (o.command == "signatures") return cmdSignatures(a, o, out, err);
    if (o.command == "verify") return cmdVerify(a, o, out);
    return kExitUsage;
}

} // namespace tscope::cli
