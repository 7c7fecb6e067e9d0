#include "model/run/run_watcher.h"

#include "io/checkpoint_state.h"

#include <QDir>
#include <algorithm>
#include <chrono>

namespace tscope::model {
namespace fs = std::filesystem;

RunWatcher::RunWatcher(QObject* parent)
    : QObject(parent)
{
    m_debounce.setSingleShot(true);
    m_debounce.setInterval(250);
    connect(&m_debounce, &QTimer::timeout, this, &RunWatcher::rescan);
    // Training writes many files per checkpoint: one rescan after the burst, not one per file.
    connect(&m_watcher, &QFileSystemWatcher::directoryChanged, this, [this] { m_debounce.start(); });
    connect(&m_watcher, &QFileSystemWatcher::fileChanged, this, [this] { m_debounce.start(); });
}

void RunWatcher::setSettleInterval(int ms)
{
    m_debounce.setInterval(ms);
}

void RunWatcher::watch(const fs::path& input, const std::string& runName)
{
    std::error_code ec;
    m_directory = fs::is_directory(input, ec) ? input : input.parent_path();
    m_runName = runName;
    if (m_runName.empty() && !fs::is_directory(input, ec))
        m_runName = io::splitStepNumber(input.filename().string()).first;
    if (!m_watcher.directories().isEmpty()) m_watcher.removePaths(m_watcher.directories());
    if (!m_watcher.files().isEmpty()) m_watcher.removePaths(m_watcher.files());
    m_watcher.addPath(QString::fromStdString(m_directory.string()));
    m_steps.clear();
    m_indexSizes.clear();
    rescan();
}

bool RunWatcher::isComplete(const io::RunStep& step, const std::vector<fs::path>& stateListed)
{
    if (std::find(stateListed.begin(), stateListed.end(), step.prefix) != stateListed.end()) return true;
    std::error_code ec;
    const fs::path index = fs::path(step.prefix.string() + ".index");
    const uintmax_t size = fs::file_size(index, ec);
    if (ec || size == 0) return false;
    // Already reported once: it stays (a rewrite in place is the hostile-file guards' business).
    for (const auto& known : m_steps)
        if (known.prefix == step.prefix) return true;
    // Untouched for a while: written long before we looked (opening an old run needs no second scan).
    const auto age = fs::file_time_type::clock::now() - fs::last_write_time(index, ec);
    if (!ec && age > std::chrono::seconds(2)) return true;
    auto it = m_indexSizes.find(step.prefix);
    const bool settled = it != m_indexSizes.end() && it->second == size;
    m_indexSizes[step.prefix] = size;
    return settled;
}

void RunWatcher::rescan()
{
    if (m_directory.empty()) return;
    const QString stateFile = QString::fromStdString((m_directory / "checkpoint").string());
    if (QFileInfo::exists(stateFile) && !m_watcher.files().contains(stateFile)) m_watcher.addPath(stateFile);

    std::vector<fs::path> stateListed;
    std::string stateRun;
    if (auto state = io::readCheckpointState(m_directory / "checkpoint")) {
        for (const auto& ref : state->checkpoints) {
            stateListed.push_back(ref.prefix);
            if (ref.latest) stateRun = io::splitStepNumber(ref.prefix.filename().string()).first;
        }
    }

    std::vector<io::RunStep> found;
    bool pending = false;
    auto runs = io::findTrainingRuns({ m_directory });
    m_runNames.clear();
    if (runs) {
        const io::TrainingRun* chosen = nullptr;
        for (const auto& run : *runs) {
            m_runNames.push_back(run.name);
            if (!m_runName.empty() ? run.name == m_runName : (run.current || run.name == stateRun))
                chosen = &run;
        }
        if (!chosen && m_runName.empty() && !runs->empty()) chosen = &runs->front();
        if (chosen) {
            if (m_runName.empty()) m_runName = chosen->name;
            for (const auto& step : chosen->steps) {
                if (isComplete(step, stateListed))
                    found.push_back(step);
                else
                    pending = true;
            }
        }
    } else if (runs.status().code() != io::ErrorCode::NotFound) {
        emit scanFailed(QString::fromStdString(runs.status().toString()));
    }
    // Forget sizes of indexes that are gone or complete.
    for (auto it = m_indexSizes.begin(); it != m_indexSizes.end();) {
        const bool keep = std::any_of(
            found.begin(), found.end(), [&](const io::RunStep& s) { return s.prefix == it->first; });
        std::error_code ec;
        if (keep || !fs::exists(fs::path(it->first.string() + ".index"), ec))
            it = m_indexSizes.erase(it);
        else
            ++it;
    }
    if (pending) m_debounce.start(); // look again once the index had time to settle

    const auto same = [](const io::RunStep& a, const io::RunStep& b) {
        return a.prefix == b.prefix && a.timestamp == b.timestamp;
    };
    if (found.size() == m_steps.size() && std::equal(found.begin(), found.end(), m_steps.begin(), same))
        return;
    m_steps = std::move(found);
    emit stepsChanged();
}

} // namespace tscope::model
