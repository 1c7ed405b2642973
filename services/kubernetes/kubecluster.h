// One Kubernetes cluster as the console sees it, owned by the workspace session like a Docker
// host: a worker thread keeps the connection (Connecting, Connected, or Disconnected and
// retrying with backoff, with "retry now"), discovery, and the list+watch of what is visible
// or needed; the actions, reads, logs and pod metrics run off the caller's thread and answer
// with signals carrying their request id. Every signal carries values.
#pragma once

#include "kubernetes/clusterconnection.h"
#include "kubernetes/kubediscovery.h"
#include "kubernetes/liveobject.h"
#include "kubernetes/podlogstream.h"
#include "kubernetes/podmetrics.h"

#include <QList>
#include <QObject>
#include <QString>
#include <QStringList>

#include <memory>

namespace launchdeck::kube {

enum class ClusterState { Connecting, Connected, Disconnected };

struct ClusterStatus
{
    ClusterState state = ClusterState::Connecting;
    QString error;         // why the last attempt failed (Disconnected)
    int attempt = 0;       // failed attempts since the last success
    int retryInMs = 0;     // until the next attempt, when Disconnected
    QString serverVersion; // "v1.31.0" once connected
    QString warning;       // TLS verification off, and the like: shown beside the cluster
};

struct ClusterOptions
{
    int firstBackoffMs = 500;
    int maxBackoffMs = 30'000;
    int heartbeatMs = 10'000; // GET /version while connected: notices a hung server
    int requestTimeoutMs = 15'000;
    int watchIdleTimeoutMs = 0; // no byte on a watch for this long: hung (0: the default)
};

class KubeClusterWorker;

class KubeCluster final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(KubeCluster)

public:
    // `name` names it in messages and the views (the target's name, or the context's).
    // `defaultNamespace`: the target's namespace, else the context's, else "default".
    KubeCluster(QString name, ClusterConnection connection, QString defaultNamespace,
                ClusterOptions options = {}, QObject* parent = nullptr);
    // Stops every watch and stream and joins the threads within a few hundred milliseconds,
    // however the server behaves.
    ~KubeCluster() override;

    const QString& name() const;
    const QString& server() const; // the API server's URL
    const QString& contextName() const;
    const QString& defaultNamespace() const;
    const ClusterStatus& status() const;
    // The last discovery (empty before the first connection).
    const Discovery& discovery() const;

    void start();
    void retryNow();

    // Lists then watches `kind` (a kind, plural or short name) in `nameSpace` (empty: all
    // namespaces); objectsReset follows with the whole set, then objectsChanged. Survives
    // reconnects (a reset follows each). Returns the watch's id.
    quint64 watch(const QString& kind, const QString& nameSpace, const QString& labelSelector = {});
    void unwatch(quint64 watchId);

    // Actions: each answers actionFinished once, with the API server's message on failure.
    quint64 scale(const QString& kind, const QString& nameSpace, const QString& name, int replicas);
    // As `kubectl rollout restart`: the template's kubectl.kubernetes.io/restartedAt annotation.
    quint64 restart(const QString& kind, const QString& nameSpace, const QString& name);
    quint64 setImage(const QString& kind, const QString& nameSpace, const QString& name,
                     const QString& container, const QString& image);
    quint64 remove(const QString& kind, const QString& nameSpace, const QString& name);

    // Reads: objectRead / listed answer once.
    quint64 read(const QString& kind, const QString& nameSpace, const QString& name);
    quint64 list(const QString& kind, const QString& nameSpace, const QString& labelSelector = {},
                 const QString& fieldSelector = {});
    // metrics.k8s.io PodMetrics of a namespace (empty: all); podMetricsRead answers once.
    quint64 podMetrics(const QString& nameSpace);

    // A log stream (see PodLogRequest); logLines until logEnded. Resumes after a reconnect
    // without repeating lines. stopLogs ends it without a logEnded.
    quint64 followLogs(const PodLogRequest& request);
    void stopLogs(quint64 streamId);

Q_SIGNALS:
    void statusChanged(const launchdeck::kube::ClusterStatus& status);
    void discovered(); // discovery() changed
    void objectsReset(quint64 watchId, const QList<launchdeck::kube::LiveObject>& objects);
    void objectsChanged(quint64 watchId, const QList<launchdeck::kube::LiveChange>& changes);
    // The watch cannot run (forbidden, kind not served): not a connection problem.
    void watchFailed(quint64 watchId, const QString& error);
    void actionFinished(quint64 request, const QString& error);
    void objectRead(quint64 request, const launchdeck::kube::LiveObject& object,
                    const QString& error);
    void listed(quint64 request, const QList<launchdeck::kube::LiveObject>& objects,
                const QString& error);
    void podMetricsRead(quint64 request, const QList<launchdeck::kube::PodMetrics>& metrics,
                        const QString& error);
    void logLines(quint64 streamId, const QList<launchdeck::kube::PodLogLine>& lines);
    // The stream ended for good: `error` empty when the pods ended and follow was off.
    void logEnded(quint64 streamId, const QString& error);

private:
    struct Private;
    std::unique_ptr<Private> d;
};

} // namespace launchdeck::kube

Q_DECLARE_METATYPE(launchdeck::kube::ClusterStatus)
