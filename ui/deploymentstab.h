// The Deployments tab: the matrix of applications × environments with live revision, health,
// replicas, last change and progress; Deploy and Rollback; the selected pair's history and its
// current deployment live. The views over DeploymentsController, which holds the logic.
#pragma once

#include "deploy/deploymentengine.h"
#include "deploymentscontroller.h"

#include <QWidget>

class QLabel;
class QPushButton;
class QTableView;

namespace launchdeck {

class BannerWidget;
class DeployDialog;
class DeploymentHistoryModel;
class DeploymentMatrixModel;
class DeploymentProgressView;
class MetricsStore;
class RollbackDialog;
class WorkspaceSession;

class DeploymentsTab final : public QWidget
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(DeploymentsTab)

public:
    // The metrics store receives the deploy and rollback markers; it is not owned and may be
    // null.
    explicit DeploymentsTab(MetricsStore* metrics, QWidget* parent = nullptr);
    ~DeploymentsTab() override;

    // The open workspace (not owned): its ledger, engine and jobs.
    void setSession(WorkspaceSession* session);
    DeploymentsController* controller() const { return m_controller; }

    bool isReady() const { return m_controller->isReady(); }
    deploy::DeploymentContext context() const { return m_controller->context(); }

    void selectPair(const QString& application, const QString& environment);
    QString selectedApplication() const { return m_controller->selectedApplication(); }
    QString selectedEnvironment() const { return m_controller->selectedEnvironment(); }
    // Opened window-modal for the selected pair; accepted, it starts the job. Null while the
    // tab is not ready.
    DeployDialog* openDeployDialog();
    RollbackDialog* openRollbackDialog();
    // Starts a deploy or rollback unless one of the pair runs already; false then.
    bool start(const deploy::DeploymentRequest& request) { return m_controller->start(request); }
    void refresh() { m_controller->refresh(); }
    int runningJobs() const { return m_controller->runningJobs(); }
    bool isRunning(const QString& application, const QString& environment) const
    {
        return m_controller->isRunning(application, environment);
    }

    DeploymentMatrixModel* matrix() const { return m_controller->matrix(); }
    DeploymentHistoryModel* history() const { return m_controller->history(); }
    QTableView* matrixView() const { return m_matrixView; }
    QTableView* historyView() const { return m_historyView; }
    DeploymentProgressView* progressView() const { return m_progress; }
    BannerWidget* banner() const { return m_banner; }
    QPushButton* deployButton() const { return m_deploy; }
    QPushButton* rollbackButton() const { return m_rollback; }
    QPushButton* refreshButton() const { return m_refresh; }

Q_SIGNALS:
    void statusRefreshed();
    void reconciled(int outcomes);
    void historyShown();
    void deploymentStarted(const QString& application, const QString& environment);
    void deploymentFinished(const QString& application, const QString& environment,
                            launchdeck::DeploymentStatus status);

protected:
    void showEvent(QShowEvent* event) override;
    void hideEvent(QHideEvent* event) override;

private:
    void buildLayout();
    void connectController();
    void updateActions();

    DeploymentsController* m_controller;
    BannerWidget* m_banner;
    QPushButton* m_deploy;
    QPushButton* m_rollback;
    QPushButton* m_refresh;
    QLabel* m_statusHint;
    QTableView* m_matrixView;
    QTableView* m_historyView;
    DeploymentProgressView* m_progress;
};

} // namespace launchdeck
