// The deployment ledger: every deploy and rollback, its stages, validation and test results in
// the history database, each write mirrored by a row of the hash-chained audit log in the same
// transaction. Safe to use from several threads: each has its own connection.
#pragma once

#include "core/result.h"
#include "deploy/auditchain.h"
#include "deploy/deploymentmetrics.h"
#include "deploy/deploymentrecord.h"
#include "deploy/ledgeraudit.h"
#include "store/sqliteconnections.h"

#include <QJsonObject>
#include <QMutex>
#include <QSqlDatabase>
#include <QStringList>

#include <functional>

namespace launchdeck {

class HistoryStore;

class DeploymentLedger final
{
public:
    // `store` must be open (its migrations create the ledger's tables); the ledger uses the same
    // database file.
    explicit DeploymentLedger(const HistoryStore& store);
    ~DeploymentLedger();
    DeploymentLedger(const DeploymentLedger&) = delete;
    DeploymentLedger& operator=(const DeploymentLedger&) = delete;

    // Records a new deployment at INITIALIZED and returns its id.
    Result<QString> begin(const DeploymentStart& start);
    // Each write fails (false, lastError()) when the deployment is unknown or already finished.
    bool recordTransition(const QString& id, DeploymentStage stage, const QDateTime& at = {},
                          const QString& detail = {});
    bool recordValidation(const QString& id, const ValidationResult& result);
    bool recordTest(const QString& id, const TestResult& result);
    bool finish(const QString& id, DeploymentStatus status, const QDateTime& at = {},
                const QString& message = {});

    // Newest first, without transitions and results.
    QList<DeploymentRecord> list(const DeploymentFilter& filter = {});
    // One deployment with its transitions (in order), validations and tests.
    std::optional<DeploymentRecord> get(const QString& id);
    // The revision live after the newest deployment that ended in a known state: the target of a
    // completed one, the origin of a rolled-back one. None before the first success.
    std::optional<Revision> latestRevision(const QString& application, const QString& environment);
    // One past the highest revision number ever deployed to the pair.
    int nextRevisionNumber(const QString& application, const QString& environment);
    // Revisions that were live once (targets of completed deployments), newest first, each once.
    QList<Revision> liveRevisions(const QString& application, const QString& environment);

    // The configuration a revision was started with (RevisionConfig as JSON), kept so that a
    // rollback restores it exactly. Writing the same revision again replaces it; each write
    // appends an audit row with the configuration's digest.
    bool recordRevisionConfig(const QString& application, const QString& environment,
                              const Revision& revision, const QJsonObject& config);
    std::optional<QJsonObject> revisionConfig(const QString& application,
                                              const QString& environment, int number);

    // Metrics per application and environment over deployments started in [from, to).
    QList<DeploymentMetrics> metrics(const QDateTime& from, const QDateTime& to,
                                     const QString& application = {},
                                     const QString& environment = {});

    // The chain alone.
    AuditVerification verifyAudit();
    // The chain, then every ledger table against what the chain recorded of it.
    LedgerVerification verify();
    QList<AuditEntry> auditEntries(qint64 fromSequence = 1, int limit = 1000);

    QString lastError() const;

private:
    QSqlDatabase connection();
    // Runs `body` in a write transaction (taken immediately, so two writers queue instead of
    // failing on lock upgrade); commits when it returns true.
    bool write(const std::function<bool(QSqlDatabase&, QString*)>& body);
    void setError(const QString& error);

    SqliteConnections m_connections;
    mutable QMutex m_mutex; // guards m_lastError
    QString m_lastError;
};

} // namespace launchdeck
