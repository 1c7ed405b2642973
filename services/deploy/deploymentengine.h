// Deployments and rollbacks on Docker hosts: the staged lifecycle (INITIALIZED → VALIDATING →
// TESTING → DEPLOYING → MONITORING → COMPLETED, or FAILED → ROLLING_BACK → ROLLED_BACK), the four
// strategies, the monitoring triggers, the status of every application × environment and the
// reconciliation of deployments a crash cut off. Everything is recorded in the ledger as it
// happens; a job runs on a thread of its own and reports through queued signals.
#pragma once

#include "core/result.h"
#include "deploy/containerplan.h"
#include "deploy/deploymentledger.h"
#include "deploy/deploymentrecord.h"
#include "deploy/pairstatus.h"
#include "workspace/workspace.h"

#include <QDateTime>
#include <QMap>
#include <QMetaType>
#include <QObject>
#include <QString>
#include <QStringList>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <optional>
#include <thread>

namespace launchdeck::deploy {

// What a deployment needs from around it. The ledger must be open and outlive every job using it.
struct DeploymentContext
{
    Workspace workspace;
    QString
        dataDir; // HAProxy instances live in dataDir/traffic/<environment>, locks in dataDir/locks
    std::shared_ptr<DeploymentLedger> ledger;
    QString haproxyExecutable;                             // empty: from PATH
    QString keyringService = QStringLiteral("launchdeck"); // where secrets are looked up
    bool useKeyring = true;
};

struct DeploymentRequest
{
    DeploymentKind kind = DeploymentKind::Deploy;
    QString application;
    QString environment;
    QString version;               // deploy: the image tag
    std::optional<int> toRevision; // rollback: none returns to the revision before the live one
    std::optional<Strategy::Type> strategy; // none: the application's
    bool autoRollback = true;               // a failure after traffic moved rolls back by itself
    bool autoPromote = false;               // a canary pause without a duration goes on by itself
    QString reason;                         // required for a rollback
    QString who;                            // empty: the OS user
    // Rollback options.
    bool preserveData = true; // keep the volumes of the containers it removes
    bool force = false;       // high findings do not stop it; critical still do
    bool cleanUp = true;      // remove the containers of the revision rolled away from
};

QString strategyName(Strategy::Type type); // "recreate", "rolling", "blue-green", "canary"
std::optional<Strategy::Type> strategyFromName(QStringView name);

// What Deploy or Rollback would do, computed before it starts: for dialogs and the CLI.
struct DeploymentPreview
{
    QString application;
    QString environment;
    std::optional<Revision> from; // the live revision, if any
    Revision to;                  // number the deployment will get, image
    std::optional<RevisionConfig> fromConfig;
    RevisionConfig toConfig;
    QStringList diff; // configDiff(fromConfig, toConfig)
    Strategy::Type strategy = Strategy::Type::Rolling;
    bool downtime = false;    // recreate: the application is unreachable while it switches
    bool isProtected = false; // the environment asks for its name typed
    bool usesTraffic = false; // through the environment's HAProxy entry point
    QStringList notes;        // e.g. "the image shop/web:2.0 is not on the host"
    qint64 estimatedMs = 0;   // from earlier deployments of the pair; 0 when none
};

// Blocking (reads the ledger and asks the Docker host): call it off the GUI thread. Fails for an
// unknown application or environment, a non-Docker target, a rollback with nothing to return to.
Result<DeploymentPreview> previewDeployment(const DeploymentContext& context,
                                            const DeploymentRequest& request);

// One reported step of a running deployment.
struct DeploymentEvent
{
    enum class Kind { Stage, Progress, Log, Validation, Test, Paused, Finished };
    Kind kind = Kind::Log;
    QString deploymentId;
    DeploymentStage stage = DeploymentStage::Initialized; // the stage it happened in
    int percent = 0;                                      // overall progress 0..100
    qint64 remainingMs = -1; // estimate from earlier deployments; -1 when unknown
    QString text;            // a log line, why it paused, how it ended
    ValidationResult validation;
    TestResult test;
    std::optional<DeploymentStatus> status; // Finished only
    QDateTime at;
};

// How the GUI or the command line steers a running job: cancel and promote, and the wait that
// both wake.
struct JobControl
{
    // The application's secrets, looked up before the job's own thread begins (keyring reads
    // run in the main thread); read-only afterwards.
    QMap<QString, QString> secretValues;
    QStringList secretNotes;

    std::atomic_bool cancel{false};
    std::atomic_int promotions{0};
    std::mutex mutex;
    std::condition_variable wake;
    bool rollingBack = false; // under `mutex`: a cancel request no longer applies

    // Sleeps up to `duration`; false when cancelled meanwhile.
    bool sleepFor(std::chrono::milliseconds duration);
    // Waits until promote() raised `promotions` above `seen`; false when cancelled.
    bool waitForPromotion(int seen);
    void requestCancel();
    void requestPromotion();
    // The cancel that led here has been honoured: the rollback runs to its end, since one cut
    // short would leave neither revision serving. Later cancel requests are ignored.
    void beginRollback();
};

// One deploy or rollback, run on a thread of its own. Create, connect, start(); the job reports
// through reported() (queued to the receiver's thread) and finished() at the end.
class DeploymentJob final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(DeploymentJob)

public:
    DeploymentJob(DeploymentContext context, DeploymentRequest request, QObject* parent = nullptr);
    // Cancels and waits for the thread.
    ~DeploymentJob() override;

    // Looks the application's secrets up (environment, then keyring, waiting at most 2 s for
    // it), then runs the job on its own thread.
    void start();
    // Before traffic moves: stops and removes what it started (CANCELLED). After: rolls back.
    void cancel();
    // Continues a canary paused for a human (or an inconclusive analysis).
    void promote();
    // Blocks until the job's thread ended; true when it did within `timeout`.
    bool wait(std::chrono::milliseconds timeout = std::chrono::hours(24));

    const DeploymentRequest& request() const { return m_request; }
    // Known once the job recorded its start in the ledger (shortly after start()).
    QString deploymentId() const;
    bool isRunning() const { return m_running.load(); }
    std::optional<DeploymentStatus> status() const;

Q_SIGNALS:
    void reported(const launchdeck::deploy::DeploymentEvent& event);
    void finished(launchdeck::DeploymentStatus status, const QString& message);

private:
    void launch();
    void run();

    DeploymentContext m_context;
    DeploymentRequest m_request;
    std::shared_ptr<JobControl> m_control;
    std::thread m_thread;
    std::atomic_bool m_running{false};
    mutable std::mutex m_mutex; // guards the two below
    QString m_id;
    std::optional<DeploymentStatus> m_status;
};

// Status of every application × environment of the workspace (filtered when names are given),
// from the hosts' containers (their labels) and the ledger. Blocking: asks each Docker host once.
QList<PairStatus> deploymentStatus(const DeploymentContext& context,
                                   const QString& application = {},
                                   const QString& environment = {});

// What the reconciliation did for one deployment a crash cut off.
struct ReconcileOutcome
{
    QString deploymentId;
    QString application;
    QString environment;
    DeploymentStage stage = DeploymentStage::Initialized; // where it was cut off
    QStringList actions;   // e.g. "traffic back on revision 3 (blue)", "removed web-prod-r4-green1"
    bool resolved = false; // false: marked interrupted, actions still needed (see `error`)
    QString error;
};

// Finds deployments the ledger still has running whose process is gone (their lock is free),
// brings each environment back to its last good revision (traffic, containers) and marks them
// INTERRUPTED with what was done. Blocking.
QList<ReconcileOutcome> reconcileInterrupted(const DeploymentContext& context);

} // namespace launchdeck::deploy

Q_DECLARE_METATYPE(launchdeck::deploy::DeploymentEvent)
Q_DECLARE_METATYPE(launchdeck::DeploymentStatus)
