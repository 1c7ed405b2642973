// SQLite access for the history: per-thread connections, migrations, recording and queries.
#include "store/historystore.h"

#include "store/historyschema.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QSqlError>
#include <QSqlQuery>
#include <QThread>

#include <unistd.h>

namespace launchdeck {

namespace {

// "pid:start-time": a pid alone may be reused by another process after a crash.
QString processIdentity(qint64 pid)
{
    QFile file(QStringLiteral("/proc/%1/stat").arg(pid));
    if (!file.open(QIODevice::ReadOnly))
        return {};
    const QByteArray text = file.readAll();
    const QList<QByteArray> fields = text.mid(text.lastIndexOf(')') + 2).split(' ');
    // starttime is field 22 of stat, the 20th after the command name.
    return fields.size() > 19
               ? QStringLiteral("%1:%2").arg(pid).arg(QString::fromLatin1(fields[19]))
               : QString();
}

bool ownerAlive(const QString& owner)
{
    const qint64 pid = owner.section(u':', 0, 0).toLongLong();
    return pid > 0 && processIdentity(pid) == owner;
}

// Text columns are NOT NULL; a null QString would bind as NULL.
QVariant text(const QString& value)
{
    return value.isNull() ? QVariant(QStringLiteral("")) : QVariant(value);
}

QVariant msecs(const QDateTime& time)
{
    return time.isValid() ? QVariant(time.toMSecsSinceEpoch()) : QVariant();
}

QDateTime fromMsecs(const QVariant& value)
{
    return value.isNull() ? QDateTime()
                          : QDateTime::fromMSecsSinceEpoch(value.toLongLong(), Qt::UTC);
}

RunStatus statusOf(const QVariant& value)
{
    return runStatusFromName(value.toString()).value_or(RunStatus::Interrupted);
}

} // namespace

HistoryStore::HistoryStore(const QString& dataDir)
    : m_connections(QDir(dataDir).absoluteFilePath(QStringLiteral("history.sqlite")),
                    QStringLiteral("launchdeck-history"))
{}

HistoryStore::~HistoryStore() = default;

QString HistoryStore::lastError() const
{
    const QMutexLocker lock(&m_mutex);
    return m_lastError;
}

void HistoryStore::setError(const QString& error)
{
    const QMutexLocker lock(&m_mutex);
    m_lastError = error;
}

QSqlDatabase HistoryStore::connection()
{
    QString error;
    QSqlDatabase db = m_connections.connection(&error);
    if (!error.isEmpty())
        setError(error);
    return db;
}

Result<int> HistoryStore::open()
{
    QDir().mkpath(QFileInfo(m_connections.path()).absolutePath());
    QSqlDatabase db = connection();
    if (!db.isOpen())
        return Error{db.lastError().text(), m_connections.path()};
    QString error;
    if (!migrate(db, &error))
        return Error{error, m_connections.path()};
    return markInterrupted();
}

int HistoryStore::schemaVersion()
{
    QSqlQuery query(connection());
    return query.exec(QStringLiteral("PRAGMA user_version")) && query.next()
               ? query.value(0).toInt()
               : -1;
}

QString HistoryStore::journalMode()
{
    QSqlQuery query(connection());
    return query.exec(QStringLiteral("PRAGMA journal_mode")) && query.next()
               ? query.value(0).toString()
               : QString();
}

bool HistoryStore::migrate(QSqlDatabase& db, QString* error)
{
    const int current = schemaVersion();
    const auto& steps = history_detail::migrations();
    if (current > steps.size()) {
        *error =
            QStringLiteral(
                "the history database has schema version %1, newer than this Launchdeck knows (%2)")
                .arg(current)
                .arg(steps.size());
        return false;
    }
    for (int version = current; version < steps.size(); ++version) {
        db.transaction();
        QSqlQuery query(db);
        for (const QString& statement : steps[version]) {
            if (!query.exec(statement)) {
                *error = QStringLiteral("migration to schema version %1 failed: %2")
                             .arg(version + 1)
                             .arg(query.lastError().text());
                db.rollback();
                return false;
            }
        }
        query.exec(QStringLiteral("PRAGMA user_version = %1").arg(version + 1));
        if (!db.commit()) {
            *error = db.lastError().text();
            return false;
        }
    }
    return true;
}

bool HistoryStore::addTransition(QSqlDatabase& db, const QString& type, const QString& id,
                                 const QString& status, const QDateTime& at, const QString& detail)
{
    QSqlQuery query(db);
    query.prepare(QStringLiteral("INSERT INTO transitions(entity_type, entity_id, status, at, "
                                 "detail) VALUES (?, ?, ?, ?, ?)"));
    query.addBindValue(type);
    query.addBindValue(id);
    query.addBindValue(status);
    query.addBindValue((at.isValid() ? at : QDateTime::currentDateTimeUtc()).toMSecsSinceEpoch());
    query.addBindValue(text(detail));
    if (!query.exec()) {
        setError(query.lastError().text());
        return false;
    }
    return true;
}

int HistoryStore::markInterrupted()
{
    QSqlDatabase db = connection();
    QSqlQuery select(db);
    select.exec(QStringLiteral("SELECT id, owner FROM runs WHERE status IN ('queued', 'running')"));
    QStringList orphans;
    while (select.next()) {
        if (!ownerAlive(select.value(1).toString()))
            orphans.append(select.value(0).toString());
    }
    const QDateTime now = QDateTime::currentDateTimeUtc();
    const QString interrupted = runStatusName(RunStatus::Interrupted);
    for (const QString& id : std::as_const(orphans)) {
        db.transaction();
        QSqlQuery steps(db);
        steps.prepare(QStringLiteral(
            "SELECT name FROM steps WHERE run_id = ? AND status IN ('queued', 'running')"));
        steps.addBindValue(id);
        steps.exec();
        while (steps.next())
            addTransition(db, QStringLiteral("step"), id + u'/' + steps.value(0).toString(),
                          interrupted, now, QStringLiteral("the console ended during the run"));
        QSqlQuery update(db);
        update.prepare(QStringLiteral("UPDATE steps SET status = ?, finished_at = ? WHERE run_id = "
                                      "? AND status IN ('queued', 'running')"));
        update.addBindValue(interrupted);
        update.addBindValue(now.toMSecsSinceEpoch());
        update.addBindValue(id);
        update.exec();
        update.prepare(QStringLiteral(
            "UPDATE runs SET status = ?, finished_at = ?, duration_ms = ? - started_at"
            " WHERE id = ?"));
        update.addBindValue(interrupted);
        update.addBindValue(now.toMSecsSinceEpoch());
        update.addBindValue(now.toMSecsSinceEpoch());
        update.addBindValue(id);
        update.exec();
        addTransition(db, QStringLiteral("run"), id, interrupted, now,
                      QStringLiteral("the console ended during the run"));
        db.commit();
    }
    {
        const QMutexLocker lock(&m_mutex);
        m_interrupted = orphans;
    }
    return static_cast<int>(orphans.size());
}

QStringList HistoryStore::interruptedRuns() const
{
    const QMutexLocker lock(&m_mutex);
    return m_interrupted;
}

bool HistoryStore::recordRunStarted(const RunInfo& run)
{
    QSqlDatabase db = connection();
    db.transaction();
    QSqlQuery query(db);
    query.prepare(QStringLiteral(
        "INSERT OR REPLACE INTO runs(id, pipeline, pipeline_file, workspace, run_dir,"
        " status, started_at, owner) VALUES (?, ?, ?, ?, ?, 'running', ?, ?)"));
    query.addBindValue(run.runId);
    query.addBindValue(text(run.pipeline));
    query.addBindValue(text(run.pipelineFile));
    query.addBindValue(text(run.workspace));
    query.addBindValue(text(run.runDir));
    query.addBindValue(run.startedAt.toMSecsSinceEpoch());
    query.addBindValue(processIdentity(::getpid()));
    bool ok = query.exec();
    for (qsizetype i = 0; ok && i < run.steps.size(); ++i) {
        QSqlQuery step(db);
        step.prepare(QStringLiteral("INSERT OR REPLACE INTO steps(run_id, name, position, stage, "
                                    "status) VALUES (?, ?, ?, ?, 'queued')"));
        step.addBindValue(run.runId);
        step.addBindValue(text(run.steps[i]));
        step.addBindValue(static_cast<int>(i));
        step.addBindValue(text(run.stages.value(i)));
        ok = step.exec();
        if (!ok)
            setError(step.lastError().text());
    }
    ok = ok && addTransition(db, QStringLiteral("run"), run.runId,
                             runStatusName(RunStatus::Running), run.startedAt);
    if (!ok) {
        setError(query.lastError().text());
        db.rollback();
        return false;
    }
    return db.commit();
}

bool HistoryStore::recordStepStarted(const StepEvent& step)
{
    QSqlDatabase db = connection();
    db.transaction();
    QSqlQuery query(db);
    query.prepare(QStringLiteral(
        "UPDATE steps SET status = 'running', attempt = ?, started_at = ?, log_path = ?"
        " WHERE run_id = ? AND name = ?"));
    query.addBindValue(step.attempt);
    query.addBindValue(msecs(step.startedAt));
    query.addBindValue(text(step.logPath));
    query.addBindValue(step.runId);
    query.addBindValue(text(step.step));
    const bool ok =
        query.exec() &&
        addTransition(db, QStringLiteral("step"), step.runId + u'/' + step.step,
                      runStatusName(RunStatus::Running), QDateTime::currentDateTimeUtc(),
                      QStringLiteral("attempt %1").arg(step.attempt));
    if (!ok) {
        setError(query.lastError().text());
        db.rollback();
        return false;
    }
    return db.commit();
}

bool HistoryStore::recordStepFinished(const StepEvent& step)
{
    QSqlDatabase db = connection();
    db.transaction();
    QSqlQuery query(db);
    query.prepare(
        QStringLiteral("UPDATE steps SET status = ?, attempt = ?, exit_code = ?, started_at = ?,"
                       " finished_at = ?, duration_ms = ?, log_path = ?, message = ?"
                       " WHERE run_id = ? AND name = ?"));
    query.addBindValue(runStatusName(step.status));
    query.addBindValue(step.attempt);
    query.addBindValue(step.exitCode >= 0 ? QVariant(step.exitCode) : QVariant());
    query.addBindValue(msecs(step.startedAt));
    query.addBindValue(msecs(step.finishedAt));
    query.addBindValue(step.durationMs);
    query.addBindValue(text(step.logPath));
    query.addBindValue(text(step.message));
    query.addBindValue(step.runId);
    query.addBindValue(text(step.step));
    bool ok = query.exec();
    QString runDir;
    if (ok && !step.artifacts.isEmpty()) {
        QSqlQuery dir(db);
        dir.prepare(QStringLiteral("SELECT run_dir FROM runs WHERE id = ?"));
        dir.addBindValue(step.runId);
        if (dir.exec() && dir.next())
            runDir = dir.value(0).toString();
    }
    for (const QString& path : step.artifacts) {
        QSqlQuery artifact(db);
        artifact.prepare(QStringLiteral(
            "INSERT INTO artifacts(run_id, step, path, size_bytes) VALUES (?, ?, ?, ?)"));
        artifact.addBindValue(step.runId);
        artifact.addBindValue(text(step.step));
        artifact.addBindValue(text(path));
        artifact.addBindValue(QFileInfo(QDir(runDir).filePath(path)).size());
        ok = ok && artifact.exec();
    }
    ok = ok && addTransition(db, QStringLiteral("step"), step.runId + u'/' + step.step,
                             runStatusName(step.status), step.finishedAt, step.message);
    if (!ok) {
        setError(query.lastError().text());
        db.rollback();
        return false;
    }
    return db.commit();
}

bool HistoryStore::recordRunFinished(const RunResult& result)
{
    QSqlDatabase db = connection();
    db.transaction();
    QSqlQuery query(db);
    query.prepare(QStringLiteral(
        "UPDATE runs SET status = ?, finished_at = ?, duration_ms = ? WHERE id = ?"));
    query.addBindValue(runStatusName(result.status));
    query.addBindValue(msecs(result.finishedAt));
    query.addBindValue(result.durationMs);
    query.addBindValue(result.runId);
    const bool ok = query.exec() && addTransition(db, QStringLiteral("run"), result.runId,
                                                  runStatusName(result.status), result.finishedAt);
    if (!ok) {
        setError(query.lastError().text());
        db.rollback();
        return false;
    }
    return db.commit();
}

namespace {

RunRecord readRun(const QSqlQuery& query)
{
    RunRecord run;
    run.id = query.value(0).toString();
    run.pipeline = query.value(1).toString();
    run.pipelineFile = query.value(2).toString();
    run.workspace = query.value(3).toString();
    run.runDir = query.value(4).toString();
    run.status = statusOf(query.value(5));
    run.startedAt = fromMsecs(query.value(6));
    run.finishedAt = fromMsecs(query.value(7));
    run.durationMs = query.value(8).toLongLong();
    return run;
}

const QString kRunColumns =
    QStringLiteral("SELECT id, pipeline, pipeline_file, workspace, run_dir, status, started_at, "
                   "finished_at, duration_ms FROM runs");

} // namespace

QList<RunRecord> HistoryStore::runs(const RunFilter& filter)
{
    QStringList where;
    QVariantList values;
    if (!filter.pipeline.isEmpty()) {
        where.append(QStringLiteral("pipeline = ?"));
        values.append(filter.pipeline);
    }
    if (filter.status) {
        where.append(QStringLiteral("status = ?"));
        values.append(runStatusName(*filter.status));
    }
    if (filter.since.isValid()) {
        where.append(QStringLiteral("started_at >= ?"));
        values.append(filter.since.toMSecsSinceEpoch());
    }
    QSqlQuery query(connection());
    query.prepare(kRunColumns +
                  (where.isEmpty()
                       ? QString()
                       : QStringLiteral(" WHERE ") + where.join(QStringLiteral(" AND "))) +
                  QStringLiteral(" ORDER BY started_at DESC, id DESC LIMIT %1")
                      .arg(std::max(1, filter.limit)));
    for (const QVariant& value : std::as_const(values))
        query.addBindValue(value);
    QList<RunRecord> list;
    if (!query.exec())
        setError(query.lastError().text());
    while (query.next())
        list.append(readRun(query));
    return list;
}

std::optional<RunRecord> HistoryStore::run(const QString& id)
{
    QSqlQuery query(connection());
    query.prepare(kRunColumns + QStringLiteral(" WHERE id = ?"));
    query.addBindValue(id);
    if (query.exec() && query.next())
        return readRun(query);
    return std::nullopt;
}

QList<StepRecord> HistoryStore::steps(const QString& runId)
{
    QSqlQuery query(connection());
    query.prepare(QStringLiteral(
        "SELECT name, position, stage, status, attempt, exit_code, started_at, finished_at,"
        " duration_ms, log_path, message FROM steps WHERE run_id = ? ORDER BY position"));
    query.addBindValue(runId);
    QList<StepRecord> list;
    if (!query.exec())
        setError(query.lastError().text());
    while (query.next()) {
        StepRecord step;
        step.runId = runId;
        step.name = query.value(0).toString();
        step.position = query.value(1).toInt();
        step.stage = query.value(2).toString();
        step.status = statusOf(query.value(3));
        step.attempt = query.value(4).toInt();
        if (!query.value(5).isNull())
            step.exitCode = query.value(5).toInt();
        step.startedAt = fromMsecs(query.value(6));
        step.finishedAt = fromMsecs(query.value(7));
        step.durationMs = query.value(8).toLongLong();
        step.logPath = query.value(9).toString();
        step.message = query.value(10).toString();
        list.append(step);
    }
    return list;
}

QList<ArtifactRecord> HistoryStore::artifacts(const QString& runId)
{
    QSqlQuery query(connection());
    query.prepare(QStringLiteral(
        "SELECT step, path, size_bytes FROM artifacts WHERE run_id = ? ORDER BY id"));
    query.addBindValue(runId);
    QList<ArtifactRecord> list;
    if (query.exec()) {
        while (query.next())
            list.append({runId, query.value(0).toString(), query.value(1).toString(),
                         query.value(2).toLongLong()});
    }
    return list;
}

QList<TransitionRecord> HistoryStore::transitions(const QString& entityType,
                                                  const QString& entityId)
{
    QSqlQuery query(connection());
    query.prepare(QStringLiteral(
        "SELECT status, at, detail FROM transitions WHERE entity_type = ? AND entity_id = ?"
        " ORDER BY id"));
    query.addBindValue(entityType);
    query.addBindValue(entityId);
    QList<TransitionRecord> list;
    if (query.exec()) {
        while (query.next())
            list.append({entityType, entityId, query.value(0).toString(), fromMsecs(query.value(1)),
                         query.value(2).toString()});
    }
    return list;
}

} // namespace launchdeck
