// Drawing one live chart: points come scaled into the axis' unit, markers and the overlay are
// plain graphics items laid over the plot area and moved when it changes.
#include "metricschart.h"

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
        placeMarkers();
        placeOverlay();
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
    connect(series, &QLineSeries::hovered, this, [this, series](const QPointF& point, bool state) {
        showCallout(series, point, state);
    });
    const QList<QLegendMarker*> markers = m_chart->legend()->markers(series);
    for (QLegendMarker* marker : markers)
        connect(marker, &QLegendMarker::clicked, this, [this, series] { toggleSeries(series); });
    return series;
}

void MetricsChart::setLines(const QList<MetricsLine>& lines)
{
    QList<Binding> next;
    next.reserve(lines.size());
    QSet<QLineSeries*> kept;
    for (const MetricsLine& line : lines) {
        const auto old = std::find_if(m_bindings.begin(), m_bindings.end(), [&](const Binding& b) {
            return b.line.key == line.key && b.line.field == line.field;
        });
        Binding binding{line, nullptr};
        if (old != m_bindings.end()) {
            binding.series = old->series;
            binding.series->setName(line.name);
            QPen pen = binding.series->pen();
            pen.setColor(line.color);
            binding.series->setPen(pen);
            kept.insert(binding.series);
        } else {
            binding.series = addSeries(line);
        }
        next.append(binding);
    }
    for (const Binding& binding : std::as_const(m_bindings)) {
        if (!kept.contains(binding.series)) {
            m_chart->removeSeries(binding.series);
            delete binding.series;
        }
    }
    m_bindings = next;
    m_callout->hide();
}

QList<QLineSeries*> MetricsChart::lineSeries() const
{
    QList<QLineSeries*> list;
    for (const Binding& binding : m_bindings)
        list.append(binding.series);
    return list;
}

QLineSeries* MetricsChart::seriesFor(const MetricsKey& key, MetricsField field) const
{
    for (const Binding& binding : m_bindings) {
        if (binding.line.key == key && binding.line.field == field)
            return binding.series;
    }
    return nullptr;
}

void MetricsChart::redraw(qint64 fromMs, qint64 toMs, bool decimate)
{
    m_fromMs = fromMs;
    m_toMs = std::max(toMs, fromMs + 1);
    int visibleLines = 0;
    for (const Binding& binding : std::as_const(m_bindings))
        visibleLines += binding.series->isVisible() ? 1 : 0;
    const int columns = decimate ? std::clamp(m_pointBudget / (4 * std::max(visibleLines, 1)), 16,
                                              std::max(16, int(m_chart->plotArea().width())))
                                 : 0;

    QList<QList<QPointF>> points;
    points.reserve(m_bindings.size());
    double maxValue = 0;
    double minValue = 0; // below zero only for a PromQL series that goes there
    for (const Binding& binding : std::as_const(m_bindings)) {
        points.append(
            m_store->points(binding.line.key, binding.line.field, m_fromMs, m_toMs, columns));
        if (!binding.series->isVisible())
            continue;
        for (const QPointF& point : std::as_const(points.last())) {
            if (point.x() >= double(m_fromMs) && point.x() <= double(m_toMs)) {
                maxValue = std::max(maxValue, point.y());
                minValue = std::min(minValue, point.y());
            }
        }
    }
    m_scale = metricsScale(m_unit, std::max(maxValue, -minValue));
    const MetricsTicks ticks = metricsTicks(std::max(maxValue, -minValue) / m_scale.divisor);
    const double lowest =
        minValue < 0 ? -std::ceil(-minValue / m_scale.divisor / ticks.step - 1e-9) * ticks.step
                     : 0.0;
    for (qsizetype i = 0; i < m_bindings.size(); ++i) {
        QList<QPointF>& list = points[i];
        if (m_scale.divisor != 1) {
            for (QPointF& point : list)
                point.ry() /= m_scale.divisor;
        }
        m_bindings[i].series->replace(list);
    }
    m_valueAxis->setRange(lowest, maxValue > 0 || minValue >= 0 ? ticks.max : 0.0);
    m_valueAxis->setTickInterval(ticks.step);
    QString suffix = m_scale.suffix;
    suffix.replace(QStringLiteral("%"), QStringLiteral("%%")); // the format is printf's
    m_valueAxis->setLabelFormat(QStringLiteral("%.") % QString::number(ticks.decimals) %
                                QStringLiteral("f") % suffix);
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
    placeMarkers();
    placeOverlay();
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

void MetricsChart::showCallout(QLineSeries* series, const QPointF& point, bool state)
{
    if (!state) {
        m_callout->hide();
        return;
    }
    const QString time =
        QDateTime::fromMSecsSinceEpoch(qint64(point.x())).toString(QStringLiteral("HH:mm:ss"));
    m_calloutText->setText(time % u'\n' % series->name() % QStringLiteral(": ") %
                           formatMetricsValue(m_unit, point.y() * m_scale.divisor));
    const QRectF text = m_calloutText->boundingRect();
    m_callout->setRect(0, 0, text.width() + 10, text.height() + 6);
    m_calloutText->setPos(5, 3);
    QPointF at = m_chart->mapToPosition(point, series) + QPointF(10, -text.height() - 12);
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
    placeMarkers();
    placeOverlay();
}

} // namespace launchdeck
