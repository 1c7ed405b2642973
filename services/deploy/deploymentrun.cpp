// One deployment job's body: stages, strategies, monitoring and rollback on a Docker host.
#include "deploy/deploymentrun.h"

#include "http/httpcheck.h"
#include "http/loadtest.h"
#include "pipeline/pipelineparser.h"
#include "pipeline/pipelinerunnerhost.h"
#include "validation/validator.h"

#include <QDir>
#include <QEventLoop>
#include <QHash>
#include <QJsonArray>
#include <QLockFile>
#include <QProcessEnvironment>
#include <QSysInfo>
#include <QTcpServer>
#include <QThread>
#include <QTimer>

#include <algorithm>
#include <cerrno>
#include <mutex>

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

// The API version each daemon settled on, by endpoint: a job after the first skips the
// daemon's /_ping and /version (the slowest answers of a deployment after start and stop).
std::mutex& versionMutex()
{
    static std::mutex mutex;
    return mutex;
}

QHash<QString, QString>& versionsByEndpoint()
{
    static QHash<QString, QString> versions;
    return versions;
}

QString knownApiVersion(const DockerEndpoint& endpoint)
{
    const std::lock_guard lock(versionMutex());
    return versionsByEndpoint().value(endpoint.toString());
}

Result<bool> negotiate(DockerClient& client)
{
    const Result<DockerVersion> version = client.negotiate();
    const std::lock_guard lock(versionMutex());
    if (!version) {
        versionsByEndpoint().remove(client.endpoint().toString());
        return version.error();
    }
    versionsByEndpoint().insert(client.endpoint().toString(), client.apiVersion());
    return true;
}

QString testUrl(const QString& base, const QString& path)
{
    if (path.startsWith(u"http://") || path.startsWith(u"https://"))
        return path;
    return base + (path.startsWith(u'/') ? path : u'/' + path);
}

} // namespace

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
    const QString knownVersion = knownApiVersion(*endpoint);
    if (!knownVersion.isEmpty()) {
        m_client->useApiVersion(knownVersion);
    } else if (const Result<bool> negotiated = negotiate(*m_client); !negotiated) {
        return finish(DeploymentStatus::Failed, negotiated.error().toString(), message);
    }
    Result<DeploymentSubject> subject = resolveSubject(m_context, m_request, *m_client);
    if (!subject && !knownVersion.isEmpty()) {
        // The daemon may have changed since the version was negotiated: ask it again, once.
        if (const Result<bool> negotiated = negotiate(*m_client); !negotiated)
            return finish(DeploymentStatus::Failed, negotiated.error().toString(), message);
        subject = resolveSubject(m_context, m_request, *m_client);
    }
    if (!subject)
        return finish(DeploymentStatus::Failed, subject.error().toString(), message);
    m_subject = *subject;
    m_workload.emplace(*m_client, m_subject.application.name, m_subject.environment.name);
    // A removed leftover or a recreated network changes the host beyond the pair: it is logged.
    m_workload->setRepairLog([this](const QString& what) { log(what); });
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
        const QList<PairContainer>& mine = m_subject.containers;
        const bool holding = std::any_of(mine.begin(), mine.end(),
                                         [](const PairContainer& c) { return c.isRunning(); });
        const QMap<int, int> declared = declaredHostPorts();
        for (auto it = declared.begin(); it != declared.end(); ++it) {
            if (!holding && !portIsFree(QString(), it.value()))
                finding(Severity::Critical, QStringLiteral("port-free"),
                        QStringLiteral("host port %1 is taken by another program").arg(it.value()));
        }
    }

    // Resources of the host against the environment's requirements and the replicas' limits;
    // the daemon's /info is slow to answer, so it is asked only when there is something to
    // hold against it.
    const Requirements& needs = env.requirements;
    if (needs.cpu || needs.memory || config.memoryBytes > 0) {
        if (const Result<QJsonObject> info = m_client->info(); !info) {
            finding(Severity::Critical, QStringLiteral("docker-host"), info.error().toString());
        } else {
            const double cpus = info->value(QLatin1String("NCPU")).toDouble();
            const double memory = info->value(QLatin1String("MemTotal")).toDouble();
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

} // namespace launchdeck::deploy
