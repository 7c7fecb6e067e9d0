#include "model/items/artifact_summary.h"

#include "io/dtype.h"
#include "model/items/variable_tree_model.h"

#include <QDateTime>
#include <QUrl>
#include <algorithm>
#include <array>

namespace tscope::model {

std::vector<LargestVariable> largestVariables(const io::Artifact& a, size_t count)
{
    std::vector<LargestVariable> all;
    if (!a.bundle) return all;
    const auto& entries = a.bundle->entries();
    for (size_t i = 0; i < entries.size(); ++i)
        if (i >= a.tree.annotations.size()
            || a.tree.annotations[i].details().twinOf.empty()) // Keras 3 twins once
            all.push_back({ static_cast<int>(i), entries[i].byteSize() });
    std::stable_sort(all.begin(), all.end(), [](const auto& x, const auto& y) { return x.bytes > y.bytes; });
    if (all.size() > count) all.resize(count);
    return all;
}

std::string variableDisplayName(const io::Artifact& a, int entry)
{
    if (!a.bundle || entry < 0 || static_cast<size_t>(entry) >= a.bundle->entries().size()) return {};
    const auto& e = a.bundle->entries()[static_cast<size_t>(entry)];
    if (static_cast<size_t>(entry) >= a.tree.annotations.size()) return e.key;
    const auto& an = a.tree.annotations[static_cast<size_t>(entry)];
    if (an.role == io::EntryRole::Slot)
        return an.details().slotOfKey.substr(0, an.details().slotOfKey.find("/.ATTRIBUTES")) + " — slot "
            + an.details().slotName;
    if (an.details().slotLink.confidence == io::SlotLinkConfidence::Inferred) // a Keras (TF >= 2.11) slot
        return an.details().slotLink.variablePath + " — slot "
            + (an.details().slotLink.slotName.empty() ? an.details().slotLink.slotList
                                                      : an.details().slotLink.slotName)
            + " (inferred)";
    if (!an.details()
             .variableName.empty()) // SavedModels: the SavedObjectGraph's name, then where it is stored
        return an.details().variableName + " (" + (an.objectPath.empty() ? e.key : an.objectPath) + ")";
    if (an.objectPath.empty()) { // a TF2 key without its object graph shows as its object path
        constexpr std::string_view kValue = "/.ATTRIBUTES/VARIABLE_VALUE";
        return e.key.ends_with(kValue) ? e.key.substr(0, e.key.size() - kValue.size()) : e.key;
    }
    return an.objectPath;
}

QString slotLinkSummary(const io::Artifact& a)
{
    std::array<quint64, 5> n {};
    for (const auto& an : a.tree.annotations)
        ++n[static_cast<size_t>(an.details().slotLink.confidence)];
    const std::array<QString, 5> words = { QString(), QObject::tr("linked by the checkpoint itself"),
        QObject::tr("linked by inference (the one layout that fits)"),
        QObject::tr("ambiguous (several variables fit)"), QObject::tr("unlinked") };
    QStringList parts;
    for (size_t c = 1; c < n.size(); ++c)
        if (n[c]) parts << QStringLiteral("%1 %2").arg(formatCount(n[c]), words[c]);
    return parts.join(QStringLiteral(", "));
}

QString summaryHtml(const io::Artifact& a)
{
    auto esc = [](const std::string& s) { return QString::fromStdString(s).toHtmlEscaped(); };
    const auto totals = a.totals();
    const auto opt = a.optimizerTotals();
    QString h;
    const bool sm = a.location.kind == io::ArtifactKind::SavedModel;
    h += QStringLiteral("<h2>%1</h2>")
             .arg(esc(sm ? a.location.savedModelDir.filename().string()
                         : a.location.checkpointPrefix.filename().string()));
    h += QStringLiteral("<table cellspacing='4'>");
    auto row = [&](const QString& k, const QString& v) {
        h += QStringLiteral("<tr><td><b>%1</b></td><td>%2</td></tr>").arg(k, v);
    };
    row(QObject::tr("Kind"),
        sm ? QObject::tr("SavedModel (%1)").arg(QString::fromStdString(a.format()))
           : QObject::tr("Checkpoint (%1)")
                 .arg(a.format() == "tf2-object" ? QObject::tr("TF2 object-based")
                                                 : QObject::tr("TF1 name-based")));
    row(QObject::tr("Location"),
        esc(sm ? a.location.savedModelDir.string() : a.location.checkpointPrefix.string()));
    row(QObject::tr("TensorFlow"),
        a.tensorflowVersion.empty() ? QObject::tr("unknown (not recorded in checkpoints)")
                                    : esc(a.tensorflowVersion));
    row(QObject::tr("Variables"),
        QObject::tr("%1 tensors, %2 parameters, %3")
            .arg(formatCount(totals.variables), formatCount(totals.parameters), formatBytes(totals.bytes)));
    if (totals.bytes > 0) {
        const double share = 100.0 * static_cast<double>(opt.bytes) / static_cast<double>(totals.bytes);
        row(QObject::tr("Optimizer state"),
            QObject::tr("%1 tensors, %2 parameters, %3 (%4% of bytes)")
                .arg(formatCount(opt.variables), formatCount(opt.parameters), formatBytes(opt.bytes))
                .arg(share, 0, 'f', 1));
        // Weights: neither optimizer state nor the object graph's own bookkeeping; Keras 3 twins once.
        const auto weights = a.modelWeightTotals();
        row(QObject::tr("Model weights"),
            QObject::tr("%1 parameters, %2")
                .arg(formatCount(weights.parameters), formatBytes(weights.bytes)));
        const QString links = slotLinkSummary(a);
        if (!links.isEmpty()) row(QObject::tr("Optimizer slots"), links);
    }
    if (a.savedModel) {
        const auto& s = *a.savedModel;
        int sigs = 0;
        for (const auto& mg : s.metaGraphs)
            for (const auto& sig : mg.signatures)
                sigs += sig.key.starts_with("__") ? 0 : 1;
        row(QObject::tr("Meta graphs"),
            QObject::tr("%1, with %2 signatures").arg(s.metaGraphs.size()).arg(sigs));
        row(QObject::tr("Fingerprint"),
            s.fingerprint ? QString::number(s.fingerprint->savedModelChecksum) : QObject::tr("none"));
        row(QObject::tr("Keras metadata"),
            s.hasKerasMetadata ? QObject::tr("present") : QObject::tr("absent"));
    }
    h += QStringLiteral("</table>");

    const auto by = a.totalsByDtype();
    if (!by.empty()) {
        h += QStringLiteral(
            "<h3>%1</h3><table cellspacing='4'><tr><th align='left'>dtype</th><th "
            "align='right'>tensors</th><th align='right'>parameters</th><th align='right'>bytes</th></tr>")
                 .arg(QObject::tr("Parameters by dtype"));
        for (const auto& d : by)
            h += QStringLiteral("<tr><td>%1</td><td align='right'>%2</td><td align='right'>%3</td><td "
                                "align='right'>%4</td></tr>")
                     .arg(QString::fromStdString(io::dtypeName(d.dtype)), formatCount(d.variables),
                         formatCount(d.parameters), formatBytes(d.bytes));
        h += QStringLiteral("</table>");
    }
    const auto largest = largestVariables(a, 10);
    if (!largest.empty()) {
        h += QStringLiteral("<h3>%1</h3><table cellspacing='4'>").arg(QObject::tr("Largest variables"));
        for (const auto& l : largest) {
            const auto& e = a.bundle->entries()[static_cast<size_t>(l.entry)];
            const std::string name = variableDisplayName(a, l.entry);
            h += QStringLiteral("<tr><td>%1</td><td>%2%3</td><td align='right'>%4</td></tr>")
                     .arg(esc(name), QString::fromStdString(io::dtypeName(e.dtype)),
                         QString::fromStdString(io::shapeToString(e.shape)), formatBytes(l.bytes));
        }
        h += QStringLiteral("</table>");
    }
    if (a.location.run && !a.location.run->checkpoints.empty()) {
        h += QStringLiteral("<h3>%1</h3>").arg(QObject::tr("Checkpoints in this training run"));
        // The run view follows the directory live and plots every step; "#run" tells the window.
        QUrl runLink = QUrl::fromLocalFile(QString::fromStdString(a.location.checkpointPrefix.string()));
        runLink.setFragment(QStringLiteral("run"));
        h += QStringLiteral("<p><a href=\"%1\">%2</a></p><ul>")
                 .arg(runLink.toString(QUrl::FullyEncoded), QObject::tr("Open the training run view"));
        for (const auto& c : a.location.run->checkpoints) {
            QString when = c.timestamp
                ? QDateTime::fromMSecsSinceEpoch(static_cast<qint64>(*c.timestamp * 1000))
                      .toString(Qt::ISODate)
                : QString();
            // Each existing checkpoint is a link (file URL of its prefix): the window opens it.
            const bool shown = c.prefix == a.location.checkpointPrefix;
            const QString name = esc(c.prefix.filename().string());
            const QString link = shown || !c.exists
                ? (shown ? QStringLiteral("<b>%1</b>").arg(name) : name)
                : QStringLiteral("<a href=\"%1\">%2</a>")
                      .arg(QUrl::fromLocalFile(QString::fromStdString(c.prefix.string()))
                               .toString(QUrl::FullyEncoded),
                          name);
            // Another existing step: a second link compares it with the shown one ("#compare").
            QString compare;
            if (!shown && c.exists) {
                QUrl url = QUrl::fromLocalFile(QString::fromStdString(c.prefix.string()));
                url.setFragment(QStringLiteral("compare"));
                compare
                    = QStringLiteral(" · <a href=\"%1\">%2</a>")
                          .arg(url.toString(QUrl::FullyEncoded), QObject::tr("compare with the shown one"));
            }
            h += QStringLiteral("<li>%1%2%3%4%5%6</li>")
                     .arg(link, when.isEmpty() ? QString() : QStringLiteral(" — ") + when,
                         c.latest ? QObject::tr(" (latest)") : QString(),
                         shown ? QObject::tr(" — shown") : QString(),
                         c.exists ? QString() : QObject::tr(" <i>missing</i>"), compare);
        }
        h += QStringLiteral("</ul>");
    }
    if (!a.warnings.empty()) {
        h += QStringLiteral("<h3>%1</h3><ul>").arg(QObject::tr("Warnings"));
        for (const auto& w : a.warnings)
            h += QStringLiteral("<li>%1</li>").arg(esc(io::warningText(w)));
        h += QStringLiteral("</ul>");
    }
    return h;
}

} // namespace tscope::model
