// Every persisted setting, declared once with its type and default (RenderDoc/sqlitebrowser style).
#pragma once

#include <QByteArray>
#include <QSettings>
#include <QStringList>

namespace tscope::app {

class Settings {
public:
    Settings();

    QByteArray windowGeometry() const;
    void setWindowGeometry(const QByteArray& v);
    QByteArray windowState() const;
    void setWindowState(const QByteArray& v);
    QByteArray splitterState() const;
    void setSplitterState(const QByteArray& v);
    QByteArray inspectorSplitterState() const; // empty: the header follows its content
    void setInspectorSplitterState(const QByteArray& v);

    int histogramBins() const; // default 0: chosen from the data
    void setHistogramBins(int bins);
    bool showOptimizerSlots() const; // default true
    void setShowOptimizerSlots(bool show);

    // Exports wait for the disk (fsync) before the output is renamed into place: default false, like the
    // CLI without --sync.
    bool exportSyncToDisk() const;
    void setExportSyncToDisk(bool sync);

    // Where the open dialogs start: the folder of the last artifact opened ("" = the home folder).
    QString lastDirectory() const;
    void setLastDirectory(const QString& dir);

    // Most recent first, duplicates removed, capped at kMaxRecent; paths that no longer exist are pruned.
    QStringList recentPaths() const;
    void addRecentPath(const QString& path);
    void removeRecentPath(const QString& path);
    static constexpr int kMaxRecent = 10;

private:
    mutable QSettings m_settings;
};

} // namespace tscope::app
