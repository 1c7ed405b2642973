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

namespace {

// Duplicates (one or two points in the column) are dropped.
void appendColumn(const M4Columns::Column& column, QList<QPointF>* out)
{
    const qsizetype start = out->size();
    for (const QPointF& point : column.inOrder()) {
        if (out->size() > start && out->constLast() == point)
            continue;
        out->append(point);
    }
}

} // namespace

void M4Decimator::flush()
{
    if (m_column < 0)
        return;
    appendColumn({0, m_first, m_min, m_max, m_last}, m_out);
    m_column = -1;
}

void M4Decimator::finish()
{
    flush();
}

void M4Columns::reset(double width)
{
    m_columns.clear();
    m_width = std::max(width, 1e-9);
}

void M4Columns::add(double x, double y)
{
    const QPointF point(x, y);
    const auto index = qint64(std::floor(x / m_width));
    if (m_columns.isEmpty() || m_columns.constLast().index != index) {
        m_columns.append({index, point, point, point, point});
        return;
    }
    Column& column = m_columns.last();
    if (y < column.min.y())
        column.min = point;
    if (y > column.max.y())
        column.max = point;
    column.last = point;
}

void M4Columns::dropBefore(double x)
{
    qsizetype drop = 0;
    while (drop + 1 < m_columns.size() && m_columns.at(drop + 1).first.x() < x)
        ++drop;
    m_columns.remove(0, drop);
}

void M4Columns::appendPoints(QList<QPointF>* out) const
{
    for (const Column& column : m_columns)
        appendColumn(column, out);
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
