#include "app/gui/run_step_reporter.h"

#include "app/gui/run_window.h"
#include "model/run/step_list_model.h"

#include <QDateTime>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

namespace tscope::app {
namespace {

QJsonObject reportLine(const char* name)
{
    return { { QStringLiteral("event"), QString::fromLatin1(name) },
        { QStringLiteral("ms"), static_cast<double>(QDateTime::currentMSecsSinceEpoch()) } };
}

} // namespace

RunStepReporter::RunStepReporter(RunWindow* window, std::FILE* out)
    : QObject(window)
    , m_window(window)
    , m_out(out)
{
    // The step model changes in place (rows inserted and removed, timestamps updated): every change is
    // one report of the whole list, so a reader never has to replay deltas.
    auto* steps = window->stepModel();
    connect(steps, &QAbstractItemModel::rowsInserted, this, &RunStepReporter::reportSteps);
    connect(steps, &QAbstractItemModel::rowsRemoved, this, &RunStepReporter::reportSteps);
    connect(steps, &QAbstractItemModel::modelReset, this, &RunStepReporter::reportSteps);
    connect(steps, &QAbstractItemModel::dataChanged, this, &RunStepReporter::reportSteps);
    connect(window, &RunWindow::lastStepOpened, this, [this](const QString& prefix, int variables) {
        QJsonObject o = reportLine("opened");
        o.insert(QStringLiteral("prefix"), prefix);
        o.insert(QStringLiteral("variables"), variables);
        print(QJsonDocument(o).toJson(QJsonDocument::Compact));
    });
    connect(window, &RunWindow::problem, this, [this](const QString& message) {
        QJsonObject o = reportLine("problem");
        o.insert(QStringLiteral("message"), message);
        print(QJsonDocument(o).toJson(QJsonDocument::Compact));
    });
    reportSteps(); // the steps complete at start
}

void RunStepReporter::reportSteps()
{
    QJsonObject o = reportLine("steps");
    o.insert(QStringLiteral("run"), QString::fromStdString(m_window->runName()));
    QJsonArray runs, steps;
    for (const auto& name : m_window->runNames())
        runs.append(QString::fromStdString(name));
    for (const auto& s : m_window->stepModel()->steps()) {
        QJsonObject step { { QStringLiteral("prefix"), QString::fromStdString(s.prefix.string()) } };
        step.insert(QStringLiteral("step"), s.step ? QJsonValue(static_cast<double>(*s.step)) : QJsonValue());
        steps.append(step);
    }
    o.insert(QStringLiteral("runs"), runs);
    o.insert(QStringLiteral("steps"), steps);
    print(QJsonDocument(o).toJson(QJsonDocument::Compact));
}

void RunStepReporter::print(const QByteArray& jsonLine)
{
    std::fwrite(jsonLine.constData(), 1, static_cast<size_t>(jsonLine.size()), m_out);
    std::fputc('\n', m_out);
    std::fflush(m_out); // the reader follows live
}

} // namespace tscope::app
