// The About box's text: what Tensorscope is, the versions it was built with (Tensorscope, Qt at build
// and run time, protobuf, LevelDB), its licence and where the documentation is. One function so the
// dialog and a test read the same text.
#pragma once

#include <QString>

namespace tscope::app {

QString aboutHtml();
inline constexpr const char kDocsUrl[] = "https://github.com/tensorscope/tensorscope/tree/main/docs";

} // namespace tscope::app
