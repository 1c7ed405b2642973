// A one-pixel line drawn into an image column by column: each pixel column gets the run of rows
// the line crosses there, lit as an aliased line is (one row per column where the line is
// flatter than 45 degrees, every row it crosses where steeper). A live chart's line has one or
// more points per pixel column; drawn this way it costs a run per column and line instead of a
// stroked segment per point, and the picture is Qt's own to within a pixel.
#pragma once

#include <QImage>
#include <QPointF>
#include <QRgb>

#include <algorithm>
#include <array>
#include <limits>

namespace launchdeck {

class MetricsLineRaster final
{
public:
    // Pixels of `image` (ARGB32 premultiplied) take `colour` (premultiplied); `dashed` draws
    // Qt::DashLine's pattern of a one-pixel pen, four pixels on and two off along the line.
    MetricsLineRaster(QImage* image, QRgb colour, bool dashed);

    // The line's next point in the image's pixels; x never decreases from point to point.
    void lineTo(double x, double y)
    {
        const double fromX = m_x;
        const double fromY = m_y;
        m_x = std::max(x, fromX);
        m_y = y;
        // Most segments of a line with a point or more per pixel start and end in the column
        // being gathered: they widen its run. Inline, as it runs for nearly every point.
        if (fromX >= m_left && m_x < m_left + 1) {
            m_low = std::min(m_low, y);
            m_high = std::max(m_high, y);
            const double centre = m_left + 0.5;
            if (fromX <= centre && centre <= m_x && m_x > fromX) {
                m_crossesCentre = true;
                m_centre = fromY + (centre - fromX) * (y - fromY) / (m_x - fromX);
            }
            return;
        }
        segment(fromX, fromY);
    }
    // The four points of an M4 column (first, the extremes in their order, last), in the
    // image's pixels. Where the column and the join from the line's point before it lie within
    // one pixel column and its neighbour, as at a sample or more per pixel, they widen that one
    // pixel column's run (the join drawn as a step) instead of being cut into segments; else
    // they are drawn as lineTo() draws them.
    void column(const std::array<QPointF, 4>& points);
    // Draws the last column; call once after the last point.
    void finish();

private:
    // From (fromX, fromY) to the newest point, across columns.
    void segment(double fromX, double fromY);
    void addPiece(int column, double yLeft, double yRight, bool crossesCentre, double yCentre);
    void flush();

    uchar* m_bits;
    qsizetype m_stride;
    QRgb m_colour;
    bool m_dashed;
    int m_width;
    int m_height;
    bool m_started = false;
    double m_x = -std::numeric_limits<double>::infinity(); // the newest point
    double m_y = 0;
    // The column being gathered; its left edge, as a double for the inline test above.
    int m_column = -1;
    double m_left = -std::numeric_limits<double>::infinity();
    double m_low = 0;
    double m_high = 0;
    double m_entry = 0;
    bool m_crossesCentre = false;
    double m_centre = 0; // the line's y where it crosses the column's centre
    int m_dash = 0;      // where the dash pattern is, in pixels
};

} // namespace launchdeck
