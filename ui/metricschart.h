// One live chart of the Live Metrics tab: a line per picked container (or per direction for
// network, or per series of a PromQL panel) over a time axis, drawn from a source's decimated
// windows, with event markers, a connection overlay, a hover callout and legend markers that
// toggle their line.
#pragma once

#include "metricssource.h"
#include "metricsunits.h"

#include <QChartView>
#include <QColor>
#include <QHash>
#include <QList>

#include <algorithm>

class QDateTimeAxis;
class QGraphicsItem;
class QGraphicsLineItem;
class QGraphicsRectItem;
class QGraphicsSimpleTextItem;
class QGraphicsTextItem;
class QLineSeries;
class QValueAxis;

namespace launchdeck {

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
    // others.
    void setLines(const QList<MetricsLine>& lines);
    QList<QLineSeries*> lineSeries() const;
    QLineSeries* seriesFor(const MetricsKey& key, MetricsField field) const;

    // Replaces every series' points with the window [fromMs, toMs], reduced to four points per
    // pixel column of the plot unless `decimate` is off; one replace() per series.
    void redraw(qint64 fromMs, qint64 toMs, bool decimate = true);

    // The points one redraw may hand to Qt Charts over all lines, which sets the decimation's
    // column width (one pixel at most). Qt Charts rebuilds a line's path and its hover outline
    // on every replace at over a microsecond a point, so the points, not the samples, decide
    // whether a redraw fits in a frame; four points per column still keep each extreme.
    void setPointBudget(int points) { m_pointBudget = std::max(points, 64); }
    int pointBudget() const { return m_pointBudget; }
    static constexpr int kDefaultPointBudget = 8'000;

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

protected:
    void resizeEvent(QResizeEvent* event) override;

private:
    struct Binding
    {
        MetricsLine line;
        QLineSeries* series = nullptr;
    };

    QLineSeries* addSeries(const MetricsLine& line);
    void styleLegendMarker(QLineSeries* series);
    void showCallout(QLineSeries* series, const QPointF& point, bool state);
    void placeMarkers();
    void placeOverlay();

    const MetricsSource* m_store;
    MetricsUnit m_unit;
    QChart* m_chart;
    QDateTimeAxis* m_timeAxis;
    QValueAxis* m_valueAxis;
    QList<Binding> m_bindings;
    MetricsScale m_scale;
    int m_pointBudget = kDefaultPointBudget;
    qint64 m_fromMs = 0;
    qint64 m_toMs = 0;

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
