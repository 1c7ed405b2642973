// Wiring of `launchdeck history`: reads the ledger of the console's own database and prints the
// deployments newest first with metrics per application and environment, or checks the chain.
#include "historycommand.h"

#include "deploy/deploymentledger.h"
#include "store/historystore.h"

#include <QCoreApplication>
#include <QDir>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QStandardPaths>

#include <cstdio>
#include <optional>

namespace launchdeck {

namespace {

constexpr int kOk = 0;
constexpr int kFailed = 1;
constexpr int kUsage = 2;
constexpr int kMetricsWindowDays = 30;

void emitText(FILE* stream, const QString& text)
{
    const QByteArray bytes = text.toUtf8();
    std::fwrite(bytes.constData(), 1, static_cast<size_t>(bytes.size()), stream);
    std::fflush(stream);
}

int usage(const QString& message)
{
    emitText(stderr, QStringLiteral("launchdeck: %1\nTry 'launchdeck --help'.\n").arg(message));
    return kUsage;
}

QString formatDuration(qint64 ms)
{
    if (ms < 60'000)
        return QString::number(static_cast<double>(ms) / 1000.0, 'f', 1) + u's';
    const qint64 seconds = ms / 1000;
    if (seconds < 3600)
        return QStringLiteral("%1m %2s").arg(seconds / 60).arg(seconds % 60, 2, 10, QChar(u'0'));
    return QStringLiteral("%1h %2m").arg(seconds / 3600).arg(seconds / 60 % 60, 2, 10, QChar(u'0'));
}

QString revisionText(const std::optional<Revision>& revision)
{
    return revision ? QStringLiteral("r%1 %2").arg(revision->number).arg(revision->image)
                    : QStringLiteral("(none)");
}

QJsonValue revisionJson(const std::optional<Revision>& revision)
{
    if (!revision)
        return QJsonValue::Null;
    return QJsonObject{{QStringLiteral("revision"), revision->number},
                       {QStringLiteral("image"), revision->image}};
}

QString statusText(const DeploymentRecord& record)
{
    return record.status ? deploymentStatusName(*record.status) : deploymentStageName(record.stage);
}

QJsonObject deploymentJson(const DeploymentRecord& record)
{
    return {{QStringLiteral("id"), record.id},
            {QStringLiteral("application"), record.application},
            {QStringLiteral("environment"), record.environment},
            {QStringLiteral("kind"), deploymentKindName(record.kind)},
            {QStringLiteral("from"), revisionJson(record.from)},
            {QStringLiteral("to"), revisionJson(record.to)},
            {QStringLiteral("strategy"), record.strategy},
            {QStringLiteral("reason"), record.reason},
            {QStringLiteral("who"), record.who},
            {QStringLiteral("stage"), deploymentStageName(record.stage)},
            {QStringLiteral("status"), record.status
                                           ? QJsonValue(deploymentStatusName(*record.status))
                                           : QJsonValue(QJsonValue::Null)},
            {QStringLiteral("started_at"), record.startedAt.toString(Qt::ISODateWithMs)},
            {QStringLiteral("finished_at"),
             record.finishedAt.isValid() ? QJsonValue(record.finishedAt.toString(Qt::ISODateWithMs))
                                         : QJsonValue(QJsonValue::Null)},
            {QStringLiteral("duration_ms"), record.durationMs},
            {QStringLiteral("message"), record.message}};
}

QJsonObject metricsJson(const DeploymentMetrics& m)
{
    return {{QStringLiteral("application"), m.application},
            {QStringLiteral("environment"), m.environment},
            {QStringLiteral("total"), m.total},
            {QStringLiteral("succeeded"), m.succeeded},
            {QStringLiteral("success_rate"), m.successRate},
            {QStringLiteral("mean_duration_ms"), m.meanDurationMs},
            {QStringLiteral("p95_duration_ms"), m.p95DurationMs},
            {QStringLiteral("deployments"), m.deployments},
            {QStringLiteral("deployments_per_day"), m.deploymentsPerDay},
            {QStringLiteral("change_failure_rate"), m.changeFailureRate},
            {QStringLiteral("mean_time_to_restore_ms"), m.meanTimeToRestoreMs
                                                            ? QJsonValue(*m.meanTimeToRestoreMs)
                                                            : QJsonValue(QJsonValue::Null)},
            {QStringLiteral("restores"), m.restores}};
}

// Columns padded to their widest cell; the last column is not padded.
QString table(const QList<QStringList>& rows)
{
    QList<qsizetype> widths;
    for (const QStringList& row : rows) {
        for (qsizetype i = 0; i < row.size(); ++i) {
            if (widths.size() <= i)
                widths.append(0);
            widths[i] = std::max(widths[i], row[i].size());
        }
    }
    QString text;
    for (const QStringList& row : rows) {
        QString line;
        for (qsizetype i = 0; i < row.size(); ++i)
            line += i + 1 < row.size() ? row[i].leftJustified(widths[i] + 2) : row[i];
        text += line + u'\n';
    }
    return text;
}

QString percent(double share)
{
    return QString::number(share * 100.0, 'f', 1) + u'%';
}

QString historyText(const QList<DeploymentRecord>& records, const QList<DeploymentMetrics>& metrics)
{
    if (records.isEmpty())
        return QStringLiteral("no deployments recorded\n");
    QList<QStringList> rows{{QStringLiteral("WHEN"), QStringLiteral("APP"), QStringLiteral("ENV"),
                             QStringLiteral("KIND"), QStringLiteral("FROM → TO"),
                             QStringLiteral("STRATEGY"), QStringLiteral("STATUS"),
                             QStringLiteral("DURATION"), QStringLiteral("WHO")}};
    for (const DeploymentRecord& r : records) {
        rows.append({r.startedAt.toLocalTime().toString(QStringLiteral("yyyy-MM-dd HH:mm:ss")),
                     r.application, r.environment, deploymentKindName(r.kind),
                     revisionText(r.from) + QStringLiteral(" → ") + revisionText(r.to),
                     r.strategy.isEmpty() ? QStringLiteral("-") : r.strategy, statusText(r),
                     r.status ? formatDuration(r.durationMs) : QStringLiteral("running"), r.who});
    }
    QString text = table(rows);
    if (metrics.isEmpty())
        return text;
    text += QStringLiteral("\nMetrics over the last %1 days:\n").arg(kMetricsWindowDays);
    QList<QStringList> figures{{QStringLiteral("APP"), QStringLiteral("ENV"),
                                QStringLiteral("TOTAL"), QStringLiteral("SUCCESS"),
                                QStringLiteral("MEAN"), QStringLiteral("P95"),
                                QStringLiteral("PER DAY"), QStringLiteral("CHANGE FAILURE"),
                                QStringLiteral("TIME TO RESTORE")}};
    for (const DeploymentMetrics& m : metrics) {
        figures.append(
            {m.application, m.environment, QString::number(m.total), percent(m.successRate),
             formatDuration(m.meanDurationMs), formatDuration(m.p95DurationMs),
             QString::number(m.deploymentsPerDay, 'f', 2), percent(m.changeFailureRate),
             m.meanTimeToRestoreMs ? formatDuration(*m.meanTimeToRestoreMs) : QStringLiteral("-")});
    }
    return text + table(figures);
}

int verifyChain(DeploymentLedger& ledger, bool json)
{
    const AuditVerification check = ledger.verifyAudit();
    if (json) {
        QJsonObject object{{QStringLiteral("intact"), check.intact()},
                           {QStringLiteral("rows"), check.rows}};
        if (!check.intact()) {
            object.insert(QStringLiteral("broken_row"), check.brokenSequence);
            object.insert(QStringLiteral("problem"), check.description);
        }
        emitText(stdout, QString::fromUtf8(QJsonDocument(object).toJson(QJsonDocument::Indented)));
    } else if (check.intact()) {
        emitText(stdout, QStringLiteral("audit chain intact (%1 rows)\n").arg(check.rows));
    } else {
        emitText(stdout, QStringLiteral("audit chain broken at row %1: %2\n")
                             .arg(check.brokenSequence)
                             .arg(check.description));
    }
    return check.intact() ? kOk : kFailed;
}

} // namespace

int runHistoryCommand(const QStringList& arguments)
{
    QStringList args = arguments;
    const bool json = args.removeAll(QStringLiteral("--json")) > 0;
    const bool verify = args.removeAll(QStringLiteral("--verify")) > 0;
    QString environment;
    for (qsizetype i = 0; i < args.size(); ++i) {
        if (args[i] == u"--env") {
            if (i + 1 >= args.size())
                return usage(QStringLiteral("--env needs a value"));
            environment = args[i + 1];
            args.remove(i, 2);
            break;
        }
        if (args[i].startsWith(u"--env=")) {
            environment = args[i].mid(6);
            args.remove(i);
            break;
        }
    }
    for (const QString& arg : std::as_const(args)) {
        if (arg.startsWith(u'-'))
            return usage(QStringLiteral("history: unknown option '%1'").arg(arg));
    }
    if (args.size() > 1)
        return usage(QStringLiteral("history takes at most one APP"));
    if (verify && (!args.isEmpty() || !environment.isEmpty()))
        return usage(QStringLiteral("history --verify checks the whole chain: it takes no APP "
                                    "or --env"));
    const QString application = args.value(0);

    int argc = 1;
    char name[] = "launchdeck";
    char* argv[] = {name, nullptr};
    const QCoreApplication app(argc, argv);
    QCoreApplication::setApplicationName(QStringLiteral("Launchdeck"));
    QCoreApplication::setOrganizationName(QStringLiteral("Launchdeck"));
    const QString dataDir = QStandardPaths::writableLocation(QStandardPaths::AppDataLocation);
    QDir().mkpath(dataDir);

    HistoryStore store(dataDir);
    if (const auto opened = store.open(); !opened) {
        emitText(stderr, QStringLiteral("launchdeck: the history database cannot be opened: %1\n")
                             .arg(opened.error().toString()));
        return kFailed;
    }
    DeploymentLedger ledger(store);
    if (verify)
        return verifyChain(ledger, json);

    DeploymentFilter filter;
    filter.application = application;
    filter.environment = environment;
    const QList<DeploymentRecord> records = ledger.list(filter);
    const QDateTime now = QDateTime::currentDateTimeUtc();
    const QList<DeploymentMetrics> metrics =
        ledger.metrics(now.addDays(-kMetricsWindowDays), now, application, environment);
    if (json) {
        QJsonArray deployments;
        for (const DeploymentRecord& record : records)
            deployments.append(deploymentJson(record));
        QJsonArray figures;
        for (const DeploymentMetrics& m : metrics)
            figures.append(metricsJson(m));
        const QJsonObject object{{QStringLiteral("deployments"), deployments},
                                 {QStringLiteral("metrics"), figures},
                                 {QStringLiteral("metrics_window_days"), kMetricsWindowDays}};
        emitText(stdout, QString::fromUtf8(QJsonDocument(object).toJson(QJsonDocument::Indented)));
    } else {
        emitText(stdout, historyText(records, metrics));
    }
    return kOk;
}

} // namespace launchdeck
