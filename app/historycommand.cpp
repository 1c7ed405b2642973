// Wiring of `launchdeck history`: reads the ledger of the console's own database and prints the
// deployments newest first with metrics per application and environment, or checks the chain
// and the ledger's tables against it.
#include "historycommand.h"

#include "cliio.h"
#include "deploymentformat.h"

#include "deploy/deploymentledger.h"
#include "session/workspacesession.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

#include <cstdio>
#include <optional>

namespace launchdeck {

namespace {

using namespace cli;

constexpr int kMetricsWindowDays = 30;

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

QJsonObject discrepancyJson(const LedgerDiscrepancy& d)
{
    QJsonObject object{{QStringLiteral("subject"), d.subject},
                       {QStringLiteral("table"), d.table},
                       {QStringLiteral("description"), d.description}};
    if (!d.deploymentId.isEmpty())
        object.insert(QStringLiteral("deployment"), d.deploymentId);
    if (d.position > 0)
        object.insert(QStringLiteral("position"), d.position);
    if (!d.column.isEmpty()) {
        object.insert(QStringLiteral("column"), d.column);
        object.insert(QStringLiteral("audit_log_value"), d.audited);
        object.insert(QStringLiteral("table_value"), d.stored);
    }
    return object;
}

QString checkedText(const LedgerVerification& check)
{
    return QStringLiteral("%1 deployments, %2 transitions, %3 validation results, %4 test "
                          "results, %5 revision configurations")
        .arg(check.deployments)
        .arg(check.transitions)
        .arg(check.validations)
        .arg(check.tests)
        .arg(check.revisionConfigs);
}

// Exit 0 only when the chain is intact and every ledger row is what the chain recorded.
int verifyLedger(DeploymentLedger& ledger, bool json)
{
    const LedgerVerification check = ledger.verify();
    if (json) {
        QJsonObject object{{QStringLiteral("intact"), check.intact()},
                           {QStringLiteral("rows"), check.chain.rows},
                           {QStringLiteral("chain_intact"), check.chain.intact()}};
        if (!check.chain.intact()) {
            object.insert(QStringLiteral("broken_row"), check.chain.brokenSequence);
            object.insert(QStringLiteral("problem"), check.chain.description);
        }
        object.insert(QStringLiteral("checked"),
                      QJsonObject{{QStringLiteral("deployments"), check.deployments},
                                  {QStringLiteral("transitions"), check.transitions},
                                  {QStringLiteral("validations"), check.validations},
                                  {QStringLiteral("tests"), check.tests},
                                  {QStringLiteral("revision_configs"), check.revisionConfigs}});
        QJsonArray discrepancies;
        for (const LedgerDiscrepancy& d : check.discrepancies)
            discrepancies.append(discrepancyJson(d));
        object.insert(QStringLiteral("discrepancies"), discrepancies);
        object.insert(QStringLiteral("not_covered"), QJsonArray::fromStringList(check.notCovered));
        emitJsonDocument(object);
        return check.intact() ? kOk : kFailed;
    }
    QString text = check.chain.intact()
                       ? QStringLiteral("audit chain intact (%1 rows)\n").arg(check.chain.rows)
                       : QStringLiteral("audit chain broken at row %1: %2\n")
                             .arg(check.chain.brokenSequence)
                             .arg(check.chain.description);
    if (check.discrepancies.isEmpty()) {
        text += QStringLiteral("ledger matches the audit chain (%1)\n").arg(checkedText(check));
    } else {
        text += check.discrepancies.size() == 1
                    ? QStringLiteral("ledger differs from the audit chain in 1 place:\n")
                    : QStringLiteral("ledger differs from the audit chain in %1 places:\n")
                          .arg(check.discrepancies.size());
        for (const LedgerDiscrepancy& d : check.discrepancies)
            text += QStringLiteral("  ") + d.description + u'\n';
    }
    if (!check.notCovered.isEmpty()) {
        text +=
            QStringLiteral("not covered by the audit chain (%1):\n").arg(check.notCovered.size());
        for (const QString& row : check.notCovered)
            text += QStringLiteral("  ") + row + u'\n';
    }
    emitOut(text);
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

    const CliApplication cliApplication;
    const QString& dataDir = cliApplication.dataDir();

    // The history alone: it spans every workspace.
    SessionOptions options;
    options.dataDir = dataDir;
    WorkspaceSession session(options);
    if (!session.openBlocking()) {
        emitErr(QStringLiteral("launchdeck: the history database cannot be opened: %1\n")
                    .arg(session.historyError()));
        return kFailed;
    }
    DeploymentLedger& ledger = *session.ledger();
    if (verify)
        return verifyLedger(ledger, json);

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
        emitJsonDocument(object);
    } else {
        emitOut(historyText(records, metrics));
    }
    return kOk;
}

} // namespace launchdeck
