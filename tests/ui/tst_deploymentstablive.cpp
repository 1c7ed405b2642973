// The Deployments tab while a first deployment is in MONITORING on a real dockerd with HAProxy:
// whether the tab runs the job or another console does, the cell shows the revision rolled out
// with its healthy replicas, and the pair's history lists the running deployment first, then
// the same row with how it ended.
#include "deploy/deploymentengine.h"
#include "deploydialog.h"
#include "deploymentcelldelegate.h"
#include "deploymenthistorymodel.h"
#include "deploymentmatrixmodel.h"
#include "deploymentprogressview.h"
#include "deploymentstab.h"
#include "fakes/deploytestbed.h"
#include "fakes/kubeapiserver.h"
#include "session/workspacesession.h"

#include <QAbstractItemModelTester>
#include <QComboBox>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

#include <memory>

using namespace launchdeck;
using launchdeck::test::DeployAppOptions;
using launchdeck::test::deployRequest;
using launchdeck::test::DeployTestBed;
using launchdeck::test::DeployWorkspace;

namespace {

const QString kStaging = QStringLiteral("staging");
constexpr int kStageTimeoutMs = 180'000;
constexpr int kReadyTimeoutMs = 30'000;
// The tab asks the host every few seconds, and Docker's own health check runs with a 1 s
// timeout: on a busy host one late answer reads as unhealthy until the next check passes.
constexpr int kHealthyTimeoutMs = 60'000;

// The words the tab shows, written out here rather than taken from the code under test.
QString statusWord(DeploymentStatus status)
{
    switch (status) {
    case DeploymentStatus::Completed:
        return QStringLiteral("Completed");
    case DeploymentStatus::Failed:
        return QStringLiteral("Failed");
    case DeploymentStatus::RolledBack:
        return QStringLiteral("Rolled back");
    case DeploymentStatus::Cancelled:
        return QStringLiteral("Cancelled");
    case DeploymentStatus::Interrupted:
        return QStringLiteral("Interrupted");
    }
    return {};
}

// The Deployment "web" of staging as Launchdeck makes it (labels, revision 1 on its template),
// created directly on the cluster.
QJsonObject clusterDeployment()
{
    const QJsonObject labels{{QStringLiteral("app.kubernetes.io/name"), QStringLiteral("web")},
                             {QStringLiteral("launchdeck.dev/environment"), kStaging},
                             {QStringLiteral("launchdeck.dev/track"), QStringLiteral("stable")}};
    const QJsonObject container{{QStringLiteral("name"), QStringLiteral("web")},
                                {QStringLiteral("image"), QStringLiteral("shop/web:1.0")}};
    const QJsonObject podTemplate{
        {QStringLiteral("metadata"),
         QJsonObject{
             {QStringLiteral("labels"), labels},
             {QStringLiteral("annotations"),
              QJsonObject{{QStringLiteral("launchdeck.dev/revision"), QStringLiteral("1")}}}}},
        {QStringLiteral("spec"),
         QJsonObject{{QStringLiteral("containers"), QJsonArray{container}}}}};
    return QJsonObject{
        {QStringLiteral("apiVersion"), QStringLiteral("apps/v1")},
        {QStringLiteral("kind"), QStringLiteral("Deployment")},
        {QStringLiteral("metadata"), QJsonObject{{QStringLiteral("name"), QStringLiteral("web")},
                                                 {QStringLiteral("labels"), labels}}},
        {QStringLiteral("spec"), QJsonObject{{QStringLiteral("replicas"), 2},
                                             {QStringLiteral("selector"),
                                              QJsonObject{{QStringLiteral("matchLabels"), labels}}},
                                             {QStringLiteral("template"), podTemplate}}}};
}

QString firstRow(const DeploymentHistoryModel& history)
{
    if (history.rowCount() == 0)
        return QStringLiteral("(no rows)");
    return history.index(0, DeploymentHistoryModel::Revision).data().toString() + u" | " +
           history.index(0, DeploymentHistoryModel::Status).data().toString();
}

} // namespace

class TestDeploymentsTabLive final : public QObject
{
    Q_OBJECT

private:
    std::unique_ptr<DeployTestBed> m_bed;
    std::unique_ptr<WorkspaceSession> m_session; // the tab's, which owns the jobs it starts

    std::optional<DeployWorkspace> workspace(const QString& application)
    {
        return m_bed->monitoredWorkspace(application);
    }

    // A tab on the workspace and on the test bed's history database, ready, with `application`
    // in staging selected and its (empty) history shown.
    std::unique_ptr<DeploymentsTab> openTab(const DeployWorkspace& ws, const QString& dataDir,
                                            const QString& application)
    {
        SessionOptions options;
        options.root = ws.context.workspace.root;
        options.dataDir = dataDir;
        options.useKeyring = false;
        options.connectHosts = false;
        m_session = std::make_unique<WorkspaceSession>(options);
        auto tab = std::make_unique<DeploymentsTab>(nullptr);
        tab->resize(1200, 800);
        tab->show();
        QSignalSpy reconciled(tab.get(), &DeploymentsTab::reconciled);
        QSignalSpy refreshed(tab.get(), &DeploymentsTab::statusRefreshed);
        // The first cell is selected as the workspace arrives, and its history read.
        QSignalSpy shown(tab.get(), &DeploymentsTab::historyShown);
        tab->setSession(m_session.get());
        m_session->open();
        if (!QTest::qWaitFor([&] { return reconciled.count() == 1 && refreshed.count() >= 1; },
                             kReadyTimeoutMs)) {
            qWarning("the tab did not become ready");
            return {};
        }
        tab->selectPair(application, kStaging);
        if (!QTest::qWaitFor(
                [&] {
                    return shown.count() >= 1 && tab->history()->application() == application &&
                           tab->history()->environment() == kStaging;
                },
                kReadyTimeoutMs)) {
            qWarning("the history of %s in staging was not shown", qPrintable(application));
            return {};
        }
        return tab;
    }

    static QModelIndex cell(const DeploymentsTab& tab, const QString& application)
    {
        return tab.matrix()->index(tab.matrix()->rowOf(application),
                                   tab.matrix()->columnOf(kStaging));
    }

    // The cell and the history while the first deployment `id` of `application` is in
    // MONITORING.
    static void checkMonitoring(const DeploymentsTab& tab, const QString& application,
                                const QString& id)
    {
        const DeploymentHistoryModel& history = *tab.history();
        QTRY_VERIFY2_WITH_TIMEOUT(
            history.rowCount() == 1 &&
                history.index(0, DeploymentHistoryModel::Status).data().toString() ==
                    QStringLiteral("Running: Monitoring"),
            qPrintable(firstRow(history)), kHealthyTimeoutMs);
        QCOMPARE(history.index(0, 0).data(DeploymentHistoryModel::IdRole).toString(), id);
        QVERIFY2(history.index(0, DeploymentHistoryModel::Revision)
                     .data()
                     .toString()
                     .contains(u"app:v1"),
                 qPrintable(firstRow(history)));

        const QModelIndex where = cell(tab, application);
        const QString revision = u"r1 · v1 ("_qs + QStringLiteral("monitoring") + u')';
        const QString health = QStringLiteral("healthy") + u"  2/2";
        QTRY_VERIFY2_WITH_TIMEOUT(DeploymentCellDelegate::lines(where).revision == revision &&
                                      DeploymentCellDelegate::lines(where).health == health,
                                  qPrintable(DeploymentCellDelegate::lines(where).revision +
                                             u" | " + DeploymentCellDelegate::lines(where).health),
                                  kHealthyTimeoutMs);
        QCOMPARE(where.data(DeploymentMatrixModel::RolloutRevisionRole).toInt(), 1);
        QCOMPARE(where.data(DeploymentMatrixModel::RevisionRole).toInt(), 0);
    }

private Q_SLOTS:
    void initTestCase()
    {
        m_bed = std::make_unique<DeployTestBed>();
        QString error;
        QVERIFY2(m_bed->start(&error), qPrintable(error));
    }

    void cleanup()
    {
        // A job still running (a failed check) is cancelled and joined with its session.
        m_session.reset();
        m_bed->clearHost();
    }

    void cleanupTestCase() { m_bed.reset(); }

    void deploymentRunElsewhere()
    {
        const QString application = QStringLiteral("elsewhere");
        const auto ws = workspace(application);
        QVERIFY(ws);
        const std::unique_ptr<DeploymentsTab> tab = openTab(*ws, m_bed->dataDir(), application);
        QVERIFY(tab);
        QAbstractItemModelTester matrixTester(
            tab->matrix(), QAbstractItemModelTester::FailureReportingMode::QtTest);
        QAbstractItemModelTester historyTester(
            tab->history(), QAbstractItemModelTester::FailureReportingMode::QtTest);
        QCOMPARE(tab->history()->rowCount(), 0);
        QSignalSpy historyReset(tab->history(), &QAbstractItemModel::modelReset);

        // A job the tab did not start, on a ledger of its own: to the tab, another console.
        deploy::DeploymentJob job(ws->context, deployRequest(application, QStringLiteral("v1")));
        QObject receiver;
        bool monitoring = false;
        connect(&job, &deploy::DeploymentJob::reported, &receiver,
                [&](const deploy::DeploymentEvent& event) {
                    monitoring =
                        monitoring || (event.kind == deploy::DeploymentEvent::Kind::Stage &&
                                       event.stage == DeploymentStage::Monitoring);
                });
        job.start();
        QVERIFY(QTest::qWaitFor([&] { return monitoring || !job.isRunning(); }, kStageTimeoutMs));
        QVERIFY2(monitoring, qPrintable(deploymentStatusName(
                                 job.status().value_or(DeploymentStatus::Interrupted))));
        QCOMPARE(tab->runningJobs(), 0);
        checkMonitoring(*tab, application, job.deploymentId());
        if (QTest::currentTestFailed())
            return; // the tab cancels its job as it goes, the job's destructor its own
        // The details beside the history follow it too, though it began after the selection.
        QTRY_VERIFY2_WITH_TIMEOUT(tab->progressView()->stageState(DeploymentStage::Monitoring) ==
                                      int(DeploymentProgressView::StageState::Running),
                                  qPrintable(tab->progressView()->title()), kReadyTimeoutMs);
        QVERIFY2(tab->progressView()->title().contains(u"app:v1"),
                 qPrintable(tab->progressView()->title()));
        QVERIFY(DeploymentCellDelegate::lines(cell(*tab, application))
                    .last.startsWith(
                        DeploymentCellDelegate::tr("Running elsewhere: %1").arg(QString())));

        // It ends: the same row says how.
        job.cancel();
        QVERIFY(job.wait(std::chrono::milliseconds(kStageTimeoutMs)));
        QVERIFY(job.status());
        const QString ended = statusWord(*job.status());
        QTRY_VERIFY2_WITH_TIMEOUT(
            tab->history()->index(0, DeploymentHistoryModel::Status).data().toString() == ended,
            qPrintable(firstRow(*tab->history())), kReadyTimeoutMs);
        QCOMPARE(tab->history()->rowCount(), 1);
        QCOMPARE(historyReset.count(), 0);
    }

    void clusterPairFollowsItsDeployment()
    {
        // A cell of an environment on a cluster: the Deployment's template says the revision,
        // its ready replicas the health, and a scale the cluster reports moves the cell. The
        // Deploy dialog offers the tags the history has seen, since the nodes pull the images.
        launchdeck::test::KubeApiServer server;
        QString error;
        QVERIFY2(server.start(&error), qPrintable(error));
        QTemporaryDir folder;
        QVERIFY(folder.isValid());
        QFile file(folder.filePath(QStringLiteral("launchdeck.yaml")));
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write(QStringLiteral("targets:\n"
                                  "  fake: {type: kubernetes, kubeconfig: \"%1\", context: cert}\n"
                                  "environments:\n"
                                  "  staging: {target: fake}\n"
                                  "applications:\n"
                                  "  web: {image: shop/web, version: \"1.0\", replicas: 2}\n")
                       .arg(server.kubeconfigPath())
                       .toUtf8());
        file.close();
        const launchdeck::test::KubeAnswer created =
            server.request("POST", QStringLiteral("/apis/apps/v1/namespaces/default/deployments"),
                           QJsonDocument(clusterDeployment()).toJson());
        QVERIFY2(created.status == 201, created.body.constData());

        QTemporaryDir data;
        SessionOptions options;
        options.root = folder.path();
        options.dataDir = data.path();
        options.useKeyring = false;
        options.watchAlerts = false;
        m_session = std::make_unique<WorkspaceSession>(options);
        DeploymentsTab tab(nullptr);
        QAbstractItemModelTester matrixTester(
            tab.matrix(), QAbstractItemModelTester::FailureReportingMode::QtTest);
        tab.resize(1200, 800);
        tab.show();
        tab.setSession(m_session.get());
        m_session->open();
        const auto where = [&tab] {
            return cell(tab, QStringLiteral("web"));
        };
        const auto shown = [&]() -> QString {
            const DeploymentCellDelegate::Lines lines = DeploymentCellDelegate::lines(where());
            return lines.revision + u" | " + lines.health;
        };
        QTRY_VERIFY2_WITH_TIMEOUT(shown() == u"r1 · 1.0 | healthy  2/2"_qs, qPrintable(shown()),
                                  kHealthyTimeoutMs);

        const launchdeck::test::KubeAnswer scaled =
            server.patch(QStringLiteral("/apis/apps/v1/namespaces/default/deployments/web/scale"),
                         R"({"spec":{"replicas":3}})", "application/merge-patch+json");
        QVERIFY2(scaled.status == 200, scaled.body.constData());
        QTRY_VERIFY2_WITH_TIMEOUT(shown() == u"r1 · 1.0 | healthy  3/3"_qs, qPrintable(shown()),
                                  kHealthyTimeoutMs);

        // A version deployed to another environment is offered for this one.
        DeploymentStart start;
        start.application = QStringLiteral("web");
        start.environment = QStringLiteral("qa");
        start.to = Revision{1, QStringLiteral("shop/web:1.3")};
        start.strategy = QStringLiteral("rolling");
        const Result<QString> id = m_session->ledger()->begin(start);
        QVERIFY(id);
        QVERIFY(m_session->ledger()->finish(*id, DeploymentStatus::Completed));
        DeployDialog* dialog = tab.openDeployDialog();
        QVERIFY(dialog);
        dialog->select(QStringLiteral("web"), kStaging);
        QTRY_VERIFY_WITH_TIMEOUT(dialog->versionBox()->findText(QStringLiteral("1.3")) >= 0,
                                 kReadyTimeoutMs);
        dialog->reject();
    }

    void deploymentRunHere()
    {
        const QString application = QStringLiteral("here");
        const auto ws = workspace(application);
        QVERIFY(ws);
        const std::unique_ptr<DeploymentsTab> tab = openTab(*ws, m_bed->dataDir(), application);
        QVERIFY(tab);
        QAbstractItemModelTester historyTester(
            tab->history(), QAbstractItemModelTester::FailureReportingMode::QtTest);
        QSignalSpy historyReset(tab->history(), &QAbstractItemModel::modelReset);
        QSignalSpy finished(tab.get(), &DeploymentsTab::deploymentFinished);

        QVERIFY(tab->start(deployRequest(application, QStringLiteral("v1"))));
        const QModelIndex where = cell(*tab, application);
        QTRY_VERIFY_WITH_TIMEOUT(where.data(DeploymentMatrixModel::StageRole).toString() ==
                                         QStringLiteral("Monitoring") ||
                                     finished.count() > 0,
                                 kStageTimeoutMs);
        QCOMPARE(finished.count(), 0);
        QCOMPARE(tab->runningJobs(), 1);
        const std::shared_ptr<DeploymentLedger> ledger = tab->context().ledger;
        DeploymentFilter filter;
        filter.unfinishedOnly = true;
        const QList<DeploymentRecord> running = ledger->list(filter);
        QCOMPARE(running.size(), 1);
        checkMonitoring(*tab, application, running.first().id);
        if (QTest::currentTestFailed())
            return; // the tab cancels its job as it goes, the job's destructor its own

        QVERIFY(tab->progressView()->cancelButton()->isEnabled());
        tab->progressView()->cancelButton()->click();
        QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 1, kStageTimeoutMs);
        const auto status = finished.first().at(2).value<DeploymentStatus>();
        QTRY_VERIFY2_WITH_TIMEOUT(
            tab->history()->index(0, DeploymentHistoryModel::Status).data().toString() ==
                statusWord(status),
            qPrintable(firstRow(*tab->history())), kReadyTimeoutMs);
        QCOMPARE(tab->history()->rowCount(), 1);
        QCOMPARE(historyReset.count(), 0);
        // The details go on showing the job's log once it is over and shown from the ledger
        // again (which keeps stages and findings, not log lines).
        QTest::qWait(1000);
        const QString log = tab->progressView()->logView()->toPlainText();
        QVERIFY2(log.contains(u"monitoring for"_qs) && log.contains(u"Validating"_qs),
                 qPrintable(log));
        QVERIFY(!tab->progressView()->isLive());
        QVERIFY(!tab->progressView()->cancelButton()->isEnabled());
    }
};

QTEST_MAIN(TestDeploymentsTabLive)
#include "tst_deploymentstablive.moc"
