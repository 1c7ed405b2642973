// The Deployments tab: the matrix of applications × environments with live revision, health,
// replicas, last change and progress; Deploy and Rollback; the selected pair's history and its
// current deployment live. Everything that reads the ledger or asks a Docker host runs on pool
// threads; jobs report through queued signals.
#pragma once

#include "deploy/deploymentengine.h"

#include <QHash>
#include <QPointer>
#include <QWidget>

#include <memory>

class QLabel;
class QPushButton;
class QTableView;
class QTimer;

namespace launchdeck {

class BannerWidget;
class DeployDialog;
class DeploymentHistoryModel;
class DeploymentMatrixModel;
class DeploymentProgressView;
class DockerHost;
class HistoryStore;
class MetricsStore;
class RollbackDialog;

class DeploymentsTab final : public QWidget
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(DeploymentsTab)

public:
    // The metrics store receives the deploy and rollback markers; it is not owned and may be
    // null.
    explicit DeploymentsTab(MetricsStore* metrics, QWidget* parent = nullptr);
    // Cancels running jobs and waits for their threads.
    ~DeploymentsTab() override;

    // The history database once it is open (its migrations create the ledger's tables) and the
    // data folder the engine keeps traffic entry points and locks in.
    void setHistory(std::shared_ptr<HistoryStore> store, const QString& dataDir);
    // Reads launchdeck.yaml at `root` off the GUI thread, then as below.
    void setWorkspace(const QString& root);
    void setWorkspace(const Workspace& workspace);
    // The Docker hosts the Live Metrics tab records, to name the markers' host as it does.
    void setHosts(const QList<DockerHost*>& hosts);
    // Off in tests, which have no keyring.
    void setKeyringEnabled(bool enabled) { m_context.useKeyring = enabled; }

    bool isReady() const;
    const deploy::DeploymentContext& context() const { return m_context; }

    void selectPair(const QString& application, const QString& environment);
    QString selectedApplication() const { return m_application; }
    QString selectedEnvironment() const { return m_environment; }
    // Opened window-modal for the selected pair; accepted, it starts the job. Null while the
    // tab is not ready.
    DeployDialog* openDeployDialog();
    RollbackDialog* openRollbackDialog();
    // Starts a deploy or rollback unless one of the pair runs already; false then.
    bool start(const deploy::DeploymentRequest& request);
    void refresh();
    int runningJobs() const { return static_cast<int>(m_jobs.size()); }
    bool isRunning(const QString& application, const QString& environment) const;

    DeploymentMatrixModel* matrix() const { return m_matrix; }
    DeploymentHistoryModel* history() const { return m_history; }
    QTableView* matrixView() const { return m_matrixView; }
    QTableView* historyView() const { return m_historyView; }
    DeploymentProgressView* progressView() const { return m_progress; }
    BannerWidget* banner() const { return m_banner; }
    QPushButton* deployButton() const { return m_deploy; }
    QPushButton* rollbackButton() const { return m_rollback; }
    QPushButton* refreshButton() const { return m_refresh; }

    static constexpr int kRefreshIntervalMs = 5'000;
    static constexpr int kHistoryLimit = 200;
    static constexpr int kKeptEvents = 20'000; // per running job, replayed when it is selected

Q_SIGNALS:
    void statusRefreshed();
    void reconciled(int outcomes);
    void historyShown();
    void deploymentStarted(const QString& application, const QString& environment);
    void deploymentFinished(const QString& application, const QString& environment,
                            launchdeck::DeploymentStatus status);

protected:
    void showEvent(QShowEvent* event) override;

private:
    struct LiveJob
    {
        deploy::DeploymentJob* job = nullptr;
        QString title;
        QList<deploy::DeploymentEvent> events;
        QDateTime deployingAt;
    };

    static QString pairKey(const QString& application, const QString& environment);
    void buildLayout();
    void becomeReady();
    void reconcile();
    void scheduleRefresh();
    void loadHistory();
    void showDeployment(const QString& id);
    void showCurrent();
    // The progress view replays the job's events and follows it from there on.
    void followJob(const QString& key);
    void onJobEvent(const QString& key, const deploy::DeploymentEvent& event);
    void onJobFinished(const QString& key, DeploymentStatus status, const QString& message);
    void addMarkers(const deploy::DeploymentRequest& request, DeploymentStatus status,
                    const QDateTime& at);
    void updateActions();

    QPointer<MetricsStore> m_metrics;
    std::shared_ptr<HistoryStore> m_store;
    deploy::DeploymentContext m_context;
    bool m_haveWorkspace = false;
    bool m_reconciled = false;
    DeploymentMatrixModel* m_matrix;
    DeploymentHistoryModel* m_history;
    BannerWidget* m_banner;
    QPushButton* m_deploy;
    QPushButton* m_rollback;
    QPushButton* m_refresh;
    QLabel* m_statusHint;
    QTableView* m_matrixView;
    QTableView* m_historyView;
    DeploymentProgressView* m_progress;
    QTimer* m_refreshTimer;

    QString m_application; // the selected pair
    QString m_environment;
    QString m_shownJob; // the pair key whose live job the progress view follows
    QHash<QString, LiveJob> m_jobs;
    QHash<QString, QString> m_endpointOf; // environment -> Docker endpoint
    QHash<QString, QString> m_hostOf;     // Docker endpoint -> host name in the metrics store
    quint64 m_workspaceGeneration = 0;
    quint64 m_statusGeneration = 0;
    quint64 m_historyGeneration = 0;
    quint64 m_detailsGeneration = 0;
    bool m_refreshing = false;
    bool m_refreshAgain = false;
};

} // namespace launchdeck
