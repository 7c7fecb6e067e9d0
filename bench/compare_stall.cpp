// How quickly the compare window of two big checkpoints paints, and how responsive it stays (issue 11:
// first paint < 1 s, no event-loop stall over 50 ms): the longest gap between ticks of a 5 ms GUI timer
// per scripted phase (open until the metrics are in, sort by a metric, "changed only", "hide optimizer
// state", the name filter typed and cleared), with the GUI thread's own CPU time in its longest gap (the
// machine is shared: wall-clock gaps include waiting for a core, thread CPU time does not).
// Usage: compare_stall A B [RUNS]   (e.g. two 100,000-variable checkpoints; see bench/README.md)
#include "app/gui/compare_window.h"
#include "model/items/diff_filter_proxy.h"
#include "model/items/diff_tree_model.h"
#include "stall_probe.h"
#include "widgets/compare_view.h"

#include <QApplication>
#include <QCheckBox>
#include <QElapsedTimer>
#include <QEvent>
#include <QHeaderView>
#include <QLineEdit>
#include <QTimer>
#include <QTreeView>
#include <cstdio>
#include <ctime>
#include <functional>
#include <memory>
#include <vector>

using namespace tscope;

namespace {

QString loadAverage()
{
    std::FILE* f = std::fopen("/proc/loadavg", "r");
    char buf[128] = "?";
    if (f) {
        if (!std::fgets(buf, sizeof buf, f)) buf[0] = 0;
        std::fclose(f);
    }
    return QString::fromLatin1(buf).section(QLatin1Char(' '), 0, 2);
}

// Marks the tree's first paint with rows (flushed: the next event-loop turn).
class FirstPaint : public QObject {
public:
    FirstPaint(QTreeView* view, std::function<void()> done)
        : m_view(view)
        , m_done(std::move(done))
    {
        view->viewport()->installEventFilter(this);
    }
    bool eventFilter(QObject*, QEvent* e) override
    {
        if (e->type() == QEvent::Paint && !m_fired && m_view->model()->rowCount() > 0) {
            m_fired = true;
            QTimer::singleShot(0, this, m_done);
        }
        return false;
    }

private:
    QTreeView* m_view;
    std::function<void()> m_done;
    bool m_fired = false;
};

struct Phase {
    const char* name;
    std::function<void(ui::CompareView*)> start;
    QString typed; // typed into the name filter one key every 120 ms after start()
};

} // namespace

int main(int argc, char** argv)
{
    QApplication app(argc, argv);
    if (argc < 3) {
        std::fprintf(stderr, "usage: compare_stall A B\n");
        return 2;
    }
    std::printf("load average at start: %s\n", qPrintable(loadAverage()));
    QElapsedTimer clock;
    clock.start();
    const double startCpu = bench::threadCpuMs();
    auto window = std::make_unique<app::CompareWindow>(
        QString::fromLocal8Bit(argv[1]), QString::fromLocal8Bit(argv[2]));
    window->resize(1600, 1000);
    auto* view = window->findChild<ui::CompareView*>();
    QTreeView* tree = view->tree();
    auto* proxy = qobject_cast<model::DiffFilterProxy*>(tree->model());

    bench::StallProbe probe(clock);
    probe.begin(); // the open phase: from the window's construction

    auto rowsShown = [&] { // rows laid out by the view (expanded), counted through the proxy
        std::function<int(const QModelIndex&)> count = [&](const QModelIndex& p) {
            int n = 0;
            for (int r = 0; r < proxy->rowCount(p); ++r) {
                const QModelIndex i = proxy->index(r, 0, p);
                n += 1 + (tree->isExpanded(i) ? count(i) : 0);
            }
            return n;
        };
        return count({});
    };
    auto report = [&](const char* name) {
        probe.end();
        std::printf("%-44s longest stall %4lld ms (GUI thread CPU %5.1f ms), %d rows shown\n", name,
            static_cast<long long>(probe.worstMs()), probe.worstCpuMs(), rowsShown());
        std::fflush(stdout);
    };

    const std::vector<Phase> phases {
        { "sort by max |b-a| (descending)",
            [](ui::CompareView* v) {
                v->tree()->sortByColumn(model::DiffTreeModel::MaxAbs, Qt::DescendingOrder);
            },
            {} },
        { "sort by name again",
            [](ui::CompareView* v) {
                v->tree()->sortByColumn(model::DiffTreeModel::Name, Qt::AscendingOrder);
            },
            {} },
        { "changed only: on", [](ui::CompareView* v) { v->changedOnly()->setChecked(true); }, {} },
        { "changed only: off", [](ui::CompareView* v) { v->changedOnly()->setChecked(false); }, {} },
        { "hide optimizer state: on", [](ui::CompareView* v) { v->hideOptimizer()->setChecked(true); }, {} },
        { "hide optimizer state: off", [](ui::CompareView* v) { v->hideOptimizer()->setChecked(false); },
            {} },
        { "typing '45/kernel'", [](ui::CompareView*) {}, QStringLiteral("45/kernel") },
        { "clearing it", [](ui::CompareView* v) { v->filterEdit()->clear(); }, {} },
        { "typing 'kernel'", [](ui::CompareView*) {}, QStringLiteral("kernel") },
        { "clearing it", [](ui::CompareView* v) { v->filterEdit()->clear(); }, {} },
        { "typing 'e' (every variable matches)", [](ui::CompareView*) {}, QStringLiteral("e") },
        { "clearing it", [](ui::CompareView* v) { v->filterEdit()->clear(); }, {} },
    };
    size_t phase = 0;
    int key = 0;
    QTimer keys;
    keys.setInterval(120);
    std::function<void()> runPhase;
    QObject::connect(&keys, &QTimer::timeout, [&] {
        const Phase& p = phases[phase];
        if (key < p.typed.size()) {
            view->filterEdit()->insert(p.typed.mid(key++, 1));
            return;
        }
        keys.stop();
        QTimer::singleShot(800, [&] { // the debounced pass, the layout and the paint
            report(phases[phase].name);
            if (++phase == phases.size()) {
                std::printf("overall longest stall: %lld ms, GUI thread CPU %.1f ms (target: 50 ms); load "
                            "average at the end: %s\n",
                    static_cast<long long>(probe.overallMs()), probe.overallCpuMs(),
                    qPrintable(loadAverage()));
                QApplication::exit(0);
                return;
            }
            runPhase();
        });
    });
    runPhase = [&] {
        probe.begin();
        key = 0;
        phases[phase].start(view);
        keys.start();
    };

    FirstPaint paint(tree, [&] {
        std::printf(
            "first paint of the tree (rows shown): %lld ms\n", static_cast<long long>(clock.elapsed()));
    });
    QObject::connect(window.get(), &app::CompareWindow::artifactsOpened, [&] {
        std::printf("both open, rows in the tree: %lld ms\n", static_cast<long long>(clock.elapsed()));
    });
    QObject::connect(window.get(), &app::CompareWindow::metricsReady, [&] {
        std::printf("metrics in: %lld ms\n", static_cast<long long>(clock.elapsed()));
        QTimer::singleShot(800, [&] {
            report("open (until the metrics are in and shown)");
            runPhase();
        });
    });
    QObject::connect(window.get(), &app::CompareWindow::openFailed, [](const QString& m) {
        std::fprintf(stderr, "compare_stall: %s\n", qPrintable(m));
        QApplication::exit(2);
    });
    window->show();
    std::printf("window built and shown: %lld ms (GUI thread CPU %.1f ms since the start)\n",
        static_cast<long long>(clock.elapsed()), bench::threadCpuMs() - startCpu);
    probe.begin(); // the open phase: the event loop from here on
    QTimer::singleShot(300000, [] {
        std::fprintf(stderr, "compare_stall: timed out\n");
        QApplication::exit(2);
    });
    return app.exec();
}
