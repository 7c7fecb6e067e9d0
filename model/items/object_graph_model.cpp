#include "model/items/object_graph_model.h"

#include "io/object_graph_walk.h"

namespace tscope::model {

ObjectGraphModel::ObjectGraphModel(QObject* parent)
    : QStandardItemModel(parent)
{
    setMetaGraph(nullptr);
}

void ObjectGraphModel::setMetaGraph(const io::MetaGraphInfo* mg)
{
    clear();
    setHorizontalHeaderLabels({ tr("Object"), tr("Kind"), tr("Details") });
    if (!mg || !mg->hasObjectGraph || mg->objects.empty()) return;
    const auto& objects = mg->objects;
    const int n = static_cast<int>(objects.size());
    std::vector<QStandardItem*> itemOf(static_cast<size_t>(n), nullptr);
    auto makeRow = [&](const QString& name, const io::ObjectNodeInfo& o) {
        QList<QStandardItem*> row;
        auto* nameItem = new QStandardItem(name);
        nameItem->setToolTip(QString::fromStdString(o.path));
        QString detail = QString::fromStdString(o.identifier);
        if (!o.detail.empty())
            detail
                += (detail.isEmpty() ? QString() : QStringLiteral("  ")) + QString::fromStdString(o.detail);
        row << nameItem << new QStandardItem(QString::fromStdString(o.kind)) << new QStandardItem(detail);
        for (auto* item : row)
            item->setEditable(false);
        for (const auto& sig : o.functionSignatures) {
            auto* s = new QStandardItem(QString::fromStdString(sig));
            s->setEditable(false);
            s->setToolTip(QString::fromStdString(sig));
            nameItem->appendRow({ s, new QStandardItem(tr("signature")), new QStandardItem() });
        }
        return row;
    };
    auto rootRow = makeRow(QStringLiteral("root"), objects[0]);
    invisibleRootItem()->appendRow(rootRow);
    itemOf[0] = rootRow[0];
    const auto walk = io::walkBreadthFirst(n, [&](int id, const io::ChildVisitor& visit) {
        for (const auto& [name, child] : objects[static_cast<size_t>(id)].children)
            visit(child, name);
    });
    for (int id : walk.order) {
        if (id == 0) continue;
        const auto i = static_cast<size_t>(id);
        auto row = makeRow(
            QString::fromUtf8(walk.edgeName[i].data(), static_cast<qsizetype>(walk.edgeName[i].size())),
            objects[i]);
        itemOf[static_cast<size_t>(walk.parent[i])]->appendRow(row);
        itemOf[i] = row[0];
    }
}

} // namespace tscope::model
