#include "model/compare/checkpoint_fit.h"

#include "io/compare/pair_status.h"

namespace tscope::model {
namespace {

bool requiredInTarget(const io::Artifact& target, int index)
{
    const auto& note = target.tree.annotations[static_cast<size_t>(index)];
    const std::string& key = target.bundle->entries()[static_cast<size_t>(index)].key;
    return !note.optimizerState && !key.starts_with("keras_api/");
}

} // namespace

FitReport checkFit(const io::Artifact& ckpt, const io::Artifact& target, const io::MappingOptions& options)
{
    FitReport r;
    if (ckpt.bundle && target.bundle) {
        r.mapping = io::mapVariables(*ckpt.bundle, *target.bundle, options);
    } else if (target.bundle) {
        for (size_t j = 0; j < target.bundle->entries().size(); ++j)
            if (io::takesPartInMapping(target.bundle->entries()[j]))
                r.mapping.onlyInB.push_back(static_cast<int>(j));
    } else if (ckpt.bundle) {
        for (size_t i = 0; i < ckpt.bundle->entries().size(); ++i)
            if (io::takesPartInMapping(ckpt.bundle->entries()[i]))
                r.mapping.onlyInA.push_back(static_cast<int>(i));
    }
    for (int j : r.mapping.onlyInB)
        (requiredInTarget(target, j) ? r.missing : r.optionalMissing).push_back(j);
    r.unexpected = r.mapping.onlyInA;
    for (const auto& m : r.mapping.matches) {
        const auto v = io::classifyByMetadata(ckpt.bundle->entries()[static_cast<size_t>(m.a)],
            target.bundle->entries()[static_cast<size_t>(m.b)]);
        if (v == io::MetadataVerdict::DtypeChanged) r.mismatched.push_back({ m, "dtype" });
        if (v == io::MetadataVerdict::ShapeChanged) r.mismatched.push_back({ m, "shape" });
    }
    r.targetVariables = r.mapping.matches.size() + r.mapping.onlyInB.size();
    return r;
}

} // namespace tscope::model
