// The body of one deployment job on a Docker host, run on the job's thread: the lifecycle's
// steps with containers, the entry point's slots and HAProxy's counters. Connecting is in
// deploymentrun.cpp, VALIDATING in deploymentpreflight.cpp, TESTING in deploymentcandidate.cpp,
// DEPLOYING in deploymentrollout.cpp, MONITORING and the rollback in deploymentmonitor.cpp.
#pragma once

#include "deploy/deploymentengine.h"
#include "deploy/deploymentlifecycle.h"
#include "deploy/pairworkload.h"
#include "deploy/promqlreadings.h"
#include "deploy/trafficrouter.h"
#include "docker/dockerclient.h"
#include "prometheus/prometheustypes.h"

#include <functional>
#include <memory>
#include <optional>

namespace launchdeck::deploy {

// The resolved subject of a deployment: application, environment, endpoint, revisions.
struct DeploymentSubject
{
    Application application;
    Environment environment;
    DockerEndpoint endpoint;
    std::optional<Revision> from;
    std::optional<RevisionConfig> fromConfig;
    Revision to;
    RevisionConfig toConfig;
    Strategy::Type strategy = Strategy::Type::Rolling;
    bool usesTraffic = false;
    QString liveGroup; // the group the live revision's containers are in; empty when none
    QList<PairContainer> containers; // the pair's containers when the subject was resolved
};

// The Docker host of the request's environment; fails for unknown names or a Kubernetes target.
Result<DockerEndpoint> resolveEndpoint(const DeploymentContext& context,
                                       const DeploymentRequest& request);
// Finds what a request is about, from the workspace, the ledger and the host's containers.
Result<DeploymentSubject> resolveSubject(const DeploymentContext& context,
                                         const DeploymentRequest& request, DockerClient& client);

// Where an environment's HAProxy instance lives and how it listens and checks.
TrafficRouterOptions trafficOptions(const DeploymentContext& context,
                                    const Environment& environment, const RevisionConfig& config);
class DeploymentRun final : public DeploymentLifecycle
{
public:
    DeploymentRun(const DeploymentContext& context, const DeploymentRequest& request,
                  JobControl& control, Emit report);
    ~DeploymentRun() override;

private:
    // Stages
    Result<Plan> prepare() override;
    bool validate() override;
    bool test() override;
    void discardCandidate() override;
    Outcome deployByStrategy() override;
    Outcome monitor() override;
    Outcome restore(const QString& reason) override;
    Outcome rollBack() override;
    bool trafficMoved() const override { return m_trafficMoved; }
    QueryScope queryScope() const override;
    Outcome switchTo(const RevisionConfig& config, const Revision& revision, bool removeOld);

    // Steps the strategies share
    Result<QList<PairContainer>> startGroup(const RevisionConfig& config, const Revision& revision,
                                            const QString& group, int firstReplica, int count,
                                            bool publishToLoopback);
    Result<bool> waitGroupHealthy(const QList<PairContainer>& containers,
                                  const RevisionConfig& config);
    // Recreate: creates the new revision's containers in the new group, stops `old` (their
    // state says so on return), starts the new ones, waits for their health, then removes `old`.
    Result<QList<PairContainer>> replaceStopFirst(QList<PairContainer>& old,
                                                  const RevisionConfig& config,
                                                  bool publishToLoopback);
    Result<bool> assignSlots(const QList<PairContainer>& containers);
    Result<bool> releaseSlots(const QString& group, int fromIndex = 1);
    Result<bool> removeContainers(const QList<PairContainer>& containers, bool removeVolumes);
    Result<QList<PairContainer>> revisionContainers(int revision, bool runningOnly);
    Result<bool> openRouter(int slotsPerGroup);
    QMap<int, int> declaredHostPorts() const;
    Outcome runCanarySteps();
    // error_rate and latency_p95 from the new group's HAProxy counters, restarts from its
    // containers: the analysis metrics a Docker host can read.
    MetricReader trafficMetric();

    std::unique_ptr<DockerClient> m_client;
    std::optional<PairWorkload> m_workload;
    std::optional<TrafficRouter> m_router;
    DeploymentSubject m_subject;

    QString m_newGroup;
    QList<PairContainer> m_started; // containers of the new revision
    bool m_trafficMoved = false;    // from here on, cancel and failures roll back
    QDateTime m_switchedAt;
};

} // namespace launchdeck::deploy
