// Drawing one live chart: each line's M4 columns follow the window, markers and the overlay are
// plain graphics items laid over the plot area and moved when it changes.
#include "metricschart.h"

#include "metricslinesitem.h"

#include <QBrush>
#include <QDateTime>
#include <QDateTimeAxis>
#include <QGraphicsLineItem>
#include <QGraphicsRectItem>
#include <QGraphicsSimpleTextItem>
#include <QGraphicsTextItem>
#include <QLegend>
#include <QLegendMarker>
#include <QLineSeries>
#include <QMouseEvent>
#include <QPen>
#include <QSet>
#include <QValueAxis>

#include <algorithm>
#include <cmath>
#include <iterator>
#include <limits>

namespace launchdeck {

namespace {

constexpr qreal kOverlayZ = 100;
constexpr qint64 kSecondsFormatUpToMs = 15 * 60 * 1000;

QColor markerColor(MetricsMarkerKind kind)
{
    switch (kind) {
    case MetricsMarkerKind::Start:
        return QColor(0x2e, 0x7d, 0x32);
    case MetricsMarkerKind::Die:
        return QColor(0x61, 0x61, 0x61);
    case MetricsMarkerKind::Oom:
        return QColor(0xc6, 0x28, 0x28);
    case MetricsMarkerKind::Deploy:
        return QColor(0x15, 0x65, 0xc0);
    case MetricsMarkerKind::Rollback:
        return QColor(0xef, 0x6c, 0x00);
    case MetricsMarkerKind::Other:
        break;
    }
    return QColor(0x6a, 0x1b, 0x9a);
}

QString markerWord(MetricsMarkerKind kind)
{
    switch (kind) {
    case MetricsMarkerKind::Start:
        return MetricsChart::tr("start");
    case MetricsMarkerKind::Die:
        return MetricsChart::tr("die");
    case MetricsMarkerKind::Oom:
        return MetricsChart::tr("OOM kill");
    case MetricsMarkerKind::Deploy:
        return MetricsChart::tr("deploy");
    case MetricsMarkerKind::Rollback:
        return MetricsChart::tr("rollback");
    case MetricsMarkerKind::Other:
        break;
    }
    return {};
}

} // namespace

const QList<QColor>& metricsPalette()
{
    static const QList<QColor> palette = {QColor(0x1f, 0x77, 0xb4), QColor(0xff, 0x7f, 0x0e),
                                          QColor(0x2c, 0xa0, 0x2c), QColor(0xd6, 0x27, 0x28),
                                          QColor(0x94, 0x67, 0xbd), QColor(0x8c, 0x56, 0x4b),
                                          QColor(0xe3, 0x77, 0xc2), QColor(0x7f, 0x7f, 0x7f),
                                          QColor(0xbc, 0xbd, 0x22), QColor(0x17, 0xbe, 0xcf)};
    return palette;
}

MetricsChart::MetricsChart(const MetricsSource* store, const QString& title, MetricsUnit unit,
                           QWidget* parent)
    : QChartView(parent)
    , m_store(store)
    , m_unit(unit)
    , m_chart(new QChart)
    , m_timeAxis(new QDateTimeAxis)
    , m_valueAxis(new QValueAxis)
    , m_lines(new MetricsLinesItem(m_chart))
{
    m_chart->setTitle(title);
    m_chart->setAnimationOptions(QChart::NoAnimation);
    m_chart->legend()->setAlignment(Qt::AlignBottom);
    m_chart->setMargins(QMargins(4, 4, 4, 4));
    m_chart->addAxis(m_timeAxis, Qt::AlignBottom);
    m_chart->addAxis(m_valueAxis, Qt::AlignLeft);
    m_timeAxis->setTickCount(7);
    m_valueAxis->setTickType(QValueAxis::TicksDynamic);
    m_valueAxis->setTickAnchor(0);
    m_valueAxis->setMinorTickCount(0);
    setChart(m_chart);
    setRenderHint(QPainter::Antialiasing, false);
    setMinimumHeight(160);

    m_overlay = new QGraphicsRectItem(m_chart);
    m_overlay->setBrush(QColor(255, 243, 224, 230));
    m_overlay->setPen(QPen(QColor(0xef, 0x6c, 0x00)));
    m_overlay->setZValue(kOverlayZ);
    m_overlayText = new QGraphicsTextItem(m_overlay);
    m_overlayText->setDefaultTextColor(QColor(0xbf, 0x36, 0x0c));
    m_overlay->hide();

    m_callout = new QGraphicsRectItem(m_chart);
    m_callout->setBrush(QColor(255, 255, 255, 235));
    m_callout->setPen(QPen(QColor(0x90, 0x90, 0x90)));
    m_callout->setZValue(kOverlayZ + 1);
    m_calloutText = new QGraphicsSimpleTextItem(m_callout);
    m_callout->hide();

    connect(m_chart, &QChart::plotAreaChanged, this, [this] {
        placeLines();
        placeMarkers();
        placeOverlay();
        // Columns laid for another width: lay them anew once the layout has settled.
        if (m_columnWidth > 0 && m_decimate && !m_relayoutPending &&
            int(m_chart->plotArea().width()) != m_columnsWide) {
            m_relayoutPending = true;
            QMetaObject::invokeMethod(
                this,
                [this] {
                    m_relayoutPending = false;
                    if (int(m_chart->plotArea().width()) != m_columnsWide)
                        redraw(m_fromMs, m_toMs, m_decimate);
                },
                Qt::QueuedConnection);
        }
    });
}

MetricsChart::~MetricsChart() = default;

QLineSeries* MetricsChart::addSeries(const MetricsLine& line)
{
    auto* series = new QLineSeries;
    series->setUseOpenGL(false);
    series->setName(line.name);
    QPen pen(line.color);
    pen.setWidthF(1.0);
    if (line.dashed)
        pen.setStyle(Qt::DashLine);
    series->setPen(pen);
    m_chart->addSeries(series);
    series->attachAxis(m_timeAxis);
    series->attachAxis(m_valueAxis);
    const QList<QLegendMarker*> markers = m_chart->legend()->markers(series);
    for (QLegendMarker* marker : markers)
        connect(marker, &QLegendMarker::clicked, this, [this, series] { toggleSeries(series); });
    return series;
}

void MetricsChart::setLines(const QList<MetricsLine>& lines)
{
    QList<Binding> next;
    next.reserve(lines.size());
    QList<MetricsLinesItem::Line> nextLines;
    nextLines.reserve(lines.size());
    QSet<QLineSeries*> kept;
    for (const MetricsLine& line : lines) {
        const auto old = std::find_if(m_bindings.begin(), m_bindings.end(), [&](const Binding& b) {
            return b.line.key == line.key && b.line.field == line.field;
        });
        Binding binding{line, nullptr};
        MetricsLinesItem::Line drawn;
        if (old != m_bindings.end()) {
            binding.series = old->series;
            binding.stamp = old->stamp;
            drawn = m_lines->lines().at(old - m_bindings.begin());
            binding.series->setName(line.name);
            QPen pen = binding.series->pen();
            pen.setColor(line.color);
            binding.series->setPen(pen);
            kept.insert(binding.series);
        } else {
            binding.series = addSeries(line);
            drawn.columns.reset(m_columnWidth);
        }
        drawn.pen = binding.series->pen();
        drawn.visible = binding.series->isVisible();
        next.append(binding);
        nextLines.append(drawn);
    }
    for (const Binding& binding : std::as_const(m_bindings)) {
        if (!kept.contains(binding.series)) {
            m_chart->removeSeries(binding.series);
            delete binding.series;
        }
    }
    m_bindings = next;
    m_lines->lines() = nextLines;
    m_lines->changed();
    m_callout->hide();
}

QList<QLineSeries*> MetricsChart::lineSeries() const
{
    QList<QLineSeries*> list;
    for (const Binding& binding : m_bindings)
        list.append(binding.series);
    return list;
}

qsizetype MetricsChart::indexOf(const QLineSeries* series) const
{
    for (qsizetype i = 0; i < m_bindings.size(); ++i) {
        if (m_bindings[i].series == series)
            return i;
    }
    return -1;
}

QList<QPointF> MetricsChart::linePoints(const QLineSeries* series) const
{
    const qsizetype index = indexOf(series);
    if (index < 0)
        return {};
    const MetricsLinesItem::Line& line = m_lines->lines().at(index);
    QList<QPointF> points;
    line.columns.appendPoints(&points);
    points.append(line.tail);
    for (QPointF& point : points)
        point.ry() /= m_scale.divisor;
    return points;
}

QLineSeries* MetricsChart::seriesFor(const MetricsKey& key, MetricsField field) const
{
    for (const Binding& binding : m_bindings) {
        if (binding.line.key == key && binding.line.field == field)
            return binding.series;
    }
    return nullptr;
}

void MetricsChart::readLine(qsizetype index, bool relaid)
{
    Binding& binding = m_bindings[index];
    MetricsLinesItem::Line& line = m_lines->lines()[index];
    M4Columns& columns = line.columns;
    const quint64 stamp = m_store->lineStamp(binding.line.key);
    if (relaid || stamp == 0 || stamp != binding.stamp ||
        (!columns.isEmpty() && columns.newestX() > double(m_toMs))) {
        columns.reset(m_columnWidth);
        binding.stamp = stamp;
    }
    // The source gives a neighbour each side: left, the newest point the columns hold (or the
    // one before the window); right, one past the window's end (the window paused), which the
    // columns take only once the window reaches it.
    const qint64 from = columns.isEmpty() ? m_fromMs : qint64(columns.newestX()) + 1;
    const QList<QPointF> points =
        m_store->points(binding.line.key, binding.line.field, from, std::max(from, m_toMs));
    m_samplesRead += points.size();
    line.tail.clear();
    for (const QPointF& point : points) {
        if (point.x() > double(m_toMs)) {
            line.tail.append(point);
            break;
        }
        if (columns.isEmpty() || point.x() > columns.newestX())
            columns.add(point.x(), point.y());
    }
    columns.dropBefore(double(m_fromMs));
}

void MetricsChart::redraw(qint64 fromMs, qint64 toMs, bool decimate)
{
    toMs = std::max(toMs, fromMs + 1);
    // A column per pixel of the plot; undecimated, a column per millisecond keeps every sample.
    const int wide = std::max(16, int(m_chart->plotArea().width()));
    const double columnWidth = decimate ? double(toMs - fromMs) / wide : 1.0;
    const bool relaid = columnWidth != m_columnWidth || fromMs < m_fromMs || toMs < m_toMs;
    m_fromMs = fromMs;
    m_toMs = toMs;
    m_decimate = decimate;
    m_columnWidth = columnWidth;
    m_columnsWide = wide;
    m_samplesRead = 0;

    double maxValue = 0;
    double minValue = 0; // below zero only for a PromQL series that goes there
    const auto inWindow = [this](const QPointF& point) {
        return point.x() >= double(m_fromMs) && point.x() <= double(m_toMs);
    };
    for (qsizetype i = 0; i < m_bindings.size(); ++i) {
        readLine(i, relaid);
        if (!m_bindings[i].series->isVisible())
            continue;
        for (const M4Columns::Column& column : m_lines->lines().at(i).columns.columns()) {
            if (inWindow(column.first) && inWindow(column.last)) {
                maxValue = std::max(maxValue, column.max.y());
                minValue = std::min(minValue, column.min.y());
                continue;
            }
            for (const QPointF& point : {column.first, column.min, column.max, column.last}) {
                if (inWindow(point)) {
                    maxValue = std::max(maxValue, point.y());
                    minValue = std::min(minValue, point.y());
                }
            }
        }
    }
    m_scale = metricsScale(m_unit, std::max(maxValue, -minValue));
    const MetricsTicks ticks = metricsTicks(std::max(maxValue, -minValue) / m_scale.divisor);
    const double lowest =
        minValue < 0 ? -std::ceil(-minValue / m_scale.divisor / ticks.step - 1e-9) * ticks.step
                     : 0.0;
    m_axisMin = lowest;
    m_axisMax = maxValue > 0 || minValue >= 0 ? ticks.max : 0.0;
    m_valueAxis->setRange(m_axisMin, m_axisMax);
    m_valueAxis->setTickInterval(ticks.step);
    QString suffix = m_scale.suffix;
    suffix.replace(QStringLiteral("%"), QStringLiteral("%%")); // the format is printf's
    const QString format =
        QStringLiteral("%.") % QString::number(ticks.decimals) % QStringLiteral("f") % suffix;
    // Qt Charts lays the axis' labels out again on every call, even with the same format.
    if (format != m_valueAxis->labelFormat())
        m_valueAxis->setLabelFormat(format);
    m_timeAxis->setFormat(m_toMs - m_fromMs <= kSecondsFormatUpToMs ? QStringLiteral("HH:mm:ss")
                                                                    : QStringLiteral("HH:mm"));
    m_timeAxis->setRange(QDateTime::fromMSecsSinceEpoch(m_fromMs),
                         QDateTime::fromMSecsSinceEpoch(m_toMs));

    m_markers.clear();
    QSet<MetricsKey> seen;
    for (const Binding& binding : std::as_const(m_bindings)) {
        if (!binding.series->isVisible() || seen.contains(binding.line.key))
            continue;
        seen.insert(binding.line.key);
        const QString name = m_store->containerName(binding.line.key);
        const QList<MetricsMarker> markers = m_store->markers(binding.line.key, m_fromMs, m_toMs);
        for (const MetricsMarker& marker : markers) {
            QString text = markerWord(marker.kind) % u' ' % name;
            if (!marker.label.isEmpty())
                text += QStringLiteral(" (") % marker.label % u')';
            m_markers.append({marker.timeMs, marker.kind, text, markerColor(marker.kind)});
        }
    }
    for (const MetricsMarker& marker : std::as_const(m_chartMarkers)) {
        if (marker.timeMs >= m_fromMs && marker.timeMs <= m_toMs)
            m_markers.append({marker.timeMs, marker.kind,
                              markerWord(marker.kind) % u' ' % marker.label,
                              markerColor(marker.kind)});
    }
    // A crash loop can leave hundreds of markers in a window; the newest ones matter.
    std::sort(m_markers.begin(), m_markers.end(),
              [](const DrawnMarker& a, const DrawnMarker& b) { return a.timeMs < b.timeMs; });
    if (m_markers.size() > kMaxMarkers)
        m_markers.remove(0, m_markers.size() - kMaxMarkers);
    placeLines();
    placeMarkers();
    placeOverlay();
}

void MetricsChart::placeLines()
{
    m_lines->setMapping({m_chart->plotArea(), double(m_fromMs), double(m_toMs), m_axisMin,
                         m_axisMax, m_scale.divisor});
}

void MetricsChart::placeMarkers()
{
    const QRectF plot = m_chart->plotArea();
    while (m_markerLines.size() < m_markers.size()) {
        auto* line = new QGraphicsLineItem(m_chart);
        line->setZValue(kOverlayZ - 2);
        m_markerLines.append(line);
        auto* label = new QGraphicsSimpleTextItem(m_chart);
        label->setZValue(kOverlayZ - 1);
        QFont font = label->font();
        font.setPointSizeF(font.pointSizeF() * 0.85);
        label->setFont(font);
        m_markerLabels.append(label);
    }
    const double span = double(m_toMs - m_fromMs);
    m_markersShown = 0;
    // Labels go on one of two rows, newest first, and only where they do not print over a
    // label already placed; a crowded moment keeps its lines and its newest words.
    constexpr int kRows = 2;
    qreal rowLeft[kRows];
    std::fill(std::begin(rowLeft), std::end(rowLeft), std::numeric_limits<qreal>::max());
    for (qsizetype i = m_markerLines.size() - 1; i >= 0; --i) {
        QGraphicsLineItem* line = m_markerLines[i];
        QGraphicsSimpleTextItem* label = m_markerLabels[i];
        if (i >= m_markers.size() || span <= 0 || plot.isEmpty()) {
            line->hide();
            label->hide();
            continue;
        }
        const DrawnMarker& marker = m_markers[i];
        const qreal x = plot.left() + plot.width() * double(marker.timeMs - m_fromMs) / span;
        QPen pen(marker.color);
        pen.setStyle(Qt::DashLine);
        line->setPen(pen);
        line->setLine(x, plot.top(), x, plot.bottom());
        line->show();
        ++m_markersShown;
        label->setText(marker.text);
        label->setBrush(marker.color);
        // Turned to the line's left where the plot would cut the label off.
        const QRectF box = label->boundingRect();
        const qreal left = x + 3 + box.width() > plot.right() ? x - 3 - box.width() : x + 3;
        int row = 0;
        while (row < kRows && left + box.width() + 4 > rowLeft[row])
            ++row;
        if (row == kRows) {
            label->hide();
            continue;
        }
        rowLeft[row] = left;
        label->setPos(left, plot.top() + 2 + row * (box.height() + 1));
        label->show();
    }
}

void MetricsChart::setOverlayText(const QString& text)
{
    m_overlayText->setPlainText(text);
    m_overlay->setVisible(!text.isEmpty());
    placeOverlay();
}

QString MetricsChart::overlayText() const
{
    return m_overlay->isVisible() ? m_overlayText->toPlainText() : QString();
}

void MetricsChart::placeOverlay()
{
    if (!m_overlay->isVisible())
        return; // placed when shown
    const QRectF plot = m_chart->plotArea();
    // A long message (a server's error) wraps inside the plot instead of running off the chart.
    const qreal widest = qMax<qreal>(80, plot.width() - 24);
    m_overlayText->setTextWidth(-1);
    if (m_overlayText->boundingRect().width() > widest)
        m_overlayText->setTextWidth(widest);
    const QRectF text = m_overlayText->boundingRect();
    m_overlay->setRect(0, 0, text.width() + 4, text.height());
    m_overlayText->setPos(2, 0);
    m_overlay->setPos(plot.right() - text.width() - 12, plot.top() + 6);
}

QString MetricsChart::calloutText() const
{
    return m_callout->isVisible() ? m_calloutText->text() : QString();
}

void MetricsChart::showCallout(QLineSeries* series, const QPointF& point)
{
    const QString time =
        QDateTime::fromMSecsSinceEpoch(qint64(point.x())).toString(QStringLiteral("HH:mm:ss"));
    m_calloutText->setText(time % u'\n' % series->name() % QStringLiteral(": ") %
                           formatMetricsValue(m_unit, point.y() * m_scale.divisor));
    const QRectF text = m_calloutText->boundingRect();
    m_callout->setRect(0, 0, text.width() + 10, text.height() + 6);
    m_calloutText->setPos(5, 3);
    QPointF at = m_lines->toPosition(point) + QPointF(10, -text.height() - 12);
    const QRectF bounds = m_chart->plotArea();
    at.setX(std::clamp(at.x(), bounds.left(),
                       std::max(bounds.left(), bounds.right() - text.width() - 10)));
    at.setY(std::clamp(at.y(), bounds.top(),
                       std::max(bounds.top(), bounds.bottom() - text.height() - 6)));
    m_callout->setPos(at);
    m_callout->show();
}

void MetricsChart::toggleSeries(QLineSeries* series)
{
    series->setVisible(!series->isVisible());
    if (const qsizetype index = indexOf(series); index >= 0) {
        m_lines->lines()[index].visible = series->isVisible();
        m_lines->changed();
    }
    // Hiding a series hides its legend marker too; it stays, dimmed, to be clicked back on.
    const QList<QLegendMarker*> markers = m_chart->legend()->markers(series);
    for (QLegendMarker* marker : markers) {
        marker->setVisible(true);
        const qreal alpha = series->isVisible() ? 1.0 : 0.35;
        QColor label = marker->labelBrush().color();
        label.setAlphaF(alpha);
        marker->setLabelBrush(label);
        QBrush brush = marker->brush();
        QColor colour = brush.color();
        colour.setAlphaF(alpha);
        brush.setColor(colour);
        marker->setBrush(brush);
    }
    if (!series->isVisible())
        m_callout->hide();
}

void MetricsChart::resizeEvent(QResizeEvent* event)
{
    QChartView::resizeEvent(event);
    placeLines();
    placeMarkers();
    placeOverlay();
}

void MetricsChart::mouseMoveEvent(QMouseEvent* event)
{
    QChartView::mouseMoveEvent(event);
    const QPointF position = m_chart->mapFromScene(mapToScene(event->position().toPoint()));
    QPointF point;
    const int line = m_lines->lineAt(position, kHoverTolerance, &point);
    if (line >= 0)
        showCallout(m_bindings[line].series, point);
    else
        m_callout->hide();
}

void MetricsChart::leaveEvent(QEvent* event)
{
    QChartView::leaveEvent(event);
    m_callout->hide();
}

} // namespace launchdeck
