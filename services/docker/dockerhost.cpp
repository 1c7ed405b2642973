// DockerHost: the owner's side of the worker thread, and the actions on a small pool of their
// own so a ten-second stop holds neither the events nor the stats; pulls and pushes on another,
// as they may take minutes.
#include "docker/dockerhost.h"

#include "docker/dockerclient.h"
#include "docker/dockerhostmailbox.h"
#include "docker/dockerhostworker.h"
#include "registry/registrycredentials.h"
#include "registry/registrylocation.h"

#include <QElapsedTimer>
#include <QProcessEnvironment>
#include <QThread>
#include <QThreadPool>

#include <mutex>

namespace launchdeck {

namespace {

constexpr int kActionThreads = 3;
constexpr int kTransferThreads = 2;
constexpr int kProgressBatchMs = 100; // a pull's bytes come many times a second

void registerMetaTypes()
{
    static std::once_flag once;
    std::call_once(once, [] {
        qRegisterMetaType<DockerHostStatus>("launchdeck::DockerHostStatus");
        qRegisterMetaType<DockerConnectionState>("launchdeck::DockerConnectionState");
        qRegisterMetaType<DockerContainerAction>("launchdeck::DockerContainerAction");
        qRegisterMetaType<PullProgress>("launchdeck::PullProgress");
        qRegisterMetaType<QList<PullProgress>>("QList<launchdeck::PullProgress>");
        qRegisterMetaType<TransferredImage>("launchdeck::TransferredImage");
        qRegisterMetaType<DockerVersion>("launchdeck::DockerVersion");
        qRegisterMetaType<QList<DockerContainer>>("QList<launchdeck::DockerContainer>");
        qRegisterMetaType<QList<DockerImage>>("QList<launchdeck::DockerImage>");
        qRegisterMetaType<QList<DockerNetwork>>("QList<launchdeck::DockerNetwork>");
        qRegisterMetaType<QList<DockerVolume>>("QList<launchdeck::DockerVolume>");
        qRegisterMetaType<QList<DockerStatsSample>>("QList<launchdeck::DockerStatsSample>");
        qRegisterMetaType<QList<DockerEvent>>("QList<launchdeck::DockerEvent>");
    });
}

QString verb(DockerContainerAction action)
{
    switch (action) {
    case DockerContainerAction::Start:
        return QStringLiteral("start");
    case DockerContainerAction::Stop:
        return QStringLiteral("stop");
    case DockerContainerAction::Restart:
        return QStringLiteral("restart");
    case DockerContainerAction::Pause:
        return QStringLiteral("pause");
    case DockerContainerAction::Unpause:
        return QStringLiteral("unpause");
    case DockerContainerAction::Rename:
        return QStringLiteral("rename");
    case DockerContainerAction::Remove:
        return QStringLiteral("remove");
    }
    return QStringLiteral("act on");
}

Result<bool> perform(DockerClient& client, DockerContainerAction action, const QString& id,
                     const QString& argument)
{
    switch (action) {
    case DockerContainerAction::Start:
        return client.startContainer(id);
    case DockerContainerAction::Stop:
        return client.stopContainer(id);
    case DockerContainerAction::Restart:
        return client.restartContainer(id);
    case DockerContainerAction::Pause:
        return client.pauseContainer(id);
    case DockerContainerAction::Unpause:
        return client.unpauseContainer(id);
    case DockerContainerAction::Rename:
        return client.renameContainer(id, argument);
    case DockerContainerAction::Remove:
        return client.removeContainer(id, argument == QLatin1String("force"));
    }
    return Error{QStringLiteral("unknown container action"), client.endpoint().toString()};
}

// A fresh client per action: actions run side by side, and a client is for one thread. The
// worker's negotiated version is reused; before the first connection the action negotiates.
Result<bool> negotiated(DockerClient& client, const QString& apiVersion, const QString& what)
{
    if (!apiVersion.isEmpty()) {
        client.useApiVersion(apiVersion);
        return true;
    }
    const Result<DockerVersion> version = client.negotiate();
    if (!version)
        return Error{QStringLiteral("cannot %1: %2").arg(what, version.error().message),
                     version.error().where};
    return true;
}

// The X-Registry-Auth the daemon passes to the image's registry, as `docker pull` and `docker
// push` would send it; none when nothing holds credentials for the registry.
Result<std::optional<DockerRegistryAuth>> registryAuthFor(const QString& image, const QString& what)
{
    const Result<RegistryAuthLookup> found =
        findRegistryAuth(image, QProcessEnvironment::systemEnvironment());
    if (!found)
        return Error{QStringLiteral("cannot %1: %2").arg(what, found.error().message),
                     found.error().where};
    return found->auth;
}

} // namespace

DockerHost::DockerHost(QString name, DockerEndpoint endpoint, DockerHostOptions options,
                       QObject* parent)
    : QObject(parent)
    , m_name(std::move(name))
    , m_endpoint(std::move(endpoint))
    , m_options(options)
    , m_thread(std::make_unique<QThread>())
    , m_worker(new DockerHostWorker(m_endpoint, m_options))
    , m_actions(new QThreadPool)
    , m_transfers(new QThreadPool)
    , m_mailbox(std::make_shared<DockerHostMailbox<DockerHost>>(this))
{
    registerMetaTypes();
    m_actions->setMaxThreadCount(kActionThreads);
    m_transfers->setMaxThreadCount(kTransferThreads);
    m_thread->setObjectName(QStringLiteral("docker ") + m_name);
    m_worker->moveToThread(m_thread.get());
    connect(m_thread.get(), &QThread::finished, m_worker, &QObject::deleteLater);

    connect(m_worker, &DockerHostWorker::statusChanged, this, &DockerHost::setStatus);
    connect(m_worker, &DockerHostWorker::containersReset, this, &DockerHost::containersReset);
    connect(m_worker, &DockerHostWorker::containersChanged, this, &DockerHost::containersChanged);
    connect(m_worker, &DockerHostWorker::containersRemoved, this, &DockerHost::containersRemoved);
    connect(m_worker, &DockerHostWorker::imagesReset, this, &DockerHost::imagesReset);
    connect(m_worker, &DockerHostWorker::networksReset, this, &DockerHost::networksReset);
    connect(m_worker, &DockerHostWorker::volumesReset, this, &DockerHost::volumesReset);
    connect(m_worker, &DockerHostWorker::statsSampled, this, &DockerHost::statsSampled);
    connect(m_worker, &DockerHostWorker::eventsReceived, this, &DockerHost::eventsReceived);
    m_thread->start();
}

DockerHost::~DockerHost()
{
    m_mailbox->close();
    // The worker never blocks (its blocking calls run on its query pool), so the quit is
    // served within one event.
    m_thread->quit();
    m_thread->wait();
    retireThreadPool(m_actions);
    for (const std::shared_ptr<std::atomic_bool>& cancel : std::as_const(m_cancels))
        cancel->store(true);
    retireThreadPool(m_transfers);
}

void DockerHost::start()
{
    QMetaObject::invokeMethod(m_worker, &DockerHostWorker::start, Qt::QueuedConnection);
}

void DockerHost::retryNow()
{
    QMetaObject::invokeMethod(m_worker, &DockerHostWorker::retryNow, Qt::QueuedConnection);
}

void DockerHost::setStatus(const DockerHostStatus& status)
{
    m_status = status;
    Q_EMIT statusChanged(m_status);
}

template <typename Work> void DockerHost::runAction(Work work)
{
    m_actions->start([endpoint = m_endpoint, apiVersion = apiVersion(), mailbox = m_mailbox, work] {
        DockerClient client(endpoint);
        work(client, apiVersion, *mailbox);
    });
}

quint64 DockerHost::containerAction(DockerContainerAction action, const QString& containerId,
                                    const QString& argument)
{
    const quint64 request = ++m_lastRequest;
    runAction([request, action, containerId, argument](DockerClient& client,
                                                       const QString& apiVersion,
                                                       DockerHostMailbox<DockerHost>& mailbox) {
        Result<bool> done = negotiated(
            client, apiVersion, QStringLiteral("%1 container %2").arg(verb(action), containerId));
        if (done)
            done = perform(client, action, containerId, argument);
        const QString error = done ? QString() : done.error().toString();
        mailbox.post(
            [request, error](DockerHost* host) { Q_EMIT host->actionFinished(request, error); });
    });
    return request;
}

quint64 DockerHost::inspectContainer(const QString& containerId)
{
    const quint64 request = ++m_lastRequest;
    runAction([request, containerId](DockerClient& client, const QString& apiVersion,
                                     DockerHostMailbox<DockerHost>& mailbox) {
        const Result<bool> ready =
            negotiated(client, apiVersion, QStringLiteral("inspect container ") + containerId);
        const Result<QJsonObject> inspect =
            ready ? client.inspectContainer(containerId) : Result<QJsonObject>(ready.error());
        const QJsonObject object = inspect ? *inspect : QJsonObject();
        const QString error = inspect ? QString() : inspect.error().toString();
        mailbox.post([request, object, error](DockerHost* host) {
            Q_EMIT host->containerInspected(request, object, error);
        });
    });
    return request;
}

quint64 DockerHost::removeImage(const QString& imageId, bool force)
{
    const quint64 request = ++m_lastRequest;
    runAction([request, imageId, force](DockerClient& client, const QString& apiVersion,
                                        DockerHostMailbox<DockerHost>& mailbox) {
        Result<bool> done =
            negotiated(client, apiVersion, QStringLiteral("remove image ") + imageId);
        if (done)
            done = client.removeImage(imageId, force);
        const QString error = done ? QString() : done.error().toString();
        mailbox.post(
            [request, error](DockerHost* host) { Q_EMIT host->imageRemoved(request, error); });
    });
    return request;
}

quint64 DockerHost::pullImage(const QString& image)
{
    return transfer(false, image);
}

quint64 DockerHost::pushImage(const QString& image)
{
    return transfer(true, image);
}

void DockerHost::cancelTransfer(quint64 request)
{
    if (const auto cancel = m_cancels.value(request))
        cancel->store(true);
}

quint64 DockerHost::transfer(bool push, const QString& image)
{
    const quint64 request = ++m_lastRequest;
    auto cancel = std::make_shared<std::atomic_bool>(false);
    m_cancels.insert(request, cancel);
    m_transfers->start([request, push, image, cancel, endpoint = m_endpoint,
                        apiVersion = apiVersion(), mailbox = m_mailbox] {
        const QString what = (push ? QStringLiteral("push ") : QStringLiteral("pull ")) + image;
        QList<PullProgress> batch;
        QElapsedTimer sinceBatch;
        sinceBatch.start();
        const auto flush = [&] {
            if (batch.isEmpty())
                return;
            mailbox->post([request, lines = std::exchange(batch, {})](DockerHost* host) {
                Q_EMIT host->transferProgressed(request, lines);
            });
            sinceBatch.restart();
        };
        const auto progress = [&](const PullProgress& line) {
            batch.append(line);
            if (sinceBatch.elapsed() >= kProgressBatchMs)
                flush();
        };
        const auto run = [&]() -> Result<TransferredImage> {
            DockerClient client(endpoint);
            if (const Result<bool> ready = negotiated(client, apiVersion, what); !ready)
                return ready.error();
            const Result<std::optional<DockerRegistryAuth>> auth = registryAuthFor(image, what);
            if (!auth)
                return auth.error();
            const QString version = client.apiVersion();
            return push ? launchdeck::pushImage(endpoint, version, image, *auth, progress,
                                                cancel.get())
                        : launchdeck::pullImage(endpoint, version, image, *auth, progress,
                                                cancel.get());
        };
        const Result<TransferredImage> done = run();
        flush();
        const TransferredImage transferred = done ? *done : TransferredImage{image, {}, 0};
        const QString error = done ? QString() : done.error().toString();
        mailbox->post([request, transferred, error](DockerHost* host) {
            host->m_cancels.remove(request);
            Q_EMIT host->transferFinished(request, transferred, error);
        });
    });
    return request;
}

} // namespace launchdeck
