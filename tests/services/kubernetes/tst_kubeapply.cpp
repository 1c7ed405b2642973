// What a deployment asks of an API server, on the fake API server beside the real kubectl: REST
// paths; server-side apply (create, update, dry run, kubectl get), its conflict after `kubectl
// scale` and force; kube-apiserver's words for refusals; access reviews beside `kubectl auth
// can-i`; a quota made by kubectl; the Secret; history and undo beside `kubectl rollout` on a
// twin; a rollout followed to done, to its progress deadline, cancelled and timed out.
#include "fakes/kubeapiserver.h"
#include "fakes/localhttpserver.h"
#include "fakes/misbehavingserver.h"
#include "kubernetes/kubeapply.h"
#include "kubernetes/kubeconfig.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QRegularExpression>
#include <QTest>

#include <memory>

using namespace launchdeck;
using namespace launchdeck::kube;
using namespace launchdeck::test;
using State = RolloutVerdict::State;

namespace {

QJsonObject json(const QString& text)
{
    return QJsonDocument::fromJson(text.toUtf8()).object();
}

// A Deployment of one container; `podAnnotations` go on its template, `moreSpec` (fields
// after a comma) in its spec.
QJsonObject deployment(const QString& name, const QString& image, int replicas = 1,
                       const QJsonObject& annotations = {}, const QJsonObject& podAnnotations = {},
                       const QString& moreSpec = {})
{
    const auto field = [](const QJsonObject& values) {
        return values.isEmpty()
                   ? QString()
                   : u",\"annotations\":" + QString::fromUtf8(QJsonDocument(values).toJson());
    };
    return json(uR"({"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"%1"%4},
        "spec":{"replicas":%3%6,"selector":{"matchLabels":{"app":"%1"}},"template":{"metadata":{
        "labels":{"app":"%1"}%5},"spec":{"containers":[{"name":"main","image":"%2"}]}}}})"_qs.arg(
        name, image, QString::number(replicas), field(annotations), field(podAnnotations),
        moreSpec));
}

QString cause(int revision)
{
    return u"launchdeck revision %1 (busybox:%1)"_qs.arg(revision);
}

// A line of the history: revision `revision` made by the change to image busybox:`image`.
QString entry(int revision, int image)
{
    return QString::number(revision) + u' ' + cause(image);
}

// `kubectl rollout history`'s table as "REVISION CHANGE-CAUSE" lines.
QStringList historyOf(const QString& kubectlOutput)
{
    QStringList history;
    static const QRegularExpression row(u"^(\\d+)\\s+(.*?)\\s*$"_qs);
    for (const QString& line : kubectlOutput.split(u'\n')) {
        const QRegularExpressionMatch match = row.match(line);
        if (match.hasMatch())
            history.append(match.captured(1) + u' ' + match.captured(2));
    }
    return history;
}

QStringList historyOf(const QList<RolloutRevision>& revisions)
{
    QStringList history;
    for (const RolloutRevision& revision : revisions)
        history.append(QString::number(revision.revision) + u' ' +
                       (revision.changeCause.isEmpty() ? u"<none>"_qs : revision.changeCause));
    return history;
}

// objectPath() of `object` in namespace shop, or "error: " and why there is none.
QString pathOf(const QString& object, const QString& nameSpace = u"shop"_qs)
{
    const Result<QString> path = objectPath(json(object), nameSpace);
    return path.ok() ? *path : u"error: " + path.error().toString();
}

// The lines of a result, or its error as the only line.
QStringList linesOf(const Result<QStringList>& result)
{
    return result.ok() ? *result : QStringList{u"error: " + result.error().toString()};
}

template <typename T> QByteArray why(const Result<T>& result)
{
    return result.ok() ? QByteArray() : result.error().toString().toUtf8();
}

RolloutWatch watchOf(const QString& name,
                     std::chrono::milliseconds timeout = std::chrono::minutes(1))
{
    return RolloutWatch{.nameSpace = u"default"_qs, .name = name, .timeout = timeout};
}

} // namespace

class TestKubeApply final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void objectPaths_data();
    void objectPaths();
    void unknownKindsAndNamelessObjectsHaveNoPath();
    void applyCreatesUpdatesAndDryRuns();
    void applySendsAnApplyPatchAndReadsTheServersWords();
    void conflictAfterKubectlScaleNamesManagerAndField();
    void deniedAccessAgreesWithKubectlAuthCanI();
    void quotaShortfallsOfAQuotaMadeByKubectl();
    void secretHoldsTheValuesAndErrorsNever();
    void historyAndUndoAgreeWithKubectl();
    void undoWithoutHistoryFailsAsKubectl();
    void followFailsAtTheProgressDeadlineAsKubectl();
    void followEndsOnCancelTimeoutAndOutage();

private:
    std::unique_ptr<KubeClient> clientAs(const QString& context) const;
    KubectlResult kubectl(const QStringList& arguments, const QByteArray& input = {}) const
    {
        return m_server.kubectl(arguments, input);
    }
    QJsonObject kubectlGet(const QString& what) const;
    void applyAndFollow(const QJsonObject& object);

    KubeApiServer m_server;
    std::unique_ptr<KubeClient> m_admin;
};

void TestKubeApply::initTestCase()
{
    KubeApiServerOptions options;
    options.readySeconds = 0.2;
    options.restrictedDeny = {u"patch deployments.apps"_qs, u"create services"_qs};
    m_server.setOptions(options);
    QString error;
    QVERIFY2(m_server.start(&error), qPrintable(error));
    m_admin = clientAs(u"cert"_qs);
}

std::unique_ptr<KubeClient> TestKubeApply::clientAs(const QString& context) const
{
    const Result<Kubeconfig> config = loadKubeconfigFile(m_server.kubeconfigPath());
    Result<ClusterConnection> resolved =
        config ? resolveContext(*config, context) : Result<ClusterConnection>(config.error());
    if (!resolved)
        qFatal("%s", qPrintable(resolved.error().toString()));
    return std::make_unique<KubeClient>(std::move(resolved).value(), u"fake"_qs);
}

QJsonObject TestKubeApply::kubectlGet(const QString& what) const
{
    const KubectlResult got = kubectl(QStringList{u"get"_qs} << what.split(u' ') << u"-o=json"_qs
                                                             << u"--show-managed-fields"_qs);
    if (got.exitCode != 0)
        qWarning("kubectl get %s: %s", qPrintable(what), qPrintable(got.err));
    return json(got.out);
}

// Applies `object` and follows its rollout without --revision: right after a change the
// Deployment may not carry its new revision yet, which kubectl takes for a failure.
void TestKubeApply::applyAndFollow(const QJsonObject& object)
{
    const ApplyResult applied = serverSideApply(*m_admin, object, u"default"_qs);
    QVERIFY2(applied.ok(), qPrintable(applied.error));
    const RolloutWatch watch = watchOf(object[u"metadata"][u"name"].toString());
    QStringList heard;
    const RolloutVerdict verdict =
        followRollout(*m_admin, watch, [&](const RolloutVerdict& v) { heard.append(v.message); });
    QCOMPARE(verdict.message, u"deployment \"%1\" successfully rolled out"_qs.arg(watch.name));
    QCOMPARE(verdict.state, State::Done);
    QCOMPARE(heard.last(), verdict.message);
    QCOMPARE(heard.size(), QSet<QString>(heard.begin(), heard.end()).size());
}

void TestKubeApply::objectPaths_data()
{
    QTest::addColumn<QString>("apiVersion");
    QTest::addColumn<QString>("kind");
    QTest::addColumn<QString>("path");
    const auto row = [](const char* apiVersion, const char* kind, const char* path) {
        QTest::addRow("%s %s", apiVersion, kind)
            << QString::fromLatin1(apiVersion) << QString::fromLatin1(kind)
            << QString::fromLatin1(path);
    };
    row("apps/v1", "Deployment", "/apis/apps/v1/namespaces/shop/deployments/web");
    row("apps/v1", "ReplicaSet", "/apis/apps/v1/namespaces/shop/replicasets/web");
    row("apps/v1", "StatefulSet", "/apis/apps/v1/namespaces/shop/statefulsets/web");
    row("v1", "Service", "/api/v1/namespaces/shop/services/web");
    row("v1", "Secret", "/api/v1/namespaces/shop/secrets/web");
    row("v1", "ConfigMap", "/api/v1/namespaces/shop/configmaps/web");
    row("v1", "ServiceAccount", "/api/v1/namespaces/shop/serviceaccounts/web");
    row("v1", "Pod", "/api/v1/namespaces/shop/pods/web");
    row("v1", "Namespace", "/api/v1/namespaces/web");
    row("networking.k8s.io/v1", "Ingress",
        "/apis/networking.k8s.io/v1/namespaces/shop/ingresses/web");
    row("autoscaling/v2", "HorizontalPodAutoscaler",
        "/apis/autoscaling/v2/namespaces/shop/horizontalpodautoscalers/web");
    row("policy/v1", "PodDisruptionBudget",
        "/apis/policy/v1/namespaces/shop/poddisruptionbudgets/web");
    row("rbac.authorization.k8s.io/v1", "ClusterRole",
        "/apis/rbac.authorization.k8s.io/v1/clusterroles/web");
}

void TestKubeApply::objectPaths()
{
    QFETCH(QString, apiVersion);
    QFETCH(QString, kind);
    QFETCH(QString, path);
    QCOMPARE(pathOf(uR"({"apiVersion":"%1","kind":"%2","metadata":{"name":"web"}})"_qs.arg(
                 apiVersion, kind)),
             path);
}

void TestKubeApply::unknownKindsAndNamelessObjectsHaveNoPath()
{
    QCOMPARE(
        pathOf(uR"({"apiVersion":"example.com/v1","kind":"Widget","metadata":{"name":"w1"}})"_qs),
        u"error: Widget w1: no matches for kind \"Widget\" in version \"example.com/v1\""_qs);
    // A kind of another group is not the kind: core v1 serves no Deployments.
    QCOMPARE(pathOf(uR"({"apiVersion":"v1","kind":"Deployment","metadata":{"name":"web"}})"_qs),
             u"error: Deployment web: no matches for kind \"Deployment\" in version \"v1\""_qs);
    QCOMPARE(pathOf(uR"({"apiVersion":"v1","kind":"Service","metadata":{}})"_qs),
             u"error: Service (no name): metadata.name is empty"_qs);
    QVERIFY(pathOf(uR"({"apiVersion":"v1","kind":"Pod","metadata":{"name":"p"}})"_qs, {})
                .startsWith(u"error: Pod p: no namespace"));
    // An object that names its namespace is applied there.
    QCOMPARE(
        pathOf(uR"({"apiVersion":"v1","kind":"Pod","metadata":{"name":"p","namespace":"x"}})"_qs),
        u"/api/v1/namespaces/x/pods/p"_qs);
}

void TestKubeApply::applyCreatesUpdatesAndDryRuns()
{
    const ApplyOptions dryRun{.dryRun = true};
    const ApplyResult dry =
        serverSideApply(*m_admin, deployment(u"dry"_qs, u"busybox:1"_qs), u"default"_qs, dryRun);
    QVERIFY2(dry.ok(), qPrintable(dry.error));
    QCOMPARE(dry.object[u"metadata"][u"name"].toString(), u"dry"_qs);
    const KubectlResult absent = kubectl({u"get"_qs, u"deployment"_qs, u"dry"_qs});
    QVERIFY2(absent.exitCode != 0 && absent.err.contains(u"not found"), qPrintable(absent.err));

    const ApplyResult created =
        serverSideApply(*m_admin, deployment(u"web"_qs, u"busybox:1"_qs, 2), u"default"_qs);
    QVERIFY2(created.ok(), qPrintable(created.error));
    QCOMPARE(created.httpStatus, 201L);
    const auto imageOf = [](const QJsonObject& object) {
        return object[u"spec"][u"template"][u"spec"][u"containers"][0][u"image"].toString();
    };
    QJsonObject live = kubectlGet(u"deployment web"_qs);
    QCOMPARE(imageOf(live), u"busybox:1"_qs);
    QCOMPARE(live[u"spec"][u"replicas"].toInt(), 2);
    const QByteArray managers =
        QJsonDocument(live[u"metadata"][u"managedFields"].toArray()).toJson(QJsonDocument::Compact);
    QVERIFY2(managers.contains(R"("manager":"launchdeck","operation":"Apply")"), managers);

    const ApplyResult updated =
        serverSideApply(*m_admin, deployment(u"web"_qs, u"busybox:2"_qs, 2), u"default"_qs);
    QVERIFY2(updated.ok(), qPrintable(updated.error));
    QCOMPARE(updated.httpStatus, 200L);
    QCOMPARE(imageOf(updated.object), u"busybox:2"_qs);
    QCOMPARE(imageOf(kubectlGet(u"deployment web"_qs)), u"busybox:2"_qs);

    const ApplyResult wouldBe =
        serverSideApply(*m_admin, deployment(u"web"_qs, u"busybox:3"_qs, 2), u"default"_qs, dryRun);
    QVERIFY2(wouldBe.ok(), qPrintable(wouldBe.error));
    QCOMPARE(imageOf(wouldBe.object), u"busybox:3"_qs);
    QCOMPARE(imageOf(kubectlGet(u"deployment web"_qs)), u"busybox:2"_qs);
}

void TestKubeApply::applySendsAnApplyPatchAndReadsTheServersWords()
{
    MisbehavingServer server(MisbehavingServer::Behaviour::AnswerGiven);
    QString error;
    QVERIFY2(server.start(&error), qPrintable(error));
    ClusterConnection connection;
    connection.server = server.url(QString());
    KubeClient client(connection, u"canned"_qs);
    const QJsonObject web = deployment(u"web"_qs, u"busybox:1"_qs);

    server.setAnswer(200, "application/json", QJsonDocument(web).toJson());
    const ApplyResult applied =
        serverSideApply(client, web, u"shop"_qs, {.dryRun = true, .force = true});
    QVERIFY2(applied.ok(), qPrintable(applied.error));
    const QByteArray request = server.lastRequest();
    QVERIFY2(request.startsWith("PATCH /apis/apps/v1/namespaces/shop/deployments/web?fieldManager="
                                "launchdeck&force=true&dryRun=All HTTP/1.1\r\n"),
             request.constData());
    QVERIFY2(request.contains("\r\nContent-Type: application/apply-patch+yaml\r\n"),
             request.constData());
    QCOMPARE(QJsonDocument::fromJson(request.mid(request.indexOf("\r\n\r\n") + 4)).object(), web);

    // kube-apiserver's words for an object its validation refuses, and for a conflict.
    server.setAnswer(
        422, "application/json",
        R"({"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":)"
        R"("Deployment.apps \"web\" is invalid: [spec.replicas: Invalid value: -1: must be )"
        R"(greater than or equal to 0, spec.template.spec.containers[0].image: Required value]",)"
        R"("reason":"Invalid","details":{"name":"web","group":"apps","kind":"Deployment","causes":)"
        R"([{"reason":"FieldValueInvalid","message":"Invalid value: -1: must be greater than or )"
        R"(equal to 0","field":"spec.replicas"},{"reason":"FieldValueRequired","message":)"
        R"("Required value","field":"spec.template.spec.containers[0].image"}]},"code":422})");
    const ApplyResult invalid = serverSideApply(client, web, u"shop"_qs);
    QCOMPARE(invalid.httpStatus, 422L);
    QCOMPARE(invalid.error, u"Deployment web: the API server refused it: spec.replicas: Invalid "
                            "value: -1: must be greater than or equal to 0; "
                            "spec.template.spec.containers[0].image: Required value"_qs);
    server.setAnswer(
        409, "application/json",
        R"({"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":)"
        R"("Apply failed with 1 conflict: conflict with \"kubectl-edit\" using apps/v1: )"
        R"(.spec.replicas","reason":"Conflict","details":{"causes":[{"reason":)"
        R"("FieldManagerConflict","message":"conflict with \"kubectl-edit\" using apps/v1",)"
        R"("field":".spec.replicas"}]},"code":409})");
    const ApplyResult conflict = serverSideApply(client, web, u"shop"_qs);
    QCOMPARE(conflict.conflicts.size(), 1);
    QCOMPARE(conflict.conflicts[0].manager, u"kubectl-edit"_qs);
    QCOMPARE(conflict.conflicts[0].field, u".spec.replicas"_qs);
    QCOMPARE(conflict.error, u"Deployment web: .spec.replicas is owned by kubectl-edit (apply "
                             "with force to take it)"_qs);
}

void TestKubeApply::conflictAfterKubectlScaleNamesManagerAndField()
{
    QJsonObject scaled = deployment(u"scaled"_qs, u"busybox:1"_qs, 1);
    const ApplyResult first = serverSideApply(*m_admin, scaled, u"default"_qs);
    QVERIFY2(first.ok(), qPrintable(first.error));
    const KubectlResult scale = kubectl({u"scale"_qs, u"deployment/scaled"_qs, u"--replicas=3"_qs});
    QVERIFY2(scale.exitCode == 0, qPrintable(scale.err));
    // Whoever the server credits with kubectl's change of spec.replicas.
    QString scaler;
    for (const QJsonValue& entry :
         kubectlGet(u"deployment scaled"_qs)[u"metadata"][u"managedFields"].toArray()) {
        if (entry[u"fieldsV1"][u"f:spec"].toObject().contains(u"f:replicas") &&
            entry[u"manager"] != u"launchdeck"_qs)
            scaler = entry[u"manager"].toString();
    }
    QVERIFY2(!scaler.isEmpty(), "kubectl scale is recorded as a manager of spec.replicas");

    const ApplyResult refused = serverSideApply(*m_admin, scaled, u"default"_qs);
    QCOMPARE(refused.httpStatus, 409L);
    QCOMPARE(refused.conflicts.size(), 1);
    QCOMPARE(refused.conflicts[0].manager, scaler);
    QCOMPARE(refused.conflicts[0].field, u".spec.replicas"_qs);
    QCOMPARE(refused.error, u"Deployment scaled: .spec.replicas is owned by %1 (apply with force "
                            "to take it)"_qs.arg(scaler));
    QCOMPARE(kubectlGet(u"deployment scaled"_qs)[u"spec"][u"replicas"].toInt(), 3);

    const ApplyResult forced = serverSideApply(*m_admin, scaled, u"default"_qs, {.force = true});
    QVERIFY2(forced.ok(), qPrintable(forced.error));
    QCOMPARE(kubectlGet(u"deployment scaled"_qs)[u"spec"][u"replicas"].toInt(), 1);
}

void TestKubeApply::deniedAccessAgreesWithKubectlAuthCanI()
{
    const auto check = [](const QString& verb, const QString& group, const QString& resource) {
        return AccessCheck{verb, group, resource, {}, u"default"_qs, {}};
    };
    const QList<AccessCheck> checks{
        check(u"patch"_qs, u"apps"_qs, u"deployments"_qs), check(u"create"_qs, {}, u"services"_qs),
        check(u"get"_qs, {}, u"pods"_qs), check(u"create"_qs, {}, u"secrets"_qs)};
    QCOMPARE(checks[0].describe(), u"patch deployments.apps in namespace default"_qs);
    QCOMPARE(linesOf(deniedAccess(*m_admin, checks)), QStringList());

    const Result<QStringList> restricted = deniedAccess(*clientAs(u"restricted"_qs), checks);
    QVERIFY2(restricted.ok(), why(restricted));
    QCOMPARE(*restricted, (QStringList{u"cannot patch deployments.apps in namespace default"_qs,
                                       u"cannot create services in namespace default"_qs}));
    for (const AccessCheck& c : checks) {
        const QString resource = c.group.isEmpty() ? c.resource : c.resource + u'.' + c.group;
        const KubectlResult canI = kubectl({u"--context=restricted"_qs, u"auth"_qs, u"can-i"_qs,
                                            c.verb, resource, u"-n"_qs, c.nameSpace});
        const bool denied = restricted->contains(u"cannot " + c.describe());
        QCOMPARE(canI.out.trimmed(), denied ? u"no"_qs : u"yes"_qs);
    }
}

void TestKubeApply::quotaShortfallsOfAQuotaMadeByKubectl()
{
    QCOMPARE(kubectl({u"create"_qs, u"namespace"_qs, u"quota"_qs}).exitCode, 0);
    const KubectlResult quota =
        kubectl({u"create"_qs, u"quota"_qs, u"compute"_qs, u"-n"_qs, u"quota"_qs,
                 u"--hard=pods=4,requests.cpu=2,requests.memory=1Gi"_qs});
    QVERIFY2(quota.exitCode == 0, qPrintable(quota.err));
    const KubectlResult pod =
        kubectl({u"create"_qs, u"-n"_qs, u"quota"_qs, u"-f"_qs, u"-"_qs},
                R"({"apiVersion":"v1","kind":"Pod","metadata":{"name":"busy"},"spec":{"containers":[
{"name":"main","image":"busybox:1","resources":{"requests":{"cpu":"500m","memory":"256Mi"}}}]}})");
    QVERIFY2(pod.exitCode == 0, qPrintable(pod.err));
    QTRY_COMPARE_WITH_TIMEOUT(
        kubectlGet(u"resourcequota compute -n quota"_qs)[u"status"][u"used"][u"requests.cpu"]
            .toString(),
        u"500m"_qs, 20'000);

    QCOMPARE(linesOf(quotaShortfalls(*m_admin, u"quota"_qs, {2, 2000, 512 << 20})),
             QStringList{u"quota compute: requests.cpu needs 2, 1500m of 2 left"_qs});
    QCOMPARE(linesOf(quotaShortfalls(*m_admin, u"quota"_qs, {5, 1600, qint64(1) << 30})),
             (QStringList{u"quota compute: pods needs 5, 3 of 4 left"_qs,
                          u"quota compute: requests.cpu needs 1600m, 1500m of 2 left"_qs,
                          u"quota compute: requests.memory needs 1Gi, 768Mi of 1Gi left"_qs}));
    QCOMPARE(linesOf(quotaShortfalls(*m_admin, u"quota"_qs, {3, 1500, 768 << 20})), QStringList());
    QCOMPARE(linesOf(quotaShortfalls(*m_admin, u"default"_qs, {100, 100'000, 0})), QStringList());
}

void TestKubeApply::secretHoldsTheValuesAndErrorsNever()
{
    const QMap<QString, QString> values{{u"password"_qs, u"s3cr3t-välue"_qs},
                                        {u"token"_qs, u"tok-8f2e9a"_qs}};
    const QJsonObject labels{{u"app.kubernetes.io/name"_qs, u"web"_qs}};
    const Result<bool> applied =
        applySecret(*m_admin, u"default"_qs, u"web-secrets"_qs, values, labels);
    QVERIFY2(applied.ok(), why(applied));
    QJsonObject secret = kubectlGet(u"secret web-secrets"_qs);
    QCOMPARE(secret[u"type"].toString(), u"Opaque"_qs);
    QCOMPARE(secret[u"metadata"][u"labels"].toObject(), labels);
    QCOMPARE(secret[u"data"].toObject().keys(), values.keys());
    for (auto it = values.begin(); it != values.end(); ++it)
        QCOMPARE(QByteArray::fromBase64(secret[u"data"][it.key()].toString().toLatin1()),
                 it.value().toUtf8());

    // A key the application no longer declares goes with the next apply.
    const Result<bool> again = applySecret(*m_admin, u"default"_qs, u"web-secrets"_qs,
                                           {{u"password"_qs, u"n3w-välue"_qs}}, labels);
    QVERIFY(again.ok());
    secret = kubectlGet(u"secret web-secrets"_qs);
    QCOMPARE(secret[u"data"].toObject().keys(), QStringList{u"password"_qs});

    const Result<bool> refused =
        applySecret(*clientAs(u"viewer"_qs), u"default"_qs, u"web-secrets"_qs, values, labels);
    const QString text = refused.ok() ? u"applied"_qs : refused.error().toString();
    QVERIFY2(text.contains(u"Secret web-secrets") && text.contains(u"forbidden"), qPrintable(text));
    for (const QString& value : values)
        QVERIFY2(!text.contains(value) &&
                     !text.contains(QString::fromLatin1(value.toUtf8().toBase64())),
                 qPrintable(text));
}

void TestKubeApply::historyAndUndoAgreeWithKubectl()
{
    // "hist" is rolled back by Launchdeck, its twin by kubectl, after the same three changes.
    for (const QString& name : {u"hist"_qs, u"twin"_qs}) {
        for (int revision = 1; revision <= 3; ++revision)
            applyAndFollow(deployment(name, u"busybox:%1"_qs.arg(revision), 1,
                                      {{u"kubernetes.io/change-cause"_qs, cause(revision)}}));
    }
    if (QTest::currentTestFailed())
        return;
    const auto kubectlHistory = [this](const QString& name) {
        return historyOf(kubectl({u"rollout"_qs, u"history"_qs, u"deployment/" + name}).out);
    };
    const auto undoTwin = [this](const QString& option) {
        return kubectl(QStringList{u"rollout"_qs, u"undo"_qs, u"deployment/twin"_qs} << option);
    };
    const auto settle = [this] {
        for (const QString& name : {u"hist"_qs, u"twin"_qs})
            QCOMPARE(followRollout(*m_admin, watchOf(name)).state, State::Done);
    };
    const auto ours = [this](const QString& name) {
        const Result<QList<RolloutRevision>> revisions =
            rolloutHistory(*m_admin, u"default"_qs, name);
        return revisions.ok() ? historyOf(*revisions) : QStringList{revisions.error().toString()};
    };
    QCOMPARE(ours(u"hist"_qs), (QStringList{entry(1, 1), entry(2, 2), entry(3, 3)}));
    QCOMPARE(ours(u"hist"_qs), kubectlHistory(u"hist"_qs));

    const Result<qint64> undone = rolloutUndo(*m_admin, u"default"_qs, u"hist"_qs, 1);
    QVERIFY2(undone.ok(), why(undone));
    QCOMPARE(*undone, qint64(1));
    const KubectlResult twin = undoTwin(u"--to-revision=1"_qs);
    QVERIFY2(twin.exitCode == 0, qPrintable(twin.err));
    settle();
    const QStringList afterUndo{entry(2, 2), entry(3, 3), entry(4, 1)};
    QCOMPARE(kubectlHistory(u"hist"_qs), afterUndo);
    QCOMPARE(ours(u"hist"_qs), afterUndo);
    // kubectl's patch writes the template as its typed client does, with creationTimestamp: null,
    // which kube-controller-manager takes for revision 1's template.
    QCOMPARE(kubectlHistory(u"twin"_qs), afterUndo);
    const QJsonObject hist = kubectlGet(u"deployment hist"_qs);
    const QJsonObject twinObject = kubectlGet(u"deployment twin"_qs);
    QCOMPARE(hist[u"spec"][u"template"][u"spec"], twinObject[u"spec"][u"template"][u"spec"]);
    QCOMPARE(hist[u"metadata"][u"annotations"], twinObject[u"metadata"][u"annotations"]);
    QVERIFY(!hist[u"spec"][u"template"][u"metadata"][u"labels"].toObject().contains(
        u"pod-template-hash"));

    // Already there: kubectl says it skipped, and so do we.
    bool alreadyThere = false;
    const Result<qint64> skipped =
        rolloutUndo(*m_admin, u"default"_qs, u"hist"_qs, 4, &alreadyThere);
    QVERIFY(skipped.ok() && alreadyThere);
    QCOMPARE(*skipped, qint64(4));
    const Result<qint64> skipError = rolloutUndo(*m_admin, u"default"_qs, u"hist"_qs, 4);
    QVERIFY(!skipError.ok());
    QCOMPARE(undoTwin(u"--to-revision=4"_qs).out.trimmed(),
             u"deployment.apps/twin " + skipError.error().message);

    const Result<qint64> unknown = rolloutUndo(*m_admin, u"default"_qs, u"hist"_qs, 7);
    QVERIFY(!unknown.ok());
    QCOMPARE(undoTwin(u"--to-revision=7"_qs).err.trimmed(), u"error: " + unknown.error().message);

    // No revision given: the one before the newest, revision 3, as kubectl picks it.
    const Result<qint64> previous = rolloutUndo(*m_admin, u"default"_qs, u"hist"_qs);
    QVERIFY2(previous.ok(), why(previous));
    QCOMPARE(*previous, qint64(3));
    QCOMPARE(kubectl({u"rollout"_qs, u"undo"_qs, u"deployment/twin"_qs}).exitCode, 0);
    settle();
    QCOMPARE(ours(u"hist"_qs), (QStringList{entry(2, 2), entry(4, 1), entry(5, 3)}));
    QCOMPARE(kubectlHistory(u"hist"_qs), ours(u"hist"_qs));
}

void TestKubeApply::undoWithoutHistoryFailsAsKubectl()
{
    applyAndFollow(deployment(u"solo"_qs, u"busybox:1"_qs));
    if (QTest::currentTestFailed())
        return;
    const Result<qint64> undone = rolloutUndo(*m_admin, u"default"_qs, u"solo"_qs);
    QVERIFY(!undone.ok());
    QCOMPARE(undone.error().message, u"no rollout history found for deployment \"solo\""_qs);
    QCOMPARE(kubectl({u"rollout"_qs, u"undo"_qs, u"deployment/solo"_qs}).err.trimmed(),
             u"error: " + undone.error().message);
    const Result<qint64> missing = rolloutUndo(*m_admin, u"default"_qs, u"absent"_qs);
    QVERIFY2(!missing.ok() &&
                 missing.error().toString().contains(u"deployments.apps \"absent\" not found"),
             why(missing));
}

void TestKubeApply::followFailsAtTheProgressDeadlineAsKubectl()
{
    const QJsonObject stuck = deployment(u"stuck"_qs, u"busybox:1-never-ready"_qs, 1, {}, {},
                                         u",\"progressDeadlineSeconds\":2"_qs);
    const ApplyResult applied = serverSideApply(*m_admin, stuck, u"default"_qs);
    QVERIFY2(applied.ok(), qPrintable(applied.error));
    QList<RolloutVerdict> heard;
    const RolloutVerdict verdict = followRollout(*m_admin, watchOf(u"stuck"_qs),
                                                 [&](const RolloutVerdict& v) { heard.append(v); });
    QCOMPARE(verdict.state, State::Failed);
    QCOMPARE(verdict.message, u"deployment \"stuck\" exceeded its progress deadline"_qs);
    QCOMPARE(heard.first().state, State::InProgress);
    QCOMPARE(kubectl({u"rollout"_qs, u"status"_qs, u"deployment/stuck"_qs}).err.trimmed(),
             u"error: " + verdict.message);
}

void TestKubeApply::followEndsOnCancelTimeoutAndOutage()
{
    const QJsonObject slow = deployment(u"slow"_qs, u"busybox:1"_qs, 1, {},
                                        {{u"fake.launchdeck.dev/ready-seconds"_qs, u"3600"_qs}});
    const ApplyResult applied = serverSideApply(*m_admin, slow, u"default"_qs);
    QVERIFY2(applied.ok(), qPrintable(applied.error));
    RolloutWatch watch = watchOf(u"slow"_qs);
    std::atomic_bool cancel{false};
    watch.cancel = &cancel;
    // Cancelled as soon as the first verdict says it is still in progress.
    const RolloutVerdict cancelled = followRollout(*m_admin, watch, [&](const RolloutVerdict& v) {
        if (v.state == State::InProgress)
            cancel = true;
    });
    QCOMPARE(cancelled.state, State::Failed);
    QCOMPARE(cancelled.message, u"cancelled"_qs);

    cancel = false;
    watch.timeout = std::chrono::milliseconds(800);
    QStringList heard;
    const RolloutVerdict timedOut =
        followRollout(*m_admin, watch, [&](const RolloutVerdict& v) { heard.append(v.message); });
    QCOMPARE(timedOut.state, State::Failed);
    QCOMPARE(timedOut.message, u"timed out waiting for the condition"_qs);
    QVERIFY2(!heard.isEmpty() &&
                 heard.last().startsWith(u"Waiting for deployment \"slow\" rollout to finish"),
             qPrintable(heard.join(u'\n')));

    // A server that is not there: retried until the timeout, the outage told once.
    ClusterConnection connection;
    connection.server = u"http://127.0.0.1:%1"_qs.arg(pickFreeLoopbackPort());
    KubeClient gone(connection, u"gone"_qs);
    QList<RolloutVerdict> told;
    const RolloutVerdict outage =
        followRollout(gone, watchOf(u"web"_qs, std::chrono::milliseconds(1500)),
                      [&](const RolloutVerdict& v) { told.append(v); });
    QCOMPARE(outage.message, u"timed out waiting for the condition"_qs);
    QCOMPARE(told.size(), 1);
    QCOMPARE(told[0].state, State::InProgress);
    QVERIFY2(told[0].message.startsWith(u"cluster gone (" + connection.server + u"): ") &&
                 told[0].message.endsWith(u", retrying"),
             qPrintable(told[0].message));
}

QTEST_GUILESS_MAIN(TestKubeApply)
#include "tst_kubeapply.moc"
