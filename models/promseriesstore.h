// The series of one PromQL panel: what the last range query answered, one line per series with
// its legend from the panel's label template, served to the chart as windowed, decimated points.
// Each answer covers the whole window and replaces the one before; every series' buffer is
// reused, and the series and their points are capped, so memory stays flat however long the
// panel runs. Lives on the GUI thread.
#pragma once

#include "metricssource.h"
#include "prometheus/prometheustypes.h"

#include <QByteArray>
#include <QHash>
#include <QList>
#include <QString>

#include <vector>

class QIODevice;

namespace launchdeck {

// "{{code}} on {{instance}}" with the series' labels; a label it does not carry reads empty.
// An empty template gives the series as PromQL writes it: name{label="value", …}.
QString promLegend(const QString& legendTemplate, const prometheus::Labels& labels);

class PromSeriesStore final : public MetricsSource
{
public:
    // More series than this in one answer are dropped (counted in droppedSeries()).
    static constexpr int kMaxSeries = 100;

    PromSeriesStore() = default;

    // Replaces the series by those of `result` (a matrix, or a vector or scalar as one point).
    void setResult(const prometheus::QueryResult& result, const QString& legendTemplate);
    void clear();

    // The series in the order of the answer; host empty, containerId the series' identity.
    const QList<MetricsKey>& keys() const { return m_order; }
    const prometheus::Labels& labels(const MetricsKey& key) const;
    int droppedSeries() const { return m_dropped; }
    qsizetype pointCount() const;

    // Non-finite values (NaN, ±Inf) are kept but not drawn: Qt Charts cannot place them.
    QList<QPointF> points(const MetricsKey& key, MetricsField field, qint64 fromMs, qint64 toMs,
                          int columns = 0) const override;
    QString containerName(const MetricsKey& key) const override; // the legend
    QList<MetricsMarker> markers(const MetricsKey& key, qint64 fromMs, qint64 toMs) const override;

    // "time,series,value" rows of [fromMs, toMs], each row prefixed by `prefix` when given
    // (the panel's title, for several panels in one file); NaN and ±Inf written as Prometheus
    // writes them.
    bool writeCsv(QIODevice* device, qint64 fromMs, qint64 toMs, const QString& prefix = {}) const;

    // Heap held by the points' buffers.
    qsizetype memoryBytes() const;

private:
    struct Point
    {
        qint64 timeMs;
        double value;
    };
    struct Series
    {
        prometheus::Labels labels;
        QString legend;
        std::vector<Point> points;
    };

    QHash<QString, Series> m_series;
    QList<MetricsKey> m_order;
    int m_dropped = 0;
};

} // namespace launchdeck
