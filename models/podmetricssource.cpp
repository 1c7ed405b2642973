// One single-shot timer per cluster re-armed when its answer arrives, so reads never overlap;
// a pod becomes a store entry whose samples are the sum of its containers, each container
// another entry named after its pod so the picker lists it right below.
#include "podmetricssource.h"

#include <QDateTime>
#include <QTimer>

#include <algorithm>
#include <cmath>

namespace launchdeck {

struct PodMetricsSource::State
{
    QString name;
    QString nameSpace;
    Request request;
    std::unique_ptr<QTimer> timer = std::make_unique<QTimer>();
    quint64 pending = 0;
    bool reading = false;
    bool due = true; // a read fell due while inactive, or none happened yet
    int intervalMs = kDefaultIntervalMs;
    int failures = 0;
    QString note;
    QString detail;
};

PodMetricsSource::PodMetricsSource(MetricsStore* store, QObject* parent)
    : QObject(parent)
    , m_store(store)
{}

PodMetricsSource::~PodMetricsSource() = default;

MetricsKey PodMetricsSource::podKey(const QString& cluster, const QString& nameSpace,
                                    const QString& pod)
{
    return {cluster, nameSpace % u'/' % pod};
}

MetricsKey PodMetricsSource::containerKey(const QString& cluster, const QString& nameSpace,
                                          const QString& pod, const QString& container)
{
    return {cluster, nameSpace % u'/' % pod % u'/' % container};
}

void PodMetricsSource::setClusters(const QList<Cluster>& clusters)
{
    QHash<QString, std::shared_ptr<State>> next;
    for (const Cluster& cluster : clusters) {
        std::shared_ptr<State> state = m_clusters.value(cluster.name);
        if (!state) {
            state = std::make_shared<State>();
            state->name = cluster.name;
            state->timer->setSingleShot(true);
            State* raw = state.get();
            connect(state->timer.get(), &QTimer::timeout, this, [this, raw] {
                raw->due = true;
                read(*raw);
            });
        }
        // Another connection object answers with ids of its own: what the old one was asked
        // is not coming, so the cluster is read again at once.
        state->nameSpace = cluster.nameSpace;
        state->request = cluster.request;
        state->reading = false;
        state->due = true;
        state->timer->stop();
        next.insert(cluster.name, state);
    }
    for (auto it = m_clusters.cbegin(); it != m_clusters.cend(); ++it) {
        if (next.contains(it.key()))
            continue;
        m_store->resetContainers(it.key(), {});
        setNote(**it, {}, {});
    }
    m_clusters = std::move(next);
    for (const std::shared_ptr<State>& state : std::as_const(m_clusters))
        read(*state);
}

QStringList PodMetricsSource::clusters() const
{
    QStringList names = m_clusters.keys();
    names.sort();
    return names;
}

void PodMetricsSource::setActive(bool active)
{
    if (active == m_active)
        return;
    m_active = active;
    if (!active)
        return;
    for (const std::shared_ptr<State>& state : std::as_const(m_clusters)) {
        if (state->due)
            read(*state);
    }
}

void PodMetricsSource::read(State& state)
{
    if (!m_active || state.reading || !state.request)
        return;
    state.due = false;
    state.reading = true;
    state.pending = state.request(state.nameSpace);
}

void PodMetricsSource::applyAnswer(const QString& cluster, quint64 request,
                                   const QList<kube::PodMetrics>& pods, const QString& error)
{
    const auto it = m_clusters.constFind(cluster);
    if (it == m_clusters.cend() || !(*it)->reading || (*it)->pending != request)
        return;
    State& state = **it;
    state.reading = false;
    if (!error.isEmpty() && kube::isMetricsNotServed(error)) {
        // Not a failure to back off from: metrics-server may be installed any time.
        state.failures = 0;
        state.intervalMs = kDefaultIntervalMs;
        m_store->resetContainers(state.name, {});
        setNote(state, tr("%1: no metrics API (metrics-server is not installed)").arg(state.name),
                error);
    } else if (!error.isEmpty() && pods.isEmpty()) {
        // The pods keep their entries: a passing failure is not their end.
        ++state.failures;
        setNote(state,
                tr("%1: reading pod metrics failed, retry %2").arg(state.name).arg(state.failures),
                error);
    } else {
        state.failures = 0;
        // The finest window any pod was measured over is the resolution there is to see.
        double window = 0;
        for (const kube::PodMetrics& pod : pods) {
            if (pod.windowSeconds > 0 && (window == 0 || pod.windowSeconds < window))
                window = pod.windowSeconds;
        }
        state.intervalMs = window > 0 ? std::max(kMinIntervalMs, int(std::ceil(window * 1000)))
                                      : kDefaultIntervalMs;
        record(state, pods);
        setNote(state,
                error.isEmpty() ? QString()
                                : tr("%1: some pod metrics could not be read").arg(state.name),
                error);
    }
    const int shift = std::min(std::max(state.failures - 1, 0), 8);
    state.timer->start(state.failures == 0 ? state.intervalMs
                                           : std::min(kMaxBackoffMs, state.intervalMs << shift));
}

void PodMetricsSource::record(const State& state, const QList<kube::PodMetrics>& pods)
{
    const QString running = QStringLiteral("running");
    const QDateTime now = QDateTime::currentDateTimeUtc();
    // With every namespace read, a pod is known by its namespace too.
    const bool qualified = state.nameSpace.isEmpty();
    QList<DockerContainer> catalogue;
    QList<DockerStatsSample> samples;
    for (const kube::PodMetrics& pod : pods) {
        const QString podName = qualified ? pod.nameSpace % u'/' % pod.pod : pod.pod;
        const QDateTime at = pod.timestamp.isValid() ? pod.timestamp : now;
        const auto add = [&](const MetricsKey& key, const QString& name, double cores,
                             double bytes) {
            DockerContainer entry;
            entry.id = key.containerId;
            entry.name = name;
            entry.state = running;
            catalogue.append(entry);
            // metrics-server answers with the same measurement until its next scrape: one
            // point per measurement.
            const qsizetype held = m_store->sampleCount(key);
            if (held > 0 && m_store->sampleAt(key, held - 1).timeMs >= at.toMSecsSinceEpoch())
                return;
            DockerStatsSample sample;
            sample.containerId = key.containerId;
            sample.read = at;
            sample.cpuPercent = cores * 100; // as docker stats shows it: 100 per core
            sample.memoryUsedBytes = quint64(std::llround(std::max(bytes, 0.0)));
            samples.append(sample);
        };
        double cores = 0;
        double bytes = 0;
        for (const kube::ContainerUsage& container : pod.containers) {
            cores += container.cpuCores;
            bytes += container.memoryBytes;
        }
        add(podKey(state.name, pod.nameSpace, pod.pod), podName, cores, bytes);
        for (const kube::ContainerUsage& container : pod.containers)
            add(containerKey(state.name, pod.nameSpace, pod.pod, container.name),
                podName % QStringLiteral(" / ") % container.name, container.cpuCores,
                container.memoryBytes);
    }
    m_store->resetContainers(state.name, catalogue);
    m_store->addSamples(state.name, samples);
}

void PodMetricsSource::setNote(State& state, const QString& note, const QString& detail)
{
    if (note == state.note && detail == state.detail)
        return;
    state.note = note;
    state.detail = detail;
    Q_EMIT noteChanged(state.name, note, detail);
}

int PodMetricsSource::intervalMs(const QString& cluster) const
{
    const std::shared_ptr<State> state = m_clusters.value(cluster);
    return state ? state->intervalMs : kDefaultIntervalMs;
}

bool PodMetricsSource::isReading(const QString& cluster) const
{
    const std::shared_ptr<State> state = m_clusters.value(cluster);
    return state && state->reading;
}

QString PodMetricsSource::note(const QString& cluster) const
{
    const std::shared_ptr<State> state = m_clusters.value(cluster);
    return state ? state->note : QString();
}

} // namespace launchdeck
