#include "widgets/plot_export.h"

#include <QFileInfo>
#include <QObject>
#include <QSvgGenerator>
#include <qcustomplot.h>

namespace tscope::ui {

QString plotFileFilters()
{
    return QObject::tr("PNG image (*.png);;SVG vector image (*.svg);;PDF document (*.pdf)");
}

bool savePlot(QCustomPlot* plot, const QString& fileName, const QString& title)
{
    const QString ext = QFileInfo(fileName).suffix().toLower();
    const int w = plot->width(), h = plot->height();
    if (ext == QLatin1String("png")) return plot->savePng(fileName, 0, 0, 2.0);
    if (ext == QLatin1String("pdf"))
        return plot->savePdf(fileName, 0, 0, QCP::epAllowCosmetic, QStringLiteral("Tensorscope"), title);
    if (ext != QLatin1String("svg")) return false;
    QSvgGenerator svg;
    svg.setFileName(fileName);
    svg.setSize(QSize(w, h));
    svg.setViewBox(QRect(0, 0, w, h));
    svg.setTitle(title);
    svg.setDescription(QObject::tr("Exported by Tensorscope"));
    QCPPainter painter;
    if (!painter.begin(&svg)) return false;
    plot->toPainter(&painter, w, h);
    painter.end();
    return QFileInfo(fileName).size() > 0;
}

void showTitleIfRoom(QCustomPlot* plot, QCPTextElement* element, const QString& title)
{
    const QString shown = plot->height() >= kTitledPlotHeight ? title : QString();
    if (element->text() == shown) return;
    element->setText(shown);
    plot->replot(QCustomPlot::rpQueuedReplot);
}

bool savePlotWithTitle(
    QCustomPlot* plot, QCPTextElement* element, const QString& fileName, const QString& title)
{
    const QString shown = element->text();
    element->setText(title);
    plot->replot(QCustomPlot::rpImmediateRefresh); // lays the title out before the file is drawn
    const bool ok = savePlot(plot, fileName, title);
    element->setText(shown);
    plot->replot(QCustomPlot::rpQueuedReplot);
    return ok;
}

} // namespace tscope::ui
