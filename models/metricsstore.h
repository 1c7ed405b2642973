// The recorded live metrics of every watched container: per host and container a fixed ring of
// compact samples and a ring of event markers, the names the legends show, and the windowed,
// decimated reads and CSV export the Live Metrics tab draws from. Lives on the GUI thread.
#pragma once

#include "docker/dockertypes.h"
#include "metricsring.h"
#include "metricssource.h"

#include <QHash>
#include <QList>
#include <QObject>
#include <QPointF>
#include <QString>

#include <memory>
#include <vector>

class QIODevice;

namespace launchdeck {

// One sample without strings or dates: 56 bytes, so an hour of a container is about 200 KB.
struct MetricsSample
{
    qint64 timeMs = 0; // since the epoch, UTC
    quint64 memoryUsedBytes = 0;
    quint64 memoryLimitBytes = 0;
    quint64 blockReadBytes = 0;
    quint64 blockWriteBytes = 0;
    float cpuPercent = 0;
    float netRxBytesPerSecond = 0;
    float netTxBytesPerSecond = 0;
};

double metricsValue(const MetricsSample& sample, MetricsField field);

struct MetricsContainer
{
    MetricsKey key;
    QString name;  // without the leading '/'; the short id until a name is known
    QString state; // running, exited... as the daemon says; "removed" once gone
};

class MetricsStore final : public QObject, public MetricsSource
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(MetricsStore)

public:
    static constexpr qsizetype kDefaultCapacity = 3'600; // an hour at one sample a second
    static constexpr qsizetype kDefaultMarkerCapacity = 256;
    static constexpr qint64 kDefaultRetentionMs = 3'600'000;

    explicit MetricsStore(qsizetype capacity = kDefaultCapacity,
                          qsizetype markerCapacity = kDefaultMarkerCapacity,
                          QObject* parent = nullptr);
    ~MetricsStore() override;

    qsizetype capacity() const { return m_capacity; }
    qsizetype markerCapacity() const { return m_markerCapacity; }
    // How long the samples of a removed container stay viewable before they are dropped.
    void setRetentionMs(qint64 retention) { m_retentionMs = retention; }

    // Samples must come in time order per container; older ones than the newest held are
    // dropped (a reconnect may replay a second).
    void addSamples(const QString& host, const QList<DockerStatsSample>& samples);
    // Container start, die and OOM events become markers; names are picked up from them.
    void addEvents(const QString& host, const QList<DockerEvent>& events);
    void addMarker(const QString& host, const QString& containerId, qint64 timeMs,
                   MetricsMarkerKind kind, const QString& label = {});

    // The containers of `host` now; any other container of the host is marked removed.
    void resetContainers(const QString& host, const QList<DockerContainer>& containers);
    void updateContainers(const QString& host, const QList<DockerContainer>& containers);
    void removeContainers(const QString& host, const QStringList& ids);

    // Every container known, ordered by host then name.
    QList<MetricsContainer> containers() const;
    QString containerName(const MetricsKey& key) const override;
    bool contains(const MetricsKey& key) const { return m_series.contains(key); }

    qsizetype sampleCount(const MetricsKey& key) const;
    // The sample at `index`, 0 the oldest held; `key` must hold more than `index` samples.
    const MetricsSample& sampleAt(const MetricsKey& key, qsizetype index) const;
    // The newest sample time over every container, 0 when none.
    qint64 newestTimeMs() const { return m_newestMs; }

    // The points of `field` in [fromMs, toMs] plus one neighbour each side, so a line reaches
    // the plot's edges; with `columns` > 0 reduced to at most four points per column.
    QList<QPointF> points(const MetricsKey& key, MetricsField field, qint64 fromMs, qint64 toMs,
                          int columns = 0) const override;
    QList<MetricsMarker> markers(const MetricsKey& key, qint64 fromMs, qint64 toMs) const override;
    // Samples only ever join a container's ring after the newest one.
    quint64 lineStamp(const MetricsKey& key) const override;

    // Writes the samples of `keys` in [fromMs, toMs] as CSV with a header row; false when the
    // device failed.
    bool exportCsv(QIODevice* device, const QList<MetricsKey>& keys, qint64 fromMs,
                   qint64 toMs) const;
    QByteArray csv(const QList<MetricsKey>& keys, qint64 fromMs, qint64 toMs) const;

    // Heap held by the sample and marker rings; flat once each ring is allocated.
    qsizetype memoryBytes() const;

Q_SIGNALS:
    // Once per batch, however many containers it carried.
    void samplesAdded();
    void containersChanged();

private:
    struct Series
    {
        Series(qsizetype capacity, qsizetype markerCapacity)
            : samples(capacity)
            , markers(markerCapacity)
        {}
        MetricsRing<MetricsSample> samples;
        MetricsRing<MetricsMarker> markers;
        QString name;
        QString state;
        quint64 stamp = 0;
    };

    Series& seriesFor(const MetricsKey& key, bool* created);
    bool applyContainer(const QString& host, const DockerContainer& container);
    void pruneRemoved();

    qsizetype m_capacity;
    qsizetype m_markerCapacity;
    qint64 m_retentionMs = kDefaultRetentionMs;
    qint64 m_newestMs = 0;
    quint64 m_lastStamp = 0;
    QHash<MetricsKey, std::shared_ptr<Series>> m_series;
};

} // namespace launchdeck
