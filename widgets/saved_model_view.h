// SavedModel pages: signatures per tag set (with a warning when there are none), the object graph,
// functions and ops, assets and fingerprint.
#pragma once

#include "io/artifact.h"

#include <QWidget>
#include <memory>

class QComboBox;
class QTabWidget;
class QTableView;
class QTextBrowser;
class QTreeView;

namespace tscope::model {
class ArtifactSession;
class ObjectGraphModel;
class SignatureTableModel;
} // namespace tscope::model

namespace tscope::ui {

class MessageBar;

class SavedModelView : public QWidget {
    Q_OBJECT
public:
    explicit SavedModelView(QWidget* parent = nullptr);
    // Shows whatever `session` has open, following its opened/failed/closed signals.
    void setSession(model::ArtifactSession* session);
    void setArtifact(std::shared_ptr<const io::Artifact> artifact);

    QTableView* signatureTable() const { return m_signatures; }
    model::SignatureTableModel* signatureModel() const { return m_signatureModel; }
    MessageBar* banner() const { return m_banner; }
    QComboBox* tagSets() const { return m_tagSets; }
    QTextBrowser* details() const { return m_details; } // functions (with signatures), ops, assets

private:
    void showMetaGraph(int index);
    std::shared_ptr<const io::Artifact> m_artifact;
    QComboBox* m_tagSets;
    MessageBar* m_banner;
    QTabWidget* m_tabs;
    QTableView* m_signatures;
    model::SignatureTableModel* m_signatureModel;
    QTreeView* m_objects;
    model::ObjectGraphModel* m_objectModel;
    QTextBrowser* m_details;
};

} // namespace tscope::ui
