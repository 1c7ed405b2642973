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
        // 3: the deployment ledger and its hash-chained audit log. Stage transitions go to the
        //    generic transitions table as entity type "deployment". audit_head holds the last
        //    sequence and hash so that deleting the newest rows is detected too.
        {
            QStringLiteral("CREATE TABLE deployments ("
                           " id TEXT PRIMARY KEY,"
                           " application TEXT NOT NULL,"
                           " environment TEXT NOT NULL,"
                           " kind TEXT NOT NULL,"
                           " from_revision INTEGER,"
                           " from_image TEXT NOT NULL DEFAULT '',"
                           " to_revision INTEGER NOT NULL,"
                           " to_image TEXT NOT NULL DEFAULT '',"
                           " strategy TEXT NOT NULL DEFAULT '',"
                           " reason TEXT NOT NULL DEFAULT '',"
                           " actor TEXT NOT NULL DEFAULT '',"
                           " stage TEXT NOT NULL,"
                           " status TEXT,"
                           " started_at INTEGER NOT NULL,"
                           " finished_at INTEGER,"
                           " duration_ms INTEGER,"
                           " message TEXT NOT NULL DEFAULT '')"),
            QStringLiteral("CREATE INDEX deployments_by_target"
                           " ON deployments(application, environment, started_at)"),
            QStringLiteral(
                "CREATE TABLE deployment_validations ("
                " id INTEGER PRIMARY KEY AUTOINCREMENT,"
                " deployment_id TEXT NOT NULL REFERENCES deployments(id) ON DELETE CASCADE,"
                " severity TEXT NOT NULL,"
                " rule TEXT NOT NULL DEFAULT '',"
                " message TEXT NOT NULL DEFAULT '',"
                " at INTEGER NOT NULL)"),
            QStringLiteral(
                "CREATE TABLE deployment_tests ("
                " id INTEGER PRIMARY KEY AUTOINCREMENT,"
                " deployment_id TEXT NOT NULL REFERENCES deployments(id) ON DELETE CASCADE,"
                " name TEXT NOT NULL,"
                " passed INTEGER NOT NULL,"
                " metrics TEXT NOT NULL DEFAULT '{}',"
                " at INTEGER NOT NULL)"),
            QStringLiteral("CREATE INDEX validations_by_deployment"
                           " ON deployment_validations(deployment_id)"),
            QStringLiteral("CREATE INDEX tests_by_deployment ON deployment_tests(deployment_id)"),
            QStringLiteral("CREATE TABLE audit_log ("
                           " sequence INTEGER PRIMARY KEY,"
                           " at INTEGER NOT NULL,"
                           " actor TEXT NOT NULL,"
                           " action TEXT NOT NULL,"
                           " subject TEXT NOT NULL,"
                           " details TEXT NOT NULL,"
                           " prev_hash TEXT NOT NULL,"
                           " hash TEXT NOT NULL)"),
            QStringLiteral("CREATE TABLE audit_head ("
                           " id INTEGER PRIMARY KEY CHECK (id = 1),"
                           " sequence INTEGER NOT NULL,"
                           " hash TEXT NOT NULL)"),
        },
        // 4: the configuration each revision was started with, so a rollback restores it
        //    exactly even after the workspace changed. Never holds secret values.
        {
            QStringLiteral("CREATE TABLE revision_configs ("
                           " application TEXT NOT NULL,"
                           " environment TEXT NOT NULL,"
                           " number INTEGER NOT NULL,"
                           " image TEXT NOT NULL,"
                           " config TEXT NOT NULL,"
                           " recorded_at INTEGER NOT NULL,"
                           " PRIMARY KEY (application, environment, number))"),
        },
        // 5: revision configurations get an audit row from this version on. Those recorded
        //    before have none: they are listed here so that verification reports them as not
        //    covered rather than as added behind the ledger's back; recording one again covers it.
        {
            QStringLiteral("CREATE TABLE unaudited_revision_configs ("
                           " application TEXT NOT NULL,"
                           " environment TEXT NOT NULL,"
                           " number INTEGER NOT NULL,"
                           " PRIMARY KEY (application, environment, number))"),
            QStringLiteral(
                "INSERT INTO unaudited_revision_configs(application, environment, number)"
                " SELECT application, environment, number FROM revision_configs"),
        },
    };
    return list;
}

} // namespace launchdeck::history_detail
