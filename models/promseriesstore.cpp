// Storing a range query's answer for drawing and export: points found by binary search on time,
// reduced per pixel column by the same M4 scheme as the container charts.
#include "promseriesstore.h"

#include "metricsdecimation.h"

#include <QDateTime>
#include <QIODevice>
#include <QRegularExpression>
#include <QSet>

#include <algorithm>
#include <cmath>

namespace launchdeck {

namespace {

QString seriesId(const prometheus::Labels& labels)
{
    QString id;
    for (auto it = labels.cbegin(); it != labels.cend(); ++it)
        id += it.key() % u'\x1f' % it.value() % u'\x1e';
    return id;
}

QByteArray csvField(const QString& text)
{
    if (!text.contains(u',') && !text.contains(u'"') && !text.contains(u'\n'))
        return text.toUtf8();
    QString quoted = text;
    quoted.replace(QStringLiteral("\""), QStringLiteral("\"\""));
    return '"' + quoted.toUtf8() + '"';
}

QByteArray valueText(double value)
{
    if (std::isnan(value))
        return QByteArrayLiteral("NaN");
    if (std::isinf(value))
        return value > 0 ? QByteArrayLiteral("+Inf") : QByteArrayLiteral("-Inf");
    return QByteArray::number(value, 'g', 17);
}

} // namespace

QString promLegend(const QString& legendTemplate, const prometheus::Labels& labels)
{
    if (legendTemplate.isEmpty()) {
        QStringList pairs;
        for (auto it = labels.cbegin(); it != labels.cend(); ++it) {
            if (it.key() != u"__name__")
                pairs.append(it.key() % QStringLiteral("=\"") % it.value() % u'"');
        }
        const QString name = labels.value(QStringLiteral("__name__"));
        if (pairs.isEmpty())
            return name.isEmpty() ? QStringLiteral("{}") : name;
        return name % u'{' % pairs.join(QStringLiteral(", ")) % u'}';
    }
    static const QRegularExpression placeholder(
        QStringLiteral(R"(\{\{\s*([a-zA-Z_][a-zA-Z0-9_]*)\s*\}\})"));
    QString text;
    qsizetype from = 0;
    for (QRegularExpressionMatchIterator it = placeholder.globalMatch(legendTemplate);
         it.hasNext();) {
        const QRegularExpressionMatch match = it.next();
        text += legendTemplate.mid(from, match.capturedStart() - from);
        text += labels.value(match.captured(1));
        from = match.capturedEnd();
    }
    text += legendTemplate.mid(from);
    return text;
}

void PromSeriesStore::setResult(const prometheus::QueryResult& result,
                                const QString& legendTemplate)
{
    QList<prometheus::Series> answer = result.series;
    if (result.type == prometheus::ResultType::Scalar && result.scalar)
        answer = {prometheus::Series{{}, {*result.scalar}}};
    m_dropped = std::max<int>(0, int(answer.size()) - kMaxSeries);
    if (answer.size() > kMaxSeries)
        answer.resize(kMaxSeries);

    QSet<QString> present;
    m_order.clear();
    for (const prometheus::Series& series : std::as_const(answer)) {
        const QString id = seriesId(series.labels);
        if (present.contains(id))
            continue;
        present.insert(id);
        // The buffer of a series already shown is refilled, keeping its allocation.
        Series& stored = m_series[id];
        stored.labels = series.labels;
        stored.legend = promLegend(legendTemplate, series.labels);
        stored.points.clear();
        stored.points.reserve(series.samples.size());
        for (const prometheus::Sample& sample : series.samples)
            stored.points.push_back({qint64(std::llround(sample.time * 1000.0)), sample.value});
        m_order.append({QString(), id});
    }
    for (auto it = m_series.begin(); it != m_series.end();) {
        if (present.contains(it.key()))
            ++it;
        else
            it = m_series.erase(it);
    }
}

void PromSeriesStore::clear()
{
    m_series.clear();
    m_order.clear();
    m_dropped = 0;
}

const prometheus::Labels& PromSeriesStore::labels(const MetricsKey& key) const
{
    static const prometheus::Labels none;
    const auto it = m_series.constFind(key.containerId);
    return it == m_series.cend() ? none : it->labels;
}

qsizetype PromSeriesStore::pointCount() const
{
    qsizetype count = 0;
    for (const Series& series : m_series)
        count += qsizetype(series.points.size());
    return count;
}

QList<QPointF> PromSeriesStore::points(const MetricsKey& key, MetricsField, qint64 fromMs,
                                       qint64 toMs, int columns) const
{
    QList<QPointF> out;
    const auto it = m_series.constFind(key.containerId);
    if (it == m_series.cend() || it->points.empty())
        return out;
    const std::vector<Point>& points = it->points;
    const auto before = [](const Point& point, qint64 time) {
        return point.timeMs < time;
    };
    const auto first = std::max(std::lower_bound(points.begin(), points.end(), fromMs, before) - 1,
                                points.begin());
    const auto end = std::min(std::lower_bound(points.begin(), points.end(), toMs + 1, before) + 1,
                              points.end());
    if (columns <= 0) {
        for (auto point = first; point < end; ++point) {
            if (std::isfinite(point->value))
                out.append(QPointF(double(point->timeMs), point->value));
        }
        return out;
    }
    M4Decimator decimator(double(fromMs), double(toMs), columns, &out);
    for (auto point = first; point < end; ++point) {
        if (std::isfinite(point->value))
            decimator.add(double(point->timeMs), point->value);
    }
    decimator.finish();
    return out;
}

QString PromSeriesStore::containerName(const MetricsKey& key) const
{
    const auto it = m_series.constFind(key.containerId);
    return it == m_series.cend() ? QString() : it->legend;
}

QList<MetricsMarker> PromSeriesStore::markers(const MetricsKey&, qint64, qint64) const
{
    // A panel's deployments belong to the panel, not to one of its series: MetricsChart draws
    // them once as the chart's own markers.
    return {};
}

bool PromSeriesStore::writeCsv(QIODevice* device, qint64 fromMs, qint64 toMs,
                               const QString& prefix) const
{
    const QByteArray lead = prefix.isEmpty() ? QByteArray() : csvField(prefix) + ',';
    for (const MetricsKey& key : m_order) {
        const Series& series = *m_series.constFind(key.containerId);
        const QByteArray name = ',' + csvField(series.legend) + ',';
        for (const Point& point : series.points) {
            if (point.timeMs < fromMs || point.timeMs > toMs)
                continue;
            const QByteArray row = lead +
                                   QDateTime::fromMSecsSinceEpoch(point.timeMs, Qt::UTC)
                                       .toString(Qt::ISODateWithMs)
                                       .toUtf8() +
                                   name + valueText(point.value) + '\n';
            if (device->write(row) != row.size())
                return false;
        }
    }
    return true;
}

qsizetype PromSeriesStore::memoryBytes() const
{
    qsizetype bytes = 0;
    for (const Series& series : m_series)
        bytes += qsizetype(series.points.capacity() * sizeof(Point));
    return bytes;
}

} // namespace launchdeck
