// Wiring of `launchdeck deploy`, `rollback` and `status`: loads the workspace, checks the
// protected environment's confirmation, reconciles deployments a crash cut off, runs one
// deployment job and prints its events (stderr) and its result (stdout).
#include "deploycommand.h"

#include "cliio.h"
#include "deploymentformat.h"

#include "deploy/deploymentengine.h"
#include "session/workspacesession.h"

#include <QCoreApplication>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QSocketNotifier>

#include <unistd.h>

namespace launchdeck {

namespace {

using namespace cli;
using deploy::DeploymentEvent;

struct Common
{
    QString application;
    QString environment;
    std::optional<QString> confirm;
    bool json = false;
};

// APP, --env, --confirm and --json; the rest stays in `args`.
bool takeCommon(QStringList& args, Common& common, QString& error)
{
    std::optional<QString> environment;
    if (!takeOption(args, {QStringLiteral("--env"), QStringLiteral("-e")}, environment, error) ||
        !takeOption(args, {QStringLiteral("--confirm")}, common.confirm, error))
        return false;
    common.json = takeFlag(args, QStringLiteral("--json"));
    common.environment = environment.value_or(QString());
    return true;
}

bool rejectLeftovers(const QStringList& args, const QString& command, int maxPositional,
                     QString& error)
{
    for (const QString& arg : args) {
        if (arg.startsWith(u'-')) {
            error = QStringLiteral("%1: unknown option '%2'").arg(command, arg);
            return false;
        }
    }
    if (args.size() > maxPositional) {
        error = QStringLiteral("%1: unexpected '%2'").arg(command, args.at(maxPositional));
        return false;
    }
    return true;
}

// The workspace and the history as the console opens them. Nothing when the workspace cannot
// be used (its critical findings are printed); a history that cannot be opened is said later.
std::unique_ptr<WorkspaceSession> openSession(const QString& workspaceDir, const QString& dataDir)
{
    SessionOptions options;
    options.root = workspaceDir;
    options.dataDir = dataDir;
    auto session = std::make_unique<WorkspaceSession>(options);
    session->openBlocking();
    bool fatal = !session->workspace();
    for (const Diagnostic& d : session->findings()) {
        if (d.severity == Severity::Critical) {
            fatal = true;
            emitErr(QStringLiteral("%1:%2:%3: %4: %5\n")
                        .arg(d.path)
                        .arg(d.line)
                        .arg(d.column)
                        .arg(severityName(d.severity), d.message));
        }
    }
    if (fatal) {
        emitErr(
            QStringLiteral("launchdeck: the workspace in %1 cannot be used\n").arg(workspaceDir));
        return nullptr;
    }
    return session;
}

bool historyOpened(const WorkspaceSession& session)
{
    if (session.isHistoryReady())
        return true;
    emitErr(QStringLiteral("launchdeck: the history database cannot be opened: %1\n")
                .arg(session.historyError()));
    return false;
}

// The pair must exist, and a protected environment needs its name repeated.
int checkTarget(const Workspace& workspace, const Common& common, const QString& command)
{
    if (!workspace.application(common.application))
        return usage(QStringLiteral("%1: no application '%2' in the workspace")
                         .arg(command, common.application));
    const Environment* environment = workspace.environment(common.environment);
    if (!environment)
        return usage(QStringLiteral("%1: no environment '%2' in the workspace")
                         .arg(command, common.environment));
    if (environment->isProtected && common.confirm.value_or(QString()) != environment->name)
        return usage(QStringLiteral("%1: environment '%2' is protected: repeat its name with "
                                    "--confirm %2")
                         .arg(command, environment->name));
    return kOk;
}

QJsonObject eventJson(const DeploymentEvent& event)
{
    static const char* const kinds[] = {"stage", "progress", "log",     "validation",
                                        "test",  "paused",   "finished"};
    QJsonObject object{{QStringLiteral("event"), QLatin1String(kinds[int(event.kind)])},
                       {QStringLiteral("deployment"), event.deploymentId},
                       {QStringLiteral("stage"), deploymentStageName(event.stage)},
                       {QStringLiteral("percent"), event.percent},
                       {QStringLiteral("time"), event.at.toString(Qt::ISODateWithMs)}};
    if (!event.text.isEmpty())
        object.insert(QStringLiteral("text"), event.text);
    if (event.remainingMs >= 0)
        object.insert(QStringLiteral("remaining_ms"), event.remainingMs);
    if (event.kind == DeploymentEvent::Kind::Validation) {
        object.insert(QStringLiteral("severity"), severityName(event.validation.severity));
        object.insert(QStringLiteral("rule"), event.validation.rule);
    }
    if (event.kind == DeploymentEvent::Kind::Test) {
        object.insert(QStringLiteral("name"), event.test.name);
        object.insert(QStringLiteral("passed"), event.test.passed);
        object.insert(QStringLiteral("metrics"), event.test.metrics);
    }
    if (event.status)
        object.insert(QStringLiteral("status"), deploymentStatusName(*event.status));
    return object;
}

QString eventText(const DeploymentEvent& event)
{
    const QString time = event.at.toLocalTime().toString(QStringLiteral("HH:mm:ss"));
    switch (event.kind) {
    case DeploymentEvent::Kind::Stage:
        return QStringLiteral("%1 [%2%] %3%4\n")
            .arg(time)
            .arg(event.percent, 3)
            .arg(deploymentStageName(event.stage),
                 event.text.isEmpty() ? QString() : QStringLiteral(": ") + event.text);
    case DeploymentEvent::Kind::Progress:
        return {};
    case DeploymentEvent::Kind::Validation:
        return QStringLiteral("%1        %2: %3 [%4]\n")
            .arg(time, severityName(event.validation.severity), event.validation.message,
                 event.validation.rule);
    case DeploymentEvent::Kind::Test: {
        // The checks' own summaries may begin with the verdict already.
        QString text = event.text;
        if (text.startsWith(u"PASS ") || text.startsWith(u"FAIL "))
            text = text.mid(5);
        return QStringLiteral("%1        %2 %3\n")
            .arg(time, event.test.passed ? QStringLiteral("PASS") : QStringLiteral("FAIL"), text);
    }
    case DeploymentEvent::Kind::Paused:
        return QStringLiteral("%1        PAUSED: %2\n").arg(time, event.text);
    case DeploymentEvent::Kind::Log:
    case DeploymentEvent::Kind::Finished:
        return QStringLiteral("%1        %2\n").arg(time, event.text);
    }
    return {};
}

// Deployments a crash cut off are resolved before anything else looks at the pairs.
void reconcile(const deploy::DeploymentContext& context)
{
    for (const deploy::ReconcileOutcome& outcome : deploy::reconcileInterrupted(context)) {
        emitErr(QStringLiteral("reconciled deployment %1 of %2 to %3, cut off at %4: %5\n")
                    .arg(outcome.deploymentId, outcome.application, outcome.environment,
                         deploymentStageName(outcome.stage),
                         outcome.resolved ? outcome.actions.join(QStringLiteral("; "))
                                          : outcome.error));
    }
}

// Runs the job to its end, printing as it goes; Ctrl-C cancels (before traffic moved: stop,
// after: roll back), a second Ctrl-C leaves at once.
int runJob(deploy::DeploymentContext context, const deploy::DeploymentRequest& request, bool json)
{
    QCoreApplication* app = QCoreApplication::instance();
    reconcile(context);

    deploy::DeploymentJob job(context, request);
    InterruptWatch interrupt;
    int interrupts = 0;
    QObject::connect(&interrupt, &InterruptWatch::interrupted, app, [&] {
        ++interrupts;
        if (interrupts > 1)
            ::_exit(kInterrupted);
        emitErr(QStringLiteral("launchdeck: cancelling (before traffic moves it stops, after "
                               "it rolls back); Ctrl-C again to leave at once\n"));
        job.cancel();
    });

    // A canary paused for a human: Enter on a terminal promotes; without one, it cannot be.
    std::unique_ptr<QSocketNotifier> promptReader;
    QObject::connect(
        &job, &deploy::DeploymentJob::reported, app, [&](const DeploymentEvent& event) {
            if (json)
                emitErr(QString::fromUtf8(
                            QJsonDocument(eventJson(event)).toJson(QJsonDocument::Compact)) +
                        u'\n');
            else
                emitErr(eventText(event));
            if (event.kind != DeploymentEvent::Kind::Paused)
                return;
            if (::isatty(STDIN_FILENO)) {
                emitErr(QStringLiteral("press Enter to promote, Ctrl-C to roll back\n"));
                promptReader =
                    std::make_unique<QSocketNotifier>(STDIN_FILENO, QSocketNotifier::Read);
                QObject::connect(promptReader.get(), &QSocketNotifier::activated, app, [&] {
                    char buffer[256];
                    [[maybe_unused]] const auto got = ::read(STDIN_FILENO, buffer, sizeof buffer);
                    promptReader->setEnabled(false);
                    job.promote();
                });
            } else {
                emitErr(QStringLiteral("launchdeck: paused for promotion with no terminal to ask; "
                                       "rolling back (use --auto-promote in CI)\n"));
                job.cancel();
            }
        });
    DeploymentStatus status = DeploymentStatus::Failed;
    QString message;
    QObject::connect(&job, &deploy::DeploymentJob::finished, app,
                     [&](DeploymentStatus finalStatus, const QString& text) {
                         status = finalStatus;
                         message = text;
                         QCoreApplication::quit();
                     });
    job.start();
    QCoreApplication::exec();
    job.wait();

    const QString id = job.deploymentId();
    const std::optional<DeploymentRecord> record =
        id.isEmpty() ? std::nullopt : context.ledger->get(id);
    if (json) {
        QJsonObject result{{QStringLiteral("status"), deploymentStatusName(status)},
                           {QStringLiteral("message"), message}};
        if (record)
            result.insert(QStringLiteral("deployment"), deploymentJson(*record));
        emitJsonDocument(result);
    } else if (record) {
        emitOut(QStringLiteral("%1 %2 %3 to %4: %5 → %6 in %7: %8\n")
                    .arg(deploymentStatusName(status), deploymentKindName(record->kind),
                         record->application, record->environment, revisionText(record->from),
                         revisionText(record->to), formatDuration(record->durationMs), message));
    } else {
        emitOut(QStringLiteral("%1: %2\n").arg(deploymentStatusName(status), message));
    }
    return status == DeploymentStatus::Completed ? kOk : kFailed;
}

// The workspace, the pair's checks (a protected environment's confirmation among them), the
// database, then the job.
int runRequest(const QString& workspaceDir, const Common& common, const QString& command,
               deploy::DeploymentRequest request)
{
    CliApplication application;
    const std::unique_ptr<WorkspaceSession> session =
        openSession(workspaceDir, application.dataDir());
    if (!session)
        return kUsage;
    if (const int checked = checkTarget(*session->workspace(), common, command); checked != kOk)
        return checked;
    if (!historyOpened(*session))
        return kFailed;
    const Environment* environment = session->workspace()->environment(common.environment);
    const Target* target = session->workspace()->target(environment->target);
    if (request.kind == DeploymentKind::Rollback && target &&
        target->type == Target::Type::Kubernetes && (!request.preserveData || !request.cleanUp))
        emitErr(QStringLiteral("launchdeck: --remove-volumes and --keep-old apply to Docker "
                               "hosts; environment %1 is on cluster %2, where they change "
                               "nothing\n")
                    .arg(environment->name, target->name));
    request.application = common.application;
    request.environment = common.environment;
    return runJob(session->deploymentContext(), request, common.json);
}

} // namespace

int runDeployCommand(const QStringList& arguments, const QString& workspaceDir)
{
    QStringList args = arguments;
    QString error;
    Common common;
    std::optional<QString> version;
    std::optional<QString> strategy;
    if (!takeCommon(args, common, error) ||
        !takeOption(args, {QStringLiteral("--version")}, version, error) ||
        !takeOption(args, {QStringLiteral("--strategy")}, strategy, error))
        return usage(QStringLiteral("deploy: ") + error);
    const bool noAutoRollback = takeFlag(args, QStringLiteral("--no-auto-rollback"));
    const bool autoPromote = takeFlag(args, QStringLiteral("--auto-promote"));
    const bool force = takeFlag(args, QStringLiteral("--force"));
    if (!rejectLeftovers(args, QStringLiteral("deploy"), 1, error))
        return usage(error);
    if (args.isEmpty())
        return usage(QStringLiteral("deploy needs an APP"));
    if (common.environment.isEmpty())
        return usage(QStringLiteral("deploy needs --env ENV"));
    common.application = args.first();
    std::optional<Strategy::Type> strategyType;
    if (strategy) {
        strategyType = deploy::strategyFromName(*strategy);
        if (!strategyType)
            return usage(QStringLiteral("deploy: unknown strategy '%1' (recreate, rolling, "
                                        "blue-green, canary)")
                             .arg(*strategy));
    }

    deploy::DeploymentRequest request;
    request.kind = DeploymentKind::Deploy;
    request.version = version.value_or(QString());
    request.strategy = strategyType;
    request.autoRollback = !noAutoRollback;
    request.autoPromote = autoPromote;
    request.force = force;
    return runRequest(workspaceDir, common, QStringLiteral("deploy"), request);
}

int runRollbackCommand(const QStringList& arguments, const QString& workspaceDir)
{
    QStringList args = arguments;
    QString error;
    Common common;
    std::optional<QString> to;
    std::optional<QString> reason;
    if (!takeCommon(args, common, error) ||
        !takeOption(args, {QStringLiteral("--to")}, to, error) ||
        !takeOption(args, {QStringLiteral("--reason")}, reason, error))
        return usage(QStringLiteral("rollback: ") + error);
    const bool removeVolumes = takeFlag(args, QStringLiteral("--remove-volumes"));
    const bool force = takeFlag(args, QStringLiteral("--force"));
    const bool keepOld = takeFlag(args, QStringLiteral("--keep-old"));
    if (!rejectLeftovers(args, QStringLiteral("rollback"), 1, error))
        return usage(error);
    if (args.isEmpty())
        return usage(QStringLiteral("rollback needs an APP"));
    if (common.environment.isEmpty())
        return usage(QStringLiteral("rollback needs --env ENV"));
    if (reason.value_or(QString()).trimmed().isEmpty())
        return usage(QStringLiteral("rollback needs --reason TEXT: the ledger keeps why"));
    common.application = args.first();
    std::optional<int> revision;
    if (to) {
        bool ok = false;
        const int number = QString(*to).remove(QLatin1Char('r')).toInt(&ok);
        if (!ok || number < 1)
            return usage(
                QStringLiteral("rollback: --to takes a revision number, not '%1'").arg(*to));
        revision = number;
    }

    deploy::DeploymentRequest request;
    request.kind = DeploymentKind::Rollback;
    request.toRevision = revision;
    request.reason = reason->trimmed();
    request.preserveData = !removeVolumes;
    request.force = force;
    request.cleanUp = !keepOld;
    return runRequest(workspaceDir, common, QStringLiteral("rollback"), request);
}

int runStatusCommand(const QStringList& arguments, const QString& workspaceDir)
{
    QStringList args = arguments;
    QString error;
    Common common;
    if (!takeCommon(args, common, error))
        return usage(QStringLiteral("status: ") + error);
    if (!rejectLeftovers(args, QStringLiteral("status"), 1, error))
        return usage(error);
    if (common.confirm)
        return usage(QStringLiteral("status: --confirm belongs to deploy and rollback"));
    common.application = args.value(0);

    CliApplication application;
    const std::unique_ptr<WorkspaceSession> session =
        openSession(workspaceDir, application.dataDir());
    if (!session)
        return kUsage;
    const std::optional<Workspace>& workspace = session->workspace();
    if (!common.application.isEmpty() && !workspace->application(common.application))
        return usage(
            QStringLiteral("status: no application '%1' in the workspace").arg(common.application));
    if (!common.environment.isEmpty() && !workspace->environment(common.environment))
        return usage(
            QStringLiteral("status: no environment '%1' in the workspace").arg(common.environment));
    if (!historyOpened(*session))
        return kFailed;
    const deploy::DeploymentContext context = session->deploymentContext();
    reconcile(context);
    const QList<deploy::PairStatus> statuses =
        deploy::deploymentStatus(context, common.application, common.environment);
    bool hostTrouble = false;
    if (common.json) {
        QJsonArray pairs;
        for (const deploy::PairStatus& s : statuses) {
            hostTrouble = hostTrouble || !s.hostError.isEmpty();
            QJsonObject pair{{QStringLiteral("application"), s.application},
                             {QStringLiteral("environment"), s.environment},
                             {QStringLiteral("live"), revisionJson(s.live)},
                             {QStringLiteral("serving_revision"), s.servingRevision},
                             {QStringLiteral("health"), deploy::pairHealthName(s.health)},
                             {QStringLiteral("running_replicas"), s.runningReplicas},
                             {QStringLiteral("desired_replicas"), s.desiredReplicas},
                             {QStringLiteral("active_group"), s.activeGroup}};
            if (s.last)
                pair.insert(QStringLiteral("last"), deploymentJson(*s.last));
            if (s.running)
                pair.insert(QStringLiteral("running"), deploymentJson(*s.running));
            if (!s.hostError.isEmpty())
                pair.insert(QStringLiteral("host_error"), s.hostError);
            pairs.append(pair);
        }
        emitJsonDocument(QJsonObject{{QStringLiteral("pairs"), pairs}});
    } else {
        QList<QStringList> rows{{QStringLiteral("APP"), QStringLiteral("ENV"),
                                 QStringLiteral("REVISION"), QStringLiteral("HEALTH"),
                                 QStringLiteral("REPLICAS"), QStringLiteral("LAST CHANGE"),
                                 QStringLiteral("BY"), QStringLiteral("STATUS")}};
        QStringList problems;
        for (const deploy::PairStatus& s : statuses) {
            if (!s.hostError.isEmpty()) {
                hostTrouble = true;
                if (!problems.contains(s.hostError))
                    problems.append(s.hostError);
            }
            // A deployment under way shows the revision it rolls out beside the live one; health
            // and replicas are those of the serving revision (see PairStatus).
            const QString revision = s.running ? revisionText(s.live) + QStringLiteral(" → ") +
                                                     revisionText(s.running->to)
                                               : revisionText(s.live);
            rows.append(
                {s.application, s.environment, revision, deploy::pairHealthName(s.health),
                 QStringLiteral("%1/%2").arg(s.runningReplicas).arg(s.desiredReplicas),
                 s.last
                     ? s.last->startedAt.toLocalTime().toString(QStringLiteral("yyyy-MM-dd HH:mm"))
                     : QStringLiteral("-"),
                 s.last ? s.last->who : QStringLiteral("-"),
                 s.running ? QStringLiteral("%1 running").arg(deploymentStageName(s.running->stage))
                 : s.last  ? statusText(*s.last)
                           : QStringLiteral("-")});
        }
        emitOut(table(rows));
        for (const QString& problem : std::as_const(problems))
            emitErr(QStringLiteral("launchdeck: %1\n").arg(problem));
    }
    return hostTrouble ? kFailed : kOk;
}

} // namespace launchdeck
