// `tensorscope --dark`: Qt's Fusion style with a dark palette, as reviewers check the app (GUI-REVIEW.md);
// also the way to look at dark mode on platforms whose theme has none (the offscreen screenshots).
#pragma once

class QApplication;

namespace tscope::app {

void useDarkFusionPalette(QApplication& app);

} // namespace tscope::app
