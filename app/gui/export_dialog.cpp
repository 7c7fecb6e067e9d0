#include "app/gui/export_dialog.h"

#include "app/gui/settings.h"
#include "app/gui/signature_builder_dialog.h"
#include "io/atomic_file.h"
#include "model/session/artifact_session.h"
#include "model/session/job_runner.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDialogButtonBox>
#include <QDir>
#include <QFileDialog>
#include <QFileInfo>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QLocale>
#include <QMessageBox>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QScreen>
#include <QVBoxLayout>
#include <algorithm>

namespace tscope::app {
namespace {

struct Choice {
    const char* label;
    io::ExportFormat format;
    bool stripOptimizer;
    const char* suffix;
    const char* filter;
};

const Choice kChoices[] = {
    { QT_TRANSLATE_NOOP("ExportDialog", "Whole checkpoint as .npz (numpy)"), io::ExportFormat::Npz, false,
        ".npz", QT_TRANSLATE_NOOP("ExportDialog", "numpy archive (*.npz)") },
    { QT_TRANSLATE_NOOP("ExportDialog", "Whole checkpoint as .safetensors"), io::ExportFormat::Safetensors,
        false, ".safetensors", QT_TRANSLATE_NOOP("ExportDialog", "safetensors (*.safetensors)") },
    { QT_TRANSLATE_NOOP("ExportDialog", "Smaller checkpoint without optimizer state"),
        io::ExportFormat::Checkpoint, true, ".index",
        QT_TRANSLATE_NOOP("ExportDialog", "checkpoint index (*.index)") },
    { QT_TRANSLATE_NOOP("ExportDialog", "SavedModel (with a template or a TF1 .meta graph)…"),
        io::ExportFormat::SavedModel, false, "-savedmodel",
        QT_TRANSLATE_NOOP("ExportDialog", "SavedModel directory") },
    { QT_TRANSLATE_NOOP("ExportDialog", "Selected tensor as .npy"), io::ExportFormat::Npy, false, ".npy",
        QT_TRANSLATE_NOOP("ExportDialog", "numpy array (*.npy)") },
    { QT_TRANSLATE_NOOP("ExportDialog", "Selected tensor as .csv"), io::ExportFormat::Csv, false, ".csv",
        QT_TRANSLATE_NOOP("ExportDialog", "CSV (*.csv)") },
};

bool isTensorFormat(io::ExportFormat f)
{
    return f == io::ExportFormat::Npy || f == io::ExportFormat::Csv;
}

// "Placeholder, float32[-1,4]", or "Placeholder, float32, unknown shape" when the graph states none: no
// parentheses nested inside the line's own.
QString opAndType(const io::GraphTensor& t)
{
    const QString type = t.shape
        ? QString::fromStdString(t.typeText())
        : QString::fromStdString(t.dtypeText()) + ExportDialog::tr(", unknown shape");
    return QString::fromStdString(t.op) + QStringLiteral(", ") + type;
}

// What a finished export job hands back to the window.
struct Outcome {
    io::Status status;
    io::ExportResult result;
};

} // namespace

ExportDialog::ExportDialog(
    std::shared_ptr<const io::Artifact> artifact, const QString& tensorKey, QWidget* parent)
    : QDialog(parent)
    , m_artifact(std::move(artifact))
    , m_tensorKey(tensorKey)
{
    setWindowTitle(tr("Export"));
    m_what = new QComboBox(this);
    for (const auto& c : kChoices)
        m_what->addItem(tr(c.label));
    if (m_tensorKey.isEmpty())
        for (int i = 0; i < m_what->count(); ++i)
            if (isTensorFormat(kChoices[i].format))
                m_what->setItemData(i, 0, Qt::UserRole - 1); // disabled: no tensor selected
    m_names = new QComboBox(this);
    m_names->addItem(tr("Checkpoint keys"));
    m_names->addItem(tr("Object paths"));
    m_skip = new QCheckBox(tr("Leave out tensors the format cannot hold"), this);
    m_skip->setChecked(true);
    m_slice = new QLineEdit(this);
    m_slice->setPlaceholderText(tr("all, or numpy-style, e.g. 0,:,3:5"));
    m_out = new QLineEdit(this);
    auto* browse = new QPushButton(tr("Browse…"), this);
    connect(browse, &QPushButton::clicked, this, &ExportDialog::browse);
    auto* outRow = new QHBoxLayout;
    outRow->addWidget(m_out, 1);
    outRow->addWidget(browse);
    m_replace = new QCheckBox(tr("Replace an existing file"), this);
    m_sync = new QCheckBox(tr("Flush to disk before finishing (survives a power cut; slower)"), this);
    m_sync->setChecked(Settings().exportSyncToDisk());
    // One short line, not word-wrapped: a wrapped label in the form got clipped when the dialog grew taller.
    auto* syncNote = new QLabel(
        tr("Off: safe if Tensorscope crashes; the system writes it to disk within ~30 s."), this);
    syncNote->setForegroundRole(QPalette::PlaceholderText);
    m_template = new QLineEdit(this);
    m_template->setPlaceholderText(tr("a SavedModel of the same model (its graph, signatures, assets)"));
    m_templateBrowse = new QPushButton(tr("Browse…"), this);
    connect(m_templateBrowse, &QPushButton::clicked, this, &ExportDialog::browseTemplate);
    auto* templateRow = new QHBoxLayout;
    templateRow->addWidget(m_template, 1);
    templateRow->addWidget(m_templateBrowse);
    m_acceptFallback = new QCheckBox(tr("Accept variables matched by name only"), this);
    m_meta = new QLineEdit(this);
    m_meta->setPlaceholderText(tr("or, for a TF1 checkpoint, its .meta graph (the computation)"));
    m_metaBrowse = new QPushButton(tr("Browse…"), this);
    connect(m_metaBrowse, &QPushButton::clicked, this, &ExportDialog::browseMeta);
    m_signatureButton = new QPushButton(tr("Signature…"), this);
    connect(m_signatureButton, &QPushButton::clicked, this, &ExportDialog::buildSignature);
    auto* metaRow = new QHBoxLayout;
    metaRow->addWidget(m_meta, 1);
    metaRow->addWidget(m_metaBrowse);
    metaRow->addWidget(m_signatureButton);
    m_mappingSummary = new QLabel(this);
    m_mappingSummary->setWordWrap(true);
    m_mapping = new QPlainTextEdit(this);
    m_mapping->setReadOnly(true);
    m_mapping->setLineWrapMode(QPlainTextEdit::NoWrap);
    m_mapping->setMinimumHeight(m_mapping->fontMetrics().lineSpacing() * 8); // enough rows at any scale
    m_mapping->setPlaceholderText(tr("The mapping of the template's variables appears here."));
    m_note = new QLabel(this);
    m_note->setWordWrap(true);
    m_note->setForegroundRole(QPalette::PlaceholderText);

    auto* form = new QFormLayout;
    form->addRow(tr("Export:"), m_what);
    form->addRow(
        tr("Tensor:"), new QLabel(m_tensorKey.isEmpty() ? tr("(none selected)") : m_tensorKey, this));
    form->addRow(tr("Names:"), m_names);
    form->addRow(QString(), m_skip);
    form->addRow(tr("Slice:"), m_slice);
    form->addRow(tr("Template:"), templateRow);
    form->addRow(QString(), m_acceptFallback);
    form->addRow(tr("Graph:"), metaRow);
    form->addRow(tr("Save as:"), outRow);
    form->addRow(QString(), m_replace);
    form->addRow(QString(), m_sync);
    form->addRow(QString(), syncNote);
    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Cancel, this);
    m_export = buttons->addButton(tr("Export"), QDialogButtonBox::AcceptRole);
    connect(buttons, &QDialogButtonBox::accepted, this, [this] {
        Settings().setExportSyncToDisk(m_sync->isChecked()); // the choice stays for the next export
        accept();
    });
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    auto* layout = new QVBoxLayout(this);
    layout->addLayout(form);
    layout->addWidget(m_note);
    layout->addWidget(m_mappingSummary);
    layout->addWidget(m_mapping, 1);
    layout->addWidget(buttons);

    connect(m_what, &QComboBox::currentIndexChanged, this, &ExportDialog::updateFields);
    connect(m_out, &QLineEdit::textChanged, this,
        [this] { m_export->setEnabled(!m_out->text().isEmpty() && !m_refused); });
    connect(m_template, &QLineEdit::editingFinished, this, &ExportDialog::updateMapping);
    connect(m_acceptFallback, &QCheckBox::toggled, this, &ExportDialog::updateMapping);
    connect(m_meta, &QLineEdit::editingFinished, this, &ExportDialog::updateMapping);
    // One computation: a template (TF2) or a .meta graph (TF1); typing one clears the other.
    connect(m_template, &QLineEdit::textEdited, m_meta, &QLineEdit::clear);
    connect(m_meta, &QLineEdit::textEdited, m_template, &QLineEdit::clear);
    updateFields();
    setMinimumWidth(560);
}

io::ExportFormat ExportDialog::format() const
{
    return kChoices[std::max(0, m_what->currentIndex())].format;
}

void ExportDialog::updateFields()
{
    const auto& c = kChoices[std::max(0, m_what->currentIndex())];
    const bool archive = c.format == io::ExportFormat::Npz || c.format == io::ExportFormat::Safetensors;
    m_names->setEnabled(archive);
    m_skip->setEnabled(archive);
    m_slice->setEnabled(isTensorFormat(c.format));
    const bool savedModel = c.format == io::ExportFormat::SavedModel;
    m_template->setEnabled(savedModel);
    m_templateBrowse->setEnabled(savedModel);
    m_acceptFallback->setEnabled(savedModel);
    m_meta->setEnabled(savedModel);
    m_metaBrowse->setEnabled(savedModel);
    m_signatureButton->setEnabled(savedModel && !m_meta->text().trimmed().isEmpty());
    if (savedModel && m_meta->text().isEmpty() && m_template->text().isEmpty() && m_artifact->bundle) {
        // A TF1 Saver writes <prefix>.meta beside the checkpoint: offered, the user builds the signature.
        const QString meta = QString::fromStdString(m_artifact->bundle->prefix().string() + ".meta");
        if (QFileInfo(meta).isFile()) m_meta->setText(meta);
    }
    m_mapping->setVisible(savedModel);
    m_mappingSummary->setVisible(savedModel);
    if (savedModel) {
        // Mapping lines pair two checkpoint keys: room for ~130 characters, within the screen.
        const int wanted = m_mapping->fontMetrics().averageCharWidth() * 130;
        const QScreen* s = screen();
        const int room = s ? s->availableGeometry().width() * 9 / 10 : wanted;
        if (width() < std::min(wanted, room)) resize(std::min(wanted, room), height());
    }
    // A default output next to the input, named after it.
    const QFileInfo input(
        QString::fromStdString(m_artifact->bundle ? m_artifact->bundle->prefix().string() : ""));
    const QString base
        = input.dir().filePath(input.fileName() + (c.format == io::ExportFormat::Checkpoint ? "-small" : ""));
    m_out->setText(c.format == io::ExportFormat::Checkpoint ? base : base + QString::fromLatin1(c.suffix));
    switch (c.format) {
    case io::ExportFormat::Npz:
        m_note->setText(
            tr("numpy has no bfloat16 or float8 dtype: such tensors are left out, or, without the "
               "option above, the export is refused."));
        break;
    case io::ExportFormat::Safetensors:
        m_note->setText(tr("bfloat16 stays BF16, float8 becomes F8_E4M3/F8_E5M2; strings and complex tensors "
                           "are left out, or, without the option above, the export is refused."));
        break;
    case io::ExportFormat::Checkpoint:
        m_note->setText(tr("Writes <prefix>.index and its data files; the object graph is rewritten so "
                           "TensorFlow restores the model from it."));
        break;
    case io::ExportFormat::SavedModel:
        m_note->setText(
            tr("A new SavedModel directory: the template's graph, signatures and assets (or the TF1 "
               ".meta graph with the signature you build, tag serve) with this checkpoint's values. "
               "Missing or mismatched variables refuse the export; fingerprint.pb is computed as "
               "TensorFlow computes it (or left out, with the reason, where that is not possible)."));
        break;
    default:
        m_note->setText(tr("The selected tensor, or the slice of it."));
    }
    updateMapping();
}

void ExportDialog::chooseSavedModel(const QString& templateDir)
{
    m_meta->clear();
    m_template->setText(templateDir);
    for (int i = 0; i < m_what->count(); ++i)
        if (kChoices[i].format == io::ExportFormat::SavedModel) m_what->setCurrentIndex(i);
    updateMapping();
}

void ExportDialog::browseTemplate()
{
    const QString dir
        = QFileDialog::getExistingDirectory(this, tr("Template SavedModel"), m_template->text());
    if (dir.isEmpty()) return;
    m_template->setText(dir);
    updateMapping();
}

void ExportDialog::chooseTf1(const QString& meta, const io::Tf1SignatureSpec& signature)
{
    m_template->clear();
    m_meta->setText(meta);
    m_signature = signature;
    for (int i = 0; i < m_what->count(); ++i)
        if (kChoices[i].format == io::ExportFormat::SavedModel) m_what->setCurrentIndex(i);
    updateMapping();
}

void ExportDialog::browseMeta()
{
    const QString path = QFileDialog::getOpenFileName(
        this, tr("TF1 Graph"), m_meta->text(), tr("TF1 MetaGraph (*.meta);;All files (*)"));
    if (path.isEmpty()) return;
    m_meta->setText(path);
    m_template->clear();
    buildSignature();
}

void ExportDialog::buildSignature()
{
    auto graph = io::Tf1Graph::open(m_meta->text().trimmed().toStdString());
    if (!graph) {
        QMessageBox::warning(this, tr("Export"), QString::fromStdString(graph.status().toString()));
        return;
    }
    SignatureBuilderDialog builder(*graph, m_signature, this);
    if (builder.exec() == QDialog::Accepted) m_signature = builder.spec();
    updateMapping();
}

void ExportDialog::showTf1Plan()
{
    m_refused = true;
    auto graph = io::Tf1Graph::open(m_meta->text().trimmed().toStdString());
    if (!graph) {
        m_mappingSummary->clear();
        m_mapping->setPlainText(QString::fromStdString(graph.status().toString()));
        return;
    }
    if (m_signature.outputs.empty()) {
        m_mappingSummary->setText(tr("TF1 graph: choose the signature's inputs and outputs (Signature…)."));
        m_mapping->clear();
        return;
    }
    io::Tf1ExportPlan plan;
    if (io::Status s = io::planTf1Export(*m_artifact->bundle, **graph, m_signature, plan); !s.isOk()) {
        m_mappingSummary->setText(tr("The signature cannot be built:"));
        m_mapping->setPlainText(QString::fromStdString(s.toString()));
        return;
    }
    m_refused = plan.refused();
    m_mappingSummary->setText(
        tr("Signature %1 (tag serve): %2 inputs, %3 outputs; the graph's saver restores "
           "%4 checkpoint keys, %5 of them missing.")
            .arg(QString::fromStdString(plan.signatureKey))
            .arg(plan.inputs.size())
            .arg(plan.outputs.size())
            .arg(plan.restoredKeys.size())
            .arg(plan.missing.size()));
    QString text;
    if (m_refused) text += tr("Refused:\n") + QString::fromStdString(plan.refusalText());
    for (const auto& [what, list] :
        { std::pair { tr("input"), &plan.inputs }, std::pair { tr("output"), &plan.outputs } })
        for (const auto& t : *list)
            text += QStringLiteral("%1  %2  =  %3  (%4)\n")
                        .arg(what, QString::fromStdString(t.key), QString::fromStdString(t.tensor.name),
                            opAndType(t.tensor));
    m_mapping->setPlainText(text);
}

void ExportDialog::updateMapping()
{
    m_refused = false;
    const bool tf1 = format() == io::ExportFormat::SavedModel && !m_meta->text().trimmed().isEmpty();
    m_signatureButton->setEnabled(tf1);
    m_acceptFallback->setEnabled(
        format() == io::ExportFormat::SavedModel && !tf1); // a template's mapping only
    if (format() == io::ExportFormat::SavedModel && !m_meta->text().trimmed().isEmpty()) {
        showTf1Plan();
    } else if (format() == io::ExportFormat::SavedModel) {
        m_refused = true; // until a template maps
        m_mappingSummary->clear();
        if (m_template->text().trimmed().isEmpty()) {
            m_mapping->clear();
        } else if (auto plan = io::planSavedModelRequest(*m_artifact, request()); !plan) {
            m_mapping->setPlainText(QString::fromStdString(plan.status().toString()));
        } else {
            m_refused = plan->refused();
            QString text
                = tr("%1 matched, %2 kept from the template, %3 missing, %4 mismatched, %5 by name only "
                     "(fallbacks); %6 checkpoint tensors not needed.\n")
                      .arg(plan->matched.size())
                      .arg(plan->kept.size())
                      .arg(plan->missing.size())
                      .arg(plan->mismatched.size())
                      .arg(plan->fallback.size())
                      .arg(plan->unused.size());
            m_mappingSummary->setText(text.trimmed());
            text.clear();
            if (m_refused) text += tr("Refused:\n") + QString::fromStdString(plan->refusalText());
            auto line = [&](const char* what, const io::SavedModelVariable& v) {
                text += QStringLiteral("%1  %2  <-  %3  (%4)\n")
                            .arg(tr(what), QString::fromStdString(v.templateKey),
                                v.checkpointKey.empty() ? tr("(none)")
                                                        : QString::fromStdString(v.checkpointKey),
                                QString::fromStdString(v.method.empty() ? v.templateType : v.method));
            };
            for (const auto& v : plan->mismatched)
                line(QT_TR_NOOP("mismatched"), v);
            for (const auto& v : plan->missing)
                line(QT_TR_NOOP("missing"), v);
            for (const auto& v : plan->matched)
                line(QT_TR_NOOP("matched"), v);
            for (const auto& v : plan->kept)
                line(QT_TR_NOOP("kept"), v);
            m_mapping->setPlainText(text);
        }
    }
    m_export->setEnabled(!m_out->text().isEmpty() && !m_refused);
}

void ExportDialog::browse()
{
    const auto& c = kChoices[std::max(0, m_what->currentIndex())];
    QString path = QFileDialog::getSaveFileName(this, tr("Export"), m_out->text(), tr(c.filter), nullptr,
        QFileDialog::DontConfirmOverwrite); // "Replace an existing file" decides
    if (path.isEmpty()) return;
    if (c.format == io::ExportFormat::Checkpoint && path.endsWith(QLatin1String(".index"))) path.chop(6);
    m_out->setText(path);
}

io::ExportRequest ExportDialog::request() const
{
    io::ExportRequest r;
    const auto& c = kChoices[std::max(0, m_what->currentIndex())];
    r.format = c.format;
    r.out = m_out->text().toStdString();
    r.variable = m_tensorKey.toStdString();
    r.slice = m_slice->text().trimmed().toStdString();
    r.names = m_names->currentIndex() == 1 ? io::ExportNames::Path : io::ExportNames::Key;
    r.skipUnsupported = m_skip->isChecked();
    r.subset.stripOptimizer = c.stripOptimizer;
    r.templatePath = m_template->text().trimmed().toStdString();
    r.acceptFallback = m_acceptFallback->isChecked();
    r.metaPath = m_meta->text().trimmed().toStdString();
    if (!r.metaPath.empty()) {
        r.templatePath.clear(); // the .meta graph is the computation
        r.signature = m_signature;
    }
    return r;
}

bool ExportDialog::replaceExisting() const
{
    return m_replace->isChecked();
}

io::Durability ExportDialog::durability() const
{
    return m_sync->isChecked() ? io::Durability::Durable : io::Durability::Renamed;
}

void exportFromSession(QWidget* parent, model::ArtifactSession* session, const QString& tensorKey)
{
    auto artifact = session->artifact();
    if (!artifact || !artifact->bundle) return;
    ExportDialog dialog(artifact, tensorKey, parent);
    if (dialog.exec() != QDialog::Accepted) return;
    const io::ExportRequest request = dialog.request();
    const bool replace = dialog.replaceExisting();
    const io::Durability durability = dialog.durability();
    if (io::Status s = io::checkExportOutputs(request, *artifact->bundle, replace); !s.isOk()) {
        QMessageBox::warning(parent, QObject::tr("Export"), QString::fromStdString(s.toString()));
        return;
    }
    const QString out = QDir::toNativeSeparators(QString::fromStdString(request.out.string()));
    session->jobs().runWithProgress<Outcome>(
        QStringLiteral("export"), QObject::tr("Exporting"), parent,
        [artifact, request, replace, durability](
            const io::CancelToken& token, const io::ProgressFn& progress) {
            io::removeStaleTemporaries(request.out.parent_path());
            io::ExportOptions options;
            options.replaceExisting = replace;
            options.durability = durability;
            options.cancel = &token;
            options.progress = progress;
            Outcome o;
            o.status = io::runExport(*artifact, request, options, o.result);
            return o;
        },
        [parent, out](Outcome o) {
            if (o.status.code() == io::ErrorCode::Cancelled) return;
            if (!o.status.isOk()) {
                QMessageBox::warning(parent, QObject::tr("Export"),
                    QObject::tr("%1 was not written: %2")
                        .arg(out, QString::fromStdString(o.status.toString())));
                return;
            }
            QString text = QObject::tr("Wrote %1: %2 tensors, %3.")
                               .arg(out)
                               .arg(o.result.tensors)
                               .arg(QLocale().formattedDataSize(static_cast<qint64>(o.result.bytes)));
            if (!o.result.skipped.empty())
                text += QObject::tr("\nLeft out %1 tensors the format cannot hold.")
                            .arg(o.result.skipped.size());
            for (const auto& f : o.result.leftOut) // fingerprint.pb: said, not silently missing
                text += QObject::tr("\n%1 left out: %2")
                            .arg(QString::fromStdString(f.file), QString::fromStdString(f.reason));
            QMessageBox::information(parent, QObject::tr("Export"), text);
        });
}

} // namespace tscope::app
