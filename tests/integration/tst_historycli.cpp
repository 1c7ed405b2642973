// `launchdeck history` as CI runs it: the ledger as JSON and text, filters, and --verify on an
// intact and a tampered database, against the built binary with its own data folder.
#include "deploy/deploymentledger.h"
#include "fakes/cliprocess.h"
#include "store/historystore.h"

#include <QDir>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QSqlDatabase>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QTest>

using namespace launchdeck;

namespace {

using test::CliRun;
using Run = test::CliRun;

CliRun launchdeckIn(const QString& dataHome, const QStringList& arguments)
{
    return test::runCli(QStringLiteral(LAUNCHDECK_BINARY), arguments, {}, dataHome);
}

QString dataDirOf(const QString& dataHome)
{
    return test::cliDataDir(dataHome);
}

// Three deployments of web to production and one of api to staging, ended an hour ago at most.
void recordHistory(const QString& dataDir)
{
    HistoryStore store(dataDir);
    QVERIFY(store.open().ok());
    DeploymentLedger ledger(store);
    const QDateTime now = QDateTime::currentDateTimeUtc();
    const auto add = [&](const QString& app, const QString& env, DeploymentKind kind, int from,
                         int to, int minutesAgo, int seconds, DeploymentStatus status) {
        DeploymentStart s;
        s.application = app;
        s.environment = env;
        s.kind = kind;
        if (from > 0)
            s.from = Revision{from, QStringLiteral("shop/%1:1.%2").arg(app).arg(from)};
        s.to = Revision{to, QStringLiteral("shop/%1:1.%2").arg(app).arg(to)};
        s.strategy = QStringLiteral("blue-green");
        s.reason =
            kind == DeploymentKind::Rollback ? QStringLiteral("5xx after release") : QString();
        s.who = QStringLiteral("alice");
        s.startedAt = now.addSecs(-60 * minutesAgo);
        const auto id = ledger.begin(s);
        QVERIFY(id.ok());
        QVERIFY(ledger.recordTransition(id.value(), DeploymentStage::Deploying,
                                        s.startedAt.addSecs(1)));
        QVERIFY(ledger.finish(id.value(), status, s.startedAt.addSecs(seconds)));
    };
    add(QStringLiteral("web"), QStringLiteral("production"), DeploymentKind::Deploy, 0, 1, 60, 40,
        DeploymentStatus::Completed);
    add(QStringLiteral("web"), QStringLiteral("production"), DeploymentKind::Deploy, 1, 2, 40, 80,
        DeploymentStatus::Completed);
    add(QStringLiteral("web"), QStringLiteral("production"), DeploymentKind::Rollback, 2, 1, 20, 30,
        DeploymentStatus::Completed);
    add(QStringLiteral("api"), QStringLiteral("staging"), DeploymentKind::Deploy, 0, 1, 10, 50,
        DeploymentStatus::Failed);
}

} // namespace

class TestHistoryCli final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void emptyHistory()
    {
        QTemporaryDir home;
        const Run run = launchdeckIn(home.path(), {QStringLiteral("history")});
        QCOMPARE(run.exitCode, 0);
        QCOMPARE(run.out, QStringLiteral("no deployments recorded\n"));
        const Run verify =
            launchdeckIn(home.path(), {QStringLiteral("history"), QStringLiteral("--verify")});
        QCOMPARE(verify.exitCode, 0);
        QCOMPARE(verify.out, QStringLiteral("audit chain intact (0 rows)\nledger matches the "
                                            "audit chain (0 deployments, 0 transitions, 0 "
                                            "validation results, 0 test results, 0 revision "
                                            "configurations)\n"));
    }

    void badUsage()
    {
        QTemporaryDir home;
        QCOMPARE(launchdeckIn(home.path(), {QStringLiteral("history"), QStringLiteral("--since")})
                     .exitCode,
                 2);
        QCOMPARE(launchdeckIn(home.path(), {QStringLiteral("history"), QStringLiteral("--env")})
                     .exitCode,
                 2);
        QCOMPARE(launchdeckIn(home.path(),
                              {QStringLiteral("history"), QStringLiteral("a"), QStringLiteral("b")})
                     .exitCode,
                 2);
    }

    void jsonNewestFirstWithMetrics()
    {
        QTemporaryDir home;
        recordHistory(dataDirOf(home.path()));
        const Run run =
            launchdeckIn(home.path(), {QStringLiteral("history"), QStringLiteral("--json")});
        QCOMPARE(run.exitCode, 0);
        const QJsonObject object = QJsonDocument::fromJson(run.out.toUtf8()).object();
        const QJsonArray deployments = object.value(QStringLiteral("deployments")).toArray();
        QCOMPARE(deployments.size(), 4);
        const QJsonObject newest = deployments[0].toObject();
        QCOMPARE(newest.value(QStringLiteral("application")).toString(), QStringLiteral("api"));
        QCOMPARE(newest.value(QStringLiteral("status")).toString(), QStringLiteral("FAILED"));
        QVERIFY(newest.value(QStringLiteral("from")).isNull());
        const QJsonObject rollback = deployments[1].toObject();
        QCOMPARE(rollback.value(QStringLiteral("kind")).toString(), QStringLiteral("rollback"));
        QCOMPARE(rollback.value(QStringLiteral("reason")).toString(),
                 QStringLiteral("5xx after release"));
        QCOMPARE(rollback.value(QStringLiteral("from")).toObject().value(QStringLiteral("image")),
                 QJsonValue(QStringLiteral("shop/web:1.2")));
        QCOMPARE(rollback.value(QStringLiteral("to")).toObject().value(QStringLiteral("revision")),
                 QJsonValue(1));
        QCOMPARE(rollback.value(QStringLiteral("who")).toString(), QStringLiteral("alice"));
        QCOMPARE(rollback.value(QStringLiteral("duration_ms")).toInteger(), 30'000);

        const QJsonArray metrics = object.value(QStringLiteral("metrics")).toArray();
        QCOMPARE(metrics.size(), 2);
        const QJsonObject web = metrics[1].toObject();
        QCOMPARE(web.value(QStringLiteral("application")).toString(), QStringLiteral("web"));
        QCOMPARE(web.value(QStringLiteral("total")).toInt(), 3);
        QCOMPARE(web.value(QStringLiteral("success_rate")).toDouble(), 1.0);
        QCOMPARE(web.value(QStringLiteral("mean_duration_ms")).toInteger(), 50'000);
        QCOMPARE(web.value(QStringLiteral("p95_duration_ms")).toInteger(), 80'000);
        // The second deploy was rolled back: one of two deploys failed as a change.
        QCOMPARE(web.value(QStringLiteral("change_failure_rate")).toDouble(), 0.5);
        QCOMPARE(web.value(QStringLiteral("deployments_per_day")).toDouble(), 2.0 / 30.0);
        const QJsonObject api = metrics[0].toObject();
        QCOMPARE(api.value(QStringLiteral("success_rate")).toDouble(), 0.0);
        QVERIFY(api.value(QStringLiteral("mean_time_to_restore_ms")).isNull());

        const Run filtered = launchdeckIn(
            home.path(), {QStringLiteral("history"), QStringLiteral("web"), QStringLiteral("--env"),
                          QStringLiteral("production"), QStringLiteral("--json")});
        QCOMPARE(filtered.exitCode, 0);
        const QJsonObject only = QJsonDocument::fromJson(filtered.out.toUtf8()).object();
        QCOMPARE(only.value(QStringLiteral("deployments")).toArray().size(), 3);
        QCOMPARE(only.value(QStringLiteral("metrics")).toArray().size(), 1);
    }

    void textTable()
    {
        QTemporaryDir home;
        recordHistory(dataDirOf(home.path()));
        const Run run = launchdeckIn(home.path(), {QStringLiteral("history"), QStringLiteral("web"),
                                                   QStringLiteral("--env=production")});
        QCOMPARE(run.exitCode, 0);
        const QStringList lines = run.out.split(u'\n');
        QVERIFY2(lines.size() > 7, qPrintable(run.out));
        QVERIFY(lines[0].startsWith(QStringLiteral("WHEN")));
        QVERIFY2(lines[1].contains(QStringLiteral("rollback")) &&
                     lines[1].contains(QStringLiteral("r2 shop/web:1.2 → r1 shop/web:1.1")) &&
                     lines[1].contains(QStringLiteral("30.0s")) &&
                     lines[1].contains(QStringLiteral("alice")),
                 qPrintable(lines[1]));
        QVERIFY(lines[3].contains(QStringLiteral("(none) → r1 shop/web:1.1")));
        QVERIFY(!run.out.contains(QStringLiteral("api")));
        QVERIFY(run.out.contains(QStringLiteral("Metrics over the last 30 days")));
        QVERIFY2(run.out.contains(QStringLiteral("100.0%")) &&
                     run.out.contains(QStringLiteral("50.0%")),
                 qPrintable(run.out));
    }

    void verifyIntactThenTampered()
    {
        QTemporaryDir home;
        const QString dataDir = dataDirOf(home.path());
        recordHistory(dataDir);
        const QStringList verify{QStringLiteral("history"), QStringLiteral("--verify")};
        const Run intact = launchdeckIn(home.path(), verify);
        QCOMPARE(intact.exitCode, 0);
        QVERIFY2(intact.out.startsWith(QStringLiteral("audit chain intact (12 rows)\nledger "
                                                      "matches the audit chain (4 deployments, 8 "
                                                      "transitions")),
                 qPrintable(intact.out));

        {
            QSqlDatabase db =
                QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), QStringLiteral("tamper"));
            db.setDatabaseName(QDir(dataDir).filePath(QStringLiteral("history.sqlite")));
            QVERIFY(db.open());
            QSqlQuery query(db);
            QVERIFY(query.exec(QStringLiteral(
                "UPDATE audit_log SET details = replace(details, '5xx after release', "
                "'routine') WHERE sequence = 7")));
            QCOMPARE(query.numRowsAffected(), 1);
        }
        QSqlDatabase::removeDatabase(QStringLiteral("tamper"));
        const Run tampered = launchdeckIn(home.path(), verify);
        QCOMPARE(tampered.exitCode, 1);
        QVERIFY2(tampered.out.startsWith(QStringLiteral("audit chain broken at row 7: its content "
                                                        "was changed")),
                 qPrintable(tampered.out));

        const Run json = launchdeckIn(home.path(), verify + QStringList{QStringLiteral("--json")});
        QCOMPARE(json.exitCode, 1);
        const QJsonObject object = QJsonDocument::fromJson(json.out.toUtf8()).object();
        QCOMPARE(object.value(QStringLiteral("intact")).toBool(), false);
        QCOMPARE(object.value(QStringLiteral("rows")).toInt(), 12);
        QCOMPARE(object.value(QStringLiteral("broken_row")).toInt(), 7);
    }

    // A rollback rewritten as a success in the table alone: the chain is intact, the ledger is
    // not, and the deployment and column are named.
    void verifyRowChangedOutsideTheLedger()
    {
        QTemporaryDir home;
        const QString dataDir = dataDirOf(home.path());
        recordHistory(dataDir);
        QString id;
        {
            HistoryStore store(dataDir);
            QVERIFY(store.open().ok());
            DeploymentLedger ledger(store);
            DeploymentStart s;
            s.application = QStringLiteral("web");
            s.environment = QStringLiteral("production");
            s.from = Revision{1, QStringLiteral("shop/web:1.1")};
            s.to = Revision{3, QStringLiteral("shop/web:1.3")};
            s.who = QStringLiteral("alice");
            const auto begun = ledger.begin(s);
            QVERIFY(begun.ok());
            id = begun.value();
            QVERIFY(ledger.finish(id, DeploymentStatus::RolledBack, {},
                                  QStringLiteral("error rate 12% over 5%")));
        }
        const QStringList verify{QStringLiteral("history"), QStringLiteral("--verify")};
        QCOMPARE(launchdeckIn(home.path(), verify).exitCode, 0);
        const Run before =
            launchdeckIn(home.path(), {QStringLiteral("history"), QStringLiteral("--json")});
        const QJsonObject beforeObject = QJsonDocument::fromJson(before.out.toUtf8()).object();

        {
            QSqlDatabase db =
                QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), QStringLiteral("tamper"));
            db.setDatabaseName(QDir(dataDir).filePath(QStringLiteral("history.sqlite")));
            QVERIFY(db.open());
            QSqlQuery query(db);
            QVERIFY(query.exec(
                QStringLiteral("UPDATE deployments SET status = 'COMPLETED' WHERE id = '%1'")
                    .arg(id)));
            QCOMPARE(query.numRowsAffected(), 1);
        }
        QSqlDatabase::removeDatabase(QStringLiteral("tamper"));
        // What the user saw: history prints the changed row and the metrics move.
        const Run after =
            launchdeckIn(home.path(), {QStringLiteral("history"), QStringLiteral("--json")});
        const QJsonObject afterObject = QJsonDocument::fromJson(after.out.toUtf8()).object();
        QCOMPARE(afterObject.value(QStringLiteral("deployments"))[0][QStringLiteral("status")],
                 QJsonValue(QStringLiteral("COMPLETED")));
        QVERIFY(afterObject.value(QStringLiteral("metrics")) !=
                beforeObject.value(QStringLiteral("metrics")));

        const Run tampered = launchdeckIn(home.path(), verify);
        QCOMPARE(tampered.exitCode, 1);
        QVERIFY2(tampered.out.contains(QStringLiteral("deployment %1: column status is "
                                                      "ROLLED_BACK in the audit log but COMPLETED "
                                                      "in the table")
                                           .arg(id)),
                 qPrintable(tampered.out));

        const Run json = launchdeckIn(home.path(), verify + QStringList{QStringLiteral("--json")});
        QCOMPARE(json.exitCode, 1);
        const QJsonObject object = QJsonDocument::fromJson(json.out.toUtf8()).object();
        QCOMPARE(object.value(QStringLiteral("intact")).toBool(), false);
        QCOMPARE(object.value(QStringLiteral("chain_intact")).toBool(), true);
        const QJsonArray discrepancies = object.value(QStringLiteral("discrepancies")).toArray();
        QCOMPARE(discrepancies.size(), 1);
        const QJsonObject discrepancy = discrepancies[0].toObject();
        QCOMPARE(discrepancy.value(QStringLiteral("deployment")).toString(), id);
        QCOMPARE(discrepancy.value(QStringLiteral("column")).toString(), QStringLiteral("status"));
        QCOMPARE(discrepancy.value(QStringLiteral("audit_log_value")).toString(),
                 QStringLiteral("ROLLED_BACK"));
        QCOMPARE(discrepancy.value(QStringLiteral("table_value")).toString(),
                 QStringLiteral("COMPLETED"));
    }
};

QTEST_GUILESS_MAIN(TestHistoryCli)
#include "tst_historycli.moc"
