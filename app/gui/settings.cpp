#include "app/gui/settings.h"

#include <QDir>
#include <QFileInfo>

namespace tscope::app {

namespace {
const QString kGeometry = QStringLiteral("window/geometry");
const QString kState = QStringLiteral("window/state");
const QString kSplitter = QStringLiteral("window/splitter");
const QString kInspectorSplitter = QStringLiteral("window/inspectorSplitter");
const QString kBins = QStringLiteral("inspector/histogramBins");
const QString kSlots = QStringLiteral("tree/showOptimizerSlots");
const QString kRecent = QStringLiteral("recent/paths");
const QString kLastDir = QStringLiteral("recent/lastDirectory");
const QString kExportSync = QStringLiteral("export/syncToDisk");
} // namespace

Settings::Settings()
    : m_settings(QStringLiteral("Tensorscope"), QStringLiteral("Tensorscope"))
{ }

QByteArray Settings::windowGeometry() const
{
    return m_settings.value(kGeometry).toByteArray();
}
void Settings::setWindowGeometry(const QByteArray& v)
{
    m_settings.setValue(kGeometry, v);
}
QByteArray Settings::windowState() const
{
    return m_settings.value(kState).toByteArray();
}
void Settings::setWindowState(const QByteArray& v)
{
    m_settings.setValue(kState, v);
}
QByteArray Settings::splitterState() const
{
    return m_settings.value(kSplitter).toByteArray();
}
void Settings::setSplitterState(const QByteArray& v)
{
    m_settings.setValue(kSplitter, v);
}
QByteArray Settings::inspectorSplitterState() const
{
    return m_settings.value(kInspectorSplitter).toByteArray();
}
void Settings::setInspectorSplitterState(const QByteArray& v)
{
    if (v.isEmpty())
        m_settings.remove(kInspectorSplitter);
    else
        m_settings.setValue(kInspectorSplitter, v);
}
QString Settings::lastDirectory() const
{
    const QString dir = m_settings.value(kLastDir).toString();
    return QFileInfo(dir).isDir() ? dir : QDir::homePath();
}
void Settings::setLastDirectory(const QString& dir)
{
    m_settings.setValue(kLastDir, dir);
}
int Settings::histogramBins() const
{
    return std::clamp(m_settings.value(kBins, 0).toInt(), 0, 1000); // 0 = auto
}
void Settings::setHistogramBins(int bins)
{
    m_settings.setValue(kBins, bins);
}
bool Settings::showOptimizerSlots() const
{
    return m_settings.value(kSlots, true).toBool();
}
void Settings::setShowOptimizerSlots(bool show)
{
    m_settings.setValue(kSlots, show);
}
bool Settings::exportSyncToDisk() const
{
    return m_settings.value(kExportSync, false).toBool();
}
void Settings::setExportSyncToDisk(bool sync)
{
    m_settings.setValue(kExportSync, sync);
}

QStringList Settings::recentPaths() const
{
    QStringList out;
    for (const auto& p : m_settings.value(kRecent).toStringList())
        if (QFileInfo::exists(p) || QFileInfo::exists(p + QStringLiteral(".index"))) out << p;
    return out;
}

void Settings::addRecentPath(const QString& path)
{
    QStringList list = m_settings.value(kRecent).toStringList();
    const QString clean = QDir::cleanPath(QFileInfo(path).absoluteFilePath());
    list.removeAll(clean);
    list.prepend(clean);
    while (list.size() > kMaxRecent)
        list.removeLast();
    m_settings.setValue(kRecent, list);
}

void Settings::removeRecentPath(const QString& path)
{
    QStringList list = m_settings.value(kRecent).toStringList();
    list.removeAll(path);
    m_settings.setValue(kRecent, list);
}

} // namespace tscope::app
