// The Deployments tab offscreen: the Deploy dialog refuses a protected environment until its name
// is typed exactly (and no job starts), the Rollback dialog requires a reason, the live view
// follows synthetic events, and the tab itself shows the selected cell's newest deployment from
// the ledger, fills its matrix, runs a deployment against a host that is not there and marks the
// pair's containers on the Live Metrics store.
#include "bannerwidget.h"
#include "deploydialog.h"
#include "deploymenthistorymodel.h"
#include "deploymentmatrixmodel.h"
#include "deploymentprogressview.h"
#include "deploymentstab.h"
#include "metricsstore.h"
#include "rollbackdialog.h"
#include "session/workspacesession.h"

#include <QAbstractItemModelTester>
#include <QCheckBox>
#include <QComboBox>
#include <QDir>
#include <QFile>
#include <QLabel>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QProgressBar>
#include <QPushButton>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTableView>
#include <QTemporaryDir>
#include <QTest>
#include <QTextEdit>
#include <QTreeWidget>

using namespace launchdeck;

namespace {

constexpr int kTimeoutMs = 20'000;

QByteArray workspaceText(const QString& socket)
{
    return QStringLiteral("version: 1\n"
                          "name: shop\n"
                          "targets:\n"
                          "  local:\n"
                          "    type: docker\n"
                          "    host: unix://%1\n"
                          "environments:\n"
                          "  staging:\n"
                          "    target: local\n"
                          "  production:\n"
                          "    target: local\n"
                          "    protected: true\n"
                          "applications:\n"
                          "  web:\n"
                          "    image: shop/web\n"
                          "    version: \"1.0\"\n"
                          "    replicas: 1\n")
        .arg(socket)
        .toUtf8();
}

deploy::DeploymentPreview fixedPreview(const deploy::DeploymentRequest& request)
{
    deploy::DeploymentPreview preview;
    preview.application = request.application;
    preview.environment = request.environment;
    preview.from = Revision{1, QStringLiteral("shop/web:1.0")};
    preview.to = Revision{2, u"shop/web:" + request.version};
    preview.diff = {QStringLiteral("- image: shop/web:1.0"),
                    u"+ image: shop/web:" + request.version};
    return preview;
}

deploy::DeploymentEvent makeEvent(deploy::DeploymentEvent::Kind kind, DeploymentStage stage,
                                  int percent, const QString& text = {})
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

using State = DeploymentProgressView::StageState;
constexpr int kPending = static_cast<int>(State::Pending);
constexpr int kRunning = static_cast<int>(State::Running);
constexpr int kDone = static_cast<int>(State::Done);
constexpr int kFailed = static_cast<int>(State::Failed);

} // namespace

class TestDeploymentsTab final : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    Workspace m_workspace;

    DeployDialog* makeDeployDialog(QWidget* parent = nullptr)
    {
        return new DeployDialog(
            m_workspace, fixedPreview,
            [](const QString&, const QString&) -> Result<QStringList> {
                return QStringList{QStringLiteral("1.1"), QStringLiteral("1.0")};
            },
            {}, parent);
    }

private Q_SLOTS:
    SessionOptions sessionOptions(const QString& dataDir) const
    {
        SessionOptions options;
        options.root = m_dir.path() + u"/workspace";
        options.dataDir = dataDir;
        options.useKeyring = false;
        options.connectHosts = false;
        return options;
    }

    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(true);
        QVERIFY(m_dir.isValid());
        QDir(m_dir.path()).mkpath(QStringLiteral("workspace"));
        QFile file(m_dir.path() + u"/workspace/launchdeck.yaml");
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write(workspaceText(m_dir.path() + u"/absent.sock"));
        file.close();
        Diagnostics findings;
        const std::optional<Workspace> workspace =
            loadWorkspace(m_dir.path() + u"/workspace", findings);
        QVERIFY2(workspace,
                 qPrintable(findings.isEmpty() ? QString() : formatDiagnostic(findings.first())));
        m_workspace = *workspace;
        QCOMPARE(m_workspace.applications.size(), 1);
        QVERIFY(m_workspace.environment(u"production")->isProtected);
    }

    void deployDialogAsksForProtectedName()
    {
        std::unique_ptr<DeployDialog> dialog(makeDeployDialog());
        dialog->show();
        dialog->select(u"web"_qs, u"staging"_qs);
        QVERIFY(!dialog->protection()->isVisible());
        QVERIFY(dialog->okButton()->isEnabled());

        dialog->select(u"web"_qs, u"production"_qs);
        QVERIFY(dialog->protection()->isVisible());
        QVERIFY(!dialog->okButton()->isEnabled());
        QTest::keyClicks(dialog->protection()->edit(), QStringLiteral("Production"));
        QVERIFY(!dialog->okButton()->isEnabled());
        // Neither a click nor Enter nor accept() gets past it.
        QTest::mouseClick(dialog->okButton(), Qt::LeftButton);
        QTest::keyClick(dialog->protection()->edit(), Qt::Key_Return);
        dialog->accept();
        QVERIFY(dialog->isVisible());
        QCOMPARE(dialog->result(), int(QDialog::Rejected));

        dialog->protection()->edit()->clear();
        QTest::keyClicks(dialog->protection()->edit(), QStringLiteral("production"));
        QVERIFY(dialog->okButton()->isEnabled());

        // The tags of the local images, the application's strategy first, auto-rollback on.
        QTRY_COMPARE_WITH_TIMEOUT(dialog->versionBox()->count(), 2, kTimeoutMs);
        QCOMPARE(dialog->versionBox()->currentText(), u"1.0"_qs);
        QVERIFY(!dialog->strategyBox()->currentData().isValid());
        QVERIFY(dialog->autoRollbackBox()->isChecked());
        dialog->versionBox()->setCurrentIndex(dialog->versionBox()->findText(u"1.1"_qs));
        dialog->strategyBox()->setCurrentIndex(
            dialog->strategyBox()->findText(deploy::strategyName(Strategy::Type::BlueGreen)));
        dialog->autoRollbackBox()->setChecked(false);

        // The preview's diff, '+' lines green and '-' lines red.
        QTRY_VERIFY_WITH_TIMEOUT(
            dialog->preview()->diffView()->toPlainText().contains(u"+ image: shop/web:1.1"),
            kTimeoutMs);
        const QString html = dialog->preview()->diffView()->toHtml();
        QVERIFY(html.contains(u"#2e9e44"));
        QVERIFY(html.contains(u"#d93025"));

        const deploy::DeploymentRequest request = dialog->request();
        QCOMPARE(request.kind, DeploymentKind::Deploy);
        QCOMPARE(request.application, u"web"_qs);
        QCOMPARE(request.environment, u"production"_qs);
        QCOMPARE(request.version, u"1.1"_qs);
        QCOMPARE(request.strategy, std::optional(Strategy::Type::BlueGreen));
        QVERIFY(!request.autoRollback);
        dialog->accept();
        QCOMPARE(dialog->result(), int(QDialog::Accepted));
    }

    void deployDialogShowsPreviewFailure()
    {
        DeployDialog dialog(
            m_workspace,
            [](const deploy::DeploymentRequest&) -> Result<deploy::DeploymentPreview> {
                return Error{QStringLiteral("connection refused"), QStringLiteral("unix:///x")};
            },
            {});
        dialog.show();
        QTRY_VERIFY_WITH_TIMEOUT(
            dialog.preview()->summaryLabel()->text().contains(u"connection refused"), kTimeoutMs);
        QVERIFY(!dialog.preview()->isBusy());
    }

    void rollbackDialogRequiresReason()
    {
        RollbackDialog dialog(m_workspace, u"web"_qs, u"staging"_qs,
                              Revision{3, QStringLiteral("shop/web:1.2")}, fixedPreview,
                              [](const QString&, const QString&) {
                                  return QList<Revision>{{3, QStringLiteral("shop/web:1.2")},
                                                         {2, QStringLiteral("shop/web:1.1")},
                                                         {1, QStringLiteral("shop/web:1.0")}};
                              });
        dialog.show();
        QVERIFY(!dialog.protection()->isVisible());
        // The live revision is not offered; the previous one is the default.
        QTRY_COMPARE_WITH_TIMEOUT(dialog.revisionBox()->count(), 3, kTimeoutMs);
        QCOMPARE(dialog.revisionBox()->currentIndex(), 0);
        QVERIFY(!dialog.request().toRevision);
        QVERIFY(dialog.preserveDataBox()->isChecked());
        QVERIFY(!dialog.forceBox()->isChecked());
        QVERIFY(dialog.cleanUpBox()->isChecked());

        QVERIFY(!dialog.okButton()->isEnabled());
        QTest::keyClicks(dialog.reasonEdit(), QStringLiteral("   "));
        QVERIFY(!dialog.okButton()->isEnabled());
        dialog.accept();
        QVERIFY(dialog.isVisible());
        QTest::keyClicks(dialog.reasonEdit(), QStringLiteral("error rate after 1.2"));
        QVERIFY(dialog.okButton()->isEnabled());

        dialog.revisionBox()->setCurrentIndex(2);
        dialog.forceBox()->setChecked(true);
        dialog.preserveDataBox()->setChecked(false);
        const deploy::DeploymentRequest request = dialog.request();
        QCOMPARE(request.kind, DeploymentKind::Rollback);
        QCOMPARE(request.toRevision, std::optional(1));
        QCOMPARE(request.reason, u"error rate after 1.2"_qs);
        QVERIFY(request.force);
        QVERIFY(!request.preserveData);
        QVERIFY(request.cleanUp);
        QTRY_VERIFY_WITH_TIMEOUT(!dialog.preview()->diffView()->toPlainText().isEmpty(),
                                 kTimeoutMs);
        dialog.accept();
        QCOMPARE(dialog.result(), int(QDialog::Accepted));
    }

    void rollbackOfProtectedEnvironmentNeedsName()
    {
        RollbackDialog dialog(m_workspace, u"web"_qs, u"production"_qs, std::nullopt, fixedPreview,
                              {});
        dialog.show();
        QVERIFY(dialog.protection()->isVisible());
        QTest::keyClicks(dialog.reasonEdit(), QStringLiteral("bad release"));
        QVERIFY(!dialog.okButton()->isEnabled());
        QTest::keyClicks(dialog.protection()->edit(), QStringLiteral("productio"));
        QVERIFY(!dialog.okButton()->isEnabled());
        QTest::keyClicks(dialog.protection()->edit(), QStringLiteral("n"));
        QVERIFY(dialog.okButton()->isEnabled());
    }

    void dialogsOfAClusterEnvironment()
    {
        // A cluster's nodes pull the images: the tags offered are those deployed before, and the
        // rollback options about a host's containers and volumes are not offered.
        Diagnostics findings;
        const std::optional<Workspace> workspace =
            parseWorkspace(u"launchdeck.yaml"_qs,
                           "targets: {cluster: {type: kubernetes, context: staging}}\n"
                           "environments: {staging: {target: cluster}}\n"
                           "applications: {web: {image: shop/web, version: \"1.0\"}}\n",
                           findings);
        QVERIFY(workspace);
        DeployDialog deploy(*workspace, fixedPreview,
                            [](const QString&, const QString&) -> Result<QStringList> {
                                return QStringList{u"1.1"_qs};
                            });
        deploy.show();
        QCOMPARE(deploy.versionBox()->toolTip(),
                 DeployDialog::tr("A tag deployed before, or any tag typed"));
        QTRY_COMPARE_WITH_TIMEOUT(deploy.versionBox()->count(), 1, kTimeoutMs);
        QCOMPARE(deploy.versionBox()->currentText(), u"1.0"_qs);
        // Server-side apply takes fields other managers own only when told to.
        QVERIFY(deploy.forceBox()->text().contains(u"other managers"));
        QVERIFY(!deploy.request().force);
        deploy.forceBox()->setChecked(true);
        QVERIFY(deploy.request().force);

        RollbackDialog rollback(*workspace, u"web"_qs, u"staging"_qs,
                                Revision{2, QStringLiteral("shop/web:1.1")}, fixedPreview, {});
        rollback.show();
        QVERIFY(!rollback.preserveDataBox()->isVisible());
        QVERIFY(!rollback.cleanUpBox()->isVisible());
        QVERIFY(rollback.forceBox()->isVisible());
        QVERIFY(rollback.forceBox()->text().contains(u"other managers"));
    }

    void progressViewFollowsEvents()
    {
        using Kind = deploy::DeploymentEvent::Kind;
        DeploymentProgressView view;
        QSignalSpy promote(&view, &DeploymentProgressView::promoteRequested);
        QSignalSpy cancel(&view, &DeploymentProgressView::cancelRequested);
        view.show();
        view.begin(QStringLiteral("Deploy of web 1.1 to production"), true);
        QVERIFY(view.cancelButton()->isEnabled());
        QVERIFY(!view.promoteButton()->isEnabled());
        QCOMPARE(view.stageState(DeploymentStage::Validating), kPending);

        view.applyEvent(makeEvent(Kind::Stage, DeploymentStage::Initialized, 0));
        view.applyEvent(makeEvent(Kind::Stage, DeploymentStage::Validating, 5, u"3 checks"_qs));
        QCOMPARE(view.stageState(DeploymentStage::Initialized), kDone);
        QCOMPARE(view.stageState(DeploymentStage::Validating), kRunning);

        deploy::DeploymentEvent validation =
            makeEvent(Kind::Validation, DeploymentStage::Validating, 8);
        validation.validation = {Severity::Medium, QStringLiteral("latest-tag"),
                                 QStringLiteral("the image has no fixed tag"),
                                 QDateTime::currentDateTimeUtc()};
        view.applyEvent(validation);
        QCOMPARE(view.validationView()->topLevelItemCount(), 1);
        QCOMPARE(view.validationView()->topLevelItem(0)->text(0), severityName(Severity::Medium));
        QCOMPARE(view.validationView()->topLevelItem(0)->text(1), u"latest-tag"_qs);
        QVERIFY(!view.validationView()->topLevelItem(0)->text(3).isEmpty());

        view.applyEvent(makeEvent(Kind::Stage, DeploymentStage::Testing, 20));
        deploy::DeploymentEvent test = makeEvent(Kind::Test, DeploymentStage::Testing, 25);
        test.test = {QStringLiteral("load test /"), true,
                     QJsonObject{{QStringLiteral("p95_ms"), 41}}, QDateTime::currentDateTimeUtc()};
        view.applyEvent(test);
        QCOMPARE(view.testView()->topLevelItemCount(), 1);
        QCOMPARE(view.testView()->topLevelItem(0)->text(0), u"load test /"_qs);
        QVERIFY(view.testView()->topLevelItem(0)->text(2).contains(u"p95_ms=41"));
        // A check that failed says why, in the log and on hover.
        deploy::DeploymentEvent start = makeEvent(Kind::Test, DeploymentStage::Testing, 26,
                                                  u"cannot create container: No command"_qs);
        start.test = {QStringLiteral("start"), false, {}, QDateTime::currentDateTimeUtc()};
        view.applyEvent(start);
        QVERIFY(
            view.logView()->toPlainText().contains(u"FAIL cannot create container: No command"));
        QCOMPARE(view.testView()->topLevelItem(1)->toolTip(1),
                 u"cannot create container: No command"_qs);

        deploy::DeploymentEvent progress = makeEvent(Kind::Progress, DeploymentStage::Testing, 55);
        progress.remainingMs = 90'000;
        view.applyEvent(progress);
        QCOMPARE(view.progressBar()->value(), 55);
        QVERIFY(!view.remainingLabel()->text().isEmpty());

        view.applyEvent(makeEvent(Kind::Stage, DeploymentStage::Deploying, 60));
        QVERIFY(!view.promoteButton()->isEnabled());
        view.applyEvent(makeEvent(Kind::Paused, DeploymentStage::Deploying, 70,
                                  u"paused at canary step 2: waiting for Promote"_qs));
        QVERIFY(view.promoteButton()->isEnabled());
        QTest::mouseClick(view.promoteButton(), Qt::LeftButton);
        QCOMPARE(promote.count(), 1);
        QVERIFY(!view.promoteButton()->isEnabled());
        QVERIFY(view.logView()->toPlainText().contains(u"waiting for Promote"));

        view.applyEvent(makeEvent(Kind::Stage, DeploymentStage::Failed, 80, u"error rate 7%"_qs));
        QCOMPARE(view.stageState(DeploymentStage::Deploying), kFailed);
        QCOMPARE(view.stageState(DeploymentStage::Failed), kFailed);
        view.applyEvent(makeEvent(Kind::Stage, DeploymentStage::RollingBack, 85));
        QCOMPARE(view.stageState(DeploymentStage::RollingBack), kRunning);
        QTest::mouseClick(view.cancelButton(), Qt::LeftButton);
        QCOMPARE(cancel.count(), 1);

        deploy::DeploymentEvent finished =
            makeEvent(Kind::Finished, DeploymentStage::RolledBack, 100);
        finished.status = DeploymentStatus::RolledBack;
        view.applyEvent(finished);
        QVERIFY(!view.isLive());
        QVERIFY(!view.cancelButton()->isEnabled());
        QVERIFY(!view.promoteButton()->isEnabled());
        QCOMPARE(view.progressBar()->value(), 100);
        // COMPLETED was never reached: it is not listed.
        QCOMPARE(view.stageState(DeploymentStage::Completed), -1);
    }

    void progressViewShowsRecord()
    {
        DeploymentProgressView view;
        DeploymentRecord record;
        record.id = QStringLiteral("d9");
        record.application = QStringLiteral("web");
        record.environment = QStringLiteral("staging");
        record.to = Revision{4, QStringLiteral("shop/web:1.3")};
        record.status = DeploymentStatus::Completed;
        record.durationMs = 65'000;
        const QDateTime start = QDateTime::currentDateTimeUtc();
        for (const DeploymentStage stage :
             {DeploymentStage::Initialized, DeploymentStage::Validating, DeploymentStage::Testing,
              DeploymentStage::Deploying, DeploymentStage::Monitoring, DeploymentStage::Completed})
            record.transitions.append({stage, start, {}});
        record.validations.append({Severity::Info, u"r"_qs, u"m"_qs, start});
        record.tests.append({u"smoke"_qs, false, {}, start});
        view.showRecord(record);
        QVERIFY(!view.isLive());
        QVERIFY(!view.cancelButton()->isEnabled());
        QCOMPARE(view.stageState(DeploymentStage::Monitoring), kDone);
        QCOMPARE(view.stageState(DeploymentStage::Completed), kDone);
        QCOMPARE(view.validationView()->topLevelItemCount(), 1);
        QCOMPARE(view.testView()->topLevelItemCount(), 1);
        QCOMPARE(view.testView()->topLevelItem(0)->text(1), u"failed"_qs);
    }

    void selectedCellShowsLatestDeployment()
    {
        QTemporaryDir data;
        QVERIFY(data.isValid());
        WorkspaceSession session(sessionOptions(data.path()));
        QVERIFY(session.openBlocking());
        DeploymentsTab tab(nullptr);
        const std::shared_ptr<DeploymentLedger> ledger = session.ledger();
        QVERIFY(ledger);

        // Staging: an older deploy and the newest with its stages, a finding and a test.
        const QDateTime start = QDateTime::currentDateTimeUtc().addSecs(-600);
        DeploymentStart older;
        older.application = QStringLiteral("web");
        older.environment = QStringLiteral("staging");
        older.to = Revision{1, QStringLiteral("shop/web:1.0")};
        older.startedAt = start;
        const Result<QString> first = ledger->begin(older);
        QVERIFY(first);
        QVERIFY(ledger->finish(*first, DeploymentStatus::Completed, start.addSecs(30)));
        DeploymentStart newest = older;
        newest.from = older.to;
        newest.to = Revision{2, QStringLiteral("shop/web:1.1")};
        newest.startedAt = start.addSecs(60);
        const Result<QString> second = ledger->begin(newest);
        QVERIFY(second);
        int offset = 61;
        for (const DeploymentStage stage :
             {DeploymentStage::Validating, DeploymentStage::Testing, DeploymentStage::Deploying,
              DeploymentStage::Monitoring, DeploymentStage::Completed})
            QVERIFY(ledger->recordTransition(*second, stage, start.addSecs(offset++)));
        QVERIFY(ledger->recordValidation(
            *second, {Severity::Low, u"latest-tag"_qs, u"no fixed tag"_qs, start.addSecs(61)}));
        QVERIFY(ledger->recordTest(*second, {u"smoke /"_qs, true, {}, start.addSecs(62)}));
        QVERIFY(ledger->finish(*second, DeploymentStatus::Completed, start.addSecs(70),
                               u"revision 2 (shop/web:1.1) is live"_qs));
        // Production: a rollback.
        DeploymentStart rollback = older;
        rollback.environment = QStringLiteral("production");
        rollback.kind = DeploymentKind::Rollback;
        rollback.reason = QStringLiteral("error rate");
        rollback.startedAt = start.addSecs(120);
        const Result<QString> third = ledger->begin(rollback);
        QVERIFY(third);
        QVERIFY(ledger->recordTransition(*third, DeploymentStage::Validating, start.addSecs(121)));
        QVERIFY(ledger->recordTransition(*third, DeploymentStage::RollingBack, start.addSecs(122)));
        QVERIFY(ledger->recordTransition(*third, DeploymentStage::Completed, start.addSecs(123)));
        QVERIFY(ledger->finish(*third, DeploymentStatus::Completed, start.addSecs(123)));

        // The first cell is selected as the workspace arrives: its newest deployment is shown
        // before any history row is picked.
        tab.setSession(&session);
        QCOMPARE(tab.selectedEnvironment(), u"staging"_qs);
        DeploymentProgressView* view = tab.progressView();
        QTRY_VERIFY_WITH_TIMEOUT(view->title().contains(u"shop/web:1.1"), kTimeoutMs);
        QVERIFY(!view->isLive());
        QCOMPARE(view->stageState(DeploymentStage::Monitoring), kDone);
        QCOMPARE(view->stageState(DeploymentStage::Completed), kDone);
        QVERIFY(!view->stagesView()->topLevelItem(4)->text(1).isEmpty());
        QCOMPARE(view->validationView()->topLevelItemCount(), 1);
        QCOMPARE(view->testView()->topLevelItemCount(), 1);
        QVERIFY(view->logView()->toPlainText().contains(u"revision 2 (shop/web:1.1) is live"));
        QVERIFY(!tab.historyView()->currentIndex().isValid());

        tab.selectPair(u"web"_qs, u"production"_qs);
        QTRY_VERIFY_WITH_TIMEOUT(view->title().startsWith(u"Rollback of web in production"),
                                 kTimeoutMs);
        QCOMPARE(view->stagesView()->topLevelItemCount(), 4);
        QCOMPARE(view->stagesView()->topLevelItem(2)->text(0), QStringLiteral("Rolling back"));
        QVERIFY(view->logView()->toPlainText().contains(u"error rate"));

        tab.selectPair(u"web"_qs, u"staging"_qs);
        QTRY_VERIFY_WITH_TIMEOUT(view->title().contains(u"shop/web:1.1"), kTimeoutMs);
    }

    void tabRunsDeploymentAndMarksMetrics()
    {
        QTemporaryDir data;
        QVERIFY(data.isValid());

        MetricsStore metrics;
        DockerContainer container;
        container.id = QStringLiteral("c0ffee");
        container.name = QStringLiteral("web-production-r1-blue1");
        container.state = QStringLiteral("running");
        DockerContainer other = container;
        other.id = QStringLiteral("beef");
        other.name = QStringLiteral("web-staging-r1-blue1");
        metrics.updateContainers(QStringLiteral("local"), {container, other});
        QCOMPARE(metrics.containers().size(), 2);

        DeploymentsTab tab(&metrics);
        QAbstractItemModelTester matrixTester(
            tab.matrix(), QAbstractItemModelTester::FailureReportingMode::QtTest);
        QAbstractItemModelTester historyTester(
            tab.history(), QAbstractItemModelTester::FailureReportingMode::QtTest);
        tab.resize(1200, 800);
        tab.show();
        QVERIFY(!tab.isReady());
        QVERIFY(!tab.deployButton()->isEnabled());
        QVERIFY(!tab.openDeployDialog());

        QSignalSpy reconciled(&tab, &DeploymentsTab::reconciled);
        QSignalSpy refreshed(&tab, &DeploymentsTab::statusRefreshed);
        WorkspaceSession session(sessionOptions(data.path()));
        tab.setSession(&session);
        session.open();
        QTRY_VERIFY_WITH_TIMEOUT(tab.isReady(), kTimeoutMs);
        QTRY_COMPARE_WITH_TIMEOUT(reconciled.count(), 1, kTimeoutMs);
        QCOMPARE(reconciled.first().at(0).toInt(), 0);
        QTRY_VERIFY_WITH_TIMEOUT(refreshed.count() >= 1, kTimeoutMs);
        QCOMPARE(tab.matrix()->rowCount(), 1);
        QCOMPARE(tab.matrix()->columnCount(), 2);
        const QModelIndex production =
            tab.matrix()->index(0, tab.matrix()->columnOf(u"production"_qs));
        QVERIFY(production.data(DeploymentMatrixModel::KnownRole).toBool());
        // The host is not there: the cell says so instead of a revision.
        QVERIFY(!production.data(DeploymentMatrixModel::HostErrorRole).toString().isEmpty());
        QVERIFY(tab.deployButton()->isEnabled());

        // A wrong name for the protected environment: no job, nothing in the ledger.
        tab.selectPair(u"web"_qs, u"production"_qs);
        QCOMPARE(tab.selectedEnvironment(), u"production"_qs);
        QPointer<DeployDialog> dialog = tab.openDeployDialog();
        QVERIFY(dialog);
        QCOMPARE(dialog->environmentBox()->currentText(), u"production"_qs);
        QTest::keyClicks(dialog->protection()->edit(), QStringLiteral("prod"));
        QVERIFY(!dialog->okButton()->isEnabled());
        QTest::mouseClick(dialog->okButton(), Qt::LeftButton);
        QTest::keyClick(dialog->protection()->edit(), Qt::Key_Return);
        QVERIFY(dialog->isVisible());
        QCOMPARE(tab.runningJobs(), 0);
        QVERIFY(!tab.isRunning(u"web"_qs, u"production"_qs));
        QVERIFY(tab.context().ledger->list().isEmpty());

        // The right name starts it; without a host it fails, and the pair's container on the
        // Live Metrics gets a deploy marker, the other pair's does not.
        QSignalSpy started(&tab, &DeploymentsTab::deploymentStarted);
        QSignalSpy finished(&tab, &DeploymentsTab::deploymentFinished);
        dialog->protection()->edit()->clear();
        QTest::keyClicks(dialog->protection()->edit(), QStringLiteral("production"));
        QVERIFY(dialog->okButton()->isEnabled());
        QTest::mouseClick(dialog->okButton(), Qt::LeftButton);
        QCOMPARE(started.count(), 1);
        QTRY_VERIFY(!dialog);
        QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 1, kTimeoutMs);
        const auto status = finished.first().at(2).value<DeploymentStatus>();
        QVERIFY(status != DeploymentStatus::Completed);
        QCOMPARE(tab.runningJobs(), 0);
        QVERIFY(!tab.progressView()->isLive());
        QVERIFY(!tab.progressView()->logView()->toPlainText().isEmpty());

        const QList<MetricsMarker> marked =
            metrics.markers({QStringLiteral("local"), QStringLiteral("c0ffee")}, 0,
                            std::numeric_limits<qint64>::max());
        QCOMPARE(marked.size(), 1);
        QCOMPARE(marked.first().kind, MetricsMarkerKind::Deploy);
        QVERIFY(metrics
                    .markers({QStringLiteral("local"), QStringLiteral("beef")}, 0,
                             std::numeric_limits<qint64>::max())
                    .isEmpty());

        // The failure is said in the banner, naming the host; the cell's progress is gone.
        QVERIFY(tab.banner()->isVisible());
        QVERIFY(tab.banner()->text().contains(u"absent.sock"));
        QCOMPARE(production.data(DeploymentMatrixModel::ProgressRole).toInt(), -1);
        QVERIFY(tab.rollbackButton()->isEnabled());
    }
};

QTEST_MAIN(TestDeploymentsTab)
#include "tst_deploymentstab.moc"
