// The inside of a KubeCluster (see kubecluster.h): the state its threads share (the current
// connection and its discovery, the streams to interrupt when it drops, the way back to the
// owner's thread) and the worker that keeps the connection on a thread of its own.
#pragma once

#include "kubernetes/execcredential.h"
#include "kubernetes/kubecluster.h"

#include <QLoggingCategory>
#include <QObject>
#include <QStringList>
#include <QThread>
#include <QThreadPool>
#include <QTimer>

#include <atomic>
#include <condition_variable>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <thread>
#include <vector>

namespace launchdeck::kube {

Q_DECLARE_LOGGING_CATEGORY(lcKubeCluster)

class KubeClient;
class KubeClusterWorker;

// One watch or one pod's log stream, as the connection sees it.
struct ClusterStream
{
    std::atomic_bool interrupt{false}; // ends the request in progress (reconnect or stop)
    std::atomic_bool stopped{false};   // for good: unwatch, stopLogs, the cluster going
};

class ClusterShared final
{
public:
    ClusterShared(QString name, ClusterConnection connection, ClusterOptions options,
                  KubeCluster* owner);
    ClusterShared(const ClusterShared&) = delete;
    ClusterShared& operator=(const ClusterShared&) = delete;

    const QString& name() const { return m_name; }
    // A client's error without the cluster's label in front ("cluster NAME (URL): "), for a
    // message or view that names the cluster itself.
    QString reasonOf(const QString& error) const;
    const ClusterConnection& connection() const { return m_connection; }
    const ClusterOptions& options() const { return m_options; }
    const std::atomic_bool* closing() const { return &m_closing; }
    bool isClosing() const { return m_closing.load(); }

    // A client for the calling thread; the cluster's exec credential plugin runs once for all.
    std::unique_ptr<KubeClient> makeClient() const;

    void setWorker(KubeClusterWorker* worker);
    // A new connection is up: streams waiting for one go on.
    quint64 connected(Discovery discovery);
    // The connection dropped: every stream's request in progress ends.
    void disconnected();
    // A stream or a call of connection `generation` could not reach the server.
    void lost(quint64 generation, const QString& error);

    // Blocks until a connection newer than `after` is up, then arms `stream` for it; 0 when the
    // stream is stopped or the cluster goes first.
    quint64 waitForConnection(quint64 after, ClusterStream& stream, Discovery* discovery);
    // The current discovery, when connected; none otherwise.
    std::optional<Discovery> currentDiscovery(quint64* generation = nullptr) const;

    void add(const std::shared_ptr<ClusterStream>& stream);
    void stop(ClusterStream& stream);

    // Runs `deliver(owner)` on the owner's thread; dropped once the owner has gone.
    void post(std::function<void(KubeCluster*)> deliver);
    // The owner is going: no delivery any more, every request ends, every waiter wakes.
    void close();

private:
    const QString m_name;
    const ClusterConnection m_connection;
    const QString m_labelPrefix; // clusterLabel() and ": "
    // The exec plugin every client of the cluster signs in with: it runs once per credential.
    const std::shared_ptr<ExecCredentialProvider> m_plugin;
    const ClusterOptions m_options;
    std::atomic_bool m_closing{false};

    mutable std::mutex m_mutex;
    std::condition_variable m_wake;
    KubeCluster* m_owner;
    KubeClusterWorker* m_worker = nullptr;
    quint64 m_generation = 0;
    bool m_connected = false;
    Discovery m_discovery;
    std::vector<std::weak_ptr<ClusterStream>> m_streams;
};

class KubeClusterWorker final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(KubeClusterWorker)

public:
    explicit KubeClusterWorker(std::shared_ptr<ClusterShared> shared);
    ~KubeClusterWorker() override;

    // Each runs on the worker's thread, queued from the owner or from a stream.
    void start();
    void retryNow();
    void connectionLost(quint64 generation, const QString& error);

Q_SIGNALS:
    // `discovered`: the shared discovery is a new one.
    void statusChanged(const launchdeck::kube::ClusterStatus& status, bool discovered);

private:
    void connect();
    void heartbeat();
    void fail(const QString& error);
    int backoffMs(int attempt) const;
    KubeClient& client();

    std::shared_ptr<ClusterShared> m_shared;
    std::unique_ptr<KubeClient> m_client; // made on this thread, at the first attempt
    QTimer m_backoff{this};
    QTimer m_heartbeat{this};
    ClusterStatus m_status;
    quint64 m_generation = 0;
    bool m_started = false;
};

// A thread the owner joins once it says it is done, or in the destructor.
struct ClusterRunner
{
    std::shared_ptr<ClusterStream> stream;
    std::shared_ptr<std::atomic_bool> done = std::make_shared<std::atomic_bool>(false);
    std::thread thread;
};

// What the pod streams of one followLogs share: how many still run, and why they ended.
struct ClusterLogTally
{
    std::atomic_int running{0};
    std::mutex mutex;
    QStringList errors;
};

struct KubeCluster::Private
{
    QString name;
    ClusterConnection connection;
    QString defaultNamespace;
    ClusterStatus status;
    Discovery discovery;
    std::shared_ptr<ClusterShared> shared;
    std::unique_ptr<QThread> thread;
    KubeClusterWorker* worker = nullptr; // lives on thread, deleted as it finishes
    std::unique_ptr<QThreadPool> calls;
    quint64 lastId = 0;
    std::map<quint64, ClusterRunner> watches;
    std::map<quint64, std::vector<ClusterRunner>> logs;
    std::vector<ClusterRunner> retired; // stopped, joined once done

    // Stops the runner; it is joined once done (here, at a later retire, or in the destructor).
    void retire(ClusterRunner runner);
    // Runs `work` on the call pool with a client of its own; `generation` is the connection it
    // ran under.
    void call(std::function<void(ClusterShared&, KubeClient&, quint64 generation)> work);

    static void runWatch(const std::shared_ptr<ClusterShared>& shared, ClusterStream& stream,
                         quint64 id, const QString& kind, const QString& nameSpace,
                         const QString& labelSelector);
    static void runPodLog(const std::shared_ptr<ClusterShared>& shared, ClusterStream& stream,
                          quint64 id, const PodLogRequest& request, const QString& pod,
                          const std::shared_ptr<ClusterLogTally>& tally);
};

} // namespace launchdeck::kube
