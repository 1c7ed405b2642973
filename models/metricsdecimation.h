// Reduction of a time series to what a plot can show: per pixel column its first, lowest,
// highest and last point (the M4 scheme), so spikes survive and a redraw costs a few points per
// pixel however long the series is.
#pragma once

#include <QList>
#include <QPointF>

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

// At most four points per column of `columns` over [xFrom, xTo]; `points` ascending in x.
QList<QPointF> decimateM4(const QList<QPointF>& points, double xFrom, double xTo, int columns);

} // namespace launchdeck
