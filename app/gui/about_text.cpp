#include "app/gui/about_text.h"

#include "tscope_version.h"

#include <QObject>
#include <google/protobuf/stubs/common.h>
#include <leveldb/db.h>

namespace tscope::app {

QString aboutHtml()
{
    const QString qtRun = QString::fromLatin1(qVersion());
    const QString qtBuild = QStringLiteral(QT_VERSION_STR);
    const QString qt = qtRun == qtBuild ? qtRun : QObject::tr("%1 (built with %2)").arg(qtRun, qtBuild);
    return QObject::tr("<h3>Tensorscope %1</h3>"
                       "<p>A fast native browser for TensorFlow checkpoints and SavedModels.</p>"
                       "<table cellspacing='2'>"
                       "<tr><td>Qt</td><td>%2</td></tr>"
                       "<tr><td>protobuf</td><td>%3</td></tr>"
                       "<tr><td>LevelDB</td><td>%4.%5</td></tr>"
                       "</table>"
                       "<p>Released under the MIT licence.</p>"
                       "<p>Documentation: <a href=\"%6\">%6</a></p>")
        .arg(QString::fromLatin1(kTensorscopeVersion), qt,
            QString::fromStdString(google::protobuf::internal::VersionString(GOOGLE_PROTOBUF_VERSION)))
        .arg(leveldb::kMajorVersion)
        .arg(leveldb::kMinorVersion)
        .arg(QString::fromLatin1(kDocsUrl));
}

} // namespace tscope::app
