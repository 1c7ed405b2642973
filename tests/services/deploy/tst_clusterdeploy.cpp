// Deployments on a cluster with the Deployment's own strategies, against the fake API server and
// the real kubectl: recreate and rolling from v1 to v2, the console's rollout verdicts equal to
// kubectl's on the same objects, a revision whose pods never become Ready rolled back at its
// progress deadline, and rollbacks to earlier revisions agreeing with `kubectl rollout history`.
#include "clusterdeploytesting.h"

#include "kubernetes/rolloutstatus.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QProcess>
#include <QTest>

#include <atomic>
#include <mutex>
#include <thread>

using namespace launchdeck;
using namespace launchdeck::deploy;
using namespace launchdeck::test;

namespace {

using namespace std::chrono_literals;

// kubectl's line in a log line of the console ("Waiting for deployment …", "deployment "x"
// successfully rolled out"), or empty when the line is not one of kubectl's.
QString kubectlLine(const QString& text)
{
    for (const QString& start : {u"Waiting for deployment"_qs, u"deployment \""_qs}) {
        const qsizetype at = text.indexOf(start);
        if (at >= 0)
            return text.mid(at).trimmed();
    }
    return {};
}

// What the console logged of kubectl's lines while it was in DEPLOYING.
QStringList rolloutLines(const DeployOutcome& outcome)
{
    QStringList lines;
    for (const DeploymentEvent& event : outcome.events) {
        if (event.kind != DeploymentEvent::Kind::Log || event.stage != DeploymentStage::Deploying)
            continue;
        const QString line = kubectlLine(event.text);
        if (!line.isEmpty())
            lines.append(line);
    }
    return lines;
}

// One moment at which kubectl judged the very object the console's verdict is computed from.
struct Moment
{
    QString resourceVersion;
    QString kubectlSays;
    int exitCode = 0;
    kube::RolloutVerdict verdict;
};

} // namespace

class TestClusterDeploy final : public QObject
{
    Q_OBJECT

private:
    ClusterDeployBed m_bed;

    // The newest line of `kubectl rollout history` names the revision the ledger has live.
    void historyShowsLedgersLive(const ClusterWorkspace& ws)
    {
        const std::optional<Revision> live =
            m_bed.ledger()->latestRevision(ws.application, u"staging"_qs);
        QVERIFY(live);
        const KubectlResult history = m_bed.kubectl(
            ws.nameSpace, {u"rollout"_qs, u"history"_qs, u"deployment/"_qs + ws.application});
        QCOMPARE(history.exitCode, 0);
        const std::optional<HistoryLine> newest = newestHistoryLine(history.out);
        QVERIFY2(newest, qPrintable(history.out));
        QCOMPARE(newest->changeCause,
                 u"launchdeck revision %1 (%2)"_qs.arg(live->number).arg(live->image));
    }

private Q_SLOTS:
    void initTestCase()
    {
        QString error;
        QVERIFY2(m_bed.start(&error), qPrintable(error));
    }

    void recreateReplacesTheRevision()
    {
        ClusterAppOptions options;
        options.application = u"recreated"_qs;
        options.strategy = u"recreate"_qs;
        const auto ws = m_bed.workspace(options);
        QVERIFY(ws);
        const DeployOutcome first =
            ClusterDeployBed::run(ws->context, clusterDeploy(ws->application, u"v1"_qs));
        QVERIFY_OUTCOME(first, DeploymentStatus::Completed);
        const std::optional<DeploymentRecord> record = m_bed.ledger()->get(first.id);
        QVERIFY(record);
        QCOMPARE(stageNames(*record),
                 u"INITIALIZED VALIDATING TESTING DEPLOYING MONITORING COMPLETED"_qs);
        QVERIFY(m_bed.waitForPairPods(ws->nameSpace, ws->application, clusterImage(u"v1"_qs), 2));

        const DeployOutcome second =
            ClusterDeployBed::run(ws->context, clusterDeploy(ws->application, u"v2"_qs));
        QVERIFY_OUTCOME(second, DeploymentStatus::Completed);
        const std::optional<QJsonObject> deployment =
            m_bed.deployment(ws->nameSpace, ws->application);
        QVERIFY(deployment);
        QCOMPARE((*deployment)[u"spec"][u"strategy"][u"type"].toString(), u"Recreate"_qs);
        QCOMPARE(containerImage(*deployment), clusterImage(u"v2"_qs));
        QCOMPARE(specReplicas(*deployment), 2);
        QCOMPARE(annotation(*deployment, u"kubernetes.io/change-cause"_qs),
                 u"launchdeck revision 2 (%1)"_qs.arg(clusterImage(u"v2"_qs)));
        QVERIFY(m_bed.waitForPairPods(ws->nameSpace, ws->application, clusterImage(u"v2"_qs), 2));
        // Revision 2's objects are recorded beside its configuration, to be applied again.
        const std::optional<QJsonObject> config =
            m_bed.ledger()->revisionConfig(ws->application, u"staging"_qs, 2);
        QVERIFY(config);
        const QJsonArray items = (*config)[u"kubernetes"][u"items"].toArray();
        QVERIFY2(std::any_of(items.begin(), items.end(),
                             [](const QJsonValue& item) {
                                 return item[u"kind"].toString() == u"Deployment" &&
                                        containerImage(item.toObject()) == clusterImage(u"v2"_qs);
                             }),
                 QJsonDocument(*config).toJson().constData());
        historyShowsLedgersLive(*ws);
    }

    // While a rolling deploy goes from v1 to v2, kubectl rollout status and the console judge
    // the same objects alike, and every line the console logged is kubectl's line for an
    // object the Deployment passed through.
    void rollingAgreesWithKubectl()
    {
        ClusterAppOptions options;
        options.application = u"rolled"_qs;
        options.replicas = 3;
        const auto ws = m_bed.workspace(options);
        QVERIFY(ws);
        const DeployOutcome first =
            ClusterDeployBed::run(ws->context, clusterDeploy(ws->application, u"v1"_qs));
        QVERIFY_OUTCOME(first, DeploymentStatus::Completed);
        QVERIFY(m_bed.waitForPairPods(ws->nameSpace, ws->application, clusterImage(u"v1"_qs), 3));

        // Every version of the Deployment from here on, as kubectl's watch prints them.
        const int started = m_bed.server().startedWatches();
        QProcess watcher;
        watcher.setProcessEnvironment(m_bed.server().kubectlEnvironment());
        watcher.start(u"kubectl"_qs,
                      {u"get"_qs, u"deployment"_qs, ws->application, u"-n"_qs, ws->nameSpace,
                       u"-w"_qs, u"--output-watch-events"_qs, u"-o"_qs, u"json"_qs});
        QVERIFY(watcher.waitForStarted(10'000));
        QTRY_VERIFY_WITH_TIMEOUT(m_bed.server().startedWatches() > started, 20'000);

        // kubectl rollout status beside the console, at moments when the object did not change
        // while kubectl read it.
        const QString path =
            u"/apis/apps/v1/namespaces/%1/deployments/%2"_qs.arg(ws->nameSpace, ws->application);
        std::atomic_bool sampling{true};
        std::mutex mutex;
        QList<Moment> moments;
        std::thread sampler([&] {
            while (sampling.load()) {
                const KubeAnswer before = m_bed.server().request("GET", path);
                const KubectlResult run = m_bed.server().kubectl(
                    {u"rollout"_qs, u"status"_qs, u"--watch=false"_qs,
                     u"deployment/"_qs + ws->application, u"-n"_qs, ws->nameSpace});
                const KubeAnswer after = m_bed.server().request("GET", path);
                const QJsonObject object = QJsonDocument::fromJson(before.body).object();
                const QString version = object[u"metadata"][u"resourceVersion"].toString();
                if (before.status != 200 || after.status != 200 || version.isEmpty() ||
                    QJsonDocument::fromJson(after.body)[u"metadata"][u"resourceVersion"] != version)
                    continue;
                std::lock_guard lock(mutex);
                moments.append(Moment{version, (run.exitCode == 0 ? run.out : run.err).trimmed(),
                                      run.exitCode, kube::rolloutStatus(object)});
            }
        });
        const DeployOutcome second =
            ClusterDeployBed::run(ws->context, clusterDeploy(ws->application, u"v2"_qs));
        sampling = false;
        sampler.join();
        QVERIFY_OUTCOME(second, DeploymentStatus::Completed);

        QVERIFY(!moments.isEmpty());
        for (const Moment& moment : std::as_const(moments)) {
            const bool failed = moment.verdict.state == kube::RolloutVerdict::State::Failed;
            const QString expected =
                failed ? u"error: "_qs + moment.verdict.message : moment.verdict.message;
            QVERIFY2(moment.kubectlSays == expected && (moment.exitCode == 0) != failed,
                     qPrintable(u"at resourceVersion %1 kubectl (exit %2) says \"%3\", the "
                                u"console's verdict is \"%4\""_qs.arg(moment.resourceVersion)
                                    .arg(moment.exitCode)
                                    .arg(moment.kubectlSays, expected)));
        }

        QTRY_VERIFY_WITH_TIMEOUT(watcher.bytesAvailable() > 0, 5'000);
        QStringList passedThrough;
        for (const QJsonObject& event : splitJsonStream(watcher.readAllStandardOutput())) {
            const kube::RolloutVerdict verdict = kube::rolloutStatus(event[u"object"].toObject());
            if (!passedThrough.contains(verdict.message))
                passedThrough.append(verdict.message);
        }
        watcher.kill();
        watcher.waitForFinished(5'000);
        const QStringList logged = rolloutLines(second);
        QVERIFY2(!logged.isEmpty(), qPrintable(second.transcript()));
        for (const QString& line : logged)
            QVERIFY2(passedThrough.contains(line),
                     qPrintable(u"the console logged \"%1\"; kubectl's lines for the versions "
                                u"the Deployment passed through: %2\n%3"_qs.arg(
                                    line, passedThrough.join(u" | "_qs), second.transcript())));
        const QString done = u"deployment \"%1\" successfully rolled out"_qs.arg(ws->application);
        QCOMPARE(logged.last(), done);
        const KubectlResult now = m_bed.kubectl(
            ws->nameSpace, {u"rollout"_qs, u"status"_qs, u"deployment/"_qs + ws->application});
        QCOMPARE(now.out.trimmed(), done);

        QVERIFY(m_bed.waitForPairPods(ws->nameSpace, ws->application, clusterImage(u"v2"_qs), 3));
        historyShowsLedgersLive(*ws);
    }

    // v3's pods never become Ready: the Deployment's progress deadline (set by someone else
    // with kubectl, a field the console does not own and so keeps) ends the rollout as kubectl
    // ends its own, and the console rolls back to v2.
    void neverReadyRollsBackAtTheProgressDeadline()
    {
        ClusterAppOptions options;
        options.application = u"deadline"_qs;
        const auto ws = m_bed.workspace(options);
        QVERIFY(ws);
        for (const QString& version : {u"v1"_qs, u"v2"_qs}) {
            const DeployOutcome deployed =
                ClusterDeployBed::run(ws->context, clusterDeploy(ws->application, version));
            QVERIFY_OUTCOME(deployed, DeploymentStatus::Completed);
        }
        QVERIFY(m_bed.waitForPairPods(ws->nameSpace, ws->application, clusterImage(u"v2"_qs), 2));
        QCOMPARE(m_bed
                     .kubectl(ws->nameSpace, {u"patch"_qs, u"deployment"_qs, ws->application,
                                              u"--type"_qs, u"merge"_qs, u"-p"_qs,
                                              u"{\"spec\":{\"progressDeadlineSeconds\":5}}"_qs})
                     .exitCode,
                 0);

        // kubectl follows the same rollout from the moment the console first waits for it.
        QProcess follower;
        follower.setProcessEnvironment(m_bed.server().kubectlEnvironment());
        bool following = false;
        const auto onEvent = [&](const DeploymentEvent& event, DeploymentJob&) {
            if (!following && event.kind == DeploymentEvent::Kind::Log &&
                event.stage == DeploymentStage::Deploying &&
                event.text.contains(u"Waiting for deployment"_qs)) {
                following = true;
                follower.start(u"kubectl"_qs,
                               {u"rollout"_qs, u"status"_qs, u"deployment/"_qs + ws->application,
                                u"-n"_qs, ws->nameSpace, u"--timeout=90s"_qs});
            }
        };
        const DeployOutcome failed = ClusterDeployBed::run(
            ws->context, clusterDeploy(ws->application, u"v3-never-ready"_qs), 120s, onEvent);
        QVERIFY_OUTCOME(failed, DeploymentStatus::RolledBack);
        const QString exceeded =
            u"deployment \"%1\" exceeded its progress deadline"_qs.arg(ws->application);
        QVERIFY2(failed.message.contains(exceeded), qPrintable(failed.describe()));
        const std::optional<DeploymentRecord> record = m_bed.ledger()->get(failed.id);
        QVERIFY(record);
        QVERIFY2(stageNames(*record).endsWith(u"DEPLOYING FAILED ROLLING_BACK ROLLED_BACK"_qs),
                 qPrintable(stageNames(*record)));

        QVERIFY2(following, qPrintable(u"the console never logged kubectl's waiting line\n"_qs +
                                       failed.transcript()));
        // It may have ended already, while the job's events were being delivered.
        const bool ended =
            follower.state() == QProcess::NotRunning || follower.waitForFinished(60'000);
        const QString followedOut = QString::fromUtf8(follower.readAllStandardOutput());
        const QString followedErr = QString::fromUtf8(follower.readAllStandardError()).trimmed();
        if (!ended) {
            follower.kill();
            follower.waitForFinished(5'000);
        }
        QVERIFY2(ended, qPrintable(u"kubectl rollout status did not end; it printed:\n"_qs +
                                   followedOut + followedErr));
        QVERIFY2(follower.exitCode() == 1, qPrintable(followedOut + followedErr));
        QCOMPARE(followedErr, u"error: "_qs + exceeded);

        QVERIFY(m_bed.waitForPairPods(ws->nameSpace, ws->application, clusterImage(u"v2"_qs), 2));
        const std::optional<QJsonObject> deployment =
            m_bed.deployment(ws->nameSpace, ws->application);
        QVERIFY(deployment);
        QCOMPARE(containerImage(*deployment), clusterImage(u"v2"_qs));
        QCOMPARE((*deployment)[u"spec"][u"progressDeadlineSeconds"].toInt(), 5);
        QCOMPARE(m_bed.ledger()->latestRevision(ws->application, u"staging"_qs)->number, 2);
        historyShowsLedgersLive(*ws);
        const KubectlResult status = m_bed.kubectl(
            ws->nameSpace, {u"rollout"_qs, u"status"_qs, u"deployment/"_qs + ws->application,
                            u"--timeout=30s"_qs});
        QCOMPARE(status.exitCode, 0);
    }

    // Back to revision 1 while its ReplicaSet is still there (kubectl's rollout undo), then to
    // revision 2 after its ReplicaSet was deleted (its recorded objects applied again).
    void rollbackToAnEarlierRevision()
    {
        ClusterAppOptions options;
        options.application = u"history"_qs;
        const auto ws = m_bed.workspace(options);
        QVERIFY(ws);
        for (const QString& version : {u"v1"_qs, u"v2"_qs, u"v3"_qs}) {
            const DeployOutcome deployed =
                ClusterDeployBed::run(ws->context, clusterDeploy(ws->application, version));
            QVERIFY_OUTCOME(deployed, DeploymentStatus::Completed);
        }
        QVERIFY(m_bed.waitForPairPods(ws->nameSpace, ws->application, clusterImage(u"v3"_qs), 2));

        const DeployOutcome toFirst = ClusterDeployBed::run(
            ws->context, clusterRollback(ws->application, u"v1 was better"_qs, 1));
        QVERIFY_OUTCOME(toFirst, DeploymentStatus::Completed);
        std::optional<DeploymentRecord> record = m_bed.ledger()->get(toFirst.id);
        QVERIFY(record);
        QCOMPARE(record->kind, DeploymentKind::Rollback);
        QCOMPARE(record->to, (Revision{1, clusterImage(u"v1"_qs)}));
        QCOMPARE(record->from, std::optional(Revision{3, clusterImage(u"v3"_qs)}));
        QCOMPARE(m_bed.ledger()->latestRevision(ws->application, u"staging"_qs)->number, 1);
        QVERIFY(m_bed.waitForPairPods(ws->nameSpace, ws->application, clusterImage(u"v1"_qs), 2));
        historyShowsLedgersLive(*ws);

        // Revision 2's ReplicaSet goes, as with a revisionHistoryLimit reached.
        const std::optional<QJsonObject> sets =
            m_bed.get(u"/apis/apps/v1/namespaces/%1/replicasets"_qs.arg(ws->nameSpace));
        QVERIFY(sets);
        int deleted = 0;
        for (const QJsonValue& set : (*sets)[u"items"].toArray()) {
            if (set[u"spec"][u"template"][u"metadata"][u"annotations"][u"launchdeck.dev/revision"]
                    .toString() != u"2")
                continue;
            QCOMPARE(m_bed
                         .kubectl(ws->nameSpace, {u"delete"_qs, u"replicaset"_qs,
                                                  set[u"metadata"][u"name"].toString()})
                         .exitCode,
                     0);
            ++deleted;
        }
        QCOMPARE(deleted, 1);
        const DeployOutcome toSecond = ClusterDeployBed::run(
            ws->context, clusterRollback(ws->application, u"v2 after all"_qs, 2));
        QVERIFY_OUTCOME(toSecond, DeploymentStatus::Completed);
        record = m_bed.ledger()->get(toSecond.id);
        QVERIFY(record);
        QCOMPARE(record->to, (Revision{2, clusterImage(u"v2"_qs)}));
        QCOMPARE(m_bed.ledger()->latestRevision(ws->application, u"staging"_qs)->number, 2);
        QVERIFY(m_bed.waitForPairPods(ws->nameSpace, ws->application, clusterImage(u"v2"_qs), 2));
        const std::optional<QJsonObject> deployment =
            m_bed.deployment(ws->nameSpace, ws->application);
        QVERIFY(deployment);
        QCOMPARE(containerImage(*deployment), clusterImage(u"v2"_qs));
        historyShowsLedgersLive(*ws);

        // A revision that was never live is refused, and nothing changes.
        const DeployOutcome nowhere = ClusterDeployBed::run(
            ws->context, clusterRollback(ws->application, u"no such thing"_qs, 9));
        QVERIFY_OUTCOME(nowhere, DeploymentStatus::Failed);
        QCOMPARE(containerImage(*m_bed.deployment(ws->nameSpace, ws->application)),
                 clusterImage(u"v2"_qs));
        const AuditVerification audit = m_bed.ledger()->verifyAudit();
        QVERIFY2(audit.intact(), qPrintable(audit.description));
    }
};

QTEST_GUILESS_MAIN(TestClusterDeploy)
#include "tst_clusterdeploy.moc"
