// Measures how responsive the main window stays while a 1 GiB float32 variable is analysed:
// the longest gap between ticks of a 5 ms GUI timer (an event-loop stall) while the statistics and
// histogram are computed, and how quickly selecting another variable cancels that work.
// Usage: gui_stall [DIR]   (writes DIR/big.{index,data-*} once; default: a temp dir)
#include "app/gui/main_window.h"
#include "io/bundle_writer.h"
#include "model/session/artifact_session.h"
#include "model/session/inspection_controller.h"
#include "widgets/tensor_inspector.h"
#include "widgets/variable_tree_view.h"

#include <QApplication>
#include <QElapsedTimer>
#include <QTemporaryDir>
#include <QTimer>
#include <cstdio>
#include <filesystem>
#include <random>

using namespace tscope;

namespace {

void writeBigCheckpoint(const std::filesystem::path& prefix)
{
    if (std::filesystem::exists(prefix.string() + ".index")) return;
    std::fprintf(stderr, "writing 1 GiB checkpoint %s ...\n", prefix.c_str());
    const uint64_t n = uint64_t(1) << 28; // 268,435,456 float32 = 1 GiB
    std::vector<float> values(n);
    std::mt19937 rng(1);
    std::normal_distribution<float> dist(0.0f, 0.05f);
    for (auto& v : values)
        v = dist(rng);
    io::BundleWriter w(prefix);
    auto bytes = std::span(reinterpret_cast<const std::byte*>(values.data()), values.size() * 4);
    if (auto s = w.add("big/kernel", tscope::io::DType::Float, { 16384, 16384 }, bytes); !s.isOk())
        qFatal("%s", s.toString().c_str());
    float small[4] = { 1, 2, 3, 4 };
    if (auto s = w.add("small/bias", tscope::io::DType::Float, { 4 }, std::as_bytes(std::span(small)));
        !s.isOk())
        qFatal("%s", s.toString().c_str());
    if (auto s = w.finish(); !s.isOk()) qFatal("%s", s.toString().c_str());
}

} // namespace

int main(int argc, char** argv)
{
    QApplication app(argc, argv);
    QTemporaryDir temp;
    const std::filesystem::path dir
        = argc > 1 ? std::filesystem::path(argv[1]) : std::filesystem::path(temp.path().toStdString());
    std::filesystem::create_directories(dir);
    const auto prefix = dir / "big";
    writeBigCheckpoint(prefix);

    app::MainWindow window;
    window.show();
    window.openPath(QString::fromStdString(prefix.string()));

    QElapsedTimer clock;
    clock.start();
    qint64 last = 0, worst = 0, worstAt = 0;
    bool measuring = false;
    QTimer ticker;
    ticker.setInterval(5);
    QObject::connect(&ticker, &QTimer::timeout, [&] {
        const qint64 now = clock.elapsed();
        if (measuring && now - last > worst) {
            worst = now - last;
            worstAt = now;
        }
        last = now;
        window.update(); // keep asking for repaints, as an animation would
    });
    ticker.start();

    auto* controller = window.findChild<model::InspectionController*>();
    int phase = 0;
    qint64 analysisStart = 0, cancelStart = 0;
    std::printf("machine load when starting: %s", [] {
        FILE* f = std::fopen("/proc/loadavg", "r");
        static char buf[128] = "?\n";
        if (f) {
            if (!std::fgets(buf, sizeof buf, f)) buf[0] = 0;
            std::fclose(f);
        }
        return buf;
    }());
    QObject::connect(window.session(), &model::ArtifactSession::opened, [&] {
        phase = 1;
        measuring = true;
        worst = 0;
        last = clock.elapsed();
        analysisStart = clock.elapsed();
        window.treeView()->selectVariable(QStringLiteral("big/kernel"));
    });
    QObject::connect(controller, &model::InspectionController::analysisReady, [&](auto analysis) {
        const qint64 now = clock.elapsed();
        const bool isBig = analysis && analysis->tensor && analysis->tensor->elementCount() > 4;
        if ((phase == 1 || phase == 3) && isBig) {
            measuring = false;
            const char* which
                = phase == 1 ? "first selection (widgets shown for the first time)" : "second selection";
            std::printf("%s: analysis of 1 GiB float32 (read + stats + histogram): %lld ms\n", which,
                static_cast<long long>(now - analysisStart));
            std::printf("%s: longest event-loop stall while computing: %lld ms, %lld ms after selecting "
                        "(timer interval 5 ms)\n",
                which, static_cast<long long>(worst), static_cast<long long>(worstAt - analysisStart));
            std::fflush(stdout);
            if (phase == 1) { // measure again now that every widget has been shown once
                phase = 3;
                window.treeView()->selectVariable(QStringLiteral("small/bias"));
                QTimer::singleShot(200, [&] {
                    measuring = true;
                    worst = 0;
                    last = clock.elapsed();
                    analysisStart = clock.elapsed();
                    window.treeView()->selectVariable(QStringLiteral("big/kernel"));
                });
                return;
            }
            // Phase 2: select the big tensor again, then another variable 50 ms later.
            phase = 2;
            window.treeView()->selectVariable(QStringLiteral("small/bias"));
            window.treeView()->selectVariable(QStringLiteral("big/kernel"));
            QTimer::singleShot(50, [&] {
                cancelStart = clock.elapsed();
                window.treeView()->selectVariable(QStringLiteral("small/bias"));
            });
        } else if (phase == 2 && analysis && analysis->tensor && analysis->tensor->elementCount() == 4) {
            std::printf(
                "switching away mid-analysis: the other variable's statistics appeared after %lld ms\n",
                static_cast<long long>(now - cancelStart));
            std::printf("stale result for the big tensor delivered: %s\n",
                window.inspector()->tensor() == analysis->ref ? "no" : "YES");
            QApplication::exit(0);
        }
    });
    QTimer::singleShot(180000, [] {
        std::fprintf(stderr, "timed out\n");
        QApplication::exit(1);
    });
    return app.exec();
}
