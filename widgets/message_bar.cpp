#include "widgets/message_bar.h"

#include <QHBoxLayout>
#include <QLabel>
#include <QPushButton>
#include <QStyle>
#include <QToolButton>

namespace tscope::ui {

MessageBar::MessageBar(QWidget* parent)
    : QFrame(parent)
{
    setFrameShape(QFrame::StyledPanel);
    setAutoFillBackground(true);
    m_icon = new QLabel(this);
    m_text = new QLabel(this);
    m_text->setWordWrap(true);
    m_text->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_action = new QPushButton(this);
    auto* close = new QToolButton(this);
    close->setText(QStringLiteral("✕"));
    close->setAutoRaise(true);
    close->setToolTip(tr("Hide this message"));
    auto* layout = new QHBoxLayout(this);
    layout->setContentsMargins(8, 4, 4, 4);
    layout->addWidget(m_icon);
    layout->addWidget(m_text, 1);
    layout->addWidget(m_action);
    layout->addWidget(close);
    connect(close, &QToolButton::clicked, this, &QWidget::hide);
    connect(m_action, &QPushButton::clicked, this, &MessageBar::actionTriggered);
    hide();
}

QString MessageBar::text() const
{
    return m_text->text();
}

void MessageBar::showMessage(Kind kind, const QString& text, const QString& actionText)
{
    m_kind = kind;
    QStyle::StandardPixmap icon = kind == Kind::Error ? QStyle::SP_MessageBoxCritical
        : kind == Kind::Warning                       ? QStyle::SP_MessageBoxWarning
                                                      : QStyle::SP_MessageBoxInformation;
    const int size = style()->pixelMetric(QStyle::PM_SmallIconSize);
    m_icon->setPixmap(style()->standardIcon(icon).pixmap(size, size));
    m_text->setText(text);
    m_action->setText(actionText);
    m_action->setVisible(!actionText.isEmpty());
    // Tinted backgrounds that work on light and dark palettes.
    QColor tint = kind == Kind::Error ? QColor(220, 50, 47)
        : kind == Kind::Warning       ? QColor(203, 145, 22)
                                      : QColor(38, 139, 210);
    QPalette p = palette();
    QColor base
        = parentWidget() ? parentWidget()->palette().color(QPalette::Window) : p.color(QPalette::Window);
    QColor mixed = QColor::fromRgbF(base.redF() * 0.8f + tint.redF() * 0.2f,
        base.greenF() * 0.8f + tint.greenF() * 0.2f, base.blueF() * 0.8f + tint.blueF() * 0.2f);
    p.setColor(QPalette::Window, mixed);
    setPalette(p);
    show();
}

} // namespace tscope::ui
