// The staged lifecycle every deployment goes through, whatever it runs on: the pair's lock, the
// ledger, the stages and their progress, the application's tests against a candidate, canary
// analysis, the monitoring window's triggers, the failure path and the rollback. A target — a
// Docker host (DeploymentRun) or a Kubernetes cluster (ClusterDeploymentRun) — supplies the
// steps; everything recorded and reported is the same for both.
#pragma once

#include "deploy/analysis.h"
#include "deploy/deploymentengine.h"
#include "deploy/promqlreadings.h"
#include "prometheus/prometheustypes.h"

#include <QElapsedTimer>
#include <QJsonObject>
#include <QLockFile>

#include <chrono>
#include <functional>
#include <optional>

namespace launchdeck::deploy {

// The mean duration of the pair's last completed deployments of `kind`; 0 when none.
qint64 estimateDuration(DeploymentLedger& ledger, const QString& application,
                        const QString& environment, DeploymentKind kind);
// Takes the pair's lock, freeing one a dead process left; false with the holder's pid when a
// live process holds it.
bool lockPair(QLockFile& lock, qint64* holder = nullptr);
// The lock file that keeps two consoles from deploying the same pair at once.
QString pairLockPath(const DeploymentContext& context, const QString& application,
                     const QString& environment);

// The revision a rollback returns to: `toRevision` when it was live once, else the newest live
// revision other than `from`. Fails naming the live ones, or saying there is none to return
// to, or that it is live already.
Result<Revision> rollbackTarget(DeploymentLedger& ledger, const QString& application,
                                const QString& environment, std::optional<int> toRevision,
                                const std::optional<Revision>& from);

class DeploymentLifecycle
{
public:
    using Emit = std::function<void(const DeploymentEvent&)>;

    DeploymentLifecycle(const DeploymentContext& context, const DeploymentRequest& request,
                        JobControl& control, Emit report);
    virtual ~DeploymentLifecycle();
    DeploymentLifecycle(const DeploymentLifecycle&) = delete;
    DeploymentLifecycle& operator=(const DeploymentLifecycle&) = delete;

    // Runs to the end; the id is set as soon as the ledger has the deployment.
    DeploymentStatus run(QString* id, QString* message);

protected:
    struct Outcome
    {
        bool ok = true;
        QString message;
    };

    // What prepare() found: what the ledger records at the start.
    struct Plan
    {
        QString application;
        QString environment;
        std::optional<Revision> from;
        Revision to;
        Strategy::Type strategy = Strategy::Type::Rolling;
        // Stored with the new revision (deploys only): RevisionConfig::toJson() and whatever the
        // target needs to start that revision again exactly.
        QJsonObject recordedConfig;
    };

    // ---- the target's steps, called in this order by run() ----
    // Connects and resolves the subject. Nothing is recorded or changed yet; a failure ends the
    // job as FAILED with its message.
    virtual Result<Plan> prepare() = 0;
    // VALIDATING: reports each finding with validation(); false when a critical one stops it.
    virtual bool validate() = 0;
    // A rollback request: returns to plan.to (ROLLING_BACK is entered already).
    virtual Outcome rollBack() = 0;
    // TESTING: starts the candidate and runs the tests (runApplicationTests()).
    virtual bool test() = 0;
    // The tests failed or the job was cancelled before traffic moved: removes the candidate.
    virtual void discardCandidate() = 0;
    // DEPLOYING by the plan's strategy.
    virtual Outcome deployByStrategy() = 0;
    // MONITORING (usually watchWindow() and then the old revision's scale-down).
    virtual Outcome monitor() = 0;
    // After a failure once traffic moved (or a cancel): back to plan.from.
    virtual Outcome restore(const QString& reason) = 0;
    // Whether traffic reached the new revision: from then on, a failure rolls back.
    virtual bool trafficMoved() const = 0;
    // What analysis and trigger queries may name ($app, $env, $revision; targets add theirs).
    virtual QueryScope queryScope() const;

    // ---- steps every target shares ----
    // VALIDATING's first part on every target: the workspace, its templates and manifests at
    // the environment's level, each finding given to `finding` with its file and line.
    using Finding = std::function<void(Severity, const QString& rule, const QString& message)>;
    void checkWorkspaceFiles(const Finding& finding);
    // VALIDATING on every target: the analyses blue-green and canary run (their conditions,
    // PromQL with the environment's Prometheus configured; any other metric must be readable
    // here — `metricUnreadable` says why not, empty when it is) and the rollback policy's
    // PromQL and alert triggers (a trigger that cannot be watched is a High finding).
    void checkAnalysesAndTriggers(const Finding& finding,
                                  const std::function<QString(const QString&)>& metricUnreadable);
    // Runs the application's tests (http_check, load_test, pipelines with CANDIDATE_URL)
    // against the candidate at `baseUrl`, reporting each with testResult() and moving the
    // progress from `progressFrom` to `progressTo`. False when one failed or it was cancelled.
    // `candidate` names the candidate in the log.
    bool runApplicationTests(const QString& baseUrl, const QString& candidate, int progressFrom,
                             int progressTo);

    // Reads a metric that is not PromQL (`metric`: error_rate, latency_p95, restarts) for an
    // analysis: called once before the first interval for a baseline (its answer is ignored),
    // then once per interval; returns the value since the baseline or the previous call (as
    // the metric means it), or none with `error` set. One reader serves one analysis run.
    using MetricReader =
        std::function<std::optional<double>(const QString& metric, QString* error)>;
    // A canary's `pause` step (number `stepNumber`, 1-based): a timed one that Promote ends
    // early, or one that waits for Promote (at once with autoPromote). Fails when cancelled.
    Outcome pauseStep(const StrategyStep& step, int stepNumber);
    // One analysis run until it decides: PromQL on the environment's Prometheus, any other
    // metric through `readMetric` (which may be empty when the target cannot read it: the run
    // then fails naming the metric). An inconclusive run waits for Promote unless autoPromote.
    Outcome runAnalysis(const AnalysisTemplate& analysis, const MetricReader& readMetric);
    // The analysis named `name` (blue-green's pre- or post-promotion), if any.
    Outcome runNamedAnalysis(const QString& name, const QString& when,
                             const MetricReader& readMetric);

    // The monitoring window of the application's rollback policy: every `interval`, asks
    // `readTarget` for the new revision's condition (health, restarts, OOM kills, error rate,
    // memory), feeds it to the triggers, then the PromQL triggers on the environment's
    // Prometheus and the alert triggers on its Alertmanager. An error from `readTarget` ends
    // the window as a failure. Moves the progress from 75 to 95.
    using TargetReader = std::function<Result<MonitorReading>()>;
    Outcome watchWindow(std::chrono::milliseconds interval, const TargetReader& readTarget);

    // The environment's monitoring server with its secret from the values looked up before the
    // job began.
    Result<prometheus::ServerEndpoint> monitoringEndpoint(const MonitoringServer& server) const;

    // ---- ledger and reporting ----
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
    // Set by run() once prepare() succeeded.
    const Plan& plan() const { return m_plan; }
    // Set by run() once prepare() succeeded: the application and environment.
    const Application& application() const { return m_application; }
    const Environment& environment() const { return m_environment; }

    const DeploymentContext& m_context;
    DeploymentRequest m_request;
    JobControl& m_control;
    QString m_id;

private:
    Emit m_emit;
    Plan m_plan;
    Application m_application;
    Environment m_environment;
    DeploymentStage m_stage = DeploymentStage::Initialized;
    int m_percent = 0;
    qint64 m_estimateMs = 0;
    QElapsedTimer m_clock;
    bool m_secretsNoted = false;
};

} // namespace launchdeck::deploy
