#include "io/export/savedmodel_tf1_export.h"

#include "io/atomic_file.h"
#include "io/bundle_rewrite.h"
#include "io/export/savedmodel_directory.h"
#include "saved_model.pb.h"

#include <set>

namespace tscope::io {
namespace {

// "NAME=TENSOR" -> the pair; the tensor name may itself hold '=' only after the first one.
Status splitBinding(const std::string& text, std::string& key, std::string& tensor)
{
    const size_t eq = text.find('=');
    if (eq == std::string::npos || eq == 0 || eq + 1 == text.size())
        return Status(ErrorCode::InvalidArgument, "expected NAME=TENSOR, got '" + text + "'");
    key = text.substr(0, eq);
    tensor = text.substr(eq + 1);
    return Status::ok();
}

tensorflow::TensorInfo tensorInfo(const GraphTensor& t)
{
    tensorflow::TensorInfo info;
    info.set_name(t.name);
    info.set_dtype(static_cast<tensorflow::DataType>(t.dtype));
    auto* shape = info.mutable_tensor_shape();
    if (!t.shape) {
        shape->set_unknown_rank(true);
    } else {
        for (int64_t d : *t.shape)
            shape->add_dim()->set_size(d);
    }
    return info;
}

} // namespace

std::string Tf1ExportPlan::refusalText() const
{
    std::string text;
    for (const auto& k : missing)
        text += "missing: " + k + " is restored by the graph's saver but not in the checkpoint\n";
    return text;
}

Status planTf1Export(
    const BundleReader& checkpoint, const Tf1Graph& graph, const Tf1SignatureSpec& spec, Tf1ExportPlan& plan)
{
    plan = {};
    plan.signatureKey = spec.key.empty() ? "serving_default" : spec.key;
    if (spec.outputs.empty())
        return Status(
            ErrorCode::InvalidArgument, "a signature needs at least one output (--output NAME=TENSOR)");
    std::set<std::string> names;
    auto bind = [&](const std::vector<std::string>& texts, bool inputs) -> Status {
        for (const auto& text : texts) {
            std::string key, name;
            TSCOPE_RETURN_IF_ERROR(splitBinding(text, key, name));
            if (!names.insert((inputs ? "in:" : "out:") + key).second)
                return Status(ErrorCode::InvalidArgument,
                    std::string("the signature ") + (inputs ? "input" : "output") + " '" + key
                        + "' is given twice");
            auto t = graph.resolve(name);
            if (!t) {
                plan.noSuchTensor = t.status().code() == ErrorCode::NotFound;
                return t.status();
            }
            if (inputs && !t->placeholder)
                return Status(ErrorCode::InvalidArgument,
                    "'" + t->name + "' is the output of a " + t->op
                        + " op, not a placeholder: a signature input must be a tensor the caller feeds "
                          "(Placeholder or PlaceholderWithDefault)")
                    .withTensor(t->name);
            (inputs ? plan.inputs : plan.outputs).push_back({ key, std::move(t.value()) });
        }
        return Status::ok();
    };
    TSCOPE_RETURN_IF_ERROR(bind(spec.inputs, true));
    TSCOPE_RETURN_IF_ERROR(bind(spec.outputs, false));
    auto keys = graph.restoredKeys();
    if (!keys) return keys.status();
    plan.restoredKeys = std::move(keys.value());
    for (const auto& k : plan.restoredKeys)
        if (!checkpoint.find(k)) plan.missing.push_back(k);
    return Status::ok();
}

Status writeTf1SavedModel(const BundleReader& checkpoint, const Tf1Graph& graph, const Tf1ExportPlan& plan,
    const std::filesystem::path& out, const ExportOptions& options, Tf1ExportReport& report)
{
    if (plan.refused())
        return Status(
            ErrorCode::InvalidArgument, "the graph's saver refuses this checkpoint:\n" + plan.refusalText());
    std::error_code ec;
    if (std::filesystem::exists(out, ec) && !options.replaceExisting)
        return Status(ErrorCode::Io, "the output exists (use --force to replace it)").withPath(out.string());

    tensorflow::SavedModel sm;
    sm.set_saved_model_schema_version(1);
    tensorflow::MetaGraphDef* mg = sm.add_meta_graphs();
    *mg = graph.metaGraph();
    // The TF1 loader picks the meta graph whose tags equal the requested set exactly.
    mg->mutable_meta_info_def()->clear_tags();
    mg->mutable_meta_info_def()->add_tags("serve");
    tensorflow::SignatureDef sig;
    sig.set_method_name("tensorflow/serving/predict");
    for (const auto& in : plan.inputs)
        (*sig.mutable_inputs())[in.key] = tensorInfo(in.tensor);
    for (const auto& o : plan.outputs)
        (*sig.mutable_outputs())[o.key] = tensorInfo(o.tensor);
    (*mg->mutable_signature_def())[plan.signatureKey] = std::move(sig);
    std::string bytes;
    if (!sm.SerializeToString(&bytes))
        return Status(ErrorCode::Unsupported, "the SavedModel proto cannot be serialized (over 2 GiB?)");

    TemporaryExportDir temp(out);
    TSCOPE_RETURN_IF_ERROR(temp.create());
    AtomicFile pb(temp.path() / "saved_model.pb");
    TSCOPE_RETURN_IF_ERROR(pb.open());
    TSCOPE_RETURN_IF_ERROR(pb.write(bytes));
    TSCOPE_RETURN_IF_ERROR(pb.commit(false));
    std::filesystem::create_directory(temp.path() / "variables", ec);
    if (ec)
        return Status(ErrorCode::Io, "cannot create variables/: " + ec.message())
            .withPath(temp.path().string());
    // Every tensor under its own key (the saver restores by key), re-encoded with CRCs checked.
    RewriteOptions ro;
    ro.cancel = options.cancel;
    ro.progress = options.progress;
    auto r = rewriteBundle(checkpoint, temp.path() / "variables" / "variables", ro);
    if (!r) return r.status();
    report.tensors = r->tensors;
    report.bytes = r->bytes;
    if (options.cancel && options.cancel->isCancelled())
        return Status(ErrorCode::Cancelled, "export cancelled");
    if (auto leftOut = writeFingerprint(temp.path())) report.leftOut.push_back(*leftOut);
    return temp.renameInto(out, options.replaceExisting, options.durability);
}

} // namespace tscope::io
