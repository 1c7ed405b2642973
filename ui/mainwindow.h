// Launchdeck's main window: menus, the tabs, the status line, and what is remembered between
// runs (geometry, layout, recent workspaces).
#pragma once

#include "core/diagnostic.h"

#include <QMainWindow>
#include <QPointer>

#include <functional>
#include <utility>

class QLabel;
class QMenu;
class QMessageBox;
class QTabWidget;

namespace launchdeck {

class AlertsView;
class DeploymentsTab;
class DesktopNotifier;
class DockerStatusLabel;
class InfrastructureTab;
class MetricsStore;
class MetricsTab;
class PipelinesTab;
class WorkspaceSession;

class MainWindow final : public QMainWindow
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(MainWindow)

public:
    // `dataDir` holds the history, runs, traffic entry points and locks; empty: the user's
    // application data folder, which `launchdeck` commands share.
    explicit MainWindow(const QString& dataDir = {}, QWidget* parent = nullptr);
    // A session whose work was left running ends with that work (or with the process).
    ~MainWindow() override;

    // Opens `root` once unsaved changes are dealt with, and records it as recent. The session
    // of the workspace open before goes once its runs and deployments ended (the user is asked
    // whether to cancel them).
    void openWorkspace(const QString& root);
    WorkspaceSession* session() const { return m_session; }
    // The question asked while closing with work running, or switching workspace; null when
    // none is open.
    QMessageBox* workQuestion() const { return m_question; }
    // The user chose to close and leave deployments to be reconciled at the next start.
    bool leavesWorkRunning() const { return m_leaveWorkRunning; }
    // The same, but not before the window has painted once: at launch the window comes first,
    // and scanning and validating the workspace do not compete with it for the CPU.
    void openWorkspaceWhenShown(const QString& root);
    QStringList recentWorkspaces() const;
    DeploymentsTab* deploymentsTab() const { return m_deployments; }
    // The tabs not shown at launch are built once the window has first painted; these build
    // theirs here if it was not yet.
    InfrastructureTab* infrastructureTab();
    PipelinesTab* pipelinesTab();
    MetricsTab* metricsTab();
    AlertsView* alertsView(); // inside Live Metrics, built with it

    // Live Metrics with its Alerts view in front.
    void showAlerts();
    QMenu* recentMenu() const { return m_recentMenu; }

    static constexpr int kMaxRecentWorkspaces = 8;

Q_SIGNALS:
    // The window has painted once (queued after that paint): what the first frame does not show
    // can be set up from here on.
    void firstPainted();

protected:
    void closeEvent(QCloseEvent* event) override;
    bool event(QEvent* event) override;

private:
    // Builds the tab at `index` if a stand-in holds its place.
    void ensureTab(int index);
    void ensureInfrastructure();
    void ensurePipelines();
    void ensureMetrics();
    // Puts `page` where `standIn` was, with its text and tooltip, current if it was; deletes it.
    void replaceStandIn(QWidget*& standIn, QWidget* page);
    void createActions();
    void createTabActions();
    // Shows the tab and puts the keyboard there: where it was left, else the tab's main control.
    void showTab(int index);
    QWidget* firstControl(QWidget* page) const;
    void createStatusBar();
    void chooseWorkspace();
    void switchWorkspace(const QString& root);
    void replaceSession(const QString& root, bool cancelOld);
    // Asks what becomes of the running work; `answered` gets the button's object name.
    void askAboutWork(const QString& title, const QString& text,
                      const QList<std::pair<QString, QString>>& choices, const QString& stayLabel,
                      std::function<void(const QString&)> answered);
    void askBeforeClosing();
    void closeWhenIdle();
    void rememberWorkspace(const QString& root);
    void rebuildRecentMenu();
    void updateTitle();
    void updateCounts();
    void updateLevel(const QString& environment, ValidationLevel level);
    void updateCursor();
    void saveSettings() const;
    // The current session and those switched away from, while they have work running.
    QList<WorkspaceSession*> busySessions() const;
    void restoreSettings();
    void showAbout();

    QString m_dataDir;
    WorkspaceSession* m_session = nullptr; // owned; see the destructor
    // Sessions switched away from while their work went on; each deletes itself when it ends.
    QList<QPointer<WorkspaceSession>> m_retired;
    QTabWidget* m_tabs;
    DeploymentsTab* m_deployments;
    InfrastructureTab* m_infrastructure = nullptr; // these three built by ensureTab()
    QWidget* m_infrastructurePage;                 // their tabs' stand-ins until then
    QWidget* m_pipelinesPage;
    QWidget* m_metricsPage;
    PipelinesTab* m_pipelines = nullptr;
    MetricsStore* m_metricsStore;
    MetricsTab* m_metrics = nullptr;
    AlertsView* m_alertsView = nullptr;
    DesktopNotifier* m_desktopNotifier;
    QLabel* m_alertsLabel; // "2 alerts firing", hidden while none is
    DockerStatusLabel* m_dockerStatus;
    QMenu* m_recentMenu = nullptr;
    QAction* m_saveAction = nullptr;
    QAction* m_revertAction = nullptr;
    QLabel* m_workspaceLabel;
    QLabel* m_levelLabel;
    QLabel* m_countsLabel;
    QLabel* m_busyLabel;
    QLabel* m_cursorLabel;
    QMessageBox* m_question = nullptr;
    bool m_closeConfirmed = false; // the editor's changes are dealt with
    bool m_leaveWorkRunning = false;
    bool m_closingWhenIdle = false;
    bool m_painted = false;
    QString m_pendingWorkspace;
};

} // namespace launchdeck
