#include "model/compare/checkpoint_fit.h"

#include "io/compare/pair_status.h"

#include <utility>

namespace tscope::model {
namespace {

bool requiredInTarget(const io::Artifact& target, int index)
{
    const auto& note = target.tree.annotations[static_cast<size_t>(index)];
    const std::string& key = target.bundle->entries()[static_cast<size_t>(index)].key;
    return !note.optimizerState && !key.starts_with("keras_api/");
}

// A side without variables maps nothing: every entry of the other side is its own.
io::VariableMapping mapSides(const io::Artifact& a, const io::Artifact& b, const io::MappingOptions& options)
{
    io::VariableMapping m;
    if (a.bundle && b.bundle) return io::mapVariables(*a.bundle, *b.bundle, options);
    for (auto [side, list] : { std::pair { &a, &m.onlyInA }, std::pair { &b, &m.onlyInB } })
        if (side->bundle)
            for (size_t i = 0; i < side->bundle->entries().size(); ++i)
                if (io::takesPartInMapping(side->bundle->entries()[i])) list->push_back(static_cast<int>(i));
    return m;
}

} // namespace

FitVerdict judgeFit(const io::Artifact& ckpt, const io::Artifact& target, const io::VariableMapping& mapping,
    CheckpointSide ckptSide)
{
    const bool ckptIsA = ckptSide == CheckpointSide::A;
    const auto& onlyInCkpt = ckptIsA ? mapping.onlyInA : mapping.onlyInB;
    const auto& onlyInTarget = ckptIsA ? mapping.onlyInB : mapping.onlyInA;
    FitVerdict r;
    for (int j : onlyInTarget)
        (requiredInTarget(target, j) ? r.missing : r.optionalMissing).push_back(j);
    r.unexpected = onlyInCkpt;
    for (const auto& m : mapping.matches) {
        const int c = ckptIsA ? m.a : m.b;
        const int t = ckptIsA ? m.b : m.a;
        const auto v = io::classifyByMetadata(
            ckpt.bundle->entries()[static_cast<size_t>(c)], target.bundle->entries()[static_cast<size_t>(t)]);
        if (v != io::MetadataVerdict::DtypeChanged && v != io::MetadataVerdict::ShapeChanged) continue;
        io::VariableMatch match = m;
        if (!ckptIsA) {
            std::swap(match.a, match.b);
            std::swap(match.pathA, match.pathB);
        }
        r.mismatched.push_back(
            { std::move(match), v == io::MetadataVerdict::DtypeChanged ? "dtype" : "shape" });
    }
    r.targetVariables = mapping.matches.size() + onlyInTarget.size();
    return r;
}

FitReport checkFit(const io::Artifact& ckpt, const io::Artifact& target, const io::MappingOptions& options)
{
    FitReport r;
    r.mapping = mapSides(ckpt, target, options);
    static_cast<FitVerdict&>(r) = judgeFit(ckpt, target, r.mapping, CheckpointSide::A);
    return r;
}

} // namespace tscope::model
