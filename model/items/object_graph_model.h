// The SavedModel's object graph as a tree (each object under its first breadth-first parent) with
// kind, identifier and, for functions, their input signatures as child rows.
#pragma once

#include "io/saved_model_reader.h"

#include <QStandardItemModel>

namespace tscope::model {

class ObjectGraphModel : public QStandardItemModel {
    Q_OBJECT
public:
    enum Column { NameColumn, KindColumn, DetailColumn, ColumnCount };
    explicit ObjectGraphModel(QObject* parent = nullptr);
    void setMetaGraph(const io::MetaGraphInfo* metaGraph);
};

} // namespace tscope::model
