// A one-line progress bar on stderr for steps that last over a second (opening, verify, stats). It draws
// only when enabled (stderr is a terminal and the output is not JSON), waits `delay` before the first
// draw so quick steps never flicker, and erases itself when the step ends.
#pragma once

#include "io/cancel.h"

#include <chrono>
#include <cstdint>
#include <iosfwd>
#include <mutex>
#include <string>

namespace tscope::cli {

class ProgressBar {
public:
    using Clock = std::chrono::steady_clock;

    ProgressBar(std::ostream& err, std::string label, bool enabled, Clock::duration delay = defaultDelay());
    ~ProgressBar();
    ProgressBar(const ProgressBar&) = delete;
    ProgressBar& operator=(const ProgressBar&) = delete;

    // For io and model operations; never cancels. Valid while this bar lives (it captures `this`).
    io::ProgressFn callback();
    // done/total in any unit; total 0 = unknown (a count is shown instead of a percentage). Thread-safe.
    void update(uint64_t done, uint64_t total);
    void finish(); // erases the bar if it was drawn; later updates are ignored
    bool hasDrawn() const { return m_drawn; }

    // One second, or TSCOPE_CLI_PROGRESS_DELAY_MS (for tests of the terminal case).
    static Clock::duration defaultDelay();

private:
    std::ostream& m_err;
    std::string m_label;
    bool m_enabled;
    Clock::time_point m_start;
    Clock::duration m_delay;
    Clock::time_point m_lastDraw {};
    bool m_drawn = false;
    bool m_finished = false;
    size_t m_width = 0; // characters of the last line drawn, to erase it
    std::mutex m_mutex;
};

} // namespace tscope::cli
