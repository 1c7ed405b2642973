// What a live chart draws from: the windowed, decimated points of a line, the name of what the
// line belongs to and its event markers. The containers' store and the PromQL panels' series
// both serve it, so one chart class draws both.
#pragma once

#include <QHash>
#include <QList>
#include <QPointF>
#include <QString>

namespace launchdeck {

struct MetricsKey
{
    QString host;
    QString containerId;

    friend bool operator==(const MetricsKey&, const MetricsKey&) = default;
};

inline size_t qHash(const MetricsKey& key, size_t seed = 0)
{
    return qHashMulti(seed, key.host, key.containerId);
}

// What a line of a container shows; a PromQL series has one value and ignores it.
enum class MetricsField { Cpu, Memory, MemoryLimit, NetRx, NetTx, BlockRead, BlockWrite };

enum class MetricsMarkerKind { Start, Die, Oom, Deploy, Rollback, Other };

struct MetricsMarker
{
    qint64 timeMs = 0;
    MetricsMarkerKind kind = MetricsMarkerKind::Other;
    QString label; // e.g. "exit 137", "v1.4.2"
};

class MetricsSource
{
public:
    virtual ~MetricsSource() = default;

    // The points of the line in [fromMs, toMs] plus one neighbour each side, so a line reaches
    // the plot's edges; with `columns` > 0 reduced to at most four points per column.
    virtual QList<QPointF> points(const MetricsKey& key, MetricsField field, qint64 fromMs,
                                  qint64 toMs, int columns = 0) const = 0;
    // Non-zero where the line's points change only by newer ones appended and the oldest ones
    // dropped, so a chart may read just the points after those it has; the stamp changes when
    // the line starts over (its container forgotten and recorded anew). Zero, the default, where
    // any point may change (a query's answer replaced whole): charts read the window each time.
    virtual quint64 lineStamp(const MetricsKey& key) const
    {
        Q_UNUSED(key)
        return 0;
    }
    // What markers and callouts call the line's owner.
    virtual QString containerName(const MetricsKey& key) const = 0;
    virtual QList<MetricsMarker> markers(const MetricsKey& key, qint64 fromMs,
                                         qint64 toMs) const = 0;

protected:
    MetricsSource() = default;
    MetricsSource(const MetricsSource&) = default;
    MetricsSource& operator=(const MetricsSource&) = default;
};

} // namespace launchdeck
