// Launchdeck's main window: menus, the tabs, the status line, and what is remembered between
// runs (geometry, layout, recent workspaces).
#pragma once

#include "core/diagnostic.h"

#include <QMainWindow>

#include <memory>

class QLabel;
class QMenu;
class QTabWidget;

namespace launchdeck {

class DeploymentsTab;
class DockerHosts;
class DockerStatusLabel;
class HistoryStore;
class InfrastructureTab;
class MetricsStore;
class MetricsTab;
class PipelineRecorder;
class PipelineRunnerHost;
class PipelinesTab;

class MainWindow final : public QMainWindow
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(MainWindow)

public:
    explicit MainWindow(QWidget* parent = nullptr);
    ~MainWindow() override;

    // Opens `root` once unsaved changes are dealt with, and records it as recent.
    void openWorkspace(const QString& root);
    // The same, but not before the window has painted once: at launch the window comes first,
    // and scanning and validating the workspace do not compete with it for the CPU.
    void openWorkspaceWhenShown(const QString& root);
    QStringList recentWorkspaces() const;
    DeploymentsTab* deploymentsTab() const { return m_deployments; }
    InfrastructureTab* infrastructureTab() const { return m_infrastructure; }
    PipelinesTab* pipelinesTab() const { return m_pipelines; }
    MetricsTab* metricsTab() const { return m_metrics; }
    DockerHosts* dockerHosts() const { return m_dockerHosts; }
    QMenu* recentMenu() const { return m_recentMenu; }

    static constexpr int kMaxRecentWorkspaces = 8;

protected:
    void closeEvent(QCloseEvent* event) override;
    bool event(QEvent* event) override;

private:
    void createActions();
    void createTabActions();
    // Shows the tab and puts the keyboard there: where it was left, else the tab's main control.
    void showTab(int index);
    QWidget* firstControl(QWidget* page) const;
    void createStatusBar();
    void chooseWorkspace();
    void rememberWorkspace(const QString& root);
    void rebuildRecentMenu();
    void updateTitle();
    void updateCounts();
    void updateLevel(const QString& environment, ValidationLevel level);
    void updateCursor();
    void saveSettings() const;
    void restoreSettings();
    void showAbout();

    // Declared so the runner's thread is joined first, then the recorder goes, then the store.
    std::shared_ptr<HistoryStore> m_history;
    std::unique_ptr<PipelineRecorder> m_recorder;
    std::unique_ptr<PipelineRunnerHost> m_runnerHost;
    QTabWidget* m_tabs;
    DeploymentsTab* m_deployments;
    InfrastructureTab* m_infrastructure;
    PipelinesTab* m_pipelines;
    MetricsStore* m_metricsStore;
    MetricsTab* m_metrics;
    DockerHosts* m_dockerHosts;
    DockerStatusLabel* m_dockerStatus;
    QMenu* m_recentMenu = nullptr;
    QAction* m_saveAction = nullptr;
    QAction* m_revertAction = nullptr;
    QLabel* m_workspaceLabel;
    QLabel* m_levelLabel;
    QLabel* m_countsLabel;
    QLabel* m_busyLabel;
    QLabel* m_cursorLabel;
    bool m_closeConfirmed = false;
    bool m_painted = false;
    QString m_pendingWorkspace;
};

} // namespace launchdeck
