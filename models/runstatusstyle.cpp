// Status labels, colours and icons; the icons are drawn once and cached.
#include "runstatusstyle.h"

#include <QCoreApplication>
#include <QHash>
#include <QPainter>
#include <QPixmap>

namespace launchdeck {

QString runStatusLabel(RunStatus status)
{
    switch (status) {
    case RunStatus::Queued:
        return QCoreApplication::translate("launchdeck::RunStatus", "Queued");
    case RunStatus::Running:
        return QCoreApplication::translate("launchdeck::RunStatus", "Running");
    case RunStatus::Succeeded:
        return QCoreApplication::translate("launchdeck::RunStatus", "Succeeded");
    case RunStatus::Failed:
        return QCoreApplication::translate("launchdeck::RunStatus", "Failed");
    case RunStatus::Skipped:
        return QCoreApplication::translate("launchdeck::RunStatus", "Skipped");
    case RunStatus::Cancelled:
        return QCoreApplication::translate("launchdeck::RunStatus", "Cancelled");
    case RunStatus::TimedOut:
        return QCoreApplication::translate("launchdeck::RunStatus", "Timed out");
    case RunStatus::Interrupted:
        return QCoreApplication::translate("launchdeck::RunStatus", "Interrupted");
    }
    return {};
}

QColor runStatusColour(RunStatus status)
{
    switch (status) {
    case RunStatus::Queued:
        return QColor(0x80, 0x80, 0x80);
    case RunStatus::Running:
        return QColor(0x1e, 0x6f, 0xd9);
    case RunStatus::Succeeded:
        return QColor(0x2e, 0x8b, 0x3e);
    case RunStatus::Failed:
    case RunStatus::TimedOut:
        return QColor(0xc8, 0x2a, 0x2a);
    case RunStatus::Skipped:
        return QColor(0x9a, 0x9a, 0x9a);
    case RunStatus::Cancelled:
    case RunStatus::Interrupted:
        return QColor(0xc7, 0x7c, 0x0e);
    }
    return {};
}

QIcon runStatusIcon(RunStatus status)
{
    static QHash<int, QIcon> cache;
    const int key = static_cast<int>(status);
    if (const auto it = cache.constFind(key); it != cache.constEnd())
        return *it;
    QPixmap pixmap(32, 32);
    pixmap.fill(Qt::transparent);
    QPainter painter(&pixmap);
    painter.setRenderHint(QPainter::Antialiasing);
    const QColor colour = runStatusColour(status);
    if (status == RunStatus::Running || status == RunStatus::Queued) {
        // A ring: still changing.
        painter.setPen(QPen(colour, 6));
        painter.setBrush(Qt::NoBrush);
        painter.drawEllipse(QRectF(5, 5, 22, 22));
    } else {
        painter.setPen(Qt::NoPen);
        painter.setBrush(colour);
        painter.drawEllipse(QRectF(3, 3, 26, 26));
    }
    painter.end();
    QIcon icon(pixmap);
    cache.insert(key, icon);
    return icon;
}

QString formatDuration(qint64 ms)
{
    if (ms < 0)
        return {};
    if (ms < 1000)
        return QCoreApplication::translate("launchdeck::RunStatus", "%1 ms").arg(ms);
    if (ms < 60'000)
        return QCoreApplication::translate("launchdeck::RunStatus", "%1 s")
            .arg(static_cast<double>(ms) / 1000.0, 0, 'f', 1);
    const qint64 seconds = ms / 1000;
    if (seconds < 3600)
        return QCoreApplication::translate("launchdeck::RunStatus", "%1 min %2 s")
            .arg(seconds / 60)
            .arg(seconds % 60, 2, 10, QLatin1Char('0'));
    return QCoreApplication::translate("launchdeck::RunStatus", "%1 h %2 min")
        .arg(seconds / 3600)
        .arg((seconds % 3600) / 60, 2, 10, QLatin1Char('0'));
}

} // namespace launchdeck
