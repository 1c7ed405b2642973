// Column spans: a segment is cut at the pixel columns it crosses; per column the pieces' lowest
// and highest y and the y at the column's centre decide which rows light.
#include "metricslineraster.h"

#include <algorithm>
#include <cmath>
#include <limits>

namespace launchdeck {

namespace {

constexpr int kDashOn = 4;
constexpr int kDashPeriod = 6;

// std::floor is a call into the maths library on the baseline x86-64 instruction set; pixel
// coordinates are well within int's range.
int floorToInt(double value)
{
    const int truncated = int(value);
    return truncated > value ? truncated - 1 : truncated;
}

int ceilToInt(double value)
{
    const int truncated = int(value);
    return truncated < value ? truncated + 1 : truncated;
}

} // namespace

MetricsLineRaster::MetricsLineRaster(QImage* image, QRgb colour, bool dashed)
    : m_bits(image->bits())
    , m_stride(image->bytesPerLine())
    , m_colour(colour)
    , m_dashed(dashed)
    , m_width(image->width())
    , m_height(image->height())
{}

void MetricsLineRaster::segment(double fromX, double fromY)
{
    if (!m_started) {
        m_started = true; // the line's first point: nothing to draw yet
        return;
    }
    const QPointF a(fromX, fromY);
    const QPointF b(m_x, m_y);
    if (b.x() < 0 || a.x() >= m_width)
        return;
    const int first = std::max(0, floorToInt(std::max(a.x(), -1.0)));
    const int last = std::min(m_width - 1, floorToInt(std::min(b.x(), double(m_width))));
    if (b.x() == a.x()) {
        addPiece(first, a.y(), b.y(), false, 0);
        return;
    }
    const double slope = (b.y() - a.y()) / (b.x() - a.x());
    const auto yAt = [&](double x) {
        return a.y() + (x - a.x()) * slope;
    };
    for (int column = first; column <= last; ++column) {
        const double left = std::max(a.x(), double(column));
        const double right = std::min(b.x(), double(column + 1));
        const double centre = column + 0.5;
        const bool crossesCentre = left <= centre && centre <= right;
        addPiece(column, yAt(left), yAt(right), crossesCentre, crossesCentre ? yAt(centre) : 0);
    }
}

void MetricsLineRaster::addPiece(int column, double yLeft, double yRight, bool crossesCentre,
                                 double yCentre)
{
    if (column != m_column) {
        flush();
        m_column = column;
        m_left = column;
        m_low = std::min(yLeft, yRight);
        m_high = std::max(yLeft, yRight);
        m_entry = yLeft;
        m_crossesCentre = crossesCentre;
        m_centre = yCentre;
        return;
    }
    m_low = std::min({m_low, yLeft, yRight});
    m_high = std::max({m_high, yLeft, yRight});
    if (crossesCentre) {
        m_crossesCentre = true;
        m_centre = yCentre;
    }
}

void MetricsLineRaster::flush()
{
    if (m_column < 0)
        return;
    // Rows whose centre the line passes, and the row where it crosses the column's centre.
    int top = ceilToInt(std::max(m_low, -1.0) - 0.5);
    int bottom = floorToInt(std::min(m_high, double(m_height)) - 0.5);
    if (m_crossesCentre) {
        const int row = floorToInt(std::clamp(m_centre, -1.0, double(m_height)));
        top = std::min(top, row);
        bottom = std::max(bottom, row);
    }
    if (top > bottom)
        top = bottom = floorToInt(std::clamp((m_low + m_high) / 2, -1.0, double(m_height)));
    const int x = m_column;
    m_column = -1;
    m_left = -std::numeric_limits<double>::infinity();
    const auto pixel = [&](int y) -> QRgb& {
        return reinterpret_cast<QRgb*>(m_bits + y * m_stride)[x];
    };
    // Walked from where the line entered the column, so dashes run on along the line.
    const bool down = std::abs(m_entry - top) <= std::abs(m_entry - bottom);
    const int from = std::max(top, 0);
    const int to = std::min(bottom, m_height - 1);
    if (!m_dashed) {
        for (int y = from; y <= to; ++y)
            pixel(y) = m_colour;
        return;
    }
    for (int step = 0; step <= bottom - top; ++step) {
        const int y = down ? top + step : bottom - step;
        if (y >= from && y <= to && m_dash < kDashOn)
            pixel(y) = m_colour;
        m_dash = (m_dash + 1) % kDashPeriod;
    }
}

void MetricsLineRaster::column(const std::array<QPointF, 4>& points)
{
    const double first = points.front().x();
    const double last = points.back().x();
    const bool dense = m_started && first >= m_x && first - m_x < 1 && last - first < 1 &&
                       first >= 0 && first < m_width;
    if (!dense) {
        for (const QPointF& point : points)
            lineTo(point.x(), point.y());
        return;
    }
    const int pixel = floorToInt(first);
    if (pixel != m_column) {
        flush();
        m_column = pixel;
        m_left = pixel;
        m_low = m_high = m_entry = m_y;
        m_crossesCentre = false;
    }
    for (const QPointF& point : points) {
        m_low = std::min(m_low, point.y());
        m_high = std::max(m_high, point.y());
    }
    m_x = last;
    m_y = points.back().y();
}

void MetricsLineRaster::finish()
{
    flush();
}

} // namespace launchdeck
