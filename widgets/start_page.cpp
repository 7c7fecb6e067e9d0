#include "widgets/start_page.h"

#include "widgets/message_bar.h"

#include <QDir>
#include <QFileInfo>
#include <QHBoxLayout>
#include <QLabel>
#include <QListWidget>
#include <QPushButton>
#include <QVBoxLayout>

namespace tscope::ui {

StartPage::StartPage(QWidget* parent)
    : QWidget(parent)
{
    auto* title = new QLabel(
        tr("<h1>Tensorscope</h1><p>Look inside TensorFlow checkpoints and SavedModels.</p>"), this);
    title->setTextFormat(Qt::RichText);
    auto* openFile = new QPushButton(tr("Open File…"), this);
    auto* openFolder = new QPushButton(tr("Open Folder…"), this);
    m_demo = new QPushButton(tr("Open the Demo"), this);
    openFile->setToolTip(
        tr("A .index or .data file, a checkpoint state file, saved_model.pb or .pbtxt (Ctrl+O)"));
    openFolder->setToolTip(
        tr("A SavedModel directory, a training directory with checkpoints, or variables/"));
    m_demo->setToolTip(tr("A small SavedModel and its training run, written by TensorFlow"));
    auto* buttons = new QHBoxLayout;
    buttons->addWidget(openFile);
    buttons->addWidget(openFolder);
    buttons->addWidget(m_demo);
    buttons->addStretch();

    m_recent = new QListWidget(this);
    m_recent->setToolTip(tr("Double-click or press Enter to open"));
    m_recent->setSpacing(3);
    m_message = new MessageBar(this);
    auto* hint = new QLabel(tr("You can also drop a file or folder onto this window."), this);
    hint->setEnabled(false);

    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(32, 24, 32, 24);
    layout->addWidget(title);
    layout->addWidget(m_message);
    layout->addLayout(buttons);
    layout->addSpacing(16);
    layout->addWidget(new QLabel(tr("<b>Recent</b>"), this));
    layout->addWidget(m_recent, 1);
    layout->addWidget(hint);

    connect(openFile, &QPushButton::clicked, this, &StartPage::openFileRequested);
    connect(openFolder, &QPushButton::clicked, this, &StartPage::openFolderRequested);
    connect(m_demo, &QPushButton::clicked, this, &StartPage::demoRequested);
    connect(m_recent, &QListWidget::itemActivated, this,
        [this](QListWidgetItem* item) { emit openRequested(item->data(Qt::UserRole).toString()); });
}

QString StartPage::recentTitle(const QString& path)
{
    const QFileInfo fi(path);
    const QString name = fi.fileName();
    if (name.isEmpty()) return QDir::toNativeSeparators(path);
    if (fi.isDir()) return name;
    const QString folder = fi.absoluteDir().dirName();
    return folder.isEmpty() ? name : folder + QLatin1Char('/') + name;
}

void StartPage::setRecent(const QStringList& paths)
{
    m_recent->clear();
    for (const auto& p : paths) {
        QFileInfo fi(p);
        auto* item = new QListWidgetItem(
            QStringLiteral("%1   —   %2").arg(recentTitle(p), QDir::toNativeSeparators(fi.absolutePath())),
            m_recent);
        item->setData(Qt::UserRole, p);
        item->setToolTip(p);
    }
    if (paths.isEmpty()) {
        auto* item = new QListWidgetItem(tr("Nothing opened yet"), m_recent);
        item->setFlags(Qt::NoItemFlags);
    }
}

} // namespace tscope::ui
