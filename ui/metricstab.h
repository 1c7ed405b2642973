// The Live Metrics tab: pick containers of the Docker hosts and pods of the Kubernetes clusters,
// watch their CPU, memory and network over a shared time window, pause the view while recording
// goes on, and export what is shown as PNG or CSV. Beside the containers, the Dashboards view shows
// the workspace's PromQL panels over the same window; other views are added with addView().
#pragma once

#include "metricsstore.h"

#include <QHash>
#include <QList>
#include <QMap>
#include <QMetaObject>
#include <QWidget>

#include <functional>

class QButtonGroup;
class QComboBox;
class QHBoxLayout;
class QPushButton;
class QStackedWidget;
class QTimer;

namespace launchdeck {

// Declared only: the tab's users need no part of the Docker host worker's header.
class DockerHost;
struct DockerHostStatus;
enum class DockerConnectionState;
class DashboardsView;
class MetricsChart;
class MetricsPicker;
class PodMetricsSource;
class WorkspaceSession;
namespace kube {
class KubeCluster;
}

class MetricsTab final : public QWidget
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(MetricsTab)

public:
    // The store is not owned and must outlive the tab.
    explicit MetricsTab(MetricsStore* store, QWidget* parent = nullptr);
    ~MetricsTab() override;

    // Records the hosts' samples, events and containers into the store and shows their
    // connection state; the hosts are not owned. Replaces the hosts given before.
    void setHosts(const QList<DockerHost*>& hosts);
    // Reads the pods' metrics of the clusters' namespaces into the store while the charts show;
    // the clusters are not owned. Replaces the clusters given before.
    void setClusters(const QList<kube::KubeCluster*>& clusters);
    // Follows the connections of `session` (not owned) as they are made and replaced.
    void setSession(WorkspaceSession* session);
    void setHostStatus(const QString& host, const DockerHostStatus& status);

    static constexpr qint64 kWindows[] = {60'000, 300'000, 900'000, 3'600'000};
    void setWindowMs(qint64 window);
    qint64 windowMs() const { return m_windowMs; }

    // Paused, the time axis stays where it was; the store keeps recording.
    void setPaused(bool paused);
    bool isPaused() const { return m_paused; }

    // Off draws every sample; the benchmark's reference.
    void setDecimationEnabled(bool enabled) { m_decimate = enabled; }
    // Milliseconds since the epoch; the tests' and the benchmark's hook.
    void setClock(std::function<qint64()> clock);

    // Draws the window ending now (or where the pause left it).
    void redraw();

    // Adds a view after Containers and Dashboards, switched to by a button of the tab's bar.
    void addView(QWidget* view, const QString& title);
    void showView(QWidget* view);
    QWidget* currentView() const;
    QWidget* containersView() const { return m_containersView; }
    DashboardsView* dashboardsView() const { return m_dashboards; }

    // All three charts stacked into one image (Dashboards: its panels).
    bool exportPng(const QString& path);
    // The picked containers' samples of the window shown (Dashboards: its panels' series).
    bool exportCsv(const QString& path);

    MetricsPicker* picker() const { return m_picker; }
    PodMetricsSource* podMetrics() const { return m_pods; }
    MetricsChart* cpuChart() const { return m_cpu; }
    MetricsChart* memoryChart() const { return m_memory; }
    MetricsChart* networkChart() const { return m_network; }
    QComboBox* windowBox() const { return m_windowBox; }
    QPushButton* pauseButton() const { return m_pause; }
    // What the charts' connection overlay says; empty while every host is connected.
    QString overlayText() const;

    static constexpr int kRedrawIntervalMs = 1000;

private:
    struct HostState
    {
        DockerConnectionState state;
        int attempt = 0;
        qint64 retryAtMs = 0;
    };

    QList<MetricsChart*> charts() const { return {m_cpu, m_memory, m_network}; }
    qint64 now() const { return m_clock(); }
    qint64 windowEnd() const { return m_paused ? m_pausedAtMs : now(); }
    void onTick();
    void applyPicked();
    void updateOverlay();
    QColor colourFor(const MetricsKey& key);
    void chooseExportPng();
    void chooseExportCsv();
    void updateExports();

    MetricsStore* m_store;
    MetricsPicker* m_picker;
    MetricsChart* m_cpu;
    MetricsChart* m_memory;
    MetricsChart* m_network;
    QComboBox* m_windowBox;
    QPushButton* m_pause;
    QPushButton* m_exportPng;
    QPushButton* m_exportCsv;
    QList<QWidget*> m_chartControls; // shown with the chart views only
    QHBoxLayout* m_viewButtons;
    QButtonGroup* m_viewGroup;
    QStackedWidget* m_views;
    QWidget* m_containersView;
    DashboardsView* m_dashboards;
    QTimer* m_timer;
    std::function<qint64()> m_clock;
    qint64 m_windowMs = kWindows[1];
    bool m_paused = false;
    qint64 m_pausedAtMs = 0;
    bool m_decimate = true;
    QHash<MetricsKey, QColor> m_colours;
    QMap<QString, HostState> m_hosts;
    QString m_overlay;
    QList<QMetaObject::Connection> m_hostConnections;
    QMetaObject::Connection m_sessionConnection;
    PodMetricsSource* m_pods;
    QList<QMetaObject::Connection> m_clusterConnections;
    QMetaObject::Connection m_sessionClustersConnection;
};

} // namespace launchdeck
