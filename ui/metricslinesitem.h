// The lines of a live chart, drawn by one graphics item in the chart's scene from each line's M4
// columns and mapped through the plot area and the axes' ranges. Qt Charts' own line series
// rebuild their whole path and a stroked hover outline on every update, at over a microsecond a
// point; this item keeps the chart's series (legend, visibility, pen) but draws their points
// itself, and finds the line under the pointer for the hover callout.
#pragma once

#include "metricsdecimation.h"

#include <QGraphicsItem>
#include <QImage>
#include <QList>
#include <QPen>
#include <QPointF>
#include <QRectF>

namespace launchdeck {

class MetricsLinesItem final : public QGraphicsItem
{
public:
    struct Line
    {
        QPen pen;
        bool visible = true;
        M4Columns columns;   // values as recorded, x in ms since the epoch
        QList<QPointF> tail; // a point right of the window's end, kept out of the columns
    };

    // Where values land: `plot` in the parent's coordinates spans [fromX, toX] across and
    // [minY, maxY] (values divided by `divisor`) upwards.
    struct Mapping
    {
        QRectF plot;
        double fromX = 0;
        double toX = 1;
        double minY = 0;
        double maxY = 1;
        double divisor = 1;
    };

    explicit MetricsLinesItem(QGraphicsItem* parent);

    // Changing a line's points or pen is followed by changed().
    QList<Line>& lines() { return m_lines; }
    // Draws the lines anew at the next paint.
    void changed();
    const QList<Line>& lines() const { return m_lines; }
    void setMapping(const Mapping& mapping);
    const Mapping& mapping() const { return m_mapping; }
    // Where a value (divided already) lands in the parent's coordinates.
    QPointF toPosition(const QPointF& value) const;

    // The visible line nearest to `position` within `tolerance` pixels, -1 for none; `point`
    // gets that line's recorded point nearest to `position`, its value divided.
    int lineAt(const QPointF& position, qreal tolerance, QPointF* point) const;

    QRectF boundingRect() const override;
    void paint(QPainter* painter, const QStyleOptionGraphicsItem* option, QWidget* widget) override;

private:
    void drawLayer(const QRect& area);

    QList<Line> m_lines;
    Mapping m_mapping;
    // The lines drawn at the plot's pixels, kept while neither they nor the plot change: a
    // repaint for the callout or a marker only copies it.
    QImage m_layer;
    bool m_layerValid = false;
};

} // namespace launchdeck
