// The inspector's titles and group view offscreen: a group row shows its aggregate (not the previous
// tensor), a slot is titled by the variable it belongs to, and a table's keys and values are told apart.
#include "app/gui/main_window.h"
#include "io/variable_tree.h"
#include "model/items/signature_table_model.h"
#include "model/items/value_table_model.h"
#include "model/items/variable_filter_proxy.h"
#include "model/items/variable_tree_model.h"
#include "model/session/artifact_session.h"
#include "widgets/heatmap_view.h"
#include "widgets/histogram_plot.h"
#include "widgets/saved_model_view.h"
#include "widgets/table_export.h"
#include "widgets/tensor_inspector.h"
#include "widgets/variable_tree_view.h"

#include <QClipboard>
#include <QFontDatabase>
#include <QImage>
#include <QSpinBox>
#include <QTableView>
#include <QTemporaryDir>
#include <QTreeView>
#include <QtTest>
#include <cmath>

using namespace tscope;

namespace {
QString corpus(const char* slug)
{
    return QStringLiteral(TSCOPE_CORPUS_DIR "/") + QLatin1String(slug);
}
} // namespace

class TestTensorInspector : public QObject {
    Q_OBJECT
private slots:
    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(true);
        QCoreApplication::setOrganizationName(QStringLiteral("TensorscopeTest"));
    }

    void groupRowShowsItsAggregate()
    {
        app::MainWindow w;
        w.show();
        w.openPath(corpus("ckpt-tf2-a2c-3ckpts"));
        QTRY_COMPARE(w.session()->state(), model::ArtifactSession::State::Open);
        const auto artifact = w.session()->artifact();
        // First a tensor, then its parent group.
        const int entry = artifact->findEntry("critic/hidden2/kernel");
        QVERIFY(entry >= 0);
        w.treeView()->selectTensor(w.session()->ref(artifact->bundle->entries()[size_t(entry)].key));
        QTRY_VERIFY(w.inspector()->statsText().contains(QStringLiteral("mean")));
        QTreeView* tree = w.treeView()->tree();
        const QModelIndex group = tree->currentIndex().parent();
        QVERIFY(group.isValid());
        tree->setCurrentIndex(group);
        QVERIFY(!w.inspector()->tensor().isValid()); // the previous tensor is gone
        // Expected numbers from the artifact: every non-slot entry under the group's node.
        const auto* node = w.treeView()->model()->node(w.treeView()->proxy()->mapToSource(group));
        QVERIFY(node);
        quint64 parameters = 0;
        int variables = 0;
        std::vector<int> todo(node->children.begin(), node->children.end());
        while (!todo.empty()) {
            const auto& n = artifact->tree.nodes[size_t(todo.back())];
            todo.pop_back();
            todo.insert(todo.end(), n.children.begin(), n.children.end());
            if (n.entry >= 0 && n.kind != io::NodeKind::Slot) {
                ++variables;
                parameters += artifact->bundle->entries()[size_t(n.entry)].elementCount();
            }
        }
        QVERIFY(variables > 0);
        const QString details = w.inspector()->detailsText();
        QVERIFY2(
            details.contains(QStringLiteral("group of %1 variable").arg(variables)), qPrintable(details));
        QVERIFY2(details.contains(model::formatCount(parameters) + QStringLiteral(" parameters")),
            qPrintable(details));
        QVERIFY(w.inspector()->statsText().contains(QStringLiteral("float32")));
    }

    void valueGridNeverElidesAndCopiesExactly()
    {
        app::MainWindow w;
        w.show();
        w.openPath(corpus("ckpt-tf2-a2c-3ckpts"));
        QTRY_COMPARE(w.session()->state(), model::ArtifactSession::State::Open);
        const auto artifact = w.session()->artifact();
        const int entry = artifact->findEntry("critic/hidden2/kernel");
        w.treeView()->selectTensor(w.session()->ref(artifact->bundle->entries()[size_t(entry)].key));
        QTRY_VERIFY(w.inspector()->statsText().contains(QStringLiteral("mean")));
        w.inspector()->tabs()->setCurrentIndex(1);
        auto* values = w.inspector()->valueModel();
        QTableView* view = w.inspector()->valueView();
        QVERIFY(values->rowCount() > 1 && values->columnCount() > 1);
        // Every cell's text fits its column (no ellipsis), at exact and at 3 digits.
        for (int digits : { 0, 3 }) {
            w.inspector()->precisionBox()->setValue(digits);
            const QFontMetrics fm(view->font());
            const QFontMetrics fixed(QFontDatabase::systemFont(QFontDatabase::FixedFont));
            for (int r = 0; r < values->rowCount(); ++r)
                for (int c = 0; c < values->columnCount(); ++c) {
                    const QString text = values->index(r, c).data().toString();
                    QVERIFY2(fixed.horizontalAdvance(text) + 6 <= view->columnWidth(c),
                        qPrintable(QStringLiteral("%1 in %2 px").arg(text).arg(view->columnWidth(c))));
                    const double raw
                        = values->index(r, c).data(model::ValueTableModel::RawValueRole).toDouble();
                    if (digits > 0) QCOMPARE(text, QString::number(raw, 'g', digits));
                }
        }
        // Exact digits: copying all cells as TSV reads back every stored float32 value.
        w.inspector()->precisionBox()->setValue(0);
        view->selectAll();
        w.inspector()->copySelectedValues();
        const QStringList lines
            = QApplication::clipboard()->text().split(QLatin1Char('\n'), Qt::SkipEmptyParts);
        QCOMPARE(lines.size(), values->rowCount());
        for (int r = 0; r < values->rowCount(); ++r) {
            const QStringList cells = lines[r].split(QLatin1Char('\t'));
            QCOMPARE(cells.size(), values->columnCount());
            for (int c = 0; c < values->columnCount(); ++c)
                QCOMPARE(cells[c].toFloat(),
                    float(values->index(r, c).data(model::ValueTableModel::RawValueRole).toDouble()));
        }
        // CSV with row and column numbers.
        QTemporaryDir dir;
        const QString csv = dir.filePath(QStringLiteral("v.csv"));
        QVERIFY(w.inspector()->saveValuesCsv(csv));
        QFile f(csv);
        QVERIFY(f.open(QIODevice::ReadOnly));
        const QStringList rows = QString::fromUtf8(f.readAll()).split(QLatin1Char('\n'), Qt::SkipEmptyParts);
        QCOMPARE(rows.size(), values->rowCount() + 1);
        QCOMPARE(rows[1].split(QLatin1Char(',')).size(), values->columnCount() + 1);
    }

    void plotsAndTablesExport()
    {
        app::MainWindow w;
        w.show();
        w.openPath(corpus("ckpt-tf2-a2c-3ckpts"));
        QTRY_COMPARE(w.session()->state(), model::ArtifactSession::State::Open);
        const auto artifact = w.session()->artifact();
        const int entry = artifact->findEntry("critic/hidden2/kernel");
        w.treeView()->selectTensor(w.session()->ref(artifact->bundle->entries()[size_t(entry)].key));
        QTRY_VERIFY(w.inspector()->statsText().contains(QStringLiteral("mean")));
        const QString name = w.inspector()->titleText();
        QVERIFY(w.inspector()->histogram()->title().contains(name));
        QTemporaryDir dir;
        for (const char* ext : { "png", "svg", "pdf" }) {
            const QString path = dir.filePath(QStringLiteral("h.") + QLatin1String(ext));
            QVERIFY2(w.inspector()->histogram()->saveImage(path), ext);
            QVERIFY(QFileInfo(path).size() > 0);
        }
        QVERIFY(!QImage(dir.filePath(QStringLiteral("h.png"))).isNull());
        QFile svg(dir.filePath(QStringLiteral("h.svg")));
        QVERIFY(svg.open(QIODevice::ReadOnly));
        const QString svgText = QString::fromUtf8(svg.readAll());
        QVERIFY2(svgText.contains(QStringLiteral("<title>Histogram of ") + name.toHtmlEscaped()),
            qPrintable(svgText.left(400)));
        QVERIFY(
            !w.inspector()->histogram()->saveImage(dir.filePath(QStringLiteral("h.bmpx")))); // unknown type
        // Statistics as name/value lines.
        const QStringList stats = w.inspector()->statsTsv().split(QLatin1Char('\n'), Qt::SkipEmptyParts);
        QVERIFY(stats.contains(QStringLiteral("variable\t") + name));
        QVERIFY(std::any_of(stats.begin(), stats.end(),
            [](const QString& l) { return l.startsWith(QStringLiteral("mean\t")); }));
        // Any table (the signatures) as TSV/CSV with its header.
        w.openPath(corpus("keras-tf27-heart-savedmodel"));
        QTRY_VERIFY(w.session()->artifact() != artifact);
        QTRY_COMPARE(w.session()->state(), model::ArtifactSession::State::Open);
        const auto* sigs = w.savedModelView()->signatureModel();
        const QStringList lines
            = ui::tableText(*sigs, QLatin1Char(',')).split(QLatin1Char('\n'), Qt::SkipEmptyParts);
        QCOMPARE(lines.size(), sigs->rowCount() + 1);
        QCOMPARE(lines[0].split(QLatin1Char(',')).size(), sigs->columnCount());
    }

    void plotsSayWhyThereIsNothingToDraw()
    {
        ui::HistogramPlot plot;
        plot.clear(QStringLiteral("Select a variable"));
        QCOMPARE(plot.stateMessage(), QStringLiteral("Select a variable"));
        plot.setBusy(QStringLiteral("Computing histogram…"));
        QCOMPARE(plot.stateMessage(), QStringLiteral("Computing histogram…"));
        model::HistogramData nanOnly;
        nanOnly.edges = { 0, 1 };
        nanOnly.counts = { 0 };
        nanOnly.nans = 4;
        nanOnly.infs = 1;
        nanOnly.total = 5;
        plot.setHistogram(nanOnly);
        QVERIFY2(
            plot.stateMessage().contains(QStringLiteral("NaN or infinite")), qPrintable(plot.stateMessage()));
        model::HistogramData some;
        some.edges = { 0, 1, 2 };
        some.counts = { 3, 1 };
        some.total = 4;
        plot.setHistogram(some);
        QVERIFY(plot.stateMessage().isEmpty()); // bars now

        ui::HeatmapView heat;
        auto plane = std::make_shared<model::PlaneData>();
        plane->rows = 2;
        plane->cols = 2;
        plane->rowStep = plane->colStep = 1;
        plane->values = { std::nan(""), INFINITY, -INFINITY, std::nan("") };
        heat.setPlane(plane, {}, {});
        QVERIFY2(
            heat.stateMessage().contains(QStringLiteral("NaN or infinite")), qPrintable(heat.stateMessage()));
        plane = std::make_shared<model::PlaneData>(*plane);
        plane->values = { 1.0, std::nan(""), -1.0, 0.5 };
        plane->min = -1;
        plane->max = 1;
        heat.setPlane(plane, {}, {});
        QVERIFY(heat.stateMessage().isEmpty());
        QVERIFY2(heat.noteText().contains(QStringLiteral("NaN/Inf (1 cells)")), qPrintable(heat.noteText()));
        QVERIFY(heat.noteText().contains(ui::HeatmapView::nonFiniteColor().name()));
    }

    void downsamplingIsSaidInEnglish()
    {
        QCOMPARE(ui::HeatmapView::strideText(1, 1), QString());
        QCOMPARE(
            ui::HeatmapView::strideText(20, 1), QStringLiteral("downsampled: every 20th row, every column"));
        QCOMPARE(ui::HeatmapView::strideText(32, 2),
            QStringLiteral("downsampled: every 32nd row, every 2nd column"));
        QCOMPARE(ui::HeatmapView::strideText(11, 3),
            QStringLiteral("downsampled: every 11th row, every 3rd column"));
        QCOMPARE(ui::HeatmapView::strideText(21, 113),
            QStringLiteral("downsampled: every 21st row, every 113th column"));
    }

    void slotAndTableTitles()
    {
        app::MainWindow w;
        w.show();
        w.openPath(corpus("ckpt-tf2-a2c-3ckpts"));
        QTRY_COMPARE(w.session()->state(), model::ArtifactSession::State::Open);
        auto artifact = w.session()->artifact();
        int slot = -1;
        for (size_t i = 0; i < artifact->tree.annotations.size() && slot < 0; ++i)
            if (artifact->tree.annotations[i].role == io::EntryRole::Slot) slot = int(i);
        QVERIFY(slot >= 0);
        const auto& an = artifact->tree.annotations[size_t(slot)];
        w.inspector()->showTensor(w.session()->ref(artifact->bundle->entries()[size_t(slot)].key));
        const QString title = w.inspector()->titleText();
        QVERIFY2(!title.contains(QStringLiteral(".OPTIMIZER_SLOT"))
                && !title.contains(QStringLiteral(".ATTRIBUTES")),
            qPrintable(title));
        QVERIFY2(
            title.endsWith(QStringLiteral("slot ") + QString::fromStdString(an.slotName)), qPrintable(title));
        QVERIFY(w.inspector()->detailsText().contains(QStringLiteral("optimizer slot")));

        w.openPath(corpus("keras-tf25dev-pet-string-tables"));
        QTRY_COMPARE(w.session()->artifact() != artifact, true);
        QTRY_COMPARE(w.session()->state(), model::ArtifactSession::State::Open);
        artifact = w.session()->artifact();
        QStringList titles;
        for (const auto& e : artifact->bundle->entries())
            if (QString::fromStdString(e.key).startsWith(QStringLiteral("layer_with_weights-1/_table/"))) {
                w.inspector()->showTensor(w.session()->ref(e.key));
                titles << w.inspector()->titleText();
            }
        QCOMPARE(titles.size(), 2);
        QVERIFY2(titles[0] != titles[1], qPrintable(titles.join(QStringLiteral(" | "))));
        QVERIFY(titles.join(QLatin1Char(' ')).contains(QStringLiteral("table-keys")));
    }
};

QTEST_MAIN(TestTensorInspector)
#include "tst_tensor_inspector.moc"
