// An inline message strip (error, warning or information) shown above a panel instead of a modal
// dialog, with an optional action button and a close button.
#pragma once

#include <QFrame>

class QLabel;
class QPushButton;

namespace tscope::ui {

class MessageBar : public QFrame {
    Q_OBJECT
public:
    enum class Kind { Info, Warning, Error };
    explicit MessageBar(QWidget* parent = nullptr);
    void showMessage(Kind kind, const QString& text, const QString& actionText = {});
    QString text() const;
    Kind kind() const { return m_kind; }

signals:
    void actionTriggered();

private:
    QLabel* m_icon;
    QLabel* m_text;
    QPushButton* m_action;
    Kind m_kind = Kind::Info;
};

} // namespace tscope::ui
