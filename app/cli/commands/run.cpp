// `run DIR|FILE... [--var KEY]...`: a training run's steps (timestamps from the state file, else file
// times) and per-variable L2 norm, mean, std, max |value| and relative change from the previous step
// (tensorscope.run/1). A directory holding two prefixes lists both runs.
#include "app/cli/command.h"
#include "app/cli/common_arguments.h"
#include "app/cli/exit_codes.h"
#include "app/cli/json_output.h"
#include "io/artifact.h"
#include "io/element.h"
#include "io/run/training_run.h"
#include "model/kernels/compute_pool.h"
#include "model/run/variable_series.h"

#include <CLI/CLI.hpp>
#include <algorithm>
#include <cmath>
#include <ctime>
#include <ostream>

namespace tscope::cli {
namespace {

struct RunResult {
    io::TrainingRun run;
    std::vector<io::Status> stepErrors; // index-aligned with run.steps: why a step did not open
    std::vector<model::VariableSeries> series;
};

double maxAbs(const model::TensorStats& s)
{
    return std::max(std::fabs(s.min), std::fabs(s.max));
}

void writePoint(json::JsonWriter& w, const model::SeriesPoint& p)
{
    w.beginObject();
    w.field("present", p.present);
    const bool have = p.present && p.error.isOk() && p.stats.numeric && p.stats.finite > 0;
    for (auto [name, v] : { std::pair { "l2_norm", p.stats.l2 }, { "mean", p.stats.mean },
             { "std", p.stats.std }, { "max_abs", maxAbs(p.stats) } })
        if (have)
            w.field(name, v);
        else
            w.nullField(name);
    if (p.relChange)
        w.field("rel_change", *p.relChange);
    else
        w.nullField("rel_change");
    if (p.error.isOk()) {
        w.nullField("error");
    } else {
        w.key("error");
        writeStatusObject(w, p.error);
    }
    w.endObject();
}

void writeJson(const std::vector<RunResult>& runs, std::ostream& out)
{
    json::JsonWriter w(out);
    w.beginObject();
    w.field("schema", "tensorscope.run/1");
    w.key("runs");
    w.beginArray();
    for (const auto& r : runs) {
        w.beginObject();
        w.field("name", r.run.name);
        w.field("directory", r.run.directory.string());
        w.field("current", r.run.current);
        w.key("steps");
        w.beginArray();
        for (size_t i = 0; i < r.run.steps.size(); ++i) {
            const auto& s = r.run.steps[i];
            w.beginObject();
            w.field("prefix", s.prefix.filename().string());
            if (s.step)
                w.field("step", *s.step);
            else
                w.nullField("step");
            w.field("timestamp", s.timestamp);
            w.field("timestamp_source", s.timestampFromStateFile ? "state_file" : "file_time");
            if (r.stepErrors[i].isOk()) {
                w.nullField("error");
            } else {
                w.key("error");
                writeStatusObject(w, r.stepErrors[i]);
            }
            w.endObject();
        }
        w.endArray();
        w.key("variables");
        w.beginArray();
        for (const auto& v : r.series) {
            w.beginObject();
            w.textField("key", v.key);
            w.field("object_path", v.objectPath);
            w.field("dtype", io::dtypeName(v.dtype));
            w.key("shape");
            writeShape(w, v.shape);
            w.key("points");
            w.beginArray();
            for (const auto& p : v.points)
                writePoint(w, p);
            w.endArray();
            w.endObject();
        }
        w.endArray();
        w.endObject();
    }
    w.endArray();
    w.endObject();
}

// A step's time for people: UTC, to the second (JSON keeps the exact seconds since the epoch). The same
// for every user and time zone.
std::string utcTime(double secondsSinceEpoch)
{
    if (!std::isfinite(secondsSinceEpoch)) return "unknown time";
    const auto t = static_cast<std::time_t>(std::floor(secondsSinceEpoch));
    std::tm tm {};
    if (!gmtime_r(&t, &tm)) return "unknown time";
    char text[32];
    if (std::strftime(text, sizeof text, "%Y-%m-%d %H:%M:%S UTC", &tm) == 0) return "unknown time";
    return text;
}

void writeText(const std::vector<RunResult>& runs, std::ostream& out)
{
    for (const auto& r : runs) {
        out << "run " << (r.run.directory / r.run.name).string() << (r.run.current ? "  (current)" : "")
            << ": " << r.run.steps.size() << " steps\n";
        for (size_t i = 0; i < r.run.steps.size(); ++i) {
            const auto& s = r.run.steps[i];
            out << "  " << s.prefix.filename().string() << "  " << utcTime(s.timestamp)
                << (s.timestampFromStateFile ? "" : " (file time)");
            if (!r.stepErrors[i].isOk()) out << "  unreadable: " << r.stepErrors[i].message();
            out << "\n";
        }
        for (const auto& v : r.series) {
            out << "  " << v.key << "  " << io::dtypeName(v.dtype) << io::shapeToString(v.shape) << "\n";
            for (size_t i = 0; i < v.points.size(); ++i) {
                const auto& p = v.points[i];
                out << "    " << r.run.steps[i].prefix.filename().string() << ": ";
                if (!p.error.isOk()) { // checked first: an unopened step's point is not present either
                    out << "error: " << p.error.toString() << "\n";
                    continue;
                }
                if (!p.present) {
                    out << "absent\n";
                    continue;
                }
                out << "l2 " << io::formatDouble(p.stats.l2) << "  mean " << io::formatDouble(p.stats.mean)
                    << "  std " << io::formatDouble(p.stats.std) << "  max|v| "
                    << io::formatDouble(maxAbs(p.stats)) << "  rel "
                    << (p.relChange ? io::formatDouble(*p.relChange) : std::string("n/a")) << "\n";
            }
        }
    }
}

class RunCommand final : public Command {
public:
    const char* name() const override { return "run"; }
    const char* summary() const override
    {
        return "a training run's steps and per-variable norm, mean, std, max |value|, relative change";
    }
    void addArguments(CLI::App& app) override
    {
        app.add_option("PATH", m_paths, "run directories, or checkpoint files/prefixes of one run")
            ->required();
        app.add_option("--var", m_vars, "checkpoint key or TF2 object path (default: the model's variables)");
        addJsonFlag(app, m_json);
    }
    int run(CommandContext& context) override
    {
        context.json = m_json;
        std::vector<std::filesystem::path> inputs(m_paths.begin(), m_paths.end());
        auto runs = io::findTrainingRuns(inputs);
        if (!runs) return context.reportError(runs.status(), kExitOpenFailed);
        std::vector<RunResult> results;
        bool anyError = false;
        for (auto& run : *runs) {
            // A step that does not open (truncated by a full disk, damaged, deleted meanwhile) is listed
            // with its error; the other steps are still followed.
            std::vector<std::shared_ptr<io::Artifact>> steps;
            std::vector<io::Status> stepErrors;
            auto opening = context.progress("Opening " + run.name);
            for (size_t i = 0; i < run.steps.size(); ++i) {
                io::OpenOptions open;
                open.cancel = &context.cancel;
                auto artifact = io::openArtifact(run.steps[i].prefix.string() + ".index", open);
                if (!artifact && artifact.status().code() == io::ErrorCode::Cancelled && context.cancelled())
                    return context.reportCancelled();
                if (artifact) {
                    steps.push_back(std::move(*artifact));
                    stepErrors.emplace_back();
                } else {
                    anyError = true;
                    context.err << "tensorscope-cli: " << artifact.status().toString() << "\n";
                    steps.push_back(nullptr);
                    stepErrors.push_back(artifact.status());
                }
                opening.update(i + 1, run.steps.size());
            }
            opening.finish();
            auto bar = context.progress("Run " + run.name);
            model::SeriesOptions options;
            options.variables = m_vars;
            options.cancel = &context.cancel;
            options.progress = context.progressCallback(bar);
            options.executor = &model::sharedExecutor();
            options.stepErrors = stepErrors;
            auto series = model::computeVariableSeries(steps, options);
            bar.finish();
            if (!series) {
                if (series.status().code() == io::ErrorCode::Cancelled) return context.reportCancelled();
                // --var names a variable one of several runs lacks: that run lists no series.
                if (!m_vars.empty() && runs->size() > 1
                    && series.status().code() == io::ErrorCode::NotFound) {
                    results.push_back({ std::move(run), std::move(stepErrors), {} });
                    continue;
                }
                return context.reportError(series.status(), kExitNoSuchVariable);
            }
            for (const auto& v : *series)
                for (size_t i = 0; i < v.points.size(); ++i)
                    if (const auto& p = v.points[i]; !p.error.isOk() && stepErrors[i].isOk()) {
                        anyError = true;
                        context.err << "tensorscope-cli: " << p.error.toString() << "\n";
                    }
            results.push_back({ std::move(run), std::move(stepErrors), std::move(*series) });
        }
        if (context.cancelled()) return context.reportCancelled();
        if (m_json)
            writeJson(results, context.out);
        else
            writeText(results, context.out);
        return anyError ? kExitOpenFailed : kExitOk;
    }

private:
    std::vector<std::string> m_paths;
    std::vector<std::string> m_vars;
    bool m_json = false;
};

} // namespace

std::unique_ptr<Command> makeRunCommand()
{
    return std::make_unique<RunCommand>();
}

} // namespace tscope::cli
