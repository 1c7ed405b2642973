// The open workspace as one object: launchdeck.yaml parsed once off the GUI thread (and again
// when it changes on disk), the history database with the deployment ledger, the pipeline
// runner, one connection per target, and the deployments and runs started through it. The tabs
// and the command line read from it; none of them parses the workspace or opens the database.
#pragma once

#include "core/diagnostic.h"
#include "deploy/deploymentengine.h"
#include "docker/dockerhost.h"
#include "docker/dockerimagetransfer.h"
#include "kubernetes/kubecluster.h"
#include "pipeline/pipelinerunner.h"
#include "pipeline/stepengines.h"
#include "prometheus/prometheusserver.h"
#include "workspace/workspace.h"

#include <QFuture>
#include <QHash>
#include <QList>
#include <QObject>
#include <QSet>
#include <QString>
#include <QStringList>

#include <atomic>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <vector>

class QFileSystemWatcher;
class QTimer;

namespace launchdeck {

class DeploymentLedger;
class HistoryStore;
class PipelineRecorder;
class PipelineRunnerHost;
class SessionAlerts;

struct SessionOptions
{
    QString root;    // the workspace folder; empty: the history alone (`launchdeck history`)
    QString dataDir; // history database, runs, traffic entry points, locks; empty: none of them
    RunnerOptions runner;                           // its dataDir is the one above
    std::shared_ptr<const StepEngines> stepEngines; // none: HTTP and validation steps
    bool useKeyring = true;     // deployments' secrets; the runner has its own switch
    bool watchWorkspace = true; // reload when launchdeck.yaml changes on disk
    bool connectHosts = true;   // one live connection per target
    // The console (open()) with connections: alerts of the environments and notifications.
    bool watchAlerts = true;
};

class WorkspaceSession final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(WorkspaceSession)

public:
    explicit WorkspaceSession(SessionOptions options, QObject* parent = nullptr);
    // Joins the runner's thread and the jobs' threads: destroy an idle session only, or let
    // closeWhenIdle() do it.
    ~WorkspaceSession() override;

    // For the console: parses the workspace and opens the history on pool threads; the signals
    // below follow. Connect first.
    void open();
    // For the command line: the same in the calling thread, with no watcher and no connections.
    // False when the history could not be opened (historyError() says why).
    bool openBlocking();

    const QString& root() const { return m_options.root; }
    const QString& dataDir() const { return m_options.dataDir; }
    // The workspace's name, or its folder's before (or without) a readable launchdeck.yaml.
    QString name() const;
    bool isLoaded() const { return m_loaded; }
    // Present whenever launchdeck.yaml could be parsed, findings or not.
    const std::optional<Workspace>& workspace() const { return m_workspace; }
    // What the last parse found, for the Problems panel and the command line.
    const Diagnostics& findings() const { return m_findings; }
    // The workspace's pipeline files, or the YAML files under pipelines/ without a workspace
    // file: found as the workspace was read (a change to any of them reads it again).
    const QStringList& pipelineFiles() const { return m_pipelineFiles; }

    bool isHistoryReady() const { return m_historyReady; }
    const QString& historyError() const { return m_historyError; }
    const std::shared_ptr<HistoryStore>& historyStore() const { return m_store; }
    const std::shared_ptr<DeploymentLedger>& ledger() const { return m_ledger; }
    PipelineRunnerHost* runnerHost() const { return m_runnerHost.get(); }
    // What a deployment, its preview, the status and the reconciliation need.
    deploy::DeploymentContext deploymentContext() const;

    // The alerts watcher and the notifications (desktop, webhook) of the workspace.
    SessionAlerts* alerts() const { return m_alerts; }

    // Connections per target: the Docker hosts (several targets on one daemon share one).
    DockerHost* dockerHost(const QString& targetName) const;
    QList<DockerHost*> dockerHosts() const;
    // Targets whose connection could not be made, one message each.
    const QStringList& connectionProblems() const { return m_connectionProblems; }

    // One Prometheus server per distinct server of the environments (those naming the same one
    // share it), its secret read from the process environment, then the keyring; null when the
    // environment names none or its server could not be made (prometheusProblem() says why).
    prometheus::PrometheusServer* prometheusServer(const QString& environment) const;
    QList<prometheus::PrometheusServer*> prometheusServers() const;
    QString prometheusProblem(const QString& environment) const;

    // One cluster per distinct kubeconfig context of the Kubernetes targets (targets naming the
    // same file and context share it); null when the target's kubeconfig or context could not
    // be resolved, and clusterProblem() says what is missing ("no kubeconfig: KUBECONFIG is
    // unset and ~/.kube/config does not exist", "context prod is not in …").
    kube::KubeCluster* kubeCluster(const QString& targetName) const;
    QList<kube::KubeCluster*> kubeClusters() const;
    QString clusterProblem(const QString& targetName) const;
    // On request: a cluster for every context of the default kubeconfig besides the
    // workspace's (clustersChanged follows).
    void addKubeconfigContexts();

    // The tags of the application's image on its environment's Docker host, for the Deploy
    // dialog. Blocking: off the GUI thread.
    static Result<QStringList> localImageTags(const Workspace& workspace,
                                              const QString& application,
                                              const QString& environment);
    // For the command line's `image pull|push`: the image pulled to the environment's Docker
    // host, or pushed from there, with the credentials deployments use; progress to `log`.
    // Blocking.
    static Result<TransferredImage> transferImage(const Workspace& workspace,
                                                  const QString& environment, const QString& image,
                                                  bool push,
                                                  const std::function<void(const QString&)>& log,
                                                  const std::atomic_bool* cancel);
    // The environment whose Docker host is meant when none is named: the first environment on a
    // Docker target when every such environment reaches the same daemon; else an error naming
    // the environments to choose from.
    static Result<QString> soleDockerEnvironment(const Workspace& workspace);

    // Work started through the session, which owns it.
    QString startPipeline(RunRequest request);
    deploy::DeploymentJob* startDeployment(const deploy::DeploymentRequest& request);
    QList<deploy::DeploymentJob*> deployments() const { return m_jobs; }
    int runningPipelines() const { return static_cast<int>(m_runs.size()); }
    int runningDeployments() const { return static_cast<int>(m_jobs.size()); }
    bool isBusy() const { return !m_runs.isEmpty() || !m_jobs.isEmpty(); }
    // Cancels every run and deployment (a deployment past the traffic switch rolls back).
    void cancelAll();
    // Destroys the session once no run or deployment is left, never waiting here; with
    // `cancel` they are cancelled first.
    void closeWhenIdle(bool cancel);
    bool isClosing() const { return m_closing; }

    static constexpr int kReloadDebounceMs = 250;

Q_SIGNALS:
    // The first parse, then every reload of launchdeck.yaml.
    void workspaceLoaded(const launchdeck::Diagnostics& findings);
    void workspaceChanged(const launchdeck::Diagnostics& findings);
    void historyReady();
    void historyFailed(const QString& error);
    // The new connections, started; the previous ones are deleted once receivers return.
    void hostsChanged(const QList<launchdeck::DockerHost*>& hosts);
    // The same for the Prometheus servers: the new ones started, replaced ones deleted after.
    void prometheusServersChanged(const QList<launchdeck::prometheus::PrometheusServer*>& servers);
    // The same for the clusters.
    void clustersChanged(const QList<launchdeck::kube::KubeCluster*>& clusters);
    void deploymentStarted(launchdeck::deploy::DeploymentJob* job);
    void deploymentEnded(launchdeck::deploy::DeploymentJob* job,
                         launchdeck::DeploymentStatus status, const QString& message);
    void pipelineEnded(const QString& runId);
    // The last run or deployment ended.
    void idle();

private:
    struct Loaded
    {
        std::optional<Workspace> workspace;
        Diagnostics findings;
        QStringList pipelineFiles;
        QStringList pipelineFolders; // to watch: where files of the pipeline patterns appear
        QByteArray fingerprint; // of the text read and of the pipeline files, names and contents
        bool unchanged = false; // all are as applied last: there is nothing to apply
    };
    struct OpenedHistory
    {
        QString error;
        std::shared_ptr<DeploymentLedger> ledger;
    };
    // `known`: the fingerprint applied last, empty before the first load.
    static Loaded load(const QString& root, const QByteArray& known);
    static QStringList pipelineFilesOf(const std::optional<Workspace>& workspace,
                                       const QString& root);
    static OpenedHistory openHistory(const std::shared_ptr<HistoryStore>& store);
    void loadAsync();
    void applyLoaded(Loaded loaded);
    void applyHistory(OpenedHistory opened);
    void watchWorkspace();
    // Watches the workspace file, the pipeline files and their folders; true when it began
    // watching a folder.
    bool rearmWatch();
    void watchNewFolders();
    void applyConnections();
    void applyPrometheusServers();
    void buildPrometheusServers(const QHash<QString, QString>& secrets);
    struct ResolvedClusters; // the targets' kubeconfigs, read off the session's thread
    void applyClusters();
    void buildClusters(const ResolvedClusters& resolved);
    void addClusters(const ResolvedClusters& resolved);
    void workEnded();

    SessionOptions m_options;
    std::optional<Workspace> m_workspace;
    Diagnostics m_findings;
    bool m_loaded = false;
    quint64 m_loadGeneration = 0; // drops parses superseded by a newer change
    QByteArray m_fingerprint;     // of what was applied last
    QStringList m_pipelineFiles;
    QStringList m_pipelineFolders;

    std::shared_ptr<HistoryStore> m_store;
    std::shared_ptr<DeploymentLedger> m_ledger;
    // The history being opened on a pool thread: a session that goes first waits for it, so no
    // SQLite work outlives it into the application's teardown.
    QFuture<OpenedHistory> m_historyOpening;
    bool m_historyReady = false;
    QString m_historyError;
    // Declared so the runner's thread is joined before the recorder goes, then the store.
    std::unique_ptr<PipelineRecorder> m_recorder;
    std::unique_ptr<PipelineRunnerHost> m_runnerHost;

    std::vector<std::unique_ptr<DockerHost>> m_dockerHosts;
    QHash<QString, DockerHost*> m_hostOfTarget;
    QStringList m_connectionKeys; // the endpoints the hosts serve, to skip needless rebuilds
    QStringList m_connectionProblems;

    // By what makes their endpoint (URL, sign-in, TLS), so a reload reuses a server unchanged.
    std::map<QString, std::unique_ptr<prometheus::PrometheusServer>> m_prometheusServers;
    QHash<QString, prometheus::PrometheusServer*> m_prometheusOf; // by environment
    QHash<QString, QString> m_prometheusProblems;                 // by environment
    QStringList m_prometheusKeys;       // environment=endpoint, to skip needless rebuilds
    quint64 m_prometheusGeneration = 0; // drops secret lookups superseded by a reload

    // By what makes them (kubeconfig files, context, namespace, server), so a reload that
    // leaves a target as it was keeps its cluster with its watches.
    std::map<QString, std::unique_ptr<kube::KubeCluster>> m_clusters;
    QHash<QString, kube::KubeCluster*> m_clusterOf; // by target
    QHash<QString, QString> m_clusterProblems;      // by target
    QStringList m_clusterKeys;                      // target=identity, to skip needless rebuilds
    QSet<QString> m_clusterContexts;                // files|context of the targets' clusters
    quint64 m_clusterGeneration = 0;                // drops kubeconfig reads superseded by a reload
    // addKubeconfigContexts(): the other contexts of the default kubeconfig, by files|context.
    std::map<QString, std::unique_ptr<kube::KubeCluster>> m_otherClusters;

    QFileSystemWatcher* m_watcher = nullptr;
    QTimer* m_reload = nullptr;

    QSet<QString> m_runs;
    QList<deploy::DeploymentJob*> m_jobs;
    bool m_closing = false;
    SessionAlerts* m_alerts = nullptr; // a child
    bool m_alertsWanted = false;       // opened by open(), with connections
};

} // namespace launchdeck
