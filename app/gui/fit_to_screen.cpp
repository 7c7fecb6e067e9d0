#include "app/gui/fit_to_screen.h"

#include <QGuiApplication>
#include <QScreen>
#include <QWidget>

namespace tscope::app {

void fitWindowToScreen(QWidget* window)
{
    const QScreen* s = window->screen() ? window->screen() : QGuiApplication::primaryScreen();
    if (!s) return;
    const QRect avail = s->availableGeometry();
    const QSize fitted = window->size().boundedTo(avail.size() * 0.95);
    if (fitted != window->size()) window->resize(fitted);
    if (!avail.contains(window->frameGeometry())) window->move(avail.center() - window->rect().center());
}

} // namespace tscope::app
