// Deployment jobs, previews and the reconciliation after a crash.
#include "deploy/deploymentengine.h"

#include "deploy/clusterrun.h"
#include "deploy/deploymentrun.h"
#include "deploy/imagepull.h"
#include "docker/environmenthost.h"
#include "pipeline/secretresolver.h"
#include "registry/registrylocation.h"

#include <QDir>
#include <QFileInfo>
#include <QLockFile>
#include <QProcessEnvironment>
#include <QSet>

namespace launchdeck::deploy {

namespace {

using namespace std::chrono_literals;

// Reconciliation cleans up as far as it can; what it could not do shows in the outcome.
void discard(const Result<bool>&) {}

int registerTypes()
{
    qRegisterMetaType<DeploymentEvent>();
    qRegisterMetaType<DeploymentStatus>();
    return 0;
}

} // namespace

QString strategyName(Strategy::Type type)
{
    switch (type) {
    case Strategy::Type::Recreate:
        return QStringLiteral("recreate");
    case Strategy::Type::Rolling:
        return QStringLiteral("rolling");
    case Strategy::Type::BlueGreen:
        return QStringLiteral("blue-green");
    case Strategy::Type::Canary:
        return QStringLiteral("canary");
    }
    return {};
}

std::optional<Strategy::Type> strategyFromName(QStringView name)
{
    for (Strategy::Type type : {Strategy::Type::Recreate, Strategy::Type::Rolling,
                                Strategy::Type::BlueGreen, Strategy::Type::Canary}) {
        if (name == strategyName(type))
            return type;
    }
    return std::nullopt;
}

// ---- JobControl --------------------------------------------------------------------------------

bool JobControl::sleepFor(std::chrono::milliseconds duration)
{
    std::unique_lock lock(mutex);
    return !wake.wait_for(lock, duration, [this] { return cancel.load(); });
}

bool JobControl::waitForPromotion(int seen)
{
    std::unique_lock lock(mutex);
    wake.wait(lock, [&] { return cancel.load() || promotions.load() > seen; });
    return !cancel.load();
}

void JobControl::requestCancel()
{
    {
        std::lock_guard lock(mutex);
        if (rollingBack)
            return;
        cancel = true;
    }
    wake.notify_all();
}

void JobControl::beginRollback()
{
    std::lock_guard lock(mutex);
    rollingBack = true;
    cancel = false;
}

void JobControl::requestPromotion()
{
    {
        std::lock_guard lock(mutex);
        ++promotions;
    }
    wake.notify_all();
}

// ---- DeploymentJob -----------------------------------------------------------------------------

DeploymentJob::DeploymentJob(DeploymentContext context, DeploymentRequest request, QObject* parent)
    : QObject(parent)
    , m_context(std::move(context))
    , m_request(std::move(request))
    , m_control(std::make_shared<JobControl>())
{
    static const int registered = registerTypes();
    Q_UNUSED(registered)
}

DeploymentJob::~DeploymentJob()
{
    cancel();
    if (m_thread.joinable())
        m_thread.join();
}

void DeploymentJob::start()
{
    if (m_thread.joinable() || m_running.load())
        return;
    m_running = true;
    // Secret names come from the workspace's application; a rollback to a revision that had
    // others finds them unset and says so in its log. The sign-in secrets of the environment's
    // Prometheus and Alertmanager are looked up with them, for analysis and triggers; only the
    // application's own reach its containers.
    const Application* application = m_context.workspace.application(m_request.application);
    QStringList names = application ? application->secrets : QStringList();
    if (const Environment* environment = m_context.workspace.environment(m_request.environment)) {
        for (const MonitoringServer* server :
             {&environment->prometheus, &environment->alertmanager}) {
            if (server->isSet() && server->auth.kind != ServerAuth::Kind::None &&
                !server->auth.secret.isEmpty() && !names.contains(server->auth.secret))
                names.append(server->auth.secret);
        }
    }
    if (names.isEmpty()) {
        launch();
        return;
    }
    auto* resolver =
        new SecretResolver(m_context.keyringService, 2000ms, m_context.useKeyring, this);
    connect(resolver, &SecretResolver::resolved, this,
            [this, resolver](const ResolvedSecrets& secrets) {
                for (const auto& [name, value] : secrets.values)
                    m_control->secretValues.insert(name, value);
                m_control->secretNotes = secrets.notes;
                resolver->deleteLater();
                launch();
            });
    resolver->resolve(names, QProcessEnvironment::systemEnvironment());
}

void DeploymentJob::launch()
{
    if (m_control->cancel.load()) {
        // Cancelled while the keyring was asked: nothing ran, nothing is recorded.
        {
            std::lock_guard lock(m_mutex);
            m_status = DeploymentStatus::Cancelled;
        }
        m_running = false;
        Q_EMIT finished(DeploymentStatus::Cancelled, QStringLiteral("cancelled before it began"));
        return;
    }
    m_thread = std::thread([this] { run(); });
}

void DeploymentJob::run()
{
    auto report = [this](const DeploymentEvent& e) {
        if (e.kind != DeploymentEvent::Kind::Finished && !e.deploymentId.isEmpty()) {
            std::lock_guard lock(m_mutex);
            m_id = e.deploymentId;
        }
        Q_EMIT reported(e);
    };
    // The environment's target decides which steps the lifecycle runs.
    std::unique_ptr<DeploymentLifecycle> body;
    if (isClusterEnvironment(m_context.workspace, m_request.environment))
        body = std::make_unique<ClusterDeploymentRun>(m_context, m_request, *m_control, report);
    else
        body = std::make_unique<DeploymentRun>(m_context, m_request, *m_control, report);
    QString id;
    QString message;
    const DeploymentStatus status = body->run(&id, &message);
    {
        std::lock_guard lock(m_mutex);
        if (!id.isEmpty())
            m_id = id;
        m_status = status;
    }
    m_running = false;
    Q_EMIT finished(status, message);
}

void DeploymentJob::cancel()
{
    m_control->requestCancel();
}

void DeploymentJob::promote()
{
    m_control->requestPromotion();
}

bool DeploymentJob::wait(std::chrono::milliseconds timeout)
{
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (m_running.load()) {
        if (std::chrono::steady_clock::now() >= deadline)
            return false;
        std::this_thread::sleep_for(10ms);
    }
    if (m_thread.joinable())
        m_thread.join();
    return true;
}

QString DeploymentJob::deploymentId() const
{
    std::lock_guard lock(m_mutex);
    return m_id;
}

std::optional<DeploymentStatus> DeploymentJob::status() const
{
    std::lock_guard lock(m_mutex);
    return m_status;
}

// ---- preview -----------------------------------------------------------------------------------

Result<DeploymentPreview> previewDeployment(const DeploymentContext& context,
                                            const DeploymentRequest& request)
{
    if (isClusterEnvironment(context.workspace, request.environment))
        return previewClusterDeployment(context, request);
    const Result<DockerEndpoint> endpoint = resolveEndpoint(context, request);
    if (!endpoint)
        return endpoint.error();
    const Result<std::unique_ptr<DockerClient>> connected = connectDocker(*endpoint);
    if (!connected)
        return connected.error();
    DockerClient& client = **connected;
    const Result<DeploymentSubject> subject = resolveSubject(context, request, client);
    if (!subject)
        return subject.error();

    DeploymentPreview preview;
    preview.application = subject->application.name;
    preview.environment = subject->environment.name;
    preview.from = subject->from;
    preview.to = subject->to;
    preview.fromConfig = subject->fromConfig;
    preview.toConfig = subject->toConfig;
    preview.diff = configDiff(subject->fromConfig, subject->toConfig);
    preview.strategy = subject->strategy;
    preview.usesTraffic = subject->usesTraffic;
    preview.downtime = subject->strategy == Strategy::Type::Recreate || !subject->usesTraffic;
    preview.isProtected = subject->environment.isProtected;
    if (preview.downtime && subject->from)
        preview.notes.append(QStringLiteral("the application is unreachable while the old "
                                            "containers stop and the new ones start"));
    const Result<std::optional<QJsonObject>> image = client.inspectImage(subject->toConfig.image);
    if (image && !image->has_value()) {
        const std::optional<BuildSpec>& build = subject->application.build;
        QString note = QStringLiteral("image %1 is not on %2: VALIDATING pulls it from %3")
                           .arg(subject->toConfig.image, endpoint->toString(),
                                registry::registryHostOf(subject->toConfig.image));
        if (build && request.kind == DeploymentKind::Deploy)
            note += QStringLiteral(", or builds it from %1 when the registry does not have it")
                        .arg(build->context);
        preview.notes.append(note);
    }
    if ((subject->strategy == Strategy::Type::BlueGreen ||
         subject->strategy == Strategy::Type::Canary) &&
        !subject->usesTraffic)
        preview.notes.append(QStringLiteral("%1 needs environment %2 to have traffic.listen")
                                 .arg(strategyName(subject->strategy), subject->environment.name));
    preview.estimatedMs =
        estimateDuration(*context.ledger, preview.application, preview.environment, request.kind);
    return preview;
}

// ---- reconciliation ----------------------------------------------------------------------------

QList<ReconcileOutcome> reconcileInterrupted(const DeploymentContext& context)
{
    QList<ReconcileOutcome> outcomes;
    DeploymentFilter filter;
    filter.unfinishedOnly = true;
    for (const DeploymentRecord& record : context.ledger->list(filter)) {
        const QString lockPath = pairLockPath(context, record.application, record.environment);
        QDir().mkpath(QFileInfo(lockPath).absolutePath());
        QLockFile lock(lockPath);
        // A live process holds the lock of a deployment that still runs: leave it alone.
        if (!lockPair(lock))
            continue;

        if (isClusterEnvironment(context.workspace, record.environment)) {
            outcomes.append(reconcileClusterDeployment(context, record));
            continue;
        }

        ReconcileOutcome outcome;
        outcome.deploymentId = record.id;
        outcome.application = record.application;
        outcome.environment = record.environment;
        outcome.stage = record.stage;

        DeploymentRequest request;
        request.application = record.application;
        request.environment = record.environment;
        const Result<DockerEndpoint> endpoint = resolveEndpoint(context, request);
        const auto markInterrupted = [&](const QString& why) {
            outcome.error = why;
            context.ledger->finish(
                record.id, DeploymentStatus::Interrupted, QDateTime::currentDateTimeUtc(),
                QStringLiteral("interrupted at %1; %2")
                    .arg(deploymentStageName(record.stage),
                         outcome.actions.isEmpty() ? why
                                                   : outcome.actions.join(QStringLiteral("; ")) +
                                                         QStringLiteral("; ") + why));
            outcomes.append(outcome);
        };
        if (!endpoint) {
            markInterrupted(endpoint.error().toString() +
                            QStringLiteral(": the host's containers were not checked"));
            continue;
        }
        const Result<std::unique_ptr<DockerClient>> connected = connectDocker(*endpoint);
        if (!connected) {
            markInterrupted(connected.error().toString() +
                            QStringLiteral(": reconcile again when the host answers"));
            continue;
        }
        DockerClient& client = **connected;
        PairWorkload workload(client, record.application, record.environment);
        const Result<QList<PairContainer>> containers = workload.containers();
        if (!containers) {
            markInterrupted(containers.error().toString());
            continue;
        }

        // The environment returns to the revision live before the deployment: its containers
        // run and take all traffic, the interrupted deployment's own containers go.
        const std::optional<Revision> good =
            context.ledger->latestRevision(record.application, record.environment);
        const Workspace& workspace = context.workspace;
        const Application* app = workspace.application(record.application);
        const Environment* env = workspace.environment(record.environment);
        QList<PairContainer> keep;
        QList<PairContainer> drop;
        for (const PairContainer& container : *containers) {
            if (good && container.identity.revision == good->number &&
                container.identity.group != u"candidate")
                keep.append(container);
            else
                drop.append(container);
        }
        std::optional<RevisionConfig> goodConfig;
        if (good) {
            if (const auto stored = context.ledger->revisionConfig(
                    record.application, record.environment, good->number)) {
                if (Result<RevisionConfig> parsed = RevisionConfig::fromJson(*stored))
                    goodConfig = *parsed;
            }
            if (!goodConfig && app && env)
                goodConfig = revisionConfigFor(*app, *env, good->image);
        }
        const bool usesTraffic = env && !env->trafficListen.isEmpty();
        QString failure;

        // Stopped containers of the good revision start again; missing ones are created.
        QList<PairContainer> running;
        for (const PairContainer& container : std::as_const(keep)) {
            if (!container.isRunning()) {
                if (Result<bool> started = client.startContainer(container.id); started)
                    outcome.actions.append(QStringLiteral("started %1").arg(container.name));
            }
        }
        if (good && goodConfig) {
            const Result<QList<PairContainer>> again = workload.containers();
            if (again) {
                for (const PairContainer& container : *again) {
                    if (container.identity.revision == good->number && container.isRunning() &&
                        container.identity.group != u"candidate")
                        running.append(container);
                }
            }
            QString group = running.isEmpty() ? QString() : running.first().identity.group;
            if (group.isEmpty()) {
                // The group the interrupted deployment did not use.
                QString used;
                for (const PairContainer& container : std::as_const(drop)) {
                    if (container.identity.deploymentId == record.id)
                        used = container.identity.group;
                }
                group = used.isEmpty() ? QString::fromUtf16(kBlue) : otherGroup(used);
            }
            QMap<QString, QString> noSecrets;
            for (int replica = int(running.size()) + 1; replica <= goodConfig->replicas;
                 ++replica) {
                // Drop containers in the way of the name first.
                ContainerIdentity identity{record.application,
                                           record.environment,
                                           good->number,
                                           record.id,
                                           group,
                                           replica};
                QMap<int, int> declared;
                if (app) {
                    for (const PortMapping& port : app->ports) {
                        if (port.hostPort > 0)
                            declared.insert(port.containerPort, port.hostPort);
                    }
                }
                if (!usesTraffic) {
                    for (const PairContainer& container : std::as_const(drop))
                        discard(workload.stop(container));
                }
                // Secrets come from the process environment only here: the keyring may ask.
                for (const QString& name : goodConfig->secretNames) {
                    if (qEnvironmentVariableIsSet(name.toLocal8Bit().constData()))
                        noSecrets.insert(name,
                                         qEnvironmentVariable(name.toLocal8Bit().constData()));
                }
                const Result<PairContainer> started =
                    workload.startReplica(*goodConfig, identity, noSecrets, usesTraffic,
                                          usesTraffic ? QMap<int, int>() : declared);
                if (!started) {
                    failure = started.error().toString();
                    break;
                }
                outcome.actions.append(QStringLiteral("started %1").arg(started->name));
                running.append(*started);
            }
            if (failure.isEmpty()) {
                for (const PairContainer& container : std::as_const(running)) {
                    if (Result<bool> healthy = workload.waitHealthy(
                            container, *goodConfig, healthDeadline(*goodConfig), nullptr);
                        !healthy) {
                        failure = healthy.error().toString();
                        break;
                    }
                }
            }
            if (failure.isEmpty() && usesTraffic) {
                Result<TrafficRouter> router =
                    TrafficRouter::open(trafficOptions(context, *env, *goodConfig),
                                        qMax(goodConfig->replicas, int(containers->size())));
                if (!router) {
                    failure = router.error().toString();
                } else {
                    TrafficRouter& entry = router.value();
                    for (const PairContainer& container : std::as_const(running)) {
                        if (Result<bool> assigned =
                                entry.assign(container.identity.group, container.identity.replica,
                                             QStringLiteral("127.0.0.1"), container.trafficPort);
                            !assigned)
                            failure = assigned.error().toString();
                    }
                    if (failure.isEmpty()) {
                        if (Result<bool> up = entry.waitUntilUp(group, healthDeadline(*goodConfig));
                            !up)
                            failure = up.error().toString();
                    }
                    if (failure.isEmpty()) {
                        if (Result<bool> shared = entry.setShares({{group, 100}}); !shared) {
                            failure = shared.error().toString();
                        } else {
                            outcome.actions.append(QStringLiteral("traffic on revision %1 (%2)")
                                                       .arg(good->number)
                                                       .arg(group));
                            if (const Result<QList<TrafficSlot>> states = entry.slotStates()) {
                                for (const TrafficSlot& slot : *states) {
                                    if (slot.group != group && slot.enabled)
                                        discard(entry.release(slot.group, slot.index));
                                }
                            }
                        }
                    }
                }
            }
        } else if (usesTraffic && env && app) {
            // Nothing was live before: the entry point, if it runs, serves nothing. One that
            // does not run is not started for that.
            const TrafficRouterOptions options =
                trafficOptions(context, *env, revisionConfigFor(*app, *env, {}));
            Result<TrafficRouter> router =
                traffic::HaproxyProcess::attach(options.folder, options.process)
                    ? TrafficRouter::open(options, qMax(1, app->replicas))
                    : Result<TrafficRouter>(
                          Error{QStringLiteral("not running"), options.folder.path});
            if (router) {
                if (const Result<QList<TrafficSlot>> states = router.value().slotStates()) {
                    for (const TrafficSlot& slot : *states) {
                        if (slot.enabled)
                            discard(router.value().release(slot.group, slot.index));
                    }
                }
                outcome.actions.append(QStringLiteral("the entry point serves nothing"));
            }
        }

        if (failure.isEmpty()) {
            for (const PairContainer& container : std::as_const(drop)) {
                if (workload.remove(container, false))
                    outcome.actions.append(QStringLiteral("removed %1").arg(container.name));
            }
            outcome.resolved = true;
            const QString summary =
                good ? QStringLiteral("revision %1 is live again").arg(good->number)
                     : QStringLiteral("nothing was live before it; its containers were removed");
            context.ledger->recordTransition(record.id, DeploymentStage::Failed,
                                             QDateTime::currentDateTimeUtc(),
                                             QStringLiteral("interrupted: the console ended"));
            context.ledger->finish(
                record.id, DeploymentStatus::Interrupted, QDateTime::currentDateTimeUtc(),
                QStringLiteral("interrupted at %1; %2%3")
                    .arg(deploymentStageName(record.stage), summary,
                         outcome.actions.isEmpty() ? QString()
                                                   : u" (" + outcome.actions.join(u"; ") + u')'));
            outcomes.append(outcome);
        } else {
            markInterrupted(failure + QStringLiteral("; deploy or roll back to finish"));
        }
    }
    return outcomes;
}

} // namespace launchdeck::deploy
