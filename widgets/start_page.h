// What a person sees before anything is open: open buttons, the bundled demo and recent artifacts.
#pragma once

#include <QWidget>

class QListWidget;
class QPushButton;

namespace tscope::ui {

class MessageBar;

class StartPage : public QWidget {
    Q_OBJECT
public:
    explicit StartPage(QWidget* parent = nullptr);
    void setRecent(const QStringList& paths);
    // The recent list's name of `path`: a folder by its name, a file with its folder
    // ("heart_model/saved_model.pb"), since many artifacts share a file name.
    static QString recentTitle(const QString& path);
    QListWidget* recentList() const { return m_recent; }
    MessageBar* messageBar() const { return m_message; }
    QPushButton* demoButton() const { return m_demo; }

signals:
    void openFileRequested();
    void openFolderRequested();
    void demoRequested();
    void openRequested(const QString& path);

private:
    QListWidget* m_recent;
    QPushButton* m_demo;
    MessageBar* m_message;
};

} // namespace tscope::ui
