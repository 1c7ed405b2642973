// Blue-green and canary on a cluster, against the fake API server: the candidate's tests reach
// it through the API server's service proxy, the Service switches colours in one patch, a
// candidate failing its tests never gets traffic, canary weights become replica counts (or
// ingress-nginx canary annotations when the environment names an Ingress), and a canary whose
// pods crash-loop fails its restarts analysis and is rolled back.
#include "clusterdeploytesting.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QTest>

using namespace launchdeck;
using namespace launchdeck::deploy;
using namespace launchdeck::test;

namespace {

using namespace std::chrono_literals;

const QString kTrack = u"launchdeck.dev/track"_qs;
const QString kHttpCheck =
    u"{http_check: {path: /healthz, expect_status: 200, timeout: 2s, retries: 1}}"_qs;

const TestResult* findTest(const DeploymentRecord& record, const QString& prefix)
{
    const auto found =
        std::find_if(record.tests.begin(), record.tests.end(),
                     [&](const TestResult& test) { return test.name.startsWith(prefix); });
    return found == record.tests.end() ? nullptr : &*found;
}

// What a canary looked like while it waited for Promote.
struct PauseView
{
    bool seen = false;
    QString stableImage;
    int stableReplicas = -1;
    QString canaryImage;
    int canaryReplicas = -1;
    QJsonObject serviceSelector;
    std::optional<QJsonObject> canaryService;
    std::optional<QJsonObject> canaryIngress;
};

} // namespace

class TestClusterStrategies final : public QObject
{
    Q_OBJECT

private:
    ClusterDeployBed m_bed;

    // What answers through the API server's proxy of port 80 of the Service `name`.
    QString throughProxy(const ClusterWorkspace& ws, const QString& name)
    {
        const KubeAnswer answer = m_bed.server().request(
            "GET", u"/api/v1/namespaces/%1/services/%2:80/proxy/"_qs.arg(ws.nameSpace, name));
        return u"%1 %2"_qs.arg(answer.status).arg(QString::fromUtf8(answer.body).trimmed());
    }

    // A failing revision must not wait out the default ten-minute progress deadline of a
    // Deployment it reuses; the field is not the console's, so it stays.
    void shortenProgressDeadline(const ClusterWorkspace& ws, const QString& name)
    {
        if (!m_bed.deployment(ws.nameSpace, name))
            return;
        QCOMPARE(m_bed
                     .kubectl(ws.nameSpace,
                              {u"patch"_qs, u"deployment"_qs, name, u"--type"_qs, u"merge"_qs,
                               u"-p"_qs, u"{\"spec\":{\"progressDeadlineSeconds\":5}}"_qs})
                     .exitCode,
                 0);
    }

    // Runs a canary deployment, looking at the cluster the first time it waits for Promote and
    // promoting it every time.
    DeployOutcome runCanary(const ClusterWorkspace& ws, const QString& version, PauseView* view,
                            const QString& ingress = {})
    {
        const QString canary = ws.application + u"-canary"_qs;
        return ClusterDeployBed::run(
            ws.context, clusterDeploy(ws.application, version), 150s,
            [&](const DeploymentEvent& event, DeploymentJob& job) {
                if (event.kind != DeploymentEvent::Kind::Paused)
                    return;
                if (view && !view->seen) {
                    view->seen = true;
                    if (const auto stable = m_bed.deployment(ws.nameSpace, ws.application)) {
                        view->stableImage = containerImage(*stable);
                        view->stableReplicas = specReplicas(*stable);
                    }
                    if (const auto twin = m_bed.deployment(ws.nameSpace, canary)) {
                        view->canaryImage = containerImage(*twin);
                        view->canaryReplicas = specReplicas(*twin);
                    }
                    if (const auto service = m_bed.service(ws.nameSpace, ws.application))
                        view->serviceSelector = serviceSelector(*service);
                    view->canaryService = m_bed.service(ws.nameSpace, canary);
                    if (!ingress.isEmpty())
                        view->canaryIngress = m_bed.get(
                            u"/apis/networking.k8s.io/v1/namespaces/%1/ingresses/%2-canary"_qs.arg(
                                ws.nameSpace, ingress));
                }
                job.promote();
            });
    }

private Q_SLOTS:
    void initTestCase()
    {
        QString error;
        QVERIFY2(m_bed.start(&error), qPrintable(error));
    }

    void blueGreenPreviewsThenSwitches()
    {
        ClusterAppOptions options;
        options.application = u"bluegreen"_qs;
        options.strategy = u"blue-green"_qs;
        options.tests = {kHttpCheck};
        options.prePromotionAnalysis = u"restarts"_qs;
        const auto ws = m_bed.workspace(options);
        QVERIFY(ws);
        const QString blue = ws->application + u"-blue"_qs;
        const QString green = ws->application + u"-green"_qs;

        const DeployOutcome first =
            ClusterDeployBed::run(ws->context, clusterDeploy(ws->application, u"v1"_qs));
        QVERIFY_OUTCOME(first, DeploymentStatus::Completed);
        std::optional<QJsonObject> deployment = m_bed.deployment(ws->nameSpace, blue);
        QVERIFY(deployment);
        QCOMPARE(containerImage(*deployment), clusterImage(u"v1"_qs));
        QCOMPARE(specReplicas(*deployment), 2);
        std::optional<QJsonObject> service = m_bed.service(ws->nameSpace, ws->application);
        QVERIFY(service);
        QCOMPARE(serviceSelector(*service).value(kTrack).toString(), u"blue"_qs);
        QVERIFY(m_bed.waitForPairPods(ws->nameSpace, ws->application, clusterImage(u"v1"_qs), 2));
        QTRY_VERIFY2_WITH_TIMEOUT(
            throughProxy(*ws, ws->application).contains(clusterImage(u"v1"_qs)),
            qPrintable(throughProxy(*ws, ws->application)), 10'000);

        const DeployOutcome second =
            ClusterDeployBed::run(ws->context, clusterDeploy(ws->application, u"v2"_qs));
        QVERIFY_OUTCOME(second, DeploymentStatus::Completed);
        const std::optional<DeploymentRecord> record = m_bed.ledger()->get(second.id);
        QVERIFY(record);
        QCOMPARE(stageNames(*record),
                 u"INITIALIZED VALIDATING TESTING DEPLOYING MONITORING COMPLETED"_qs);
        // The tests reached the idle colour through the preview Service's proxy before the
        // switch, and the analysis read its pods' restarts.
        const TestResult* check = findTest(*record, u"http_check"_qs);
        QVERIFY2(check && check->passed, qPrintable(findingsText(*record)));
        const TestResult* analysis = findTest(*record, u"analysis restarts"_qs);
        QVERIFY2(analysis && analysis->passed, qPrintable(findingsText(*record)));

        deployment = m_bed.deployment(ws->nameSpace, green);
        QVERIFY(deployment);
        QCOMPARE(containerImage(*deployment), clusterImage(u"v2"_qs));
        QCOMPARE(specReplicas(*deployment), 2);
        service = m_bed.service(ws->nameSpace, ws->application);
        QVERIFY(service);
        QCOMPARE(serviceSelector(*service).value(kTrack).toString(), u"green"_qs);
        QCOMPARE(serviceSelector(*service).value(u"app.kubernetes.io/name"_qs).toString(),
                 ws->application);
        QTRY_VERIFY2_WITH_TIMEOUT(
            throughProxy(*ws, ws->application).contains(clusterImage(u"v2"_qs)),
            qPrintable(throughProxy(*ws, ws->application)), 10'000);
        // The old colour is scaled down after scale_down_delay.
        QTRY_COMPARE_WITH_TIMEOUT(
            specReplicas(m_bed.deployment(ws->nameSpace, blue).value_or(QJsonObject())), 0, 20'000);
        QVERIFY(m_bed.waitForPairPods(ws->nameSpace, ws->application, clusterImage(u"v2"_qs), 2));
        QCOMPARE(m_bed.ledger()->latestRevision(ws->application, u"staging"_qs)->number, 2);
    }

    // A candidate answering 500 through the service proxy, then one whose pods never become
    // Ready: both fail in TESTING, and the active colour serves throughout.
    void blueGreenCandidateFailingItsTests()
    {
        ClusterAppOptions options;
        options.application = u"bgfail"_qs;
        options.strategy = u"blue-green"_qs;
        options.tests = {
            u"{http_check: {path: /, expect_status: 200, timeout: 2s, retries: 1}}"_qs};
        const auto ws = m_bed.workspace(options);
        QVERIFY(ws);
        const DeployOutcome first =
            ClusterDeployBed::run(ws->context, clusterDeploy(ws->application, u"v1"_qs));
        QVERIFY_OUTCOME(first, DeploymentStatus::Completed);
        QVERIFY(m_bed.waitForPairPods(ws->nameSpace, ws->application, clusterImage(u"v1"_qs), 2));

        for (const QString& version : {u"v2-http500"_qs, u"v3-never-ready"_qs}) {
            shortenProgressDeadline(*ws, ws->application + u"-green"_qs);
            const DeployOutcome failed =
                ClusterDeployBed::run(ws->context, clusterDeploy(ws->application, version), 150s);
            QVERIFY_OUTCOME(failed, DeploymentStatus::Failed);
            const std::optional<DeploymentRecord> record = m_bed.ledger()->get(failed.id);
            QVERIFY(record);
            QVERIFY2(passedThrough(*record, DeploymentStage::Testing) &&
                         !passedThrough(*record, DeploymentStage::Deploying),
                     qPrintable(stageNames(*record) + u'\n' + failed.transcript()));
            if (version.endsWith(u"-http500"_qs)) {
                const TestResult* check = findTest(*record, u"http_check"_qs);
                QVERIFY2(check && !check->passed, qPrintable(findingsText(*record)));
            }
            const std::optional<QJsonObject> service =
                m_bed.service(ws->nameSpace, ws->application);
            QVERIFY(service);
            QCOMPARE(serviceSelector(*service).value(kTrack).toString(), u"blue"_qs);
            QVERIFY(
                m_bed.waitForPairPods(ws->nameSpace, ws->application, clusterImage(u"v1"_qs), 2));
            const QString answered = throughProxy(*ws, ws->application);
            QVERIFY2(answered.contains(clusterImage(u"v1"_qs)), qPrintable(answered));
            QCOMPARE(m_bed.ledger()->latestRevision(ws->application, u"staging"_qs)->number, 1);
        }
    }

    void canaryStepsThenCrashLoopRollsBack()
    {
        ClusterAppOptions options;
        options.application = u"canary"_qs;
        options.strategy = u"canary"_qs;
        options.canarySteps = {u"{set_weight: 50}"_qs, u"{pause: {}}"_qs,
                               u"{analysis: restarts}"_qs, u"{set_weight: 100}"_qs};
        const auto ws = m_bed.workspace(options);
        QVERIFY(ws);
        const QString canary = ws->application + u"-canary"_qs;
        const DeployOutcome first = runCanary(*ws, u"v1"_qs, nullptr);
        QVERIFY_OUTCOME(first, DeploymentStatus::Completed);
        QVERIFY(m_bed.waitForPairPods(ws->nameSpace, ws->application, clusterImage(u"v1"_qs), 2));

        // 50 % of two replicas: one stable, one canary, one Service over both tracks.
        PauseView paused;
        const DeployOutcome second = runCanary(*ws, u"v2"_qs, &paused);
        QVERIFY_OUTCOME(second, DeploymentStatus::Completed);
        QVERIFY2(paused.seen, qPrintable(second.transcript()));
        QCOMPARE(paused.stableImage, clusterImage(u"v1"_qs));
        QCOMPARE(paused.stableReplicas, 1);
        QCOMPARE(paused.canaryImage, clusterImage(u"v2"_qs));
        QCOMPARE(paused.canaryReplicas, 1);
        QCOMPARE(paused.serviceSelector.value(u"app.kubernetes.io/name"_qs).toString(),
                 ws->application);
        QVERIFY2(!paused.serviceSelector.contains(kTrack),
                 QJsonDocument(paused.serviceSelector).toJson().constData());
        std::optional<DeploymentRecord> record = m_bed.ledger()->get(second.id);
        QVERIFY(record);
        const TestResult* analysis = findTest(*record, u"analysis restarts"_qs);
        QVERIFY2(analysis && analysis->passed, qPrintable(findingsText(*record)));
        std::optional<QJsonObject> stable = m_bed.deployment(ws->nameSpace, ws->application);
        QVERIFY(stable);
        QCOMPARE(containerImage(*stable), clusterImage(u"v2"_qs));
        QCOMPARE(specReplicas(*stable), 2);
        QVERIFY(m_bed.waitForPairPods(ws->nameSpace, ws->application, clusterImage(u"v2"_qs), 2));
        if (const auto twin = m_bed.deployment(ws->nameSpace, canary))
            QCOMPARE(specReplicas(*twin), 0);

        // v3 crash-loops: its restarts fail the analysis and it is rolled back.
        shortenProgressDeadline(*ws, canary);
        const DeployOutcome crashing = runCanary(*ws, u"v3-crash-loop"_qs, nullptr);
        QVERIFY_OUTCOME(crashing, DeploymentStatus::RolledBack);
        record = m_bed.ledger()->get(crashing.id);
        QVERIFY(record);
        analysis = findTest(*record, u"analysis restarts"_qs);
        QVERIFY2(analysis && !analysis->passed,
                 qPrintable(findingsText(*record) + u'\n' + crashing.transcript()));
        QVERIFY(m_bed.waitForPairPods(ws->nameSpace, ws->application, clusterImage(u"v2"_qs), 2));
        stable = m_bed.deployment(ws->nameSpace, ws->application);
        QVERIFY(stable);
        QCOMPARE(containerImage(*stable), clusterImage(u"v2"_qs));
        QCOMPARE(specReplicas(*stable), 2);
        QCOMPARE(m_bed.ledger()->latestRevision(ws->application, u"staging"_qs)->number, 2);
    }

    // With environment.ingress, the weight goes to ingress-nginx's canary twin of that Ingress
    // and each track gets a Service of its own; the Ingress itself is left as it was.
    void canaryThroughTheIngress()
    {
        ClusterAppOptions options;
        options.application = u"weighted"_qs;
        options.strategy = u"canary"_qs;
        options.ingress = u"web"_qs;
        options.canarySteps = {u"{set_weight: 30}"_qs, u"{pause: {}}"_qs, u"{set_weight: 100}"_qs};
        const auto ws = m_bed.workspace(options);
        QVERIFY(ws);
        const QByteArray ingress = "apiVersion: networking.k8s.io/v1\n"
                                   "kind: Ingress\n"
                                   "metadata: {name: web}\n"
                                   "spec:\n"
                                   "  ingressClassName: nginx\n"
                                   "  rules:\n"
                                   "  - host: shop.test\n"
                                   "    http:\n"
                                   "      paths:\n"
                                   "      - path: /\n"
                                   "        pathType: Prefix\n"
                                   "        backend: {service: {name: weighted, port: {number: "
                                   "80}}}\n";
        QCOMPARE(m_bed.kubectl(ws->nameSpace, {u"apply"_qs, u"-f"_qs, u"-"_qs}, ingress).exitCode,
                 0);
        const QString ingressPath =
            u"/apis/networking.k8s.io/v1/namespaces/%1/ingresses/web"_qs.arg(ws->nameSpace);
        const QJsonValue rules = (*m_bed.get(ingressPath))[u"spec"][u"rules"];

        const DeployOutcome first = runCanary(*ws, u"v1"_qs, nullptr, u"web"_qs);
        QVERIFY_OUTCOME(first, DeploymentStatus::Completed);
        PauseView paused;
        const DeployOutcome second = runCanary(*ws, u"v2"_qs, &paused, u"web"_qs);
        QVERIFY_OUTCOME(second, DeploymentStatus::Completed);
        QVERIFY2(paused.seen, qPrintable(second.transcript()));
        QVERIFY2(paused.canaryIngress, qPrintable(second.transcript()));
        QCOMPARE(annotation(*paused.canaryIngress, u"nginx.ingress.kubernetes.io/canary"_qs),
                 u"true"_qs);
        QCOMPARE(annotation(*paused.canaryIngress, u"nginx.ingress.kubernetes.io/canary-weight"_qs),
                 u"30"_qs);
        const QJsonValue backend =
            (*paused.canaryIngress)[u"spec"][u"rules"][0][u"http"][u"paths"][0][u"backend"];
        QCOMPARE(backend[u"service"][u"name"].toString(), u"weighted-canary"_qs);
        QCOMPARE(paused.serviceSelector.value(kTrack).toString(), u"stable"_qs);
        QVERIFY(paused.canaryService);
        QCOMPARE(serviceSelector(*paused.canaryService).value(kTrack).toString(), u"canary"_qs);
        QCOMPARE(paused.canaryImage, clusterImage(u"v2"_qs));

        const std::optional<QJsonObject> original = m_bed.get(ingressPath);
        QVERIFY(original);
        QCOMPARE((*original)[u"spec"][u"rules"], rules);
        QVERIFY(annotation(*original, u"nginx.ingress.kubernetes.io/canary"_qs).isEmpty());
        const std::optional<QJsonObject> stable = m_bed.deployment(ws->nameSpace, ws->application);
        QVERIFY(stable);
        QCOMPARE(containerImage(*stable), clusterImage(u"v2"_qs));
        QVERIFY(m_bed.waitForPairPods(ws->nameSpace, ws->application, clusterImage(u"v2"_qs), 2));
    }
};

QTEST_GUILESS_MAIN(TestClusterStrategies)
#include "tst_clusterstrategies.moc"
