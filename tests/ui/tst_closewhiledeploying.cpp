// Closing the console while a deployment is in MONITORING on a real dockerd with HAProxy: the
// window asks what becomes of it, and whichever the answer — wait for it, cancel it (it rolls
// back, traffic having moved), or leave it to the next start — the event loop keeps turning: a
// timer ticking every 10 ms is never held up for long while the deployment goes on, rolls back
// or is left behind.
#include "deploymentmatrixmodel.h"
#include "deploymentprogressview.h"
#include "deploymentstab.h"
#include "fakes/deploytestbed.h"
#include "mainwindow.h"
#include "session/workspacesession.h"

#include <QElapsedTimer>
#include <QMessageBox>
#include <QPointer>
#include <QPushButton>
#include <QTest>
#include <QTimer>

#include <memory>

using namespace launchdeck;
using launchdeck::test::deployRequest;
using launchdeck::test::DeployTestBed;

namespace {

const QString kStaging = QStringLiteral("staging");
constexpr int kStageTimeoutMs = 180'000;
constexpr int kReadyTimeoutMs = 30'000;
// Generous: the figure expected is tens of milliseconds; a GUI thread that joins a rollback
// would be held up for seconds.
constexpr qint64 kWorstLatenessMs = 2'000;

// How late a 10 ms timer fires, at worst, while it runs.
class LatenessProbe final
{
public:
    LatenessProbe()
    {
        m_timer.setTimerType(Qt::PreciseTimer);
        m_timer.setInterval(10);
        QObject::connect(&m_timer, &QTimer::timeout, &m_timer,
                         [this] { m_worst = std::max(m_worst, m_since.restart() - 10); });
        m_since.start();
        m_timer.start();
    }

    qint64 worst() const { return m_worst; }

private:
    QTimer m_timer;
    QElapsedTimer m_since;
    qint64 m_worst = 0;
};

} // namespace

class TestCloseWhileDeploying final : public QObject
{
    Q_OBJECT

private:
    std::unique_ptr<DeployTestBed> m_bed;
    std::unique_ptr<MainWindow> m_window;
    QPointer<WorkspaceSession> m_session;

    // A window on a workspace monitored for ten minutes whose deployment of `application` v1 in
    // staging, started from its Deployments tab, is in MONITORING.
    void openAndDeploy(const QString& application)
    {
        const auto ws = m_bed->monitoredWorkspace(application);
        QVERIFY(ws);
        m_window = std::make_unique<MainWindow>(m_bed->dataDir());
        m_window->resize(1400, 900);
        m_window->show();
        m_window->openWorkspace(ws->context.workspace.root);
        DeploymentsTab* tab = m_window->deploymentsTab();
        QTRY_VERIFY_WITH_TIMEOUT(tab->isReady() && tab->matrix()->rowOf(application) >= 0 &&
                                     tab->refreshButton(),
                                 kReadyTimeoutMs);
        m_session = m_window->session();
        QVERIFY(m_session);
        QVERIFY(tab->start(deployRequest(application, QStringLiteral("v1"))));
        const QModelIndex cell = tab->matrix()->index(tab->matrix()->rowOf(application),
                                                      tab->matrix()->columnOf(kStaging));
        QTRY_VERIFY2_WITH_TIMEOUT(
            cell.data(DeploymentMatrixModel::StageRole).toString() ==
                    QStringLiteral("Monitoring") ||
                m_session->runningDeployments() == 0,
            qPrintable(cell.data(DeploymentMatrixModel::StageRole).toString()), kStageTimeoutMs);
        QCOMPARE(m_session->runningDeployments(), 1);
    }

    // Closes the window and answers the question with the button named `answer`.
    void closeAndAnswer(const QString& answer)
    {
        m_window->close();
        QTRY_VERIFY_WITH_TIMEOUT(m_window->workQuestion(), kReadyTimeoutMs);
        QVERIFY(m_window->isVisible());
        auto* button = m_window->workQuestion()->findChild<QPushButton*>(answer);
        QVERIFY2(button, qPrintable(answer));
        button->click();
    }

    std::optional<DeploymentRecord> onlyRecord(const QString& application) const
    {
        DeploymentFilter filter;
        filter.application = application;
        const QList<DeploymentRecord> records = m_bed->ledger()->list(filter);
        if (records.size() != 1)
            return std::nullopt;
        return records.first();
    }

    // The deployment ended rolled back, and the session, idle, went with the window.
    void rolledBackAndReleased(const QString& application, const LatenessProbe& probe,
                               const char* what)
    {
        const std::optional<DeploymentRecord> record = onlyRecord(application);
        QVERIFY(record);
        QVERIFY(record->status);
        QCOMPARE(*record->status, DeploymentStatus::RolledBack);
        m_window.reset();
        QVERIFY(!m_session);
        report(probe, what);
    }

    static void report(const LatenessProbe& probe, const char* what)
    {
        qInfo("%s: the 10 ms timer was late by %lld ms at worst", what,
              static_cast<long long>(probe.worst()));
        QVERIFY2(probe.worst() < kWorstLatenessMs,
                 qPrintable(QStringLiteral("the event loop stalled for %1 ms (bound %2 ms)")
                                .arg(probe.worst())
                                .arg(kWorstLatenessMs)));
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
        m_window.reset();
        // A deployment left running (or a failed check) ends here, and its session with it.
        if (m_session) {
            m_session->cancelAll();
            QTRY_VERIFY_WITH_TIMEOUT(!m_session, kStageTimeoutMs);
        }
        m_bed->clearHost();
    }

    void cleanupTestCase() { m_bed.reset(); }

    void closeAndWaitForIt()
    {
        const QString application = QStringLiteral("waited");
        openAndDeploy(application);
        if (QTest::currentTestFailed())
            return;
        LatenessProbe probe;
        closeAndAnswer(QStringLiteral("waitButton"));
        // It goes on, and so does the window.
        QTest::qWait(2'000);
        QVERIFY(m_window->isVisible());
        QCOMPARE(m_session->runningDeployments(), 1);
        // Ended from the window meanwhile (after traffic moved it rolls back), the window closes.
        QPushButton* cancel = m_window->deploymentsTab()->progressView()->cancelButton();
        QVERIFY(cancel->isEnabled());
        cancel->click();
        QTRY_VERIFY_WITH_TIMEOUT(!m_window->isVisible(), kStageTimeoutMs);
        rolledBackAndReleased(application, probe, "wait");
    }

    void closeAndCancelIt()
    {
        const QString application = QStringLiteral("cancelled");
        openAndDeploy(application);
        if (QTest::currentTestFailed())
            return;
        LatenessProbe probe;
        closeAndAnswer(QStringLiteral("cancelButton"));
        // The rollback runs on the job's thread; the window stays until it has ended.
        QVERIFY(m_window->isVisible());
        QTRY_VERIFY_WITH_TIMEOUT(!m_window->isVisible(), kStageTimeoutMs);
        QVERIFY(!m_window->leavesWorkRunning());
        rolledBackAndReleased(application, probe, "cancel");
    }

    void closeAndLeaveIt()
    {
        const QString application = QStringLiteral("left");
        openAndDeploy(application);
        if (QTest::currentTestFailed())
            return;
        LatenessProbe probe;
        closeAndAnswer(QStringLiteral("leaveButton"));
        QTRY_VERIFY_WITH_TIMEOUT(!m_window->isVisible(), kReadyTimeoutMs);
        QVERIFY(m_window->leavesWorkRunning());
        // Nothing was cancelled or rolled back: the ledger still has it in MONITORING, for the
        // next start's reconciliation.
        QTest::qWait(1'000);
        const std::optional<DeploymentRecord> record = onlyRecord(application);
        QVERIFY(record);
        QVERIFY(!record->status);
        QCOMPARE(record->stage, DeploymentStage::Monitoring);
        // Nor does the window's end wait for it.
        m_window.reset();
        QVERIFY(m_session);
        QCOMPARE(m_session->runningDeployments(), 1);
        QTest::qWait(500);
        report(probe, "leave");
    }
};

QTEST_MAIN(TestCloseWhileDeploying)
#include "tst_closewhiledeploying.moc"
