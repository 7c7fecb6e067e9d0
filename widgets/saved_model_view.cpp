#include "widgets/saved_model_view.h"

#include "model/items/object_graph_model.h"
#include "model/items/signature_table_model.h"
#include "model/items/variable_tree_model.h"
#include "model/session/artifact_session.h"
#include "widgets/message_bar.h"
#include "widgets/table_export.h"

#include <QComboBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QTabWidget>
#include <QTableView>
#include <QTextBrowser>
#include <QTreeView>
#include <QVBoxLayout>

namespace tscope::ui {

SavedModelView::SavedModelView(QWidget* parent)
    : QWidget(parent)
{
    m_tagSets = new QComboBox(this);
    m_tagSets->setToolTip(tr("Meta graphs of this SavedModel, by tag set"));
    m_banner = new MessageBar(this);
    m_signatureModel = new model::SignatureTableModel(this);
    m_signatures = new QTableView(this);
    m_signatures->setModel(m_signatureModel);
    addTableExportActions(m_signatures, QStringLiteral("signatures"));
    m_signatures->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_signatures->verticalHeader()->hide();
    m_signatures->horizontalHeader()->setStretchLastSection(true);
    // Never cut a tensor name or "Graph tensor": columns fit their text, the table scrolls sideways.
    m_signatures->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    m_signatures->setAlternatingRowColors(true);
    m_signatures->setWordWrap(false);
    m_objectModel = new model::ObjectGraphModel(this);
    m_objects = new QTreeView(this);
    m_objects->setModel(m_objectModel);
    m_objects->setUniformRowHeights(true);
    m_details = new QTextBrowser(this);

    m_tabs = new QTabWidget(this);
    m_tabs->addTab(m_signatures, tr("Signatures"));
    m_tabs->addTab(m_objects, tr("Object graph"));
    m_tabs->addTab(m_details, tr("Functions, ops && assets"));

    auto* top = new QHBoxLayout;
    top->addWidget(new QLabel(tr("Tag set:"), this));
    top->addWidget(m_tagSets, 1);
    auto* layout = new QVBoxLayout(this);
    layout->addLayout(top);
    layout->addWidget(m_banner);
    layout->addWidget(m_tabs, 1);
    connect(m_tagSets, &QComboBox::currentIndexChanged, this, &SavedModelView::showMetaGraph);
}

void SavedModelView::setSession(model::ArtifactSession* session)
{
    auto follow = [this, session] { setArtifact(session->artifact()); };
    connect(session, &model::ArtifactSession::opened, this, follow);
    connect(session, &model::ArtifactSession::failed, this, follow);
    connect(session, &model::ArtifactSession::closed, this, follow);
    follow();
}

void SavedModelView::setArtifact(std::shared_ptr<const io::Artifact> artifact)
{
    m_artifact = std::move(artifact);
    m_tagSets->blockSignals(true);
    m_tagSets->clear();
    if (m_artifact && m_artifact->savedModel)
        for (const auto& mg : m_artifact->savedModel->metaGraphs) {
            QStringList tags;
            for (const auto& t : mg.tags)
                tags << QString::fromStdString(t);
            m_tagSets->addItem(
                QStringLiteral("{%1}").arg(tags.isEmpty() ? tr("no tags") : tags.join(QStringLiteral(", "))));
        }
    m_tagSets->blockSignals(false);
    showMetaGraph(m_tagSets->count() ? 0 : -1);
}

void SavedModelView::showMetaGraph(int index)
{
    const io::MetaGraphInfo* mg = nullptr;
    if (m_artifact && m_artifact->savedModel && index >= 0
        && index < static_cast<int>(m_artifact->savedModel->metaGraphs.size()))
        mg = &m_artifact->savedModel->metaGraphs[static_cast<size_t>(index)];
    m_signatureModel->setMetaGraph(mg);
    m_signatures->resizeColumnsToContents();
    m_objectModel->setMetaGraph(mg);
    m_objects->expandToDepth(0);
    m_objects->header()->resizeSections(QHeaderView::ResizeToContents);
    m_banner->hide();
    m_details->clear();
    if (!mg) return;
    int serving = 0;
    for (const auto& s : mg->signatures)
        serving += s.key.starts_with("__") ? 0 : 1;
    if (serving == 0)
        m_banner->showMessage(MessageBar::Kind::Warning,
            tr("This meta graph has no signatures. TensorFlow Serving and saved_model_cli cannot call it; "
               "export it with signatures (tf.saved_model.save(..., signatures=...)) if it is meant for "
               "serving."));

    auto esc = [](const std::string& s) { return QString::fromStdString(s).toHtmlEscaped(); };
    QString h;
    h += tr("<h3>Meta graph</h3><p>TensorFlow %1 (%2)<br>%3 nodes, %4 distinct ops, %5 functions")
             .arg(mg->tensorflowVersion.empty() ? tr("unknown") : esc(mg->tensorflowVersion),
                 mg->tensorflowGitVersion.empty() ? tr("no git version") : esc(mg->tensorflowGitVersion))
             .arg(model::formatCount(mg->nodeCount))
             .arg(mg->opCounts.size())
             .arg(mg->functionCount);
    if (mg->hasObjectGraph)
        h += tr(", %1 objects, %2 concrete functions").arg(mg->objects.size()).arg(mg->concreteFunctionCount);
    h += QStringLiteral("</p>");
    const auto& sm = *m_artifact->savedModel;
    h += tr("<h3>Files</h3><p>%1%2<br>fingerprint.pb: %3<br>keras_metadata.pb: %4<br>variables: %5</p>")
             .arg(esc(sm.file.string()), sm.textFormat ? tr(" (text format)") : QString())
             .arg(sm.fingerprint
                     ? tr("saved_model_checksum %1, checkpoint_hash %2%3")
                           .arg(sm.fingerprint->savedModelChecksum)
                           .arg(sm.fingerprint->checkpointHash)
                           .arg(sm.fingerprint->uuid.empty() ? QString()
                                                             : tr(", uuid %1").arg(esc(sm.fingerprint->uuid)))
                     : tr("absent"))
             .arg(sm.hasKerasMetadata ? tr("present") : tr("absent"))
             .arg(sm.hasVariables ? tr("present") : tr("none (program-only model)"));
    h += tr("<h3>Assets</h3>");
    if (mg->assets.empty())
        h += tr("<p>none</p>");
    else {
        h += QStringLiteral("<ul>");
        for (const auto& a : mg->assets)
            h += QStringLiteral("<li><tt>%1</tt> %2</li>")
                     .arg(esc(a.filename), a.exists ? QString() : tr("<font color='red'>(missing)</font>"));
        h += QStringLiteral("</ul>");
    }
    // Functions of the object graph with each concrete signature, as saved_model_cli show --all lists
    // them ("Callable with"): the path, then one line per signature.
    if (mg->hasObjectGraph) {
        QString fh;
        int functions = 0;
        for (const auto& n : mg->objects) {
            if ((n.kind != "function" && n.kind != "bare_concrete_function") || n.path.empty()) continue;
            ++functions;
            fh += QStringLiteral("<p><b><tt>%1</tt></b>").arg(esc(n.path));
            if (n.functionSignatures.empty()) fh += tr(" — no traced signature");
            int option = 0;
            for (const auto& sig : n.functionSignatures)
                fh += QStringLiteral("<br>&nbsp;&nbsp;%1 <tt>%2%3</tt>")
                          .arg(tr("option %1:").arg(++option), esc(n.path), esc(sig));
            fh += QStringLiteral("</p>");
        }
        h += tr("<h3>Functions (%1)</h3>").arg(functions) + (functions ? fh : tr("<p>none</p>"));
    }
    std::vector<std::pair<uint64_t, std::string>> ops;
    for (const auto& [op, n] : mg->opCounts)
        ops.push_back({ n, op });
    std::sort(ops.rbegin(), ops.rend());
    h += tr("<h3>Ops by use</h3><table cellspacing='4'>");
    for (const auto& [n, op] : ops)
        h += QStringLiteral("<tr><td><tt>%1</tt></td><td align='right'>%2</td></tr>").arg(esc(op)).arg(n);
    h += QStringLiteral("</table>");
    m_details->setHtml(h);
}

} // namespace tscope::ui
