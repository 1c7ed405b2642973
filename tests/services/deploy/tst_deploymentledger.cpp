// The deployment ledger: round trip, stage order, metrics on a constructed history, the audit
// chain against plain-SQL tampering, several writer threads, and the migration from schema 2.
#include "deploy/deploymentledger.h"
#include "store/historyschema.h"
#include "store/historystore.h"

#include <QSqlDatabase>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QThread>
#include <QtTest>

#include <atomic>

using namespace launchdeck;

namespace {

const QDateTime kT0 = QDateTime(QDate(2026, 3, 2), QTime(9, 0), Qt::UTC);

QDateTime at(int day, int seconds = 0)
{
    return kT0.addDays(day).addSecs(seconds);
}

DeploymentStart start(const QString& app, const QString& env, DeploymentKind kind,
                      const QDateTime& when, int toRevision = 2)
{
    DeploymentStart s;
    s.application = app;
    s.environment = env;
    s.kind = kind;
    s.from = Revision{toRevision - 1, QStringLiteral("shop/%1:%2").arg(app).arg(toRevision - 1)};
    s.to = Revision{toRevision, QStringLiteral("shop/%1:%2").arg(app).arg(toRevision)};
    s.strategy = QStringLiteral("blue-green");
    s.reason =
        kind == DeploymentKind::Rollback ? QStringLiteral("errors after release") : QString();
    s.who = QStringLiteral("alice");
    s.startedAt = when;
    return s;
}

// A finished deployment: begun at `when`, ended `seconds` later with `status`.
QString recordFinished(DeploymentLedger& ledger, const QString& app, const QString& env,
                       DeploymentKind kind, const QDateTime& when, int seconds,
                       DeploymentStatus status)
{
    const auto id = ledger.begin(start(app, env, kind, when));
    if (!id)
        return {};
    ledger.finish(id.value(), status, when.addSecs(seconds));
    return id.value();
}

// Plain SQL on the database file, as someone with the file and sqlite3 would tamper with it.
class RawDatabase final
{
public:
    explicit RawDatabase(const QString& path)
        : m_name(QStringLiteral("raw-") + QString::number(++s_serial))
    {
        QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), m_name);
        db.setDatabaseName(path);
        db.open();
    }
    ~RawDatabase() { QSqlDatabase::removeDatabase(m_name); }
    Q_DISABLE_COPY_MOVE(RawDatabase)

    bool exec(const QString& statement)
    {
        QSqlQuery query(QSqlDatabase::database(m_name));
        return query.exec(statement);
    }
    QVariant value(const QString& statement)
    {
        QSqlQuery query(QSqlDatabase::database(m_name));
        return query.exec(statement) && query.next() ? query.value(0) : QVariant();
    }

private:
    static inline int s_serial = 0;
    QString m_name;
};

} // namespace

class TestDeploymentLedger final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void roundTrip()
    {
        QTemporaryDir dir;
        HistoryStore store(dir.path());
        QVERIFY(store.open().ok());
        QCOMPARE(store.schemaVersion(), HistoryStore::kSchemaVersion);
        DeploymentLedger ledger(store);

        DeploymentStart s = start(QStringLiteral("web"), QStringLiteral("production"),
                                  DeploymentKind::Rollback, at(0), 7);
        s.id = QStringLiteral("5b0c8f0e-0000-4000-8000-000000000001");
        const auto id = ledger.begin(s);
        QVERIFY2(id.ok(), qPrintable(ledger.lastError()));
        QCOMPARE(id.value(), s.id);
        QVERIFY(ledger.recordValidation(s.id,
                                        {Severity::High, QStringLiteral("latest-tag"),
                                         QStringLiteral("the image has no fixed tag"), at(0, 2)}));
        QVERIFY(ledger.recordTest(s.id, {QStringLiteral("smoke"), true,
                                         QJsonObject{{QStringLiteral("p95_ms"), 41},
                                                     {QStringLiteral("success_rate"), 1.0}},
                                         at(0, 5)}));
        QVERIFY(ledger.finish(s.id, DeploymentStatus::Completed, at(0, 75), QStringLiteral("ok")));

        const auto record = ledger.get(s.id);
        QVERIFY(record);
        QCOMPARE(record->application, QStringLiteral("web"));
        QCOMPARE(record->environment, QStringLiteral("production"));
        QCOMPARE(record->kind, DeploymentKind::Rollback);
        QCOMPARE(record->from, (Revision{6, QStringLiteral("shop/web:6")}));
        QCOMPARE(record->to, (Revision{7, QStringLiteral("shop/web:7")}));
        QCOMPARE(record->strategy, QStringLiteral("blue-green"));
        QCOMPARE(record->reason, QStringLiteral("errors after release"));
        QCOMPARE(record->who, QStringLiteral("alice"));
        QCOMPARE(record->status, DeploymentStatus::Completed);
        QCOMPARE(record->startedAt, at(0));
        QCOMPARE(record->finishedAt, at(0, 75));
        QCOMPARE(record->durationMs, 75'000);
        QCOMPARE(record->message, QStringLiteral("ok"));
        QCOMPARE(record->validations.size(), 1);
        QCOMPARE(record->validations[0].severity, Severity::High);
        QCOMPARE(record->validations[0].rule, QStringLiteral("latest-tag"));
        QCOMPARE(record->validations[0].at, at(0, 2));
        QCOMPARE(record->tests.size(), 1);
        QCOMPARE(record->tests[0].name, QStringLiteral("smoke"));
        QVERIFY(record->tests[0].passed);
        QCOMPARE(record->tests[0].metrics.value(QStringLiteral("p95_ms")).toInt(), 41);

        // A first deployment has no origin; the OS user stands in for an empty "who".
        DeploymentStart first = start(QStringLiteral("api"), QStringLiteral("staging"),
                                      DeploymentKind::Deploy, at(1), 1);
        first.from.reset();
        first.who.clear();
        const auto firstId = ledger.begin(first);
        QVERIFY(firstId.ok());
        const auto firstRecord = ledger.get(firstId.value());
        QVERIFY(firstRecord && !firstRecord->from && !firstRecord->status);
        QCOMPARE(firstRecord->who, currentOsUser());
        QVERIFY(!firstRecord->who.isEmpty());

        const QList<DeploymentRecord> all = ledger.list();
        QCOMPARE(all.size(), 2);
        QCOMPARE(all[0].id, firstId.value()); // newest first
        DeploymentFilter filter;
        filter.application = QStringLiteral("web");
        QCOMPARE(ledger.list(filter).size(), 1);
        filter.environment = QStringLiteral("staging");
        QCOMPARE(ledger.list(filter).size(), 0);
        DeploymentFilter running;
        running.unfinishedOnly = true;
        QCOMPARE(ledger.list(running).size(), 1);
        QCOMPARE(ledger.list(running)[0].id, firstId.value());

        QVERIFY(!ledger.get(QStringLiteral("no-such-id")));
        QVERIFY(!ledger.recordTransition(QStringLiteral("no-such-id"), DeploymentStage::Testing));
        QVERIFY(ledger.lastError().contains(QStringLiteral("no-such-id")));
    }

    void transitionsInOrder()
    {
        QTemporaryDir dir;
        HistoryStore store(dir.path());
        QVERIFY(store.open().ok());
        DeploymentLedger ledger(store);
        const auto id = ledger.begin(
            start(QStringLiteral("web"), QStringLiteral("staging"), DeploymentKind::Deploy, at(0)));
        QVERIFY(id.ok());
        const QList<DeploymentStage> stages{
            DeploymentStage::Validating, DeploymentStage::Testing, DeploymentStage::Deploying,
            DeploymentStage::Monitoring, DeploymentStage::Failed,  DeploymentStage::RollingBack,
            DeploymentStage::RolledBack};
        for (int i = 0; i < stages.size(); ++i)
            QVERIFY(ledger.recordTransition(id.value(), stages[i], at(0, 10 * (i + 1)),
                                            QStringLiteral("step %1").arg(i)));
        QCOMPARE(ledger.get(id.value())->stage, DeploymentStage::RolledBack);
        QVERIFY(ledger.finish(id.value(), DeploymentStatus::RolledBack, at(0, 80),
                              QStringLiteral("health check failed 3 times")));
        // A finished deployment takes no more writes.
        QVERIFY(!ledger.recordTransition(id.value(), DeploymentStage::Completed));
        QVERIFY(ledger.lastError().contains(QStringLiteral("already finished")));
        QVERIFY(!ledger.finish(id.value(), DeploymentStatus::Completed));

        const auto record = ledger.get(id.value());
        QCOMPARE(record->transitions.size(), stages.size() + 1);
        QCOMPARE(record->transitions[0].stage, DeploymentStage::Initialized);
        QCOMPARE(record->transitions[0].at, at(0));
        for (int i = 0; i < stages.size(); ++i) {
            QCOMPARE(record->transitions[i + 1].stage, stages[i]);
            QCOMPARE(record->transitions[i + 1].at, at(0, 10 * (i + 1)));
            QCOMPARE(record->transitions[i + 1].detail, QStringLiteral("step %1").arg(i));
        }
        QCOMPARE(record->status, DeploymentStatus::RolledBack);
        QCOMPARE(record->message, QStringLiteral("health check failed 3 times"));
        // Each write left one audit row: begin, 7 stages, finish.
        QCOMPARE(ledger.auditEntries().size(), 9);
        QCOMPARE(ledger.auditEntries().last().action, QStringLiteral("deployment.finished"));
        QCOMPARE(ledger.auditEntries().last().actor, QStringLiteral("alice"));
        QVERIFY(ledger.verifyAudit().intact());
    }

    void latestRevision()
    {
        QTemporaryDir dir;
        HistoryStore store(dir.path());
        QVERIFY(store.open().ok());
        DeploymentLedger ledger(store);
        const QString web = QStringLiteral("web");
        const QString prod = QStringLiteral("production");
        QVERIFY(!ledger.latestRevision(web, prod));
        QCOMPARE(ledger.nextRevisionNumber(web, prod), 1);
        auto id = ledger.begin(start(web, prod, DeploymentKind::Deploy, at(0), 4));
        ledger.finish(id.value(), DeploymentStatus::Completed, at(0, 30));
        QCOMPARE(ledger.latestRevision(web, prod), (Revision{4, QStringLiteral("shop/web:4")}));
        // A rolled-back deployment leaves its origin live; a failed one says nothing.
        id = ledger.begin(start(web, prod, DeploymentKind::Deploy, at(1), 5));
        ledger.finish(id.value(), DeploymentStatus::RolledBack, at(1, 30));
        QCOMPARE(ledger.latestRevision(web, prod)->number, 4);
        id = ledger.begin(start(web, prod, DeploymentKind::Deploy, at(2), 6));
        ledger.finish(id.value(), DeploymentStatus::Failed, at(2, 30));
        QCOMPARE(ledger.latestRevision(web, prod)->number, 4);
        QCOMPARE(ledger.nextRevisionNumber(web, prod), 7);
        QVERIFY(!ledger.latestRevision(web, QStringLiteral("staging")));
    }

    void metricsOnAConstructedHistory()
    {
        QTemporaryDir dir;
        HistoryStore store(dir.path());
        QVERIFY(store.open().ok());
        DeploymentLedger ledger(store);
        const QString web = QStringLiteral("web");
        const QString prod = QStringLiteral("production");
        const auto deploy = DeploymentKind::Deploy;
        using S = DeploymentStatus;
        recordFinished(ledger, web, prod, deploy, at(0), 60, S::Completed);
        recordFinished(ledger, web, prod, deploy, at(1), 120, S::Failed);         // broken
        recordFinished(ledger, web, prod, deploy, at(1, 3600), 90, S::Completed); // restored
        recordFinished(ledger, web, prod, deploy, at(2), 30, S::Completed); // then rolled back
        recordFinished(ledger, web, prod, DeploymentKind::Rollback, at(2, 600), 20, S::Completed);
        recordFinished(ledger, web, prod, deploy, at(3), 300, S::RolledBack);  // broken
        recordFinished(ledger, web, prod, deploy, at(3, 7200), 40, S::Failed); // still broken
        recordFinished(ledger, web, prod, deploy, at(4), 50, S::Completed);    // restored
        QVERIFY(ledger.begin(start(web, prod, deploy, at(5))).ok());           // running: ignored
        recordFinished(ledger, web, prod, deploy, at(11), 10, S::Failed);      // outside the window
        recordFinished(ledger, web, QStringLiteral("staging"), deploy, at(0), 10, S::Completed);

        const QList<DeploymentMetrics> metrics = ledger.metrics(at(0), at(10));
        QCOMPARE(metrics.size(), 2);
        const DeploymentMetrics& m = metrics[0];
        QCOMPARE(m.application, web);
        QCOMPARE(m.environment, prod);
        QCOMPARE(m.windowDays, 10.0);
        QCOMPARE(m.total, 8);
        QCOMPARE(m.succeeded, 5);
        QCOMPARE(m.successRate, 0.625);
        QCOMPARE(m.meanDurationMs, 88'750); // 710 s over 8
        QCOMPARE(m.p95DurationMs, 300'000); // rank ceil(7.6) = 8 of 8
        QCOMPARE(m.deployments, 7);
        QCOMPARE(m.deploymentsPerDay, 0.7);
        QCOMPARE(m.changeFailureRate, 4.0 / 7.0); // failed, rolled back later, rolled back, failed
        QCOMPARE(m.restores, 2);
        // (3600 + 90 − 120) s and (86400 + 50 − 300) s, from the first failure of each run.
        QCOMPARE(m.meanTimeToRestoreMs, std::optional<qint64>((3'570'000 + 86'150'000) / 2));

        const DeploymentMetrics& staging = metrics[1];
        QCOMPARE(staging.environment, QStringLiteral("staging"));
        QCOMPARE(staging.total, 1);
        QCOMPARE(staging.successRate, 1.0);
        QCOMPARE(staging.meanDurationMs, 10'000);
        QCOMPARE(staging.p95DurationMs, 10'000);
        QCOMPARE(staging.deploymentsPerDay, 0.1);
        QCOMPARE(staging.changeFailureRate, 0.0);
        QVERIFY(!staging.meanTimeToRestoreMs);

        QCOMPARE(ledger.metrics(at(0), at(10), web, QStringLiteral("staging")).size(), 1);
        QVERIFY(ledger.metrics(at(20), at(30)).isEmpty());
    }

    void chainDetectsTampering_data()
    {
        QTest::addColumn<QString>("tamper");
        QTest::addColumn<int>("problem");
        QTest::addColumn<qint64>("row");
        QTest::addColumn<QString>("says");
        QTest::newRow("changed content")
            << QStringLiteral("UPDATE audit_log SET details = replace(details, 'blue-green', "
                              "'recreate') WHERE sequence = 1")
            << int(AuditProblem::ContentChanged) << qint64(1) << QStringLiteral("content");
        QTest::newRow("changed actor")
            << QStringLiteral("UPDATE audit_log SET actor = 'mallory' WHERE sequence = 5")
            << int(AuditProblem::ContentChanged) << qint64(5) << QStringLiteral("content");
        QTest::newRow("deleted row")
            << QStringLiteral("DELETE FROM audit_log WHERE sequence = 3")
            << int(AuditProblem::RowMissing) << qint64(3) << QStringLiteral("deleted");
        QTest::newRow("deleted first row")
            << QStringLiteral("DELETE FROM audit_log WHERE sequence = 1")
            << int(AuditProblem::RowMissing) << qint64(1) << QStringLiteral("deleted");
        QTest::newRow("deleted newest row")
            << QStringLiteral("DELETE FROM audit_log WHERE sequence = 6")
            << int(AuditProblem::RowMissing) << qint64(6) << QStringLiteral("newest");
        QTest::newRow("changed hash")
            << QStringLiteral("UPDATE audit_log SET hash = '%1' WHERE sequence = 4")
                   .arg(QString(64, u'a'))
            << int(AuditProblem::HashChanged) << qint64(4) << QStringLiteral("hash");
        QTest::newRow("reordered")
            << QStringLiteral("UPDATE audit_log SET sequence = -2 WHERE sequence = 2; "
                              "UPDATE audit_log SET sequence = 2 WHERE sequence = 3; "
                              "UPDATE audit_log SET sequence = 3 WHERE sequence = -2")
            << int(AuditProblem::ChainBroken) << qint64(2) << QStringLiteral("reordered");
        QTest::newRow("rewritten with a fresh hash")
            << QStringLiteral("rewrite 2") << int(AuditProblem::ChainBroken) << qint64(3)
            << QStringLiteral("row 2");
    }

    void chainDetectsTampering()
    {
        QFETCH(QString, tamper);
        QFETCH(int, problem);
        QFETCH(qint64, row);
        QFETCH(QString, says);
        QTemporaryDir dir;
        HistoryStore store(dir.path());
        QVERIFY(store.open().ok());
        DeploymentLedger ledger(store);
        // Six audit rows: begin, a stage, finish; begin, a validation, finish.
        const auto a = ledger.begin(
            start(QStringLiteral("web"), QStringLiteral("prod"), DeploymentKind::Deploy, at(0)));
        ledger.recordTransition(a.value(), DeploymentStage::Validating, at(0, 1));
        ledger.finish(a.value(), DeploymentStatus::Completed, at(0, 9));
        const auto b = ledger.begin(
            start(QStringLiteral("api"), QStringLiteral("prod"), DeploymentKind::Deploy, at(1)));
        ledger.recordValidation(b.value(), {Severity::Critical, QStringLiteral("ports"),
                                            QStringLiteral("port 8080 is taken"), at(1, 1)});
        ledger.finish(b.value(), DeploymentStatus::Failed, at(1, 2));
        const AuditVerification before = ledger.verifyAudit();
        QVERIFY2(before.intact(), qPrintable(before.description));
        QCOMPARE(before.rows, 6);

        RawDatabase raw(store.databasePath());
        if (tamper.startsWith(u"rewrite")) {
            // A careful forger: new content and a hash that matches it, but row 3 still links
            // to the old hash.
            const AuditEntry entry = ledger.auditEntries(2, 1).constFirst();
            const QString details = QStringLiteral("{\"detail\":\"\",\"stage\":\"TESTING\"}");
            const QString hash = audit::chainHash(
                entry.prevHash,
                audit::canonicalContent(2, entry.at.toMSecsSinceEpoch(), entry.actor, entry.action,
                                        entry.subject, details));
            QVERIFY(raw.exec(QStringLiteral("UPDATE audit_log SET details = '%1', hash = '%2' "
                                            "WHERE sequence = 2")
                                 .arg(details, hash)));
        } else {
            for (const QString& statement : tamper.split(QStringLiteral("; ")))
                QVERIFY(raw.exec(statement));
        }
        const AuditVerification after = ledger.verifyAudit();
        QVERIFY(!after.intact());
        QCOMPARE(int(after.problem), problem);
        QCOMPARE(after.brokenSequence, row);
        QVERIFY2(after.description.contains(says), qPrintable(after.description));
    }

    void severalWriterThreads()
    {
        QTemporaryDir dir;
        HistoryStore store(dir.path());
        QVERIFY(store.open().ok());
        DeploymentLedger ledger(store);
        constexpr int kThreads = 4;
        constexpr int kEach = 15;
        QList<QThread*> threads;
        std::atomic<int> failures{0};
        for (int t = 0; t < kThreads; ++t) {
            threads.append(QThread::create([&ledger, &failures, t] {
                for (int i = 0; i < kEach; ++i) {
                    const auto id =
                        ledger.begin(start(QStringLiteral("app%1").arg(t), QStringLiteral("prod"),
                                           DeploymentKind::Deploy, at(0, i)));
                    if (!id || !ledger.recordTransition(id.value(), DeploymentStage::Deploying) ||
                        !ledger.finish(id.value(), DeploymentStatus::Completed))
                        ++failures;
                }
            }));
            threads.last()->start();
        }
        for (QThread* thread : std::as_const(threads)) {
            QVERIFY(thread->wait(60'000));
            delete thread;
        }
        QCOMPARE(failures.load(), 0);
        DeploymentFilter all;
        QCOMPARE(ledger.list(all).size(), kThreads * kEach);
        const AuditVerification check = ledger.verifyAudit();
        QVERIFY2(check.intact(), qPrintable(check.description));
        QCOMPARE(check.rows, kThreads * kEach * 3);
    }

    void migrationFromSchemaTwoKeepsRuns()
    {
        QTemporaryDir dir;
        const QString path = QDir(dir.path()).filePath(QStringLiteral("history.sqlite"));
        {
            // The database as the previous release left it: migrations 1 and 2 and one run.
            RawDatabase raw(path);
            for (int version = 0; version < 2; ++version) {
                for (const QString& statement : history_detail::migrations()[version])
                    QVERIFY(raw.exec(statement));
            }
            QVERIFY(raw.exec(QStringLiteral("PRAGMA user_version = 2")));
            QVERIFY(raw.exec(QStringLiteral(
                "INSERT INTO runs(id, pipeline, status, started_at, finished_at, duration_ms)"
                " VALUES ('run-1', 'build', 'succeeded', 1000, 4000, 3000)")));
            QVERIFY(raw.exec(QStringLiteral("INSERT INTO steps(run_id, name, position, status) "
                                            "VALUES ('run-1', 'compile', 0, 'succeeded')")));
        }
        HistoryStore store(dir.path());
        const auto opened = store.open();
        QVERIFY2(opened.ok(), qPrintable(opened ? QString() : opened.error().toString()));
        QCOMPARE(store.schemaVersion(), HistoryStore::kSchemaVersion);
        const auto run = store.run(QStringLiteral("run-1"));
        QVERIFY(run);
        QCOMPARE(run->pipeline, QStringLiteral("build"));
        QCOMPARE(run->status, RunStatus::Succeeded);
        QCOMPARE(run->durationMs, 3000);
        QCOMPARE(store.steps(QStringLiteral("run-1")).size(), 1);

        DeploymentLedger ledger(store);
        const auto id = ledger.begin(
            start(QStringLiteral("web"), QStringLiteral("prod"), DeploymentKind::Deploy, at(0)));
        QVERIFY2(id.ok(), qPrintable(ledger.lastError()));
        QVERIFY(ledger.finish(id.value(), DeploymentStatus::Completed, at(0, 5)));
        QCOMPARE(ledger.verifyAudit().rows, 2);
        // Opening again migrates nothing and keeps both.
        HistoryStore again(dir.path());
        QVERIFY(again.open().ok());
        QCOMPARE(again.schemaVersion(), HistoryStore::kSchemaVersion);
        QVERIFY(again.run(QStringLiteral("run-1")));
        QCOMPARE(DeploymentLedger(again).list().size(), 1);
    }

    void revisionConfigsAndLiveRevisions()
    {
        QTemporaryDir dir;
        HistoryStore store(dir.path());
        QVERIFY(store.open().ok());
        DeploymentLedger ledger(store);
        const QString web = QStringLiteral("web");
        const QString prod = QStringLiteral("prod");
        QVERIFY(!ledger.revisionConfig(web, prod, 1));

        const QJsonObject first{{QStringLiteral("image"), QStringLiteral("shop/web:1")}};
        const QJsonObject second{{QStringLiteral("image"), QStringLiteral("shop/web:2")}};
        QVERIFY(ledger.recordRevisionConfig(web, prod, {1, QStringLiteral("shop/web:1")}, first));
        QVERIFY(ledger.recordRevisionConfig(web, prod, {2, QStringLiteral("shop/web:2")}, second));
        QCOMPARE(ledger.revisionConfig(web, prod, 1).value(), first);
        QCOMPARE(ledger.revisionConfig(web, prod, 2).value(), second);
        QVERIFY(!ledger.revisionConfig(web, QStringLiteral("staging"), 1));
        // Writing a revision again replaces its configuration.
        QVERIFY(ledger.recordRevisionConfig(web, prod, {2, QStringLiteral("shop/web:2")}, first));
        QCOMPARE(ledger.revisionConfig(web, prod, 2).value(), first);

        // Live revisions: targets of completed deployments only, newest first, each once.
        const auto deploy = [&](int from, int to, int minute, DeploymentStatus status) {
            DeploymentStart s = start(web, prod, DeploymentKind::Deploy, at(minute));
            if (from > 0)
                s.from = Revision{from, QStringLiteral("shop/web:%1").arg(from)};
            s.to = Revision{to, QStringLiteral("shop/web:%1").arg(to)};
            const auto id = ledger.begin(s);
            QVERIFY(id.ok());
            QVERIFY(ledger.finish(id.value(), status, at(minute, 30)));
        };
        deploy(0, 1, 0, DeploymentStatus::Completed);
        deploy(1, 2, 1, DeploymentStatus::Completed);
        deploy(2, 3, 2, DeploymentStatus::RolledBack);
        deploy(2, 1, 3, DeploymentStatus::Completed);
        const QList<Revision> live = ledger.liveRevisions(web, prod);
        QCOMPARE(live.size(), 2);
        QCOMPARE(live.at(0).number, 1);
        QCOMPARE(live.at(1).number, 2);
        QCOMPARE(ledger.latestRevision(web, prod)->number, 1);
        QCOMPARE(ledger.nextRevisionNumber(web, prod), 4);
    }
};

QTEST_GUILESS_MAIN(TestDeploymentLedger)
#include "tst_deploymentledger.moc"
