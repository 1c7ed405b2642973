// The ledger's tables checked against the audit chain: every column `history` and the
// Deployments tab show, changed with plain SQL on the database file, is reported with its
// deployment and column; deleted rows and rows added without an audit row are reported too; a
// database from before revision configurations were audited still verifies.
#include "deploy/deploymentledger.h"
#include "store/historystore.h"

#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QtTest>

using namespace launchdeck;

namespace {

const QDateTime kT0 = QDateTime(QDate(2026, 3, 2), QTime(9, 0), Qt::UTC);
const QString kWeb = QStringLiteral("d-web-0001");
const QString kApi = QStringLiteral("d-api-0002");

QDateTime at(int seconds)
{
    return kT0.addSecs(seconds);
}

// Plain SQL on the database file, as someone with the file and sqlite3 would tamper with it.
// The rows it changed, or -1 with `error` set.
int exec(const QString& path, const QString& statement, QString* error)
{
    const QString name = QStringLiteral("raw");
    int rows = -1;
    {
        QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), name);
        db.setDatabaseName(path);
        QSqlQuery query(db);
        if (db.open() && query.exec(statement))
            rows = query.numRowsAffected();
        else
            *error = statement + QStringLiteral(": ") + query.lastError().text();
    }
    QSqlDatabase::removeDatabase(name);
    return rows;
}

bool tamper(const QString& path, const QString& statement, QString* error)
{
    const int rows = exec(path, statement, error);
    if (rows == 0)
        *error = statement + QStringLiteral(": changed no row");
    return rows > 0;
}

const QJsonObject kWebConfig{{QStringLiteral("image"), QStringLiteral("shop/web:1.1")},
                             {QStringLiteral("replicas"), 2}};

// A rolled-back deploy of web with every kind of row and a completed first deploy of api.
void recordDeployments(DeploymentLedger& ledger)
{
    DeploymentStart web;
    web.id = kWeb;
    web.application = QStringLiteral("web");
    web.environment = QStringLiteral("production");
    web.from = Revision{1, QStringLiteral("shop/web:1.0")};
    web.to = Revision{2, QStringLiteral("shop/web:1.1")};
    web.strategy = QStringLiteral("blue-green");
    web.reason = QStringLiteral("weekly release");
    web.who = QStringLiteral("alice");
    web.startedAt = at(0);
    QVERIFY(ledger.begin(web).ok());
    QVERIFY(ledger.recordTransition(kWeb, DeploymentStage::Validating, at(1),
                                    QStringLiteral("policy checks")));
    QVERIFY(ledger.recordValidation(kWeb, {Severity::High, QStringLiteral("latest-tag"),
                                           QStringLiteral("no fixed tag"), at(2)}));
    QVERIFY(ledger.recordTest(
        kWeb, {QStringLiteral("smoke"), true,
               QJsonObject{{QStringLiteral("p95_ms"), 41}, {QStringLiteral("success_rate"), 0.999}},
               at(3)}));
    QVERIFY(ledger.recordTransition(kWeb, DeploymentStage::Deploying, at(4), QStringLiteral("")));
    QVERIFY(ledger.recordTransition(kWeb, DeploymentStage::RolledBack, at(8),
                                    QStringLiteral("health check failed")));
    QVERIFY(ledger.finish(kWeb, DeploymentStatus::RolledBack, at(9),
                          QStringLiteral("health check failed 3 times")));

    DeploymentStart api;
    api.id = kApi;
    api.application = QStringLiteral("api");
    api.environment = QStringLiteral("staging");
    api.to = Revision{1, QStringLiteral("shop/api:3.0")};
    api.strategy = QStringLiteral("recreate");
    api.who = QStringLiteral("bob");
    api.startedAt = at(60);
    QVERIFY(ledger.begin(api).ok());
    QVERIFY(ledger.finish(kApi, DeploymentStatus::Completed, at(70), QStringLiteral("ok")));
}

// The deployments, then the configuration of web's revision 2.
void recordLedger(DeploymentLedger& ledger)
{
    recordDeployments(ledger);
    QVERIFY(ledger.recordRevisionConfig(QStringLiteral("web"), QStringLiteral("production"),
                                        {2, QStringLiteral("shop/web:1.1")}, kWebConfig));
}

QString describe(const LedgerVerification& check)
{
    QStringList lines{check.chain.description};
    for (const LedgerDiscrepancy& d : check.discrepancies)
        lines.append(d.description);
    return lines.join(u'\n');
}

} // namespace

class TestLedgerVerification final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void intactLedgerVerifies()
    {
        QTemporaryDir dir;
        HistoryStore store(dir.path());
        QVERIFY(store.open().ok());
        DeploymentLedger ledger(store);
        recordLedger(ledger);
        const LedgerVerification check = ledger.verify();
        QVERIFY2(check.intact(), qPrintable(describe(check)));
        QVERIFY(check.notCovered.isEmpty());
        QCOMPARE(check.deployments, 2);
        QCOMPARE(check.transitions, 5); // INITIALIZED and three stages of web, INITIALIZED of api
        QCOMPARE(check.validations, 1);
        QCOMPARE(check.tests, 1);
        QCOMPARE(check.revisionConfigs, 1);
        QCOMPARE(check.chain.rows, 10);
    }

    void tamperedRowIsNamed_data()
    {
        QTest::addColumn<QString>("statement");
        QTest::addColumn<QString>("table");
        QTest::addColumn<QString>("deployment");
        QTest::addColumn<QString>("column"); // empty: the whole row
        QTest::addColumn<QString>("says");

        const QString deployments = QStringLiteral("deployments");
        const auto column = [&](const char* name, const QString& value, const QString& id,
                                const QString& says) {
            QTest::addRow("deployments.%s", name)
                << QStringLiteral("UPDATE deployments SET %1 = %2 WHERE id = '%3'")
                       .arg(QLatin1String(name), value, id)
                << deployments << id << QString::fromLatin1(name) << says;
        };
        // The user's case: a rollback turned into a success.
        column("status", QStringLiteral("'COMPLETED'"), kWeb,
               QStringLiteral("column status is ROLLED_BACK in the audit log but COMPLETED in "
                              "the table"));
        column("application", QStringLiteral("'shop'"), kWeb, QStringLiteral("shop"));
        column("environment", QStringLiteral("'staging'"), kWeb, QStringLiteral("staging"));
        column("kind", QStringLiteral("'rollback'"), kWeb, QStringLiteral("rollback"));
        column("from_revision", QStringLiteral("7"), kWeb, QStringLiteral("is 1 in the audit"));
        column("from_image", QStringLiteral("'shop/web:0.9'"), kWeb, QStringLiteral("0.9"));
        column("to_revision", QStringLiteral("3"), kWeb, QStringLiteral("is 2 in the audit"));
        column("to_image", QStringLiteral("'shop/web:9'"), kWeb, QStringLiteral("shop/web:9"));
        column("strategy", QStringLiteral("'canary'"), kWeb, QStringLiteral("canary"));
        column("reason", QStringLiteral("'routine'"), kWeb, QStringLiteral("routine"));
        column("actor", QStringLiteral("'mallory'"), kWeb, QStringLiteral("alice"));
        column("stage", QStringLiteral("'COMPLETED'"), kWeb, QStringLiteral("ROLLED_BACK"));
        column("started_at", QStringLiteral("started_at + 1000"), kWeb,
               QStringLiteral("2026-03-02T09:00:01.000Z in the table"));
        column("finished_at", QStringLiteral("finished_at - 5000"), kWeb,
               QStringLiteral("2026-03-02T09:00:04.000Z in the table"));
        column("duration_ms", QStringLiteral("1000"), kWeb, QStringLiteral("9000"));
        column("message", QStringLiteral("'all good'"), kWeb, QStringLiteral("\"all good\""));
        QTest::addRow("deployments.from_revision of a first deployment")
            << QStringLiteral("UPDATE deployments SET from_revision = 1 WHERE id = '%1'").arg(kApi)
            << deployments << kApi << QStringLiteral("from_revision")
            << QStringLiteral("NULL in the audit log");
        QTest::addRow("deployments.status of a finished one set running")
            << QStringLiteral("UPDATE deployments SET status = NULL WHERE id = '%1'").arg(kApi)
            << deployments << kApi << QStringLiteral("status") << QStringLiteral("NULL");

        const QString transitions = QStringLiteral("transitions");
        const QString deploying = QStringLiteral("entity_id = '%1' AND status = 'DEPLOYING'");
        QTest::addRow("transitions.status")
            << QStringLiteral("UPDATE transitions SET status = 'MONITORING' WHERE ") +
                   deploying.arg(kWeb)
            << transitions << kWeb << QStringLiteral("status") << QStringLiteral("transition 3");
        QTest::addRow("transitions.at")
            << QStringLiteral("UPDATE transitions SET at = at + 60000 WHERE ") + deploying.arg(kWeb)
            << transitions << kWeb << QStringLiteral("at") << QStringLiteral("transition 3");
        QTest::addRow("transitions.detail")
            << QStringLiteral("UPDATE transitions SET detail = 'x' WHERE status = 'ROLLED_BACK'")
            << transitions << kWeb << QStringLiteral("detail")
            << QStringLiteral("\"health check failed\" in the audit log but x in the table");

        const QString validations = QStringLiteral("deployment_validations");
        const auto validation = [&](const char* name, const QString& value, const QString& says) {
            QTest::addRow("deployment_validations.%s", name)
                << QStringLiteral("UPDATE deployment_validations SET %1 = %2")
                       .arg(QLatin1String(name), value)
                << validations << kWeb << QString::fromLatin1(name) << says;
        };
        validation("severity", QStringLiteral("'info'"), QStringLiteral("validation result 1"));
        validation("rule", QStringLiteral("'ports'"), QStringLiteral("latest-tag"));
        validation("message", QStringLiteral("''"), QStringLiteral("but \"\" in the table"));
        validation("at", QStringLiteral("0"), QStringLiteral("1970-01-01T00:00:00.000Z"));

        const QString tests = QStringLiteral("deployment_tests");
        const auto test = [&](const char* name, const QString& value, const QString& says) {
            QTest::addRow("deployment_tests.%s", name)
                << QStringLiteral("UPDATE deployment_tests SET %1 = %2")
                       .arg(QLatin1String(name), value)
                << tests << kWeb << QString::fromLatin1(name) << says;
        };
        test("name", QStringLiteral("'load'"), QStringLiteral("test result 1"));
        test("passed", QStringLiteral("0"), QStringLiteral("is 1 in the audit log but 0"));
        test("metrics", QStringLiteral("'{\"p95_ms\":41,\"success_rate\":1}'"),
             QStringLiteral("0.999"));
        test("at", QStringLiteral("at + 1"), QStringLiteral("09:00:03.001Z"));

        const QString configs = QStringLiteral("revision_configs");
        const QString web2 = QStringLiteral("revision configuration web/production r2");
        QTest::addRow("revision_configs.image")
            << QStringLiteral("UPDATE revision_configs SET image = 'shop/web:6'") << configs
            << QString() << QStringLiteral("image") << web2;
        QTest::addRow("revision_configs.config")
            << QStringLiteral("UPDATE revision_configs SET config = replace(config, '2', '9')")
            << configs << QString() << QStringLiteral("config")
            << QStringLiteral("differs from what the audit log recorded");
        QTest::addRow("revision_configs.recorded_at")
            << QStringLiteral("UPDATE revision_configs SET recorded_at = 0") << configs << QString()
            << QStringLiteral("recorded_at") << web2;

        // Whole rows: deleted, or added without an audit row.
        QTest::addRow("deleted transition")
            << QStringLiteral("DELETE FROM transitions WHERE ") + deploying.arg(kWeb) << transitions
            << kWeb << QString()
            << QStringLiteral("transition 3 (DEPLOYING at 2026-03-02T09:00:04.000Z) is in the "
                              "audit log but not in the table: it was deleted");
        QTest::addRow("deleted validation result")
            << QStringLiteral("DELETE FROM deployment_validations") << validations << kWeb
            << QString() << QStringLiteral("validation result 1 (latest-tag at");
        QTest::addRow("deleted test result")
            << QStringLiteral("DELETE FROM deployment_tests") << tests << kWeb << QString()
            << QStringLiteral("test result 1 (smoke at 2026-03-02T09:00:03.000Z) is in the audit "
                              "log but not in the table: it was deleted");
        QTest::addRow("deleted deployment")
            << QStringLiteral("DELETE FROM deployments WHERE id = '%1'").arg(kApi) << deployments
            << kApi << QString() << QStringLiteral("it was deleted");
        QTest::addRow("deployment inserted without audit")
            << QStringLiteral("INSERT INTO deployments(id, application, environment, kind, "
                              "to_revision, actor, stage, status, started_at, finished_at, "
                              "duration_ms) VALUES ('d-forged', 'web', 'production', 'deploy', "
                              "5, 'alice', 'COMPLETED', 'COMPLETED', %1, %2, 30000)")
                   .arg(at(600).toMSecsSinceEpoch())
                   .arg(at(630).toMSecsSinceEpoch())
            << deployments << QStringLiteral("d-forged") << QString()
            << QStringLiteral("is in the table but not in the audit log: it was added without an "
                              "audit row");
        QTest::addRow("transition inserted without audit")
            << QStringLiteral("INSERT INTO transitions(entity_type, entity_id, status, at) "
                              "VALUES ('deployment', '%1', 'MONITORING', 1)")
                   .arg(kApi)
            << transitions << kApi << QString() << QStringLiteral("transition 2 (MONITORING");
        QTest::addRow("validation moved to another deployment")
            << QStringLiteral("UPDATE deployment_validations SET deployment_id = '%1'").arg(kApi)
            << validations << kApi << QString() << QStringLiteral("added without an audit row");
        QTest::addRow("deleted revision configuration")
            << QStringLiteral("DELETE FROM revision_configs") << configs << QString() << QString()
            << web2 + QStringLiteral(": its row (image shop/web:1.1) is in the audit log");
        QTest::addRow("revision configuration inserted without audit")
            << QStringLiteral("INSERT INTO revision_configs VALUES ('web', 'production', 1, "
                              "'shop/web:1.0', '{}', 0)")
            << configs << QString() << QString()
            << QStringLiteral("revision configuration web/production r1: its row is in the table "
                              "but not in the audit log");
    }

    void tamperedRowIsNamed()
    {
        QFETCH(QString, statement);
        QFETCH(QString, table);
        QFETCH(QString, deployment);
        QFETCH(QString, column);
        QFETCH(QString, says);
        QTemporaryDir dir;
        HistoryStore store(dir.path());
        QVERIFY(store.open().ok());
        DeploymentLedger ledger(store);
        recordLedger(ledger);
        QVERIFY(ledger.verify().intact());

        QString error;
        QVERIFY2(tamper(store.databasePath(), statement, &error), qPrintable(error));
        const LedgerVerification check = ledger.verify();
        QVERIFY2(check.chain.intact(), qPrintable(check.chain.description));
        QVERIFY2(!check.intact(), qPrintable(statement));
        const auto named = std::find_if(check.discrepancies.cbegin(), check.discrepancies.cend(),
                                        [&](const LedgerDiscrepancy& d) {
                                            return d.table == table &&
                                                   d.deploymentId == deployment &&
                                                   d.column == column;
                                        });
        QVERIFY2(named != check.discrepancies.cend(), qPrintable(describe(check)));
        if (!deployment.isEmpty())
            QVERIFY2(named->description.startsWith(QStringLiteral("deployment ") + deployment),
                     qPrintable(named->description));
        if (!column.isEmpty())
            QVERIFY2(named->description.contains(QStringLiteral("column ") + column + u' '),
                     qPrintable(named->description));
        QVERIFY2(named->description.contains(says), qPrintable(named->description));
        // Only the changed subject is reported (a moved row has two): the rest verifies.
        if (!QByteArray(QTest::currentDataTag()).contains("moved")) {
            for (const LedgerDiscrepancy& d : check.discrepancies)
                QVERIFY2(d.deploymentId == deployment, qPrintable(d.description));
        }
    }

    void databaseFromBeforeAuditedConfigurations()
    {
        QTemporaryDir dir;
        QString error;
        QString path;
        {
            // The database as the previous release left it: schema 4, deployments with their
            // audit rows (whose details are as that release wrote them), and a revision
            // configuration, which that release recorded without an audit row.
            HistoryStore store(dir.path());
            QVERIFY(store.open().ok());
            path = store.databasePath();
            DeploymentLedger ledger(store);
            recordDeployments(ledger);
            for (const QString& statement :
                 {QStringLiteral("INSERT INTO revision_configs VALUES ('web', 'production', 2, "
                                 "'shop/web:1.1', '{\"replicas\":2}', 5)"),
                  QStringLiteral("DROP TABLE unaudited_revision_configs"),
                  QStringLiteral("PRAGMA user_version = 4")})
                QVERIFY2(exec(path, statement, &error) >= 0, qPrintable(error));
        }
        HistoryStore store(dir.path());
        QVERIFY(store.open().ok());
        QCOMPARE(store.schemaVersion(), HistoryStore::kSchemaVersion);
        DeploymentLedger ledger(store);
        LedgerVerification check = ledger.verify();
        QVERIFY2(check.intact(), qPrintable(describe(check)));
        QCOMPARE(check.deployments, 2);
        QCOMPARE(check.transitions, 5);
        QCOMPARE(check.notCovered,
                 QStringList{QStringLiteral("revision configuration web/production r2 (recorded "
                                            "before Launchdeck audited revision configurations)")});

        // Its deployments are covered in full by what the older audit rows hold.
        QVERIFY(
            tamper(path, QStringLiteral("UPDATE deployments SET status = 'COMPLETED'"), &error));
        check = ledger.verify();
        QCOMPARE(check.discrepancies.size(), 1);
        QCOMPARE(check.discrepancies[0].deploymentId, kWeb);
        QCOMPARE(check.discrepancies[0].column, QStringLiteral("status"));
        QVERIFY(tamper(path,
                       QStringLiteral("UPDATE deployments SET status = 'ROLLED_BACK' WHERE id = "
                                      "'%1'")
                           .arg(kWeb),
                       &error));
        QVERIFY(ledger.verify().intact());

        // Recorded again, the configuration is covered.
        QVERIFY(ledger.recordRevisionConfig(QStringLiteral("web"), QStringLiteral("production"),
                                            {2, QStringLiteral("shop/web:1.1")}, kWebConfig));
        check = ledger.verify();
        QVERIFY2(check.intact(), qPrintable(describe(check)));
        QVERIFY(check.notCovered.isEmpty());
        QVERIFY(tamper(path, QStringLiteral("UPDATE revision_configs SET image = 'x'"), &error));
        check = ledger.verify();
        QCOMPARE(check.discrepancies.size(), 1);
        QCOMPARE(check.discrepancies[0].column, QStringLiteral("image"));
    }
};

QTEST_GUILESS_MAIN(TestLedgerVerification)
#include "tst_ledgerverification.moc"
