#include "app/cli/progress_bar.h"

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <ostream>

namespace tscope::cli {
namespace {

constexpr int kBarCells = 30;
constexpr auto kRedrawInterval = std::chrono::milliseconds(100); // a terminal needs no more

} // namespace

ProgressBar::ProgressBar(std::ostream& err, std::string label, bool enabled, Clock::duration delay)
    : m_err(err)
    , m_label(std::move(label))
    , m_enabled(enabled)
    , m_start(Clock::now())
    , m_delay(delay)
{ }

ProgressBar::~ProgressBar()
{
    finish();
}

ProgressBar::Clock::duration ProgressBar::defaultDelay()
{
    if (const char* ms = std::getenv("TSCOPE_CLI_PROGRESS_DELAY_MS"))
        return std::chrono::milliseconds(std::strtol(ms, nullptr, 10));
    return std::chrono::seconds(1);
}

io::ProgressFn ProgressBar::callback()
{
    if (!m_enabled) return {};
    return [this](uint64_t done, uint64_t total) {
        update(done, total);
        return true;
    };
}

void ProgressBar::update(uint64_t done, uint64_t total)
{
    if (!m_enabled) return;
    std::lock_guard lock(m_mutex);
    const auto now = Clock::now();
    if (m_finished || now - m_start < m_delay) return;
    if (m_drawn && now - m_lastDraw < kRedrawInterval) return;
    std::string line = m_label + " ";
    if (total > 0) {
        const double fraction = std::min(1.0, static_cast<double>(done) / static_cast<double>(total));
        const int cells = static_cast<int>(fraction * kBarCells);
        line += "[" + std::string(static_cast<size_t>(cells), '#')
            + std::string(static_cast<size_t>(kBarCells - cells), '.') + "] ";
        char pct[16];
        std::snprintf(pct, sizeof pct, "%3d%%", static_cast<int>(fraction * 100));
        line += pct;
    } else {
        line += std::to_string(done) + " ...";
    }
    const size_t width = line.size();
    if (width < m_width) line += std::string(m_width - width, ' ');
    m_err << '\r' << line << std::flush;
    m_width = width;
    m_drawn = true;
    m_lastDraw = now;
}

void ProgressBar::finish()
{
    std::lock_guard lock(m_mutex);
    if (m_finished) return;
    m_finished = true;
    if (m_drawn) m_err << '\r' << std::string(m_width, ' ') << '\r' << std::flush;
}

} // namespace tscope::cli
