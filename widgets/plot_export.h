// Saving a QCustomPlot as a picture, by the file's extension: PNG (2x, for slides), SVG (vector, for
// papers) or PDF. The plot's own title element carries the variable's name, so every format has it.
#pragma once

#include <QString>

class QCustomPlot;
class QCPTextElement;

namespace tscope::ui {

// Filters for a save dialog, PNG first.
QString plotFileFilters();
// False when the file cannot be written (or the extension is none of png, svg, pdf).
bool savePlot(QCustomPlot* plot, const QString& fileName, const QString& title);
// The plot's title element shows `title` on screen only when the plot is at least kTitledPlotHeight
// high (at QT_SCALE_FACTOR=2 the inspector above already names the variable, and every pixel counts);
// savePlotWithTitle always draws it into the file.
constexpr int kTitledPlotHeight = 240;
void showTitleIfRoom(QCustomPlot* plot, QCPTextElement* element, const QString& title);
bool savePlotWithTitle(
    QCustomPlot* plot, QCPTextElement* element, const QString& fileName, const QString& title);

} // namespace tscope::ui
