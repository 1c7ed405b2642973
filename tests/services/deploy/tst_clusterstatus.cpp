// What the Deployments tab and `status` read of pairs on a cluster, against the fake API server:
// the preview of a canary says how exact its weights are with the replicas there are, the
// preview of a rollback says how it returns; the status gives the ledger's live revision, ready
// and desired replicas, blue-green's active colour, and health from the pods.
#include "clusterdeploytesting.h"

#include <QTest>

using namespace launchdeck;
using namespace launchdeck::deploy;
using namespace launchdeck::test;

namespace {

bool hasNote(const DeploymentPreview& preview, const QString& words)
{
    return std::any_of(preview.notes.begin(), preview.notes.end(),
                       [&](const QString& note) { return note.contains(words); });
}

// The status of the workspace's only pair, asked until `done` holds or 30 seconds passed.
PairStatus statusWhen(const DeploymentContext& context, const QString& application,
                      const std::function<bool(const PairStatus&)>& done)
{
    PairStatus status;
    for (int attempt = 0; attempt < 120; ++attempt) {
        const QList<PairStatus> pairs = deploymentStatus(context, application);
        if (pairs.size() == 1)
            status = pairs.first();
        if (pairs.size() == 1 && done(status))
            break;
        QTest::qWait(250);
    }
    return status;
}

} // namespace

class TestClusterStatus final : public QObject
{
    Q_OBJECT

private:
    ClusterDeployBed m_bed;

    std::optional<ClusterWorkspace> deployed(const ClusterAppOptions& options,
                                             const QStringList& versions)
    {
        QString error;
        std::optional<ClusterWorkspace> made = m_bed.workspace(options, &error);
        if (!made) {
            qWarning("%s", qPrintable(error));
            return std::nullopt;
        }
        for (const QString& version : versions) {
            const DeployOutcome outcome =
                ClusterDeployBed::run(made->context, clusterDeploy(made->application, version));
            if (!outcome.finished || outcome.status != DeploymentStatus::Completed) {
                qWarning("%s", qPrintable(outcome.describe()));
                return std::nullopt;
            }
        }
        return made;
    }

private Q_SLOTS:
    void initTestCase()
    {
        QString error;
        QVERIFY2(m_bed.start(&error), qPrintable(error));
    }

    void canaryPreviewAndStatus()
    {
        ClusterAppOptions options;
        options.application = u"weights"_qs;
        options.strategy = u"canary"_qs;
        options.replicas = 3;
        options.canarySteps = {u"{set_weight: 30}"_qs, u"{set_weight: 60}"_qs};
        const std::optional<ClusterWorkspace> ws = deployed(options, {u"v1"_qs});
        QVERIFY(ws);

        const Result<DeploymentPreview> preview =
            previewDeployment(ws->context, clusterDeploy(ws->application, u"v2"_qs));
        QVERIFY2(preview, qPrintable(preview ? QString() : preview.error().toString()));
        QCOMPARE(preview->from->number, 1);
        QCOMPARE(preview->to.number, 2);
        QCOMPARE(preview->strategy, Strategy::Type::Canary);
        QVERIFY(!preview->downtime);
        QVERIFY(preview->diff.contains(u"+ image: "_qs + clusterImage(u"v2"_qs)));
        QVERIFY2(hasNote(*preview, u"set_weight 30 becomes 1 of 3 replicas (33%)"_qs),
                 qPrintable(preview->notes.join(u'\n')));
        QVERIFY2(hasNote(*preview, u"set_weight 60 becomes 2 of 3 replicas (67%)"_qs),
                 qPrintable(preview->notes.join(u'\n')));
        QVERIFY(hasNote(*preview, u"pull it when the pods start"_qs));
        QVERIFY2(hasNote(*preview, u"launchdeck.yaml"_qs) &&
                     hasNote(*preview, u": Deployment %1, Service %1"_qs.arg(ws->application)),
                 qPrintable(preview->notes.join(u'\n')));
        // A cluster has no Docker network to show.
        QVERIFY2(std::none_of(preview->diff.begin(), preview->diff.end(),
                              [](const QString& line) { return line.contains(u"network:"); }),
                 qPrintable(preview->diff.join(u'\n')));

        const PairStatus status = statusWhen(ws->context, ws->application, [](const PairStatus& s) {
            return s.health == PairStatus::Health::Healthy;
        });
        QCOMPARE(status.health, PairStatus::Health::Healthy);
        QCOMPARE(status.live, std::optional(Revision{1, clusterImage(u"v1"_qs)}));
        QCOMPARE(status.servingRevision, 1);
        QCOMPARE(status.runningReplicas, 3);
        QCOMPARE(status.desiredReplicas, 3);
        QVERIFY(status.activeGroup.isEmpty());
        QVERIFY2(status.hostError.isEmpty(), qPrintable(status.hostError));
        QVERIFY(status.last && !status.running);
    }

    void blueGreenStatusNamesTheActiveColour()
    {
        ClusterAppOptions options;
        options.application = u"colours"_qs;
        options.strategy = u"blue-green"_qs;
        const std::optional<ClusterWorkspace> ws = deployed(options, {u"v1"_qs, u"v2"_qs});
        QVERIFY(ws);
        const std::optional<QJsonObject> service = m_bed.service(ws->nameSpace, ws->application);
        QVERIFY(service);
        const QString active =
            serviceSelector(*service).value(u"launchdeck.dev/track"_qs).toString();
        QVERIFY(active == u"blue" || active == u"green");

        const PairStatus status = statusWhen(ws->context, ws->application, [](const PairStatus& s) {
            return s.health == PairStatus::Health::Healthy;
        });
        QCOMPARE(status.health, PairStatus::Health::Healthy);
        QCOMPARE(status.live->number, 2);
        QCOMPARE(status.activeGroup, active);
        QCOMPARE(status.runningReplicas, 2);
        QCOMPARE(status.desiredReplicas, 2);
    }

    // While a rolling deploy replaces the pods, the live revision's pods still serve under the
    // Deployment that has the new template: they are what the status counts.
    void liveRevisionCountedWhileARolloutReplacesIt()
    {
        ClusterAppOptions options;
        options.application = u"rolling"_qs;
        options.replicas = 2;
        const std::optional<ClusterWorkspace> ws = deployed(options, {u"v1"_qs});
        QVERIFY(ws);
        DeploymentJob job(ws->context, clusterDeploy(ws->application, u"v2-never-ready"_qs));
        job.start();
        const PairStatus status = statusWhen(ws->context, ws->application, [](const PairStatus& s) {
            return s.running && s.running->stage == DeploymentStage::Deploying;
        });
        QVERIFY(status.running);
        QCOMPARE(status.running->stage, DeploymentStage::Deploying);
        QCOMPARE(status.servingRevision, 1);
        QCOMPARE(status.runningReplicas, 2);
        QCOMPARE(status.desiredReplicas, 2);
        QCOMPARE(status.health, PairStatus::Health::Healthy);
        job.cancel();
        QVERIFY(job.wait(std::chrono::seconds(60)));
    }

    void rollbackPreviewAndUnhealthyPods()
    {
        ClusterAppOptions options;
        options.application = u"returns"_qs;
        const std::optional<ClusterWorkspace> ws = deployed(options, {u"v1"_qs, u"v2"_qs});
        QVERIFY(ws);

        const Result<DeploymentPreview> preview = previewDeployment(
            ws->context, clusterRollback(ws->application, u"checking the preview"_qs, 1));
        QVERIFY2(preview, qPrintable(preview ? QString() : preview.error().toString()));
        QCOMPARE(preview->from->number, 2);
        QCOMPARE(preview->to.number, 1);
        QVERIFY2(hasNote(*preview, u"still has revision 1 in its history"_qs),
                 qPrintable(preview->notes.join(u'\n')));

        // Someone else breaks the live pods: the template keeps its revision, the pods crash.
        const KubectlResult broken = m_bed.kubectl(
            ws->nameSpace, {u"set"_qs, u"image"_qs, u"deployment/"_qs + ws->application,
                            ws->application + u'=' + clusterImage(u"v2-crash-loop"_qs)});
        QCOMPARE(broken.exitCode, 0);
        const PairStatus status = statusWhen(ws->context, ws->application, [](const PairStatus& s) {
            return s.health == PairStatus::Health::Unhealthy;
        });
        QCOMPARE(status.health, PairStatus::Health::Unhealthy);
        QCOMPARE(status.live->number, 2);
        QVERIFY(status.hostError.isEmpty());
    }
};

QTEST_GUILESS_MAIN(TestClusterStatus)

#include "tst_clusterstatus.moc"
