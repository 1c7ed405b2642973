// What the fake API server decides before it writes, checked with the real kubectl: access
// reviews and refusals per token (kubectl auth can-i, the "restricted" user's denials in
// kube-apiserver's words), ResourceQuota usage and the pods it refuses (a Deployment scaled past
// its quota stays short with FailedCreate and ReplicaFailure until the quota grows), server-side
// apply's managedFields, conflicts, forced applies, removal of fields no longer applied and dry
// runs, and images whose tag asks for a failure.
#include "fakes/kubeapiserver.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRegularExpression>
#include <QStandardPaths>
#include <QTest>

#include <utility>

using namespace launchdeck::test;

namespace {

constexpr int kWaitMs = 30'000;

QJsonObject parse(const QString& text)
{
    return QJsonDocument::fromJson(text.toUtf8()).object();
}

QJsonObject parse(const QByteArray& body)
{
    return QJsonDocument::fromJson(body).object();
}

// The managedFields entry of `manager` with `operation`, or an empty object.
QJsonObject entryOf(const QJsonObject& object, const QString& manager, const QString& operation)
{
    for (const QJsonValue& entry : object[u"metadata"][u"managedFields"].toArray()) {
        if (entry[u"manager"] == manager && entry[u"operation"] == operation)
            return entry.toObject();
    }
    return {};
}

QString managers(const QJsonObject& object)
{
    QStringList names;
    for (const QJsonValue& entry : object[u"metadata"][u"managedFields"].toArray())
        names.append(entry[u"manager"].toString() + u'/' + entry[u"operation"].toString() + u'/' +
                     entry[u"subresource"].toString());
    return names.join(u", "_qs);
}

bool ownsReplicas(const QJsonObject& entry)
{
    return entry[u"fieldsV1"][u"f:spec"][u"f:replicas"].isObject();
}

QJsonObject conditionOf(const QJsonObject& object, const QString& type)
{
    for (const QJsonValue& condition : object[u"status"][u"conditions"].toArray()) {
        if (condition[u"type"] == type)
            return condition.toObject();
    }
    return {};
}

QByteArray shop(int replicas, const QByteArray& image = "storefront/web:1.0", bool withEnv = true)
{
    QByteArray text = R"({"apiVersion":"apps/v1","kind":"Deployment",
"metadata":{"name":"shop","namespace":"storefront","labels":{"app":"shop"}},
"spec":{"replicas":REPLICAS,"selector":{"matchLabels":{"app":"shop"}},
"template":{"metadata":{"labels":{"app":"shop"}},"spec":{"containers":[{"name":"web",
"image":"IMAGE","ports":[{"containerPort":8080}]ENV}]}}}})";
    text.replace("REPLICAS", QByteArray::number(replicas));
    text.replace("IMAGE", image);
    text.replace("ENV", withEnv ? R"(,"env":[{"name":"MODE","value":"fast"}])" : "");
    return text;
}

const QByteArray kBusy = R"({"apiVersion":"apps/v1","kind":"Deployment",
"metadata":{"name":"busy","namespace":"checkout"},
"spec":{"replicas":2,"progressDeadlineSeconds":3,"selector":{"matchLabels":{"app":"busy"}},
"template":{"metadata":{"labels":{"app":"busy"}},"spec":{"containers":[{"name":"main",
"image":"busybox:1","resources":{"requests":{"cpu":"400m"},"limits":{"memory":"256Mi"}}}]}}}})";

const QString kQuotaRefusal =
    u"pods \"busy-[a-z0-9]+-[a-z0-9]{5}\" is forbidden: exceeded quota: compute, requested: "
    u"requests.cpu=400m, used: requests.cpu=800m, limited: requests.cpu=1"_qs;

} // namespace

class TestFakeAdmission final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void canIAnswersPerToken_data();
    void canIAnswersPerToken();
    void accessReviewIsServedAndDiscovered();
    void deniedRequestsAreForbiddenInTheServersWords();
    void quotaCountsTheNamespacesPods();
    void scaleBeyondQuotaLeavesTheDeploymentShort();
    void podsBeyondQuotaAreRefusedDirectly();
    void applyRecordsItsFieldsAndConflictsWithScale();
    void forcedApplyTakesTheField();
    void applyConflictsWithAnotherUpdate();
    void applyRemovesWhatItNoLongerApplies();
    void applyDryRunKeepsNothing();
    void updatesAreRecordedPerManager();
    void failingImageTagsFailAsTheAnnotationDoes();

private:
    KubectlResult kubectl(const QStringList& arguments, const QByteArray& input = {})
    {
        return m_server.kubectl(arguments, input);
    }
    QJsonObject get(const QStringList& what, bool managedFields = false);
    KubectlResult applyShop(const QByteArray& manifest, const QStringList& extra = {});

    KubeApiServer m_server;
};

QJsonObject TestFakeAdmission::get(const QStringList& what, bool managedFields)
{
    QStringList arguments = QStringList{u"get"_qs} + what + QStringList{u"-o"_qs, u"json"_qs};
    if (managedFields)
        arguments.append(u"--show-managed-fields"_qs);
    const KubectlResult run = kubectl(arguments);
    if (run.exitCode != 0)
        qWarning("kubectl get %s: %s", qPrintable(what.join(u' ')), qPrintable(run.err));
    return parse(run.out);
}

KubectlResult TestFakeAdmission::applyShop(const QByteArray& manifest, const QStringList& extra)
{
    return kubectl(QStringList{u"apply"_qs, u"--server-side"_qs, u"--field-manager=launchdeck"_qs,
                               u"-f"_qs, u"-"_qs} +
                       extra,
                   manifest);
}

void TestFakeAdmission::initTestCase()
{
    if (QStandardPaths::findExecutable(QStringLiteral("kubectl")).isEmpty())
        QFAIL("kubectl is not on PATH; the fake API server is checked with it");
    KubeApiServerOptions options;
    options.readySeconds = 0.2;
    options.logIntervalMs = 1000;
    options.metrics = false;
    options.restrictedDeny = {u"patch deployments.apps"_qs, u"create services"_qs,
                              u"get services/proxy"_qs};
    m_server.setOptions(options);
    QString error;
    QVERIFY2(m_server.start(&error), qPrintable(error));
    for (const QString& name : {u"storefront"_qs, u"checkout"_qs}) {
        const KubectlResult created = kubectl({u"create"_qs, u"namespace"_qs, name});
        QVERIFY2(created.exitCode == 0, qPrintable(created.err));
    }
}

void TestFakeAdmission::canIAnswersPerToken_data()
{
    QTest::addColumn<QString>("context");
    QTest::addColumn<QStringList>("question");
    QTest::addColumn<bool>("allowed");
    const QStringList patch{u"patch"_qs, u"deployments"_qs};
    QTest::newRow("restricted patch") << u"restricted"_qs << patch << false;
    QTest::newRow("restricted get")
        << u"restricted"_qs << QStringList{u"get"_qs, u"deployments"_qs} << true;
    QTest::newRow("restricted scale")
        << u"restricted"_qs
        << QStringList{u"patch"_qs, u"deployments"_qs, u"--subresource=scale"_qs} << true;
    QTest::newRow("restricted create services")
        << u"restricted"_qs << QStringList{u"create"_qs, u"services"_qs} << false;
    QTest::newRow("restricted delete services")
        << u"restricted"_qs << QStringList{u"delete"_qs, u"services"_qs} << true;
    QTest::newRow("restricted proxy")
        << u"restricted"_qs << QStringList{u"get"_qs, u"services"_qs, u"--subresource=proxy"_qs}
        << false;
    QTest::newRow("viewer patch") << u"viewer"_qs << patch << false;
    QTest::newRow("viewer list") << u"viewer"_qs << QStringList{u"list"_qs, u"pods"_qs} << true;
    QTest::newRow("token patch") << u"token"_qs << patch << true;
    QTest::newRow("cert patch") << u"cert"_qs << patch << true;
}

void TestFakeAdmission::canIAnswersPerToken()
{
    QFETCH(QString, context);
    QFETCH(QStringList, question);
    QFETCH(bool, allowed);
    const KubectlResult answer =
        kubectl(QStringList{u"auth"_qs, u"can-i"_qs} + question +
                QStringList{u"-n"_qs, u"storefront"_qs, u"--context"_qs, context});
    QCOMPARE(answer.out, allowed ? u"yes\n"_qs : u"no\n"_qs);
    QCOMPARE(answer.exitCode, allowed ? 0 : 1);
}

void TestFakeAdmission::accessReviewIsServedAndDiscovered()
{
    const QJsonObject group =
        parse(m_server.request("GET", u"/apis/authorization.k8s.io/v1"_qs).body);
    bool listed = false;
    for (const QJsonValue& resource : group[u"resources"].toArray()) {
        listed = listed || (resource[u"name"] == u"selfsubjectaccessreviews"_qs &&
                            resource[u"verbs"].toArray() == QJsonArray{u"create"_qs});
    }
    QVERIFY2(listed, QJsonDocument(group).toJson().constData());

    const QByteArray review = R"({"kind":"SelfSubjectAccessReview",
"apiVersion":"authorization.k8s.io/v1","spec":{"resourceAttributes":{"namespace":"storefront",
"verb":"patch","group":"apps","resource":"deployments"}}})";
    const QString path = u"/apis/authorization.k8s.io/v1/selfsubjectaccessreviews"_qs;
    const KubeAnswer denied = m_server.requestAs(m_server.restrictedToken(), "POST", path, review);
    QCOMPARE(denied.status, 201L);
    QCOMPARE(parse(denied.body)[u"status"][u"allowed"], false);
    QCOMPARE(parse(denied.body)[u"spec"][u"resourceAttributes"][u"resource"], u"deployments"_qs);
    // Any user may ask about itself, the read-only one too.
    const KubeAnswer viewer = m_server.requestAs(m_server.viewerToken(), "POST", path, review);
    QCOMPARE(viewer.status, 201L);
    QCOMPARE(parse(viewer.body)[u"status"][u"allowed"], false);
    const QJsonObject allowed = parse(m_server.request("POST", path, review).body);
    QCOMPARE(allowed[u"status"][u"allowed"], true);
    QVERIFY(allowed[u"status"][u"reason"].toString().startsWith(u"RBAC: allowed by"_qs));
    QCOMPARE(m_server.requestAs({}, "POST", path, review).status, 401L);
}

void TestFakeAdmission::deniedRequestsAreForbiddenInTheServersWords()
{
    const QStringList asRestricted{u"-n"_qs, u"storefront"_qs, u"--context"_qs, u"restricted"_qs};
    const KubectlResult created =
        kubectl(QStringList{u"create"_qs, u"deployment"_qs, u"web"_qs, u"--image=busybox:1"_qs} +
                asRestricted);
    QVERIFY2(created.exitCode == 0, qPrintable(created.err));
    const KubectlResult patched = kubectl(QStringList{u"patch"_qs, u"deployment"_qs, u"web"_qs,
                                                      u"-p"_qs, u"{\"spec\":{\"replicas\":3}}"_qs} +
                                          asRestricted);
    QCOMPARE(patched.exitCode, 1);
    QCOMPARE(patched.err, u"Error from server (Forbidden): deployments.apps \"web\" is forbidden: "
                          u"User \"restricted\" cannot patch resource \"deployments\" in API "
                          u"group \"apps\" in the namespace \"storefront\"\n"_qs);
    QCOMPARE(get({u"deployment"_qs, u"web"_qs, u"-n"_qs, u"storefront"_qs})[u"spec"][u"replicas"],
             1);
    // The scale subresource is another resource to RBAC: not denied.
    const KubectlResult scaled =
        kubectl(QStringList{u"scale"_qs, u"deployment/web"_qs, u"--replicas=2"_qs} + asRestricted);
    QVERIFY2(scaled.exitCode == 0, qPrintable(scaled.err));

    const KubeAnswer service = m_server.requestAs(
        m_server.restrictedToken(), "POST", u"/api/v1/namespaces/storefront/services"_qs,
        R"({"apiVersion":"v1","kind":"Service","metadata":{"name":"web"},
"spec":{"ports":[{"port":80}]}})");
    QCOMPARE(service.status, 403L);
    const QJsonObject status = parse(service.body);
    QCOMPARE(status[u"reason"], u"Forbidden"_qs);
    QCOMPARE(status[u"message"], u"services is forbidden: User \"restricted\" cannot create "
                                 u"resource \"services\" in API group \"\" in the namespace "
                                 u"\"storefront\""_qs);
    // An apply that would create the object needs the create permission besides patch.
    const KubectlResult applied =
        kubectl(QStringList{u"apply"_qs, u"--server-side"_qs, u"-f"_qs, u"-"_qs} + asRestricted,
                R"({"apiVersion":"v1","kind":"Service","metadata":{"name":"web"},
"spec":{"ports":[{"port":80}]}})");
    QCOMPARE(applied.exitCode, 1);
    QVERIFY2(applied.err.contains(u"services \"web\" is forbidden: User \"restricted\" cannot "
                                  u"create resource \"services\""_qs),
             qPrintable(applied.err));
}

void TestFakeAdmission::quotaCountsTheNamespacesPods()
{
    const KubectlResult quota =
        kubectl({u"create"_qs, u"quota"_qs, u"compute"_qs, u"-n"_qs, u"checkout"_qs,
                 u"--hard=pods=10,requests.cpu=1,limits.memory=2Gi"_qs});
    QVERIFY2(quota.exitCode == 0, qPrintable(quota.err));
    const QJsonObject empty = get({u"quota"_qs, u"compute"_qs, u"-n"_qs, u"checkout"_qs});
    QCOMPARE(empty[u"status"][u"used"].toObject(), (QJsonObject{{u"pods"_qs, u"0"_qs},
                                                                {u"requests.cpu"_qs, u"0"_qs},
                                                                {u"limits.memory"_qs, u"0"_qs}}));
    QCOMPARE(empty[u"status"][u"hard"], empty[u"spec"][u"hard"]);

    QVERIFY(kubectl({u"apply"_qs, u"-f"_qs, u"-"_qs}, kBusy).exitCode == 0);
    const KubectlResult status = kubectl({u"rollout"_qs, u"status"_qs, u"deployment/busy"_qs,
                                          u"-n"_qs, u"checkout"_qs, u"--timeout=60s"_qs});
    QVERIFY2(status.exitCode == 0, qPrintable(status.out + status.err));
    const QJsonObject used{{u"pods"_qs, u"2"_qs},
                           {u"requests.cpu"_qs, u"800m"_qs},
                           {u"limits.memory"_qs, u"512Mi"_qs}};
    QTRY_COMPARE_WITH_TIMEOUT(
        get({u"quota"_qs, u"compute"_qs, u"-n"_qs, u"checkout"_qs})[u"status"][u"used"].toObject(),
        used, kWaitMs);
    const KubectlResult described =
        kubectl({u"describe"_qs, u"quota"_qs, u"compute"_qs, u"-n"_qs, u"checkout"_qs});
    QVERIFY2(described.exitCode == 0, qPrintable(described.err));
    for (const QString& row : {u"\nlimits.memory +512Mi +2Gi\n"_qs, u"\npods +2 +10\n"_qs,
                               u"\nrequests.cpu +800m +1\n"_qs})
        QVERIFY2(described.out.contains(QRegularExpression(row)),
                 qPrintable(row + u" not in:\n"_qs + described.out));
}

void TestFakeAdmission::scaleBeyondQuotaLeavesTheDeploymentShort()
{
    QVERIFY(
        kubectl({u"scale"_qs, u"deployment/busy"_qs, u"-n"_qs, u"checkout"_qs, u"--replicas=4"_qs})
            .exitCode == 0);
    const KubectlResult status = kubectl({u"rollout"_qs, u"status"_qs, u"deployment/busy"_qs,
                                          u"-n"_qs, u"checkout"_qs, u"--timeout=60s"_qs});
    QCOMPARE(status.exitCode, 1);
    QVERIFY2(status.err.contains(u"deployment \"busy\" exceeded its progress deadline"_qs),
             qPrintable(status.err));
    const QRegularExpression refusal(u'^' + kQuotaRefusal + u'$');
    const QJsonObject deployment = get({u"deployment"_qs, u"busy"_qs, u"-n"_qs, u"checkout"_qs});
    QCOMPARE(deployment[u"status"][u"readyReplicas"], 2);
    const QJsonObject failure = conditionOf(deployment, u"ReplicaFailure"_qs);
    QCOMPARE(failure[u"status"], u"True"_qs);
    QCOMPARE(failure[u"reason"], u"FailedCreate"_qs);
    QVERIFY2(refusal.match(failure[u"message"].toString()).hasMatch(),
             qPrintable(failure[u"message"].toString()));
    const QJsonObject replicaSets =
        get({u"rs"_qs, u"-l"_qs, u"app=busy"_qs, u"-n"_qs, u"checkout"_qs});
    QCOMPARE(conditionOf(replicaSets[u"items"][0].toObject(), u"ReplicaFailure"_qs)[u"reason"],
             u"FailedCreate"_qs);

    const QJsonObject events = get({u"events"_qs, u"-n"_qs, u"checkout"_qs, u"--field-selector"_qs,
                                    u"reason=FailedCreate"_qs});
    QCOMPARE(events[u"items"].toArray().size(), 1);
    const QJsonObject event = events[u"items"][0].toObject();
    QCOMPARE(event[u"type"], u"Warning"_qs);
    QCOMPARE(event[u"involvedObject"][u"kind"], u"ReplicaSet"_qs);
    QVERIFY2(QRegularExpression(u"^Error creating: "_qs + kQuotaRefusal + u'$')
                 .match(event[u"message"].toString())
                 .hasMatch(),
             qPrintable(event[u"message"].toString()));
    // The controller keeps trying: the same refusal, counted.
    QTRY_VERIFY_WITH_TIMEOUT(get({u"events"_qs, u"-n"_qs, u"checkout"_qs, u"--field-selector"_qs,
                                  u"reason=FailedCreate"_qs})[u"items"][0][u"count"]
                                     .toInt() > 1,
                             kWaitMs);

    // A larger quota lets the next try through, and the failure goes.
    QVERIFY(kubectl({u"patch"_qs, u"quota"_qs, u"compute"_qs, u"-n"_qs, u"checkout"_qs, u"-p"_qs,
                     u"{\"spec\":{\"hard\":{\"requests.cpu\":\"2\"}}}"_qs})
                .exitCode == 0);
    QTRY_COMPARE_WITH_TIMEOUT(get({u"deployment"_qs, u"busy"_qs, u"-n"_qs,
                                   u"checkout"_qs})[u"status"][u"availableReplicas"],
                              4, kWaitMs);
    const KubectlResult resumed = kubectl({u"rollout"_qs, u"status"_qs, u"deployment/busy"_qs,
                                           u"-n"_qs, u"checkout"_qs, u"--timeout=60s"_qs});
    QVERIFY2(resumed.exitCode == 0, qPrintable(resumed.out + resumed.err));
    QTRY_VERIFY_WITH_TIMEOUT(
        conditionOf(get({u"deployment"_qs, u"busy"_qs, u"-n"_qs, u"checkout"_qs}),
                    u"ReplicaFailure"_qs)
            .isEmpty(),
        kWaitMs);
    QTRY_COMPARE_WITH_TIMEOUT(get({u"quota"_qs, u"compute"_qs, u"-n"_qs,
                                   u"checkout"_qs})[u"status"][u"used"][u"requests.cpu"],
                              u"1600m"_qs, kWaitMs);
}

void TestFakeAdmission::podsBeyondQuotaAreRefusedDirectly()
{
    const KubectlResult large = kubectl(
        {u"run"_qs, u"large"_qs, u"-n"_qs, u"checkout"_qs, u"--image=busybox:1"_qs,
         u"--overrides={\"spec\":{\"containers\":[{\"name\":\"large\",\"image\":\"busybox:1\","
         u"\"resources\":{\"requests\":{\"cpu\":\"900m\"},\"limits\":{\"memory\":\"1Gi\"}}}]}}"_qs});
    QCOMPARE(large.exitCode, 1);
    QCOMPARE(large.err, u"Error from server (Forbidden): pods \"large\" is forbidden: exceeded "
                        u"quota: compute, requested: requests.cpu=900m, used: requests.cpu=1600m,"
                        u" limited: requests.cpu=2\n"_qs);
    // A quota on compute resources wants every container to ask for them.
    const KubectlResult bare =
        kubectl({u"run"_qs, u"bare"_qs, u"-n"_qs, u"checkout"_qs, u"--image=busybox:1"_qs});
    QCOMPARE(bare.exitCode, 1);
    QCOMPARE(bare.err,
             u"Error from server (Forbidden): pods \"bare\" is forbidden: failed quota: "
             u"compute: must specify limits.memory for: bare; requests.cpu for: bare\n"_qs);
}

void TestFakeAdmission::applyRecordsItsFieldsAndConflictsWithScale()
{
    const KubectlResult applied = applyShop(shop(2));
    QVERIFY2(applied.exitCode == 0, qPrintable(applied.err));
    QCOMPARE(applied.out, u"deployment.apps/shop serverside-applied\n"_qs);
    const QStringList what{u"deployment"_qs, u"shop"_qs, u"-n"_qs, u"storefront"_qs};
    QJsonObject live = get(what, true);
    const QJsonObject mine = entryOf(live, u"launchdeck"_qs, u"Apply"_qs);
    QVERIFY2(ownsReplicas(mine), qPrintable(managers(live)));
    QCOMPARE(mine[u"apiVersion"], u"apps/v1"_qs);
    const QJsonObject container = mine[u"fieldsV1"][u"f:spec"][u"f:template"][u"f:spec"]
                                      [u"f:containers"][u"k:{\"name\":\"web\"}"]
                                          .toObject();
    QVERIFY2(
        container[u"f:image"].isObject() &&
            container[u"f:ports"][u"k:{\"containerPort\":8080,\"protocol\":\"TCP\"}"].isObject(),
        QJsonDocument(mine).toJson().constData());
    // Defaults the server filled in are nobody's.
    QVERIFY(!container.contains(u"f:imagePullPolicy"));

    QVERIFY(kubectl(QStringList{u"scale"_qs, u"--replicas=4"_qs} +
                    QStringList{u"deployment/shop"_qs, u"-n"_qs, u"storefront"_qs})
                .exitCode == 0);
    live = get(what, true);
    const QJsonObject scaler = entryOf(live, u"kubectl"_qs, u"Update"_qs);
    QCOMPARE(scaler[u"subresource"], u"scale"_qs);
    QVERIFY2(ownsReplicas(scaler), qPrintable(managers(live)));
    QVERIFY(!ownsReplicas(entryOf(live, u"launchdeck"_qs, u"Apply"_qs)));

    const KubectlResult conflicting = applyShop(shop(2));
    QCOMPARE(conflicting.exitCode, 1);
    QVERIFY2(conflicting.err.startsWith(
                 u"error: Apply failed with 1 conflict: conflict with \"kubectl\" with "
                 u"subresource \"scale\" using apps/v1: .spec.replicas\n"_qs),
             qPrintable(conflicting.err));
    QCOMPARE(get(what)[u"spec"][u"replicas"], 4);

    const KubeAnswer answer = m_server.patch(
        u"/apis/apps/v1/namespaces/storefront/deployments/shop?fieldManager=launchdeck"_qs, shop(2),
        "application/apply-patch+yaml");
    QCOMPARE(answer.status, 409L);
    const QJsonObject status = parse(answer.body);
    QCOMPARE(status[u"reason"], u"Conflict"_qs);
    QCOMPARE(status[u"details"][u"causes"].toArray(),
             (QJsonArray{QJsonObject{
                 {u"type"_qs, u"FieldManagerConflict"_qs},
                 {u"message"_qs,
                  u"conflict with \"kubectl\" with subresource \"scale\" using apps/v1"_qs},
                 {u"field"_qs, u".spec.replicas"_qs}}}));

    // The value the other manager set: no conflict, both own it.
    const KubectlResult agreeing = applyShop(shop(4));
    QVERIFY2(agreeing.exitCode == 0, qPrintable(agreeing.err));
    live = get(what, true);
    QVERIFY(ownsReplicas(entryOf(live, u"launchdeck"_qs, u"Apply"_qs)));
    QVERIFY(ownsReplicas(entryOf(live, u"kubectl"_qs, u"Update"_qs)));
}

void TestFakeAdmission::forcedApplyTakesTheField()
{
    const KubectlResult forced = applyShop(shop(3), {u"--force-conflicts"_qs});
    QVERIFY2(forced.exitCode == 0, qPrintable(forced.err));
    const QJsonObject live = get({u"deployment"_qs, u"shop"_qs, u"-n"_qs, u"storefront"_qs}, true);
    QCOMPARE(live[u"spec"][u"replicas"], 3);
    QVERIFY(ownsReplicas(entryOf(live, u"launchdeck"_qs, u"Apply"_qs)));
    // kubectl scale owned nothing else, so its entry is gone.
    QVERIFY2(entryOf(live, u"kubectl"_qs, u"Update"_qs).isEmpty(), qPrintable(managers(live)));
}

void TestFakeAdmission::applyConflictsWithAnotherUpdate()
{
    const KubectlResult patched =
        kubectl({u"patch"_qs, u"deployment"_qs, u"shop"_qs, u"-n"_qs, u"storefront"_qs, u"-p"_qs,
                 u"{\"spec\":{\"template\":{\"spec\":{\"containers\":[{\"name\":\"web\","
                 u"\"image\":\"storefront/web:1.1\"}]}}}}"_qs});
    QVERIFY2(patched.exitCode == 0, qPrintable(patched.err));
    const KubectlResult conflicting = applyShop(shop(3));
    QCOMPARE(conflicting.exitCode, 1);
    QVERIFY2(conflicting.err.startsWith(
                 u"error: Apply failed with 1 conflict: conflict with \"kubectl-patch\" using "
                 u"apps/v1: .spec.template.spec.containers[name=\"web\"].image\n"_qs),
             qPrintable(conflicting.err));
    QVERIFY(applyShop(shop(3), {u"--force-conflicts"_qs}).exitCode == 0);
    QCOMPARE(get({u"deployment"_qs, u"shop"_qs, u"-n"_qs,
                  u"storefront"_qs})[u"spec"][u"template"][u"spec"][u"containers"][0][u"image"],
             u"storefront/web:1.0"_qs);
}

void TestFakeAdmission::applyRemovesWhatItNoLongerApplies()
{
    // An annotation another manager set too stays when the applier stops applying it.
    QVERIFY(kubectl({u"annotate"_qs, u"deployment"_qs, u"shop"_qs, u"-n"_qs, u"storefront"_qs,
                     u"team=web"_qs})
                .exitCode == 0);
    QByteArray annotated = shop(3);
    annotated.replace(R"("storefront","labels":{"app":"shop"}})",
                      R"("storefront","labels":{"app":"shop"},"annotations":{"team":"web"}})");
    QVERIFY(applyShop(annotated).exitCode == 0);
    const KubectlResult applied = applyShop(shop(3, "storefront/web:1.0", false));
    QVERIFY2(applied.exitCode == 0, qPrintable(applied.err));
    const QJsonObject live = get({u"deployment"_qs, u"shop"_qs, u"-n"_qs, u"storefront"_qs});
    const QJsonObject container = live[u"spec"][u"template"][u"spec"][u"containers"][0].toObject();
    QVERIFY2(!container.contains(u"env"), QJsonDocument(container).toJson().constData());
    QCOMPARE(container[u"ports"][0][u"containerPort"], 8080);
    QCOMPARE(live[u"metadata"][u"annotations"][u"team"], u"web"_qs);
}

void TestFakeAdmission::applyDryRunKeepsNothing()
{
    const QStringList what{u"deployment"_qs, u"shop"_qs, u"-n"_qs, u"storefront"_qs};
    // The controllers write the status meanwhile; a kept write would bump the generation.
    const int generation = get(what)[u"metadata"][u"generation"].toInt();
    const KubectlResult dry = applyShop(shop(7, "storefront/web:1.0", false),
                                        {u"--dry-run=server"_qs, u"-o"_qs, u"json"_qs});
    QVERIFY2(dry.exitCode == 0, qPrintable(dry.err));
    QCOMPARE(parse(dry.out)[u"spec"][u"replicas"], 7);
    const KubeAnswer answer = m_server.patch(
        u"/apis/apps/v1/namespaces/storefront/deployments/shop?fieldManager=other&dryRun=All"_qs,
        shop(7, "storefront/web:1.0", false), "application/apply-patch+yaml");
    QCOMPARE(answer.status, 409L); // the dry run still finds the conflict
    const KubeAnswer forced = m_server.patch(
        u"/apis/apps/v1/namespaces/storefront/deployments/shop?fieldManager=other&dryRun=All"
        u"&force=true"_qs,
        shop(7, "storefront/web:1.0", false), "application/apply-patch+yaml");
    QCOMPARE(forced.status, 200L);
    QVERIFY(!entryOf(parse(forced.body), u"other"_qs, u"Apply"_qs).isEmpty());
    const QJsonObject live = get(what, true);
    QCOMPARE(live[u"spec"][u"replicas"], 3);
    QCOMPARE(live[u"metadata"][u"generation"].toInt(), generation);
    QVERIFY(entryOf(live, u"other"_qs, u"Apply"_qs).isEmpty());
}

void TestFakeAdmission::updatesAreRecordedPerManager()
{
    const QByteArray configMap =
        "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: settings, namespace: storefront}\n"
        "data: {mode: one}\n";
    QVERIFY(kubectl({u"apply"_qs, u"-f"_qs, u"-"_qs}, configMap).exitCode == 0);
    QVERIFY(kubectl({u"label"_qs, u"configmap"_qs, u"settings"_qs, u"-n"_qs, u"storefront"_qs,
                     u"tier=web"_qs})
                .exitCode == 0);
    // A write that names no manager and has no User-Agent.
    QCOMPARE(m_server
                 .patch(u"/api/v1/namespaces/storefront/configmaps/settings"_qs,
                        R"({"data":{"extra":"1"}})", "application/merge-patch+json")
                 .status,
             200L);
    const QJsonObject live =
        get({u"configmap"_qs, u"settings"_qs, u"-n"_qs, u"storefront"_qs}, true);
    const QJsonObject created = entryOf(live, u"kubectl-client-side-apply"_qs, u"Update"_qs);
    QVERIFY2(created[u"fieldsV1"][u"f:data"][u"f:mode"].isObject(), qPrintable(managers(live)));
    QCOMPARE(created[u"apiVersion"], u"v1"_qs);
    QVERIFY(entryOf(live, u"kubectl-label"_qs,
                    u"Update"_qs)[u"fieldsV1"][u"f:metadata"][u"f:labels"][u"f:tier"]
                .isObject());
    QVERIFY(
        entryOf(live, u"unknown"_qs, u"Update"_qs)[u"fieldsV1"][u"f:data"][u"f:extra"].isObject());
}

void TestFakeAdmission::failingImageTagsFailAsTheAnnotationDoes()
{
    const KubectlResult created =
        kubectl({u"create"_qs, u"deployment"_qs, u"web3"_qs, u"-n"_qs, u"storefront"_qs,
                 u"--image=storefront/web:3.0-never-ready"_qs});
    QVERIFY2(created.exitCode == 0, qPrintable(created.err));
    QVERIFY(kubectl({u"patch"_qs, u"deployment"_qs, u"web3"_qs, u"-n"_qs, u"storefront"_qs,
                     u"-p"_qs, u"{\"spec\":{\"progressDeadlineSeconds\":2}}"_qs})
                .exitCode == 0);
    const KubectlResult status = kubectl({u"rollout"_qs, u"status"_qs, u"deployment/web3"_qs,
                                          u"-n"_qs, u"storefront"_qs, u"--timeout=60s"_qs});
    QCOMPARE(status.exitCode, 1);
    QVERIFY2(status.err.contains(u"deployment \"web3\" exceeded its progress deadline"_qs),
             qPrintable(status.err));
    const QJsonObject pod =
        get({u"pods"_qs, u"-l"_qs, u"app=web3"_qs, u"-n"_qs, u"storefront"_qs})[u"items"][0]
            .toObject();
    QCOMPARE(pod[u"status"][u"phase"], u"Running"_qs);
    QCOMPARE(conditionOf(pod, u"Ready"_qs)[u"status"], u"False"_qs);

    for (const auto& [tag, reason] : {std::pair{u"crash-loop"_qs, u"CrashLoopBackOff"_qs},
                                      std::pair{u"image-pull"_qs, u"ImagePullBackOff"_qs}}) {
        const QString name = u"web-"_qs + tag;
        QVERIFY(kubectl({u"create"_qs, u"deployment"_qs, name, u"-n"_qs, u"storefront"_qs,
                         u"--image=storefront/web:3.0-"_qs + tag})
                    .exitCode == 0);
        const auto waiting = [&] {
            return get({u"pods"_qs, u"-l"_qs, u"app="_qs + name, u"-n"_qs,
                        u"storefront"_qs})[u"items"][0][u"status"][u"containerStatuses"][0]
                                          [u"state"][u"waiting"][u"reason"]
                                              .toString();
        };
        // A crash loop runs between its back-offs: the reason once seen is what counts.
        QString seen;
        const auto reached = [&] {
            if (seen != reason)
                seen = waiting();
            return seen == reason;
        };
        QTRY_VERIFY2_WITH_TIMEOUT(reached(), qPrintable(name + u": "_qs + seen), kWaitMs);
    }
}

QTEST_GUILESS_MAIN(TestFakeAdmission)
#include "tst_fakeadmission.moc"
