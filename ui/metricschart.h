// One live chart of the Live Metrics tab: a line per picked container (or per direction for
// network, or per series of a PromQL panel) over a time axis, decimated to the plot's pixel
// columns and kept from one redraw to the next (only new samples are read), with event markers,
// a connection overlay, a hover callout and legend markers that toggle their line.
#pragma once

#include "metricssource.h"
#include "metricsunits.h"

#include <QChartView>
#include <QColor>
#include <QHash>
#include <QList>

class QDateTimeAxis;
class QGraphicsItem;
class QGraphicsLineItem;
class QGraphicsRectItem;
class QGraphicsSimpleTextItem;
class QGraphicsTextItem;
class QLineSeries;
class QValueAxis;

namespace launchdeck {

class MetricsLinesItem;

// The colours lines take, in order, so neighbouring lines stay apart.
const QList<QColor>& metricsPalette();

struct MetricsLine
{
    MetricsKey key;
    MetricsField field = MetricsField::Cpu;
    QString name; // the legend's text
    QColor color;
    bool dashed = false;
};

class MetricsChart final : public QChartView
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(MetricsChart)

public:
    // The source is not owned and must outlive the chart.
    MetricsChart(const MetricsSource* source, const QString& title, MetricsUnit unit,
                 QWidget* parent = nullptr);
    ~MetricsChart() override;

    MetricsUnit unit() const { return m_unit; }
    // Keeps the series (and their hidden state) of lines already shown, adds and removes the
    // others. A line's series carries its name, pen and visibility for the legend and holds no
    // points: the chart draws the points itself (see MetricsLinesItem).
    void setLines(const QList<MetricsLine>& lines);
    QList<QLineSeries*> lineSeries() const;
    QLineSeries* seriesFor(const MetricsKey& key, MetricsField field) const;
    // The points drawn for the series' line, in the value axis' unit (see scale()): per pixel
    // column of the plot its first, lowest, highest and last sample, plus a neighbour each side
    // of the window so the line reaches the plot's edges.
    QList<QPointF> linePoints(const QLineSeries* series) const;

    // Shows the window [fromMs, toMs], reduced to four points per pixel column of the plot
    // unless `decimate` is off. While the window's width and the plot's stay, only the samples
    // after those already drawn are read.
    void redraw(qint64 fromMs, qint64 toMs, bool decimate = true);
    // Samples read by the last redraw over all lines; the rest were kept from the one before.
    qsizetype samplesRead() const { return m_samplesRead; }

    QDateTimeAxis* timeAxis() const { return m_timeAxis; }
    QValueAxis* valueAxis() const { return m_valueAxis; }
    // The scale of the points now in the series, e.g. a divisor of 2^20 with " MiB".
    const MetricsScale& scale() const { return m_scale; }

    // Markers of the whole chart rather than of one line (a PromQL panel's deployments), drawn
    // by the next redraw as "<kind> <label>".
    void setChartMarkers(const QList<MetricsMarker>& markers) { m_chartMarkers = markers; }

    // Shows `text` over the plot (the hosts that are not connected); empty hides it.
    void setOverlayText(const QString& text);
    QString overlayText() const;
    // The callout of the hovered line, empty when none.
    QString calloutText() const;
    // The event markers drawn by the last redraw.
    int visibleMarkerCount() const { return m_markersShown; }

    // What a click on the series' legend marker does.
    void toggleSeries(QLineSeries* series);

    static constexpr int kMaxMarkers = 200;

    // Pixels from a line within which the pointer shows its callout.
    static constexpr qreal kHoverTolerance = 5;

protected:
    void resizeEvent(QResizeEvent* event) override;
    void mouseMoveEvent(QMouseEvent* event) override;
    void leaveEvent(QEvent* event) override;

private:
    struct Binding
    {
        MetricsLine line;
        QLineSeries* series = nullptr;
        quint64 stamp = 0; // the source's lineStamp() when the line's columns were started
    };

    QLineSeries* addSeries(const MetricsLine& line);
    qsizetype indexOf(const QLineSeries* series) const;
    // Brings the line's columns up to the window: the new samples only, or all of them when the
    // columns were laid anew (`relaid`) or the source's line started over.
    void readLine(qsizetype index, bool relaid);
    void placeLines();
    void styleLegendMarker(QLineSeries* series);
    // The callout of the line's recorded `point` (its value divided by the scale).
    void showCallout(QLineSeries* series, const QPointF& point);
    void placeMarkers();
    void placeOverlay();

    const MetricsSource* m_store;
    MetricsUnit m_unit;
    QChart* m_chart;
    QDateTimeAxis* m_timeAxis;
    QValueAxis* m_valueAxis;
    QList<Binding> m_bindings;
    MetricsLinesItem* m_lines; // the bindings' lines, in their order
    MetricsScale m_scale;
    double m_axisMin = 0;
    double m_axisMax = 1;
    qint64 m_fromMs = 0;
    qint64 m_toMs = 0;
    bool m_decimate = true;
    double m_columnWidth = 0; // ms; 0 before the first redraw
    int m_columnsWide = 0;    // the plot's width in pixels the columns were laid for
    bool m_relayoutPending = false;
    qsizetype m_samplesRead = 0;

    struct DrawnMarker
    {
        qint64 timeMs;
        MetricsMarkerKind kind;
        QString text;
        QColor color;
    };
    QList<DrawnMarker> m_markers;
    QList<MetricsMarker> m_chartMarkers;
    QList<QGraphicsLineItem*> m_markerLines;
    QList<QGraphicsSimpleTextItem*> m_markerLabels;
    int m_markersShown = 0;

    QGraphicsRectItem* m_overlay;
    QGraphicsTextItem* m_overlayText; // wraps to the plot's width
    QGraphicsRectItem* m_callout;
    QGraphicsSimpleTextItem* m_calloutText;
};

} // namespace launchdeck
