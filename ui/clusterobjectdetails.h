// The details of the object selected in the cluster view: its YAML as the API server holds it
// (managedFields folded away unless asked for), its Events, its Drift from what the workspace
// would apply, and for a Secret its keys, each value masked until revealed on request.
#pragma once

#include "clusterdrift.h"
#include "kubernetes/liveobject.h"

#include <QPointer>
#include <QSet>
#include <QWidget>

class QCheckBox;
class QComboBox;
class QLabel;
class QPlainTextEdit;
class QPushButton;
class QTabWidget;
class QTableWidget;
class QTreeWidget;

namespace launchdeck {

namespace kube {
class KubeCluster;
}

// What the Drift view compares against: the workspace's files and the environments on the
// cluster. Empty: no workspace, or none of its environments is on this cluster.
struct DriftContext
{
    QStringList templateFiles;
    QStringList manifestFiles;
    QList<DriftEnvironment> environments;
};

class ClusterObjectDetails final : public QWidget
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ClusterObjectDetails)

public:
    enum class Page { Yaml, Events, Drift, Data };

    explicit ClusterObjectDetails(QWidget* parent = nullptr);

    void setCluster(kube::KubeCluster* cluster, const DriftContext& drift);
    // Shows `object`, or nothing. The same object again (a newer version from the watch)
    // keeps the page, the scroll position and what was revealed when its values did not change.
    void showObject(const kube::LiveObject* object);
    QString objectKey() const { return m_object.kind + u'/' + m_object.key(); }

    void showPage(Page page);
    QString yamlText() const;
    QCheckBox* managedFieldsToggle() const { return m_managedFields; }
    QTreeWidget* eventsView() const { return m_events; }
    QLabel* eventsStatus() const { return m_eventsStatus; }
    QLabel* driftStatus() const { return m_driftStatus; }
    QString driftText() const;
    QTableWidget* secretTable() const { return m_secret; }
    QTabWidget* tabs() const { return m_tabs; }

    // The Secret's key shown in clear, or masked again.
    void setRevealed(const QString& key, bool revealed);

Q_SIGNALS:
    void eventsListed(int count);
    void driftComputed();

private:
    void updateYaml();
    void listEvents();
    void computeDrift();
    void showDrift(const DriftResult& result);
    void updateSecret();
    void showSecretRow(int row);

    QPointer<kube::KubeCluster> m_cluster;
    DriftContext m_drift;
    kube::LiveObject m_object;
    bool m_hasObject = false;

    QTabWidget* m_tabs;
    QPlainTextEdit* m_yaml;
    QCheckBox* m_managedFields;
    QTreeWidget* m_events;
    QLabel* m_eventsStatus;
    QPushButton* m_refreshEvents;
    QComboBox* m_environment;
    QLabel* m_driftStatus;
    QPlainTextEdit* m_diff;
    QWidget* m_dataPage;
    QTableWidget* m_secret;

    QMetaObject::Connection m_listedConnection;
    quint64 m_eventsRequest = 0;
    quint64 m_driftGeneration = 0;
    bool m_driftStale = true; // computed when the Drift page is shown
    QSet<QString> m_revealed;
};

} // namespace launchdeck
