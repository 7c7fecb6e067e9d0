// The status bar's view of long work: what is running (the newest labelled job of the watched
// JobRunners), a percentage when its total is known (a busy bar otherwise), and a Cancel button.
// Jobs that end within the show delay never appear, so quick analyses do not flicker.
#pragma once

#include <QElapsedTimer>
#include <QList>
#include <QString>
#include <QWidget>

class QLabel;
class QProgressBar;
class QPushButton;

namespace tscope::model {
class JobRunner;
}

namespace tscope::ui {

class ActivityIndicator : public QWidget {
    Q_OBJECT
public:
    explicit ActivityIndicator(QWidget* parent = nullptr);

    void watch(model::JobRunner* runner);
    void setShowDelay(int ms) { m_showDelayMs = ms; }

    // For tests.
    QLabel* label() const { return m_label; }
    QProgressBar* bar() const { return m_bar; }
    QPushButton* cancelButton() const { return m_cancel; }

private:
    static constexpr int kMaxLabelChars = 36;

    struct Running {
        model::JobRunner* runner;
        QString key;
        QString label;
        qint64 done = 0, total = 0;
        QElapsedTimer age;
    };
    Running* find(model::JobRunner* runner, const QString& key);
    void refresh();
    void cancelShown();

    QList<Running> m_running; // oldest first
    int m_showDelayMs = 400;
    model::JobRunner* m_shownRunner = nullptr; // what Cancel stops
    QString m_shownKey;
    QLabel* m_label;
    QProgressBar* m_bar;
    QPushButton* m_cancel;
};

} // namespace tscope::ui
