// The first-paint marker for the startup benchmark.
#include "firstpaintreporter.h"

#include <QEvent>
#include <QWidget>

#include <cstdio>

namespace launchdeck {

FirstPaintReporter::FirstPaintReporter(QObject* parent)
    : QObject(parent)
{}

void FirstPaintReporter::installIfRequested(QWidget* window)
{
    if (qEnvironmentVariableIntValue(kEnvironmentVariable) != 1)
        return;
    window->installEventFilter(new FirstPaintReporter(window));
}

bool FirstPaintReporter::eventFilter(QObject* watched, QEvent* event)
{
    if (event->type() == QEvent::Paint) {
        std::fprintf(stdout, "%s\n", kMarker);
        std::fflush(stdout);
        watched->removeEventFilter(this);
        deleteLater();
    }
    return false;
}

} // namespace launchdeck
