// Recording into the rings, the container catalogue the picker lists, and the windowed reads:
// a window is found by binary search on the time-ordered ring, never by a scan.
#include "metricsstore.h"

#include "metricsdecimation.h"

#include <QBuffer>
#include <QDateTime>
#include <QIODevice>
#include <QSet>

#include <algorithm>

namespace launchdeck {

namespace {

constexpr qsizetype kShortIdLength = 12;

QString plainName(const QString& name)
{
    return name.startsWith(u'/') ? name.mid(1) : name;
}

QByteArray csvField(const QString& text)
{
    if (!text.contains(u',') && !text.contains(u'"') && !text.contains(u'\n'))
        return text.toUtf8();
    QString quoted = text;
    quoted.replace(QStringLiteral("\""), QStringLiteral("\"\""));
    return '"' + quoted.toUtf8() + '"';
}

} // namespace

double metricsValue(const MetricsSample& sample, MetricsField field)
{
    switch (field) {
    case MetricsField::Cpu:
        return sample.cpuPercent;
    case MetricsField::Memory:
        return double(sample.memoryUsedBytes);
    case MetricsField::MemoryLimit:
        return double(sample.memoryLimitBytes);
    case MetricsField::NetRx:
        return sample.netRxBytesPerSecond;
    case MetricsField::NetTx:
        return sample.netTxBytesPerSecond;
    case MetricsField::BlockRead:
        return double(sample.blockReadBytes);
    case MetricsField::BlockWrite:
        return double(sample.blockWriteBytes);
    }
    return 0;
}

MetricsStore::MetricsStore(qsizetype capacity, qsizetype markerCapacity, QObject* parent)
    : QObject(parent)
    , m_capacity(std::max<qsizetype>(capacity, 1))
    , m_markerCapacity(std::max<qsizetype>(markerCapacity, 1))
{}

MetricsStore::~MetricsStore() = default;

MetricsStore::Series& MetricsStore::seriesFor(const MetricsKey& key, bool* created)
{
    auto it = m_series.find(key);
    if (it == m_series.end()) {
        auto series = std::make_shared<Series>(m_capacity, m_markerCapacity);
        series->name = key.containerId.left(kShortIdLength);
        series->stamp = ++m_lastStamp;
        it = m_series.insert(key, std::move(series));
        if (created)
            *created = true;
    }
    return **it;
}

void MetricsStore::addSamples(const QString& host, const QList<DockerStatsSample>& samples)
{
    if (samples.isEmpty())
        return;
    bool created = false;
    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    for (const DockerStatsSample& sample : samples) {
        Series& series = seriesFor({host, sample.containerId}, &created);
        MetricsSample compact;
        compact.timeMs = sample.read.isValid() ? sample.read.toMSecsSinceEpoch() : now;
        if (!series.samples.isEmpty() && compact.timeMs < series.samples.back().timeMs)
            continue;
        compact.cpuPercent = float(sample.cpuPercent);
        compact.memoryUsedBytes = sample.memoryUsedBytes;
        compact.memoryLimitBytes = sample.memoryLimitBytes;
        compact.netRxBytesPerSecond = float(sample.networkRxBytesPerSecond);
        compact.netTxBytesPerSecond = float(sample.networkTxBytesPerSecond);
        compact.blockReadBytes = sample.blockReadBytes;
        compact.blockWriteBytes = sample.blockWriteBytes;
        series.samples.push(compact);
        m_newestMs = std::max(m_newestMs, compact.timeMs);
    }
    pruneRemoved();
    if (created)
        Q_EMIT containersChanged();
    Q_EMIT samplesAdded();
}

void MetricsStore::addEvents(const QString& host, const QList<DockerEvent>& events)
{
    bool changed = false;
    for (const DockerEvent& event : events) {
        if (event.type != u"container" || event.actorId.isEmpty())
            continue;
        MetricsMarkerKind kind;
        QString label;
        if (event.action == u"start") {
            kind = MetricsMarkerKind::Start;
        } else if (event.action == u"die") {
            kind = MetricsMarkerKind::Die;
            const QString code = event.attributes.value(QStringLiteral("exitCode"));
            if (!code.isEmpty())
                label = QStringLiteral("exit ") + code;
        } else if (event.action == u"oom") {
            kind = MetricsMarkerKind::Oom;
        } else {
            continue;
        }
        bool created = false;
        Series& series = seriesFor({host, event.actorId}, &created);
        const QString name = plainName(event.attributes.value(QStringLiteral("name")));
        if (!name.isEmpty() && name != series.name) {
            series.name = name;
            changed = true;
        }
        changed = changed || created;
        const qint64 time = event.time.isValid() ? event.time.toMSecsSinceEpoch()
                                                 : QDateTime::currentMSecsSinceEpoch();
        series.markers.push({time, kind, label});
    }
    if (changed)
        Q_EMIT containersChanged();
}

void MetricsStore::addMarker(const QString& host, const QString& containerId, qint64 timeMs,
                             MetricsMarkerKind kind, const QString& label)
{
    bool created = false;
    seriesFor({host, containerId}, &created).markers.push({timeMs, kind, label});
    if (created)
        Q_EMIT containersChanged();
}

bool MetricsStore::applyContainer(const QString& host, const DockerContainer& container)
{
    bool created = false;
    Series& series = seriesFor({host, container.id}, &created);
    const QString name = plainName(container.name);
    const bool changed =
        created || (!name.isEmpty() && series.name != name) || series.state != container.state;
    if (!name.isEmpty())
        series.name = name;
    series.state = container.state;
    return changed;
}

void MetricsStore::resetContainers(const QString& host, const QList<DockerContainer>& containers)
{
    bool changed = false;
    QSet<QString> present;
    for (const DockerContainer& container : containers) {
        present.insert(container.id);
        changed = applyContainer(host, container) || changed;
    }
    for (auto it = m_series.begin(); it != m_series.end(); ++it) {
        if (it.key().host == host && !present.contains(it.key().containerId) &&
            (*it)->state != u"removed") {
            (*it)->state = QStringLiteral("removed");
            changed = true;
        }
    }
    pruneRemoved();
    if (changed)
        Q_EMIT containersChanged();
}

void MetricsStore::updateContainers(const QString& host, const QList<DockerContainer>& containers)
{
    bool changed = false;
    for (const DockerContainer& container : containers)
        changed = applyContainer(host, container) || changed;
    if (changed)
        Q_EMIT containersChanged();
}

void MetricsStore::removeContainers(const QString& host, const QStringList& ids)
{
    bool changed = false;
    for (const QString& id : ids) {
        const auto it = m_series.find({host, id});
        if (it != m_series.end() && (*it)->state != u"removed") {
            (*it)->state = QStringLiteral("removed");
            changed = true;
        }
    }
    pruneRemoved();
    if (changed)
        Q_EMIT containersChanged();
}

void MetricsStore::pruneRemoved()
{
    // Containers come and go for days; only the ring of a removed container whose last sample
    // left the longest window is let go, so the number of rings stays bounded by what is
    // viewable.
    const qint64 horizon =
        std::max(m_newestMs, QDateTime::currentMSecsSinceEpoch()) - m_retentionMs;
    bool removed = false;
    for (auto it = m_series.begin(); it != m_series.end();) {
        const Series& series = **it;
        const qint64 last = series.samples.isEmpty() ? 0 : series.samples.back().timeMs;
        if (series.state == u"removed" && last < horizon) {
            it = m_series.erase(it);
            removed = true;
        } else {
            ++it;
        }
    }
    if (removed)
        Q_EMIT containersChanged();
}

QList<MetricsContainer> MetricsStore::containers() const
{
    QList<MetricsContainer> list;
    list.reserve(m_series.size());
    for (auto it = m_series.cbegin(); it != m_series.cend(); ++it)
        list.append({it.key(), (*it)->name, (*it)->state});
    std::sort(list.begin(), list.end(), [](const MetricsContainer& a, const MetricsContainer& b) {
        if (a.key.host != b.key.host)
            return a.key.host < b.key.host;
        if (a.name != b.name)
            return a.name < b.name;
        return a.key.containerId < b.key.containerId;
    });
    return list;
}

QString MetricsStore::containerName(const MetricsKey& key) const
{
    const auto it = m_series.constFind(key);
    return it == m_series.cend() ? key.containerId.left(kShortIdLength) : (*it)->name;
}

qsizetype MetricsStore::sampleCount(const MetricsKey& key) const
{
    const auto it = m_series.constFind(key);
    return it == m_series.cend() ? 0 : (*it)->samples.size();
}

const MetricsSample& MetricsStore::sampleAt(const MetricsKey& key, qsizetype index) const
{
    return (*m_series.constFind(key))->samples.at(index);
}

QList<QPointF> MetricsStore::points(const MetricsKey& key, MetricsField field, qint64 fromMs,
                                    qint64 toMs, int columns) const
{
    QList<QPointF> out;
    const auto it = m_series.constFind(key);
    if (it == m_series.cend() || (*it)->samples.isEmpty())
        return out;
    const MetricsRing<MetricsSample>& ring = (*it)->samples;
    const auto before = [](const MetricsSample& sample, qint64 time) {
        return sample.timeMs < time;
    };
    const qsizetype first = std::max<qsizetype>(ring.lowerBound(fromMs, before) - 1, 0);
    const qsizetype end = std::min(ring.lowerBound(toMs + 1, before) + 1, ring.size());
    if (columns <= 0) {
        out.reserve(end - first);
        for (qsizetype i = first; i < end; ++i)
            out.append(QPointF(double(ring.at(i).timeMs), metricsValue(ring.at(i), field)));
        return out;
    }
    out.reserve(std::min<qsizetype>(end - first, qsizetype(columns) * 4));
    M4Decimator decimator(double(fromMs), double(toMs), columns, &out);
    for (qsizetype i = first; i < end; ++i)
        decimator.add(double(ring.at(i).timeMs), metricsValue(ring.at(i), field));
    decimator.finish();
    return out;
}

quint64 MetricsStore::lineStamp(const MetricsKey& key) const
{
    const auto it = m_series.constFind(key);
    return it == m_series.cend() ? 0 : (*it)->stamp;
}

QList<MetricsMarker> MetricsStore::markers(const MetricsKey& key, qint64 fromMs, qint64 toMs) const
{
    QList<MetricsMarker> out;
    const auto it = m_series.constFind(key);
    if (it == m_series.cend())
        return out;
    const MetricsRing<MetricsMarker>& ring = (*it)->markers;
    // Markers arrive in event order, which is time order per daemon, yet a deployment may add
    // one with its own clock: a scan of the small ring avoids relying on the order.
    for (qsizetype i = 0; i < ring.size(); ++i) {
        const MetricsMarker& marker = ring.at(i);
        if (marker.timeMs >= fromMs && marker.timeMs <= toMs)
            out.append(marker);
    }
    return out;
}

bool MetricsStore::exportCsv(QIODevice* device, const QList<MetricsKey>& keys, qint64 fromMs,
                             qint64 toMs) const
{
    if (!device->write("time,host,container,cpu_percent,memory_bytes,memory_limit_bytes,"
                       "net_rx_bps,net_tx_bps\n"))
        return false;
    for (const MetricsKey& key : keys) {
        const auto it = m_series.constFind(key);
        if (it == m_series.cend())
            continue;
        const MetricsRing<MetricsSample>& ring = (*it)->samples;
        const QByteArray prefix = ',' + csvField(key.host) + ',' + csvField((*it)->name) + ',';
        const auto before = [](const MetricsSample& sample, qint64 time) {
            return sample.timeMs < time;
        };
        for (qsizetype i = ring.lowerBound(fromMs, before); i < ring.size(); ++i) {
            const MetricsSample& sample = ring.at(i);
            if (sample.timeMs > toMs)
                break;
            const QByteArray row =
                QDateTime::fromMSecsSinceEpoch(sample.timeMs, Qt::UTC)
                    .toString(Qt::ISODateWithMs)
                    .toUtf8() +
                prefix + QByteArray::number(double(sample.cpuPercent), 'f', 2) + ',' +
                QByteArray::number(sample.memoryUsedBytes) + ',' +
                QByteArray::number(sample.memoryLimitBytes) + ',' +
                QByteArray::number(double(sample.netRxBytesPerSecond), 'f', 0) + ',' +
                QByteArray::number(double(sample.netTxBytesPerSecond), 'f', 0) + '\n';
            if (device->write(row) != row.size())
                return false;
        }
    }
    return true;
}

QByteArray MetricsStore::csv(const QList<MetricsKey>& keys, qint64 fromMs, qint64 toMs) const
{
    QByteArray text;
    QBuffer buffer(&text);
    buffer.open(QIODevice::WriteOnly);
    exportCsv(&buffer, keys, fromMs, toMs);
    return text;
}

qsizetype MetricsStore::memoryBytes() const
{
    qsizetype bytes = 0;
    for (const auto& series : m_series)
        bytes += series->samples.allocatedBytes() + series->markers.allocatedBytes();
    return bytes;
}

} // namespace launchdeck
