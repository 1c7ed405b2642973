// What VALIDATING refuses on a cluster before anything changes, against the fake API server: a
// permission the signed-in user lacks (named as `kubectl auth can-i` would ask it), a namespace
// quota the rollout would exceed, a server-side apply conflict with another field manager
// (reported with the manager and the field, taken over only with force) and `latest` at the
// strict level.
#include "clusterdeploytesting.h"

#include <QJsonDocument>
#include <QTest>

using namespace launchdeck;
using namespace launchdeck::deploy;
using namespace launchdeck::test;

namespace {

using namespace std::chrono_literals;

QString resourceVersion(const QJsonObject& object)
{
    return object[u"metadata"][u"resourceVersion"].toString();
}

// The deployment's message, its findings and its log, for looking for words in them.
QString everything(const DeployOutcome& outcome, const std::optional<DeploymentRecord>& record)
{
    return outcome.message + u'\n' + (record ? findingsText(*record) : QString()) + u'\n' +
           outcome.transcript();
}

} // namespace

class TestClusterPreflight final : public QObject
{
    Q_OBJECT

private:
    ClusterDeployBed m_bed;

    // The record of a deployment that VALIDATING stopped: nothing after it but FAILED.
    std::optional<DeploymentRecord> stoppedInValidating(const DeployOutcome& outcome)
    {
        std::optional<DeploymentRecord> record = m_bed.ledger()->get(outcome.id);
        if (!record) {
            qWarning("no record of %s: %s", qPrintable(outcome.id), qPrintable(outcome.describe()));
            return std::nullopt;
        }
        if (!stageNames(*record).endsWith(u"VALIDATING FAILED"_qs) ||
            passedThrough(*record, DeploymentStage::Testing)) {
            qWarning("stages %s\n%s", qPrintable(stageNames(*record)),
                     qPrintable(outcome.describe()));
            return std::nullopt;
        }
        return record;
    }

private Q_SLOTS:
    void initTestCase()
    {
        KubeApiServerOptions options;
        options.readySeconds = 0.2;
        options.logIntervalMs = 1000;
        options.restrictedDeny = {u"patch deployments.apps"_qs};
        QString error;
        QVERIFY2(m_bed.start(options, &error), qPrintable(error));
    }

    void missingPermissionRefusedBeforeAnythingChanges()
    {
        ClusterAppOptions options;
        options.application = u"guarded"_qs;
        const auto ws = m_bed.workspace(options);
        QVERIFY(ws);
        const DeployOutcome first =
            ClusterDeployBed::run(ws->context, clusterDeploy(ws->application, u"v1"_qs));
        QVERIFY_OUTCOME(first, DeploymentStatus::Completed);
        QVERIFY(m_bed.waitForPairPods(ws->nameSpace, ws->application, clusterImage(u"v1"_qs), 2));
        const std::optional<QJsonObject> before = m_bed.deployment(ws->nameSpace, ws->application);
        QVERIFY(before);

        // The same environment reached as a user who may not patch Deployments.
        options.context = u"restricted"_qs;
        const auto restricted = m_bed.workspace(options);
        QVERIFY(restricted);
        const DeployOutcome refused =
            ClusterDeployBed::run(restricted->context, clusterDeploy(ws->application, u"v2"_qs));
        QVERIFY_OUTCOME(refused, DeploymentStatus::Failed);
        const std::optional<DeploymentRecord> record = stoppedInValidating(refused);
        QVERIFY(record);
        const QString said = everything(refused, record);
        QVERIFY2(said.contains(u"cannot patch deployments.apps in namespace guarded"_qs),
                 qPrintable(said));

        const std::optional<QJsonObject> after = m_bed.deployment(ws->nameSpace, ws->application);
        QVERIFY(after);
        QCOMPARE(resourceVersion(*after), resourceVersion(*before));
        QCOMPARE(containerImage(*after), clusterImage(u"v1"_qs));
        QVERIFY(!m_bed.deployment(ws->nameSpace, ws->application + u"-candidate"_qs));
        QCOMPARE(m_bed.podImages(ws->nameSpace, ws->application),
                 QStringList{clusterImage(u"v1"_qs)});
        QCOMPARE(m_bed.ledger()->latestRevision(ws->application, u"staging"_qs)->number, 1);
    }

    // Two replicas of 500m each, plus the one a rolling update surges, against 800m of
    // requests.cpu: refused with the quota named; with room enough it goes through.
    void quotaShortfallRefused()
    {
        ClusterAppOptions options;
        options.application = u"quota"_qs;
        options.resources = u"{cpu: 500m, memory: 64Mi}"_qs;
        const auto ws = m_bed.workspace(options);
        QVERIFY(ws);
        const auto quota = [&](const QByteArray& cpu) {
            return m_bed
                .kubectl(ws->nameSpace, {u"apply"_qs, u"-f"_qs, u"-"_qs},
                         "apiVersion: v1\nkind: ResourceQuota\nmetadata: {name: compute}\n"
                         "spec:\n  hard: {requests.cpu: \"" +
                             cpu + "\", pods: \"10\"}\n")
                .exitCode;
        };
        QCOMPARE(quota("800m"), 0);
        const DeployOutcome refused =
            ClusterDeployBed::run(ws->context, clusterDeploy(ws->application, u"v1"_qs));
        QVERIFY_OUTCOME(refused, DeploymentStatus::Failed);
        const std::optional<DeploymentRecord> record = stoppedInValidating(refused);
        QVERIFY(record);
        const QString said = everything(refused, record);
        QVERIFY2(said.contains(u"quota compute"_qs) && said.contains(u"requests.cpu"_qs),
                 qPrintable(said));
        QVERIFY(!m_bed.deployment(ws->nameSpace, ws->application));
        QVERIFY(m_bed.podImages(ws->nameSpace, ws->application).isEmpty());

        QCOMPARE(quota("4"), 0);
        // Admission, and so the console, read the quota's status, which its controller brings
        // to the new spec a moment later.
        QTRY_VERIFY_WITH_TIMEOUT(
            m_bed.get(u"/api/v1/namespaces/"_qs + ws->nameSpace + u"/resourcequotas/compute"_qs)
                    .value_or(QJsonObject())[u"status"][u"hard"][u"requests.cpu"]
                    .toString() == u"4",
            10'000);
        const DeployOutcome fits =
            ClusterDeployBed::run(ws->context, clusterDeploy(ws->application, u"v1"_qs));
        QVERIFY_OUTCOME(fits, DeploymentStatus::Completed);
        QVERIFY(m_bed.waitForPairPods(ws->nameSpace, ws->application, clusterImage(u"v1"_qs), 2));
    }

    // Someone set the replicas with kubectl: the console's apply would take a field another
    // manager owns, so it stops naming both; with force it takes it. A field the console never
    // sets (an annotation added with kubectl) survives either way.
    void applyConflictNeedsForce()
    {
        ClusterAppOptions options;
        options.application = u"contested"_qs;
        const auto ws = m_bed.workspace(options);
        QVERIFY(ws);
        const DeployOutcome first =
            ClusterDeployBed::run(ws->context, clusterDeploy(ws->application, u"v1"_qs));
        QVERIFY_OUTCOME(first, DeploymentStatus::Completed);
        QCOMPARE(m_bed
                     .kubectl(ws->nameSpace,
                              {u"patch"_qs, u"deployment"_qs, ws->application, u"--type"_qs,
                               u"merge"_qs, u"-p"_qs, u"{\"spec\":{\"replicas\":3}}"_qs})
                     .exitCode,
                 0);
        QCOMPARE(m_bed
                     .kubectl(ws->nameSpace, {u"annotate"_qs, u"deployment"_qs, ws->application,
                                              u"example.com/team=payments"_qs})
                     .exitCode,
                 0);

        const DeployOutcome conflicted =
            ClusterDeployBed::run(ws->context, clusterDeploy(ws->application, u"v2"_qs));
        QVERIFY_OUTCOME(conflicted, DeploymentStatus::Failed);
        const QString said = everything(conflicted, m_bed.ledger()->get(conflicted.id));
        QVERIFY2(said.contains(u".spec.replicas"_qs) && said.contains(u"kubectl-patch"_qs),
                 qPrintable(said));
        std::optional<QJsonObject> deployment = m_bed.deployment(ws->nameSpace, ws->application);
        QVERIFY(deployment);
        QCOMPARE(containerImage(*deployment), clusterImage(u"v1"_qs));
        QCOMPARE(specReplicas(*deployment), 3);
        QCOMPARE(m_bed.ledger()->latestRevision(ws->application, u"staging"_qs)->number, 1);

        DeploymentRequest forced = clusterDeploy(ws->application, u"v2"_qs);
        forced.force = true;
        const DeployOutcome taken = ClusterDeployBed::run(ws->context, forced);
        QVERIFY_OUTCOME(taken, DeploymentStatus::Completed);
        deployment = m_bed.deployment(ws->nameSpace, ws->application);
        QVERIFY(deployment);
        QCOMPARE(containerImage(*deployment), clusterImage(u"v2"_qs));
        QCOMPARE(specReplicas(*deployment), 2);
        QCOMPARE(annotation(*deployment, u"example.com/team"_qs), u"payments"_qs);
        QVERIFY(m_bed.waitForPairPods(ws->nameSpace, ws->application, clusterImage(u"v2"_qs), 2));
    }

    void strictRefusesLatest()
    {
        ClusterAppOptions options;
        options.application = u"pinned"_qs;
        options.validation = u"strict"_qs;
        options.resources = u"{cpu: 100m, memory: 64Mi}"_qs;
        const auto ws = m_bed.workspace(options);
        QVERIFY(ws);
        const DeployOutcome refused =
            ClusterDeployBed::run(ws->context, clusterDeploy(ws->application, u"latest"_qs));
        QVERIFY_OUTCOME(refused, DeploymentStatus::Failed);
        const std::optional<DeploymentRecord> record = stoppedInValidating(refused);
        QVERIFY(record);
        const QString said = findingsText(*record);
        QVERIFY2(said.contains(u"latest"_qs), qPrintable(everything(refused, record)));
        QVERIFY(!m_bed.deployment(ws->nameSpace, ws->application));

        // The same environment takes a pinned tag.
        const DeployOutcome pinned =
            ClusterDeployBed::run(ws->context, clusterDeploy(ws->application, u"v1"_qs));
        QVERIFY_OUTCOME(pinned, DeploymentStatus::Completed);
        QVERIFY(m_bed.waitForPairPods(ws->nameSpace, ws->application, clusterImage(u"v1"_qs), 2));
    }
};

QTEST_GUILESS_MAIN(TestClusterPreflight)
#include "tst_clusterpreflight.moc"
