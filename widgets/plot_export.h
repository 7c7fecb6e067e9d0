// Saving a QCustomPlot as a picture, by the file's extension: PNG (2x, for slides), SVG (vector, for
// papers) or PDF. The plot's own title element carries the variable's name, so every format has it.
#pragma once

#include <QString>

class QCustomPlot;

namespace tscope::ui {

// Filters for a save dialog, PNG first.
QString plotFileFilters();
// False when the file cannot be written (or the extension is none of png, svg, pdf).
bool savePlot(QCustomPlot* plot, const QString& fileName, const QString& title);

} // namespace tscope::ui
