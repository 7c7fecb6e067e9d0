#include "io/export/savedmodel_export.h"

#include "io/atomic_file.h"
#include "io/bundle_writer.h"
#include "io/export/checkpoint_subset.h"
#include "io/export/savedmodel_directory.h"
#include "io/variable_tree.h"

#include <algorithm>
#include <set>

namespace tscope::io {
namespace {

std::string typeOf(const TensorEntry& e)
{
    return dtypeName(e.dtype) + shapeToString(e.shape);
}

// The template's files other than its variables and fingerprint, copied byte for byte.
Status copyTemplateFiles(const std::filesystem::path& from, const std::filesystem::path& to,
    const CancelToken* cancel, uint64_t& copied)
{
    std::error_code ec;
    for (const auto& item : std::filesystem::directory_iterator(from, ec)) {
        if (cancel && cancel->isCancelled()) return Status(ErrorCode::Cancelled, "export cancelled");
        const std::string name = item.path().filename().string();
        if (name == "variables" || name == "fingerprint.pb") continue;
        const auto target = to / name;
        if (item.is_directory(ec)) {
            std::filesystem::create_directory(target, ec);
            if (ec) return Status(ErrorCode::Io, "cannot create " + ec.message()).withPath(target.string());
            TSCOPE_RETURN_IF_ERROR(copyTemplateFiles(item.path(), target, cancel, copied));
        } else if (item.is_regular_file(ec)) {
            std::filesystem::copy_file(item.path(), target, ec);
            if (ec)
                return Status(ErrorCode::Io, "cannot copy: " + ec.message()).withPath(item.path().string());
            ++copied;
        }
    }
    if (ec) return Status(ErrorCode::Io, "cannot list the template: " + ec.message()).withPath(from.string());
    return Status::ok();
}

} // namespace

std::string SavedModelExportPlan::refusalText() const
{
    std::string text;
    for (const auto& v : missing)
        text += "missing: " + v.templateKey + " " + v.templateType + " has no variable in the checkpoint\n";
    for (const auto& v : mismatched)
        text += "mismatched: " + v.templateKey + " " + v.templateType + " <- " + v.checkpointKey + " "
            + v.checkpointType + " (" + v.method + ")\n";
    if (!acceptFallback)
        for (const auto& v : fallback)
            text += "fallback: " + v.templateKey + " <- " + v.checkpointKey
                + " matched by name only (accept with --accept-fallback)\n";
    return text;
}

SavedModelExportPlan planSavedModelExport(const BundleReader& checkpoint,
    const BundleReader& templateVariables, const MappingOptions& mapping, bool acceptFallback)
{
    const VariableMapping m = mapVariables(checkpoint, templateVariables, mapping);
    // Template keys that are not model weights: what only an optimizer edge reaches, and Keras metrics.
    std::set<std::string> notWeights;
    if (const TensorEntry* g = templateVariables.find(kObjectGraphKey)) {
        auto t = templateVariables.read(*g);
        if (t && t->isString() && t->stringValues().size() == 1)
            notWeights = optimizerOnlyKeys(t->stringValues()[0]);
    }
    auto isWeight = [&](const std::string& key) {
        return !notWeights.count(key) && !key.starts_with("keras_api/metrics/");
    };
    SavedModelExportPlan plan;
    plan.acceptFallback = acceptFallback;
    plan.checkpointRoot = m.rootA;
    plan.templateRoot = m.rootB;
    plan.warnings = m.warnings;
    const auto& a = checkpoint.entries();
    const auto& b = templateVariables.entries();
    std::set<int> used;
    for (const auto& match : m.matches) {
        const TensorEntry& ea = a[static_cast<size_t>(match.a)];
        const TensorEntry& eb = b[static_cast<size_t>(match.b)];
        used.insert(match.a);
        SavedModelVariable v;
        v.templateKey = eb.key;
        v.checkpointKey = ea.key;
        v.templateType = typeOf(eb);
        v.checkpointType = typeOf(ea);
        v.method = matchMethodName(match.method);
        v.templatePath = match.pathB;
        v.checkpointPath = match.pathA;
        if (match.rule >= 0 && static_cast<size_t>(match.rule) < mapping.rules.size())
            v.rule = mapping.rules[static_cast<size_t>(match.rule)].text;
        v.templateEntry = match.b;
        v.checkpointEntry = match.a;
        if (ea.dtype != eb.dtype || ea.shape != eb.shape) {
            plan.mismatched.push_back(std::move(v));
            continue;
        }
        if (match.method == MatchMethod::Name && isWeight(eb.key)) plan.fallback.push_back(v);
        plan.matched.push_back(std::move(v));
    }
    for (int i : m.onlyInB) {
        const TensorEntry& eb = b[static_cast<size_t>(i)];
        if (!takesPartInMapping(eb)) continue;
        SavedModelVariable v;
        v.templateKey = eb.key;
        v.templateType = typeOf(eb);
        v.templateEntry = i;
        if (isWeight(eb.key)) {
            plan.missing.push_back(std::move(v));
        } else {
            v.method = "template";
            plan.kept.push_back(std::move(v));
        }
    }
    for (size_t i = 0; i < a.size(); ++i)
        if (takesPartInMapping(a[i]) && !used.count(static_cast<int>(i))) plan.unused.push_back(a[i].key);
    auto byKey = [](const SavedModelVariable& x, const SavedModelVariable& y) {
        return x.templateKey < y.templateKey;
    };
    std::sort(plan.matched.begin(), plan.matched.end(), byKey);
    std::sort(plan.fallback.begin(), plan.fallback.end(), byKey);
    std::sort(plan.mismatched.begin(), plan.mismatched.end(), byKey);
    return plan;
}

Status writeSavedModelExport(const BundleReader& checkpoint, const BundleReader& templateVariables,
    const std::filesystem::path& templateDir, const SavedModelExportPlan& plan,
    const std::filesystem::path& out, const ExportOptions& options, SavedModelExportReport& report)
{
    if (plan.refused())
        return Status(ErrorCode::InvalidArgument, "the mapping refuses this export:\n" + plan.refusalText());
    std::error_code ec;
    if (std::filesystem::exists(out, ec) && !options.replaceExisting)
        return Status(ErrorCode::Io, "the output exists (use --force to replace it)").withPath(out.string());
    const auto& tentries = templateVariables.entries();
    for (const auto& e : tentries)
        if (e.partitioned() || e.dtype == DType::Variant)
            return Status(
                ErrorCode::Unsupported, "partitioned and variant variables in a template are not supported")
                .withTensor(e.key);
    const TensorEntry* graph = templateVariables.find(kObjectGraphKey);
    if (!graph)
        return Status(
            ErrorCode::Unsupported, "the template's variables have no object graph (not a TF2 SavedModel)");

    TemporaryExportDir temp(out);
    TSCOPE_RETURN_IF_ERROR(temp.create());
    TSCOPE_RETURN_IF_ERROR(copyTemplateFiles(templateDir, temp.path(), options.cancel, report.filesCopied));
    std::filesystem::create_directory(temp.path() / "variables", ec);
    if (ec)
        return Status(ErrorCode::Io, "cannot create variables/: " + ec.message())
            .withPath(temp.path().string());

    // Template entry -> checkpoint entry; written in the template's data order (as TF added them).
    std::vector<int> source(tentries.size(), -1);
    uint64_t total = 0;
    std::vector<char> keep(tentries.size(), 0);
    for (const auto& v : plan.matched) {
        source[static_cast<size_t>(v.templateEntry)] = v.checkpointEntry;
        total += tentries[static_cast<size_t>(v.templateEntry)].byteSize();
    }
    for (const auto& v : plan.kept)
        keep[static_cast<size_t>(v.templateEntry)] = 1;
    std::vector<size_t> order(tentries.size());
    for (size_t i = 0; i < order.size(); ++i)
        order[i] = i;
    std::stable_sort(order.begin(), order.end(), [&](size_t x, size_t y) {
        const auto &a = tentries[x].stored, &b = tentries[y].stored;
        if (a.shard != b.shard) return a.shard < b.shard;
        if (a.offset != b.offset) return a.offset < b.offset;
        return a.size == 0 && b.size != 0;
    });

    BundleWriter::Options wo;
    wo.numShards = templateVariables.header().numShards;
    wo.producer = templateVariables.header().producer;
    wo.minConsumer = templateVariables.header().minConsumer;
    wo.replaceExisting = false;
    BundleWriter writer(temp.path() / "variables" / "variables", wo);
    const auto& centries = checkpoint.entries();
    for (size_t i : order) {
        if (shouldStop(options.cancel, options.progress, report.bytes, total))
            return Status(ErrorCode::Cancelled, "export cancelled");
        const TensorEntry& te = tentries[i];
        ReadOptions ro;
        ro.cancel = options.cancel;
        ro.verifyCrc = true;
        if (te.key == kObjectGraphKey || keep[i]) {
            auto t = templateVariables.read(te, ro);
            if (!t) return t.status();
            TSCOPE_RETURN_IF_ERROR(writer.addTensor(te.key, *t, te.stored.shard));
            if (keep[i]) report.bytes += te.byteSize();
        } else {
            if (source[i] < 0) continue; // not a variable (takesPartInMapping); refused plans never get here
            const TensorEntry& ce = centries[static_cast<size_t>(source[i])];
            if (checkpoint.header().bigEndian)
                return Status(ErrorCode::Unsupported, "big-endian checkpoints are not supported here")
                    .withTensor(ce.key);
            // A whole stored tensor of fixed-size elements is copied unchanged: its CRC is verified on the
            // pass that copies it and becomes the new entry's CRC (one checksum per tensor, not two).
            const bool copied = !ce.partitioned() && !isDType(ce.stored.dtype, DType::String);
            ro.verifyCrc = !copied;
            auto t = checkpoint.read(ce, ro);
            if (!t) return t.status();
            if (copied) {
                const uint64_t before = report.bytes;
                Status s = writer.addVerified(te.key, t->dtype(), t->shape(), t->bytes(), ce.stored.maskedCrc,
                    te.stored.shard, [&](uint64_t written) {
                        return !shouldStop(options.cancel, options.progress, before + written, total);
                    });
                if (s.code() == ErrorCode::ChecksumMismatch) s = std::move(s).withTensor(ce.key);
                TSCOPE_RETURN_IF_ERROR(s);
            } else {
                TSCOPE_RETURN_IF_ERROR(writer.addTensor(te.key, *t, te.stored.shard));
            }
            report.bytes += te.byteSize();
        }
        ++report.tensors;
    }
    TSCOPE_RETURN_IF_ERROR(writer.finish());
    if (options.cancel && options.cancel->isCancelled())
        return Status(ErrorCode::Cancelled, "export cancelled");
    if (auto leftOut = writeFingerprint(temp.path())) report.leftOut.push_back(*leftOut);
    TSCOPE_RETURN_IF_ERROR(temp.renameInto(out, options.replaceExisting, options.durability));
    if (options.progress) options.progress(total, total);
    return Status::ok();
}

} // namespace tscope::io
