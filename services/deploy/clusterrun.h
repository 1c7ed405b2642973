// The body of one deployment job on a Kubernetes cluster: the same lifecycle as on a Docker
// host (DeploymentLifecycle) with the cluster's steps — the application's objects applied with
// server-side apply, VALIDATING through the API server (dry run, access reviews, quota), the
// candidate behind a preview Service reached through the service proxy, the four strategies
// on Deployments and Services, monitoring from pods and Events, and the return to a revision
// by `kubectl rollout undo` or by applying its recorded objects again.
// prepare() is in clustersubject.cpp, VALIDATING in clusterpreflight.cpp, TESTING in
// clustercandidate.cpp, DEPLOYING in clusterrollout.cpp, MONITORING, restore and rollbacks in
// clustermonitor.cpp, the steps they share in clustersteps.cpp.
#pragma once

#include "deploy/clusterobjects.h"
#include "deploy/clustersource.h"
#include "deploy/containerplan.h"
#include "deploy/deploymentlifecycle.h"
#include "kubernetes/applicationobjects.h"
#include "kubernetes/clusterconnection.h"
#include "kubernetes/kubeapply.h"
#include "kubernetes/kubeclient.h"
#include "kubernetes/serviceproxyrelay.h"

#include <QDateTime>
#include <QJsonArray>
#include <QJsonObject>
#include <QMap>

#include <memory>
#include <optional>

namespace launchdeck::deploy {

// Where an environment on a Kubernetes target deploys.
struct ClusterPlace
{
    ClusterConnection connection;
    QString clusterName; // the target's name
    QString nameSpace;   // the target's, else the context's, else "default"
};

// The cluster and namespace of `environment`; fails for an unknown environment, a Docker
// target, a kubeconfig or context that cannot be read (saying which and where). Blocking (reads
// files, may not run exec plugins).
Result<ClusterPlace> resolveClusterPlace(const Workspace& workspace, const QString& environment);

// Whether `environment` of the workspace is on a Kubernetes target.
bool isClusterEnvironment(const Workspace& workspace, const QString& environment);

// The resolved subject of a deployment on a cluster.
struct ClusterSubject
{
    Application application;
    Environment environment;
    ClusterPlace place;
    std::optional<Revision> from;
    std::optional<RevisionConfig> fromConfig;
    std::optional<QJsonObject> fromObjects; // the objects `from` applied, as recorded (a List)
    Revision to;
    RevisionConfig toConfig;            // as on Docker (network empty): diffs, records
    kube::ApplicationObjects toObjects; // generated for `to`, named after the application
    Strategy::Type strategy = Strategy::Type::Rolling;
    // What serves now: "stable", "blue" or "green" (blue-green: the colour the active Service
    // selects); empty when nothing of the pair runs on the cluster.
    QString liveTrack;
    int liveReplicas = 0; // ready replicas of the live track's Deployment(s)
};

// Finds what a request is about: the workspace, the ledger (revisions and their recorded
// objects) and the cluster's Deployments of the pair (labels app.kubernetes.io/name,
// launchdeck.dev/environment, launchdeck.dev/track). Blocking.
Result<ClusterSubject> resolveClusterSubject(const DeploymentContext& context,
                                             const DeploymentRequest& request,
                                             kube::KubeClient& client, const ClusterPlace& place);

// The objects `subject.to` runs as once it is live, as its revision records them: the
// companions, its Deployment as the stable track (blue-green: as its new colour), the Service
// (narrowed to that colour, or to the stable pods when an Ingress splits a canary's traffic) and
// the canary Service.
QJsonArray liveObjects(const ClusterSubject& subject);

// The object at `path` as the server of `place` has it; none when it does not exist (404).
// Blocking.
Result<std::optional<QJsonObject>> fetchObject(kube::KubeClient& client, const ClusterPlace& place,
                                               const QString& path);

// previewDeployment() for a cluster environment (same fields; notes say e.g. how exact a
// canary's weights are with the replicas there are, and that the image's presence on the
// nodes is not checked).
Result<DeploymentPreview> previewClusterDeployment(const DeploymentContext& context,
                                                   const DeploymentRequest& request);

// deploymentStatus() entries of the workspace's cluster environments (filtered as there): the
// live revision from the ledger, health and replicas from the pair's Deployments and pods,
// activeGroup the blue-green colour; hostError names a cluster that could not be asked.
QList<PairStatus> clusterPairStatus(const DeploymentContext& context,
                                    const QString& application = {},
                                    const QString& environment = {});

// reconcileInterrupted() for one unfinished deployment on a cluster (its lock already taken):
// returns the pair to the ledger's latest good revision (Service selector, Deployments'
// replicas or template by rollout undo / re-apply, candidate and preview objects removed) and
// marks the deployment INTERRUPTED with what was done.
ReconcileOutcome reconcileClusterDeployment(const DeploymentContext& context,
                                            const DeploymentRecord& record);

class ClusterDeploymentRun final : public DeploymentLifecycle
{
public:
    ClusterDeploymentRun(const DeploymentContext& context, const DeploymentRequest& request,
                         JobControl& control, Emit report);
    ~ClusterDeploymentRun() override;

private:
    // ---- lifecycle steps ----
    Result<Plan> prepare() override;                 // clustersubject.cpp
    bool validate() override;                        // clusterpreflight.cpp
    bool test() override;                            // clustercandidate.cpp
    void discardCandidate() override;                // clustercandidate.cpp
    Outcome deployByStrategy() override;             // clusterrollout.cpp
    Outcome rollBack() override;                     // clustermonitor.cpp
    Outcome monitor() override;                      // clustermonitor.cpp
    Outcome restore(const QString& reason) override; // clustermonitor.cpp
    bool trafficMoved() const override { return m_trafficMoved; }
    QueryScope queryScope() const override; // clustermonitor.cpp: $namespace, $canary (pods)

    // ---- steps the stages share (clustersteps.cpp) ----
    // Server-side apply as field manager launchdeck, force only when the request says so; a
    // conflict fails naming the field and the manager that owns it. Logs "applied Kind/name".
    Result<QJsonObject> apply(const QJsonObject& object, bool dryRun = false);
    // Follows the Deployment `name` as kubectl rollout status does, logging kubectl's lines,
    // moving the progress from `fromPercent` towards `toPercent`; Failed for a progress
    // deadline, a timeout (the environment's, 10 minutes by default) or a cancel.
    kube::RolloutVerdict followDeployment(const QString& name, int fromPercent, int toPercent);
    // Sets a Deployment's replicas through /scale.
    Result<bool> scaleWorkload(const QString& name, int replicas);
    // Deletes an object of the pair (a Deployment with its pods in the background); a missing
    // one is no error.
    Result<bool> removeObject(const QString& kind, const QString& name);
    // Points the application's Service at `track` (blue-green's colour) or at every track of
    // the pair (none), in one merge patch of its selector.
    Result<bool> pointService(const std::optional<QString>& track);
    // The pods of the pair's `track` (all tracks when empty), as the server has them.
    Result<QList<QJsonObject>> pairPods(const QString& track = {});
    // One monitoring reading of `track`'s pods: ready (all containers Ready), restarts since
    // `restartBase` (filled on first use, per pod uid), OOMKilled, CrashLoopBackOff and failing
    // probes from the pods' Events (Unhealthy) — health false for any of these.
    Result<MonitorReading> readTrack(const QString& track, QMap<QString, int>& restartBase);
    // What the pods read or mount, before they start: the Secret of Launchdeck's
    // (toObjects.secretName) from the values looked up before the job began, and the
    // application's companion objects from its template or manifests.
    Result<bool> applySupportingObjects();

    std::unique_ptr<kube::KubeClient> m_client;
    ClusterSubject m_subject;
    QString m_newTrack;          // the track the new revision runs as
    QString m_previousTrack;     // blue-green: the colour that served before
    bool m_trafficMoved = false; // from here on, cancel and failures roll back
    bool m_candidateCreated = false;
    QDateTime m_switchedAt;
    std::unique_ptr<kube::ServiceProxyRelay> m_relay; // the candidate's tests reach it by this
};

} // namespace launchdeck::deploy
