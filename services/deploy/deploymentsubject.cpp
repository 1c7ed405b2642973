// Where a deployment stands before it starts: its lock, the endpoint, the subject (application,
// environment, revisions and their configurations), the entry point's folder, the estimate.
#include "deploy/deploymentrun.h"

#include "docker/environmenthost.h"

#include <QLockFile>
#include <QSysInfo>

#include <cerrno>

#include <signal.h>

namespace launchdeck::deploy {

using namespace std::chrono_literals;

bool lockPair(QLockFile& lock, qint64* holder)
{
    // Age says nothing here (a deployment may run for an hour); only a dead holder frees it.
    lock.setStaleLockTime(0);
    if (lock.tryLock(0))
        return true;
    qint64 pid = 0;
    QString host;
    QString application;
    if (lock.getLockInfo(&pid, &host, &application) && pid > 0 &&
        (host.isEmpty() || host == QSysInfo::machineHostName()) && ::kill(pid_t(pid), 0) != 0 &&
        errno == ESRCH) {
        lock.removeStaleLockFile();
        if (lock.tryLock(0))
            return true;
    }
    if (holder)
        *holder = pid;
    return false;
}

qint64 estimateDuration(DeploymentLedger& ledger, const QString& application,
                        const QString& environment, DeploymentKind kind)
{
    DeploymentFilter filter;
    filter.application = application;
    filter.environment = environment;
    filter.limit = 20;
    qint64 total = 0;
    int count = 0;
    for (const DeploymentRecord& record : ledger.list(filter)) {
        if (record.status == DeploymentStatus::Completed && record.kind == kind) {
            total += record.durationMs;
            ++count;
        }
    }
    return count > 0 ? total / count : 0;
}

QString pairLockPath(const DeploymentContext& context, const QString& application,
                     const QString& environment)
{
    // Keyed as the ledger is, which every workspace of the data folder shares: a deployment of
    // that pair recorded as running holds this lock whichever workspace started it.
    return context.dataDir + QStringLiteral("/locks/%1-%2.lock").arg(application, environment);
}

TrafficRouterOptions trafficOptions(const DeploymentContext& context,
                                    const Environment& environment, const RevisionConfig& config)
{
    TrafficRouterOptions options;
    const QString workspaceName =
        context.workspace.name.isEmpty() ? QStringLiteral("workspace") : context.workspace.name;
    options.folder.path =
        context.dataDir + QStringLiteral("/traffic/%1-%2").arg(workspaceName, environment.name);
    options.environment = environment.name;
    options.listen = environment.trafficListen;
    options.metricsListen = environment.trafficMetrics;
    if (!config.healthPath.isEmpty())
        options.health.path = config.healthPath;
    else
        options.health.path = QStringLiteral("/");
    options.health.interval = 1000ms;
    options.health.rise = 2;
    options.health.fall = 2;
    options.process.executable = context.haproxyExecutable;
    return options;
}

Result<DockerEndpoint> resolveEndpoint(const DeploymentContext& context,
                                       const DeploymentRequest& request)
{
    const Workspace& workspace = context.workspace;
    if (!workspace.application(request.application))
        return Error{
            QStringLiteral("no application '%1' in the workspace").arg(request.application),
            workspace.file};
    return environmentEndpoint(workspace, request.environment);
}

Result<DeploymentSubject> resolveSubject(const DeploymentContext& context,
                                         const DeploymentRequest& request, DockerClient& client)
{
    const Workspace& workspace = context.workspace;
    const Result<DockerEndpoint> endpoint = resolveEndpoint(context, request);
    if (!endpoint)
        return endpoint.error();
    const Application* application = workspace.application(request.application);
    const Environment* environment = workspace.environment(request.environment);

    DeploymentSubject subject;
    subject.application = *application;
    subject.environment = *environment;
    subject.endpoint = *endpoint;
    subject.usesTraffic = !environment->trafficListen.isEmpty();
    subject.strategy = request.strategy.value_or(application->strategy.type);

    DeploymentLedger& ledger = *context.ledger;
    subject.from = ledger.latestRevision(application->name, environment->name);

    // What runs on the host: the live revision's group, and a revision the ledger does not know
    // (its database was lost) taken from the labels.
    PairWorkload workload(client, application->name, environment->name);
    const Result<QList<PairContainer>> containers = workload.containers();
    if (!containers)
        return containers.error();
    subject.containers = *containers;
    if (!subject.from) {
        for (const PairContainer& container : *containers) {
            if (container.isRunning() &&
                (!subject.from || container.identity.revision > subject.from->number))
                subject.from = Revision{container.identity.revision, container.image};
        }
    }
    if (subject.from) {
        for (const PairContainer& container : *containers) {
            if (container.identity.revision == subject.from->number && container.isRunning()) {
                subject.liveGroup = container.identity.group;
                break;
            }
        }
        if (const auto stored =
                ledger.revisionConfig(application->name, environment->name, subject.from->number)) {
            Result<RevisionConfig> parsed = RevisionConfig::fromJson(*stored);
            if (parsed)
                subject.fromConfig = *parsed;
        }
        if (!subject.fromConfig)
            subject.fromConfig = revisionConfigFor(*application, *environment, subject.from->image);
    }

    if (request.kind == DeploymentKind::Deploy) {
        if (request.version.isEmpty() && application->version.isEmpty())
            return Error{QStringLiteral("no version given and application '%1' names no default")
                             .arg(application->name),
                         workspace.file};
        const QString version = request.version.isEmpty() ? application->version : request.version;
        const QString image = version.contains(u':') || version.contains(u'@')
                                  ? version
                                  : application->image + u':' + version;
        subject.to =
            Revision{ledger.nextRevisionNumber(application->name, environment->name), image};
        subject.toConfig = revisionConfigFor(*application, *environment, image);
        return subject;
    }

    // A rollback returns to a revision that was live once.
    const Result<Revision> target = rollbackTarget(ledger, application->name, environment->name,
                                                   request.toRevision, subject.from);
    if (!target)
        return target.error();
    subject.to = *target;
    if (const auto stored =
            ledger.revisionConfig(application->name, environment->name, target->number)) {
        Result<RevisionConfig> parsed = RevisionConfig::fromJson(*stored);
        if (!parsed)
            return parsed.error();
        subject.toConfig = *parsed;
        // The image the revision ran, even when its tag was pushed again since.
        if (!subject.toConfig.imageDigest.isEmpty())
            subject.toConfig.image = subject.toConfig.imageDigest;
    } else {
        subject.toConfig = revisionConfigFor(*application, *environment, target->image);
    }
    // A rollback switches like blue-green when there is an entry point, else replaces.
    subject.strategy = subject.usesTraffic ? Strategy::Type::BlueGreen : Strategy::Type::Recreate;
    return subject;
}

} // namespace launchdeck::deploy
