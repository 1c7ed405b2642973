// One deployment job's body: stages, strategies, monitoring and rollback on a Docker host.
#include "deploy/deploymentrun.h"

#include "http/httpcheck.h"
#include "http/loadtest.h"
#include "pipeline/pipelineparser.h"
#include "pipeline/pipelinerunnerhost.h"
#include "validation/validator.h"

#include <QDir>
#include <QEventLoop>
#include <QJsonArray>
#include <QLockFile>
#include <QProcessEnvironment>
#include <QSysInfo>
#include <QTcpServer>
#include <QThread>
#include <QTimer>

#include <algorithm>
#include <cerrno>

#include <signal.h>

namespace launchdeck::deploy {

namespace {

using namespace std::chrono_literals;

// Where each stage starts on the overall progress bar.
int stageStart(DeploymentStage stage)
{
    switch (stage) {
    case DeploymentStage::Initialized:
        return 0;
    case DeploymentStage::Validating:
        return 2;
    case DeploymentStage::Testing:
        return 12;
    case DeploymentStage::Deploying:
        return 35;
    case DeploymentStage::Monitoring:
        return 75;
    case DeploymentStage::RollingBack:
        return 80;
    case DeploymentStage::Completed:
    case DeploymentStage::Failed:
    case DeploymentStage::RolledBack:
        return 100;
    }
    return 0;
}

bool portIsFree(const QString& host, int port)
{
    QTcpServer server;
    const QHostAddress address =
        host.isEmpty() || host == u"*" || host == u"0.0.0.0"
            ? QHostAddress(QHostAddress::AnyIPv4)
            : QHostAddress(host == u"localhost" ? QStringLiteral("127.0.0.1") : host);
    return server.listen(address, quint16(port));
}

bool splitHostPort(const QString& listen, QString* host, int* port)
{
    const qsizetype colon = listen.lastIndexOf(u':');
    if (colon < 0)
        return false;
    bool ok = false;
    *port = listen.mid(colon + 1).toInt(&ok);
    *host = listen.left(colon);
    if (host->startsWith(u'[') && host->endsWith(u']'))
        *host = host->mid(1, host->size() - 2);
    return ok;
}

QString baseUrl(const PairContainer& container)
{
    return QStringLiteral("http://127.0.0.1:%1").arg(container.trafficPort);
}

QString testUrl(const QString& base, const QString& path)
{
    if (path.startsWith(u"http://") || path.startsWith(u"https://"))
        return path;
    return base + (path.startsWith(u'/') ? path : u'/' + path);
}

} // namespace

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
    return context.dataDir + QStringLiteral("/locks/%1-%2-%3.lock")
                                 .arg(context.workspace.name.isEmpty() ? QStringLiteral("workspace")
                                                                       : context.workspace.name,
                                      application, environment);
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
    const Environment* environment = workspace.environment(request.environment);
    if (!environment)
        return Error{
            QStringLiteral("no environment '%1' in the workspace").arg(request.environment),
            workspace.file};
    const Target* target = workspace.target(environment->target);
    if (!target)
        return Error{QStringLiteral("environment '%1' names target '%2', which the workspace does "
                                    "not define")
                         .arg(environment->name, environment->target),
                     workspace.file};
    if (target->type != Target::Type::Docker)
        return Error{QStringLiteral("environment '%1' runs on Kubernetes target '%2'; deployments "
                                    "here drive Docker hosts")
                         .arg(environment->name, target->name),
                     workspace.file};
    return endpointForTarget(*target, workspace.root);
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
    const QList<Revision> live = ledger.liveRevisions(application->name, environment->name);
    std::optional<Revision> target;
    for (const Revision& revision : live) {
        if (request.toRevision ? revision.number == *request.toRevision
                               : (!subject.from || revision.number != subject.from->number)) {
            target = revision;
            break;
        }
    }
    if (!target) {
        return Error{request.toRevision
                         ? QStringLiteral("revision %1 of %2 in %3 was never live; live ones: %4")
                               .arg(*request.toRevision)
                               .arg(application->name, environment->name,
                                    [&live] {
                                        QStringList numbers;
                                        for (const Revision& revision : live)
                                            numbers.append(QString::number(revision.number));
                                        return numbers.isEmpty() ? QStringLiteral("none")
                                                                 : numbers.join(u", ");
                                    }())
                         : QStringLiteral("%1 in %2 has no earlier revision to return to")
                               .arg(application->name, environment->name),
                     QStringLiteral("rollback")};
    }
    if (subject.from && target->number == subject.from->number)
        return Error{QStringLiteral("revision %1 is already live").arg(target->number),
                     QStringLiteral("rollback")};
    subject.to = *target;
    if (const auto stored =
            ledger.revisionConfig(application->name, environment->name, target->number)) {
        Result<RevisionConfig> parsed = RevisionConfig::fromJson(*stored);
        if (!parsed)
            return parsed.error();
        subject.toConfig = *parsed;
    } else {
        subject.toConfig = revisionConfigFor(*application, *environment, target->image);
    }
    // A rollback switches like blue-green when there is an entry point, else replaces.
    subject.strategy = subject.usesTraffic ? Strategy::Type::BlueGreen : Strategy::Type::Recreate;
    return subject;
}

DeploymentRun::DeploymentRun(const DeploymentContext& context, const DeploymentRequest& request,
                             JobControl& control, Emit report)
    : m_context(context)
    , m_request(request)
    , m_control(control)
    , m_emit(std::move(report))
{
    if (m_request.who.isEmpty())
        m_request.who = currentOsUser();
}

// ---- reporting ---------------------------------------------------------------------------

DeploymentEvent DeploymentRun::event(DeploymentEvent::Kind kind, const QString& text) const
{
    DeploymentEvent made;
    made.kind = kind;
    made.deploymentId = m_id;
    made.stage = m_stage;
    made.percent = m_percent;
    made.text = text;
    made.at = QDateTime::currentDateTimeUtc();
    if (m_estimateMs > 0)
        made.remainingMs = qMax<qint64>(0, m_estimateMs - m_clock.elapsed());
    return made;
}

void DeploymentRun::enter(DeploymentStage stage, const QString& detail)
{
    m_stage = stage;
    m_percent = qMax(m_percent, stageStart(stage));
    const DeploymentEvent entered = event(DeploymentEvent::Kind::Stage, detail);
    // begin() recorded INITIALIZED already.
    if (!m_id.isEmpty() && stage != DeploymentStage::Initialized)
        m_context.ledger->recordTransition(m_id, stage, entered.at, detail);
    m_emit(entered);
}

void DeploymentRun::log(const QString& text)
{
    m_emit(event(DeploymentEvent::Kind::Log, text));
}

void DeploymentRun::progress(int percent)
{
    if (percent <= m_percent)
        return;
    m_percent = qMin(percent, 99);
    m_emit(event(DeploymentEvent::Kind::Progress));
}

void DeploymentRun::validation(Severity severity, const QString& rule, const QString& message)
{
    DeploymentEvent found =
        event(DeploymentEvent::Kind::Validation, severityName(severity) + u": " + message);
    found.validation = ValidationResult{severity, rule, message, found.at};
    m_context.ledger->recordValidation(m_id, found.validation);
    m_emit(found);
}

void DeploymentRun::testResult(const QString& name, bool passed, const QJsonObject& metrics,
                               const QString& summary)
{
    DeploymentEvent tested = event(DeploymentEvent::Kind::Test, summary);
    tested.test = TestResult{name, passed, metrics, tested.at};
    m_context.ledger->recordTest(m_id, tested.test);
    m_emit(tested);
}

void DeploymentRun::pause(const QString& why)
{
    m_emit(event(DeploymentEvent::Kind::Paused, why));
}

DeploymentStatus DeploymentRun::finish(DeploymentStatus status, const QString& message,
                                       QString* out)
{
    const QDateTime now = QDateTime::currentDateTimeUtc();
    if (!m_id.isEmpty()) {
        if (status == DeploymentStatus::Completed && m_stage != DeploymentStage::Completed)
            enter(DeploymentStage::Completed, message);
        m_context.ledger->finish(m_id, status, now, message);
    }
    DeploymentEvent finished = event(DeploymentEvent::Kind::Finished, message);
    finished.percent = 100;
    finished.remainingMs = 0;
    finished.status = status;
    finished.at = now;
    m_emit(finished);
    if (out)
        *out = message;
    return status;
}

QMap<QString, QString> DeploymentRun::secretValues()
{
    if (!m_secretsNoted) {
        m_secretsNoted = true;
        for (const QString& line : std::as_const(m_control.secretNotes))
            log(line);
    }
    return m_control.secretValues;
}

void DeploymentRun::note(const Result<bool>& result)
{
    if (!result)
        log(QStringLiteral("cleanup: ") + result.error().toString());
}

// ---- the job -------------------------------------------------------------------------------

DeploymentStatus DeploymentRun::run(QString* id, QString* message)
{
    m_clock.start();
    const QString lockPath = pairLockPath(m_context, m_request.application, m_request.environment);
    QDir().mkpath(QFileInfo(lockPath).absolutePath());
    QLockFile lock(lockPath);
    if (qint64 pid = 0; !lockPair(lock, &pid)) {
        return finish(DeploymentStatus::Failed,
                      QStringLiteral("another deployment of %1 to %2 is running (process %3)")
                          .arg(m_request.application, m_request.environment)
                          .arg(pid),
                      message);
    }

    // The subject needs the host: a host that does not answer fails before anything is recorded.
    const Result<DockerEndpoint> endpoint = resolveEndpoint(m_context, m_request);
    if (!endpoint)
        return finish(DeploymentStatus::Failed, endpoint.error().toString(), message);
    m_client.emplace(*endpoint);
    if (const Result<DockerVersion> version = m_client->negotiate(); !version)
        return finish(DeploymentStatus::Failed, version.error().toString(), message);
    const Result<DeploymentSubject> subject = resolveSubject(m_context, m_request, *m_client);
    if (!subject)
        return finish(DeploymentStatus::Failed, subject.error().toString(), message);
    m_subject = *subject;
    m_workload.emplace(*m_client, m_subject.application.name, m_subject.environment.name);
    m_newGroup =
        m_subject.liveGroup.isEmpty() ? QString::fromUtf16(kBlue) : otherGroup(m_subject.liveGroup);

    if (m_request.kind == DeploymentKind::Rollback && m_request.reason.trimmed().isEmpty())
        return finish(DeploymentStatus::Failed, QStringLiteral("a rollback needs a reason"),
                      message);

    DeploymentStart start;
    start.application = m_subject.application.name;
    start.environment = m_subject.environment.name;
    start.kind = m_request.kind;
    start.from = m_subject.from;
    start.to = m_subject.to;
    start.strategy = strategyName(m_subject.strategy);
    start.reason = m_request.reason;
    start.who = m_request.who;
    const Result<QString> begun = m_context.ledger->begin(start);
    if (!begun)
        return finish(DeploymentStatus::Failed, begun.error().toString(), message);
    m_id = *begun;
    if (id)
        *id = m_id;
    if (m_request.kind == DeploymentKind::Deploy)
        m_context.ledger->recordRevisionConfig(start.application, start.environment, m_subject.to,
                                               m_subject.toConfig.toJson());

    m_estimateMs =
        estimateDuration(*m_context.ledger, start.application, start.environment, m_request.kind);
    enter(DeploymentStage::Initialized,
          QStringLiteral("%1 %2 in %3: %4 → revision %5 (%6), %7")
              .arg(deploymentKindName(m_request.kind), start.application, start.environment,
                   m_subject.from ? QStringLiteral("revision %1 (%2)")
                                        .arg(m_subject.from->number)
                                        .arg(m_subject.from->image)
                                  : QStringLiteral("nothing"))
              .arg(m_subject.to.number)
              .arg(m_subject.to.image, strategyName(m_subject.strategy)));

    enter(DeploymentStage::Validating);
    if (!validate()) {
        enter(DeploymentStage::Failed, QStringLiteral("a critical finding stopped it"));
        return finish(DeploymentStatus::Failed,
                      QStringLiteral("validation found critical problems"), message);
    }
    if (cancelled())
        return finish(DeploymentStatus::Cancelled,
                      QStringLiteral("cancelled before anything "
                                     "changed"),
                      message);

    if (m_request.kind == DeploymentKind::Rollback) {
        enter(DeploymentStage::RollingBack, QStringLiteral("back to revision %1: %2")
                                                .arg(m_subject.to.number)
                                                .arg(m_request.reason));
        const Outcome outcome = switchTo(m_subject.toConfig, m_subject.to, m_request.cleanUp);
        if (!outcome.ok) {
            enter(DeploymentStage::Failed, outcome.message);
            return finish(DeploymentStatus::Failed, outcome.message, message);
        }
        return finish(DeploymentStatus::Completed,
                      QStringLiteral("revision %1 (%2) is live again")
                          .arg(m_subject.to.number)
                          .arg(m_subject.to.image),
                      message);
    }

    enter(DeploymentStage::Testing);
    if (!test()) {
        const QString why = cancelled() ? QStringLiteral("cancelled while testing")
                                        : QStringLiteral("a test of the new revision failed");
        note(removeContainers(m_started, true));
        m_started.clear();
        if (m_router)
            note(releaseSlots(m_newGroup));
        if (cancelled())
            return finish(DeploymentStatus::Cancelled, why, message);
        enter(DeploymentStage::Failed, why);
        return finish(DeploymentStatus::Failed, why + QStringLiteral("; traffic never moved"),
                      message);
    }

    enter(DeploymentStage::Deploying, strategyName(m_subject.strategy));
    Outcome outcome = deployByStrategy();
    if (outcome.ok) {
        enter(DeploymentStage::Monitoring);
        outcome = monitor();
        if (outcome.ok)
            return finish(DeploymentStatus::Completed,
                          QStringLiteral("revision %1 (%2) is live")
                              .arg(m_subject.to.number)
                              .arg(m_subject.to.image),
                          message);
    }

    // Failed: before traffic moved nothing needs undoing beyond the new containers.
    const bool cancelledNow = cancelled();
    enter(DeploymentStage::Failed, outcome.message);
    if (!m_trafficMoved && cancelledNow) {
        note(removeContainers(m_started, true));
        if (m_router)
            note(releaseSlots(m_newGroup));
        return finish(DeploymentStatus::Cancelled, outcome.message, message);
    }
    if (!m_request.autoRollback && !cancelledNow)
        return finish(DeploymentStatus::Failed,
                      outcome.message + QStringLiteral(" (automatic rollback is off)"), message);
    enter(DeploymentStage::RollingBack, outcome.message);
    const Outcome restored = restore(outcome.message);
    if (!restored.ok)
        return finish(DeploymentStatus::Failed,
                      outcome.message + QStringLiteral("; the rollback failed too: ") +
                          restored.message,
                      message);
    enter(DeploymentStage::RolledBack, restored.message);
    return finish(DeploymentStatus::RolledBack,
                  outcome.message + QStringLiteral("; ") + restored.message, message);
}

// ---- VALIDATING ------------------------------------------------------------------------------

bool DeploymentRun::validate()
{
    bool critical = false;
    const auto finding = [&](Severity severity, const QString& rule, const QString& text) {
        validation(severity, rule, text);
        if (blocksDeploy(severity, m_subject.environment.validation))
            critical = true;
    };
    const Application& app = m_subject.application;
    const Environment& env = m_subject.environment;
    const RevisionConfig& config = m_subject.toConfig;

    // Workspace, templates and policy at the environment's level.
    int files = 0;
    for (const QString& path : validationTargets(m_context.workspace.root)) {
        ++files;
        for (const Diagnostic& diagnostic : validateFile(path, env.validation)) {
            const QString where =
                QDir(m_context.workspace.root).relativeFilePath(diagnostic.path) +
                (diagnostic.line > 0
                     ? QStringLiteral(":%1:%2").arg(diagnostic.line).arg(diagnostic.column)
                     : QString());
            finding(diagnostic.severity, diagnostic.rule, where + u": " + diagnostic.message);
        }
    }
    log(QStringLiteral("checked %1 workspace files at the %2 level")
            .arg(files)
            .arg(validationLevelName(env.validation)));
    progress(5);

    // The image is on the host.
    const Result<std::optional<QJsonObject>> image = m_client->inspectImage(config.image);
    if (!image)
        finding(Severity::Critical, QStringLiteral("docker-host"), image.error().toString());
    else if (!image->has_value())
        finding(Severity::Critical, QStringLiteral("image-present"),
                QStringLiteral("image %1 is not on %2; build or load it there first")
                    .arg(config.image, m_subject.endpoint.toString()));
    else
        log(QStringLiteral("image %1 is on the host").arg(config.image));

    // Strategy needs.
    if (m_request.kind == DeploymentKind::Deploy) {
        const bool needsTraffic = m_subject.strategy == Strategy::Type::BlueGreen ||
                                  m_subject.strategy == Strategy::Type::Canary;
        if (needsTraffic && !m_subject.usesTraffic)
            finding(Severity::Critical, QStringLiteral("traffic-entry-point"),
                    QStringLiteral("%1 needs a traffic entry point: set traffic.listen on "
                                   "environment %2")
                        .arg(strategyName(m_subject.strategy), env.name));
        if (!m_subject.usesTraffic && config.replicas > 1 && !declaredHostPorts().isEmpty())
            finding(Severity::Critical, QStringLiteral("host-port-replicas"),
                    QStringLiteral("%1 replicas cannot all publish host port %2; give environment "
                                   "%3 a traffic entry point")
                        .arg(config.replicas)
                        .arg(declaredHostPorts().first())
                        .arg(env.name));
        if (m_subject.strategy == Strategy::Type::Canary) {
            for (const AnalysisTemplate& analysis : app.strategy.analyses) {
                if (Result<AnalysisRun> run = AnalysisRun::create(analysis); !run)
                    finding(Severity::Critical, QStringLiteral("analysis"), run.error().toString());
                else if (Result<std::optional<double>> probe =
                             metricValue(analysis.metric, {}, {}, 0);
                         !probe)
                    finding(Severity::Critical, QStringLiteral("analysis"),
                            QStringLiteral("analysis '%1': %2")
                                .arg(analysis.name, probe.error().message));
            }
        }
    }

    // Ports: the entry point's, or the declared host ports.
    if (m_subject.usesTraffic) {
        QString host;
        int port = 0;
        if (!splitHostPort(env.trafficListen, &host, &port)) {
            finding(Severity::Critical, QStringLiteral("traffic-listen"),
                    QStringLiteral("traffic.listen '%1' is not host:port").arg(env.trafficListen));
        } else {
            const TrafficRouterOptions options = trafficOptions(m_context, env, config);
            const bool ours = traffic::HaproxyProcess::attach(options.folder, options.process).ok();
            if (!ours && !portIsFree(host, port))
                finding(Severity::Critical, QStringLiteral("port-free"),
                        QStringLiteral("port %1 of the traffic entry point is taken by another "
                                       "program")
                            .arg(env.trafficListen));
        }
    } else if (m_subject.endpoint.kind == DockerEndpoint::Kind::Unix) {
        // Only a local daemon's ports can be tried from here; ports the pair holds are its own.
        const Result<QList<PairContainer>> mine = m_workload->containers();
        const bool holding =
            mine && std::any_of(mine->begin(), mine->end(),
                                [](const PairContainer& c) { return c.isRunning(); });
        const QMap<int, int> declared = declaredHostPorts();
        for (auto it = declared.begin(); it != declared.end(); ++it) {
            if (!holding && !portIsFree(QString(), it.value()))
                finding(Severity::Critical, QStringLiteral("port-free"),
                        QStringLiteral("host port %1 is taken by another program").arg(it.value()));
        }
    }

    // Resources of the host against the environment's requirements and the replicas' limits.
    if (const Result<QJsonObject> info = m_client->info(); !info) {
        finding(Severity::Critical, QStringLiteral("docker-host"), info.error().toString());
    } else {
        const double cpus = info->value(QLatin1String("NCPU")).toDouble();
        const double memory = info->value(QLatin1String("MemTotal")).toDouble();
        const Requirements& needs = env.requirements;
        if (needs.cpu && needs.cpu->value() > cpus)
            finding(m_request.force ? Severity::High : Severity::Critical,
                    QStringLiteral("resources"),
                    QStringLiteral("environment %1 needs %2 CPUs; the host has %3")
                        .arg(env.name)
                        .arg(needs.cpu->value())
                        .arg(cpus));
        if (needs.memory && needs.memory->value() > memory)
            finding(m_request.force ? Severity::High : Severity::Critical,
                    QStringLiteral("resources"),
                    QStringLiteral("environment %1 needs %2 MiB of memory; the host has %3 MiB")
                        .arg(env.name)
                        .arg(qint64(needs.memory->value() / 1048576.0))
                        .arg(qint64(memory / 1048576.0)));
        const double wanted = double(config.memoryBytes) * config.replicas;
        if (wanted > memory)
            finding(Severity::Critical, QStringLiteral("resources"),
                    QStringLiteral("%1 replicas × %2 MiB exceed the host's %3 MiB")
                        .arg(config.replicas)
                        .arg(config.memoryBytes / 1048576)
                        .arg(qint64(memory / 1048576.0)));
    }
    progress(8);

    // Applications it depends on run healthy in the same environment.
    for (const QString& dependency : app.dependsOn) {
        PairWorkload other(*m_client, dependency, env.name);
        const Result<QList<PairContainer>> containers = other.containers();
        if (!containers) {
            finding(Severity::Critical, QStringLiteral("dependency"),
                    containers.error().toString());
            continue;
        }
        const bool healthy =
            std::any_of(containers->begin(), containers->end(), [](const PairContainer& c) {
                return c.isRunning() && (c.health.isEmpty() || c.health == u"healthy");
            });
        if (!healthy)
            finding(m_request.force ? Severity::High : Severity::Critical,
                    QStringLiteral("dependency"),
                    QStringLiteral("%1 depends on %2, which has no healthy container in %3")
                        .arg(app.name, dependency, env.name));
    }
    progress(10);
    return !critical;
}

QMap<int, int> DeploymentRun::declaredHostPorts() const
{
    QMap<int, int> ports;
    for (const PortMapping& port : m_subject.application.ports) {
        if (port.hostPort > 0)
            ports.insert(port.containerPort, port.hostPort);
    }
    return ports;
}

// ---- TESTING ---------------------------------------------------------------------------------

bool DeploymentRun::test()
{
    const Application& app = m_subject.application;
    const RevisionConfig& config = m_subject.toConfig;
    // The candidate: the new revision's containers in the idle group behind the entry point
    // (blue-green and canary start them all, rolling the first), or one container on a loopback
    // port of its own that goes away after the tests.
    const bool traffic = m_subject.usesTraffic && m_subject.strategy != Strategy::Type::Recreate;
    const int count = !traffic                                        ? 1
                      : m_subject.strategy == Strategy::Type::Rolling ? 1
                                                                      : config.replicas;
    const QString group = traffic ? m_newGroup : QStringLiteral("candidate");
    if (!traffic && app.tests.isEmpty()) {
        // A lone candidate would only repeat the health check the replacement itself waits for.
        log(QStringLiteral("no tests declared; the new containers' health is checked as they "
                           "replace the old ones"));
        return !cancelled();
    }
    if (traffic) {
        // Leftovers of the idle group (an earlier failed attempt) make way.
        const Result<QList<PairContainer>> all = m_workload->containers();
        if (!all) {
            log(all.error().toString());
            return false;
        }
        QList<PairContainer> stale;
        for (const PairContainer& container : *all) {
            if (container.identity.group == group &&
                (!m_subject.from || container.identity.revision != m_subject.from->number))
                stale.append(container);
        }
        if (!stale.isEmpty()) {
            log(QStringLiteral("removing %1 leftover container(s) of the %2 group")
                    .arg(stale.size())
                    .arg(group));
            note(removeContainers(stale, true));
        }
    }
    const Result<QList<PairContainer>> started =
        startGroup(config, m_subject.to, group, 1, count, true);
    if (!started) {
        testResult(QStringLiteral("start"), false, {}, started.error().toString());
        return false;
    }
    const Result<bool> healthy = waitGroupHealthy(*started, config);
    if (!healthy) {
        testResult(QStringLiteral("health"), false, {}, healthy.error().toString());
        return false;
    }
    progress(18);
    const PairContainer candidate = started->first();
    const QString base = baseUrl(candidate);
    log(QStringLiteral("candidate %1 answers at %2").arg(candidate.name, base));

    bool passed = true;
    int index = 0;
    for (const AppTest& appTest : app.tests) {
        if (cancelled())
            return false;
        ++index;
        if (appTest.kind == AppTest::Kind::HttpCheck) {
            http::HttpCheckSpec spec;
            spec.url = testUrl(base, appTest.path);
            spec.method = appTest.method;
            spec.expectStatus = appTest.expectStatus;
            spec.timeout = appTest.timeout;
            spec.retries = appTest.retries;
            const http::HttpCheckResult result = http::runHttpCheck(spec, &m_control.cancel);
            testResult(QStringLiteral("http_check %1").arg(appTest.path), result.passed,
                       QJsonObject{{QStringLiteral("status"), result.status},
                                   {QStringLiteral("ms"), qint64(result.elapsed.count())},
                                   {QStringLiteral("attempts"), result.attempts}},
                       http::formatHttpCheckResult(spec, result));
            passed = passed && result.passed;
        } else if (appTest.kind == AppTest::Kind::LoadTest) {
            http::LoadTestSpec spec;
            spec.url = testUrl(base, appTest.path);
            spec.method = appTest.method;
            spec.users = appTest.users;
            spec.duration = appTest.duration;
            spec.thresholds.p95 = appTest.p95Latency;
            spec.thresholds.maxErrorRate = appTest.maxErrorRate;
            spec.thresholds.minRequestsPerSecond = appTest.minRequestsPerSecond;
            const http::LoadTestResult result = http::runLoadTest(spec, &m_control.cancel);
            testResult(QStringLiteral("load_test %1").arg(appTest.path), result.passed,
                       QJsonObject{{QStringLiteral("requests"), result.requests},
                                   {QStringLiteral("success_rate"), result.successRate},
                                   {QStringLiteral("rps"), result.requestsPerSecond},
                                   {QStringLiteral("mean_ms"), result.meanMs},
                                   {QStringLiteral("p50_ms"), result.p50Ms},
                                   {QStringLiteral("p95_ms"), result.p95Ms},
                                   {QStringLiteral("p99_ms"), result.p99Ms}},
                       http::formatLoadTestSummary(spec, result));
            passed = passed && result.passed;
        } else {
            // A pipeline of the workspace, by name or file name, with the candidate's URL.
            std::optional<Pipeline> pipeline;
            Diagnostics findings;
            for (const QString& path : m_context.workspace.pipelineFiles) {
                Diagnostics out;
                std::optional<Pipeline> loaded = loadPipeline(path, out);
                if (loaded && (loaded->name == appTest.pipeline ||
                               QFileInfo(path).completeBaseName() == appTest.pipeline)) {
                    pipeline = loaded;
                    break;
                }
            }
            if (!pipeline) {
                testResult(QStringLiteral("pipeline %1").arg(appTest.pipeline), false, {},
                           QStringLiteral("no pipeline named '%1' in the workspace")
                               .arg(appTest.pipeline));
                passed = false;
                continue;
            }
            RunnerOptions options;
            options.dataDir = m_context.dataDir;
            options.keyringService = m_context.keyringService;
            options.useKeyring = m_context.useKeyring;
            PipelineRunnerHost host(options);
            RunRequest run;
            run.pipeline = *pipeline;
            run.workspace = m_context.workspace.root;
            run.envOverrides = {
                {QStringLiteral("CANDIDATE_URL"), base},
                {QStringLiteral("LAUNCHDECK_APPLICATION"), app.name},
                {QStringLiteral("LAUNCHDECK_ENVIRONMENT"), m_subject.environment.name},
                {QStringLiteral("LAUNCHDECK_IMAGE"), config.image}};
            QEventLoop loop;
            RunResult outcome;
            QObject::connect(
                host.runner(), &PipelineRunner::stepFinished, &loop, [this](const StepEvent& step) {
                    log(QStringLiteral("pipeline step %1: %2 in %3 ms%4")
                            .arg(step.step, runStatusName(step.status))
                            .arg(step.durationMs)
                            .arg(step.message.isEmpty() ? QString() : u" (" + step.message + u')'));
                });
            QObject::connect(host.runner(), &PipelineRunner::runFinished, &loop,
                             [&](const RunResult& result) {
                                 outcome = result;
                                 loop.quit();
                             });
            QTimer cancelWatch;
            QString runId;
            QObject::connect(&cancelWatch, &QTimer::timeout, &loop, [&] {
                if (cancelled())
                    host.cancel(runId);
            });
            cancelWatch.start(100);
            runId = host.start(run);
            loop.exec();
            const bool ok = outcome.status == RunStatus::Succeeded;
            testResult(QStringLiteral("pipeline %1").arg(pipeline->name), ok,
                       QJsonObject{{QStringLiteral("run"), outcome.runId},
                                   {QStringLiteral("duration_ms"), outcome.durationMs}},
                       QStringLiteral("pipeline %1 %2 in %3 ms")
                           .arg(pipeline->name, runStatusName(outcome.status))
                           .arg(outcome.durationMs));
            passed = passed && ok;
        }
        progress(18 + 15 * index / qMax(1, int(app.tests.size())));
    }
    if (!traffic) {
        // The lone candidate is not part of the rollout.
        note(removeContainers(*started, true));
        m_started.clear();
    }
    return passed && !cancelled();
}

// ---- shared steps ----------------------------------------------------------------------------

Result<QList<PairContainer>> DeploymentRun::startGroup(const RevisionConfig& config,
                                                       const Revision& revision,
                                                       const QString& group, int firstReplica,
                                                       int count, bool publishToLoopback)
{
    QList<PairContainer> started;
    const QMap<QString, QString> secrets = secretValues();
    for (int replica = firstReplica; replica < firstReplica + count; ++replica) {
        if (cancelled())
            return Error{QStringLiteral("cancelled"), group};
        ContainerIdentity identity{m_subject.application.name,
                                   m_subject.environment.name,
                                   revision.number,
                                   m_id,
                                   group,
                                   replica};
        const Result<PairContainer> container =
            m_workload->startReplica(config, identity, secrets, publishToLoopback,
                                     publishToLoopback ? QMap<int, int>() : declaredHostPorts());
        if (!container)
            return container.error();
        log(QStringLiteral("started %1 (%2)%3")
                .arg(container->name, config.image,
                     container->trafficPort > 0
                         ? QStringLiteral(" on 127.0.0.1:%1").arg(container->trafficPort)
                         : QString()));
        started.append(*container);
        if (revision.number == m_subject.to.number)
            m_started.append(*container);
    }
    return started;
}

Result<bool> DeploymentRun::waitGroupHealthy(const QList<PairContainer>& containers,
                                             const RevisionConfig& config)
{
    for (const PairContainer& container : containers) {
        const Result<bool> healthy =
            m_workload->waitHealthy(container, config, healthDeadline(config), &m_control.cancel);
        if (!healthy)
            return healthy;
        log(QStringLiteral("%1 is healthy").arg(container.name));
    }
    return true;
}

Result<bool> DeploymentRun::openRouter(int slotsPerGroup)
{
    if (m_router)
        return true;
    const TrafficRouterOptions options =
        trafficOptions(m_context, m_subject.environment, m_subject.toConfig);
    Result<TrafficRouter> router = TrafficRouter::open(options, slotsPerGroup);
    if (!router)
        return router.error();
    m_router.emplace(std::move(router).value());
    log(QStringLiteral("traffic entry point %1 (haproxy %2)")
            .arg(m_subject.environment.trafficListen)
            .arg(m_router->pid()));
    return true;
}

Result<bool> DeploymentRun::assignSlots(const QList<PairContainer>& containers)
{
    for (const PairContainer& container : containers) {
        if (container.trafficPort <= 0)
            return Error{QStringLiteral("no published traffic port"), container.name};
        if (Result<bool> assigned =
                m_router->assign(container.identity.group, container.identity.replica,
                                 QStringLiteral("127.0.0.1"), container.trafficPort);
            !assigned)
            return assigned;
    }
    return true;
}

Result<bool> DeploymentRun::releaseSlots(const QString& group, int fromIndex)
{
    const Result<QList<TrafficSlot>> states = m_router->slotStates();
    if (!states)
        return states.error();
    for (const TrafficSlot& slot : *states) {
        if (slot.group == group && slot.index >= fromIndex && slot.enabled) {
            if (Result<bool> released = m_router->release(group, slot.index); !released)
                return released;
        }
    }
    return true;
}

Result<bool> DeploymentRun::removeContainers(const QList<PairContainer>& containers,
                                             bool removeVolumes)
{
    Result<bool> result = true;
    for (const PairContainer& container : containers) {
        if (Result<bool> removed = m_workload->remove(container, removeVolumes); !removed)
            result = removed;
        else
            log(QStringLiteral("removed %1").arg(container.name));
    }
    return result;
}

Result<QList<PairContainer>> DeploymentRun::revisionContainers(int revision, bool runningOnly)
{
    Result<QList<PairContainer>> all = m_workload->containers();
    if (!all)
        return all;
    QList<PairContainer> found;
    for (const PairContainer& container : *all) {
        if (container.identity.revision == revision && container.identity.group != u"candidate" &&
            (!runningOnly || container.isRunning()))
            found.append(container);
    }
    return found;
}

// ---- DEPLOYING -------------------------------------------------------------------------------

DeploymentRun::Outcome DeploymentRun::deployByStrategy()
{
    const RevisionConfig& config = m_subject.toConfig;
    const Strategy& strategy = m_subject.application.strategy;
    const QString oldGroup = m_subject.liveGroup;
    const Result<QList<PairContainer>> oldContainers =
        m_subject.from ? revisionContainers(m_subject.from->number, false)
                       : Result<QList<PairContainer>>(QList<PairContainer>());
    if (!oldContainers)
        return {false, oldContainers.error().toString()};

    if (!m_subject.usesTraffic) {
        // Without an entry point the declared host ports move from the old containers to the new
        // ones: stop-first, so there is a gap.
        log(QStringLiteral("no traffic entry point: the old containers stop before the new ones "
                           "start"));
        m_trafficMoved = true;
        if (Result<bool> removed = removeContainers(*oldContainers, !m_request.preserveData);
            !removed)
            return {false, removed.error().toString()};
        progress(50);
        const Result<QList<PairContainer>> started =
            startGroup(config, m_subject.to, m_newGroup, 1, config.replicas, false);
        if (!started)
            return {false, started.error().toString()};
        if (Result<bool> healthy = waitGroupHealthy(*started, config); !healthy)
            return {false, healthy.error().toString()};
        progress(74);
        return {true, {}};
    }

    const int slotCount =
        qMax(config.replicas, m_subject.fromConfig ? m_subject.fromConfig->replicas : 1);
    if (Result<bool> opened = openRouter(slotCount); !opened)
        return {false, opened.error().toString()};

    switch (m_subject.strategy) {
    case Strategy::Type::Recreate: {
        log(QStringLiteral("recreate: the application is unreachable until the new containers "
                           "are up"));
        m_trafficMoved = true;
        if (!oldGroup.isEmpty())
            note(releaseSlots(oldGroup));
        if (Result<bool> removed = removeContainers(*oldContainers, !m_request.preserveData);
            !removed)
            return {false, removed.error().toString()};
        const Result<QList<PairContainer>> started =
            startGroup(config, m_subject.to, m_newGroup, 1, config.replicas, true);
        if (!started)
            return {false, started.error().toString()};
        if (Result<bool> healthy = waitGroupHealthy(*started, config); !healthy)
            return {false, healthy.error().toString()};
        if (Result<bool> assigned = assignSlots(*started); !assigned)
            return {false, assigned.error().toString()};
        if (Result<bool> up =
                m_router->waitUntilUp(m_newGroup, healthDeadline(config), &m_control.cancel);
            !up)
            return {false, up.error().toString()};
        if (Result<bool> shared = m_router->setShares({{m_newGroup, 100}}); !shared)
            return {false, shared.error().toString()};
        m_switchedAt = QDateTime::currentDateTimeUtc();
        progress(74);
        return {true, {}};
    }
    case Strategy::Type::Rolling: {
        // Start-first, one replica at a time; the first one was the tested candidate.
        const int replicas = config.replicas;
        QList<PairContainer> oldRunning;
        for (const PairContainer& container : *oldContainers) {
            if (container.isRunning())
                oldRunning.append(container);
        }
        QList<PairContainer> fresh = m_started;
        for (int replica = 1; replica <= replicas; ++replica) {
            if (cancelled())
                return {false, QStringLiteral("cancelled")};
            if (replica > fresh.size()) {
                const Result<QList<PairContainer>> one =
                    startGroup(config, m_subject.to, m_newGroup, replica, 1, true);
                if (!one)
                    return {false, one.error().toString()};
                if (Result<bool> healthy = waitGroupHealthy(*one, config); !healthy)
                    return {false, healthy.error().toString()};
                fresh.append(one->first());
            }
            if (Result<bool> assigned = assignSlots({fresh.at(replica - 1)}); !assigned)
                return {false, assigned.error().toString()};
            if (Result<bool> up =
                    m_router->waitUntilUp(m_newGroup, healthDeadline(config), &m_control.cancel);
                !up)
                return {false, up.error().toString()};
            // Traffic in proportion to the replicas of each revision that serve.
            const int oldLeft = qMax(0, int(oldRunning.size()) - replica);
            const int newShare = oldLeft == 0 ? 100 : 100 * replica / (replica + oldLeft);
            QMap<QString, int> shares{{m_newGroup, newShare}};
            if (!oldGroup.isEmpty())
                shares.insert(oldGroup, 100 - newShare);
            if (Result<bool> shared = m_router->setShares(shares); !shared)
                return {false, shared.error().toString()};
            m_trafficMoved = true;
            log(QStringLiteral("replica %1 of %2 serves (%3% of traffic on revision %4)")
                    .arg(replica)
                    .arg(replicas)
                    .arg(newShare)
                    .arg(m_subject.to.number));
            // One old replica goes.
            if (!oldRunning.isEmpty() && oldRunning.size() > oldLeft) {
                const PairContainer retiring = oldRunning.takeLast();
                note(m_router->release(retiring.identity.group, retiring.identity.replica));
                m_control.sleepFor(1s); // let its last answers finish
                note(removeContainers({retiring}, !m_request.preserveData));
            }
            progress(35 + 40 * replica / replicas);
        }
        if (!oldRunning.isEmpty()) {
            for (const PairContainer& retiring : std::as_const(oldRunning))
                note(m_router->release(retiring.identity.group, retiring.identity.replica));
            m_control.sleepFor(1s);
            note(removeContainers(oldRunning, !m_request.preserveData));
        }
        if (Result<bool> shared = m_router->setShares({{m_newGroup, 100}}); !shared)
            return {false, shared.error().toString()};
        m_switchedAt = QDateTime::currentDateTimeUtc();
        return {true, {}};
    }
    case Strategy::Type::BlueGreen: {
        if (Result<bool> assigned = assignSlots(m_started); !assigned)
            return {false, assigned.error().toString()};
        log(QStringLiteral("waiting for HAProxy to see the %1 group up").arg(m_newGroup));
        if (Result<bool> up =
                m_router->waitUntilUp(m_newGroup, healthDeadline(config), &m_control.cancel);
            !up)
            return {false, up.error().toString()};
        progress(60);
        if (!strategy.prePromotionAnalysis.isEmpty()) {
            const auto found = std::find_if(
                strategy.analyses.begin(), strategy.analyses.end(),
                [&](const AnalysisTemplate& a) { return a.name == strategy.prePromotionAnalysis; });
            if (found != strategy.analyses.end()) {
                log(QStringLiteral("pre-promotion analysis %1").arg(found->name));
                const Outcome analysed = runAnalysis(*found);
                if (!analysed.ok)
                    return analysed;
            }
        }
        QElapsedTimer switchClock;
        switchClock.start();
        if (Result<bool> shared = m_router->setShares({{m_newGroup, 100}}); !shared)
            return {false, shared.error().toString()};
        m_trafficMoved = true;
        m_switchedAt = QDateTime::currentDateTimeUtc();
        log(QStringLiteral("traffic switched to %1 (revision %2) in %3 ms; %4 stays warm for %5 s")
                .arg(m_newGroup)
                .arg(m_subject.to.number)
                .arg(switchClock.elapsed())
                .arg(oldGroup.isEmpty() ? QStringLiteral("nothing") : oldGroup)
                .arg(strategy.scaleDownDelay.count() / 1000));
        progress(74);
        return {true, {}};
    }
    case Strategy::Type::Canary: {
        if (Result<bool> assigned = assignSlots(m_started); !assigned)
            return {false, assigned.error().toString()};
        if (Result<bool> up =
                m_router->waitUntilUp(m_newGroup, healthDeadline(config), &m_control.cancel);
            !up)
            return {false, up.error().toString()};
        if (oldGroup.isEmpty()) {
            log(QStringLiteral("first deployment: the canary takes all traffic"));
        } else {
            const Outcome stepped = runCanarySteps();
            if (!stepped.ok)
                return stepped;
        }
        if (Result<bool> shared = m_router->setShares({{m_newGroup, 100}}); !shared)
            return {false, shared.error().toString()};
        m_trafficMoved = true;
        m_switchedAt = QDateTime::currentDateTimeUtc();
        log(QStringLiteral("canary promoted: revision %1 takes all traffic")
                .arg(m_subject.to.number));
        progress(74);
        return {true, {}};
    }
    }
    return {false, QStringLiteral("unknown strategy")};
}

DeploymentRun::Outcome DeploymentRun::runCanarySteps()
{
    const Strategy& strategy = m_subject.application.strategy;
    const QString stable = m_subject.liveGroup;
    const int steps = int(strategy.steps.size());
    int done = 0;
    for (const StrategyStep& step : strategy.steps) {
        if (cancelled())
            return {false, QStringLiteral("cancelled")};
        switch (step.kind) {
        case StrategyStep::Kind::SetWeight: {
            if (Result<bool> shared =
                    m_router->setShares({{stable, 100 - step.weight}, {m_newGroup, step.weight}});
                !shared)
                return {false, shared.error().toString()};
            m_trafficMoved = m_trafficMoved || step.weight > 0;
            log(QStringLiteral("canary weight %1%").arg(step.weight));
            break;
        }
        case StrategyStep::Kind::Pause: {
            if (step.pause) {
                log(QStringLiteral("pause %1 s").arg(step.pause->count() / 1000.0));
                const int seen = m_control.promotions.load();
                const auto deadline = std::chrono::steady_clock::now() + *step.pause;
                // Promote also ends a timed pause early.
                while (std::chrono::steady_clock::now() < deadline &&
                       m_control.promotions.load() == seen) {
                    if (!m_control.sleepFor(100ms))
                        return {false, QStringLiteral("cancelled during a pause")};
                }
            } else if (m_request.autoPromote) {
                log(QStringLiteral("pause for promotion: promoted automatically"));
            } else {
                // Read before asking, so a Promote clicked at once is not missed.
                const int seen = m_control.promotions.load();
                pause(QStringLiteral("paused at canary step %1 (line %2): waiting for Promote")
                          .arg(done + 1)
                          .arg(step.line));
                if (!m_control.waitForPromotion(seen))
                    return {false, QStringLiteral("cancelled while paused for promotion")};
                log(QStringLiteral("promoted"));
            }
            break;
        }
        case StrategyStep::Kind::Analysis: {
            const auto found =
                std::find_if(strategy.analyses.begin(), strategy.analyses.end(),
                             [&](const AnalysisTemplate& a) { return a.name == step.analysis; });
            if (found == strategy.analyses.end())
                return {false, QStringLiteral("no analysis named '%1'").arg(step.analysis)};
            const Outcome analysed = runAnalysis(*found);
            if (!analysed.ok)
                return analysed;
            break;
        }
        }
        ++done;
        progress(35 + 38 * done / qMax(1, steps));
    }
    return {true, {}};
}

DeploymentRun::Outcome DeploymentRun::runAnalysis(const AnalysisTemplate& analysis)
{
    Result<AnalysisRun> created = AnalysisRun::create(analysis);
    if (!created)
        return {false, created.error().toString()};
    AnalysisRun run = std::move(created).value();
    log(QStringLiteral("analysis %1: %2 every %3 s, %4 measurements")
            .arg(analysis.name, analysis.metric)
            .arg(analysis.interval.count() / 1000.0)
            .arg(analysis.count));
    Result<TrafficCounters> before = m_router->counters(m_newGroup);
    int restartsBefore = 0;
    const auto restartsNow = [this] {
        int total = 0;
        for (const PairContainer& container : std::as_const(m_started)) {
            if (const Result<ContainerCondition> condition = m_workload->condition(container))
                total += condition->restartCount + (condition->oomKilled ? 1 : 0);
        }
        return total;
    };
    restartsBefore = restartsNow();
    while (!run.isDone()) {
        if (!m_control.sleepFor(analysis.interval))
            return {false, QStringLiteral("cancelled during analysis %1").arg(analysis.name)};
        const Result<TrafficCounters> after = m_router->counters(m_newGroup);
        std::optional<double> value;
        QString error;
        if (!before || !after) {
            error = (!after ? after.error() : before.error()).toString();
        } else {
            const int restarts = restartsNow();
            const Result<std::optional<double>> measured =
                metricValue(analysis.metric, *before, *after, restarts - restartsBefore);
            if (!measured)
                error = measured.error().message;
            else if (!*measured)
                error = QStringLiteral("no requests reached the canary");
            else
                value = *measured;
        }
        const Measurement& measurement = run.measure(value, error);
        log(QStringLiteral("analysis %1: %2 → %3")
                .arg(analysis.name,
                     measurement.value ? QString::number(*measurement.value, 'g', 4)
                                       : measurement.message,
                     measurementPhaseName(measurement.phase)));
        before = after;
    }
    QJsonArray values;
    for (const Measurement& measurement : run.measurements())
        values.append(measurement.value ? QJsonValue(*measurement.value) : QJsonValue());
    const bool ok = run.phase() == AnalysisPhase::Successful;
    if (run.phase() == AnalysisPhase::Inconclusive && !m_request.autoPromote) {
        testResult(QStringLiteral("analysis %1").arg(analysis.name), false,
                   QJsonObject{{QStringLiteral("phase"), analysisPhaseName(run.phase())},
                               {QStringLiteral("values"), values}},
                   run.summary());
        const int seen = m_control.promotions.load();
        pause(run.summary() + QStringLiteral(": inconclusive, waiting for Promote"));
        if (!m_control.waitForPromotion(seen))
            return {false, QStringLiteral("analysis %1 was inconclusive and the deployment was "
                                          "cancelled")
                               .arg(analysis.name)};
        return {true, {}};
    }
    testResult(QStringLiteral("analysis %1").arg(analysis.name), ok,
               QJsonObject{{QStringLiteral("phase"), analysisPhaseName(run.phase())},
                           {QStringLiteral("values"), values}},
               run.summary());
    if (!ok)
        return {false, run.summary()};
    return {true, {}};
}

// ---- MONITORING ------------------------------------------------------------------------------

DeploymentRun::Outcome DeploymentRun::monitor()
{
    const RollbackPolicy& policy = m_subject.application.rollback;
    const RevisionConfig& config = m_subject.toConfig;
    const auto window = policy.monitorWindow;
    const auto interval = std::chrono::milliseconds(
        qBound(qint64(250), config.healthcheck ? config.healthcheck->intervalMs : qint64(5000),
               qint64(5000)));
    log(QStringLiteral("monitoring for %1 s").arg(window.count() / 1000.0));
    MonitorTriggers triggers(policy);
    const Result<QList<PairContainer>> fresh = revisionContainers(m_subject.to.number, false);
    if (!fresh)
        return {false, fresh.error().toString()};
    const QList<PairContainer> containers = *fresh;
    // Restart counts at the start of the window.
    QMap<QString, int> restartBase;
    for (const PairContainer& container : containers) {
        if (const Result<ContainerCondition> condition = m_workload->condition(container))
            restartBase.insert(container.id, condition->restartCount);
    }
    std::optional<TrafficCounters> previous;
    if (m_router) {
        if (const Result<TrafficCounters> counters = m_router->counters(m_newGroup))
            previous = *counters;
    }
    QElapsedTimer clock;
    clock.start();
    while (clock.elapsed() < window.count()) {
        const qint64 left = window.count() - clock.elapsed();
        if (!m_control.sleepFor(std::chrono::milliseconds(qMin<qint64>(interval.count(), left))))
            return {false, QStringLiteral("cancelled while monitoring")};
        MonitorReading reading;
        for (const PairContainer& container : containers) {
            const Result<ContainerCondition> condition = m_workload->condition(container);
            if (!condition)
                return {false, condition.error().toString()};
            reading.restarts += condition->restartCount - restartBase.value(container.id);
            reading.oomKilled = reading.oomKilled || condition->oomKilled;
            const bool healthy =
                condition->running &&
                m_workload->probe(
                    container, config,
                    std::chrono::milliseconds(config.healthcheck
                                                  ? qMax<qint64>(config.healthcheck->timeoutMs, 500)
                                                  : 2000));
            reading.healthy = reading.healthy && healthy;
            if (policy.memoryShare && condition->running) {
                if (const Result<DockerStatsSample> stats = m_client->statsOnce(container.id);
                    stats && stats->memoryLimitBytes > 0)
                    reading.memoryShare =
                        qMax(reading.memoryShare.value_or(0.0),
                             double(stats->memoryUsedBytes) / double(stats->memoryLimitBytes));
            }
        }
        if (m_router) {
            if (const Result<TrafficCounters> counters = m_router->counters(m_newGroup)) {
                if (previous)
                    reading.errorRate = errorRate(*previous, *counters);
                if (counters->requests > (previous ? previous->requests : 0))
                    reading.responseTimeMs = counters->responseTimeMs;
                previous = *counters;
            }
        }
        if (const std::optional<QString> reason = triggers.observe(reading))
            return {false, QStringLiteral("monitoring: ") + *reason};
        progress(75 + int(20 * clock.elapsed() / qMax<qint64>(1, window.count())));
    }
    log(QStringLiteral("monitoring window passed"));

    // The old group stays warm for the scale-down delay after the switch, then goes.
    if (m_router && !m_subject.liveGroup.isEmpty() && m_subject.from) {
        const qint64 delay = m_subject.application.strategy.scaleDownDelay.count();
        const qint64 since =
            m_switchedAt.isValid() ? m_switchedAt.msecsTo(QDateTime::currentDateTimeUtc()) : delay;
        if (since < delay) {
            log(QStringLiteral("keeping %1 warm for %2 s more")
                    .arg(m_subject.liveGroup)
                    .arg((delay - since) / 1000.0));
            if (!m_control.sleepFor(std::chrono::milliseconds(delay - since)))
                return {false, QStringLiteral("cancelled while the old revision was kept warm")};
        }
        const Result<QList<PairContainer>> old = revisionContainers(m_subject.from->number, false);
        if (old && !old->isEmpty()) {
            note(releaseSlots(m_subject.liveGroup));
            m_control.sleepFor(1s); // their last answers finish
            note(removeContainers(*old, !m_request.preserveData));
        }
    }
    // The new group's slots beyond its replicas hold nothing.
    if (m_router)
        note(releaseSlots(m_newGroup, config.replicas + 1));
    return {true, {}};
}

// ---- ROLLING_BACK ----------------------------------------------------------------------------

DeploymentRun::Outcome DeploymentRun::switchTo(const RevisionConfig& config,
                                               const Revision& revision, bool removeOld)
{
    // Used by rollbacks: bring `revision` up in the group the live one is not in (reusing its
    // containers when they still run), move all traffic to it, then retire the rest.
    const Result<QList<PairContainer>> all = m_workload->containers();
    if (!all)
        return {false, all.error().toString()};
    QList<PairContainer> target;
    QList<PairContainer> others;
    for (const PairContainer& container : *all) {
        if (container.identity.revision == revision.number && container.isRunning() &&
            container.identity.group != u"candidate")
            target.append(container);
        else
            others.append(container);
    }
    QString group = target.isEmpty() ? QString() : target.first().identity.group;
    if (group.isEmpty()) {
        QString liveGroup;
        for (const PairContainer& container : others) {
            if (container.isRunning() && container.identity.group != u"candidate")
                liveGroup = container.identity.group;
        }
        group = liveGroup.isEmpty() ? QString::fromUtf16(kBlue) : otherGroup(liveGroup);
    }
    // Containers of the target's group that are not the target make way.
    QList<PairContainer> inTheWay;
    for (const PairContainer& container : std::as_const(others)) {
        if (container.identity.group == group)
            inTheWay.append(container);
    }

    if (!m_subject.usesTraffic) {
        note(removeContainers(others, !m_request.preserveData));
        if (target.isEmpty()) {
            const Result<QList<PairContainer>> started =
                startGroup(config, revision, group, 1, config.replicas, false);
            if (!started)
                return {false, started.error().toString()};
            target = *started;
        }
        if (Result<bool> healthy = waitGroupHealthy(target, config); !healthy)
            return {false, healthy.error().toString()};
        return {true, QStringLiteral("revision %1 restored").arg(revision.number)};
    }

    if (Result<bool> opened = openRouter(qMax(config.replicas, int(all->size()))); !opened)
        return {false, opened.error().toString()};
    if (target.size() < config.replicas) {
        if (!inTheWay.isEmpty()) {
            note(releaseSlots(group));
            note(removeContainers(inTheWay, !m_request.preserveData));
            for (const PairContainer& container : std::as_const(inTheWay))
                others.removeIf([&](const PairContainer& c) { return c.id == container.id; });
        }
        const Result<QList<PairContainer>> started =
            startGroup(config, revision, group, int(target.size()) + 1,
                       config.replicas - int(target.size()), true);
        if (!started)
            return {false, started.error().toString()};
        target += *started;
    }
    if (Result<bool> healthy = waitGroupHealthy(target, config); !healthy)
        return {false, healthy.error().toString()};
    if (Result<bool> assigned = assignSlots(target); !assigned)
        return {false, assigned.error().toString()};
    if (Result<bool> up = m_router->waitUntilUp(group, healthDeadline(config), nullptr); !up)
        return {false, up.error().toString()};
    if (Result<bool> shared = m_router->setShares({{group, 100}}); !shared)
        return {false, shared.error().toString()};
    log(QStringLiteral("traffic on revision %1 (%2)").arg(revision.number).arg(group));
    note(releaseSlots(otherGroup(group)));
    m_control.sleepFor(1s); // answers in flight on the other group finish
    QList<PairContainer> retired;
    for (const PairContainer& container : std::as_const(others)) {
        if (container.identity.group != group || container.identity.revision != revision.number)
            retired.append(container);
    }
    if (removeOld) {
        note(removeContainers(retired, !m_request.preserveData));
    } else {
        for (const PairContainer& container : std::as_const(retired))
            note(m_workload->stop(container));
    }
    return {true,
            QStringLiteral("traffic back on revision %1 (%2)").arg(revision.number).arg(group)};
}

DeploymentRun::Outcome DeploymentRun::restore(const QString& reason)
{
    log(QStringLiteral("rolling back: %1").arg(reason));
    if (!m_subject.from || !m_subject.fromConfig) {
        // A first deployment has nothing to return to: it is taken away again.
        const Result<QList<PairContainer>> all = m_workload->containers();
        if (!all)
            return {false, all.error().toString()};
        if (m_router)
            note(releaseSlots(m_newGroup));
        note(removeContainers(*all, true));
        return {true, QStringLiteral("no earlier revision: the new one was removed")};
    }
    const Outcome outcome = switchTo(*m_subject.fromConfig, *m_subject.from, true);
    if (!outcome.ok)
        return outcome;
    return {true, QStringLiteral("revision %1 restored").arg(m_subject.from->number)};
}

} // namespace launchdeck::deploy
