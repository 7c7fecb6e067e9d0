// The variable tree's filter pass at 100,000 variables (GUI review, defect 3: it took ~1.8 s per key
// and ~60 s to clear with QSortFilterProxyModel): model::VariableFilterProxy::setText on a
// VariableTreeModel, model reset included (what every attached view is told), no view.
//
//   BM_Filter/<query>   applying the filter <query> to the unfiltered tree.      Target: < 50 ms.
//   BM_Clear/<query>    clearing <query> again (back to the whole tree).         Target: < 50 ms.
//   BM_Sort/name        natural sort by name of the whole tree (then back to the file's order).
//   BM_Apply/<query>    what the GUI thread does since the match runs on a worker: setTextMatches with
//                       a precomputed result (the pass and the reset). BM_Match/<query>: the worker's part.
//
// Queries: "k" (matches nearly everything: the worst case for the reset), "sublayer_45/kernel"
// (a typical narrowing), "zzz" (nothing), and the regular expression "layer_with_weights-1\d/.*bias".
// Counters: matches, visible rows. Env/flags as the other programs (bench_common.h).
#include "bench_common.h"
#include "io/artifact.h"
#include "many_variables_checkpoint.h"
#include "model/items/variable_filter_proxy.h"
#include "model/items/variable_tree_model.h"
#include "model/tensor_ref.h"

#include <QCoreApplication>
#include <memory>

namespace tb = tscope::bench;
namespace io = tscope::io;
namespace model = tscope::model;

namespace {

std::shared_ptr<const io::Artifact> artifact()
{
    static const std::shared_ptr<const io::Artifact> a = [] {
        const auto prefix = tb::benchRoot() / "many_variables" / "ckpt-1";
        if (auto st = tb::writeManyVariablesCheckpoint(prefix); !st.isOk()) tb::die(st.toString());
        auto r = io::openArtifact(prefix.string());
        if (!r) tb::die(r.status().toString());
        return std::shared_ptr<const io::Artifact>(r.value());
    }();
    return a;
}

struct Fixture {
    model::VariableTreeModel tree;
    model::VariableFilterProxy proxy;
    Fixture()
    {
        tree.setArtifact(artifact(), model::newArtifactId());
        proxy.setSourceModel(&tree);
    }
};

void counters(benchmark::State& state, const model::VariableFilterProxy& p)
{
    state.counters["matches"] = p.matchCount();
    state.counters["variables"] = p.variableCount();
    state.counters["visible_rows"] = p.visibleNodeCount();
}

void BM_Filter(benchmark::State& state, const char* query, bool regex)
{
    Fixture f;
    for (auto _ : state) {
        f.proxy.setText(QString::fromUtf8(query), regex);
        state.PauseTiming();
        counters(state, f.proxy);
        f.proxy.setText({});
        state.ResumeTiming();
    }
}

void BM_Clear(benchmark::State& state, const char* query, bool regex)
{
    Fixture f;
    for (auto _ : state) {
        state.PauseTiming();
        f.proxy.setText(QString::fromUtf8(query), regex);
        state.ResumeTiming();
        f.proxy.setText({});
    }
    counters(state, f.proxy);
}

void BM_Apply(benchmark::State& state, const char* query, bool regex)
{
    Fixture f;
    f.proxy.ensureHaystack();
    const QString text = QString::fromUtf8(query);
    const auto matches = model::matchFilterTexts(*f.proxy.filterTexts(), text, regex);
    for (auto _ : state) {
        f.proxy.setTextMatches(text, regex, matches);
        state.PauseTiming();
        counters(state, f.proxy);
        f.proxy.setText({});
        state.ResumeTiming();
    }
}

void BM_Match(benchmark::State& state, const char* query, bool regex)
{
    Fixture f;
    f.proxy.ensureHaystack();
    const QString text = QString::fromUtf8(query);
    for (auto _ : state)
        benchmark::DoNotOptimize(model::matchFilterTexts(*f.proxy.filterTexts(), text, regex));
}

void BM_Sort(benchmark::State& state)
{
    Fixture f;
    for (auto _ : state) {
        f.proxy.sort(model::VariableTreeModel::NameColumn, Qt::AscendingOrder);
        state.PauseTiming();
        f.proxy.sort(-1);
        state.ResumeTiming();
    }
}

void configure(benchmark::internal::Benchmark* b)
{
    b->Unit(benchmark::kMillisecond)
        ->UseRealTime()
        ->DisplayAggregatesOnly(true)
        ->ComputeStatistics("min", tb::minOf)
        ->ComputeStatistics("max", [](const std::vector<double>& v) {
            double m = 0;
            for (double x : v)
                m = x > m ? x : m;
            return m;
        });
}

} // namespace

BENCHMARK_CAPTURE(BM_Filter, k, "k", false)->Apply(configure);
BENCHMARK_CAPTURE(BM_Filter, sublayer_45_kernel, "sublayer_45/kernel", false)->Apply(configure);
BENCHMARK_CAPTURE(BM_Filter, zzz, "zzz", false)->Apply(configure);
BENCHMARK_CAPTURE(BM_Filter, regex_bias, "layer_with_weights-1\\d/.*bias", true)->Apply(configure);
BENCHMARK_CAPTURE(BM_Clear, k, "k", false)->Apply(configure);
BENCHMARK_CAPTURE(BM_Clear, sublayer_45_kernel, "sublayer_45/kernel", false)->Apply(configure);
BENCHMARK_CAPTURE(BM_Apply, k, "k", false)->Apply(configure);
BENCHMARK_CAPTURE(BM_Apply, sublayer_45_kernel, "sublayer_45/kernel", false)->Apply(configure);
BENCHMARK_CAPTURE(BM_Apply, regex_bias, "layer_with_weights-1\\d/.*bias", true)->Apply(configure);
BENCHMARK_CAPTURE(BM_Match, k, "k", false)->Apply(configure);
BENCHMARK_CAPTURE(BM_Match, regex_bias, "layer_with_weights-1\\d/.*bias", true)->Apply(configure);
BENCHMARK(BM_Sort)->Name("BM_Sort/name")->Apply(configure);

int main(int argc, char** argv)
{
    QCoreApplication app(argc, argv); // QVariant/QString need no loop, but keep Qt's globals sane
    return tb::runMain(argc, argv, { "--benchmark_repetitions=5", "--benchmark_min_time=0.5" });
}
