// The deployment matrix and history models under QAbstractItemModelTester: names as rows and
// columns, status answers applied as dataChanged on the changed cells only, the revision a
// running deployment rolls out, progress of a running deployment, new names appended, and the
// history refreshed by deployment id.
#include "deploymenthistorymodel.h"
#include "deploymentmatrixmodel.h"

#include <QAbstractItemModelTester>
#include <QSignalSpy>
#include <QTest>

using namespace launchdeck;

namespace {

deploy::PairStatus pairStatus(const QString& application, const QString& environment, int revision,
                              deploy::PairStatus::Health health)
{
    deploy::PairStatus pair;
    pair.application = application;
    pair.environment = environment;
    if (revision > 0)
        pair.live =
            Revision{revision, QStringLiteral("shop/%1:1.%2").arg(application).arg(revision)};
    pair.health = health;
    pair.runningReplicas = revision > 0 ? 2 : 0;
    pair.desiredReplicas = 2;
    return pair;
}

DeploymentRecord record(const QString& id, int to, std::optional<DeploymentStatus> status)
{
    DeploymentRecord r;
    r.id = id;
    r.application = QStringLiteral("web");
    r.environment = QStringLiteral("staging");
    r.to = Revision{to, QStringLiteral("shop/web:%1").arg(to)};
    r.status = status;
    r.who = QStringLiteral("alice");
    r.startedAt = QDateTime::currentDateTimeUtc();
    return r;
}

} // namespace

class TestDeploymentMatrixModel final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void namesAndStatus()
    {
        DeploymentMatrixModel model;
        QAbstractItemModelTester tester(&model,
                                        QAbstractItemModelTester::FailureReportingMode::QtTest);
        model.setNames({QStringLiteral("web"), QStringLiteral("api")},
                       {QStringLiteral("staging"), QStringLiteral("production")});
        QCOMPARE(model.rowCount(), 2);
        QCOMPARE(model.columnCount(), 2);
        QCOMPARE(model.headerData(1, Qt::Horizontal).toString(), u"production"_qs);
        QCOMPARE(model.headerData(1, Qt::Vertical).toString(), u"api"_qs);
        QVERIFY(!model.index(0, 0).data(DeploymentMatrixModel::KnownRole).toBool());

        QSignalSpy changed(&model, &QAbstractItemModel::dataChanged);
        QSignalSpy reset(&model, &QAbstractItemModel::modelReset);
        const QList<deploy::PairStatus> first = {
            pairStatus(QStringLiteral("web"), QStringLiteral("staging"), 3,
                       deploy::PairStatus::Health::Healthy),
            pairStatus(QStringLiteral("web"), QStringLiteral("production"), 2,
                       deploy::PairStatus::Health::Healthy),
            pairStatus(QStringLiteral("api"), QStringLiteral("staging"), 0,
                       deploy::PairStatus::Health::NotDeployed),
            pairStatus(QStringLiteral("api"), QStringLiteral("production"), 5,
                       deploy::PairStatus::Health::Starting)};
        model.applyStatus(first);
        QCOMPARE(changed.count(), 4);
        QCOMPARE(reset.count(), 0);
        const QModelIndex web = model.index(0, 0);
        QCOMPARE(web.data(DeploymentMatrixModel::RevisionRole).toInt(), 3);
        QCOMPARE(web.data(DeploymentMatrixModel::TagRole).toString(), u"1.3"_qs);
        QCOMPARE(web.data(DeploymentMatrixModel::HealthRole).value<deploy::PairStatus::Health>(),
                 deploy::PairStatus::Health::Healthy);
        QCOMPARE(web.data(DeploymentMatrixModel::RunningReplicasRole).toInt(), 2);
        QVERIFY(web.data().toString().contains(u"r3"));
        QCOMPARE(model.index(1, 0).data(DeploymentMatrixModel::RevisionRole).toInt(), 0);

        // The same answer again changes nothing; one changed cell is one dataChanged.
        changed.clear();
        model.applyStatus(first);
        QCOMPARE(changed.count(), 0);
        QList<deploy::PairStatus> second = first;
        second[3].health = deploy::PairStatus::Health::Unhealthy;
        second[3].runningReplicas = 1;
        model.applyStatus(second);
        QCOMPARE(changed.count(), 1);
        const QModelIndex where = changed.first().at(0).toModelIndex();
        QCOMPARE(where, model.index(1, 1));
        QCOMPARE(changed.first().at(1).toModelIndex(), model.index(1, 1));
        QCOMPARE(model.index(1, 1)
                     .data(DeploymentMatrixModel::HealthRole)
                     .value<deploy::PairStatus::Health>(),
                 deploy::PairStatus::Health::Unhealthy);
        QCOMPARE(reset.count(), 0);

        // The same names do not reset; other names do.
        model.setNames({QStringLiteral("web"), QStringLiteral("api")},
                       {QStringLiteral("staging"), QStringLiteral("production")});
        QCOMPARE(reset.count(), 0);
        model.setNames({QStringLiteral("web")}, {QStringLiteral("development")});
        QCOMPARE(reset.count(), 1);
        QCOMPARE(model.rowCount(), 1);
        QCOMPARE(model.columnCount(), 1);
    }

    void lastChangeAndRunning()
    {
        DeploymentMatrixModel model;
        QAbstractItemModelTester tester(&model,
                                        QAbstractItemModelTester::FailureReportingMode::QtTest);
        model.setNames({QStringLiteral("web")}, {QStringLiteral("staging")});
        deploy::PairStatus pair = pairStatus(QStringLiteral("web"), QStringLiteral("staging"), 4,
                                             deploy::PairStatus::Health::Healthy);
        DeploymentRecord last = record(QStringLiteral("d4"), 4, DeploymentStatus::Completed);
        last.finishedAt = QDateTime(QDate(2024, 5, 2), QTime(10, 30), Qt::UTC);
        pair.last = last;
        model.applyStatus({pair});
        const QModelIndex cell = model.index(0, 0);
        QCOMPARE(cell.data(DeploymentMatrixModel::LastWhoRole).toString(), u"alice"_qs);
        QCOMPARE(cell.data(DeploymentMatrixModel::LastChangeRole).toDateTime(), last.finishedAt);
        QVERIFY(cell.data(DeploymentMatrixModel::LastSummaryRole).toString().contains(u"r4"));
        QVERIFY(!model.isRunning(0, 0));

        QSignalSpy changed(&model, &QAbstractItemModel::dataChanged);
        pair.running = record(QStringLiteral("d5"), 5, std::nullopt);
        pair.running->stage = DeploymentStage::Testing;
        model.applyStatus({pair});
        QCOMPARE(changed.count(), 1);
        QVERIFY(model.isRunning(0, 0));
        QCOMPARE(cell.data(DeploymentMatrixModel::StageRole).toString(), QStringLiteral("Testing"));
        QCOMPARE(cell.data(DeploymentMatrixModel::ProgressRole).toInt(), -1);
    }

    void runningDeploymentShowsItsRevision()
    {
        DeploymentMatrixModel model;
        QAbstractItemModelTester tester(&model,
                                        QAbstractItemModelTester::FailureReportingMode::QtTest);
        model.setNames({QStringLiteral("web")}, {QStringLiteral("staging")});
        const QModelIndex cell = model.index(0, 0);

        // A first deployment in MONITORING: nothing is live, its two replicas serve.
        deploy::PairStatus pair = pairStatus(QStringLiteral("web"), QStringLiteral("staging"), 0,
                                             deploy::PairStatus::Health::Healthy);
        pair.running = record(QStringLiteral("d1"), 1, std::nullopt);
        pair.running->stage = DeploymentStage::Monitoring;
        pair.servingRevision = 1;
        pair.runningReplicas = 2;
        QSignalSpy changed(&model, &QAbstractItemModel::dataChanged);
        model.applyStatus({pair});
        QCOMPARE(changed.count(), 1);
        QCOMPARE(cell.data(DeploymentMatrixModel::RevisionRole).toInt(), 0);
        QCOMPARE(cell.data(DeploymentMatrixModel::RolloutRevisionRole).toInt(), 1);
        QCOMPARE(cell.data(DeploymentMatrixModel::RolloutTagRole).toString(), u"1"_qs);
        QCOMPARE(cell.data(DeploymentMatrixModel::HealthRole).value<deploy::PairStatus::Health>(),
                 deploy::PairStatus::Health::Healthy);
        QCOMPARE(cell.data(DeploymentMatrixModel::RunningReplicasRole).toInt(), 2);
        const QString text = cell.data().toString();
        QVERIFY2(text.contains(u"r1 1") && text.contains(QStringLiteral("Monitoring")),
                 qPrintable(text));
        QVERIFY2(cell.data(Qt::ToolTipRole).toString().contains(u"replicas of revision 1"),
                 qPrintable(cell.data(Qt::ToolTipRole).toString()));

        // A later redeploy: the live revision and the one rolled out, by key.
        pair.live = Revision{1, QStringLiteral("shop/web:1")};
        pair.last = record(QStringLiteral("d1"), 1, DeploymentStatus::Completed);
        pair.running = record(QStringLiteral("d2"), 2, std::nullopt);
        pair.running->stage = DeploymentStage::Deploying;
        model.applyStatus({pair});
        QCOMPARE(changed.count(), 2);
        QCOMPARE(cell.data(DeploymentMatrixModel::RevisionRole).toInt(), 1);
        QCOMPARE(cell.data(DeploymentMatrixModel::RolloutRevisionRole).toInt(), 2);
        QVERIFY2(cell.data().toString().contains(u"r1 1 → r2 2"),
                 qPrintable(cell.data().toString()));
        // Only what serves changed: one dataChanged; the same answer again, none.
        pair.servingRevision = 2;
        model.applyStatus({pair});
        QCOMPARE(changed.count(), 3);
        model.applyStatus({pair});
        QCOMPARE(changed.count(), 3);

        // Ended: no revision rolled out any more.
        pair.running.reset();
        model.applyStatus({pair});
        QCOMPARE(cell.data(DeploymentMatrixModel::RolloutRevisionRole).toInt(), 0);
    }

    void progress()
    {
        DeploymentMatrixModel model;
        QAbstractItemModelTester tester(&model,
                                        QAbstractItemModelTester::FailureReportingMode::QtTest);
        model.setNames({QStringLiteral("web")},
                       {QStringLiteral("staging"), QStringLiteral("production")});
        QSignalSpy changed(&model, &QAbstractItemModel::dataChanged);
        model.setProgress(u"web"_qs, u"production"_qs, DeploymentStage::Deploying, 40);
        QCOMPARE(changed.count(), 1);
        QCOMPARE(changed.first().at(0).toModelIndex(), model.index(0, 1));
        QCOMPARE(model.index(0, 1).data(DeploymentMatrixModel::ProgressRole).toInt(), 40);
        QCOMPARE(model.index(0, 1).data(DeploymentMatrixModel::StageRole).toString(),
                 QStringLiteral("Deploying"));
        QCOMPARE(model.index(0, 0).data(DeploymentMatrixModel::ProgressRole).toInt(), -1);
        QVERIFY(model.isRunning(0, 1));
        model.setProgress(u"web"_qs, u"production"_qs, DeploymentStage::Deploying, 40);
        QCOMPARE(changed.count(), 1);
        model.clearProgress(u"web"_qs, u"production"_qs);
        QCOMPARE(changed.count(), 2);
        QCOMPARE(model.index(0, 1).data(DeploymentMatrixModel::ProgressRole).toInt(), -1);
        QVERIFY(!model.isRunning(0, 1));
        // Unknown pairs are ignored.
        model.setProgress(u"shop"_qs, u"production"_qs, DeploymentStage::Deploying, 10);
        QCOMPARE(changed.count(), 2);
    }

    void unknownNamesAreAppended()
    {
        DeploymentMatrixModel model;
        QAbstractItemModelTester tester(&model,
                                        QAbstractItemModelTester::FailureReportingMode::QtTest);
        QSignalSpy rows(&model, &QAbstractItemModel::rowsInserted);
        QSignalSpy columns(&model, &QAbstractItemModel::columnsInserted);
        model.applyStatus({pairStatus(QStringLiteral("web"), QStringLiteral("staging"), 1,
                                      deploy::PairStatus::Health::Healthy),
                           pairStatus(QStringLiteral("api"), QStringLiteral("production"), 2,
                                      deploy::PairStatus::Health::Healthy)});
        QCOMPARE(rows.count(), 1);
        QCOMPARE(columns.count(), 1);
        QCOMPARE(model.rowCount(), 2);
        QCOMPARE(model.columnCount(), 2);
        QCOMPARE(model.rowOf(u"api"_qs), 1);
        QCOMPARE(model.columnOf(u"production"_qs), 1);
        QCOMPARE(model.index(1, 1).data(DeploymentMatrixModel::RevisionRole).toInt(), 2);
        QVERIFY(!model.index(0, 1).data(DeploymentMatrixModel::KnownRole).toBool());
    }

    void historyByKey()
    {
        DeploymentHistoryModel model;
        QAbstractItemModelTester tester(&model,
                                        QAbstractItemModelTester::FailureReportingMode::QtTest);
        QSignalSpy reset(&model, &QAbstractItemModel::modelReset);
        QSignalSpy inserted(&model, &QAbstractItemModel::rowsInserted);
        QSignalSpy removed(&model, &QAbstractItemModel::rowsRemoved);
        QSignalSpy changed(&model, &QAbstractItemModel::dataChanged);
        model.setRecords(
            u"web"_qs, u"staging"_qs,
            {record(u"b"_qs, 2, std::nullopt), record(u"a"_qs, 1, DeploymentStatus::Completed)});
        QCOMPARE(reset.count(), 1);
        QCOMPARE(model.rowCount(), 2);
        QCOMPARE(model.rowOf(u"a"_qs), 1);
        QVERIFY(model.index(0, DeploymentHistoryModel::Status)
                    .data()
                    .toString()
                    .contains(QStringLiteral("Initialized")));

        // b finished, c is new on top, a fell off the list.
        DeploymentRecord b = record(u"b"_qs, 2, DeploymentStatus::RolledBack);
        b.durationMs = 42'000;
        model.setRecords(u"web"_qs, u"staging"_qs, {record(u"c"_qs, 3, std::nullopt), b});
        QCOMPARE(reset.count(), 1);
        QCOMPARE(inserted.count(), 1);
        QCOMPARE(removed.count(), 1);
        QCOMPARE(changed.count(), 1);
        QCOMPARE(model.rowCount(), 2);
        QCOMPARE(model.rowOf(u"c"_qs), 0);
        QCOMPARE(model.rowOf(u"b"_qs), 1);
        QCOMPARE(model.index(1, DeploymentHistoryModel::Status).data().toString(),
                 QStringLiteral("Rolled back"));
        QCOMPARE(model.index(1, DeploymentHistoryModel::Who).data().toString(), u"alice"_qs);

        // Another pair is another source: a reset.
        model.setRecords(u"web"_qs, u"production"_qs, {});
        QCOMPARE(reset.count(), 2);
        QCOMPARE(model.rowCount(), 0);
    }
};

QTEST_GUILESS_MAIN(TestDeploymentMatrixModel)
#include "tst_deploymentmatrixmodel.moc"
