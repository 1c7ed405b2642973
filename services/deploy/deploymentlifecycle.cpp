// The lifecycle every deployment job runs, whatever its target: the lock, the ledger's record
// of each stage, the failure path and the rollback, and the reporting they share.
#include "deploy/deploymentlifecycle.h"

#include "validation/validator.h"

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

DeploymentLifecycle::DeploymentLifecycle(const DeploymentContext& context,
                                         const DeploymentRequest& request, JobControl& control,
                                         Emit report)
    : m_context(context)
    , m_request(request)
    , m_control(control)
    , m_emit(std::move(report))
{
    if (m_request.who.isEmpty())
        m_request.who = currentOsUser();
}

DeploymentLifecycle::~DeploymentLifecycle() = default;

// ---- reporting ---------------------------------------------------------------------------

DeploymentEvent DeploymentLifecycle::event(DeploymentEvent::Kind kind, const QString& text) const
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

void DeploymentLifecycle::enter(DeploymentStage stage, const QString& detail)
{
    m_stage = stage;
    m_percent = qMax(m_percent, stageStart(stage));
    const DeploymentEvent entered = event(DeploymentEvent::Kind::Stage, detail);
    // begin() recorded INITIALIZED already.
    if (!m_id.isEmpty() && stage != DeploymentStage::Initialized)
        m_context.ledger->recordTransition(m_id, stage, entered.at, detail);
    m_emit(entered);
}

void DeploymentLifecycle::log(const QString& text)
{
    m_emit(event(DeploymentEvent::Kind::Log, text));
}

void DeploymentLifecycle::progress(int percent)
{
    if (percent <= m_percent)
        return;
    m_percent = qMin(percent, 99);
    m_emit(event(DeploymentEvent::Kind::Progress));
}

void DeploymentLifecycle::validation(Severity severity, const QString& rule, const QString& message)
{
    DeploymentEvent found =
        event(DeploymentEvent::Kind::Validation, severityName(severity) + u": " + message);
    found.validation = ValidationResult{severity, rule, message, found.at};
    m_context.ledger->recordValidation(m_id, found.validation);
    m_emit(found);
}

void DeploymentLifecycle::testResult(const QString& name, bool passed, const QJsonObject& metrics,
                                     const QString& summary)
{
    DeploymentEvent tested = event(DeploymentEvent::Kind::Test, summary);
    tested.test = TestResult{name, passed, metrics, tested.at};
    m_context.ledger->recordTest(m_id, tested.test);
    m_emit(tested);
}

void DeploymentLifecycle::pause(const QString& why)
{
    m_emit(event(DeploymentEvent::Kind::Paused, why));
}

DeploymentStatus DeploymentLifecycle::finish(DeploymentStatus status, const QString& message,
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

QMap<QString, QString> DeploymentLifecycle::secretValues()
{
    if (!m_secretsNoted) {
        m_secretsNoted = true;
        for (const QString& line : std::as_const(m_control.secretNotes))
            log(line);
    }
    return m_control.secretValues;
}

void DeploymentLifecycle::note(const Result<bool>& result)
{
    if (!result)
        log(QStringLiteral("cleanup: ") + result.error().toString());
}

// ---- shared steps ----------------------------------------------------------------------------

void DeploymentLifecycle::checkWorkspaceFiles(const Finding& finding)
{
    const ValidationLevel level = m_environment.validation;
    int files = 0;
    for (const QString& path : validationTargets(m_context.workspace.root)) {
        ++files;
        for (const Diagnostic& diagnostic : validateFile(path, level)) {
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
            .arg(validationLevelName(level)));
    progress(5);
}

Result<Revision> rollbackTarget(DeploymentLedger& ledger, const QString& application,
                                const QString& environment, std::optional<int> toRevision,
                                const std::optional<Revision>& from)
{
    const QList<Revision> live = ledger.liveRevisions(application, environment);
    std::optional<Revision> target;
    for (const Revision& revision : live) {
        if (toRevision ? revision.number == *toRevision
                       : (!from || revision.number != from->number)) {
            target = revision;
            break;
        }
    }
    if (!target) {
        QStringList numbers;
        for (const Revision& revision : live)
            numbers.append(QString::number(revision.number));
        return Error{
            toRevision ? QStringLiteral("revision %1 of %2 in %3 was never live; live ones: %4")
                             .arg(*toRevision)
                             .arg(application, environment,
                                  numbers.isEmpty() ? QStringLiteral("none") : numbers.join(u", "))
                       : QStringLiteral("%1 in %2 has no earlier revision to return to")
                             .arg(application, environment),
            QStringLiteral("rollback")};
    }
    if (from && target->number == from->number)
        return Error{QStringLiteral("revision %1 is already live").arg(target->number),
                     QStringLiteral("rollback")};
    return *target;
}

// ---- the job -------------------------------------------------------------------------------

DeploymentStatus DeploymentLifecycle::run(QString* id, QString* message)
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

    // The subject needs the target: one that does not answer fails before anything is recorded.
    Result<Plan> prepared = prepare();
    if (!prepared)
        return finish(DeploymentStatus::Failed, prepared.error().toString(), message);
    m_plan = std::move(prepared).value();
    if (const Application* app = m_context.workspace.application(m_plan.application))
        m_application = *app;
    if (const Environment* env = m_context.workspace.environment(m_plan.environment))
        m_environment = *env;

    if (m_request.kind == DeploymentKind::Rollback && m_request.reason.trimmed().isEmpty())
        return finish(DeploymentStatus::Failed, QStringLiteral("a rollback needs a reason"),
                      message);

    DeploymentStart start;
    start.application = m_plan.application;
    start.environment = m_plan.environment;
    start.kind = m_request.kind;
    start.from = m_plan.from;
    start.to = m_plan.to;
    start.strategy = strategyName(m_plan.strategy);
    start.reason = m_request.reason;
    start.who = m_request.who;
    const Result<QString> begun = m_context.ledger->begin(start);
    if (!begun)
        return finish(DeploymentStatus::Failed, begun.error().toString(), message);
    m_id = *begun;
    if (id)
        *id = m_id;
    if (m_request.kind == DeploymentKind::Deploy)
        m_context.ledger->recordRevisionConfig(start.application, start.environment, m_plan.to,
                                               m_plan.recordedConfig);

    m_estimateMs =
        estimateDuration(*m_context.ledger, start.application, start.environment, m_request.kind);
    enter(DeploymentStage::Initialized,
          QStringLiteral("%1 %2 in %3: %4 → revision %5 (%6), %7")
              .arg(deploymentKindName(m_request.kind), start.application, start.environment,
                   m_plan.from ? QStringLiteral("revision %1 (%2)")
                                     .arg(m_plan.from->number)
                                     .arg(m_plan.from->image)
                               : QStringLiteral("nothing"))
              .arg(m_plan.to.number)
              .arg(m_plan.to.image, strategyName(m_plan.strategy)));

    enter(DeploymentStage::Validating);
    if (!validate()) {
        enter(DeploymentStage::Failed, QStringLiteral("a critical finding stopped it"));
        return finish(DeploymentStatus::Failed,
                      QStringLiteral("validation found critical problems"), message);
    }
    if (cancelled())
        return finish(DeploymentStatus::Cancelled,
                      QStringLiteral("cancelled before anything changed"), message);

    if (m_request.kind == DeploymentKind::Rollback) {
        enter(
            DeploymentStage::RollingBack,
            QStringLiteral("back to revision %1: %2").arg(m_plan.to.number).arg(m_request.reason));
        const Outcome outcome = rollBack();
        if (!outcome.ok) {
            enter(DeploymentStage::Failed, outcome.message);
            return finish(DeploymentStatus::Failed, outcome.message, message);
        }
        return finish(DeploymentStatus::Completed,
                      QStringLiteral("revision %1 (%2) is live again")
                          .arg(m_plan.to.number)
                          .arg(m_plan.to.image),
                      message);
    }

    enter(DeploymentStage::Testing);
    if (!test()) {
        const QString why = cancelled() ? QStringLiteral("cancelled while testing")
                                        : QStringLiteral("a test of the new revision failed");
        discardCandidate();
        if (cancelled())
            return finish(DeploymentStatus::Cancelled, why, message);
        enter(DeploymentStage::Failed, why);
        return finish(DeploymentStatus::Failed, why + QStringLiteral("; traffic never moved"),
                      message);
    }

    enter(DeploymentStage::Deploying, strategyName(m_plan.strategy));
    Outcome outcome = deployByStrategy();
    if (outcome.ok) {
        enter(DeploymentStage::Monitoring);
        outcome = monitor();
        if (outcome.ok)
            return finish(DeploymentStatus::Completed,
                          QStringLiteral("revision %1 (%2) is live")
                              .arg(m_plan.to.number)
                              .arg(m_plan.to.image),
                          message);
    }

    // Failed: before traffic moved nothing needs undoing beyond the new revision's candidate.
    const bool cancelledNow = cancelled();
    enter(DeploymentStage::Failed, outcome.message);
    if (!trafficMoved() && cancelledNow) {
        discardCandidate();
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
