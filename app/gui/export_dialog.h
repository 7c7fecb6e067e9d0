// File > Export…: what to export (the whole checkpoint as .npz, .safetensors, a smaller checkpoint
// without optimizer state or a SavedModel with a template, or the selected tensor as .npy/.csv), names,
// output file, whether to replace it and whether to wait for the disk (fsync, remembered in the settings).
// For a SavedModel the mapping report (matched, kept, missing, mismatched, fallbacks and how each was
// matched) is shown before anything is written, and a refusing mapping disables Export. With a TF1 `.meta`
// graph instead of a template, the signature is built in the signature builder (placeholders as inputs, any
// op outputs as outputs) and the report shows it with the saver's keys. The export itself runs as a session
// job (status bar progress, Cancel) through io::runExport, the same code as `tensorscope-cli export`.
#pragma once

#include "io/artifact.h"
#include "io/atomic_file.h"
#include "io/export/export_request.h"

#include <QDialog>
#include <memory>

class QCheckBox;
class QComboBox;
class QLineEdit;
class QLabel;
class QPlainTextEdit;
class QPushButton;

namespace tscope::model {
class ArtifactSession;
}

namespace tscope::app {

class ExportDialog : public QDialog {
    Q_OBJECT
public:
    // `tensorKey`: the selected tensor's checkpoint key, empty when none (the tensor choices are disabled).
    ExportDialog(
        std::shared_ptr<const io::Artifact> artifact, const QString& tensorKey, QWidget* parent = nullptr);

    io::ExportRequest request() const;
    // Chooses "SavedModel (with a template)" with `templateDir` and shows its mapping (screenshots, tests).
    void chooseSavedModel(const QString& templateDir);
    bool replaceExisting() const;
    // Renamed (the default) or Durable: "Flush to disk before finishing", as the CLI's --sync.
    io::Durability durability() const;
    // Chooses the SavedModel export from a TF1 `.meta` graph with `signature` (screenshots, tests).
    void chooseTf1(const QString& meta, const io::Tf1SignatureSpec& signature);

private:
    void updateFields();
    void browse();
    void browseTemplate();
    void browseMeta();
    void buildSignature(); // opens the signature builder on the .meta graph
    void showTf1Plan(); // TF1: the signature and the saver's keys against the checkpoint
    void updateMapping(); // SavedModel: plans the mapping (indexes and object graphs only) and shows it
    io::ExportFormat format() const;

    std::shared_ptr<const io::Artifact> m_artifact;
    QString m_tensorKey;
    QComboBox* m_what = nullptr;
    QComboBox* m_names = nullptr;
    QCheckBox* m_skip = nullptr;
    QLineEdit* m_slice = nullptr;
    QLineEdit* m_out = nullptr;
    QCheckBox* m_replace = nullptr;
    QCheckBox* m_sync = nullptr;
    QLabel* m_note = nullptr;
    QLineEdit* m_template = nullptr;
    QPushButton* m_templateBrowse = nullptr;
    QCheckBox* m_acceptFallback = nullptr;
    QLineEdit* m_meta = nullptr;
    QPushButton* m_metaBrowse = nullptr;
    QPushButton* m_signatureButton = nullptr;
    io::Tf1SignatureSpec m_signature;
    QLabel* m_mappingSummary = nullptr;
    QPlainTextEdit* m_mapping = nullptr;
    bool m_refused = false;
    QPushButton* m_export = nullptr;
};

// Shows the dialog for the session's open artifact and, when confirmed, runs the export as a session job;
// the outcome is reported in a message box.
void exportFromSession(QWidget* parent, model::ArtifactSession* session, const QString& tensorKey);

} // namespace tscope::app
