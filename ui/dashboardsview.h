// Live Metrics' Dashboards view: pick an application and an environment of the workspace and see
// the dashboards made for them as PromQL panels over the environment's Prometheus, with the
// variables $app, $env, $revision, $namespace, $pod and $container filled in, the pair's
// deployments and rollbacks marked, and an ad-hoc query bar whose query is drawn as one more
// panel.
#pragma once

#include "metricssource.h"

#include <QList>
#include <QMap>
#include <QPointer>
#include <QString>
#include <QWidget>

#include <optional>

class QComboBox;
class QGridLayout;
class QLabel;
class QScrollArea;

namespace launchdeck {

class PromQlPanel;
class PromQlQueryBar;
class WorkspaceSession;
struct Workspace;

namespace prometheus {
class PrometheusServer;
} // namespace prometheus

class DashboardsView final : public QWidget
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(DashboardsView)

public:
    explicit DashboardsView(QWidget* parent = nullptr);
    ~DashboardsView() override;

    // Follows the workspace, servers and ledger of `session` (not owned).
    void setSession(WorkspaceSession* session);

    void setWindowMs(qint64 window);
    void setPaused(bool paused, qint64 atMs);
    // The container picked on the Containers view, for $pod and $container; empty: none.
    void setContainer(const QString& name);
    void selectPair(const QString& application, const QString& environment);

    // Reads the live revision and the pair's deployments from the ledger again (off the GUI
    // thread); done by itself when the pair changes and when a deployment ends.
    void refreshDeployments();

    // The values the queries' variables take now.
    QMap<QString, QString> variables() const;

    QComboBox* applicationBox() const { return m_application; }
    QComboBox* environmentBox() const { return m_environment; }
    PromQlQueryBar* queryBar() const { return m_queryBar; }
    // The dashboards' panels, then the ad-hoc one when a query was entered.
    QList<PromQlPanel*> panels() const;
    PromQlPanel* adHocPanel() const { return m_adHoc; }
    QLabel* emptyLabel() const { return m_empty; }

    // Every panel shown, stacked into one image; the panels' series as CSV.
    bool exportPng(const QString& path);
    bool exportCsv(const QString& path);

private:
    void applyWorkspace();
    void rebuildPanels();
    void applyServer();
    void applyVariables();
    void drawAdHoc(const QString& query);
    prometheus::PrometheusServer* currentServer() const;
    QString currentApplication() const;
    QString currentEnvironment() const;
    void configure(PromQlPanel* panel);

    QPointer<WorkspaceSession> m_session;
    QList<QMetaObject::Connection> m_sessionConnections;
    QComboBox* m_application;
    QComboBox* m_environment;
    PromQlQueryBar* m_queryBar;
    QLabel* m_serverLabel;
    QLabel* m_empty;
    QScrollArea* m_scroll;
    QWidget* m_panelsPane;
    QGridLayout* m_grid;
    QList<QWidget*> m_gridItems; // panels and dashboard headings, in the grid
    QList<PromQlPanel*> m_panels;
    PromQlPanel* m_adHoc = nullptr;
    QString m_adHocQuery;
    QString m_container;
    std::optional<int> m_revision;
    QList<MetricsMarker> m_markers;
    quint64 m_ledgerGeneration = 0;
    qint64 m_windowMs = 300'000;
    bool m_paused = false;
    qint64 m_pausedAtMs = 0;
};

} // namespace launchdeck
