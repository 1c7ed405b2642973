// KubeCluster: the owner's side of the connection thread, one thread per watch and per pod log
// stream (each blocks in its request, with a client of its own), and a small pool for actions
// and reads. Every blocking request watches a flag, so the destructor joins them all at once.
#include "kubernetes/kubecluster.h"

#include "kubernetes/kubeclient.h"
#include "kubernetes/kubeclusterworker.h"
#include "kubernetes/kubelistwatch.h"

#include <QElapsedTimer>
#include <QJsonArray>
#include <QJsonDocument>
#include <QThread>
#include <QThreadPool>

#include <chrono>
#include <map>
#include <mutex>
#include <thread>
#include <vector>

namespace launchdeck::kube {

namespace {

constexpr int kCallThreads = 3;
constexpr int kFirstWatchPauseMs = 1000;
constexpr int kMaxWatchPauseMs = 30'000;

// Waits `ms`, or less when the stream is interrupted or stopped or the cluster goes (false).
bool pauseWatch(const ClusterStream& stream, const ClusterShared& shared, int ms)
{
    QElapsedTimer waited;
    waited.start();
    while (waited.elapsed() < ms) {
        if (stream.interrupt.load() || stream.stopped.load() || shared.isClosing())
            return false;
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    return true;
}

void registerMetaTypes()
{
    static std::once_flag once;
    std::call_once(once, [] {
        qRegisterMetaType<ClusterStatus>("launchdeck::kube::ClusterStatus");
        qRegisterMetaType<LiveObject>("launchdeck::kube::LiveObject");
        qRegisterMetaType<LiveChange>("launchdeck::kube::LiveChange");
        qRegisterMetaType<QList<LiveObject>>("QList<launchdeck::kube::LiveObject>");
        qRegisterMetaType<QList<LiveChange>>("QList<launchdeck::kube::LiveChange>");
        qRegisterMetaType<PodLogLine>("launchdeck::kube::PodLogLine");
        qRegisterMetaType<QList<PodLogLine>>("QList<launchdeck::kube::PodLogLine>");
        qRegisterMetaType<PodMetrics>("launchdeck::kube::PodMetrics");
        qRegisterMetaType<QList<PodMetrics>>("QList<launchdeck::kube::PodMetrics>");
    });
}

} // namespace

void KubeCluster::Private::retire(ClusterRunner runner)
{
    shared->stop(*runner.stream);
    retired.push_back(std::move(runner));
    std::erase_if(retired, [](ClusterRunner& old) {
        if (!old.done->load())
            return false;
        old.thread.join();
        return true;
    });
}

void KubeCluster::Private::call(std::function<void(ClusterShared&, KubeClient&, quint64)> work)
{
    calls->start([shared = shared, work = std::move(work)] {
        if (shared->isClosing())
            return;
        const std::unique_ptr<KubeClient> client = shared->makeClient();
        quint64 generation = 0;
        shared->currentDiscovery(&generation);
        work(*shared, *client, generation);
    });
}

KubeCluster::KubeCluster(QString name, ClusterConnection connection, QString defaultNamespace,
                         ClusterOptions options, QObject* parent)
    : QObject(parent)
    , d(std::make_unique<Private>())
{
    registerMetaTypes();
    d->name = std::move(name);
    d->connection = std::move(connection);
    d->defaultNamespace =
        defaultNamespace.isEmpty() ? QStringLiteral("default") : std::move(defaultNamespace);
    d->shared = std::make_shared<ClusterShared>(d->name, d->connection, options, this);
    d->thread = std::make_unique<QThread>();
    d->thread->setObjectName(QStringLiteral("kubernetes ") + d->name);
    d->worker = new KubeClusterWorker(d->shared);
    d->shared->setWorker(d->worker);
    d->worker->moveToThread(d->thread.get());
    d->calls = std::make_unique<QThreadPool>();
    d->calls->setMaxThreadCount(kCallThreads);
    connect(d->thread.get(), &QThread::finished, d->worker, &QObject::deleteLater);
    connect(d->worker, &KubeClusterWorker::statusChanged, this,
            [this](const ClusterStatus& status, bool discovered) {
                if (discovered) {
                    if (std::optional<Discovery> current = d->shared->currentDiscovery())
                        d->discovery = std::move(*current);
                }
                d->status = status;
                if (discovered)
                    Q_EMIT this->discovered();
                Q_EMIT statusChanged(d->status);
            });
    d->thread->start();
}

KubeCluster::~KubeCluster()
{
    // Every request watches the closing flag and ends within a few tens of milliseconds, so no
    // join below outlasts a server that never answers.
    d->shared->close();
    d->thread->quit();
    d->thread->wait();
    for (auto& [id, runner] : d->watches)
        runner.thread.join();
    for (auto& [id, runners] : d->logs)
        for (ClusterRunner& runner : runners)
            runner.thread.join();
    for (ClusterRunner& runner : d->retired)
        runner.thread.join();
    d->calls->clear();
    d->calls->waitForDone();
}

const QString& KubeCluster::name() const
{
    return d->name;
}

const QString& KubeCluster::server() const
{
    return d->connection.server;
}

const QString& KubeCluster::contextName() const
{
    return d->connection.contextName;
}

const QString& KubeCluster::defaultNamespace() const
{
    return d->defaultNamespace;
}

const ClusterStatus& KubeCluster::status() const
{
    return d->status;
}

const Discovery& KubeCluster::discovery() const
{
    return d->discovery;
}

void KubeCluster::start()
{
    QMetaObject::invokeMethod(d->worker, &KubeClusterWorker::start, Qt::QueuedConnection);
}

void KubeCluster::retryNow()
{
    QMetaObject::invokeMethod(d->worker, &KubeClusterWorker::retryNow, Qt::QueuedConnection);
}

void KubeCluster::Private::runWatch(const std::shared_ptr<ClusterShared>& shared,
                                    ClusterStream& stream, quint64 id, const QString& kind,
                                    const QString& nameSpace, const QString& labelSelector)
{
    const std::unique_ptr<KubeClient> client = shared->makeClient();
    WatchSink sink;
    sink.reset = [&shared, id](const QList<LiveObject>& objects) {
        shared->post([id, objects](KubeCluster* cluster) {
            if (cluster->d->watches.count(id))
                Q_EMIT cluster->objectsReset(id, objects);
        });
    };
    sink.changed = [&shared, id](const QList<LiveChange>& changes) {
        shared->post([id, changes](KubeCluster* cluster) {
            if (cluster->d->watches.count(id))
                Q_EMIT cluster->objectsChanged(id, changes);
        });
    };
    const auto failed = [&shared, id](const QString& error) {
        shared->post([id, error](KubeCluster* cluster) {
            if (cluster->d->watches.count(id))
                Q_EMIT cluster->watchFailed(id, error);
        });
    };
    quint64 generation = 0;
    Discovery discovery;
    // Each connection lists afresh (a reset), then watches until the connection drops.
    while ((generation = shared->waitForConnection(generation, stream, &discovery)) != 0) {
        const ResourceInfo* resource = discovery.find(kind);
        if (!resource) {
            failed(QStringLiteral("cluster %1 serves no kind \"%2\"").arg(shared->name(), kind));
            return;
        }
        WatchSpec spec;
        spec.resource = *resource;
        spec.nameSpace = resource->namespaced ? nameSpace : QString();
        spec.labelSelector = labelSelector;
        spec.bookmarkTimeoutMs = shared->options().watchIdleTimeoutMs;
        WatchEnd end;
        // A server that answers but cannot serve now (5xx, 429) is asked again after a
        // growing pause on the same connection; anything else ends this round.
        for (int pauseMs = kFirstWatchPauseMs;; pauseMs = std::min(2 * pauseMs, kMaxWatchPauseMs)) {
            end = listAndWatch(*client, spec, sink, &stream.interrupt);
            if (!end.isTransient())
                break;
            if (!pauseWatch(stream, *shared, pauseMs)) {
                end.cancelled = true; // stopped, or the connection dropped meanwhile
                break;
            }
            qCWarning(lcKubeCluster).noquote()
                << u"the watch of " + kind + u" on " + shared->name() + u" failed (" + end.error +
                       u"); trying again in " + QString::number(pauseMs) + u" ms";
        }
        if (stream.stopped.load())
            return;
        if (end.cancelled)
            continue; // the connection dropped: again once it is back
        if (end.unreachable) {
            shared->lost(generation, end.error);
            continue;
        }
        failed(end.error);
        return;
    }
}

quint64 KubeCluster::watch(const QString& kind, const QString& nameSpace,
                           const QString& labelSelector)
{
    const quint64 id = ++d->lastId;
    ClusterRunner runner;
    runner.stream = std::make_shared<ClusterStream>();
    d->shared->add(runner.stream);
    runner.thread = std::thread([shared = d->shared, stream = runner.stream, done = runner.done, id,
                                 kind, nameSpace, labelSelector] {
        Private::runWatch(shared, *stream, id, kind, nameSpace, labelSelector);
        done->store(true);
    });
    d->watches.emplace(id, std::move(runner));
    return id;
}

void KubeCluster::unwatch(quint64 watchId)
{
    const auto it = d->watches.find(watchId);
    if (it == d->watches.end())
        return;
    ClusterRunner runner = std::move(it->second);
    d->watches.erase(it);
    d->retire(std::move(runner));
}

void KubeCluster::Private::runPodLog(const std::shared_ptr<ClusterShared>& shared,
                                     ClusterStream& stream, quint64 id,
                                     const PodLogRequest& request, const QString& pod,
                                     const std::shared_ptr<ClusterLogTally>& tally)
{
    const std::unique_ptr<KubeClient> client = shared->makeClient();
    // Where a stream broken by a reconnect resumes: the last time seen and every line read at
    // that time, so identical lines in one burst are neither repeated nor lost.
    PodLogPosition position;
    const auto onLines = [&shared, id](const QList<PodLogLine>& lines) {
        if (lines.isEmpty())
            return;
        shared->post([id, lines](KubeCluster* cluster) {
            if (cluster->d->logs.count(id))
                Q_EMIT cluster->logLines(id, lines);
        });
    };
    quint64 generation = 0;
    PodLogEnd end;
    while ((generation = shared->waitForConnection(generation, stream, nullptr)) != 0) {
        end = streamPodLog(*client, request, pod, &position, onLines, &stream.interrupt);
        if (stream.stopped.load())
            return;
        if (end.cancelled)
            continue;
        if (end.unreachable) {
            shared->lost(generation, end.error);
            continue;
        }
        break;
    }
    if (generation == 0)
        return; // stopped, or the cluster went
    QString error;
    {
        const std::lock_guard lock(tally->mutex);
        if (!end.error.isEmpty())
            tally->errors.append(request.pods.size() > 1 ? pod + u": " + end.error : end.error);
        error = tally->errors.join(QStringLiteral("; "));
    }
    if (tally->running.fetch_sub(1) != 1)
        return;
    shared->post([id, error](KubeCluster* cluster) {
        const auto it = cluster->d->logs.find(id);
        if (it == cluster->d->logs.end())
            return;
        for (ClusterRunner& runner : it->second)
            cluster->d->retire(std::move(runner));
        cluster->d->logs.erase(it);
        Q_EMIT cluster->logEnded(id, error);
    });
}

quint64 KubeCluster::followLogs(const PodLogRequest& request)
{
    const quint64 id = ++d->lastId;
    auto tally = std::make_shared<ClusterLogTally>();
    tally->running.store(int(request.pods.size()));
    std::vector<ClusterRunner> runners;
    for (const QString& pod : request.pods) {
        ClusterRunner runner;
        runner.stream = std::make_shared<ClusterStream>();
        d->shared->add(runner.stream);
        runner.thread = std::thread([shared = d->shared, stream = runner.stream, done = runner.done,
                                     id, request, pod, tally] {
            Private::runPodLog(shared, *stream, id, request, pod, tally);
            done->store(true);
        });
        runners.push_back(std::move(runner));
    }
    d->logs.emplace(id, std::move(runners));
    if (request.pods.isEmpty()) {
        const QString error = QStringLiteral("no pod to follow the log of");
        d->shared->post([id, error](KubeCluster* cluster) {
            if (cluster->d->logs.erase(id))
                Q_EMIT cluster->logEnded(id, error);
        });
    }
    return id;
}

void KubeCluster::stopLogs(quint64 streamId)
{
    const auto it = d->logs.find(streamId);
    if (it == d->logs.end())
        return;
    std::vector<ClusterRunner> runners = std::move(it->second);
    d->logs.erase(it);
    for (ClusterRunner& runner : runners)
        d->retire(std::move(runner));
}

} // namespace launchdeck::kube