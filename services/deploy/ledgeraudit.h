// What the audit log records of each ledger write, and the check that the ledger's tables still
// hold it: the rows `history` and the Deployments tab show are rebuilt from the audit rows and
// compared with the tables column by column, so a change to either is named with its deployment.
#pragma once

#include "deploy/auditchain.h"
#include "deploy/deploymentrecord.h"

#include <QJsonObject>
#include <QList>
#include <QSqlDatabase>
#include <QString>
#include <QStringList>

namespace launchdeck {

// One place where a ledger table and the audit log disagree.
struct LedgerDiscrepancy
{
    QString deploymentId; // empty for a revision configuration
    QString subject;      // "deployment <id>" or "revision configuration web/production r3"
    QString table;        // the SQL table: deployments, transitions, deployment_validations, ...
    int position = 0;     // which of the deployment's rows in `table`, from 1; 0 for its own row
    QString column;       // empty when a whole row is missing or has no audit row
    QString audited;      // the value as the audit log recorded it, for people
    QString stored;       // the value in the table, for people
    QString description;  // the whole sentence, naming the subject and the column
};

struct LedgerVerification
{
    AuditVerification chain;
    QList<LedgerDiscrepancy> discrepancies;
    // Rows an older Launchdeck wrote without an audit row: listed so they are not taken for
    // checked, and no failure.
    QStringList notCovered;
    // Rows of each table compared with the audit log.
    qint64 deployments = 0;
    qint64 transitions = 0;
    qint64 validations = 0;
    qint64 tests = 0;
    qint64 revisionConfigs = 0;

    bool intact() const { return chain.intact() && discrepancies.isEmpty(); }
};

namespace ledger_audit {

// The audit actions of the ledger's writes.
QString startedAction();
QString stageAction();
QString validationAction();
QString testAction();
QString finishedAction();
QString revisionConfigAction();

QString deploymentSubject(const QString& id);
QString revisionConfigSubject(const QString& application, const QString& environment, int number);

// The details of each write's audit row: together with the row's time and actor they hold
// every column the write set, which is what verify() rebuilds the tables from. Deployment
// details are unchanged since the ledger's first release, so older databases verify in full.
QJsonObject startedDetails(const DeploymentStart& start);
QJsonObject stageDetails(DeploymentStage stage, const QString& detail);
QJsonObject validationDetails(const ValidationResult& result);
QJsonObject testDetails(const TestResult& result);
QJsonObject finishedDetails(DeploymentStatus status, const QString& message);
// A configuration is recorded by its SHA-256, not its text: the table keeps the text.
QJsonObject revisionConfigDetails(const QString& application, const QString& environment,
                                  const Revision& revision, const QString& configText);

// Walks the chain, then compares every ledger table with what the chain recorded. Run it in a
// read transaction so that the chain and the tables are one snapshot.
LedgerVerification verify(QSqlDatabase& db);

} // namespace ledger_audit

} // namespace launchdeck
