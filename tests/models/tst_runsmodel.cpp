// RunsModel and StepsModel: history merged without duplicates, live runs inserted and updated in
// place by id, the filter proxy; steps updated by name, events of other runs ignored.
#include "runsfiltermodel.h"
#include "runsmodel.h"
#include "stepsmodel.h"

#include <QAbstractItemModelTester>
#include <QSignalSpy>
#include <QTest>

using namespace launchdeck;

namespace {

RunRecord record(const QString& id, const QString& pipeline, RunStatus status, int minutesAgo)
{
    RunRecord run;
    run.id = id;
    run.pipeline = pipeline;
    run.status = status;
    run.startedAt = QDateTime::currentDateTimeUtc().addSecs(-60 * minutesAgo);
    run.finishedAt = run.startedAt.addSecs(30);
    run.durationMs = 30'000;
    return run;
}

RunInfo info(const QString& id, const QString& pipeline)
{
    RunInfo run;
    run.runId = id;
    run.pipeline = pipeline;
    run.startedAt = QDateTime::currentDateTimeUtc();
    run.steps = {QStringLiteral("checkout"), QStringLiteral("build"), QStringLiteral("test")};
    run.stages = {QStringLiteral("checkout"), QStringLiteral("build"), QStringLiteral("test")};
    return run;
}

} // namespace

class TestRunsModel final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void historyAndLiveRunsAreInsertedByKey()
    {
        RunsModel model;
        QAbstractItemModelTester tester(&model,
                                        QAbstractItemModelTester::FailureReportingMode::QtTest);
        QSignalSpy inserted(&model, &QAbstractItemModel::rowsInserted);
        QSignalSpy changed(&model, &QAbstractItemModel::dataChanged);
        QSignalSpy reset(&model, &QAbstractItemModel::modelReset);

        model.runStarted(info(QStringLiteral("live"), QStringLiteral("build")));
        model.mergeHistory(
            {record(QStringLiteral("old1"), QStringLiteral("build"), RunStatus::Succeeded, 60),
             record(QStringLiteral("old2"), QStringLiteral("deploy"), RunStatus::Failed, 30),
             record(QStringLiteral("live"), QStringLiteral("build"), RunStatus::Running, 0)});
        QCOMPARE(model.rowCount(), 3);
        QCOMPARE(inserted.size(), 2);
        QCOMPARE(model.rowOf(QStringLiteral("old2")), 2);

        const int row = model.rowOf(QStringLiteral("live"));
        QCOMPARE(model.index(row, RunsModel::Status).data().toString(), QStringLiteral("Running"));
        RunResult result;
        result.runId = QStringLiteral("live");
        result.status = RunStatus::Failed;
        result.durationMs = 4200;
        model.runFinished(result);
        QCOMPARE(changed.size(), 1);
        QCOMPARE(changed[0][0].toModelIndex().row(), row);
        QCOMPARE(changed[0][1].toModelIndex().row(), row);
        QCOMPARE(model.index(row, RunsModel::Status).data(RunsModel::StatusRole).value<RunStatus>(),
                 RunStatus::Failed);
        QCOMPARE(model.index(row, RunsModel::Duration).data().toString(), QStringLiteral("4.2 s"));
        QVERIFY(
            model.index(row, RunsModel::Status).data(Qt::DecorationRole).value<QIcon>().isNull() ==
            false);
        QCOMPARE(reset.size(), 0);

        // An unknown run's end changes nothing.
        result.runId = QStringLiteral("nobody");
        model.runFinished(result);
        QCOMPARE(changed.size(), 1);
    }

    void tickMovesOnlyRunningRows()
    {
        RunsModel model;
        QAbstractItemModelTester tester(&model,
                                        QAbstractItemModelTester::FailureReportingMode::QtTest);
        model.mergeHistory(
            {record(QStringLiteral("done"), QStringLiteral("p"), RunStatus::Succeeded, 5)});
        model.runStarted(info(QStringLiteral("going"), QStringLiteral("p")));
        QSignalSpy changed(&model, &QAbstractItemModel::dataChanged);
        model.tick();
        QCOMPARE(changed.size(), 1);
        QCOMPARE(changed[0][0].toModelIndex().row(), model.rowOf(QStringLiteral("going")));
        QCOMPARE(changed[0][0].toModelIndex().column(), int(RunsModel::Duration));
    }

    void filterByTextAndStatus()
    {
        RunsModel model;
        RunsFilterModel filter;
        filter.setSourceModel(&model);
        QAbstractItemModelTester tester(&filter,
                                        QAbstractItemModelTester::FailureReportingMode::QtTest);
        model.mergeHistory(
            {record(QStringLiteral("a"), QStringLiteral("build"), RunStatus::Succeeded, 3),
             record(QStringLiteral("b"), QStringLiteral("deploy"), RunStatus::Failed, 2),
             record(QStringLiteral("c"), QStringLiteral("build"), RunStatus::Failed, 1)});
        filter.sort(RunsModel::Started, Qt::DescendingOrder);
        QCOMPARE(filter.index(0, 0).data(RunsModel::RunIdRole).toString(), QStringLiteral("c"));

        filter.setText(QStringLiteral("BUI"));
        QCOMPARE(filter.rowCount(), 2);
        filter.setStatus(RunStatus::Failed);
        QCOMPARE(filter.rowCount(), 1);
        QCOMPARE(filter.index(0, 0).data(RunsModel::RunIdRole).toString(), QStringLiteral("c"));
        filter.setText({});
        QCOMPARE(filter.rowCount(), 2);
        filter.setStatus(std::nullopt);
        QCOMPARE(filter.rowCount(), 3);

        // A live run that fails later enters the status filter's rows.
        filter.setStatus(RunStatus::Failed);
        model.runStarted(info(QStringLiteral("d"), QStringLiteral("build")));
        QCOMPARE(filter.rowCount(), 2);
        RunResult result;
        result.runId = QStringLiteral("d");
        result.status = RunStatus::Failed;
        model.runFinished(result);
        QCOMPARE(filter.rowCount(), 3);
    }

    void stepsFollowTheirRun()
    {
        StepsModel model;
        QAbstractItemModelTester tester(&model,
                                        QAbstractItemModelTester::FailureReportingMode::QtTest);
        model.setRun(info(QStringLiteral("r"), QStringLiteral("p")));
        QCOMPARE(model.rowCount(), 3);
        QCOMPARE(model.index(1, StepsModel::Status).data().toString(), QStringLiteral("Queued"));

        QSignalSpy changed(&model, &QAbstractItemModel::dataChanged);
        StepEvent event;
        event.runId = QStringLiteral("r");
        event.step = QStringLiteral("build");
        event.attempt = 1;
        event.startedAt = QDateTime::currentDateTimeUtc();
        model.applyStarted(event);
        QCOMPARE(changed.size(), 1);
        QCOMPARE(changed[0][0].toModelIndex().row(), 1);
        QCOMPARE(model.index(1, StepsModel::Status).data().toString(), QStringLiteral("Running"));

        event.status = RunStatus::Failed;
        event.exitCode = 2;
        event.durationMs = 1500;
        event.message = QStringLiteral("exit code 2");
        model.applyFinished(event);
        QCOMPARE(model.index(1, StepsModel::ExitCode).data().toInt(), 2);
        QCOMPARE(model.index(1, StepsModel::Duration).data().toString(), QStringLiteral("1.5 s"));
        QCOMPARE(model.index(1, StepsModel::Message).data().toString(),
                 QStringLiteral("exit code 2"));
        QCOMPARE(model.failedSteps(), QStringList{QStringLiteral("build")});

        event.runId = QStringLiteral("another");
        event.step = QStringLiteral("test");
        model.applyFinished(event);
        QCOMPARE(changed.size(), 2);
        QCOMPARE(model.index(2, StepsModel::Status).data().toString(), QStringLiteral("Queued"));
    }
};

QTEST_MAIN(TestRunsModel)
#include "tst_runsmodel.moc"
