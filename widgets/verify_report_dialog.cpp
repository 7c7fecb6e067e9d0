#include "widgets/verify_report_dialog.h"

#include "model/session/artifact_session.h"

#include <QDialogButtonBox>
#include <QFileInfo>
#include <QHeaderView>
#include <QLabel>
#include <QLocale>
#include <QPushButton>
#include <QTableWidget>
#include <QVBoxLayout>
#include <algorithm>

namespace tscope::ui {

namespace {
constexpr int KeyRole = Qt::UserRole + 1;
} // namespace

VerifyReportDialog::VerifyReportDialog(QWidget* parent)
    : QDialog(parent)
{
    setWindowTitle(tr("Verify Checksums"));
    m_summary = new QLabel(this);
    m_summary->setWordWrap(true);
    m_summary->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_table = new QTableWidget(0, ColumnCount, this);
    m_table->setHorizontalHeaderLabels({ tr("Tensor"), tr("Problem"), tr("File"), tr("Offset") });
    m_table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setWordWrap(false);
    m_table->verticalHeader()->hide();
    m_table->horizontalHeader()->setSectionResizeMode(ProblemColumn, QHeaderView::Stretch);
    m_buttons = new QDialogButtonBox(QDialogButtonBox::Close, this);
    connect(m_buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    connect(m_table, &QTableWidget::cellDoubleClicked, this, [this](int row, int) {
        const QVariant key = m_table->item(row, TensorColumn)->data(KeyRole);
        if (key.isValid()) emit tensorActivated(key.toByteArray());
    });
    auto* layout = new QVBoxLayout(this);
    layout->addWidget(m_summary);
    layout->addWidget(m_table, 1);
    layout->addWidget(m_buttons);
    resize(900, 360);
}

QString VerifyReportDialog::summary() const
{
    return m_summary->text();
}

void VerifyReportDialog::setReport(const QString& artifactName, const io::VerifyReport& report,
    const std::function<QString(const std::string& key)>& displayName)
{
    const QLocale locale;
    const QString problems = report.problems.size() == 1
        ? tr("1 problem")
        : tr("%1 problems").arg(locale.toString(static_cast<qulonglong>(report.problems.size())));
    m_summary->setText(
        tr("%1: %2 in %3 tensors and %4 index blocks. Double-click a tensor to select it in "
           "the tree.")
            .arg(artifactName, problems, locale.toString(static_cast<qulonglong>(report.tensorsChecked)),
                locale.toString(static_cast<qulonglong>(report.blocksChecked))));
    m_table->setSortingEnabled(false);
    m_table->setRowCount(static_cast<int>(report.problems.size()));
    int row = 0;
    for (const auto& p : report.problems) {
        auto* tensor
            = new QTableWidgetItem(p.tensor().empty() ? tr("(whole file)") : displayName(p.tensor()));
        if (!p.tensor().empty()) {
            tensor->setData(KeyRole, QByteArray::fromStdString(p.tensor()));
            tensor->setToolTip(tr("Checkpoint key: %1").arg(QString::fromStdString(p.tensor())));
        } else
            tensor->setForeground(palette().color(QPalette::PlaceholderText));
        auto* problem = new QTableWidgetItem(QString::fromStdString(p.message()));
        problem->setToolTip(model::statusToText(p));
        const QString path = QString::fromStdString(p.path());
        auto* file = new QTableWidgetItem(QFileInfo(path).fileName());
        file->setToolTip(path);
        auto* offset = new QTableWidgetItem(
            p.offset() ? locale.toString(static_cast<qulonglong>(*p.offset())) : QString());
        offset->setTextAlignment(Qt::AlignRight | Qt::AlignVCenter);
        m_table->setItem(row, TensorColumn, tensor);
        m_table->setItem(row, ProblemColumn, problem);
        m_table->setItem(row, FileColumn, file);
        m_table->setItem(row, OffsetColumn, offset);
        ++row;
    }
    m_table->resizeColumnToContents(TensorColumn);
    m_table->resizeColumnToContents(FileColumn);
    m_table->resizeColumnToContents(OffsetColumn);
    m_table->setSortingEnabled(true);
    // As tall as its rows (a single damaged tensor should not open a mostly empty window), up to a limit.
    const auto margins = layout()->contentsMargins();
    const int chrome = margins.top() + margins.bottom() + 2 * layout()->spacing()
        + m_summary->heightForWidth(width() - margins.left() - margins.right())
        + m_buttons->sizeHint().height() + m_table->horizontalHeader()->sizeHint().height()
        + 2 * m_table->frameWidth();
    const int rowsHeight = m_table->verticalHeader()->defaultSectionSize() * std::max(row, 3);
    resize(width(), std::min(chrome + rowsHeight, 640));
}

} // namespace tscope::ui
