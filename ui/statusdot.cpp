// statusDot: see statusdot.h.
#include "statusdot.h"

#include <QPainter>
#include <QPixmap>

namespace launchdeck {

QIcon statusDot(const QColor& colour)
{
    QPixmap pixmap(12, 12);
    pixmap.fill(Qt::transparent);
    QPainter painter(&pixmap);
    painter.setRenderHint(QPainter::Antialiasing);
    painter.setPen(Qt::NoPen);
    painter.setBrush(colour);
    painter.drawEllipse(1, 1, 10, 10);
    return QIcon(pixmap);
}

} // namespace launchdeck
