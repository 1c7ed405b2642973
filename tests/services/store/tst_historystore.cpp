// The history database: migrations from nothing, WAL, queries, and a console SIGKILLed mid-run
// whose run is found interrupted at the next open with its log intact.
#include "pipeline/pipelineparser.h"
#include "pipeline/pipelinerunnerhost.h"
#include "pipeline/processtree.h"
#include "store/historystore.h"
#include "store/pipelinerecorder.h"

#include <QSqlDatabase>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QtTest>

#include <csignal>

using namespace launchdeck;

namespace {

const char* const kCrashArgument = "--run-until-killed";

// The child: records a run of a chatty step until the parent kills it.
int runUntilKilled(const QString& dataDir, const QString& runId)
{
    HistoryStore store(dataDir);
    if (!store.open().ok())
        return 3;
    RunnerOptions options;
    options.dataDir = dataDir;
    options.useKeyring = false;
    PipelineRunnerHost host(options);
    PipelineRecorder recorder(&store, host.runner());
    Diagnostics out;
    RunRequest request;
    request.runId = runId;
    request.workspace = dataDir;
    request.pipeline = parsePipeline(QStringLiteral("chatty.yaml"), R"(steps:
  - name: chatty
    run: 'trap "" PIPE; i=0; while true; do i=$((i+1)); echo "line $i" || true; sleep 0.005; done'
  - {name: after, needs: [chatty], run: 'true'}
)",
                                     out)
                           .value();
    host.start(request);
    return QCoreApplication::exec();
}

RunInfo runInfo(const QString& id)
{
    RunInfo info;
    info.runId = id;
    info.pipeline = QStringLiteral("build");
    info.runDir = QStringLiteral("runs/") + id;
    info.startedAt = QDateTime::currentDateTimeUtc();
    info.steps = {QStringLiteral("a"), QStringLiteral("b")};
    info.stages = {QStringLiteral("build"), QStringLiteral("test")};
    return info;
}

} // namespace

class TestHistoryStore : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void migratesFromEmptyFileWithWal()
    {
        QTemporaryDir dir;
        HistoryStore store(dir.path());
        const auto opened = store.open();
        QVERIFY2(opened.ok(), qPrintable(opened.ok() ? QString() : opened.error().toString()));
        QCOMPARE(opened.value(), 0);
        QCOMPARE(store.schemaVersion(), HistoryStore::kSchemaVersion);
        QCOMPARE(store.journalMode(), QStringLiteral("wal"));
        // Reopening an up-to-date file changes nothing.
        HistoryStore again(dir.path());
        QVERIFY(again.open().ok());
        QCOMPARE(again.schemaVersion(), HistoryStore::kSchemaVersion);
    }

    void migratesFromVersionOne()
    {
        QTemporaryDir dir;
        {
            QSqlDatabase db =
                QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), QStringLiteral("v1"));
            db.setDatabaseName(dir.filePath(QStringLiteral("history.sqlite")));
            QVERIFY(db.open());
            QSqlQuery query(db);
            QVERIFY(query.exec(QStringLiteral(
                "CREATE TABLE runs (id TEXT PRIMARY KEY, pipeline TEXT NOT NULL,"
                " pipeline_file TEXT NOT NULL DEFAULT '', workspace TEXT NOT NULL"
                " DEFAULT '', run_dir TEXT NOT NULL DEFAULT '', status TEXT NOT NULL,"
                " started_at INTEGER NOT NULL, finished_at INTEGER, duration_ms"
                " INTEGER, owner TEXT NOT NULL DEFAULT '')")));
            QVERIFY(query.exec(
                QStringLiteral("CREATE TABLE steps (run_id TEXT, name TEXT, position INTEGER,"
                               " stage TEXT, status TEXT, attempt INTEGER, exit_code INTEGER,"
                               " started_at INTEGER, finished_at INTEGER, duration_ms INTEGER,"
                               " log_path TEXT, message TEXT, PRIMARY KEY (run_id, name))")));
            QVERIFY(query.exec(
                QStringLiteral("CREATE TABLE artifacts (id INTEGER PRIMARY KEY, run_id TEXT, step"
                               " TEXT, path TEXT, size_bytes INTEGER)")));
            QVERIFY(query.exec(
                QStringLiteral("CREATE TABLE transitions (id INTEGER PRIMARY KEY, entity_type TEXT,"
                               " entity_id TEXT, status TEXT, at INTEGER, detail TEXT)")));
            QVERIFY(query.exec(
                QStringLiteral("INSERT INTO runs(id, pipeline, status, started_at, owner)"
                               " VALUES ('old', 'build', 'succeeded', 1, '')")));
            QVERIFY(query.exec(QStringLiteral("PRAGMA user_version = 1")));
            db.close();
        }
        QSqlDatabase::removeDatabase(QStringLiteral("v1"));
        HistoryStore store(dir.path());
        QVERIFY(store.open().ok());
        QCOMPARE(store.schemaVersion(), HistoryStore::kSchemaVersion);
        QCOMPARE(store.run(QStringLiteral("old"))->status, RunStatus::Succeeded);
        QSqlQuery indexes(
            QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), QStringLiteral("check")));
        QSqlDatabase::removeDatabase(QStringLiteral("check"));
    }

    void recordsAndQueries()
    {
        QTemporaryDir dir;
        HistoryStore store(dir.path());
        QVERIFY(store.open().ok());
        QVERIFY(store.recordRunStarted(runInfo(QStringLiteral("r1"))));
        StepEvent step;
        step.runId = QStringLiteral("r1");
        step.step = QStringLiteral("a");
        step.attempt = 1;
        step.startedAt = QDateTime::currentDateTimeUtc();
        step.logPath = QStringLiteral("runs/r1/a.log");
        QVERIFY(store.recordStepStarted(step));
        step.status = RunStatus::Failed;
        step.exitCode = 2;
        step.durationMs = 42;
        step.finishedAt = QDateTime::currentDateTimeUtc();
        step.message = QStringLiteral("exited with code 2");
        QVERIFY(store.recordStepFinished(step));
        QVERIFY(store.recordRunFinished(
            {QStringLiteral("r1"), RunStatus::Failed, QDateTime::currentDateTimeUtc(), 50}));
        QVERIFY(store.recordRunStarted(runInfo(QStringLiteral("r2"))));

        const auto steps = store.steps(QStringLiteral("r1"));
        QCOMPARE(steps.size(), 2);
        QCOMPARE(steps[0].status, RunStatus::Failed);
        QCOMPARE(steps[0].exitCode, 2);
        QCOMPARE(steps[0].durationMs, 42);
        QCOMPARE(steps[0].stage, QStringLiteral("build"));
        QCOMPARE(steps[1].status, RunStatus::Queued);
        QVERIFY(!steps[1].exitCode);
        QCOMPARE(store.runs().size(), 2);
        RunFilter failed;
        failed.status = RunStatus::Failed;
        QCOMPARE(store.runs(failed).size(), 1);
        QCOMPARE(store.run(QStringLiteral("r1"))->durationMs, 50);
        const auto transitions = store.transitions(QStringLiteral("step"), QStringLiteral("r1/a"));
        QCOMPARE(transitions.size(), 2);
        QCOMPARE(transitions[0].status, QStringLiteral("running"));
        QCOMPARE(transitions[1].status, QStringLiteral("failed"));
        // r2 belongs to this live process: a second open must not touch it.
        HistoryStore second(dir.path());
        QCOMPARE(second.open().value(), 0);
        QCOMPARE(second.run(QStringLiteral("r2"))->status, RunStatus::Running);
    }

    void killedConsoleLeavesInterruptedRun()
    {
        QTemporaryDir dir;
        const QString runId =
            QStringLiteral("crash-") + QString::number(QCoreApplication::applicationPid());
        QProcess child;
        child.setProgram(QCoreApplication::applicationFilePath());
        child.setArguments({QLatin1String(kCrashArgument), dir.path(), runId});
        child.start();
        QVERIFY(child.waitForStarted());
        const QString log = dir.filePath(QStringLiteral("runs/%1/chatty.log").arg(runId));
        QTRY_VERIFY_WITH_TIMEOUT(QFileInfo(log).size() > 2000, 20'000);
        ::kill(static_cast<pid_t>(child.processId()), SIGKILL);
        QVERIFY(child.waitForFinished());
        // The next console marks the run interrupted and ends what its steps left running.
        const QByteArray marker = QByteArray("LAUNCHDECK_RUN_ID=") + runId.toUtf8();
        // It ignores SIGPIPE, so it outlives the console that read its output.
        QVERIFY(!processtree::processesWithEnvironment(marker).isEmpty());
        HistoryStore store(dir.path());
        const auto opened = openHistoryAndRecover(store);
        QVERIFY(opened.ok());
        QCOMPARE(opened.value(), 1);
        QCOMPARE(store.interruptedRuns(), QStringList{runId});
        QTRY_VERIFY(processtree::processesWithEnvironment(marker).isEmpty());
        const auto run = store.run(runId);
        QVERIFY(run);
        QCOMPARE(run->status, RunStatus::Interrupted);
        const auto steps = store.steps(runId);
        QCOMPARE(steps.size(), 2);
        QCOMPARE(steps[0].status, RunStatus::Interrupted);
        QCOMPARE(steps[1].status, RunStatus::Interrupted);
        QCOMPARE(steps[0].logPath, log);
        // The log holds every line up to the kill, in order, with no gap.
        QFile file(log);
        QVERIFY(file.open(QIODevice::ReadOnly));
        const QList<QByteArray> lines = file.readAll().split('\n');
        QVERIFY(lines.size() > 100);
        for (int i = 0; i < lines.size() - 1; ++i)
            QCOMPARE(lines[i], QByteArray("line ") + QByteArray::number(i + 1));
        QCOMPARE(store.transitions(QStringLiteral("run"), runId).last().status,
                 QStringLiteral("interrupted"));
    }
};

int main(int argc, char** argv)
{
    if (argc == 4 && qstrcmp(argv[1], kCrashArgument) == 0) {
        QCoreApplication app(argc, argv);
        return runUntilKilled(QString::fromLocal8Bit(argv[2]), QString::fromLocal8Bit(argv[3]));
    }
    QCoreApplication app(argc, argv);
    TestHistoryStore test;
    return QTest::qExec(&test, argc, argv);
}

#include "tst_historystore.moc"
