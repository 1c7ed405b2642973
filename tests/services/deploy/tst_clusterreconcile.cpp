// A console killed in each stage of a deployment on a cluster, then reconciled, against the fake
// API server: the deployment runs in a child process (this program started again) whose job
// stops for good at a chosen point of a stage; the child is killed with SIGKILL there, and
// reconcileInterrupted() must mark the deployment INTERRUPTED and bring the pair back to the
// revision the ledger has live, after which the next deployment goes through as usual.
#include "clusterdeploytesting.h"

#include "store/historystore.h"

#include <QCoreApplication>
#include <QProcess>
#include <QTest>

#include <csignal>
#include <cstdio>
#include <thread>

using namespace launchdeck;
using namespace launchdeck::deploy;
using namespace launchdeck::test;

namespace {

using namespace std::chrono_literals;

const char kChildFlag[] = "--frozen-deploy";

void say(const QString& line)
{
    std::fputs(qPrintable(line + u'\n'), stdout);
    std::fflush(stdout);
}

// The child: `--frozen-deploy ROOT DATADIR APP VERSION STAGE MARK`. Deploys VERSION and, at
// the first event of STAGE whose text contains MARK (any event when MARK is empty), prints
// "FROZEN <id>" and holds the job's thread there until the process is killed. Every event is
// printed as it happens, for the parent's failure messages.
int runFrozenDeployment(int argc, char** argv)
{
    QCoreApplication app(argc, argv);
    const QStringList arguments = QCoreApplication::arguments();
    if (arguments.size() != 8) {
        say(u"usage: --frozen-deploy ROOT DATADIR APP VERSION STAGE MARK"_qs);
        return 2;
    }
    const QString root = arguments.at(2);
    const QString dataDir = arguments.at(3);
    const std::optional<DeploymentStage> stage = deploymentStageFromName(arguments.at(6));
    const QString mark = arguments.at(7);
    HistoryStore store(dataDir);
    if (const Result<int> opened = store.open(); !opened || !stage) {
        say(u"cannot open the history in "_qs + dataDir);
        return 2;
    }
    Diagnostics findings;
    const std::optional<Workspace> workspace = loadWorkspace(root, findings);
    if (!workspace) {
        say(u"cannot load the workspace in "_qs + root);
        return 2;
    }
    DeploymentContext context;
    context.workspace = *workspace;
    context.dataDir = dataDir;
    context.ledger = std::make_shared<DeploymentLedger>(store);
    context.useKeyring = false;

    DeploymentJob job(context, clusterDeploy(arguments.at(4), arguments.at(5)));
    bool frozen = false;
    // Direct: the handler runs on the job's own thread, which it stops exactly there.
    QObject::connect(
        &job, &DeploymentJob::reported, &app,
        [&](const DeploymentEvent& event) {
            say(u"EVENT [%1] %2"_qs.arg(deploymentStageName(event.stage), event.text));
            if (frozen || event.stage != *stage ||
                (!mark.isEmpty() && !(event.kind == DeploymentEvent::Kind::Log &&
                                      event.text.contains(mark, Qt::CaseInsensitive))))
                return;
            frozen = true;
            say(u"FROZEN "_qs + event.deploymentId);
            while (true)
                std::this_thread::sleep_for(1h);
        },
        Qt::DirectConnection);
    QObject::connect(&job, &DeploymentJob::finished, &app,
                     [&](DeploymentStatus status, const QString& message) {
                         say(u"FINISHED %1 %2"_qs.arg(deploymentStatusName(status), message));
                         QCoreApplication::exit(3);
                     });
    job.start();
    return QCoreApplication::exec();
}

} // namespace

class TestClusterReconcile final : public QObject
{
    Q_OBJECT

private:
    ClusterDeployBed m_bed;

private Q_SLOTS:
    void initTestCase()
    {
        QString error;
        QVERIFY2(m_bed.start(&error), qPrintable(error));
    }

    void killedAndReconciled_data()
    {
        QTest::addColumn<QString>("strategy");
        QTest::addColumn<QString>("stage");
        QTest::addColumn<QString>("mark");
        // Marks: the console logs "applied Kind/name" for each object it applies.
        QTest::newRow("rolling validating") << u"rolling"_qs << u"VALIDATING"_qs << QString();
        QTest::newRow("rolling testing") << u"rolling"_qs << u"TESTING"_qs << u"applied"_qs;
        QTest::newRow("rolling deploying") << u"rolling"_qs << u"DEPLOYING"_qs << u"applied"_qs;
        QTest::newRow("rolling monitoring") << u"rolling"_qs << u"MONITORING"_qs << QString();
        QTest::newRow("blue-green testing") << u"blue-green"_qs << u"TESTING"_qs << u"applied"_qs;
        QTest::newRow("blue-green deploying") << u"blue-green"_qs << u"DEPLOYING"_qs << QString();
        QTest::newRow("blue-green monitoring") << u"blue-green"_qs << u"MONITORING"_qs << QString();
    }

    void killedAndReconciled()
    {
        QFETCH(QString, strategy);
        QFETCH(QString, stage);
        QFETCH(QString, mark);
        ClusterAppOptions options;
        options.application =
            u"cut-%1-%2"_qs.arg(strategy == u"rolling" ? u"r"_qs : u"bg"_qs, stage.toLower());
        options.strategy = strategy;
        options.tests = {
            u"{http_check: {path: /healthz, expect_status: 200, timeout: 2s, retries: 1}}"_qs};
        // Long enough that MONITORING is where the child is killed, not past it.
        options.monitor = u"60s"_qs;
        QString error;
        const std::optional<ClusterWorkspace> ws = m_bed.workspace(options, &error);
        QVERIFY2(ws, qPrintable(error));
        const bool blueGreen = strategy == u"blue-green";
        const QString live = blueGreen ? ws->application + u"-blue"_qs : ws->application;
        DeploymentContext quick = ws->context;
        quick.workspace.applications.first().rollback.monitorWindow = 1s;
        const DeployOutcome first =
            ClusterDeployBed::run(quick, clusterDeploy(ws->application, u"v1"_qs));
        QVERIFY_OUTCOME(first, DeploymentStatus::Completed);
        QVERIFY(m_bed.waitForPairPods(ws->nameSpace, ws->application, clusterImage(u"v1"_qs), 2));

        QProcess child;
        child.setProgram(QCoreApplication::applicationFilePath());
        child.setArguments({QString::fromLatin1(kChildFlag), ws->context.workspace.root,
                            m_bed.dataDir(), ws->application, u"v2"_qs, stage, mark});
        child.setProcessChannelMode(QProcess::ForwardedErrorChannel);
        child.start();
        QVERIFY(child.waitForStarted(10'000));
        QString said;
        QString id;
        QTRY_VERIFY2_WITH_TIMEOUT(
            [&] {
                said += QString::fromUtf8(child.readAllStandardOutput());
                for (const QString& line : said.split(u'\n')) {
                    if (line.startsWith(u"FROZEN "_qs))
                        id = line.mid(7).trimmed();
                }
                return !id.isEmpty() || child.state() == QProcess::NotRunning;
            }(),
            qPrintable(said), 90'000);
        QVERIFY2(!id.isEmpty(),
                 qPrintable(u"the deployment never stopped in %1%2:\n%3"_qs.arg(
                     stage, mark.isEmpty() ? QString() : u" at \"" + mark + u'"', said)));
        ::kill(pid_t(child.processId()), SIGKILL);
        QVERIFY(child.waitForFinished(10'000));
        QCOMPARE(child.exitStatus(), QProcess::CrashExit);

        const QList<ReconcileOutcome> outcomes = reconcileInterrupted(ws->context);
        const auto mine =
            std::find_if(outcomes.begin(), outcomes.end(),
                         [&](const ReconcileOutcome& o) { return o.deploymentId == id; });
        QVERIFY2(mine != outcomes.end(), qPrintable(said));
        QVERIFY2(mine->resolved, qPrintable(mine->error + u'\n' + mine->actions.join(u"; "_qs)));
        QCOMPARE(deploymentStageName(mine->stage), stage);
        const std::optional<DeploymentRecord> record = m_bed.ledger()->get(id);
        QVERIFY(record);
        QCOMPARE(record->status, std::optional(DeploymentStatus::Interrupted));
        QCOMPARE(m_bed.ledger()->latestRevision(ws->application, u"staging"_qs)->number, 1);

        // Revision 1 serves alone; nothing of revision 2 is left running.
        QVERIFY2(m_bed.waitForPairPods(ws->nameSpace, ws->application, clusterImage(u"v1"_qs), 2),
                 qPrintable(mine->actions.join(u"; "_qs)));
        const std::optional<QJsonObject> deployment = m_bed.deployment(ws->nameSpace, live);
        QVERIFY(deployment);
        QCOMPARE(containerImage(*deployment), clusterImage(u"v1"_qs));
        QVERIFY(!m_bed.deployment(ws->nameSpace, ws->application + u"-candidate"_qs));
        const std::optional<QJsonObject> service = m_bed.service(ws->nameSpace, ws->application);
        QVERIFY(service);
        if (blueGreen) {
            QCOMPARE(serviceSelector(*service).value(u"launchdeck.dev/track"_qs).toString(),
                     u"blue"_qs);
        } else {
            QVERIFY(!m_bed.service(ws->nameSpace, ws->application + u"-preview"_qs));
            const KubectlResult history = m_bed.kubectl(
                ws->nameSpace, {u"rollout"_qs, u"history"_qs, u"deployment/"_qs + live});
            const std::optional<HistoryLine> newest = newestHistoryLine(history.out);
            QVERIFY2(newest, qPrintable(history.out));
            QCOMPARE(newest->changeCause,
                     u"launchdeck revision 1 (%1)"_qs.arg(clusterImage(u"v1"_qs)));
        }
        // Nothing is left for a second pass.
        const QList<ReconcileOutcome> again = reconcileInterrupted(ws->context);
        QVERIFY(std::none_of(again.begin(), again.end(),
                             [&](const ReconcileOutcome& o) { return o.deploymentId == id; }));

        // The next deployment goes through as usual.
        const DeployOutcome next =
            ClusterDeployBed::run(quick, clusterDeploy(ws->application, u"v2"_qs));
        QVERIFY_OUTCOME(next, DeploymentStatus::Completed);
        QVERIFY(m_bed.waitForPairPods(ws->nameSpace, ws->application, clusterImage(u"v2"_qs), 2));
        const AuditVerification audit = m_bed.ledger()->verifyAudit();
        QVERIFY2(audit.intact(), qPrintable(audit.description));
    }
};

int main(int argc, char** argv)
{
    if (argc > 1 && qstrcmp(argv[1], kChildFlag) == 0)
        return runFrozenDeployment(argc, argv);
    QCoreApplication app(argc, argv);
    TestClusterReconcile test;
    QTEST_SET_MAIN_SOURCE_PATH
    return QTest::qExec(&test, argc, argv);
}

#include "tst_clusterreconcile.moc"
