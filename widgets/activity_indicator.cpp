#include "widgets/activity_indicator.h"

#include "model/session/job_runner.h"

#include <QHBoxLayout>
#include <QLabel>
#include <QProgressBar>
#include <QPushButton>
#include <QTimer>
#include <algorithm>

namespace tscope::ui {

ActivityIndicator::ActivityIndicator(QWidget* parent)
    : QWidget(parent)
{
    m_label = new QLabel(this);
    m_bar = new QProgressBar(this);
    m_bar->setMaximumWidth(160);
    m_bar->setTextVisible(false); // the label already says the percentage
    m_cancel = new QPushButton(tr("Cancel"), this);
    m_cancel->setToolTip(tr("Stop this operation"));
    // No taller than a line of status text: QStatusBar sizes itself by every widget, hidden ones too,
    // so this keeps the window's layout exactly as it is when nothing runs.
    const int lineHeight = m_label->sizeHint().height();
    m_bar->setMaximumHeight(lineHeight);
    m_cancel->setMaximumHeight(lineHeight);
    auto* layout = new QHBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_label);
    layout->addWidget(m_bar);
    layout->addWidget(m_cancel);
    connect(m_cancel, &QPushButton::clicked, this, &ActivityIndicator::cancelShown);
    hide();
}

void ActivityIndicator::watch(model::JobRunner* runner)
{
    connect(runner, &model::JobRunner::activityStarted, this,
        [this, runner](const QString& key, const QString& label) {
            Running r { runner, key, label, 0, 0, {} };
            r.age.start();
            m_running.append(r);
            QTimer::singleShot(m_showDelayMs, this, &ActivityIndicator::refresh);
        });
    connect(runner, &model::JobRunner::activityProgress, this,
        [this, runner](const QString& key, qint64 done, qint64 total) {
            if (Running* r = find(runner, key)) {
                r->done = done;
                r->total = total;
                refresh();
            }
        });
    connect(runner, &model::JobRunner::activityFinished, this, [this, runner](const QString& key) {
        m_running.removeIf([&](const Running& r) { return r.runner == runner && r.key == key; });
        refresh();
    });
    connect(runner, &QObject::destroyed, this, [this, runner] {
        m_running.removeIf([&](const Running& r) { return r.runner == runner; });
        refresh();
    });
}

ActivityIndicator::Running* ActivityIndicator::find(model::JobRunner* runner, const QString& key)
{
    for (auto& r : m_running)
        if (r.runner == runner && r.key == key) return &r;
    return nullptr;
}

void ActivityIndicator::refresh()
{
    const Running* shown = nullptr;
    for (auto it = m_running.crbegin(); it != m_running.crend(); ++it)
        if (it->age.elapsed() >= m_showDelayMs) {
            shown = &*it;
            break;
        }
    m_shownRunner = shown ? shown->runner : nullptr;
    m_shownKey = shown ? shown->key : QString();
    if (!shown) {
        hide();
        return;
    }
    const bool known = shown->total > 0;
    const int percent
        = known ? static_cast<int>(100 * std::min(shown->done, shown->total) / shown->total) : 0;
    // A long label (a variable's path) is shortened in the middle so the percentage always shows, also in
    // the crowded status bar at QT_SCALE_FACTOR=2; the whole label is the tooltip.
    const QString label = m_label->fontMetrics().elidedText(
        shown->label, Qt::ElideMiddle, m_label->fontMetrics().averageCharWidth() * kMaxLabelChars);
    m_label->setText(known ? tr("%1… %2%").arg(label).arg(percent) : tr("%1…").arg(label));
    m_label->setToolTip(shown->label);
    m_bar->setRange(0, known ? 100 : 0); // 0..0: Qt's busy indicator
    m_bar->setValue(percent);
    show();
}

void ActivityIndicator::cancelShown()
{
    // Copies: cancelling emits activityFinished, which refreshes (and clears) what is shown.
    model::JobRunner* runner = m_shownRunner;
    const QString key = m_shownKey;
    if (runner) runner->cancel(key);
}

} // namespace tscope::ui
