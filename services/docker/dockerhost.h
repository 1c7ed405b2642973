// One Docker host as the console sees it: a worker thread of its own keeps the live state
// (containers, images, networks, volumes) and the stats of every running container, and
// reconnects with backoff; actions run off the caller's thread and answer with signals.
#pragma once

#include "docker/dockerendpoint.h"
#include "docker/dockerimagetransfer.h"
#include "docker/dockertypes.h"

#include <QHash>
#include <QJsonObject>
#include <QList>
#include <QObject>
#include <QString>
#include <QStringList>

#include <atomic>
#include <memory>

class QThread;
class QThreadPool;

namespace launchdeck {

class DockerHostWorker;
template <typename Target> class DockerHostMailbox;

enum class DockerConnectionState {
    Connecting,   // the first attempt, or retryNow()
    Connected,    // listed, and the events stream is open
    Disconnected, // the last attempt failed or the connection dropped; retrying after a backoff
};

struct DockerHostStatus
{
    DockerConnectionState state = DockerConnectionState::Connecting;
    QString error;         // why the last attempt failed or the connection dropped
    int attempt = 0;       // failed attempts since the last success
    int retryInMs = 0;     // until the next attempt, when Disconnected
    DockerVersion version; // when Connected
};

enum class DockerContainerAction { Start, Stop, Restart, Pause, Unpause, Rename, Remove };

struct DockerHostOptions
{
    int firstBackoffMs = 500;  // doubled per failed attempt…
    int maxBackoffMs = 30'000; // …up to this
    bool collectStats = true;  // one stats stream per running container
    // While connected, /_ping every heartbeatMs: a daemon that hangs with its sockets open
    // sends nothing on the events stream, and only an unanswered ping tells it from a quiet one.
    int heartbeatMs = 10'000;
    int heartbeatTimeoutMs = 5'000;
};

class DockerHost final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(DockerHost)

public:
    DockerHost(QString name, DockerEndpoint endpoint, DockerHostOptions options = {},
               QObject* parent = nullptr);
    // Ends every stream and joins the worker thread; returns at once even while the daemon
    // hangs: calls blocked on it finish by their own timeouts, and their answers are dropped.
    ~DockerHost() override;

    const QString& name() const { return m_name; }
    const DockerEndpoint& endpoint() const { return m_endpoint; }
    // The last status signalled, as seen on this object's thread.
    const DockerHostStatus& status() const { return m_status; }
    // The negotiated API version, for streams the caller opens itself (logs); empty until the
    // first connection.
    QString apiVersion() const { return m_status.version.apiVersion; }

    // Connects, lists and follows events; reconnects by itself when the daemon goes away.
    void start();
    // Attempts to connect now instead of waiting out the backoff.
    void retryNow();

    // Asynchronous calls; each answers with the request id it returns. A Rename takes the new
    // name as `argument`; a Remove with argument "force" removes a running container.
    quint64 containerAction(DockerContainerAction action, const QString& containerId,
                            const QString& argument = {});
    quint64 inspectContainer(const QString& containerId);
    quint64 removeImage(const QString& imageId, bool force);
    // Pulls `image` ("registry:5000/shop/web:1.0") from its registry, or pushes it there, with
    // the credentials the docker configuration holds for that registry (none: anonymous), on a
    // pool of their own so a long transfer holds no other action. Answers with
    // transferProgressed batches, then one transferFinished unless cancelled.
    quint64 pullImage(const QString& image);
    quint64 pushImage(const QString& image);
    // Ends a running pull or push within a moment; its transferFinished says "cancelled".
    void cancelTransfer(quint64 request);

Q_SIGNALS:
    void statusChanged(const launchdeck::DockerHostStatus& status);
    // The full state after each (re)connection; everything not in it is gone.
    void containersReset(const QList<launchdeck::DockerContainer>& containers);
    // Containers that appeared or changed since, as events told (coalesced).
    void containersChanged(const QList<launchdeck::DockerContainer>& containers);
    void containersRemoved(const QStringList& ids);
    void imagesReset(const QList<launchdeck::DockerImage>& images);
    void networksReset(const QList<launchdeck::DockerNetwork>& networks);
    void volumesReset(const QList<launchdeck::DockerVolume>& volumes);
    // The samples of about one second, batched across containers.
    void statsSampled(const QList<launchdeck::DockerStatsSample>& samples);
    // Every event of the daemon as it arrives (markers on the charts, the log of the host).
    void eventsReceived(const QList<launchdeck::DockerEvent>& events);
    // `error` is empty on success; it names the action, the container and the daemon's message.
    void actionFinished(quint64 request, const QString& error);
    void containerInspected(quint64 request, const QJsonObject& inspect, const QString& error);
    void imageRemoved(quint64 request, const QString& error);
    // The lines of a pull or push of about a tenth of a second, in the daemon's order.
    void transferProgressed(quint64 request, const QList<launchdeck::PullProgress>& lines);
    // `error` is empty when `image` (its digest and layer count) was transferred; otherwise the
    // daemon's words (unauthorized, manifest unknown, a registry it cannot reach) or why the
    // credentials could not be read, naming the image.
    void transferFinished(quint64 request, const launchdeck::TransferredImage& image,
                          const QString& error);

private:
    void setStatus(const launchdeck::DockerHostStatus& status);
    template <typename Work> void runAction(Work work);
    quint64 transfer(bool push, const QString& image);

    QString m_name;
    DockerEndpoint m_endpoint;
    DockerHostOptions m_options;
    DockerHostStatus m_status;
    std::unique_ptr<QThread> m_thread;
    DockerHostWorker* m_worker; // lives on m_thread, deleted as it finishes
    QThreadPool* m_actions;     // retired, not waited for, on destruction
    QThreadPool* m_transfers;   // pulls and pushes, retired the same way
    QHash<quint64, std::shared_ptr<std::atomic_bool>> m_cancels; // of the running transfers
    std::shared_ptr<DockerHostMailbox<DockerHost>> m_mailbox;
    quint64 m_lastRequest = 0;
};

} // namespace launchdeck

Q_DECLARE_METATYPE(launchdeck::DockerHostStatus)
Q_DECLARE_METATYPE(launchdeck::DockerConnectionState)
Q_DECLARE_METATYPE(launchdeck::DockerContainerAction)
Q_DECLARE_METATYPE(launchdeck::PullProgress)
Q_DECLARE_METATYPE(launchdeck::TransferredImage)
