// Top-level windows open at a default size that may not fit the screen (a small laptop, QT_SCALE_FACTOR=2,
// a size saved on a bigger monitor): shrink them onto the available area and move them fully onto it.
#pragma once

class QWidget;

namespace tscope::app {

void fitWindowToScreen(QWidget* window);

} // namespace tscope::app
