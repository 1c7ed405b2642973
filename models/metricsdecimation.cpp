// M4 decimation: one pass, constant memory per column, output in x order.
#include "metricsdecimation.h"

#include <algorithm>
#include <cmath>

namespace launchdeck {

M4Decimator::M4Decimator(double xFrom, double xTo, int columns, QList<QPointF>* out)
    : m_out(out)
    , m_from(xFrom)
    , m_columnWidth(std::max(xTo - xFrom, 1e-9) / std::max(columns, 1))
    , m_columns(std::max(columns, 1))
{}

int M4Decimator::columnOf(double x) const
{
    const double column = std::floor((x - m_from) / m_columnWidth);
    return int(std::clamp(column, 0.0, double(m_columns - 1)));
}

void M4Decimator::add(double x, double y)
{
    const QPointF point(x, y);
    const int column = columnOf(x);
    if (column != m_column) {
        flush();
        m_column = column;
        m_first = m_min = m_max = m_last = point;
        return;
    }
    if (y < m_min.y())
        m_min = point;
    if (y > m_max.y())
        m_max = point;
    m_last = point;
}

void M4Decimator::flush()
{
    if (m_column < 0)
        return;
    // The extremes go between first and last in the order they happened, so the drawn line
    // keeps the shape of the spike; duplicates (one or two points in the column) are dropped.
    const bool minFirst = m_min.x() <= m_max.x();
    const QPointF candidates[] = {m_first, minFirst ? m_min : m_max, minFirst ? m_max : m_min,
                                  m_last};
    const qsizetype start = m_out->size();
    for (const QPointF& point : candidates) {
        if (m_out->size() > start && m_out->constLast() == point)
            continue;
        m_out->append(point);
    }
    m_column = -1;
}

void M4Decimator::finish()
{
    flush();
}

QList<QPointF> decimateM4(const QList<QPointF>& points, double xFrom, double xTo, int columns)
{
    QList<QPointF> out;
    out.reserve(std::min<qsizetype>(points.size(), qsizetype(columns) * 4));
    M4Decimator decimator(xFrom, xTo, columns, &out);
    for (const QPointF& point : points)
        decimator.add(point.x(), point.y());
    decimator.finish();
    return out;
}

} // namespace launchdeck
