#include "app/gui/compare_window.h"

#include "app/gui/fit_to_screen.h"
#include "app/gui/screenshot_driver.h"
#include "io/artifact_locator.h"
#include "io/element.h"
#include "model/items/diff_filter_proxy.h"
#include "model/items/diff_tree_model.h"
#include "model/kernels/compute_pool.h"
#include "model/kernels/histogram.h"
#include "model/kernels/pair_difference.h"
#include "model/kernels/tensor_stats.h"
#include "model/session/job_runner.h"
#include "widgets/activity_indicator.h"
#include "widgets/compare_view.h"

#include <QApplication>
#include <QCheckBox>
#include <QFileDialog>
#include <QFileInfo>
#include <QStatusBar>
#include <QTimer>
#include <QTreeView>
#include <algorithm>
#include <cstdio>
#include <future>
#include <limits>

namespace tscope::app {

struct CompareWindow::Opened {
    std::shared_ptr<const io::Artifact> a, b;
    model::ArtifactDiff plan; // moved into the tree model
    std::vector<model::DiffTreeModel::Node>
        nodes; // the tree model's tree of `plan`, built off the GUI thread
    // `plan`'s rows copied off the GUI thread: the metrics' input (fillDiffMetrics reads rows, not the
    // mapping, whose two strings per variable are not copied).
    std::shared_ptr<const std::vector<model::DiffRow>> metricsRows;
    std::shared_ptr<const std::vector<std::pair<int, int>>>
        rowSides; // each row's entries, for the name filter
    std::optional<model::FitVerdict> fit;
    bool fitReversed = false;
    io::Status error;
};

namespace {

// The name a user knows an artifact by: the checkpoint prefix or the SavedModel directory, also when the
// path names one of its files (saved_model.pb, a data shard).
QString artifactTitle(const QString& path)
{
    auto loc = io::locateArtifact(std::filesystem::path(QFileInfo(path).absoluteFilePath().toStdString()));
    if (!loc) return QFileInfo(path).fileName();
    const auto& name = loc->kind == io::ArtifactKind::SavedModel ? loc->savedModelDir : loc->checkpointPrefix;
    return QString::fromStdString(name.filename().string());
}

constexpr int kPairBins = 64;

// At open and after a filter change, levels of the tree are expanded while the rows shown stay under
// this: a QTreeView lays out every expanded row on the GUI thread (25,000 rows of 100,000 variables
// stalled it 55-90 ms), and a person reads the first screens anyway.
constexpr int kExpandRowBudget = 1000;
constexpr int kExpandLevelsUnfiltered = 2; // a filter reveals its matches as deep as the budget allows

// Everything the tree needs from two open artifacts, computed off the GUI thread: the diff plan, its tree,
// the metrics' copy of its rows, and which side fits (judged on the plan's own mapping: one mapping of
// 100,000 variables, not two).
void planComparison(CompareWindow::Opened& out, const io::MappingOptions& options)
{
    const io::Artifact* a = out.a.get();
    const io::Artifact* b = out.b.get();
    out.fitReversed = a->savedModel.has_value() && !b->savedModel.has_value();
    out.plan = model::planDiff(a->bundle.get(), b->bundle.get(), options);
    out.fit = out.fitReversed ? model::judgeFit(*b, *a, out.plan.mapping, model::CheckpointSide::B)
                              : model::judgeFit(*a, *b, out.plan.mapping, model::CheckpointSide::A);
    out.metricsRows = std::make_shared<const std::vector<model::DiffRow>>(out.plan.rows);
    out.nodes = model::DiffTreeModel::buildNodes(a, b, out.plan);
    auto sides = std::make_shared<std::vector<std::pair<int, int>>>();
    sides->reserve(out.plan.rows.size());
    for (const auto& row : out.plan.rows)
        sides->emplace_back(row.a, row.b);
    out.rowSides = std::move(sides);
}

io::Result<io::Tensor> readSide(const io::Artifact* artifact, int entry, const io::CancelToken& cancel)
{
    io::ReadOptions read;
    read.cancel = &cancel;
    return artifact->bundle->read(artifact->bundle->entries()[static_cast<size_t>(entry)], read);
}

} // namespace

CompareWindow::CompareWindow(QString pathA, QString pathB, QWidget* parent)
    : QMainWindow(parent)
    , m_pathA(std::move(pathA))
    , m_pathB(std::move(pathB))
    , m_jobs(new model::JobRunner(this))
    , m_model(new model::DiffTreeModel(this))
    , m_proxy(new model::DiffFilterProxy(this))
    , m_view(new ui::CompareView(this))
{
    setWindowTitle(tr("Compare %1 and %2 — Tensorscope").arg(artifactTitle(m_pathA), artifactTitle(m_pathB)));
    m_proxy->setSourceModel(m_model);
    m_view->setModel(m_proxy);
    m_view->setSummary(tr("Opening %1 and %2…").arg(m_pathA.toHtmlEscaped(), m_pathB.toHtmlEscaped()));
    setCentralWidget(m_view);
    auto* activity = new ui::ActivityIndicator(this);
    activity->watch(m_jobs);
    statusBar()->addPermanentWidget(activity);
    resize(1280, 820);
    fitWindowToScreen(this);
    // Collapsed first, so the proxy's layout change has few expanded rows to keep; then expanded again so
    // what passes is in sight, within the budget.
    connect(m_view->changedOnly(), &QCheckBox::toggled, this, [this](bool on) {
        m_view->tree()->collapseAll();
        m_proxy->setChangedOnly(on);
        expandWithinBudget();
    });
    connect(m_view->hideOptimizer(), &QCheckBox::toggled, this, [this](bool on) {
        m_view->tree()->collapseAll();
        m_proxy->setHideOptimizer(on);
        expandWithinBudget();
    });
    connect(m_view, &ui::CompareView::pairSelected, this, &CompareWindow::showPair);
    connect(m_view, &ui::CompareView::mappingRulesEntered, this, &CompareWindow::setMappingRules);
    connect(m_view, &ui::CompareView::filterTextChanged, this, &CompareWindow::applyNameFilter);
    start();
}

CompareWindow::~CompareWindow() = default;

void CompareWindow::start()
{
    const std::string a = m_pathA.toStdString(), b = m_pathB.toStdString();
    m_jobs->runWithProgress<std::shared_ptr<Opened>>(
        QStringLiteral("open"), tr("Opening both artifacts"), this,
        [a, b](const io::CancelToken& cancel, const io::ProgressFn&) {
            auto out = std::make_shared<Opened>();
            io::OpenOptions options;
            options.cancel = &cancel;
            // Both at once: on two cores the open costs one artifact's time, not two.
            auto openB
                = std::async(std::launch::async, [b, options] { return io::openArtifact(b, options); });
            auto ra = io::openArtifact(a, options);
            auto rb = openB.get();
            if (!ra) return out->error = ra.status(), out;
            if (!rb) return out->error = rb.status(), out;
            out->a = *ra;
            out->b = *rb;
            planComparison(*out, {});
            return out;
        },
        [this](std::shared_ptr<Opened> opened) { onOpened(opened); });
}

void CompareWindow::setMappingRules(const QString& text)
{
    io::MappingOptions options;
    for (const QString& part : text.split(QLatin1Char(';'), Qt::SkipEmptyParts)) {
        auto rule = io::parseMappingRule(part.trimmed().toStdString());
        if (!rule) {
            m_view->setSummary(tr("<b>Map rule not applied:</b> %1")
                                   .arg(QString::fromStdString(rule.status().toString()).toHtmlEscaped()));
            return;
        }
        options.rules.push_back(std::move(*rule));
    }
    if (!m_a || !m_b) return;
    m_mapping = options;
    m_metricsDone = false;
    auto a = m_a, b = m_b;
    m_jobs->run<std::shared_ptr<Opened>>(
        QStringLiteral("open"), this,
        [a, b, options](const io::CancelToken&) {
            auto out = std::make_shared<Opened>();
            out->a = a;
            out->b = b;
            planComparison(*out, options);
            return out;
        },
        [this](std::shared_ptr<Opened> opened) { onOpened(opened); });
}

void CompareWindow::onOpened(const std::shared_ptr<Opened>& opened)
{
    if (!opened->error.isOk()) {
        m_view->setSummary(tr("<b>Cannot compare:</b> %1")
                               .arg(QString::fromStdString(opened->error.toString()).toHtmlEscaped()));
        emit openFailed(QString::fromStdString(opened->error.toString()));
        return;
    }
    m_a = opened->a;
    m_b = opened->b;
    m_fit = std::move(opened->fit);
    m_fitReversed = opened->fitReversed;
    m_rowSides = opened->rowSides;
    m_proxy->setRowMatches(nullptr); // the rows changed; a name filter is searched again below
    m_model->setDiff(m_a, m_b, std::move(opened->plan), std::move(opened->nodes));
    if (!m_nameFilter.isEmpty())
        applyNameFilter(m_nameFilter);
    else
        expandWithinBudget();
    m_view->fitColumnsToRows();
    updateSummary();
    emit artifactsOpened();
    if (!m_a->bundle || !m_b->bundle) {
        m_metricsDone = true;
        emit metricsReady();
        return;
    }
    auto a = m_a, b = m_b;
    std::shared_ptr<const std::vector<model::DiffRow>> planned = opened->metricsRows;
    using Rows = std::vector<model::DiffRow>;
    m_jobs->runWithProgress<std::shared_ptr<Rows>>(
        QStringLiteral("metrics"), tr("Comparing values"), this,
        [a, b, planned](const io::CancelToken& cancel, const io::ProgressFn& progress) {
            model::ArtifactDiff filled;
            filled.rows = *planned;
            model::FillOptions options;
            options.cancel = &cancel;
            options.progress = progress;
            options.executor = &model::sharedExecutor();
            (void)model::fillDiffMetrics(filled, *a->bundle, *b->bundle, options); // rows keep their errors
            // Only the rows go to the GUI thread.
            return std::make_shared<Rows>(std::move(filled.rows));
        },
        [this](std::shared_ptr<Rows> rows) { onMetrics(std::move(*rows)); });
}

void CompareWindow::onMetrics(std::vector<model::DiffRow>&& filled)
{
    // Every row's metrics arrive at once, taken over without a copy: the proxy and the view hear of them
    // as one layout change (statuses changed, so "changed only" and the sort order are redone), not as a
    // dataChanged per group (QTreeView looks each one up among its laid-out rows: with 25,000 groups
    // expanded, 100,000 variables once stalled the window for 15-19 s).
    m_model->updateRows(std::move(filled));
    updateFilterStatus(); // "changed only" counts the statuses just read
    m_view->fitColumnsToRows(); // group statuses ("2000 of 100000 differ") are known now
    m_metricsDone = true;
    updateSummary();
    emit metricsReady();
}

void CompareWindow::applyNameFilter(const QString& text)
{
    m_nameFilter = text;
    if (text.isEmpty() || !m_a || !m_b || !m_rowSides) {
        m_jobs->cancel(QStringLiteral("filter"));
        m_view->tree()->collapseAll();
        m_proxy->setRowMatches(nullptr);
        expandWithinBudget();
        return;
    }
    auto a = m_a, b = m_b;
    auto sides = m_rowSides;
    const std::string needle = text.toStdString();
    m_jobs->run<std::shared_ptr<const std::vector<uint8_t>>>(
        QStringLiteral("filter"), this,
        [a, b, sides, needle](const io::CancelToken& cancel) {
            return std::make_shared<const std::vector<uint8_t>>(
                model::matchDiffRows(*sides, a->bundle.get(), b->bundle.get(), needle, &cancel));
        },
        [this, sides](std::shared_ptr<const std::vector<uint8_t>> matches) {
            if (sides != m_rowSides) return; // the rows were re-paired meanwhile
            m_view->tree()->collapseAll();
            m_proxy->setRowMatches(std::move(matches));
            expandWithinBudget();
        });
}

// Level by level from the top, each level expanded whole or not at all, while the rows shown stay within
// kExpandRowBudget; counted from the proxy's filter counts, so unexpanded groups cost nothing.
// Callers collapse before they change the proxy: its layout change leaves the view's layout pending,
// so each expand() below only records the row and one layout pass follows (not one per expanded row).
void CompareWindow::expandWithinBudget()
{
    QTreeView* tree = m_view->tree();
    const int maxLevels = m_proxy->filtering() ? std::numeric_limits<int>::max() : kExpandLevelsUnfiltered;
    QModelIndexList level { QModelIndex() };
    int shown = m_proxy->rowCount();
    for (int depth = 0; depth < maxLevels && !level.isEmpty(); ++depth) {
        QModelIndexList next;
        int added = 0;
        for (const QModelIndex& parent : level)
            for (int r = 0, n = m_proxy->rowCount(parent); r < n; ++r) {
                const QModelIndex child = m_proxy->index(r, 0, parent);
                if (const int rows = m_proxy->acceptedChildCount(child); rows > 0) {
                    next << child;
                    added += rows;
                }
            }
        if (next.isEmpty() || shown + added > kExpandRowBudget) break;
        for (const QModelIndex& i : next)
            tree->expand(i);
        shown += added;
        level = std::move(next);
    }
    updateFilterStatus();
}

void CompareWindow::updateFilterStatus()
{
    if (!m_proxy->filtering()) {
        m_view->setFilterStatus({});
        return;
    }
    const int shown = m_proxy->acceptedLeafCount();
    m_view->setFilterStatus(shown == 0
            ? tr("No variable matches")
            : tr("%1 of %2 variables").arg(shown).arg(m_model->diff().rows.size()));
}

void CompareWindow::updateSummary()
{
    const auto& diff = m_model->diff();
    int counts[7] = {};
    uint64_t elements = 0;
    for (const auto& row : diff.rows) {
        counts[row.status ? static_cast<int>(*row.status) : 6]++;
        if (row.metrics) elements += row.metrics->changed;
    }
    const auto& m = diff.mapping;
    auto side = [](const std::string& p) {
        return p.empty() ? QStringLiteral("root") : QString::fromStdString(p) + QLatin1Char('/');
    };
    QString how = m.objectGraph
        ? tr("object graphs matched from A's %1 and B's %2").arg(side(m.rootA), side(m.rootB))
        : tr("variables matched by name");
    const auto byRule = std::count_if(m.matches.begin(), m.matches.end(),
        [](const io::VariableMatch& v) { return v.method == io::MatchMethod::Rule; });
    if (!m_mapping.rules.empty()) how += tr(", %n by your Map rules", nullptr, static_cast<int>(byRule));
    QStringList parts;
    const char* names[7] = { "only in A", "only in B", "dtype changed", "shape changed", "identical",
        "changed", "not read yet" };
    for (int i = 0; i < 7; ++i)
        if (counts[i]) parts << QStringLiteral("%1 %2").arg(counts[i]).arg(tr(names[i]));
    m_view->setSummary(tr("<b>A</b> %1 &nbsp; <b>B</b> %2<br>%3 — %4 variables: %5%6")
                           .arg(m_pathA.toHtmlEscaped(), m_pathB.toHtmlEscaped(), how)
                           .arg(diff.rows.size())
                           .arg(parts.join(QStringLiteral(", ")),
                               (m_metricsDone ? tr("; elements changed: %1").arg(elements) : QString())
                                   + (m_fit ? QStringLiteral("<br>") + fitVerdict() : QString())));
}

QString CompareWindow::fitVerdict() const
{
    if (!m_fit || !m_a || !m_b) return {};
    const auto& r = *m_fit;
    const io::Artifact& ckpt = m_fitReversed ? *m_b : *m_a;
    const io::Artifact& target = m_fitReversed ? *m_a : *m_b;
    const QString c = m_fitReversed ? QStringLiteral("B") : QStringLiteral("A");
    const QString t = m_fitReversed ? QStringLiteral("A") : QStringLiteral("B");
    auto key = [](const io::Artifact& art, int i) {
        return QString::fromStdString(art.bundle->entries()[static_cast<size_t>(i)].key).toHtmlEscaped();
    };
    auto firstFew = [](const QStringList& names) { // at most three names, then "…"
        return names.size() <= 3 ? names.join(QStringLiteral(", "))
                                 : names.mid(0, 3).join(QStringLiteral(", ")) + QStringLiteral(", …");
    };
    if (r.fits())
        return tr(
            "<b>%1 fits %2</b>: every one of %2's %3 variables has a match in %1 with the same dtype and "
            "shape%4.")
            .arg(c, t)
            .arg(r.targetVariables)
            .arg(r.unexpected.empty() ? QString()
                                      : tr(" (%1 more in %2, such as optimizer state, are not needed)")
                                            .arg(r.unexpected.size())
                                            .arg(c));
    QStringList parts;
    if (!r.missing.empty()) {
        QStringList names;
        for (int j : r.missing)
            names << key(target, j);
        parts
            << tr("%1 of %2's variables missing in %3 (%4)").arg(r.missing.size()).arg(t, c, firstFew(names));
    }
    if (!r.mismatched.empty()) {
        QStringList names;
        for (const auto& m : r.mismatched) {
            const auto& ea = ckpt.bundle->entries()[static_cast<size_t>(m.match.a)];
            const auto& eb = target.bundle->entries()[static_cast<size_t>(m.match.b)];
            names << QStringLiteral("%1: %2 vs %3")
                         .arg(key(target, m.match.b),
                             QString::fromStdString(io::dtypeName(ea.dtype) + io::shapeToString(ea.shape)),
                             QString::fromStdString(io::dtypeName(eb.dtype) + io::shapeToString(eb.shape)));
        }
        parts << tr("%1 with another dtype or shape (%2)").arg(r.mismatched.size()).arg(firstFew(names));
    }
    return tr("<b>%1 does not fit %2</b> (a restore would fail): %3.")
        .arg(c, t, parts.join(QStringLiteral("; ")));
}

void CompareWindow::showPair(int diffRow)
{
    const auto& rows = m_model->diff().rows;
    if (diffRow < 0 || diffRow >= static_cast<int>(rows.size())) return;
    const model::DiffRow row = rows[static_cast<size_t>(diffRow)];
    auto a = m_a, b = m_b;
    m_view->setPairMessage(tr("Reading…"));
    m_jobs->run<std::shared_ptr<ui::PairDetails>>(
        QStringLiteral("pair"), this,
        [a, b, row](const io::CancelToken& cancel) {
            auto d = std::make_shared<ui::PairDetails>();
            if (row.a >= 0)
                d->keyA = QString::fromStdString(a->bundle->entries()[static_cast<size_t>(row.a)].key);
            if (row.b >= 0)
                d->keyB = QString::fromStdString(b->bundle->entries()[static_cast<size_t>(row.b)].key);
            d->metrics = row.metrics;
            std::optional<io::Tensor> ta, tb;
            if (row.a >= 0) {
                if (auto t = readSide(a.get(), row.a, cancel))
                    ta = std::move(*t);
                else
                    d->note = QString::fromStdString(t.status().toString());
            }
            if (row.b >= 0) {
                if (auto t = readSide(b.get(), row.b, cancel))
                    tb = std::move(*t);
                else
                    d->note = QString::fromStdString(t.status().toString());
            }
            model::StatsOptions so;
            so.cancel = &cancel;
            if (ta)
                if (auto s = model::computeStats(*ta, so)) d->statsA = *s;
            if (tb)
                if (auto s = model::computeStats(*tb, so)) d->statsB = *s;
            // One range for both, so the bins are the same and the overlay compares like with like.
            double lo = 0, hi = 0;
            bool any = false;
            for (const auto* s : { &d->statsA, &d->statsB })
                if (*s && (*s)->numeric && (*s)->finite > 0) {
                    lo = any ? std::min(lo, (*s)->min) : (*s)->min;
                    hi = any ? std::max(hi, (*s)->max) : (*s)->max;
                    any = true;
                }
            if (any) {
                if (ta && d->statsA && d->statsA->numeric)
                    if (auto h = model::computeHistogram(*ta, kPairBins, lo, hi, &cancel)) d->histogramA = *h;
                if (tb && d->statsB && d->statsB->numeric)
                    if (auto h = model::computeHistogram(*tb, kPairBins, lo, hi, &cancel)) d->histogramB = *h;
            }
            if (ta && tb && ta->dtype() == tb->dtype() && ta->shape() == tb->shape())
                if (auto p = model::computePairDifference(*ta, *tb, kPairBins, 12, 8, &cancel))
                    d->difference = *p;
            return d;
        },
        [this](std::shared_ptr<ui::PairDetails> d) {
            m_view->setPairDetails(*d);
            emit pairShown();
        });
}

void CompareWindow::screenshotWhenReady(const QString& file, const QString& select)
{
    // The reviewers' screen (GUI-REVIEW.md): 1600x1000 device pixels, at any QT_SCALE_FACTOR.
    resize(static_cast<int>(ScreenshotDriver::kScreenWidth / devicePixelRatioF()),
        static_cast<int>(ScreenshotDriver::kScreenHeight / devicePixelRatioF()));
    m_screenshotFile = file;
    m_screenshotSelect = select;
    connect(this, &CompareWindow::pairShown, this, [this] {
        QTimer::singleShot(300, this, [this] {
            const bool ok = grab().save(m_screenshotFile);
            std::fprintf(stderr, "tensorscope: %s %s\n", ok ? "saved" : "could not save",
                qPrintable(m_screenshotFile));
            QApplication::exit(ok ? 0 : 1);
        });
    });
    if (m_metricsDone)
        selectForScreenshot();
    else
        connect(this, &CompareWindow::metricsReady, this, &CompareWindow::selectForScreenshot);
    QTimer::singleShot(60000, this, [] {
        std::fprintf(stderr, "tensorscope: the comparison did not finish within 60 s\n");
        QApplication::exit(1);
    });
}

void CompareWindow::selectForScreenshot()
{
    QModelIndex source;
    if (!m_screenshotSelect.isEmpty()) {
        source = m_model->indexOfKey(m_screenshotSelect.toStdString());
    } else { // the pair that moved most
        double best = -1;
        for (size_t r = 0; r < m_model->diff().rows.size(); ++r) {
            const auto& row = m_model->diff().rows[r];
            const double v = row.metrics && row.metrics->relChange ? *row.metrics->relChange : -1;
            if (v > best) {
                const auto& key = m_a->bundle->entries()[static_cast<size_t>(row.a)].key;
                best = v;
                source = m_model->indexOfKey(key);
            }
        }
    }
    const QModelIndex index = m_proxy->mapFromSource(source);
    if (!index.isValid()) {
        std::fprintf(stderr, "tensorscope: nothing to select for the screenshot\n");
        QApplication::exit(1);
        return;
    }
    m_view->tree()->scrollTo(index);
    m_view->tree()->setCurrentIndex(index);
}

void openCompareDialog(QWidget* parent)
{
    const QString filter = QObject::tr(
        "Checkpoints and SavedModels (*.index saved_model.pb saved_model.pbtxt checkpoint);;All files (*)");
    const QString a = QFileDialog::getOpenFileName(parent, QObject::tr("Compare: artifact A"), {}, filter);
    if (a.isEmpty()) return;
    const QString b = QFileDialog::getOpenFileName(
        parent, QObject::tr("Compare: artifact B"), QFileInfo(a).path(), filter);
    if (b.isEmpty()) return;
    auto* window = new CompareWindow(a, b);
    window->setAttribute(Qt::WA_DeleteOnClose);
    window->show();
}

} // namespace tscope::app
