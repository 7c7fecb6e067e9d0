// `diff A B [--map REGEX=REPLACEMENT]... [--changed-only] [--sort KEY] [--top N] [--confirm-identical]`:
// which variables changed between two artifacts and by how much (tensorscope.diff/1). Exit 0 when nothing
// differs, 1 when something does (a status other than identical), 3 when an artifact or a tensor cannot be
// read.
#include "app/cli/command.h"
#include "app/cli/common_arguments.h"
#include "app/cli/compare_output.h"
#include "app/cli/exit_codes.h"
#include "app/cli/json_output.h"
#include "io/element.h"
#include "model/compare/artifact_diff.h"
#include "model/kernels/compute_pool.h"

#include <CLI/CLI.hpp>
#include <ostream>

namespace tscope::cli {
namespace {

class DiffCommand final : public Command {
public:
    const char* name() const override { return "diff"; }
    const char* summary() const override
    {
        return "compare two artifacts variable by variable: status, max/mean/RMS |b-a|, relative change, "
               "cosine";
    }
    void addArguments(CLI::App& app) override
    {
        app.add_option("A", m_a, "the first artifact (any path `info` accepts)")->required();
        app.add_option("B", m_b, "the second artifact")->required();
        app.add_option("--map", m_rules,
            "REGEX=REPLACEMENT: rename A's keys (ECMAScript regex, $1 in the replacement) to match B's; "
            "tried after object paths and names, in order");
        app.add_flag(
            "--changed-only", m_listing.changedOnly, "list only the variables that are not identical");
        app.add_option("--sort", m_listing.sort,
               "order the variables by key, or by a metric, largest first (cosine: least similar first; "
               "rows without that metric last); default: by key")
            ->check(CLI::IsMember(diffSortKeys()));
        app.add_option(
            "--top", m_listing.top, "list at most N variables (after --sort); the summary counts all");
        app.add_flag("--confirm-identical", m_confirm,
            "also read the pairs whose stored size and CRC32C are equal, to confirm them by their bytes");
        addJsonFlag(app, m_json);
    }

    int run(CommandContext& context) override
    {
        context.json = m_json;
        io::MappingOptions mapping;
        for (const auto& text : m_rules) {
            auto rule = io::parseMappingRule(text);
            if (!rule) return context.reportError(rule.status(), kExitUsage);
            mapping.rules.push_back(std::move(*rule));
        }
        int exitCode = 0;
        auto a = context.openArtifact(m_a, exitCode);
        if (!a) return exitCode;
        auto b = context.openArtifact(m_b, exitCode);
        if (!b) return exitCode;

        model::ArtifactDiff diff = model::planDiff(a->bundle.get(), b->bundle.get(), mapping);
        if (a->bundle && b->bundle) {
            auto bar = context.progress("Comparing");
            model::FillOptions fill;
            fill.confirmIdentical = m_confirm;
            fill.cancel = &context.cancel;
            fill.progress = context.progressCallback(bar);
            fill.executor = &model::sharedExecutor();
            const io::Status s = model::fillDiffMetrics(diff, *a->bundle, *b->bundle, fill);
            bar.finish();
            if (!s.isOk() && s.code() == io::ErrorCode::Cancelled) return context.reportCancelled();
        }
        if (context.cancelled()) return context.reportCancelled();

        const CompareSides sides { *a, *b, mapping.rules };
        if (m_json)
            writeDiffJson(diff, sides, m_listing, context.out);
        else
            writeDiffText(diff, sides, m_listing, context.out);
        bool anyError = false, anyDifference = false;
        for (const auto& row : diff.rows) {
            if (!row.error.isOk()) {
                anyError = true;
                context.err << "tensorscope-cli: " << row.error.toString() << "\n";
            } else if (row.status != io::PairStatus::Identical) {
                anyDifference = true;
            }
        }
        if (anyError) return kExitOpenFailed;
        return anyDifference ? kExitDifferent : kExitOk;
    }

private:
    std::string m_a, m_b;
    std::vector<std::string> m_rules;
    DiffListing m_listing;
    bool m_confirm = false;
    bool m_json = false;
};

} // namespace

std::unique_ptr<Command> makeDiffCommand()
{
    return std::make_unique<DiffCommand>();
}

} // namespace tscope::cli
