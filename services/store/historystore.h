// The history database: pipeline runs, steps, status transitions and artifacts in SQLite (WAL),
// with ordered schema migrations. Safe to use from several threads: each has its own connection.
#pragma once

#include "core/result.h"
#include "store/historytypes.h"
#include "store/sqliteconnections.h"

#include <QMutex>
#include <QSqlDatabase>
#include <QStringList>

namespace launchdeck {

class HistoryStore final
{
public:
    static constexpr int kSchemaVersion = 5;

    // The database is <dataDir>/history.sqlite.
    explicit HistoryStore(const QString& dataDir);
    ~HistoryStore();
    HistoryStore(const HistoryStore&) = delete;
    HistoryStore& operator=(const HistoryStore&) = delete;

    // Creates or migrates the schema, then marks runs left in flight by a dead console as
    // interrupted. The value is how many runs were marked.
    Result<int> open();
    const QString& databasePath() const { return m_connections.path(); }
    int schemaVersion();
    QString journalMode();

    // Runs and steps still queued or running whose console is gone become interrupted.
    int markInterrupted();
    // The runs the last markInterrupted() (or open()) marked, so their leftover processes can
    // be ended.
    QStringList interruptedRuns() const;

    bool recordRunStarted(const RunInfo& run);
    bool recordStepStarted(const StepEvent& step);
    bool recordStepFinished(const StepEvent& step);
    bool recordRunFinished(const RunResult& result);

    QList<RunRecord> runs(const RunFilter& filter = {});
    std::optional<RunRecord> run(const QString& id);
    QList<StepRecord> steps(const QString& runId);
    QList<ArtifactRecord> artifacts(const QString& runId);
    QList<TransitionRecord> transitions(const QString& entityType, const QString& entityId);

    QString lastError() const;

private:
    QSqlDatabase connection();
    bool migrate(QSqlDatabase& db, QString* error);
    bool addTransition(QSqlDatabase& db, const QString& type, const QString& id,
                       const QString& status, const QDateTime& at, const QString& detail = {});
    void setError(const QString& error);

    SqliteConnections m_connections;
    mutable QMutex m_mutex; // guards the two members below
    QStringList m_interrupted;
    QString m_lastError;
};

} // namespace launchdeck
