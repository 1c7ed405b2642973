// kubectl rollout status's verdict and words for each state of a Deployment, a StatefulSet and a
// DaemonSet, then the same verdict as the real kubectl at the same moments of rollouts on the
// fake API server: creation, a new image at a given revision, a partitioned StatefulSet, an
// OnDelete DaemonSet and a Deployment whose pods never become ready past its progress deadline.
#include "fakes/kubeapiserver.h"
#include "kubernetes/rolloutstatus.h"

#include <QDeadlineTimer>
#include <QJsonDocument>
#include <QStandardPaths>
#include <QTest>
#include <QThread>

using namespace launchdeck::kube;
using namespace launchdeck::test;
using State = RolloutVerdict::State;

Q_DECLARE_METATYPE(RolloutVerdict::State)

namespace {

const QString kDeployments = u"/apis/apps/v1/namespaces/default/deployments/"_qs;
const QString kStatefulSets = u"/apis/apps/v1/namespaces/default/statefulsets/"_qs;
const QString kDaemonSets = u"/apis/apps/v1/namespaces/default/daemonsets/"_qs;

QByteArray workload(const QByteArray& kind, const QByteArray& name, const QByteArray& spec,
                    const QByteArray& podAnnotations = "{}")
{
    return R"({"apiVersion":"apps/v1","kind":")" + kind + R"(","metadata":{"name":")" + name +
           R"("},"spec":{)" + spec + R"("selector":{"matchLabels":{"app":")" + name +
           R"("}},"template":{"metadata":{"labels":{"app":")" + name + R"("},"annotations":)" +
           podAnnotations + R"(},"spec":{"containers":[{"name":"main","image":"busybox:1"}]}}}})";
}

const char* stateName(State state)
{
    switch (state) {
    case State::InProgress:
        return "InProgress";
    case State::Done:
        return "Done";
    case State::Failed:
        return "Failed";
    }
    return "?";
}

} // namespace

class TestRolloutStatus final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void verdicts_data();
    void verdicts();
    void initTestCase();
    void deploymentAgreesWithKubectl();
    void newImageAtRevisionTwoAgreesWithKubectl();
    void statefulSetAgreesWithKubectl();
    void partitionedStatefulSetAgreesWithKubectl();
    void daemonSetAgreesWithKubectl();
    void onDeleteDaemonSetFailsAsKubectl();
    void neverReadyDeploymentExceedsItsDeadline();

private:
    QString follow(const QString& path, const QStringList& kubectlArguments, State until,
                   std::optional<qint64> revision = {});
    bool create(const QByteArray& collection, const QByteArray& body);

    KubeApiServer m_server;
};

void TestRolloutStatus::verdicts_data()
{
    QTest::addColumn<QString>("object");
    QTest::addColumn<qint64>("revision"); // -1: none given
    QTest::addColumn<State>("state");
    QTest::addColumn<QString>("message");
    const auto deployment = [](const QString& rest) -> QString {
        return uR"({"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"web",)"_qs +
               rest + u'}';
    };
    const auto add = [](const char* row, const QString& object, qint64 revision, State state,
                        const QString& message) {
        QTest::newRow(row) << object << revision << state << message;
    };
    const QString waiting = u"Waiting for deployment \"web\" rollout to finish: "_qs;
    add("deployment-unobserved",
        deployment(uR"("generation":2},"spec":{"replicas":3},"status":{"observedGeneration":1,
"conditions":[{"type":"Progressing","reason":"ProgressDeadlineExceeded"}]})"_qs),
        -1, State::InProgress, u"Waiting for deployment spec update to be observed..."_qs);
    add("deployment-deadline",
        deployment(uR"("generation":2},"spec":{"replicas":3},"status":{"observedGeneration":2,
"conditions":[{"type":"Available","reason":"MinimumReplicasUnavailable"},
{"type":"Progressing","reason":"ProgressDeadlineExceeded"}]})"_qs),
        -1, State::Failed, u"deployment \"web\" exceeded its progress deadline"_qs);
    add("deployment-updating", deployment(uR"("generation":1},"spec":{"replicas":3},
"status":{"observedGeneration":1,"replicas":3,"updatedReplicas":1,"availableReplicas":3,
"conditions":[{"type":"Progressing","reason":"ReplicaSetUpdated"}]})"_qs),
        -1, State::InProgress, waiting + u"1 out of 3 new replicas have been updated..."_qs);
    add("deployment-old-pending", deployment(uR"("generation":1},"spec":{"replicas":3},
"status":{"observedGeneration":1,"replicas":5,"updatedReplicas":3,"availableReplicas":3})"_qs),
        -1, State::InProgress, waiting + u"2 old replicas are pending termination..."_qs);
    add("deployment-available", deployment(uR"("generation":1},"spec":{"replicas":3},
"status":{"observedGeneration":1,"replicas":3,"updatedReplicas":3,"availableReplicas":1})"_qs),
        -1, State::InProgress, waiting + u"1 of 3 updated replicas are available..."_qs);
    add("deployment-done", deployment(uR"("generation":4},"spec":{"replicas":3},
"status":{"observedGeneration":4,"replicas":3,"updatedReplicas":3,"availableReplicas":3})"_qs),
        -1, State::Done, u"deployment \"web\" successfully rolled out"_qs);
    add("deployment-no-status", deployment(uR"("generation":1},"spec":{"replicas":0})"_qs), -1,
        State::InProgress, u"Waiting for deployment spec update to be observed..."_qs);
    const QString atRevision =
        deployment(uR"("generation":1,"annotations":{"deployment.kubernetes.io/revision":"%1"}},
"spec":{"replicas":1},"status":{"observedGeneration":1,"replicas":1,"updatedReplicas":1,
"availableReplicas":1})"_qs);
    add("revision-differs", atRevision.arg(1), 2, State::Failed,
        u"desired revision (2) is different from the running revision (1)"_qs);
    add("revision-matches", atRevision.arg(2), 2, State::Done,
        u"deployment \"web\" successfully rolled out"_qs);
    add("revision-zero-ignored", atRevision.arg(7), 0, State::Done,
        u"deployment \"web\" successfully rolled out"_qs);
    add("revision-unreadable", atRevision.arg(u"two"_qs), 2, State::Failed,
        u"cannot get the revision of deployment \"web\": strconv.ParseInt: parsing \"two\": "
        u"invalid syntax"_qs);
    add("revision-absent", deployment(uR"("generation":1},"status":{"observedGeneration":1})"_qs),
        3, State::Failed, u"desired revision (3) is different from the running revision (0)"_qs);
    add("deployment-bad-replicas",
        deployment(uR"("generation":1},"spec":{"replicas":"3"},"status":{})"_qs), -1, State::Failed,
        u"deployment \"web\": spec.replicas is \"3\", not a whole number"_qs);

    const auto daemonSet = [](const QString& strategy, const QString& status) -> QString {
        return uR"({"apiVersion":"apps/v1","kind":"DaemonSet","metadata":{"name":"agent",
"generation":3},"spec":{"updateStrategy":{"type":"%1"}},"status":%2})"_qs.arg(strategy, status);
    };
    const QString daemonWaiting = u"Waiting for daemon set \"agent\" rollout to finish: "_qs;
    add("daemonset-ondelete", daemonSet(u"OnDelete"_qs, u"{\"observedGeneration\":3}"_qs), -1,
        State::Failed, u"rollout status is only available for RollingUpdate strategy type"_qs);
    add("daemonset-unobserved", daemonSet(u"RollingUpdate"_qs, u"{\"observedGeneration\":2}"_qs),
        -1, State::InProgress, u"Waiting for daemon set spec update to be observed..."_qs);
    add("daemonset-updating",
        daemonSet(u"RollingUpdate"_qs, uR"({"observedGeneration":3,"desiredNumberScheduled":4,
"updatedNumberScheduled":1,"numberAvailable":4})"_qs),
        -1, State::InProgress, daemonWaiting + u"1 out of 4 new pods have been updated..."_qs);
    add("daemonset-available",
        daemonSet(u"RollingUpdate"_qs, uR"({"observedGeneration":3,"desiredNumberScheduled":4,
"updatedNumberScheduled":4,"numberAvailable":2})"_qs),
        -1, State::InProgress, daemonWaiting + u"2 of 4 updated pods are available..."_qs);
    add("daemonset-done",
        daemonSet(u"RollingUpdate"_qs, uR"({"observedGeneration":3,"desiredNumberScheduled":4,
"updatedNumberScheduled":4,"numberAvailable":4})"_qs),
        1, State::Done, u"daemon set \"agent\" successfully rolled out"_qs);

    const auto statefulSet = [](const QString& strategy, const QString& status) -> QString {
        return uR"({"apiVersion":"apps/v1","kind":"StatefulSet","metadata":{"name":"db",
"generation":2},"spec":{"replicas":3,"updateStrategy":%1},"status":%2})"_qs.arg(strategy, status);
    };
    const QString partitioned = uR"({"type":"RollingUpdate","rollingUpdate":{"partition":1}})"_qs;
    const QString plain = uR"({"type":"RollingUpdate"})"_qs;
    add("statefulset-ondelete",
        statefulSet(uR"({"type":"OnDelete"})"_qs, u"{\"observedGeneration\":2}"_qs), -1,
        State::Failed, u"rollout status is only available for RollingUpdate strategy type"_qs);
    add("statefulset-never-observed", statefulSet(plain, u"{}"_qs), -1, State::InProgress,
        u"Waiting for statefulset spec update to be observed..."_qs);
    add("statefulset-unobserved", statefulSet(plain, u"{\"observedGeneration\":1}"_qs), -1,
        State::InProgress, u"Waiting for statefulset spec update to be observed..."_qs);
    add("statefulset-ready",
        statefulSet(partitioned, u"{\"observedGeneration\":2,\"readyReplicas\":1}"_qs), -1,
        State::InProgress, u"Waiting for 2 pods to be ready..."_qs);
    add("statefulset-partition-waiting",
        statefulSet(partitioned,
                    u"{\"observedGeneration\":2,\"readyReplicas\":3,\"updatedReplicas\":1}"_qs),
        -1, State::InProgress,
        u"Waiting for partitioned roll out to finish: 1 out of 2 new pods have been updated..."_qs);
    add("statefulset-partition-done",
        statefulSet(partitioned,
                    u"{\"observedGeneration\":2,\"readyReplicas\":3,\"updatedReplicas\":2}"_qs),
        -1, State::Done, u"partitioned roll out complete: 2 new pods have been updated..."_qs);
    add("statefulset-revision-waiting",
        statefulSet(plain, uR"({"observedGeneration":2,"readyReplicas":3,"updatedReplicas":1,
"currentReplicas":2,"currentRevision":"db-1","updateRevision":"db-2"})"_qs),
        -1, State::InProgress,
        u"waiting for statefulset rolling update to complete 1 pods at revision db-2..."_qs);
    add("statefulset-revision-done",
        statefulSet(plain, uR"({"observedGeneration":2,"readyReplicas":3,"updatedReplicas":3,
"currentReplicas":3,"currentRevision":"db-2","updateRevision":"db-2"})"_qs),
        -1, State::Done, u"statefulset rolling update complete 3 pods at revision db-2..."_qs);

    add("replicaset", uR"({"apiVersion":"apps/v1","kind":"ReplicaSet","metadata":{"name":"r"}})"_qs,
        -1, State::Failed, u"no status viewer has been implemented for ReplicaSet.apps"_qs);
    add("pod", uR"({"apiVersion":"v1","kind":"Pod","metadata":{"name":"p"}})"_qs, -1, State::Failed,
        u"no status viewer has been implemented for Pod"_qs);
    add("no-kind", uR"({"metadata":{"name":"p"}})"_qs, -1, State::Failed,
        u"object \"p\" has no kind: rollout status needs a Deployment, StatefulSet or DaemonSet"_qs);
}

void TestRolloutStatus::verdicts()
{
    QFETCH(QString, object);
    QFETCH(qint64, revision);
    QFETCH(State, state);
    QFETCH(QString, message);
    QJsonParseError error;
    const QJsonDocument document = QJsonDocument::fromJson(object.toUtf8(), &error);
    QVERIFY2(document.isObject(), qPrintable(error.errorString()));
    const RolloutVerdict verdict = rolloutStatus(
        document.object(), revision < 0 ? std::nullopt : std::optional<qint64>(revision));
    QCOMPARE(verdict.message, message);
    QCOMPARE(stateName(verdict.state), stateName(state));
}

void TestRolloutStatus::initTestCase()
{
    if (QStandardPaths::findExecutable(u"kubectl"_qs).isEmpty())
        QFAIL("kubectl is not on PATH; the verdicts are checked against it");
    m_server.setOptions({.readySeconds = 0.5, .logIntervalMs = 1000, .metrics = false});
    QString error;
    QVERIFY2(m_server.start(&error), qPrintable(error));
}

bool TestRolloutStatus::create(const QByteArray& collection, const QByteArray& body)
{
    const KubeAnswer answer = m_server.request(
        "POST", u"/apis/apps/v1/namespaces/default/"_qs + QString::fromLatin1(collection), body);
    if (answer.status != 201)
        qWarning("POST %s: %ld %s", collection.constData(), answer.status, answer.body.data());
    return answer.status == 201;
}

// Reads the object, runs `kubectl rollout status --watch=false` and reads the object again,
// until the verdict is `until`. Where both reads give the same resourceVersion kubectl judged
// that very object, so its output must be the verdict's message word for word. Returns what
// went wrong, or nothing once the verdict reached `until` at such a moment.
QString TestRolloutStatus::follow(const QString& path, const QStringList& kubectlArguments,
                                  State until, std::optional<qint64> revision)
{
    QStringList seen;
    int compared = 0;
    const QDeadlineTimer deadline(60'000);
    while (!deadline.hasExpired()) {
        const KubeAnswer before = m_server.request("GET", path);
        const KubectlResult run = m_server.kubectl(
            QStringList{u"rollout"_qs, u"status"_qs, u"--watch=false"_qs} + kubectlArguments);
        const KubeAnswer after = m_server.request("GET", path);
        if (before.status != 200 || after.status != 200)
            return u"GET %1: %2 %3"_qs.arg(path).arg(before.status).arg(before.error);
        const QJsonObject object = QJsonDocument::fromJson(before.body).object();
        const QJsonValue version = object[u"metadata"][u"resourceVersion"];
        if (version != QJsonDocument::fromJson(after.body)[u"metadata"][u"resourceVersion"])
            continue;
        ++compared;
        const RolloutVerdict verdict = rolloutStatus(object, revision);
        const QString kubectlSays = run.exitCode == 0 ? run.out.trimmed() : run.err.trimmed();
        const QString expected =
            verdict.state == State::Failed ? u"error: "_qs + verdict.message : verdict.message;
        if (kubectlSays != expected || (run.exitCode == 0) == (verdict.state == State::Failed)) {
            return u"at resourceVersion %1 kubectl (exit %2) says \"%3\", the verdict is %4 "
                   u"\"%5\""_qs.arg(version.toString())
                       .arg(run.exitCode)
                       .arg(kubectlSays, QString::fromLatin1(stateName(verdict.state)),
                            verdict.message);
        }
        if (seen.isEmpty() || seen.last() != verdict.message)
            seen.append(verdict.message);
        if (verdict.state == until) {
            qInfo("%d moments agreed: %s", compared, qPrintable(seen.join(u" | "_qs)));
            return {};
        }
        QThread::msleep(50);
    }
    return u"no %1 verdict within 60 s after %2 moments: %3"_qs.arg(
        QString::fromLatin1(stateName(until)), QString::number(compared), seen.join(u" | "_qs));
}

void TestRolloutStatus::deploymentAgreesWithKubectl()
{
    QVERIFY(create("deployments", workload("Deployment", "web", R"("replicas":3,)")));
    const QString failure = follow(kDeployments + u"web"_qs, {u"deployment/web"_qs}, State::Done);
    QVERIFY2(failure.isEmpty(), qPrintable(failure));
}

void TestRolloutStatus::newImageAtRevisionTwoAgreesWithKubectl()
{
    const KubeAnswer patched = m_server.patch(
        kDeployments + u"web"_qs,
        R"({"spec":{"template":{"spec":{"containers":[{"name":"main","image":"busybox:2"}]}}}})",
        "application/strategic-merge-patch+json");
    QVERIFY2(patched.status == 200, patched.body.constData());
    const QString failure = follow(kDeployments + u"web"_qs,
                                   {u"deployment/web"_qs, u"--revision=2"_qs}, State::Done, 2);
    QVERIFY2(failure.isEmpty(), qPrintable(failure));
    // The rollout is at revision 2 now: asking for revision 1 fails as kubectl fails.
    const QString stale = follow(kDeployments + u"web"_qs,
                                 {u"deployment/web"_qs, u"--revision=1"_qs}, State::Failed, 1);
    QVERIFY2(stale.isEmpty(), qPrintable(stale));
}

void TestRolloutStatus::statefulSetAgreesWithKubectl()
{
    QVERIFY(create("statefulsets",
                   workload("StatefulSet", "db", R"("replicas":2,"serviceName":"db",)")));
    const QString failure = follow(kStatefulSets + u"db"_qs, {u"statefulset/db"_qs}, State::Done);
    QVERIFY2(failure.isEmpty(), qPrintable(failure));
}

void TestRolloutStatus::partitionedStatefulSetAgreesWithKubectl()
{
    QVERIFY(
        create("statefulsets", workload("StatefulSet", "shards",
                                        R"("replicas":3,"serviceName":"shards","updateStrategy":{
"type":"RollingUpdate","rollingUpdate":{"partition":2}},)")));
    const QString failure =
        follow(kStatefulSets + u"shards"_qs, {u"statefulset/shards"_qs}, State::Done);
    QVERIFY2(failure.isEmpty(), qPrintable(failure));
}

void TestRolloutStatus::daemonSetAgreesWithKubectl()
{
    QVERIFY(create("daemonsets", workload("DaemonSet", "agent", "")));
    const QString failure = follow(kDaemonSets + u"agent"_qs, {u"daemonset/agent"_qs}, State::Done);
    QVERIFY2(failure.isEmpty(), qPrintable(failure));
}

void TestRolloutStatus::onDeleteDaemonSetFailsAsKubectl()
{
    QVERIFY(create("daemonsets",
                   workload("DaemonSet", "manual", R"("updateStrategy":{"type":"OnDelete"},)")));
    const QString failure =
        follow(kDaemonSets + u"manual"_qs, {u"daemonset/manual"_qs}, State::Failed);
    QVERIFY2(failure.isEmpty(), qPrintable(failure));
}

void TestRolloutStatus::neverReadyDeploymentExceedsItsDeadline()
{
    QVERIFY(create("deployments",
                   workload("Deployment", "stuck", R"("replicas":2,"progressDeadlineSeconds":2,)",
                            R"({"fake.launchdeck.dev/fail":"never-ready"})")));
    const QString failure =
        follow(kDeployments + u"stuck"_qs, {u"deployment/stuck"_qs}, State::Failed);
    QVERIFY2(failure.isEmpty(), qPrintable(failure));
    const RolloutVerdict verdict = rolloutStatus(
        QJsonDocument::fromJson(m_server.request("GET", kDeployments + u"stuck"_qs).body).object());
    QCOMPARE(verdict.message, u"deployment \"stuck\" exceeded its progress deadline"_qs);
}

QTEST_GUILESS_MAIN(TestRolloutStatus)
#include "tst_rolloutstatus.moc"
