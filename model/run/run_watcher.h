// Follows a training run's directory while training writes into it: QFileSystemWatcher on the directory
// (and its `checkpoint` state file), a short debounce, then a rescan. TensorFlow writes the data files
// first and the `.index` last, so a step is only reported once it is complete: named by the state file
// (written after the checkpoint), or with an `.index` whose size stayed the same over two scans or that
// was last written more than 2 s ago.
// Deleted steps (CheckpointManager's max_to_keep) disappear at the next scan.
#pragma once

#include "io/run/training_run.h"

#include <QFileSystemWatcher>
#include <QObject>
#include <QTimer>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

namespace tscope::model {

class RunWatcher : public QObject {
    Q_OBJECT
public:
    explicit RunWatcher(QObject* parent = nullptr);

    // Starts watching `input` (a directory or one checkpoint of a run). `runName` picks one of several
    // prefixes in the directory; empty: the run the state file names, else the first one.
    void watch(const std::filesystem::path& input, const std::string& runName = {});
    // Rescans now (also called by the watcher and while an index is still settling).
    void rescan();

    const std::vector<io::RunStep>& steps() const { return m_steps; }
    const std::string& runName() const { return m_runName; }
    const std::vector<std::string>& runNames() const { return m_runNames; }
    // How long a directory change waits before the rescan, and the interval while an index settles.
    void setSettleInterval(int ms);

signals:
    // The complete steps, in step order, whenever they changed (added, deleted, or a new timestamp).
    void stepsChanged();
    void scanFailed(const QString& message);

private:
    bool isComplete(const io::RunStep& step, const std::vector<std::filesystem::path>& stateListed);

    QFileSystemWatcher m_watcher;
    QTimer m_debounce;
    std::filesystem::path m_directory;
    std::string m_runName;
    std::vector<std::string> m_runNames;
    std::vector<io::RunStep> m_steps;
    std::map<std::filesystem::path, uintmax_t> m_indexSizes; // last seen size of each not yet complete index
};

} // namespace tscope::model
