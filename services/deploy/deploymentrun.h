// The body of one deployment job, run on the job's thread: the stages, the strategies, the
// monitoring window and the rollback, each step recorded in the ledger before it is reported.
// The run itself is in deploymentrun.cpp, VALIDATING in deploymentpreflight.cpp, TESTING in
// deploymentcandidate.cpp, DEPLOYING in deploymentrollout.cpp, MONITORING and the rollback in
// deploymentmonitor.cpp.
#pragma once

#include "deploy/deploymentengine.h"
#include "deploy/pairworkload.h"
#include "deploy/promqlreadings.h"
#include "deploy/trafficrouter.h"
#include "docker/dockerclient.h"
#include "prometheus/prometheustypes.h"

#include <QElapsedTimer>
#include <QLockFile>

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
// The mean duration of the pair's last completed deployments of `kind`; 0 when none.
qint64 estimateDuration(DeploymentLedger& ledger, const QString& application,
                        const QString& environment, DeploymentKind kind);
// Takes the pair's lock, freeing one a dead process left; false with the holder's pid when a
// live process holds it.
bool lockPair(QLockFile& lock, qint64* holder = nullptr);
// The lock file that keeps two consoles from deploying the same pair at once.
QString pairLockPath(const DeploymentContext& context, const QString& application,
                     const QString& environment);

class DeploymentRun final
{
public:
    using Emit = std::function<void(const DeploymentEvent&)>;

    DeploymentRun(const DeploymentContext& context, const DeploymentRequest& request,
                  JobControl& control, Emit report);

    // Runs to the end; the id is set as soon as the ledger has the deployment.
    DeploymentStatus run(QString* id, QString* message);

private:
    struct Outcome
    {
        bool ok = true;
        QString message;
    };

    // Stages
    bool validate();
    bool test();
    Outcome deployByStrategy();
    Outcome monitor();
    Outcome restore(const QString& reason);
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
    // Measures the new group's traffic, or runs the template's PromQL query on the
    // environment's Prometheus, against the template until the run decides.
    Outcome runAnalysis(const AnalysisTemplate& analysis);
    // Runs the blue-green analysis named `name` (pre- or post-promotion), if any.
    Outcome runNamedAnalysis(const QString& name, const QString& when);

    // Prometheus and Alertmanager
    // The environment's server with its secret from the values looked up before the job began.
    Result<prometheus::ServerEndpoint> monitoringEndpoint(const MonitoringServer& server) const;
    // What the queries of this deployment may name ($app, $canary, …).
    QueryScope queryScope() const;

    // Ledger and reporting
    // An event of `kind` at the current stage, progress and estimate, stamped now.
    DeploymentEvent event(DeploymentEvent::Kind kind, const QString& text = {}) const;
    void enter(DeploymentStage stage, const QString& detail = {});
    void log(const QString& text);
    // Cleanup that goes on whatever happens: a failure is only logged.
    void note(const Result<bool>& result);
    void progress(int percent);
    // Tells the GUI and the command line that it waits for Promote.
    void pause(const QString& why);
    void validation(Severity severity, const QString& rule, const QString& message);
    void testResult(const QString& name, bool passed, const QJsonObject& metrics,
                    const QString& summary);
    DeploymentStatus finish(DeploymentStatus status, const QString& message, QString* out);
    bool cancelled() const { return m_control.cancel.load(); }
    // The values the job looked up before it began; their notes go to the log once.
    QMap<QString, QString> secretValues();

    const DeploymentContext& m_context;
    DeploymentRequest m_request;
    JobControl& m_control;
    Emit m_emit;

    std::unique_ptr<DockerClient> m_client;
    std::optional<PairWorkload> m_workload;
    std::optional<TrafficRouter> m_router;
    DeploymentSubject m_subject;
    QString m_id;
    DeploymentStage m_stage = DeploymentStage::Initialized;
    int m_percent = 0;
    qint64 m_estimateMs = 0;
    QElapsedTimer m_clock;
    bool m_secretsNoted = false;

    QString m_newGroup;
    QList<PairContainer> m_started; // containers of the new revision
    bool m_trafficMoved = false;    // from here on, cancel and failures roll back
    QDateTime m_switchedAt;
};

} // namespace launchdeck::deploy
