// The cluster view of the Infrastructure tab: a picker of the session's Kubernetes clusters with
// the connection state of the chosen one, its namespaces and kinds, a live table of the kind on
// screen (filtered by text and label selector), the selected object's details, its actions, and
// pod log tabs.
#pragma once

#include "clusteractions.h"

#include <QDeadlineTimer>
#include <QHash>
#include <QList>
#include <QPointer>
#include <QWidget>

class QAction;
class QComboBox;
class QLabel;
class QLineEdit;
class QListWidget;
class QPushButton;
class QTabWidget;
class QTableView;
class QTimer;
class QToolBar;

namespace launchdeck {

namespace kube {
class KubeCluster;
}

class BannerWidget;
class ClusterObjectDetails;
class LiveObjectsFilterModel;
class LiveObjectsModel;
class WorkspaceSession;

class ClusterPanel final : public QWidget
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ClusterPanel)

public:
    explicit ClusterPanel(QWidget* parent = nullptr);
    ~ClusterPanel() override;

    // Follows the session's clusters (not owned) and takes the Drift view's workspace from it.
    void setSession(WorkspaceSession* session);
    // Clusters owned elsewhere, without a session (no Drift, no "all contexts").
    void setClusters(const QList<kube::KubeCluster*>& clusters);
    QList<kube::KubeCluster*> clusters() const;

    void showCluster(kube::KubeCluster* cluster);
    kube::KubeCluster* currentCluster() const;
    // The kind on screen ("Pod") and the namespace ("" for all namespaces).
    void showKind(const QString& kind);
    QString currentKind() const;
    void showNamespace(const QString& nameSpace);
    QString currentNamespace() const;
    // Selects the row of `key` ("namespace/name"); false when it is not in the table.
    bool selectObject(const QString& key);

    // The connection line of the current cluster, e.g. "Disconnected … retry 3 in 4 s".
    QString connectionText() const;
    QString statusLineText() const;

    QComboBox* clusterPicker() const { return m_clusterPicker; }
    QPushButton* allContextsButton() const { return m_allContexts; }
    QPushButton* retryButton() const { return m_retry; }
    QLabel* warningLabel() const { return m_warning; }
    BannerWidget* banner() const { return m_banner; }
    QComboBox* namespacePicker() const { return m_namespaces; }
    QListWidget* kindList() const { return m_kinds; }
    QLineEdit* filterEdit() const { return m_filterEdit; }
    QLineEdit* selectorEdit() const { return m_selectorEdit; }
    QLabel* selectorError() const { return m_selectorError; }
    QTableView* view() const { return m_view; }
    LiveObjectsModel* model() const { return m_model; }
    LiveObjectsFilterModel* filterModel() const { return m_filter; }
    ClusterObjectDetails* details() const { return m_details; }
    QTabWidget* tabs() const { return m_tabs; }
    QAction* action(ClusterActions::Command command) const;
    QAction* logsAction() const { return m_logs; }

    // Opens (or brings forward) a closable tab following the pod's logs.
    void openLogs(const QString& nameSpace, const QString& pod);
    // The same for a pod, or for the pods of a workload merged in one tab.
    void openLogsOf(const kube::LiveObject& object);

Q_SIGNALS:
    // The table received the watch's whole set (after a change of kind, namespace or cluster,
    // or a reconnect).
    void objectsReset();
    void actionReported(const QString& text, bool failed);

protected:
    void showEvent(QShowEvent* event) override;
    void hideEvent(QHideEvent* event) override;

private:
    void buildLayout();
    void buildActions();
    void clearClusters();
    void connectCluster();
    void watchNow();
    void unwatch();
    void applyNamespaces();
    void updateConnectionBar();
    void updateClusterItem(int index);
    void updateActions();
    void updateDetails();
    void updateDriftContext();
    const kube::LiveObject* selectedObject() const;
    void report(const QString& text, bool failed);
    void openLogTab(const QString& nameSpace, const QStringList& pods, const QString& title);
    bool isNamespaced(const QString& kind) const;

    QPointer<WorkspaceSession> m_session;
    QList<QPointer<kube::KubeCluster>> m_clusters;
    QHash<const kube::KubeCluster*, QDeadlineTimer> m_nextAttempt;
    QList<QMetaObject::Connection> m_statusConnections;  // every cluster's statusChanged
    QList<QMetaObject::Connection> m_clusterConnections; // the current cluster's streams
    QPointer<kube::KubeCluster> m_current;
    quint64 m_objectsWatch = 0;
    bool m_fitColumns = false; // the next reset sizes the columns to what they hold
    quint64 m_namespacesWatch = 0;
    QStringList m_namespaceNames;
    QString m_wantedNamespace; // kept while the namespace list has not arrived
    struct LogsList
    {
        quint64 request = 0; // the list of a workload's pods whose logs were asked for
        QString nameSpace;
        QString owner;
    };
    LogsList m_logsList;

    QComboBox* m_clusterPicker;
    QPushButton* m_allContexts;
    QLabel* m_connectionIcon;
    QLabel* m_connectionText;
    QPushButton* m_retry;
    QLabel* m_warning;
    BannerWidget* m_banner;
    QComboBox* m_namespaces;
    QListWidget* m_kinds;
    QLineEdit* m_filterEdit;
    QLineEdit* m_selectorEdit;
    QLabel* m_selectorError;
    LiveObjectsModel* m_model;
    LiveObjectsFilterModel* m_filter;
    QTableView* m_view;
    QToolBar* m_toolBar;
    QList<QAction*> m_actions; // by ClusterActions::Command
    QAction* m_logs;
    ClusterActions* m_runner;
    ClusterObjectDetails* m_details;
    QTabWidget* m_tabs;
    QLabel* m_statusLine;
    QTimer* m_countdown;
};

} // namespace launchdeck
