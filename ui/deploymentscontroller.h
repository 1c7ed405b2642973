// The Deployments tab without its widgets: the matrix and history models over the session's
// ledger and engine, the periodic status, the reconciliation when a workspace opens, the jobs'
// live events and the markers on the Live Metrics. Everything that reads the ledger or asks a
// Docker host or a cluster runs on pool threads, and answers superseded meanwhile are dropped.
#pragma once

#include "deploy/deploymentengine.h"
#include "session/workspacesession.h"

#include <QHash>
#include <QObject>
#include <QPointer>
#include <QSet>

#include <functional>

class QTimer;

namespace launchdeck {

class DeploymentHistoryModel;
class DeploymentMatrixModel;
class DockerHost;
class MetricsStore;

class DeploymentsController final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(DeploymentsController)

public:
    enum class Notice { Information, Warning, Error };

    // The metrics store receives the deploy and rollback markers; not owned, may be null.
    explicit DeploymentsController(MetricsStore* metrics, QObject* parent = nullptr);
    ~DeploymentsController() override;

    // Follows `session` (not owned) from now on; the jobs of the previous one run on without
    // being shown here.
    void setSession(WorkspaceSession* session);
    WorkspaceSession* session() const { return m_session; }
    bool isReady() const;
    deploy::DeploymentContext context() const;
    // Whether the tab is on screen: status is asked for only then (or while a job runs).
    void setShown(bool shown);
    // Asked before the current deployment of a newly selected pair replaces the details: false
    // while the user looks at a history row they picked.
    void setHistoryRowChosen(std::function<bool()> chosen)
    {
        m_historyRowChosen = std::move(chosen);
    }

    void selectPair(const QString& application, const QString& environment);
    QString selectedApplication() const { return m_application; }
    QString selectedEnvironment() const { return m_environment; }
    const deploy::PairStatus& selectedStatus() const;
    // Starts a deploy or rollback unless one of the pair runs already; false then.
    bool start(const deploy::DeploymentRequest& request);
    void refresh();
    void showDeployment(const QString& id);
    void cancelShown();
    void promoteShown();
    int runningJobs() const { return static_cast<int>(m_jobs.size()); }
    bool isRunning(const QString& application, const QString& environment) const;

    DeploymentMatrixModel* matrix() const { return m_matrix; }
    DeploymentHistoryModel* history() const { return m_history; }

    static constexpr int kRefreshIntervalMs = 5'000;
    // A change a cluster's watch reports refreshes the status this soon; the changes that
    // come meanwhile ask with it.
    static constexpr int kClusterChangeDelayMs = 1'000;
    static constexpr int kHistoryLimit = 200;
    static constexpr int kKeptEvents = 20'000;  // per running job, replayed when it is selected
    static constexpr int kKeptFinishedJobs = 8; // whose log is shown again when selected

Q_SIGNALS:
    void statusRefreshed();
    void reconciled(int outcomes);
    void historyShown();
    void deploymentStarted(const QString& application, const QString& environment);
    void deploymentFinished(const QString& application, const QString& environment,
                            launchdeck::DeploymentStatus status);
    void noticed(const QString& text, launchdeck::DeploymentsController::Notice kind);
    void statusHintChanged(const QString& text);
    void pairSelected(const QString& application, const QString& environment);
    void actionsChanged();
    // What the details view shows: a message, a recorded deployment, or a live job (its title,
    // then its events, replayed and then as they come).
    void detailsCleared(const QString& message);
    void recordShown(const launchdeck::DeploymentRecord& record);
    void jobFollowed(const QString& title, launchdeck::DeploymentKind kind);
    void jobReported(const launchdeck::deploy::DeploymentEvent& event);

private:
    struct LiveJob
    {
        deploy::DeploymentJob* job = nullptr;
        QString title;
        QList<deploy::DeploymentEvent> events;
        QDateTime deployingAt;
    };
    // A job that finished in this window: the ledger keeps its stages, findings and results but
    // not its log, so its details are shown again from its events.
    struct FinishedJob
    {
        QString title;
        DeploymentKind kind = DeploymentKind::Deploy;
        QList<deploy::DeploymentEvent> events;
    };

    static QString pairKey(const QString& application, const QString& environment);
    void attach(deploy::DeploymentJob* job);
    void applyWorkspace(bool other);
    void applyHosts(const QList<DockerHost*>& hosts);
    // Watches the Deployments of the cluster environments, one watch per cluster and
    // namespace, so the matrix follows what the clusters report between the timer's refreshes.
    void watchClusters();
    void unwatchClusters();
    void becomeReady();
    void reconcile();
    void scheduleRefresh();
    void loadHistory();
    void showCurrent();
    // The details replay the job's events and follow it from there on.
    void followJob(const QString& key);
    // The details of deployment `id` from the events of its job when it finished here; false
    // when it did not.
    bool replayFinished(const QString& id);
    void onJobEvent(const QString& key, const deploy::DeploymentEvent& event);
    void onJobFinished(const QString& key, DeploymentStatus status, const QString& message);
    void addMarkers(const deploy::DeploymentRequest& request, DeploymentStatus status,
                    const QDateTime& at);

    QPointer<MetricsStore> m_metrics;
    QPointer<WorkspaceSession> m_session;
    bool m_haveWorkspace = false;
    bool m_reconciled = false;
    bool m_shown = false;
    std::function<bool()> m_historyRowChosen;
    DeploymentMatrixModel* m_matrix;
    DeploymentHistoryModel* m_history;
    QTimer* m_refreshTimer;

    QString m_application; // the selected pair
    QString m_environment;
    QString m_shownJob; // the pair key whose live job the details follow
    QHash<QString, LiveJob> m_jobs;
    QHash<QString, FinishedJob> m_finished; // by deployment id, the newest few
    QStringList m_finishedOrder;            // oldest first
    QHash<QString, QString> m_endpointOf;   // environment -> Docker endpoint
    QHash<QString, QString> m_hostOf;       // Docker endpoint -> host name in the metrics store
    QSet<QString> m_clusterEnvironments;    // environments on Kubernetes targets
    struct ClusterWatch
    {
        QPointer<kube::KubeCluster> cluster;
        quint64 id = 0;
    };
    QList<ClusterWatch> m_clusterWatches;
    QList<QMetaObject::Connection> m_clusterConnections;
    QTimer* m_clusterChangeTimer;
    quint64 m_workspaceGeneration = 0;
    quint64 m_statusGeneration = 0;
    quint64 m_historyGeneration = 0;
    quint64 m_detailsGeneration = 0;
    bool m_refreshing = false;
    bool m_refreshAgain = false;
};

} // namespace launchdeck
