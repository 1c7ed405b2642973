// The live view of a deployment offscreen: stages listed in the order the job passes them (a
// rollback's ROLLING_BACK before COMPLETED, a failed deploy's FAILED, ROLLING_BACK, ROLLED_BACK
// after the stage that failed), the final log line written once, and a remaining estimate that
// never reads zero or less.
#include "deploymentmatrixmodel.h"
#include "deploymentprogressview.h"

#include <QFontDatabase>
#include <QLabel>
#include <QPlainTextEdit>
#include <QTabWidget>
#include <QTest>
#include <QTreeWidget>

using namespace launchdeck;

namespace {

using Kind = deploy::DeploymentEvent::Kind;

deploy::DeploymentEvent makeEvent(Kind kind, DeploymentStage stage, int percent,
                                  const QString& text = {})
{
    deploy::DeploymentEvent e;
    e.kind = kind;
    e.deploymentId = QStringLiteral("d1");
    e.stage = stage;
    e.percent = percent;
    e.text = text;
    e.at = QDateTime::currentDateTimeUtc();
    return e;
}

deploy::DeploymentEvent finishedEvent(DeploymentStatus status, const QString& text)
{
    deploy::DeploymentEvent e = makeEvent(Kind::Finished, DeploymentStage::Completed, 100, text);
    e.status = status;
    e.remainingMs = 0;
    return e;
}

QStringList stageLabels(const QList<DeploymentStage>& stages)
{
    QStringList labels;
    for (const DeploymentStage stage : stages)
        labels.append(deploymentStageLabel(stage));
    return labels;
}

QStringList shownStages(const DeploymentProgressView& view)
{
    QStringList labels;
    for (int i = 0; i < view.stagesView()->topLevelItemCount(); ++i)
        labels.append(view.stagesView()->topLevelItem(i)->text(0));
    return labels;
}

using State = DeploymentProgressView::StageState;
constexpr int kPending = static_cast<int>(State::Pending);
constexpr int kRunning = static_cast<int>(State::Running);
constexpr int kDone = static_cast<int>(State::Done);
constexpr int kFailed = static_cast<int>(State::Failed);
constexpr int kWarning = static_cast<int>(State::Warning);

} // namespace

class TestDeploymentProgressView final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void rollbackStagesInTheOrderPassed()
    {
        DeploymentProgressView view;
        view.begin(QStringLiteral("Rollback of web in staging"), true);
        view.applyEvent(makeEvent(Kind::Stage, DeploymentStage::Initialized, 0));
        view.applyEvent(makeEvent(Kind::Stage, DeploymentStage::Validating, 5));
        view.applyEvent(makeEvent(Kind::Stage, DeploymentStage::RollingBack, 40, u"bad"_qs));
        QCOMPARE(view.stageState(DeploymentStage::Validating), kDone);
        QCOMPARE(view.stageState(DeploymentStage::RollingBack), kRunning);
        view.applyEvent(makeEvent(Kind::Stage, DeploymentStage::Completed, 100, u"live"_qs));
        view.applyEvent(finishedEvent(DeploymentStatus::Completed, u"live"_qs));
        QCOMPARE(shownStages(view),
                 stageLabels({DeploymentStage::Initialized, DeploymentStage::Validating,
                              DeploymentStage::RollingBack, DeploymentStage::Completed}));
        QCOMPARE(view.stageState(DeploymentStage::RollingBack), kDone);
        QCOMPARE(view.stageState(DeploymentStage::Completed), kDone);
    }

    void rollbackShowsItsOwnPathAhead()
    {
        DeploymentProgressView view;
        view.begin(QStringLiteral("Rollback of web in staging"), true, DeploymentKind::Rollback);
        QCOMPARE(shownStages(view),
                 stageLabels({DeploymentStage::Initialized, DeploymentStage::Validating,
                              DeploymentStage::RollingBack, DeploymentStage::Completed}));
        QCOMPARE(view.stageState(DeploymentStage::RollingBack), kPending);
        view.applyEvent(makeEvent(Kind::Stage, DeploymentStage::Initialized, 0));
        view.applyEvent(makeEvent(Kind::Stage, DeploymentStage::Validating, 5));
        view.applyEvent(makeEvent(Kind::Stage, DeploymentStage::RollingBack, 40));
        QCOMPARE(shownStages(view).size(), 4);
        QCOMPARE(view.stageState(DeploymentStage::RollingBack), kRunning);
        QCOMPARE(view.stageState(DeploymentStage::Completed), kPending);
    }

    void failedDeployRollsBackAfterTheFailedStage()
    {
        DeploymentProgressView view;
        view.begin(QStringLiteral("Deploy of web 1.1 to staging"), true);
        for (const auto& [stage, percent] : {std::pair{DeploymentStage::Initialized, 0},
                                             {DeploymentStage::Validating, 5},
                                             {DeploymentStage::Testing, 20},
                                             {DeploymentStage::Deploying, 40},
                                             {DeploymentStage::Monitoring, 70}})
            view.applyEvent(makeEvent(Kind::Stage, stage, percent));
        view.applyEvent(makeEvent(Kind::Stage, DeploymentStage::Failed, 80, u"error rate"_qs));
        view.applyEvent(makeEvent(Kind::Stage, DeploymentStage::RollingBack, 85));
        QCOMPARE(view.stageState(DeploymentStage::Failed), kFailed);
        QCOMPARE(view.stageState(DeploymentStage::RollingBack), kRunning);
        view.applyEvent(makeEvent(Kind::Stage, DeploymentStage::RolledBack, 99, u"r1 again"_qs));
        view.applyEvent(finishedEvent(DeploymentStatus::RolledBack, u"error rate; r1 again"_qs));
        QCOMPARE(shownStages(view),
                 stageLabels({DeploymentStage::Initialized, DeploymentStage::Validating,
                              DeploymentStage::Testing, DeploymentStage::Deploying,
                              DeploymentStage::Monitoring, DeploymentStage::Failed,
                              DeploymentStage::RollingBack, DeploymentStage::RolledBack}));
        QCOMPARE(view.stageState(DeploymentStage::Monitoring), kFailed);
        QCOMPARE(view.stageState(DeploymentStage::Failed), kFailed);
        QCOMPARE(view.stageState(DeploymentStage::RollingBack), kDone);
        QCOMPARE(view.stageState(DeploymentStage::RolledBack), kWarning);
    }

    void stagesNeverReachedAreDroppedAtTheEnd()
    {
        DeploymentProgressView view;
        view.begin(QStringLiteral("Deploy of web 1.1 to staging"), true);
        view.applyEvent(makeEvent(Kind::Stage, DeploymentStage::Initialized, 0));
        view.applyEvent(makeEvent(Kind::Stage, DeploymentStage::Validating, 5));
        view.applyEvent(makeEvent(Kind::Stage, DeploymentStage::Testing, 20));
        view.applyEvent(finishedEvent(DeploymentStatus::Cancelled, u"cancelled while testing"_qs));
        QCOMPARE(shownStages(view),
                 stageLabels({DeploymentStage::Initialized, DeploymentStage::Validating,
                              DeploymentStage::Testing}));
        QCOMPARE(view.stageState(DeploymentStage::Testing), kWarning);
    }

    void recordedRollbackInTheOrderPassed()
    {
        DeploymentRecord record;
        record.id = QStringLiteral("d2");
        record.kind = DeploymentKind::Rollback;
        record.application = QStringLiteral("web");
        record.environment = QStringLiteral("staging");
        record.to = Revision{1, QStringLiteral("shop/web:1.0")};
        record.status = DeploymentStatus::Completed;
        const QDateTime start = QDateTime::currentDateTimeUtc();
        for (const DeploymentStage stage :
             {DeploymentStage::Initialized, DeploymentStage::Validating,
              DeploymentStage::RollingBack, DeploymentStage::Completed})
            record.transitions.append({stage, start, {}});
        DeploymentProgressView view;
        view.showRecord(record);
        QCOMPARE(shownStages(view),
                 stageLabels({DeploymentStage::Initialized, DeploymentStage::Validating,
                              DeploymentStage::RollingBack, DeploymentStage::Completed}));
        QCOMPARE(view.stageState(DeploymentStage::Completed), kDone);
    }

    void finalLineLoggedOnce()
    {
        DeploymentProgressView view;
        view.begin(QStringLiteral("Deploy of web 1.1 to staging"), true);
        const QString live = QStringLiteral("revision 2 (shop/web:1.1) is live");
        view.applyEvent(makeEvent(Kind::Stage, DeploymentStage::Monitoring, 70));
        view.applyEvent(makeEvent(Kind::Stage, DeploymentStage::Completed, 100, live));
        view.applyEvent(finishedEvent(DeploymentStatus::Completed, live));
        QCOMPARE(view.logView()->toPlainText().count(live), 1);
        QCOMPARE(view.logView()->blockCount(), 2);

        // A finish that says more than the stage did is kept.
        view.begin(QStringLiteral("Deploy of web 1.1 to staging"), true);
        view.applyEvent(makeEvent(Kind::Stage, DeploymentStage::Testing, 20));
        view.applyEvent(makeEvent(Kind::Stage, DeploymentStage::Failed, 30, u"a test failed"_qs));
        view.applyEvent(
            finishedEvent(DeploymentStatus::Failed, u"a test failed; traffic never moved"_qs));
        QVERIFY(view.logView()->toPlainText().contains(u"traffic never moved"));
        QCOMPARE(view.logView()->blockCount(), 3);

        // Nor is a finish without a stage before it lost.
        view.begin(QStringLiteral("Deploy of web 1.1 to staging"), true);
        view.applyEvent(makeEvent(Kind::Stage, DeploymentStage::Testing, 20));
        view.applyEvent(finishedEvent(DeploymentStatus::Cancelled, u"cancelled"_qs));
        QCOMPARE(view.logView()->blockCount(), 2);
        QVERIFY(view.logView()->toPlainText().contains(u"cancelled"));
    }

    // The log's fixed-width font is loaded when the Log tab is first shown, not with the view.
    void logGetsItsFixedFontWhenShown()
    {
        DeploymentProgressView view;
        view.resize(800, 400);
        view.show();
        QVERIFY(QTest::qWaitForWindowExposed(&view));
        QPlainTextEdit* log = view.logView();
        const QFont fixed = QFontDatabase::systemFont(QFontDatabase::FixedFont);
        QVERIFY(!log->isVisible());
        QVERIFY(log->font() != fixed);
        auto* tabs = qobject_cast<QTabWidget*>(log->parentWidget()->parentWidget());
        QVERIFY(tabs);
        tabs->setCurrentWidget(log);
        QVERIFY(log->isVisible());
        QCOMPARE(log->font(), fixed);

        // Or before its first line, when that comes while the tab is hidden.
        DeploymentProgressView hidden;
        hidden.begin(QStringLiteral("Deploy of web 1.1 to staging"), true);
        hidden.applyEvent(makeEvent(Kind::Stage, DeploymentStage::Testing, 20));
        QVERIFY(!hidden.logView()->isVisible());
        QCOMPARE(hidden.logView()->font(), fixed);
    }

    void remainingNeverZero()
    {
        DeploymentProgressView view;
        view.begin(QStringLiteral("Deploy of web 1.1 to staging"), true);
        view.applyEvent(makeEvent(Kind::Stage, DeploymentStage::Deploying, 40));

        deploy::DeploymentEvent progress =
            makeEvent(Kind::Progress, DeploymentStage::Deploying, 50);
        progress.remainingMs = 90'000;
        view.applyEvent(progress);
        QVERIFY(view.remainingLabel()->text().contains(u"1 min 30 s"));

        progress.remainingMs = 400;
        view.applyEvent(progress);
        QVERIFY(!view.remainingLabel()->text().isEmpty());
        QVERIFY(!view.remainingLabel()->text().contains(u"ms"));
        QVERIFY(!view.remainingLabel()->text().contains(u'0'));

        // The estimate is used up: said in words, no number.
        progress.remainingMs = 0;
        view.applyEvent(progress);
        const QString overdue = view.remainingLabel()->text();
        QVERIFY(!overdue.isEmpty());
        QVERIFY2(!overdue.contains(u'0'), qPrintable(overdue));
        QVERIFY(overdue.contains(u"longer than usual"));
        deploy::DeploymentEvent monitoring =
            makeEvent(Kind::Stage, DeploymentStage::Monitoring, 70);
        monitoring.remainingMs = 0;
        view.applyEvent(monitoring);
        QCOMPARE(view.remainingLabel()->text(), overdue);

        // No estimate at all: nothing.
        progress.remainingMs = -1;
        view.applyEvent(progress);
        QVERIFY(view.remainingLabel()->text().isEmpty());

        // A stage that ends the job does not claim it is late.
        deploy::DeploymentEvent completed =
            makeEvent(Kind::Stage, DeploymentStage::Completed, 100, u"live"_qs);
        completed.remainingMs = 0;
        view.applyEvent(completed);
        QVERIFY(!view.remainingLabel()->text().contains(u"longer than usual"));
    }
};

QTEST_MAIN(TestDeploymentProgressView)
#include "tst_deploymentprogressview.moc"
