#include "app/gui/signature_builder_dialog.h"

#include <QDialogButtonBox>
#include <QFormLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QSortFilterProxyModel>
#include <QStandardItemModel>
#include <QTableWidget>
#include <QTreeView>
#include <QVBoxLayout>

namespace tscope::app {
namespace {

constexpr int kPlaceholderRole = Qt::UserRole + 1;

enum Column { TensorColumn, OpColumn, TypeColumn };

QTableWidget* bindingTable(QWidget* parent)
{
    auto* t = new QTableWidget(0, 2, parent);
    t->setHorizontalHeaderLabels({ QObject::tr("Name"), QObject::tr("Tensor") });
    t->horizontalHeader()->setStretchLastSection(true);
    t->verticalHeader()->hide();
    t->setSelectionBehavior(QAbstractItemView::SelectRows);
    // Room for four bindings without scrolling, at any font size and scale.
    const int row = t->fontMetrics().lineSpacing() + 8;
    t->verticalHeader()->setDefaultSectionSize(row);
    t->setMinimumHeight(t->horizontalHeader()->sizeHint().height() + 4 * row + 2 * t->frameWidth());
    return t;
}

std::vector<std::string> bindings(const QTableWidget* t)
{
    std::vector<std::string> out;
    for (int r = 0; r < t->rowCount(); ++r)
        out.push_back(
            (t->item(r, 0)->text().trimmed() + QLatin1Char('=') + t->item(r, 1)->text()).toStdString());
    return out;
}

void addBinding(QTableWidget* t, const QString& name, const QString& tensor)
{
    const int r = t->rowCount();
    t->insertRow(r);
    t->setItem(r, 0, new QTableWidgetItem(name));
    auto* item = new QTableWidgetItem(tensor);
    item->setFlags(item->flags() & ~Qt::ItemIsEditable); // the tensor is chosen above, the name edited here
    t->setItem(r, 1, item);
}

} // namespace

SignatureBuilderDialog::SignatureBuilderDialog(
    std::shared_ptr<const io::Tf1Graph> graph, const io::Tf1SignatureSpec& initial, QWidget* parent)
    : QDialog(parent)
    , m_graph(std::move(graph))
{
    setWindowTitle(tr("Build a Signature"));
    m_tensors = new QStandardItemModel(0, 3, this);
    m_tensors->setHorizontalHeaderLabels({ tr("Tensor"), tr("Op"), tr("Type") });
    for (const auto& t : m_graph->tensors()) {
        // "float32, unknown shape" rather than "float32 (unknown shape)": the column reads as one list.
        auto* type
            = new QStandardItem(t.shape ? QString::fromStdString(t.typeText())
                                        : QString::fromStdString(t.dtypeText()) + tr(", unknown shape"));
        if (!t.shape)
            type->setToolTip(tr("The graph does not state this tensor's shape; the signature records it as "
                                "unknown."));
        QList<QStandardItem*> row { new QStandardItem(QString::fromStdString(t.name)),
            new QStandardItem(QString::fromStdString(t.op)), type };
        for (auto* item : row) {
            item->setEditable(false);
            item->setData(t.placeholder, kPlaceholderRole);
        }
        if (t.placeholder) {
            QFont f = row[0]->font();
            f.setBold(true); // the candidates for inputs stand out
            row[0]->setFont(f);
        }
        m_tensors->appendRow(row);
    }
    m_filter = new QSortFilterProxyModel(this);
    m_filter->setSourceModel(m_tensors);
    m_filter->setFilterCaseSensitivity(Qt::CaseInsensitive);
    m_filter->setFilterKeyColumn(-1); // tensor, op and type
    m_search = new QLineEdit(this);
    m_search->setPlaceholderText(tr("Search tensors, ops and types"));
    m_search->setClearButtonEnabled(true);
    connect(m_search, &QLineEdit::textChanged, this, &SignatureBuilderDialog::setFilter);
    m_view = new QTreeView(this);
    m_view->setModel(m_filter);
    m_view->setRootIsDecorated(false);
    m_view->setUniformRowHeights(true);
    m_view->setSortingEnabled(false);
    m_view->setSelectionMode(QAbstractItemView::SingleSelection);
    m_view->header()->setSectionResizeMode(TensorColumn, QHeaderView::Stretch);
    m_view->header()->setSectionResizeMode(OpColumn, QHeaderView::ResizeToContents);
    m_view->header()->setSectionResizeMode(TypeColumn, QHeaderView::ResizeToContents);
    m_view->header()->setStretchLastSection(false);
    connect(m_view->selectionModel(), &QItemSelectionModel::selectionChanged, this,
        &SignatureBuilderDialog::updateButtons);
    connect(m_view, &QTreeView::doubleClicked, this, [this](const QModelIndex& index) {
        addSelected(index.siblingAtColumn(0).data(kPlaceholderRole).toBool());
    });

    m_addInput = new QPushButton(tr("Add as Input"), this);
    m_addOutput = new QPushButton(tr("Add as Output"), this);
    m_remove = new QPushButton(tr("Remove"), this);
    connect(m_addInput, &QPushButton::clicked, this, [this] { addSelected(true); });
    connect(m_addOutput, &QPushButton::clicked, this, [this] { addSelected(false); });
    connect(m_remove, &QPushButton::clicked, this, &SignatureBuilderDialog::removeSelected);
    auto* addRow = new QHBoxLayout;
    addRow->addWidget(m_addInput);
    addRow->addWidget(m_addOutput);
    addRow->addStretch(1);
    addRow->addWidget(m_remove);
    m_reason = new QLabel(this);
    m_reason->setWordWrap(true);
    m_reason->setForegroundRole(QPalette::PlaceholderText);
    m_reason->hide(); // shown with a refusal only: no empty gap above the bindings

    m_inputs = bindingTable(this);
    m_outputs = bindingTable(this);
    for (auto* t : { m_inputs, m_outputs })
        connect(t, &QTableWidget::itemSelectionChanged, this, &SignatureBuilderDialog::updateButtons);
    auto group = [this](const QString& title, QTableWidget* table) {
        auto* box = new QGroupBox(title, this);
        auto* l = new QVBoxLayout(box);
        l->addWidget(table);
        return box;
    };
    auto* bound = new QHBoxLayout;
    bound->addWidget(group(tr("Inputs (placeholders)"), m_inputs));
    bound->addWidget(group(tr("Outputs"), m_outputs));
    m_key
        = new QLineEdit(QString::fromStdString(initial.key.empty() ? "serving_default" : initial.key), this);
    auto* form = new QFormLayout;
    form->addRow(tr("Signature key:"), m_key);

    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this);
    m_ok = buttons->button(QDialogButtonBox::Ok);
    connect(buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    auto* layout = new QVBoxLayout(this);
    layout->addWidget(new QLabel(tr("Tensors of %1 (placeholders in bold):")
                                     .arg(QString::fromStdString(m_graph->path().filename().string())),
        this));
    layout->addWidget(m_search);
    layout->addWidget(m_view, 2);
    layout->addLayout(addRow);
    layout->addWidget(m_reason);
    layout->addLayout(bound, 1);
    layout->addLayout(form);
    layout->addWidget(buttons);

    for (const auto& [list, asInput] : { std::pair { &initial.inputs, true }, { &initial.outputs, false } })
        for (const auto& b : *list) {
            const auto eq = b.find('=');
            if (eq == std::string::npos) continue;
            addBinding(asInput ? m_inputs : m_outputs, QString::fromStdString(b.substr(0, eq)),
                QString::fromStdString(b.substr(eq + 1)));
        }
    updateButtons();
    resize(fontMetrics().averageCharWidth() * 100, fontMetrics().lineSpacing() * 42);
}

QString SignatureBuilderDialog::defaultName(const QString& tensor)
{
    // "dense/BiasAdd:0" -> "BiasAdd": the node's last name part, the output index when it is not 0.
    const int colon = tensor.lastIndexOf(QLatin1Char(':'));
    QString node = colon > 0 ? tensor.left(colon) : tensor;
    const QString index = colon > 0 ? tensor.mid(colon + 1) : QStringLiteral("0");
    node = node.mid(node.lastIndexOf(QLatin1Char('/')) + 1);
    return index == QLatin1String("0") ? node : node + QLatin1Char('_') + index;
}

void SignatureBuilderDialog::setFilter(const QString& text)
{
    if (m_search->text() != text) m_search->setText(text);
    m_filter->setFilterFixedString(text);
    if (m_filter->rowCount() > 0 && !m_view->currentIndex().isValid())
        m_view->setCurrentIndex(m_filter->index(0, 0));
}

bool SignatureBuilderDialog::addTensor(const QString& tensor, bool asInput)
{
    auto t = m_graph->resolve(tensor.toStdString());
    if (!t) {
        m_reason->setText(QString::fromStdString(t.status().message()));
        m_reason->show();
        return false;
    }
    if (asInput && !t->placeholder) {
        m_reason->setText(tr("%1 is the output of a %2 op, not a placeholder: an input must be a tensor the "
                             "caller feeds.")
                              .arg(QString::fromStdString(t->name), QString::fromStdString(t->op)));
        m_reason->show();
        return false;
    }
    QTableWidget* table = asInput ? m_inputs : m_outputs;
    const QString name = QString::fromStdString(t->name);
    for (int r = 0; r < table->rowCount(); ++r)
        if (table->item(r, 1)->text() == name) return true; // already there
    // Names must be unique within inputs and within outputs: a suffix for a second "BiasAdd".
    QString key = defaultName(name);
    auto taken = [&](const QString& k) {
        for (int r = 0; r < table->rowCount(); ++r)
            if (table->item(r, 0)->text() == k) return true;
        return false;
    };
    for (int n = 2; taken(key); ++n)
        key = defaultName(name) + QLatin1Char('_') + QString::number(n);
    addBinding(table, key, name);
    m_reason->clear();
    m_reason->hide();
    updateButtons();
    return true;
}

void SignatureBuilderDialog::addSelected(bool asInput)
{
    const QModelIndex index = m_view->currentIndex();
    if (!index.isValid()) return;
    addTensor(index.siblingAtColumn(TensorColumn).data().toString(), asInput);
}

void SignatureBuilderDialog::removeSelected()
{
    for (auto* t : { m_inputs, m_outputs })
        if (const int r = t->currentRow(); r >= 0 && t->selectionModel()->hasSelection()) t->removeRow(r);
    updateButtons();
}

void SignatureBuilderDialog::updateButtons()
{
    const QModelIndex index = m_view->currentIndex();
    const bool placeholder = index.isValid() && index.siblingAtColumn(0).data(kPlaceholderRole).toBool();
    m_addInput->setEnabled(placeholder);
    m_addInput->setToolTip(placeholder ? QString() : tr("Only a placeholder can be a signature input"));
    m_addOutput->setEnabled(index.isValid());
    m_remove->setEnabled(
        m_inputs->selectionModel()->hasSelection() || m_outputs->selectionModel()->hasSelection());
    m_ok->setEnabled(m_outputs->rowCount() > 0);
}

io::Tf1SignatureSpec SignatureBuilderDialog::spec() const
{
    io::Tf1SignatureSpec s;
    s.key = m_key->text().trimmed().toStdString();
    s.inputs = bindings(m_inputs);
    s.outputs = bindings(m_outputs);
    return s;
}

} // namespace tscope::app
