// `tensorscope --run DIR --report-steps` (hidden): one JSON line on stdout for every change the run window
// shows, so a test can drive a real training script against the real window (tests/conformance/
// test_run_live.py) without reading pixels. Lines, each with `ms` (Unix milliseconds when printed):
//   {"event":"steps","ms":…,"run":"ckpt","runs":["ckpt"],"steps":[{"step":3,"prefix":"/…/ckpt-3"},…]}
//   {"event":"opened","ms":…,"prefix":"/…/ckpt-3","variables":12}   the last step was opened and listed
//   {"event":"problem","ms":…,"message":"…"}                          a step failed to open or compute
#pragma once

#include <QObject>
#include <cstdio>

namespace tscope::app {

class RunWindow;

class RunStepReporter : public QObject {
    Q_OBJECT
public:
    RunStepReporter(RunWindow* window, std::FILE* out);

private:
    void reportSteps();
    void print(const QByteArray& jsonLine);
    RunWindow* m_window;
    std::FILE* m_out;
};

} // namespace tscope::app
