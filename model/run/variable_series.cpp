#include "model/run/variable_series.h"

#include <algorithm>

namespace tscope::model {
namespace {

const io::TensorEntry* entryIn(const io::Artifact* step, const std::string& key)
{
    return step && step->bundle ? step->bundle->find(key) : nullptr;
}

io::Status unopenedStepError(const SeriesOptions& options, size_t step)
{
    if (step < options.stepErrors.size() && !options.stepErrors[step].isOk()) return options.stepErrors[step];
    return io::Status(io::ErrorCode::NotFound, "this step's checkpoint could not be opened");
}

// Which keys to follow, resolved in the last step.
io::Result<std::vector<int>> chooseVariables(const io::Artifact& last, const std::vector<std::string>& names)
{
    std::vector<int> out;
    if (!last.bundle) return out;
    if (names.empty()) {
        for (size_t i = 0; i < last.bundle->entries().size(); ++i) {
            const auto& note = last.tree.annotations[i];
            if (note.role == io::EntryRole::Variable && !note.optimizerState)
                out.push_back(static_cast<int>(i));
        }
        return out;
    }
    for (const auto& n : names) {
        const int i = last.findEntry(n);
        if (i < 0)
            return io::Status(io::ErrorCode::NotFound, "no variable named '" + n + "' in the last step");
        out.push_back(i);
    }
    return out;
}

} // namespace

io::Result<std::vector<VariableSeries>> computeVariableSeries(
    const std::vector<std::shared_ptr<io::Artifact>>& steps, const SeriesOptions& options)
{
    std::vector<VariableSeries> out;
    const auto lastOpened
        = std::find_if(steps.rbegin(), steps.rend(), [](const auto& s) { return s != nullptr; });
    if (lastOpened == steps.rend()) return out;
    const io::Artifact& last = **lastOpened;
    auto chosen = chooseVariables(last, options.variables);
    if (!chosen) return chosen.status();
    const uint64_t total = chosen->size() * steps.size();
    uint64_t done = 0;
    for (int index : *chosen) {
        const auto& e = last.bundle->entries()[static_cast<size_t>(index)];
        VariableSeries series { e.key, last.tree.annotations[static_cast<size_t>(index)].objectPath, e.dtype,
            e.shape, {} };
        std::optional<io::Tensor> previous;
        for (size_t stepIndex = 0; stepIndex < steps.size(); ++stepIndex) {
            const io::Artifact* step = steps[stepIndex].get();
            if (io::shouldStop(options.cancel, options.progress, done++, total))
                return io::Status(io::ErrorCode::Cancelled, "run series cancelled");
            SeriesPoint point;
            if (!step) point.error = unopenedStepError(options, stepIndex);
            const io::TensorEntry* entry = entryIn(step, e.key);
            std::optional<io::Tensor> current;
            if (entry) {
                point.present = true;
                io::ReadOptions read;
                read.cancel = options.cancel;
                if (auto t = step->bundle->read(*entry, read))
                    current = std::move(*t);
                else
                    point.error = t.status();
            }
            if (current) {
                StatsOptions so;
                so.cancel = options.cancel;
                so.executor = options.executor;
                if (auto s = computeStats(*current, so))
                    point.stats = *s;
                else
                    point.error = s.status();
                if (previous && previous->dtype() == current->dtype()
                    && previous->shape() == current->shape()) {
                    DiffOptions d;
                    d.cancel = options.cancel;
                    d.executor = options.executor;
                    if (auto m = computeDiff(*previous, *current, d))
                        point.relChange = m->relChange;
                    else
                        point.error = m.status();
                }
            }
            if (point.error.code() == io::ErrorCode::Cancelled) return point.error;
            previous = std::move(current);
            series.points.push_back(std::move(point));
        }
        out.push_back(std::move(series));
    }
    if (options.progress) options.progress(total, total);
    return out;
}

} // namespace tscope::model
