// How files opened together (a double-click on several files, the command line, a hand-over from a second
// start) become artifacts: files naming the same artifact (an .index and its own data shard, the
// `checkpoint` state file and the latest checkpoint) open it once.
#pragma once

#include <QString>
#include <QStringList>
#include <vector>

namespace tscope::app {

// One artifact to open: `path` is what the window opens (the first file given for it), `files` every
// file given that names it, in the order given.
struct PlannedArtifact {
    QString path;
    QStringList files;
};

// What a set of files opens, artifacts in the order their first file was given. Files no artifact is
// found for stay their own entry, so their window shows why.
std::vector<PlannedArtifact> planOpening(const QStringList& files);

// The artifact a path names, as the locator resolves it (a data shard -> its checkpoint prefix,
// saved_model.pb -> its SavedModel directory), made absolute and canonical; the absolute path itself
// when nothing is found there.
QString artifactIdentity(const QString& path);

} // namespace tscope::app
