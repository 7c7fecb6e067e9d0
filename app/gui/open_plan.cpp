#include "app/gui/open_plan.h"

#include "io/artifact_locator.h"

#include <QDir>
#include <QFileInfo>
#include <filesystem>
#include <system_error>

namespace tscope::app {

namespace {

QString canonicalText(const std::filesystem::path& p)
{
    std::error_code ec;
    auto c = std::filesystem::weakly_canonical(p, ec);
    return QString::fromStdString((ec ? std::filesystem::absolute(p, ec) : c).string());
}

} // namespace

QString artifactIdentity(const QString& path)
{
    const QString absolute = QFileInfo(path).absoluteFilePath();
    auto loc = io::locateArtifact(std::filesystem::path(absolute.toStdString()));
    if (!loc) return QDir::cleanPath(absolute);
    if (loc->kind == io::ArtifactKind::SavedModel)
        return QStringLiteral("savedmodel:") + canonicalText(loc->savedModelDir);
    return QStringLiteral("checkpoint:") + canonicalText(loc->checkpointPrefix);
}

std::vector<PlannedArtifact> planOpening(const QStringList& files)
{
    std::vector<PlannedArtifact> plan;
    QStringList identities;
    for (const QString& file : files) {
        const QString id = artifactIdentity(file);
        const auto at = identities.indexOf(id);
        if (at >= 0) {
            plan[static_cast<size_t>(at)].files.append(file);
            continue;
        }
        identities.append(id);
        plan.push_back({ file, { file } });
    }
    return plan;
}

} // namespace tscope::app
