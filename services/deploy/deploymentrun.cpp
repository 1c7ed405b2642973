// One deployment job's body: stages, strategies, monitoring and rollback on a Docker host.
#include "deploy/deploymentrun.h"

#include "docker/dockerapiversions.h"
#include "docker/environmenthost.h"

#include <QDir>
#include <QFileInfo>
#include <QLockFile>

namespace launchdeck::deploy {

namespace {

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
    // A job after the first on a daemon skips the version negotiation.
    const bool versionKnown = !knownDockerApiVersion(*endpoint).isEmpty();
    Result<std::unique_ptr<DockerClient>> connected =
        connectDocker(*endpoint, ApiVersionSource::ReuseKnown);
    if (!connected)
        return finish(DeploymentStatus::Failed, connected.error().toString(), message);
    m_client = std::move(connected).value();
    Result<DeploymentSubject> subject = resolveSubject(m_context, m_request, *m_client);
    if (!subject && versionKnown) {
        // The daemon may have changed since the version was negotiated: ask it again, once.
        if (const Result<DockerVersion> negotiated = negotiateAndRemember(*m_client); !negotiated)
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
    m_control.beginRollback();
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

} // namespace launchdeck::deploy
