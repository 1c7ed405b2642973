// Drawing and hit-testing the chart's lines: values are mapped with the same linear transform Qt
// Charts applies to a series on these axes, so the lines sit where series would.
#include "metricslinesitem.h"

#include "metricslineraster.h"

#include <QPainter>

#include <algorithm>
#include <cmath>
#include <limits>

namespace launchdeck {

namespace {

// Below Qt Charts' axes' labels and above its grid: the z its line series are drawn at.
constexpr qreal kLinesZ = 4;

qreal distanceToSegment(const QPointF& p, const QPointF& a, const QPointF& b)
{
    const QPointF ab = b - a;
    const qreal length = QPointF::dotProduct(ab, ab);
    const qreal t =
        length > 0 ? std::clamp(QPointF::dotProduct(p - a, ab) / length, qreal(0), qreal(1)) : 0;
    const QPointF nearest = a + t * ab;
    return std::hypot(p.x() - nearest.x(), p.y() - nearest.y());
}

} // namespace

MetricsLinesItem::MetricsLinesItem(QGraphicsItem* parent)
    : QGraphicsItem(parent)
{
    setZValue(kLinesZ);
    setAcceptedMouseButtons(Qt::NoButton);
}

void MetricsLinesItem::setMapping(const Mapping& mapping)
{
    if (mapping.plot != m_mapping.plot)
        prepareGeometryChange();
    m_mapping = mapping;
    if (m_mapping.toX <= m_mapping.fromX)
        m_mapping.toX = m_mapping.fromX + 1;
    if (m_mapping.maxY <= m_mapping.minY)
        m_mapping.maxY = m_mapping.minY + 1;
    if (m_mapping.divisor == 0)
        m_mapping.divisor = 1;
    changed();
}

QPointF MetricsLinesItem::toPosition(const QPointF& value) const
{
    const Mapping& m = m_mapping;
    return {m.plot.left() + (value.x() - m.fromX) * m.plot.width() / (m.toX - m.fromX),
            m.plot.bottom() - (value.y() - m.minY) * m.plot.height() / (m.maxY - m.minY)};
}

void MetricsLinesItem::changed()
{
    m_layerValid = false;
    update();
}

QRectF MetricsLinesItem::boundingRect() const
{
    return m_mapping.plot.adjusted(-2, -2, 2, 2);
}

void MetricsLinesItem::drawLayer(const QRect& area)
{
    if (m_layer.size() != area.size())
        m_layer = QImage(area.size(), QImage::Format_ARGB32_Premultiplied);
    m_layer.fill(Qt::transparent);
    // The layer's pixel (0, 0) is the area's top left corner.
    const Mapping& m = m_mapping;
    const double sx = m.plot.width() / (m.toX - m.fromX);
    const double sy = m.plot.height() / ((m.maxY - m.minY) * m.divisor);
    const double x0 = m.plot.left() - area.left() - m.fromX * sx;
    const double y0 = m.plot.bottom() - area.top() + m.minY * m.plot.height() / (m.maxY - m.minY);
    for (const Line& line : std::as_const(m_lines)) {
        if (!line.visible)
            continue;
        MetricsLineRaster raster(&m_layer, qPremultiply(line.pen.color().rgba()),
                                 line.pen.style() != Qt::SolidLine);
        const auto toPixels = [&](const QPointF& value) {
            return QPointF(x0 + value.x() * sx, y0 - value.y() * sy);
        };
        for (const M4Columns::Column& column : line.columns.columns()) {
            std::array<QPointF, 4> points = column.inOrder();
            for (QPointF& point : points)
                point = toPixels(point);
            raster.column(points);
        }
        for (const QPointF& value : line.tail) {
            const QPointF point = toPixels(value);
            raster.lineTo(point.x(), point.y());
        }
        raster.finish();
    }
    m_layerValid = true;
}

void MetricsLinesItem::paint(QPainter* painter, const QStyleOptionGraphicsItem*, QWidget*)
{
    const QRect area = m_mapping.plot.toAlignedRect();
    if (area.isEmpty())
        return;
    if (!m_layerValid || m_layer.size() != area.size())
        drawLayer(area);
    painter->save();
    painter->setClipRect(m_mapping.plot, Qt::IntersectClip);
    painter->drawImage(area.topLeft(), m_layer);
    painter->restore();
}

int MetricsLinesItem::lineAt(const QPointF& position, qreal tolerance, QPointF* point) const
{
    const Mapping& m = m_mapping;
    if (!m.plot.adjusted(-tolerance, -tolerance, tolerance, tolerance).contains(position))
        return -1;
    const double x = m.fromX + (position.x() - m.plot.left()) * (m.toX - m.fromX) / m.plot.width();
    const double xTolerance = tolerance * (m.toX - m.fromX) / m.plot.width();
    int best = -1;
    qreal bestDistance = tolerance;
    QList<QPointF> near;
    for (qsizetype i = 0; i < m_lines.size(); ++i) {
        const Line& line = m_lines[i];
        if (!line.visible)
            continue;
        // The columns around the pointer, one more each side for the segments that join them.
        const QList<M4Columns::Column>& columns = line.columns.columns();
        const double width = line.columns.width();
        const auto lowIndex = qint64(std::floor((x - xTolerance) / width)) - 1;
        const auto highIndex = qint64(std::floor((x + xTolerance) / width)) + 1;
        auto from = std::lower_bound(
            columns.cbegin(), columns.cend(), lowIndex,
            [](const M4Columns::Column& column, qint64 index) { return column.index < index; });
        if (from != columns.cbegin())
            --from;
        near.clear();
        auto it = from;
        for (; it != columns.cend() && it->index <= highIndex + 1; ++it) {
            for (const QPointF& value : it->inOrder())
                near.append(QPointF(value.x(), value.y() / m.divisor));
        }
        if (it == columns.cend()) {
            for (const QPointF& value : line.tail)
                near.append(QPointF(value.x(), value.y() / m.divisor));
        }
        for (qsizetype p = 0; p < near.size(); ++p) {
            const QPointF a = toPosition(near[p]);
            const QPointF b = p + 1 < near.size() ? toPosition(near[p + 1]) : a;
            const qreal distance = distanceToSegment(position, a, b);
            if (distance > bestDistance)
                continue;
            bestDistance = distance;
            best = int(i);
            // The recorded point nearer the pointer of the segment's two ends.
            const qreal toA = std::hypot(position.x() - a.x(), position.y() - a.y());
            const qreal toB = std::hypot(position.x() - b.x(), position.y() - b.y());
            if (point)
                *point = toA <= toB ? near[p] : near[p + 1 < near.size() ? p + 1 : p];
        }
    }
    return best;
}

} // namespace launchdeck
