// The pods of Kubernetes clusters as Live Metrics lines: reads each cluster's metrics.k8s.io at
// the metrics' own resolution while the charts show, and records every pod (its containers
// summed) and each of its containers into the store beside the Docker containers, so the same
// charts, windows, exports and markers serve them. A cluster without the metrics API gets a note
// for the picker instead of pods.
#pragma once

#include "kubernetes/podmetrics.h"
#include "metricsstore.h"

#include <QHash>
#include <QList>
#include <QObject>
#include <QString>
#include <QStringList>

#include <functional>
#include <memory>

namespace launchdeck {

class PodMetricsSource final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(PodMetricsSource)

public:
    // Starts one read of the PodMetrics of `nameSpace` and returns its id, which the answer
    // brings back to applyAnswer() (KubeCluster::podMetrics and podMetricsRead).
    using Request = std::function<quint64(const QString& nameSpace)>;
    struct Cluster
    {
        QString name; // the store's host and the picker's group
        QString nameSpace;
        Request request;
    };

    // metrics-server's default window; the answers' own window replaces it.
    static constexpr int kDefaultIntervalMs = 30'000;
    // However short a window a server states, no cluster is read more often.
    static constexpr int kMinIntervalMs = 10'000;
    static constexpr int kMaxBackoffMs = 120'000;

    // The store is not owned and must outlive the source.
    explicit PodMetricsSource(MetricsStore* store, QObject* parent = nullptr);
    ~PodMetricsSource() override;

    // Replaces the clusters given before: the pods of a cluster no longer given are marked
    // removed; a new cluster is read at once when active.
    void setClusters(const QList<Cluster>& clusters);
    QStringList clusters() const;

    // Reads only while active (the charts show); becoming active reads what fell due meanwhile.
    void setActive(bool active);
    bool isActive() const { return m_active; }

    // An answer to a request; one that is not the cluster's latest is dropped. `error` tells a
    // cluster without the metrics API by kube::isMetricsNotServed.
    void applyAnswer(const QString& cluster, quint64 request, const QList<kube::PodMetrics>& pods,
                     const QString& error);

    // How long after the last answer the next read of `cluster` starts.
    int intervalMs(const QString& cluster) const;
    bool isReading(const QString& cluster) const;
    // What the picker shows in place of the cluster's name; empty while all is well.
    QString note(const QString& cluster) const;

    // The store's keys: a pod's, and one of its containers'.
    static MetricsKey podKey(const QString& cluster, const QString& nameSpace, const QString& pod);
    static MetricsKey containerKey(const QString& cluster, const QString& nameSpace,
                                   const QString& pod, const QString& container);
    // Whether the key is a pod's or a pod container's (one of these keys) rather than a Docker
    // container's, which have no network lines here.
    static bool isPodKey(const MetricsKey& key) { return key.containerId.contains(u'/'); }

Q_SIGNALS:
    // `detail` is the full message behind a note (a tooltip).
    void noteChanged(const QString& cluster, const QString& note, const QString& detail);

private:
    struct State;

    void read(State& state);
    void record(const State& state, const QList<kube::PodMetrics>& pods);
    void setNote(State& state, const QString& note, const QString& detail);

    MetricsStore* m_store;
    QHash<QString, std::shared_ptr<State>> m_clusters;
    bool m_active = false;
};

} // namespace launchdeck
