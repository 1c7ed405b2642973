// Schema migrations of the history database. Append new ones; never edit a released one.
#include "store/historyschema.h"

namespace launchdeck::history_detail {

const QList<QStringList>& migrations()
{
    static const QList<QStringList> list = {
        // 1: runs, steps, artifacts, and transitions kept generic (entity type and id) so
        //    deployments and the audit log share them later.
        {
            QStringLiteral("CREATE TABLE runs ("
                           " id TEXT PRIMARY KEY,"
                           " pipeline TEXT NOT NULL,"
                           " pipeline_file TEXT NOT NULL DEFAULT '',"
                           " workspace TEXT NOT NULL DEFAULT '',"
                           " run_dir TEXT NOT NULL DEFAULT '',"
                           " status TEXT NOT NULL,"
                           " started_at INTEGER NOT NULL,"
                           " finished_at INTEGER,"
                           " duration_ms INTEGER,"
                           " owner TEXT NOT NULL DEFAULT '')"),
            QStringLiteral("CREATE TABLE steps ("
                           " run_id TEXT NOT NULL REFERENCES runs(id) ON DELETE CASCADE,"
                           " name TEXT NOT NULL,"
                           " position INTEGER NOT NULL,"
                           " stage TEXT NOT NULL DEFAULT '',"
                           " status TEXT NOT NULL,"
                           " attempt INTEGER NOT NULL DEFAULT 0,"
                           " exit_code INTEGER,"
                           " started_at INTEGER,"
                           " finished_at INTEGER,"
                           " duration_ms INTEGER,"
                           " log_path TEXT NOT NULL DEFAULT '',"
                           " message TEXT NOT NULL DEFAULT '',"
                           " PRIMARY KEY (run_id, name))"),
            QStringLiteral("CREATE TABLE artifacts ("
                           " id INTEGER PRIMARY KEY AUTOINCREMENT,"
                           " run_id TEXT NOT NULL REFERENCES runs(id) ON DELETE CASCADE,"
                           " step TEXT NOT NULL,"
                           " path TEXT NOT NULL,"
                           " size_bytes INTEGER NOT NULL DEFAULT 0)"),
            QStringLiteral("CREATE TABLE transitions ("
                           " id INTEGER PRIMARY KEY AUTOINCREMENT,"
                           " entity_type TEXT NOT NULL,"
                           " entity_id TEXT NOT NULL,"
                           " status TEXT NOT NULL,"
                           " at INTEGER NOT NULL,"
                           " detail TEXT NOT NULL DEFAULT '')"),
        },
        // 2: the lookups the history views and the interrupted sweep make.
        {
            QStringLiteral("CREATE INDEX runs_by_pipeline ON runs(pipeline, started_at)"),
            QStringLiteral("CREATE INDEX runs_by_status ON runs(status)"),
            QStringLiteral(
                "CREATE INDEX transitions_by_entity ON transitions(entity_type, entity_id, id)"),
            QStringLiteral("CREATE INDEX artifacts_by_run ON artifacts(run_id)"),
        },
    };
    return list;
}

} // namespace launchdeck::history_detail
