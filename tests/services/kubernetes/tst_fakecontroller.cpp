// The fake API server's simulated cluster checked by the real kubectl: a Deployment's rollout,
// scale, set image, history, undo and restart through its ReplicaSets and pods; a failing
// image pull that exceeds the progress deadline; pod logs (tail, timestamps, previous, follow,
// lines a test appends); the three patch types; kubectl top through metrics.k8s.io; apply
// without --validate=false; StatefulSets and DaemonSets; the scale and status subresources;
// and a watch that sees the controllers' writes.
#include "fakes/kubeapiserver.h"
#include "fakes/testfiles.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QRegularExpression>
#include <QScopeGuard>
#include <QSet>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>

#include <algorithm>
#include <tuple>

using namespace launchdeck::test;

namespace {

QJsonObject object(const KubectlResult& run)
{
    return QJsonDocument::fromJson(run.out.toUtf8()).object();
}

// ReplicaSets of a Deployment by revision: (revision, replicas, first image).
QList<std::tuple<int, int, QString>> replicaSets(const QJsonObject& list)
{
    QList<std::tuple<int, int, QString>> sets;
    for (const QJsonValue& item : list[u"items"].toArray()) {
        sets.append({item[u"metadata"][u"annotations"][u"deployment.kubernetes.io/revision"]
                         .toString()
                         .toInt(),
                     item[u"spec"][u"replicas"].toInt(),
                     item[u"spec"][u"template"][u"spec"][u"containers"][0][u"image"].toString()});
    }
    std::sort(sets.begin(), sets.end());
    return sets;
}

QString describe(const QList<std::tuple<int, int, QString>>& sets)
{
    QStringList text;
    for (const auto& [revision, replicas, image] : sets)
        text.append(u"rev %1 x%2 %3"_qs.arg(revision).arg(replicas).arg(image));
    return text.join(u", "_qs);
}

const QByteArray kFailing = R"({"apiVersion":"apps/v1","kind":"Deployment",
"metadata":{"name":"broken"},"spec":{"replicas":2,"progressDeadlineSeconds":2,
"selector":{"matchLabels":{"app":"broken"}},"template":{"metadata":{"labels":{"app":"broken"},
"annotations":{"fake.launchdeck.dev/fail":"image-pull"}},
"spec":{"containers":[{"name":"main","image":"registry.invalid/none:1"}]}}}})";

const QByteArray kCrashing = R"({"apiVersion":"v1","kind":"Pod","metadata":{"name":"crashy",
"annotations":{"fake.launchdeck.dev/fail":"crash-loop"}},
"spec":{"containers":[{"name":"main","image":"busybox:1"}]}})";

const QByteArray kTwoContainers = R"({"apiVersion":"v1","kind":"Pod","metadata":{"name":"pair"},
"spec":{"containers":[{"name":"a","image":"busybox:1"},{"name":"b","image":"busybox:1"}]}})";

const QByteArray kWorkloads = R"(apiVersion: apps/v1
kind: StatefulSet
metadata: {name: db}
spec:
  replicas: 2
  serviceName: db
  selector: {matchLabels: {app: db}}
  template:
    metadata: {labels: {app: db}}
    spec: {containers: [{name: db, image: "busybox:1"}]}
---
apiVersion: apps/v1
kind: DaemonSet
metadata: {name: shipper}
spec:
  selector: {matchLabels: {app: shipper}}
  template:
    metadata: {labels: {app: shipper}}
    spec: {containers: [{name: shipper, image: "busybox:1"}]}
)";

} // namespace

class TestFakeController final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void createdDeploymentRollsOut();
    void scaleReachesFiveReadyPods();
    void setImageMakesRevisionTwo();
    void undoBringsBackTheFirstTemplateAsRevisionThree();
    void restartMakesANewReplicaSet();
    void failingImagePullExceedsTheProgressDeadline();
    void logsTailTimestampsAndPrevious();
    void logsFollowReceivesNewLines();
    void patchOfEachType();
    void scaleAndStatusSubresources();
    void topPodReadsMetrics();
    void noMetricsServerHasNoMetricsGroup();
    void applyValidatesOnTheServer();
    void statefulSetAndDaemonSetRunPods();
    void watchSeesTheControllersWrites();

private:
    KubectlResult kubectl(const QStringList& arguments, const QByteArray& input = {})
    {
        return m_server.kubectl(arguments, input);
    }
    QJsonObject getJson(const QStringList& what);
    QString firstPod(const QString& selector);

    KubeApiServer m_server;
};

QJsonObject TestFakeController::getJson(const QStringList& what)
{
    const KubectlResult run =
        kubectl(QStringList{u"get"_qs} + what + QStringList{u"-o"_qs, u"json"_qs});
    if (run.exitCode != 0)
        qWarning("kubectl get %s: %s", qPrintable(what.join(u' ')), qPrintable(run.err));
    return object(run);
}

QString TestFakeController::firstPod(const QString& selector)
{
    const QJsonObject pods = getJson({u"pods"_qs, u"-l"_qs, selector});
    return pods[u"items"][0][u"metadata"][u"name"].toString();
}

void TestFakeController::initTestCase()
{
    if (QStandardPaths::findExecutable(QStringLiteral("kubectl")).isEmpty())
        QFAIL("kubectl is not on PATH; the fake API server is checked with it");
    // Quick pods and logs keep the program short; the behaviour is the same at any speed.
    m_server.setOptions({.readySeconds = 0.2, .logIntervalMs = 100, .metrics = true});
    QString error;
    QVERIFY2(m_server.start(&error), qPrintable(error));
}

void TestFakeController::createdDeploymentRollsOut()
{
    const KubectlResult create = kubectl(
        {u"create"_qs, u"deployment"_qs, u"web"_qs, u"--image=busybox:1"_qs, u"--replicas=3"_qs});
    QVERIFY2(create.exitCode == 0, qPrintable(create.err));
    const KubectlResult status =
        kubectl({u"rollout"_qs, u"status"_qs, u"deployment/web"_qs, u"--timeout=60s"_qs});
    QVERIFY2(status.exitCode == 0, qPrintable(status.out + status.err));
    QVERIFY2(status.out.endsWith(u"deployment \"web\" successfully rolled out\n"_qs),
             qPrintable(status.out));

    const QJsonArray pods = getJson({u"pods"_qs, u"-l"_qs, u"app=web"_qs})[u"items"].toArray();
    QCOMPARE(pods.size(), 3);
    const QJsonObject deployment = getJson({u"deployment"_qs, u"web"_qs});
    QCOMPARE(deployment[u"metadata"][u"annotations"][u"deployment.kubernetes.io/revision"],
             u"1"_qs);
    QCOMPARE(deployment[u"status"][u"readyReplicas"], 3);
    for (const QJsonValue& pod : pods) {
        const QString name = pod[u"metadata"][u"name"].toString();
        const QString hash = pod[u"metadata"][u"labels"][u"pod-template-hash"].toString();
        QVERIFY2(
            QRegularExpression(u"^web-"_qs + hash + u"-[a-z0-9]{5}$"_qs).match(name).hasMatch(),
            qPrintable(name));
        QCOMPARE(pod[u"metadata"][u"ownerReferences"][0][u"kind"], u"ReplicaSet"_qs);
        QCOMPARE(pod[u"status"][u"phase"], u"Running"_qs);
    }
}

void TestFakeController::scaleReachesFiveReadyPods()
{
    const KubectlResult scale = kubectl({u"scale"_qs, u"deployment/web"_qs, u"--replicas=5"_qs});
    QVERIFY2(scale.exitCode == 0, qPrintable(scale.err));
    const KubectlResult status =
        kubectl({u"rollout"_qs, u"status"_qs, u"deployment/web"_qs, u"--timeout=60s"_qs});
    QVERIFY2(status.exitCode == 0, qPrintable(status.out + status.err));
    const KubectlResult ready = kubectl(
        {u"get"_qs, u"pods"_qs, u"-l"_qs, u"app=web"_qs, u"-o"_qs,
         u"jsonpath={range .items[*]}{.status.conditions[?(@.type==\"Ready\")].status}{\"\\n\"}{end}"_qs});
    QCOMPARE(ready.out, u"True\nTrue\nTrue\nTrue\nTrue\n"_qs);
}

void TestFakeController::setImageMakesRevisionTwo()
{
    const KubectlResult set =
        kubectl({u"set"_qs, u"image"_qs, u"deployment/web"_qs, u"busybox=busybox:2"_qs});
    QVERIFY2(set.exitCode == 0, qPrintable(set.err));
    const KubectlResult status =
        kubectl({u"rollout"_qs, u"status"_qs, u"deployment/web"_qs, u"--timeout=60s"_qs});
    QVERIFY2(status.exitCode == 0, qPrintable(status.out + status.err));
    const auto sets = replicaSets(getJson({u"rs"_qs, u"-l"_qs, u"app=web"_qs}));
    const QList<std::tuple<int, int, QString>> expected{{1, 0, u"busybox:1"_qs},
                                                        {2, 5, u"busybox:2"_qs}};
    QVERIFY2(sets == expected, qPrintable(describe(sets)));
    const KubectlResult history = kubectl({u"rollout"_qs, u"history"_qs, u"deployment/web"_qs});
    QVERIFY2(history.exitCode == 0, qPrintable(history.err));
    QVERIFY2(history.out.contains(QRegularExpression(u"\n1 +<none>\n2 +<none>\n"_qs)),
             qPrintable(history.out));
}

void TestFakeController::undoBringsBackTheFirstTemplateAsRevisionThree()
{
    const KubectlResult undo = kubectl({u"rollout"_qs, u"undo"_qs, u"deployment/web"_qs});
    QVERIFY2(undo.exitCode == 0, qPrintable(undo.err));
    const KubectlResult status =
        kubectl({u"rollout"_qs, u"status"_qs, u"deployment/web"_qs, u"--timeout=60s"_qs});
    QVERIFY2(status.exitCode == 0, qPrintable(status.out + status.err));
    const auto sets = replicaSets(getJson({u"rs"_qs, u"-l"_qs, u"app=web"_qs}));
    // The first ReplicaSet is used again and takes the next revision.
    const QList<std::tuple<int, int, QString>> expected{{2, 0, u"busybox:2"_qs},
                                                        {3, 5, u"busybox:1"_qs}};
    QVERIFY2(sets == expected, qPrintable(describe(sets)));
    const QJsonObject deployment = getJson({u"deployment"_qs, u"web"_qs});
    QCOMPARE(deployment[u"metadata"][u"annotations"][u"deployment.kubernetes.io/revision"],
             u"3"_qs);
    const KubectlResult history = kubectl({u"rollout"_qs, u"history"_qs, u"deployment/web"_qs});
    QVERIFY2(history.out.contains(QRegularExpression(u"\n2 +<none>\n3 +<none>\n"_qs)),
             qPrintable(history.out));
}

void TestFakeController::restartMakesANewReplicaSet()
{
    const KubectlResult restart = kubectl({u"rollout"_qs, u"restart"_qs, u"deployment/web"_qs});
    QVERIFY2(restart.exitCode == 0, qPrintable(restart.err));
    const KubectlResult status =
        kubectl({u"rollout"_qs, u"status"_qs, u"deployment/web"_qs, u"--timeout=60s"_qs});
    QVERIFY2(status.exitCode == 0, qPrintable(status.out + status.err));
    const QJsonObject list = getJson({u"rs"_qs, u"-l"_qs, u"app=web"_qs});
    const auto sets = replicaSets(list);
    QCOMPARE(sets.size(), 3);
    QVERIFY2(std::get<0>(sets.last()) == 4 && std::get<1>(sets.last()) == 5,
             qPrintable(describe(sets)));
    bool restarted = false;
    for (const QJsonValue& item : list[u"items"].toArray()) {
        restarted = restarted || item[u"spec"][u"template"][u"metadata"][u"annotations"]
                                     [u"kubectl.kubernetes.io/restartedAt"]
                                         .isString();
    }
    QVERIFY(restarted);
}

void TestFakeController::failingImagePullExceedsTheProgressDeadline()
{
    const KubectlResult apply = kubectl({u"apply"_qs, u"-f"_qs, u"-"_qs}, kFailing);
    QVERIFY2(apply.exitCode == 0, qPrintable(apply.err));
    const KubectlResult status =
        kubectl({u"rollout"_qs, u"status"_qs, u"deployment/broken"_qs, u"--timeout=60s"_qs});
    QCOMPARE(status.exitCode, 1);
    QVERIFY2(status.err.contains(u"deployment \"broken\" exceeded its progress deadline"_qs),
             qPrintable(status.err));
    const QJsonObject deployment = getJson({u"deployment"_qs, u"broken"_qs});
    bool timedOut = false;
    for (const QJsonValue& condition : deployment[u"status"][u"conditions"].toArray())
        timedOut = timedOut || condition[u"reason"] == u"ProgressDeadlineExceeded"_qs;
    QVERIFY2(timedOut, QJsonDocument(deployment[u"status"].toObject()).toJson().constData());

    const QString pod = firstPod(u"app=broken"_qs);
    const QJsonObject state =
        getJson({u"pod"_qs, pod})[u"status"][u"containerStatuses"][0][u"state"].toObject();
    QCOMPARE(state[u"waiting"][u"reason"], u"ImagePullBackOff"_qs);
    const KubectlResult logs = kubectl({u"logs"_qs, pod});
    QCOMPARE(logs.exitCode, 1);
    QVERIFY2(logs.err.contains(u"container \"main\" in pod \""_qs + pod +
                               u"\" is waiting to start: trying and failing to pull image"_qs),
             qPrintable(logs.err));
    const KubectlResult events =
        kubectl({u"get"_qs, u"events"_qs, u"--field-selector"_qs, u"involvedObject.name="_qs + pod,
                 u"-o"_qs, u"jsonpath={range .items[*]}{.reason} {end}"_qs});
    QVERIFY2(events.out.contains(u"Failed"_qs) && events.out.contains(u"BackOff"_qs),
             qPrintable(events.out));
    QVERIFY(kubectl({u"delete"_qs, u"deployment"_qs, u"broken"_qs}).exitCode == 0);
}

void TestFakeController::logsTailTimestampsAndPrevious()
{
    const QString pod = firstPod(u"app=web"_qs);
    QVERIFY(!pod.isEmpty());
    const KubectlResult tail = kubectl({u"logs"_qs, pod, u"--tail=2"_qs});
    QVERIFY2(tail.exitCode == 0, qPrintable(tail.err));
    const QRegularExpression line(u"^"_qs + pod + u" busybox line (\\d+)$"_qs);
    const QStringList lines = tail.out.split(u'\n', Qt::SkipEmptyParts);
    QCOMPARE(lines.size(), 2);
    const auto first = line.match(lines[0]);
    const auto second = line.match(lines[1]);
    QVERIFY2(first.hasMatch() && second.hasMatch(), qPrintable(tail.out));
    QCOMPARE(second.captured(1).toInt(), first.captured(1).toInt() + 1);

    const KubectlResult stamped = kubectl({u"logs"_qs, pod, u"--tail=1"_qs, u"--timestamps"_qs});
    QVERIFY2(QRegularExpression(u"^\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{9}Z "_qs + pod +
                                u" busybox line \\d+\n$"_qs)
                 .match(stamped.out)
                 .hasMatch(),
             qPrintable(stamped.out));

    const KubectlResult previous = kubectl({u"logs"_qs, pod, u"--previous"_qs});
    QCOMPARE(previous.exitCode, 1);
    QCOMPARE(previous.err, u"Error from server (BadRequest): previous terminated container "
                           u"\"busybox\" in pod \""_qs +
                               pod + u"\" not found\n"_qs);

    // Appended lines reach the log as they are: masking them is the reader's job.
    QString error;
    QVERIFY2(m_server.appendLog(u"default"_qs, pod, {}, "password=hunter2\nlast words\n", &error),
             qPrintable(error));
    const KubectlResult appended = kubectl({u"logs"_qs, pod, u"--since=30s"_qs});
    QVERIFY2(appended.out.contains(u"\npassword=hunter2\nlast words\n"_qs),
             qPrintable(appended.out));

    QVERIFY(kubectl({u"create"_qs, u"-f"_qs, u"-"_qs}, kTwoContainers).exitCode == 0);
    const KubectlResult which =
        kubectl({u"get"_qs, u"--raw"_qs, u"/api/v1/namespaces/default/pods/pair/log"_qs});
    QCOMPARE(which.exitCode, 1);
    QVERIFY2(which.err.contains(u"a container name must be specified for pod pair, choose one of: "
                                u"[a b]"_qs),
             qPrintable(which.err));

    // A crash-looping container's previous run has a log of its own.
    QVERIFY(kubectl({u"create"_qs, u"-f"_qs, u"-"_qs}, kCrashing).exitCode == 0);
    QTRY_VERIFY_WITH_TIMEOUT(
        getJson({u"pod"_qs, u"crashy"_qs})[u"status"][u"containerStatuses"][0][u"restartCount"]
                .toInt() >= 1,
        30'000);
    const KubectlResult crashed = kubectl({u"logs"_qs, u"crashy"_qs, u"--previous"_qs});
    QVERIFY2(crashed.exitCode == 0 && crashed.out.startsWith(u"crashy main line 1\n"_qs),
             qPrintable(crashed.out + crashed.err));
}

void TestFakeController::logsFollowReceivesNewLines()
{
    QVERIFY(kubectl({u"run"_qs, u"follow"_qs, u"--image=busybox:1"_qs}).exitCode == 0);
    QTRY_COMPARE_WITH_TIMEOUT(getJson({u"pod"_qs, u"follow"_qs})[u"status"][u"phase"].toString(),
                              u"Running"_qs, 30'000);
    QProcess follow;
    follow.setProcessEnvironment(m_server.kubectlEnvironment());
    follow.start(QStandardPaths::findExecutable(u"kubectl"_qs),
                 {u"logs"_qs, u"-f"_qs, u"follow"_qs, u"--tail=1"_qs});
    QVERIFY(follow.waitForStarted());
    const auto stop = qScopeGuard([&] {
        follow.kill();
        follow.waitForFinished(10'000);
    });
    QByteArray output;
    const QRegularExpression number(u"follow follow line (\\d+)\n"_qs);
    const auto lines = [&] {
        output += follow.readAllStandardOutput();
        QList<int> numbers;
        for (const auto& match : number.globalMatch(QString::fromUtf8(output)))
            numbers.append(match.captured(1).toInt());
        return numbers;
    };
    // The container writes a line every 100 ms: three new ones arrive on the open stream.
    QTRY_VERIFY_WITH_TIMEOUT(lines().size() >= 4, 30'000);
    const QList<int> seen = lines();
    for (qsizetype i = 1; i < seen.size(); ++i)
        QCOMPARE(seen[i], seen[i - 1] + 1);
    QVERIFY(m_server.appendLog(u"default"_qs, u"follow"_qs, u"follow"_qs,
                               "appended while "
                               "following\n"));
    QTRY_VERIFY_WITH_TIMEOUT(
        (output += follow.readAllStandardOutput(), output.contains("\nappended while following\n")),
        30'000);
    // The stream ends when the pod goes.
    QVERIFY(kubectl({u"delete"_qs, u"pod"_qs, u"follow"_qs}).exitCode == 0);
    QVERIFY2(follow.waitForFinished(30'000), "kubectl logs -f did not end with its pod");
}

void TestFakeController::patchOfEachType()
{
    const QString web = u"deployment/web"_qs;
    const KubectlResult merge = kubectl({u"patch"_qs, web, u"--type=merge"_qs, u"-p"_qs,
                                         u"{\"metadata\":{\"labels\":{\"tier\":\"front\"}}}"_qs});
    QVERIFY2(merge.exitCode == 0, qPrintable(merge.err));
    const KubectlResult json =
        kubectl({u"patch"_qs, web, u"--type=json"_qs, u"-p"_qs,
                 u"[{\"op\":\"add\",\"path\":\"/metadata/annotations/owner\",\"value\":\"ops\"},"
                 u"{\"op\":\"move\",\"from\":\"/metadata/labels/tier\",\"path\":"
                 u"\"/metadata/labels/layer\"}]"_qs});
    QVERIFY2(json.exitCode == 0, qPrintable(json.err));
    const KubectlResult strategic = kubectl(
        {u"patch"_qs, web, u"--type=strategic"_qs, u"-p"_qs,
         u"{\"spec\":{\"template\":{\"spec\":{\"containers\":[{\"name\":\"busybox\",\"env\":"
         u"[{\"name\":\"MODE\",\"value\":\"fast\"}]},{\"name\":\"sidecar\",\"image\":"
         u"\"busybox:1\"}]}}}}"_qs});
    QVERIFY2(strategic.exitCode == 0, qPrintable(strategic.err));
    const QJsonObject deployment = getJson({u"deployment"_qs, u"web"_qs});
    QCOMPARE(deployment[u"metadata"][u"labels"][u"layer"], u"front"_qs);
    QVERIFY(deployment[u"metadata"][u"labels"][u"tier"].isUndefined());
    QCOMPARE(deployment[u"metadata"][u"annotations"][u"owner"], u"ops"_qs);
    const QJsonArray containers =
        deployment[u"spec"][u"template"][u"spec"][u"containers"].toArray();
    QCOMPARE(containers.size(), 2); // merged by name: busybox kept its image, sidecar added
    QCOMPARE(containers[0][u"image"], u"busybox:1"_qs);
    QCOMPARE(containers[0][u"env"][0][u"name"], u"MODE"_qs);
    QCOMPARE(containers[1][u"name"], u"sidecar"_qs);

    const KubectlResult failedTest =
        kubectl({u"patch"_qs, web, u"--type=json"_qs, u"-p"_qs,
                 u"[{\"op\":\"test\",\"path\":\"/spec/replicas\",\"value\":99}]"_qs});
    QCOMPARE(failedTest.exitCode, 1);
    QCOMPARE(failedTest.err, u"The request is invalid: the server rejected our request due to an "
                             u"error in our request\n"_qs);
    const KubeAnswer unsupported =
        m_server.patch(u"/apis/apps/v1/namespaces/default/deployments/web"_qs, "{}", "text/plain");
    QCOMPARE(unsupported.status, 415L);
    QCOMPARE(QJsonDocument::fromJson(unsupported.body)[u"reason"], u"UnsupportedMediaType"_qs);

    // The new template rolls out before the next test counts pods.
    const KubectlResult status = kubectl({u"rollout"_qs, u"status"_qs, web, u"--timeout=60s"_qs});
    QVERIFY2(status.exitCode == 0, qPrintable(status.out + status.err));
}

void TestFakeController::scaleAndStatusSubresources()
{
    const QString path = u"/apis/apps/v1/namespaces/default/deployments/web"_qs;
    const KubeAnswer scale = m_server.request("GET", path + u"/scale"_qs);
    QCOMPARE(scale.status, 200L);
    const QJsonObject object = QJsonDocument::fromJson(scale.body).object();
    QCOMPARE(object[u"kind"], u"Scale"_qs);
    QCOMPARE(object[u"apiVersion"], u"autoscaling/v1"_qs);
    QCOMPARE(object[u"status"][u"selector"], u"app=web"_qs);
    QCOMPARE(m_server
                 .request("PUT", path + u"/scale"_qs,
                          R"({"kind":"Scale","apiVersion":"autoscaling/v1",
                                 "metadata":{"name":"web"},"spec":{"replicas":-1}})")
                 .status,
             422L);

    // A status write changes neither the spec nor the generation.
    const auto generation = [&] {
        return QJsonDocument::fromJson(
                   m_server.request("GET", path).body)[u"metadata"][u"generation"]
            .toInt();
    };
    const int before = generation();
    const KubeAnswer status =
        m_server.patch(path + u"/status"_qs, R"({"spec":{"replicas":9},"status":{"replicas":5}})",
                       "application/merge-patch+json");
    QCOMPARE(status.status, 200L);
    QCOMPARE(QJsonDocument::fromJson(status.body)[u"spec"][u"replicas"], 5);
    QCOMPARE(generation(), before);
    const KubeAnswer spec = m_server.patch(path, R"({"spec":{"minReadySeconds":0,"paused":false}})",
                                           "application/merge-patch+json");
    QCOMPARE(spec.status, 200L);
    QCOMPARE(generation(), before + 1);
}

void TestFakeController::topPodReadsMetrics()
{
    const KubectlResult top = kubectl({u"top"_qs, u"pod"_qs, u"-l"_qs, u"app=web"_qs});
    QVERIFY2(top.exitCode == 0, qPrintable(top.err));
    const QStringList rows = top.out.split(u'\n', Qt::SkipEmptyParts);
    QCOMPARE(rows.size(), 6); // the header and five pods
    QVERIFY2(QRegularExpression(u"^web-\\S+ +\\d+m +\\d+Mi *$"_qs).match(rows[1]).hasMatch(),
             qPrintable(top.out));
    const KubectlResult nodes = kubectl({u"top"_qs, u"node"_qs});
    QVERIFY2(nodes.exitCode == 0 && nodes.out.contains(u"fake-node-1"_qs),
             qPrintable(nodes.out + nodes.err));
    const KubectlResult raw = kubectl(
        {u"get"_qs, u"--raw"_qs, u"/apis/metrics.k8s.io/v1beta1/namespaces/default/pods"_qs});
    const QJsonObject first = object(raw)[u"items"][0].toObject();
    QCOMPARE(first[u"window"], u"30s"_qs);
    QVERIFY(first[u"containers"][0][u"usage"][u"cpu"].toString().endsWith(u'n'));
    QVERIFY(first[u"containers"][0][u"usage"][u"memory"].toString().endsWith(u"Ki"_qs));
}

void TestFakeController::noMetricsServerHasNoMetricsGroup()
{
    KubeApiServer bare;
    bare.setOptions({.readySeconds = 0.2, .logIntervalMs = 100, .metrics = false});
    QString error;
    QVERIFY2(bare.start(&error), qPrintable(error));
    QCOMPARE(bare.request("GET", u"/apis/metrics.k8s.io/v1beta1/pods"_qs).status, 404L);
    QVERIFY(!bare.request("GET", u"/apis"_qs).body.contains("metrics.k8s.io"));
    const KubectlResult top = bare.kubectl({u"top"_qs, u"pod"_qs});
    QCOMPARE(top.exitCode, 1);
    QVERIFY2(top.err.contains(u"Metrics API not available"_qs), qPrintable(top.err));
}

void TestFakeController::applyValidatesOnTheServer()
{
    // kubectl finds fieldValidation in /openapi/v3 and asks the server to validate, with no
    // need of --validate=false.
    const QByteArray configMap = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: settings}\n"
                                 "data: {mode: one}\n";
    const KubectlResult created = kubectl({u"apply"_qs, u"-f"_qs, u"-"_qs, u"-v=6"_qs}, configMap);
    QVERIFY2(created.exitCode == 0, qPrintable(created.err));
    QVERIFY2(created.out.startsWith(u"configmap/settings created"_qs), qPrintable(created.out));
    QVERIFY2(created.err.contains(u"fieldValidation=Strict"_qs), qPrintable(created.err));
    QByteArray changed = configMap;
    changed.replace("one", "two");
    const KubectlResult configured = kubectl({u"apply"_qs, u"-f"_qs, u"-"_qs}, changed);
    QVERIFY2(configured.exitCode == 0, qPrintable(configured.err));
    QCOMPARE(configured.out, u"configmap/settings configured\n"_qs);
    QCOMPARE(getJson({u"configmap"_qs, u"settings"_qs})[u"data"][u"mode"], u"two"_qs);
    const KubectlResult serverSide =
        kubectl({u"apply"_qs, u"--server-side"_qs, u"-f"_qs, u"-"_qs}, changed);
    QVERIFY2(serverSide.exitCode == 0, qPrintable(serverSide.err));
    QCOMPARE(serverSide.out, u"configmap/settings serverside-applied\n"_qs);

    // A server-side dry run answers as a write would and keeps nothing.
    QByteArray dry = changed;
    dry.replace("two", "three");
    const KubectlResult dryRun =
        kubectl({u"apply"_qs, u"--dry-run=server"_qs, u"-f"_qs, u"-"_qs}, dry);
    QVERIFY2(dryRun.exitCode == 0, qPrintable(dryRun.err));
    QCOMPARE(dryRun.out, u"configmap/settings configured (server dry run)\n"_qs);
    QCOMPARE(getJson({u"configmap"_qs, u"settings"_qs})[u"data"][u"mode"], u"two"_qs);
}

void TestFakeController::statefulSetAndDaemonSetRunPods()
{
    const KubectlResult apply = kubectl({u"apply"_qs, u"-f"_qs, u"-"_qs}, kWorkloads);
    QVERIFY2(apply.exitCode == 0, qPrintable(apply.err));
    for (const QString& workload : {u"statefulset/db"_qs, u"daemonset/shipper"_qs}) {
        const KubectlResult status =
            kubectl({u"rollout"_qs, u"status"_qs, workload, u"--timeout=60s"_qs});
        QVERIFY2(status.exitCode == 0, qPrintable(workload + u": "_qs + status.out + status.err));
    }
    const KubectlResult names =
        kubectl({u"get"_qs, u"pods"_qs, u"-l"_qs, u"app in (db,shipper)"_qs, u"-o"_qs,
                 u"jsonpath={range .items[*]}{.metadata.name} {.spec.nodeName}{\"\\n\"}{end}"_qs});
    QVERIFY2(names.out.contains(u"db-0 fake-node-1\ndb-1 fake-node-1\n"_qs), qPrintable(names.out));
    QVERIFY2(QRegularExpression(u"(^|\n)shipper-[a-z0-9]{5} fake-node-1\n"_qs)
                 .match(names.out)
                 .hasMatch(),
             qPrintable(names.out));
    QCOMPARE(getJson({u"statefulset"_qs, u"db"_qs})[u"status"][u"readyReplicas"], 2);
    QCOMPARE(getJson({u"daemonset"_qs, u"shipper"_qs})[u"status"][u"numberReady"], 1);
}

void TestFakeController::watchSeesTheControllersWrites()
{
    QVERIFY(kubectl({u"create"_qs, u"namespace"_qs, u"watched"_qs}).exitCode == 0);
    QProcess watch;
    watch.setProcessEnvironment(m_server.kubectlEnvironment());
    watch.start(QStandardPaths::findExecutable(u"kubectl"_qs),
                {u"get"_qs, u"pods"_qs, u"-n"_qs, u"watched"_qs, u"-w"_qs,
                 u"--output-watch-events"_qs, u"-o"_qs,
                 u"jsonpath={.type} {.object.metadata.name} {.object.status.phase}{\"\\n\"}"_qs});
    QVERIFY(watch.waitForStarted());
    const auto stop = qScopeGuard([&] {
        watch.kill();
        watch.waitForFinished(10'000);
    });
    QTRY_COMPARE_WITH_TIMEOUT(m_server.openWatches(), 1, 30'000);
    QVERIFY(kubectl({u"create"_qs, u"deployment"_qs, u"seen"_qs, u"-n"_qs, u"watched"_qs,
                     u"--image=busybox:1"_qs, u"--replicas=2"_qs})
                .exitCode == 0);
    QByteArray output;
    const QRegularExpression running(u"MODIFIED (seen-\\S+) Running\n"_qs);
    const auto runningPods = [&] {
        output += watch.readAllStandardOutput();
        QSet<QString> pods;
        for (const auto& match : running.globalMatch(QString::fromUtf8(output)))
            pods.insert(match.captured(1));
        return pods.size();
    };
    QTRY_COMPARE_WITH_TIMEOUT(runningPods(), 2, 30'000);
    QVERIFY2(
        QRegularExpression(u"ADDED seen-\\S+ \n"_qs).match(QString::fromUtf8(output)).hasMatch(),
        output.constData());
}

QTEST_GUILESS_MAIN(TestFakeController)
#include "tst_fakecontroller.moc"
