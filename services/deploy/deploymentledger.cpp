// SQLite access for the deployment ledger; every write appends its audit row in one transaction.
#include "deploy/deploymentledger.h"

#include "deploy/ledgeraudit.h"
#include "store/historystore.h"

#include <QJsonDocument>
#include <QSet>
#include <QSqlError>
#include <QSqlQuery>
#include <QUuid>

namespace launchdeck {

namespace {

const QString kEntityType = QStringLiteral("deployment");

QVariant text(const QString& value)
{
    return value.isNull() ? QVariant(QStringLiteral("")) : QVariant(value);
}

qint64 msecsOrNow(const QDateTime& time)
{
    return (time.isValid() ? time : QDateTime::currentDateTimeUtc()).toMSecsSinceEpoch();
}

QDateTime fromMsecs(const QVariant& value)
{
    return value.isNull() ? QDateTime()
                          : QDateTime::fromMSecsSinceEpoch(value.toLongLong(), Qt::UTC);
}

// The actor of a running deployment, or none when it is unknown or finished.
std::optional<QString> runningActor(QSqlDatabase& db, const QString& id, QString* error)
{
    QSqlQuery query(db);
    query.prepare(QStringLiteral("SELECT actor, status FROM deployments WHERE id = ?"));
    query.addBindValue(id);
    if (!query.exec()) {
        *error = query.lastError().text();
        return std::nullopt;
    }
    if (!query.next()) {
        *error = QStringLiteral("no deployment %1 in the ledger").arg(id);
        return std::nullopt;
    }
    if (!query.value(1).isNull()) {
        *error = QStringLiteral("deployment %1 has already finished as %2")
                     .arg(id, query.value(1).toString());
        return std::nullopt;
    }
    return query.value(0).toString();
}

bool run(QSqlQuery& query, QString* error)
{
    if (query.exec())
        return true;
    *error = query.lastError().text();
    return false;
}

const QString kDeploymentColumns = QStringLiteral(
    "SELECT id, application, environment, kind, from_revision, from_image, to_revision, to_image,"
    " strategy, reason, actor, stage, status, started_at, finished_at, duration_ms, message"
    " FROM deployments");

DeploymentRecord readDeployment(const QSqlQuery& query)
{
    DeploymentRecord record;
    record.id = query.value(0).toString();
    record.application = query.value(1).toString();
    record.environment = query.value(2).toString();
    record.kind =
        deploymentKindFromName(query.value(3).toString()).value_or(DeploymentKind::Deploy);
    if (!query.value(4).isNull())
        record.from = Revision{query.value(4).toInt(), query.value(5).toString()};
    record.to = Revision{query.value(6).toInt(), query.value(7).toString()};
    record.strategy = query.value(8).toString();
    record.reason = query.value(9).toString();
    record.who = query.value(10).toString();
    record.stage =
        deploymentStageFromName(query.value(11).toString()).value_or(DeploymentStage::Initialized);
    if (!query.value(12).isNull())
        record.status = deploymentStatusFromName(query.value(12).toString())
                            .value_or(DeploymentStatus::Interrupted);
    record.startedAt = fromMsecs(query.value(13));
    record.finishedAt = fromMsecs(query.value(14));
    record.durationMs = query.value(15).toLongLong();
    record.message = query.value(16).toString();
    return record;
}

} // namespace

DeploymentLedger::DeploymentLedger(const HistoryStore& store)
    : m_connections(store.databasePath(), QStringLiteral("launchdeck-ledger"))
{}

DeploymentLedger::~DeploymentLedger() = default;

QString DeploymentLedger::lastError() const
{
    const QMutexLocker lock(&m_mutex);
    return m_lastError;
}

void DeploymentLedger::setError(const QString& error)
{
    const QMutexLocker lock(&m_mutex);
    m_lastError = error;
}

QSqlDatabase DeploymentLedger::connection()
{
    QString error;
    QSqlDatabase db = m_connections.connection(&error);
    if (!error.isEmpty())
        setError(error);
    return db;
}

bool DeploymentLedger::write(const std::function<bool(QSqlDatabase&, QString*)>& body)
{
    QSqlDatabase db = connection();
    QString error;
    {
        QSqlQuery begin(db);
        if (!begin.exec(QStringLiteral("BEGIN IMMEDIATE"))) {
            setError(begin.lastError().text());
            return false;
        }
    }
    bool ok = body(db, &error);
    QSqlQuery end(db);
    if (ok && !end.exec(QStringLiteral("COMMIT"))) {
        error = end.lastError().text();
        ok = false;
    }
    if (!ok) {
        end.exec(QStringLiteral("ROLLBACK"));
        setError(error);
    }
    return ok;
}

Result<QString> DeploymentLedger::begin(const DeploymentStart& start)
{
    if (start.application.isEmpty() || start.environment.isEmpty())
        return Error{QStringLiteral("a deployment needs an application and an environment"),
                     m_connections.path()};
    const QString id =
        start.id.isEmpty() ? QUuid::createUuid().toString(QUuid::WithoutBraces) : start.id;
    const QString who = start.who.isEmpty() ? currentOsUser() : start.who;
    const qint64 at = msecsOrNow(start.startedAt);
    const QDateTime atTime = QDateTime::fromMSecsSinceEpoch(at, Qt::UTC);
    const QString stage = deploymentStageName(DeploymentStage::Initialized);
    const bool ok = write([&](QSqlDatabase& db, QString* error) {
        QSqlQuery insert(db);
        insert.prepare(QStringLiteral(
            "INSERT INTO deployments(id, application, environment, kind, from_revision, "
            "from_image, to_revision, to_image, strategy, reason, actor, stage, started_at)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"));
        insert.addBindValue(id);
        insert.addBindValue(start.application);
        insert.addBindValue(start.environment);
        insert.addBindValue(deploymentKindName(start.kind));
        insert.addBindValue(start.from ? QVariant(start.from->number) : QVariant());
        insert.addBindValue(text(start.from ? start.from->image : QString()));
        insert.addBindValue(start.to.number);
        insert.addBindValue(text(start.to.image));
        insert.addBindValue(text(start.strategy));
        insert.addBindValue(text(start.reason));
        insert.addBindValue(text(who));
        insert.addBindValue(stage);
        insert.addBindValue(at);
        if (!run(insert, error))
            return false;
        QSqlQuery transition(db);
        transition.prepare(QStringLiteral("INSERT INTO transitions(entity_type, entity_id, status, "
                                          "at, detail) VALUES (?, ?, ?, ?, '')"));
        transition.addBindValue(kEntityType);
        transition.addBindValue(id);
        transition.addBindValue(stage);
        transition.addBindValue(at);
        if (!run(transition, error))
            return false;
        return audit::append(db, atTime, who, ledger_audit::startedAction(),
                             ledger_audit::deploymentSubject(id),
                             ledger_audit::startedDetails(start), error);
    });
    if (!ok)
        return Error{lastError(), m_connections.path()};
    return id;
}

bool DeploymentLedger::recordTransition(const QString& id, DeploymentStage stage,
                                        const QDateTime& at, const QString& detail)
{
    const qint64 when = msecsOrNow(at);
    return write([&](QSqlDatabase& db, QString* error) {
        const auto actor = runningActor(db, id, error);
        if (!actor)
            return false;
        QSqlQuery update(db);
        update.prepare(QStringLiteral("UPDATE deployments SET stage = ? WHERE id = ?"));
        update.addBindValue(deploymentStageName(stage));
        update.addBindValue(id);
        QSqlQuery transition(db);
        transition.prepare(QStringLiteral("INSERT INTO transitions(entity_type, entity_id, status, "
                                          "at, detail) VALUES (?, ?, ?, ?, ?)"));
        transition.addBindValue(kEntityType);
        transition.addBindValue(id);
        transition.addBindValue(deploymentStageName(stage));
        transition.addBindValue(when);
        transition.addBindValue(text(detail));
        return run(update, error) && run(transition, error) &&
               audit::append(db, QDateTime::fromMSecsSinceEpoch(when, Qt::UTC), *actor,
                             ledger_audit::stageAction(), ledger_audit::deploymentSubject(id),
                             ledger_audit::stageDetails(stage, detail), error);
    });
}

bool DeploymentLedger::recordValidation(const QString& id, const ValidationResult& result)
{
    const qint64 when = msecsOrNow(result.at);
    return write([&](QSqlDatabase& db, QString* error) {
        const auto actor = runningActor(db, id, error);
        if (!actor)
            return false;
        QSqlQuery insert(db);
        insert.prepare(QStringLiteral("INSERT INTO deployment_validations(deployment_id, "
                                      "severity, rule, message, at) VALUES (?, ?, ?, ?, ?)"));
        insert.addBindValue(id);
        insert.addBindValue(severityName(result.severity));
        insert.addBindValue(text(result.rule));
        insert.addBindValue(text(result.message));
        insert.addBindValue(when);
        return run(insert, error) &&
               audit::append(db, QDateTime::fromMSecsSinceEpoch(when, Qt::UTC), *actor,
                             ledger_audit::validationAction(), ledger_audit::deploymentSubject(id),
                             ledger_audit::validationDetails(result), error);
    });
}

bool DeploymentLedger::recordTest(const QString& id, const TestResult& result)
{
    const qint64 when = msecsOrNow(result.at);
    return write([&](QSqlDatabase& db, QString* error) {
        const auto actor = runningActor(db, id, error);
        if (!actor)
            return false;
        QSqlQuery insert(db);
        insert.prepare(QStringLiteral("INSERT INTO deployment_tests(deployment_id, name, passed, "
                                      "metrics, at) VALUES (?, ?, ?, ?, ?)"));
        insert.addBindValue(id);
        insert.addBindValue(text(result.name));
        insert.addBindValue(result.passed ? 1 : 0);
        insert.addBindValue(
            QString::fromUtf8(QJsonDocument(result.metrics).toJson(QJsonDocument::Compact)));
        insert.addBindValue(when);
        return run(insert, error) &&
               audit::append(db, QDateTime::fromMSecsSinceEpoch(when, Qt::UTC), *actor,
                             ledger_audit::testAction(), ledger_audit::deploymentSubject(id),
                             ledger_audit::testDetails(result), error);
    });
}

bool DeploymentLedger::finish(const QString& id, DeploymentStatus status, const QDateTime& at,
                              const QString& message)
{
    const qint64 when = msecsOrNow(at);
    return write([&](QSqlDatabase& db, QString* error) {
        const auto actor = runningActor(db, id, error);
        if (!actor)
            return false;
        QSqlQuery update(db);
        update.prepare(
            QStringLiteral("UPDATE deployments SET status = ?, finished_at = ?,"
                           " duration_ms = max(0, ? - started_at), message = ? WHERE id = ?"));
        update.addBindValue(deploymentStatusName(status));
        update.addBindValue(when);
        update.addBindValue(when);
        update.addBindValue(text(message));
        update.addBindValue(id);
        return run(update, error) &&
               audit::append(db, QDateTime::fromMSecsSinceEpoch(when, Qt::UTC), *actor,
                             ledger_audit::finishedAction(), ledger_audit::deploymentSubject(id),
                             ledger_audit::finishedDetails(status, message), error);
    });
}

QList<DeploymentRecord> DeploymentLedger::list(const DeploymentFilter& filter)
{
    QStringList where;
    QVariantList values;
    if (!filter.application.isEmpty()) {
        where.append(QStringLiteral("application = ?"));
        values.append(filter.application);
    }
    if (!filter.environment.isEmpty()) {
        where.append(QStringLiteral("environment = ?"));
        values.append(filter.environment);
    }
    if (filter.since.isValid()) {
        where.append(QStringLiteral("started_at >= ?"));
        values.append(filter.since.toMSecsSinceEpoch());
    }
    if (filter.unfinishedOnly)
        where.append(QStringLiteral("status IS NULL"));
    QSqlQuery query(connection());
    query.prepare(kDeploymentColumns +
                  (where.isEmpty()
                       ? QString()
                       : QStringLiteral(" WHERE ") + where.join(QStringLiteral(" AND "))) +
                  QStringLiteral(" ORDER BY started_at DESC, rowid DESC LIMIT %1")
                      .arg(std::max(1, filter.limit)));
    for (const QVariant& value : std::as_const(values))
        query.addBindValue(value);
    QList<DeploymentRecord> records;
    if (!query.exec())
        setError(query.lastError().text());
    while (query.next())
        records.append(readDeployment(query));
    return records;
}

std::optional<DeploymentRecord> DeploymentLedger::get(const QString& id)
{
    QSqlDatabase db = connection();
    QSqlQuery query(db);
    query.prepare(kDeploymentColumns + QStringLiteral(" WHERE id = ?"));
    query.addBindValue(id);
    if (!query.exec() || !query.next())
        return std::nullopt;
    DeploymentRecord record = readDeployment(query);

    QSqlQuery transitions(db);
    transitions.prepare(QStringLiteral("SELECT status, at, detail FROM transitions"
                                       " WHERE entity_type = ? AND entity_id = ? ORDER BY id"));
    transitions.addBindValue(kEntityType);
    transitions.addBindValue(id);
    if (transitions.exec()) {
        while (transitions.next()) {
            const auto stage = deploymentStageFromName(transitions.value(0).toString());
            if (stage)
                record.transitions.append(
                    {*stage, fromMsecs(transitions.value(1)), transitions.value(2).toString()});
        }
    }
    QSqlQuery validations(db);
    validations.prepare(
        QStringLiteral("SELECT severity, rule, message, at FROM "
                       "deployment_validations WHERE deployment_id = ? ORDER BY id"));
    validations.addBindValue(id);
    if (validations.exec()) {
        while (validations.next())
            record.validations.append(
                {severityFromName(validations.value(0).toString()).value_or(Severity::Info),
                 validations.value(1).toString(), validations.value(2).toString(),
                 fromMsecs(validations.value(3))});
    }
    QSqlQuery tests(db);
    tests.prepare(QStringLiteral("SELECT name, passed, metrics, at FROM deployment_tests"
                                 " WHERE deployment_id = ? ORDER BY id"));
    tests.addBindValue(id);
    if (tests.exec()) {
        while (tests.next())
            record.tests.append({tests.value(0).toString(), tests.value(1).toInt() != 0,
                                 QJsonDocument::fromJson(tests.value(2).toByteArray()).object(),
                                 fromMsecs(tests.value(3))});
    }
    return record;
}

std::optional<Revision> DeploymentLedger::latestRevision(const QString& application,
                                                         const QString& environment)
{
    QSqlQuery query(connection());
    query.prepare(kDeploymentColumns + QStringLiteral(" WHERE application = ? AND environment = ?"
                                                      " AND status IN ('COMPLETED', 'ROLLED_BACK')"
                                                      " ORDER BY finished_at DESC, rowid DESC"));
    query.addBindValue(application);
    query.addBindValue(environment);
    if (!query.exec()) {
        setError(query.lastError().text());
        return std::nullopt;
    }
    while (query.next()) {
        const DeploymentRecord record = readDeployment(query);
        if (record.status == DeploymentStatus::Completed)
            return record.to;
        if (record.from)
            return record.from;
    }
    return std::nullopt;
}

int DeploymentLedger::nextRevisionNumber(const QString& application, const QString& environment)
{
    QSqlQuery query(connection());
    query.prepare(QStringLiteral("SELECT max(max(to_revision), coalesce(max(from_revision), 0))"
                                 " FROM deployments WHERE application = ? AND environment = ?"));
    query.addBindValue(application);
    query.addBindValue(environment);
    return query.exec() && query.next() ? query.value(0).toInt() + 1 : 1;
}

QList<Revision> DeploymentLedger::liveRevisions(const QString& application,
                                                const QString& environment)
{
    QSqlQuery query(connection());
    query.prepare(
        QStringLiteral("SELECT to_revision, to_image FROM deployments"
                       " WHERE application = ? AND environment = ? AND status = 'COMPLETED'"
                       " ORDER BY finished_at DESC, rowid DESC"));
    query.addBindValue(application);
    query.addBindValue(environment);
    QList<Revision> revisions;
    if (!query.exec()) {
        setError(query.lastError().text());
        return revisions;
    }
    QSet<int> seen;
    while (query.next()) {
        const Revision revision{query.value(0).toInt(), query.value(1).toString()};
        if (!seen.contains(revision.number)) {
            seen.insert(revision.number);
            revisions.append(revision);
        }
    }
    return revisions;
}

bool DeploymentLedger::recordRevisionConfig(const QString& application, const QString& environment,
                                            const Revision& revision, const QJsonObject& config)
{
    const QString configText =
        QString::fromUtf8(QJsonDocument(config).toJson(QJsonDocument::Compact));
    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    return write([&](QSqlDatabase& db, QString* error) {
        QSqlQuery query(db);
        query.prepare(QStringLiteral("INSERT OR REPLACE INTO revision_configs"
                                     " (application, environment, number, image, config,"
                                     " recorded_at) VALUES (?, ?, ?, ?, ?, ?)"));
        query.addBindValue(application);
        query.addBindValue(environment);
        query.addBindValue(revision.number);
        query.addBindValue(text(revision.image));
        query.addBindValue(configText);
        query.addBindValue(now);
        // Recorded again, a configuration from before the audit covered them is covered now.
        QSqlQuery covered(db);
        covered.prepare(
            QStringLiteral("DELETE FROM unaudited_revision_configs"
                           " WHERE application = ? AND environment = ? AND number = ?"));
        covered.addBindValue(application);
        covered.addBindValue(environment);
        covered.addBindValue(revision.number);
        return run(query, error) && run(covered, error) &&
               audit::append(
                   db, QDateTime::fromMSecsSinceEpoch(now, Qt::UTC), currentOsUser(),
                   ledger_audit::revisionConfigAction(),
                   ledger_audit::revisionConfigSubject(application, environment, revision.number),
                   ledger_audit::revisionConfigDetails(application, environment, revision,
                                                       configText),
                   error);
    });
}

std::optional<QJsonObject> DeploymentLedger::revisionConfig(const QString& application,
                                                            const QString& environment, int number)
{
    QSqlQuery query(connection());
    query.prepare(QStringLiteral("SELECT config FROM revision_configs"
                                 " WHERE application = ? AND environment = ? AND number = ?"));
    query.addBindValue(application);
    query.addBindValue(environment);
    query.addBindValue(number);
    if (!query.exec() || !query.next())
        return std::nullopt;
    const QJsonDocument document = QJsonDocument::fromJson(query.value(0).toString().toUtf8());
    if (!document.isObject())
        return std::nullopt;
    return document.object();
}

QList<DeploymentMetrics> DeploymentLedger::metrics(const QDateTime& from, const QDateTime& to,
                                                   const QString& application,
                                                   const QString& environment)
{
    DeploymentFilter filter;
    filter.application = application;
    filter.environment = environment;
    filter.since = from;
    filter.limit = 1'000'000;
    return computeDeploymentMetrics(list(filter), from, to);
}

AuditVerification DeploymentLedger::verifyAudit()
{
    QSqlDatabase db = connection();
    // One read transaction: a snapshot, so a concurrent writer cannot make the head and the
    // rows disagree.
    QSqlQuery(db).exec(QStringLiteral("BEGIN"));
    const AuditVerification result = audit::verify(db);
    QSqlQuery(db).exec(QStringLiteral("COMMIT"));
    return result;
}

LedgerVerification DeploymentLedger::verify()
{
    QSqlDatabase db = connection();
    QSqlQuery(db).exec(QStringLiteral("BEGIN"));
    const LedgerVerification result = ledger_audit::verify(db);
    QSqlQuery(db).exec(QStringLiteral("COMMIT"));
    return result;
}

QList<AuditEntry> DeploymentLedger::auditEntries(qint64 fromSequence, int limit)
{
    QSqlDatabase db = connection();
    return audit::entries(db, fromSequence, limit);
}

} // namespace launchdeck
