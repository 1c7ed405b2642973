// Reduction of a time series to what a plot can show: per pixel column its first, lowest,
// highest and last point (the M4 scheme), so spikes survive and a redraw costs a few points per
// pixel however long the series is. M4Columns keeps such columns from one redraw to the next.
#pragma once

#include <QList>
#include <QPointF>
#include <QtGlobal>

#include <array>

namespace launchdeck {

class M4Decimator final
{
public:
    // Points are fed in ascending x; those left of `xFrom` join the first column and those right
    // of `xTo` the last, so the line still reaches the plot's edges.
    M4Decimator(double xFrom, double xTo, int columns, QList<QPointF>* out);

    void add(double x, double y);
    // Writes the open column; call once after the last point.
    void finish();

private:
    int columnOf(double x) const;
    void flush();

    QList<QPointF>* m_out;
    double m_from;
    double m_columnWidth;
    int m_columns;
    int m_column = -1;
    QPointF m_first;
    QPointF m_min;
    QPointF m_max;
    QPointF m_last;
};

// The M4 columns of one line, kept across redraws of a sliding window: columns are laid from
// x = 0 in steps of the column width rather than from the window's left edge, so as the window
// slides the columns already built stay valid, new samples only extend the newest column or open
// new ones, and the oldest columns are dropped.
class M4Columns final
{
public:
    struct Column
    {
        qint64 index = 0; // floor(x / width)
        QPointF first;
        QPointF min;
        QPointF max;
        QPointF last;

        // First, the extremes in the order they happened, last: the line keeps the shape of a
        // spike.
        std::array<QPointF, 4> inOrder() const
        {
            const bool minFirst = min.x() <= max.x();
            return {first, minFirst ? min : max, minFirst ? max : min, last};
        }
    };

    // Drops every column and lays new ones `width` wide (at least 1e-9).
    void reset(double width);
    double width() const { return m_width; }
    bool isEmpty() const { return m_columns.isEmpty(); }
    const QList<Column>& columns() const { return m_columns; }
    // The x of the newest point added; only call when not empty.
    double newestX() const { return m_columns.constLast().last.x(); }

    // Points must come in ascending x, after newestX().
    void add(double x, double y);
    // Drops the oldest columns while the next one still starts left of `x`: the line keeps the
    // point before `x`, as a source's window gives it, to enter a plot whose left edge is there.
    void dropBefore(double x);
    // The columns' points in x order, without a point repeated in a row.
    void appendPoints(QList<QPointF>* out) const;

private:
    QList<Column> m_columns;
    double m_width = 1;
};

// At most four points per column of `columns` over [xFrom, xTo]; `points` ascending in x.
QList<QPointF> decimateM4(const QList<QPointF>& points, double xFrom, double xTo, int columns);

} // namespace launchdeck
