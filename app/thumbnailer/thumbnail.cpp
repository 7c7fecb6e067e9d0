#include "app/thumbnailer/thumbnail.h"

#include "io/dtype.h"

#include <QFont>
#include <QFontMetricsF>
#include <QLocale>
#include <QPainter>
#include <QPainterPath>
#include <algorithm>

namespace tscope::app {

ThumbnailFacts thumbnailFacts(const io::Artifact& artifact)
{
    ThumbnailFacts facts;
    facts.savedModel = artifact.location.kind == io::ArtifactKind::SavedModel;
    const auto totals = artifact.totals();
    facts.parameters = totals.parameters;
    facts.bytes = totals.bytes;
    facts.byDtype = artifact.totalsByDtype();
    std::stable_sort(facts.byDtype.begin(), facts.byDtype.end(),
        [](const io::DTypeTotals& a, const io::DTypeTotals& b) { return a.parameters > b.parameters; });
    return facts;
}

QString compactCount(quint64 n)
{
    const QLocale c = QLocale::c();
    if (n < 1000) return c.toString(n);
    const char* units[] = { "K", "M", "B", "T" };
    double v = static_cast<double>(n);
    int unit = -1;
    // Thresholds at the rounding points, so no value prints as "1000K" or "100.0K".
    while (v >= 999.5 && unit < 3) {
        v /= 1000.0;
        ++unit;
    }
    return c.toString(v, 'f', v < 99.95 ? 1 : 0) + QLatin1String(units[unit]);
}

QColor dtypeColor(io::DType dtype)
{
    switch (io::dtypeInfo(dtype).kind) {
    case io::DTypeKind::Float:
    case io::DTypeKind::Complex:
        return QColor(0x2e, 0x86, 0xc1);
    case io::DTypeKind::SignedInt:
    case io::DTypeKind::UnsignedInt:
        return QColor(0x3a, 0x9d, 0x4f);
    case io::DTypeKind::String:
        return QColor(0x8e, 0x8e, 0x8e);
    case io::DTypeKind::Bool:
        return QColor(0x8e, 0x44, 0xad);
    default:
        return QColor(0xe6, 0x7e, 0x22);
    }
}

// Layout in units of size/64, like the MIME-type icons' 64-unit grid.
int thumbnailBarLeft(int size)
{
    return size * 12 / 64;
}
int thumbnailBarWidth(int size)
{
    return size * 40 / 64;
}
int thumbnailBarTop(int size)
{
    return size * 44 / 64;
}
int thumbnailBarHeight(int size)
{
    return std::max(2, size * 5 / 64);
}

QImage paintThumbnail(const ThumbnailFacts& facts, int size)
{
    QImage image(size, size, QImage::Format_ARGB32_Premultiplied);
    image.fill(Qt::transparent);
    QPainter p(&image);
    p.setRenderHint(QPainter::Antialiasing);
    const double u = size / 64.0;
    const QColor accent = facts.savedModel ? QColor(0x8a, 0x4b, 0x12) : QColor(0x1f, 0x3b, 0x57);

    // The card.
    QRectF card(6 * u, 4 * u, 52 * u, 56 * u);
    p.setPen(QPen(accent, 2 * u));
    p.setBrush(Qt::white);
    p.drawRoundedRect(card, 4 * u, 4 * u);

    // Kind band.
    QPainterPath band;
    band.addRoundedRect(QRectF(card.left(), card.top(), card.width(), 14 * u), 4 * u, 4 * u);
    p.fillPath(band, accent);
    p.fillRect(QRectF(card.left(), card.top() + 8 * u, card.width(), 6 * u), accent);
    QFont font(QStringLiteral("DejaVu Sans"));
    font.setBold(true);
    const QString kind = facts.savedModel ? QStringLiteral("SavedModel") : QStringLiteral("Checkpoint");
    for (int px = std::max(6, int(8 * u)); px > 5; --px) { // the largest size that fits the band
        font.setPixelSize(px);
        if (QFontMetricsF(font).horizontalAdvance(kind) <= card.width() - 6 * u) break;
    }
    p.setFont(font);
    p.setPen(Qt::white);
    p.drawText(QRectF(card.left(), card.top(), card.width(), 14 * u), Qt::AlignCenter, kind);

    // The parameter count, large, and what it counts.
    font.setPixelSize(std::max(8, int(15 * u)));
    p.setFont(font);
    p.setPen(accent);
    p.drawText(
        QRectF(card.left(), 20 * u, card.width(), 16 * u), Qt::AlignCenter, compactCount(facts.parameters));
    font.setBold(false);
    font.setPixelSize(std::max(6, int(6 * u)));
    p.setFont(font);
    p.setPen(QColor(0x55, 0x55, 0x55));
    p.drawText(
        QRectF(card.left(), 36 * u, card.width(), 8 * u), Qt::AlignCenter, QStringLiteral("parameters"));

    // The dtype mix: one segment per dtype, as wide as its share of the bytes (integer pixel edges, so
    // the shares can be read back from the image).
    const int left = thumbnailBarLeft(size), width = thumbnailBarWidth(size);
    const int top = thumbnailBarTop(size), height = thumbnailBarHeight(size);
    p.setRenderHint(QPainter::Antialiasing, false);
    p.fillRect(left, top, width, height, QColor(0xdd, 0xdd, 0xdd));
    quint64 done = 0;
    for (const auto& d : facts.byDtype) {
        if (facts.parameters == 0) break;
        const int x0 = left + int(width * done / facts.parameters);
        done += d.parameters;
        const int x1 = left + int(width * done / facts.parameters);
        p.fillRect(x0, top, x1 - x0, height, dtypeColor(d.dtype));
    }
    if (!facts.byDtype.empty() && size >= 96) {
        p.setPen(QColor(0x33, 0x33, 0x33));
        const auto& main = facts.byDtype.front();
        const int share = facts.parameters ? int(100 * main.parameters / facts.parameters) : 0;
        p.drawText(QRectF(card.left(), top + height + 0.5 * u, card.width(), 7 * u), Qt::AlignCenter,
            QString::fromStdString(io::dtypeName(main.dtype)) + QStringLiteral(" %1%").arg(share));
    }
    return image;
}

} // namespace tscope::app
