// The cluster view's wiring: one watch for the kind and namespace on screen and one for the
// namespaces, both on the chosen cluster and only while the view is visible; the cluster's
// signals feed the table on the GUI thread, and its rows grey out while it is unreachable.
#include "clusterpanel.h"

#include "bannerwidget.h"
#include "clusterobjectdetails.h"
#include "clusterstatustext.h"
#include "kubernetes/kubecluster.h"
#include "kubernetes/kubecolumns.h"
#include "liveobjectsfiltermodel.h"
#include "liveobjectsmodel.h"
#include "session/workspacesession.h"

#include <QAction>
#include <QComboBox>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QPushButton>
#include <QTabWidget>
#include <QTableView>
#include <QTimer>
#include <QToolBar>

#include <chrono>
#include <utility>

namespace launchdeck {

ClusterPanel::ClusterPanel(QWidget* parent)
    : QWidget(parent)
    , m_clusterPicker(new QComboBox(this))
    , m_allContexts(new QPushButton(tr("Show all &kubeconfig contexts"), this))
    , m_connectionIcon(new QLabel(this))
    , m_connectionText(new QLabel(this))
    , m_retry(new QPushButton(tr("Retry &now"), this))
    , m_warning(new QLabel(this))
    , m_banner(new BannerWidget(this))
    , m_namespaces(new QComboBox(this))
    , m_kinds(new QListWidget(this))
    , m_filterEdit(new QLineEdit(this))
    , m_selectorEdit(new QLineEdit(this))
    , m_selectorError(new QLabel(this))
    , m_model(new LiveObjectsModel(this))
    , m_filter(new LiveObjectsFilterModel(this))
    , m_view(new QTableView(this))
    , m_toolBar(new QToolBar(this))
    , m_runner(new ClusterActions(this))
    , m_details(new ClusterObjectDetails(this))
    , m_tabs(new QTabWidget(this))
    , m_statusLine(new QLabel(this))
    , m_countdown(new QTimer(this))
{
    using namespace std::chrono_literals;
    m_filter->setSourceModel(m_model);
    buildActions();
    buildLayout();

    connect(m_clusterPicker, &QComboBox::currentIndexChanged, this, [this](int index) {
        showCluster(index >= 0 && index < m_clusters.size() ? m_clusters.at(index).data()
                                                            : nullptr);
    });
    connect(m_allContexts, &QPushButton::clicked, this, [this] {
        if (m_session)
            m_session->addKubeconfigContexts();
    });
    connect(m_retry, &QPushButton::clicked, this, [this] {
        if (m_current)
            m_current->retryNow();
    });
    connect(m_kinds, &QListWidget::currentTextChanged, this, [this] {
        unwatch();
        watchNow();
    });
    connect(m_namespaces, &QComboBox::currentIndexChanged, this, [this] {
        m_wantedNamespace = currentNamespace();
        unwatch();
        watchNow();
    });
    connect(m_filterEdit, &QLineEdit::textChanged, m_filter, &LiveObjectsFilterModel::setText);
    connect(m_selectorEdit, &QLineEdit::textChanged, this, [this](const QString& text) {
        m_filter->setSelector(text);
        const QString error = m_filter->selectorError();
        m_selectorError->setText(error.isEmpty() ? QString() : tr("Selector: %1").arg(error));
        m_selectorError->setVisible(!error.isEmpty());
    });
    connect(m_view->selectionModel(), &QItemSelectionModel::currentRowChanged, this,
            &ClusterPanel::updateDetails);
    // A change under the selection (the watch, the answer to an action) shows in the details.
    connect(m_model, &QAbstractItemModel::dataChanged, this, &ClusterPanel::updateDetails);
    connect(m_model, &QAbstractItemModel::rowsRemoved, this, &ClusterPanel::updateDetails);
    connect(m_model, &QAbstractItemModel::modelReset, this, &ClusterPanel::updateDetails);
    connect(m_runner, &ClusterActions::started, this,
            [this](const QString& what) { report(tr("%1…").arg(what), false); });
    connect(m_runner, &ClusterActions::finished, this,
            [this](const QString& what, const QString& error) {
                if (error.isEmpty())
                    report(tr("%1: done.").arg(what), false);
                else
                    report(tr("%1 failed: %2").arg(what, error), true);
            });

    m_countdown->setInterval(1s);
    connect(m_countdown, &QTimer::timeout, this, [this] {
        bool waiting = false;
        for (int i = 0; i < m_clusters.size(); ++i) {
            if (m_clusters[i] &&
                m_clusters[i]->status().state == kube::ClusterState::Disconnected) {
                waiting = true;
                updateClusterItem(i);
            }
        }
        updateConnectionBar();
        if (!waiting)
            m_countdown->stop();
    });
    updateConnectionBar();
    updateActions();
}

ClusterPanel::~ClusterPanel()
{
    clearClusters();
}

QAction* ClusterPanel::action(ClusterActions::Command command) const
{
    return m_actions.value(static_cast<int>(command));
}

void ClusterPanel::setSession(WorkspaceSession* session)
{
    if (m_session)
        disconnect(m_session, nullptr, this, nullptr);
    m_session = session;
    m_allContexts->setVisible(session != nullptr);
    setClusters(session ? session->kubeClusters() : QList<kube::KubeCluster*>());
    if (!session)
        return;
    connect(session, &WorkspaceSession::clustersChanged, this, &ClusterPanel::setClusters);
    connect(session, &WorkspaceSession::workspaceChanged, this, &ClusterPanel::updateDriftContext);
    connect(session, &WorkspaceSession::workspaceLoaded, this, &ClusterPanel::updateDriftContext);
}

void ClusterPanel::setClusters(const QList<kube::KubeCluster*>& clusters)
{
    const QPointer<kube::KubeCluster> previous = m_current;
    clearClusters();
    const QSignalBlocker blocker(m_clusterPicker);
    for (kube::KubeCluster* cluster : clusters) {
        if (!cluster)
            continue;
        m_clusters.append(cluster);
        m_clusterPicker->addItem(cluster->name());
        m_nextAttempt.insert(cluster, QDeadlineTimer(cluster->status().retryInMs));
        m_statusConnections.append(
            connect(cluster, &kube::KubeCluster::statusChanged, this,
                    [this, cluster](const kube::ClusterStatus& status) {
                        m_nextAttempt.insert(cluster, QDeadlineTimer(status.retryInMs));
                        if (status.state == kube::ClusterState::Disconnected)
                            m_countdown->start();
                        updateClusterItem(int(m_clusters.indexOf(cluster)));
                        if (cluster == m_current) {
                            m_model->setStale(status.state == kube::ClusterState::Disconnected);
                            updateConnectionBar();
                            updateActions();
                        }
                    }));
        m_statusConnections.append(connect(cluster, &QObject::destroyed, this, [this, cluster] {
            const int index = int(m_clusters.indexOf(cluster));
            if (cluster == m_current.data() || !m_current)
                showCluster(nullptr);
            if (index >= 0) {
                m_clusters.removeAt(index);
                m_clusterPicker->removeItem(index);
            }
        }));
        updateClusterItem(int(m_clusters.size() - 1));
        if (cluster->status().state == kube::ClusterState::Disconnected)
            m_countdown->start();
    }
    // The same cluster stays chosen across a reload of the workspace.
    int index = previous ? int(m_clusters.indexOf(previous)) : -1;
    if (index < 0 && !m_clusters.isEmpty())
        index = 0;
    m_clusterPicker->setCurrentIndex(index);
    showCluster(index >= 0 ? m_clusters.at(index).data() : nullptr);
}

QList<kube::KubeCluster*> ClusterPanel::clusters() const
{
    QList<kube::KubeCluster*> out;
    for (const auto& cluster : m_clusters)
        if (cluster)
            out.append(cluster);
    return out;
}

void ClusterPanel::clearClusters()
{
    showCluster(nullptr);
    for (const QMetaObject::Connection& connection : std::as_const(m_statusConnections))
        disconnect(connection);
    m_statusConnections.clear();
    m_clusters.clear();
    m_nextAttempt.clear();
    const QSignalBlocker blocker(m_clusterPicker);
    m_clusterPicker->clear();
}

void ClusterPanel::showCluster(kube::KubeCluster* cluster)
{
    // Null always clears: the cluster shown may just have been destroyed.
    if (cluster && cluster == m_current)
        return;
    unwatch();
    if (m_current && m_namespacesWatch)
        m_current->unwatch(m_namespacesWatch);
    m_namespacesWatch = 0;
    for (const QMetaObject::Connection& connection : std::as_const(m_clusterConnections))
        disconnect(connection);
    m_clusterConnections.clear();
    // Log tabs follow the cluster they were opened on.
    while (m_tabs->count() > 1) {
        QWidget* page = m_tabs->widget(1);
        m_tabs->removeTab(1);
        delete page;
    }
    m_current = cluster;
    m_logsList = {};
    m_runner->setCluster(cluster);
    m_model->setKind(currentKind(), false);
    m_model->setStale(false);
    m_namespaceNames.clear();
    m_wantedNamespace = cluster ? cluster->defaultNamespace() : QString();
    applyNamespaces();
    updateDriftContext();
    if (const int index = int(m_clusters.indexOf(cluster)); index >= 0) {
        const QSignalBlocker blocker(m_clusterPicker);
        m_clusterPicker->setCurrentIndex(index);
    }
    if (cluster) {
        connectCluster();
        m_model->setStale(cluster->status().state == kube::ClusterState::Disconnected);
        watchNow();
    }
    m_statusLine->clear();
    updateConnectionBar();
    updateActions();
}

kube::KubeCluster* ClusterPanel::currentCluster() const
{
    return m_current;
}

void ClusterPanel::connectCluster()
{
    kube::KubeCluster* cluster = m_current;
    auto& c = m_clusterConnections;
    c.append(connect(cluster, &kube::KubeCluster::objectsReset, this,
                     [this](quint64 watch, const QList<kube::LiveObject>& objects) {
                         if (watch == m_objectsWatch) {
                             m_model->reset(objects);
                             // Another kind has other columns: fit them to the first rows once,
                             // after which a width the user set stays.
                             if (std::exchange(m_fitColumns, false))
                                 m_view->resizeColumnsToContents();
                             Q_EMIT objectsReset();
                         } else if (watch == m_namespacesWatch) {
                             m_namespaceNames.clear();
                             for (const kube::LiveObject& object : objects)
                                 m_namespaceNames.append(object.name);
                             applyNamespaces();
                         }
                     }));
    c.append(connect(cluster, &kube::KubeCluster::objectsChanged, this,
                     [this](quint64 watch, const QList<kube::LiveChange>& changes) {
                         if (watch == m_objectsWatch) {
                             m_model->apply(changes);
                             return;
                         }
                         if (watch != m_namespacesWatch)
                             return;
                         for (const kube::LiveChange& change : changes) {
                             m_namespaceNames.removeAll(change.object.name);
                             if (change.type != kube::LiveChange::Type::Deleted)
                                 m_namespaceNames.append(change.object.name);
                         }
                         applyNamespaces();
                     }));
    c.append(connect(
        cluster, &kube::KubeCluster::listed, this,
        [this](quint64 request, const QList<kube::LiveObject>& pods, const QString& error) {
            if (request != m_logsList.request)
                return;
            const LogsList asked = std::exchange(m_logsList, {});
            QStringList names;
            for (const kube::LiveObject& pod : pods)
                names.append(pod.name);
            if (!error.isEmpty())
                m_banner->showMessage(tr("Cannot list the pods of %1: %2").arg(asked.owner, error));
            else if (names.isEmpty())
                m_banner->showMessage(tr("%1 has no pods.").arg(asked.owner),
                                      BannerWidget::Kind::Information);
            else
                openLogTab(asked.nameSpace, names, asked.owner);
        }));
    c.append(connect(cluster, &kube::KubeCluster::watchFailed, this,
                     [this](quint64 watch, const QString& error) {
                         if (watch == m_objectsWatch)
                             m_banner->showMessage(
                                 tr("Cannot show %1: %2").arg(currentKind(), error));
                         else if (watch == m_namespacesWatch)
                             m_banner->showMessage(tr("Cannot list namespaces: %1").arg(error),
                                                   BannerWidget::Kind::Warning);
                     }));
}

bool ClusterPanel::isNamespaced(const QString& kind) const
{
    if (m_current) {
        if (const kube::ResourceInfo* info = m_current->discovery().find(kind))
            return info->namespaced;
    }
    return kind != u"Node" && kind != u"Namespace";
}

void ClusterPanel::watchNow()
{
    if (!m_current || !isVisible())
        return;
    if (!m_namespacesWatch)
        m_namespacesWatch = m_current->watch(QStringLiteral("Namespace"), {});
    if (m_objectsWatch)
        return;
    const QString kind = currentKind();
    const bool namespaced = isNamespaced(kind);
    const QString nameSpace = namespaced ? currentNamespace() : QString();
    m_namespaces->setEnabled(namespaced);
    m_model->setKind(kind, namespaced && nameSpace.isEmpty());
    m_objectsWatch = m_current->watch(kind, nameSpace);
    m_fitColumns = true;
}

void ClusterPanel::unwatch()
{
    if (m_current && m_objectsWatch)
        m_current->unwatch(m_objectsWatch);
    m_objectsWatch = 0;
}

void ClusterPanel::showEvent(QShowEvent* event)
{
    QWidget::showEvent(event);
    watchNow();
}

void ClusterPanel::hideEvent(QHideEvent* event)
{
    QWidget::hideEvent(event);
    // Only what is on screen is watched; the table keeps its rows until the next reset.
    unwatch();
    if (m_current && m_namespacesWatch)
        m_current->unwatch(m_namespacesWatch);
    m_namespacesWatch = 0;
}

void ClusterPanel::applyNamespaces()
{
    QStringList names = m_namespaceNames;
    if (!m_wantedNamespace.isEmpty() && !names.contains(m_wantedNamespace))
        names.append(m_wantedNamespace); // until the list arrives, or when it may not be listed
    names.sort();
    const QSignalBlocker blocker(m_namespaces);
    m_namespaces->clear();
    m_namespaces->addItem(tr("All namespaces"), QString());
    for (const QString& name : std::as_const(names))
        m_namespaces->addItem(name, name);
    m_namespaces->setCurrentIndex(std::max(0, m_namespaces->findData(m_wantedNamespace)));
}

void ClusterPanel::showKind(const QString& kind)
{
    const auto found = m_kinds->findItems(kind, Qt::MatchExactly);
    if (!found.isEmpty())
        m_kinds->setCurrentItem(found.first());
}

QString ClusterPanel::currentKind() const
{
    return m_kinds->currentItem() ? m_kinds->currentItem()->text() : kube::viewedKinds().first();
}

void ClusterPanel::showNamespace(const QString& nameSpace)
{
    m_wantedNamespace = nameSpace;
    const int index = m_namespaces->findData(nameSpace);
    if (index >= 0) {
        m_namespaces->setCurrentIndex(index);
        return;
    }
    applyNamespaces();
    unwatch();
    watchNow();
}

QString ClusterPanel::currentNamespace() const
{
    return m_namespaces->currentData().toString();
}

bool ClusterPanel::selectObject(const QString& key)
{
    const int row = m_model->rowOf(key);
    const QModelIndex index = m_filter->mapFromSource(m_model->index(row, 0));
    if (row < 0 || !index.isValid())
        return false;
    m_view->setCurrentIndex(index);
    m_view->selectRow(index.row());
    return true;
}

const kube::LiveObject* ClusterPanel::selectedObject() const
{
    const QModelIndex current = m_view->currentIndex();
    if (!current.isValid())
        return nullptr;
    return m_model->object(m_filter->mapToSource(current).row());
}

void ClusterPanel::updateDetails()
{
    m_details->showObject(selectedObject());
    updateActions();
}

void ClusterPanel::updateActions()
{
    const kube::LiveObject* object = selectedObject();
    const bool connected = m_current && m_current->status().state == kube::ClusterState::Connected;
    for (int i = 0; i < m_actions.size(); ++i) {
        m_actions[i]->setEnabled(
            connected && object &&
            ClusterActions::applies(static_cast<ClusterActions::Command>(i), object->kind));
    }
    m_logs->setEnabled(m_current && object &&
                       (object->kind == u"Pod" ||
                        ClusterActions::applies(ClusterActions::Command::Restart, object->kind)));
}

void ClusterPanel::updateDriftContext()
{
    DriftContext context;
    if (m_session && m_current && m_session->workspace()) {
        const Workspace& workspace = *m_session->workspace();
        context.templateFiles = workspace.templateFiles;
        context.manifestFiles = workspace.manifestFiles;
        for (const Environment& environment : workspace.environments) {
            if (m_session->kubeCluster(environment.target) != m_current)
                continue;
            const Target* target = workspace.target(environment.target);
            const QString nameSpace = target && !target->nameSpace.isEmpty()
                                          ? target->nameSpace
                                          : m_current->defaultNamespace();
            context.environments.append({environment.name, nameSpace});
        }
    }
    m_details->setCluster(m_current, context);
    updateDetails();
}

void ClusterPanel::updateClusterItem(int index)
{
    if (index < 0 || index >= m_clusters.size() || !m_clusters[index])
        return;
    const kube::KubeCluster& cluster = *m_clusters[index];
    const QDeadlineTimer next = m_nextAttempt.value(&cluster);
    m_clusterPicker->setItemText(index, cluster.name() + u" — " +
                                            ClusterStatusText::text(cluster, next, false));
    m_clusterPicker->setItemIcon(index, ClusterStatusText::icon(cluster));
    m_clusterPicker->setItemData(index, ClusterStatusText::text(cluster, next, true),
                                 Qt::ToolTipRole);
}

void ClusterPanel::updateConnectionBar()
{
    if (!m_current) {
        // A Kubernetes target whose cluster could not be made says what is missing.
        QStringList problems;
        if (m_session && m_session->workspace()) {
            for (const Target& target : m_session->workspace()->targets) {
                const QString problem = target.type == Target::Type::Kubernetes
                                            ? m_session->clusterProblem(target.name)
                                            : QString();
                if (!problem.isEmpty())
                    problems.append(problem);
            }
        }
        m_connectionText->setText(
            !m_clusters.isEmpty() ? tr("Choose a cluster.")
            : problems.isEmpty()  ? tr("No Kubernetes cluster: the workspace's targets name none.")
                                  : problems.join(u'\n'));
        m_connectionIcon->clear();
        m_retry->hide();
        m_warning->hide();
        return;
    }
    const kube::ClusterStatus& status = m_current->status();
    m_connectionText->setText(
        ClusterStatusText::text(*m_current, m_nextAttempt.value(m_current), true));
    const int size = style()->pixelMetric(QStyle::PM_SmallIconSize, nullptr, this);
    m_connectionIcon->setPixmap(ClusterStatusText::icon(*m_current).pixmap(size, size));
    m_retry->setVisible(status.state == kube::ClusterState::Disconnected);
    m_warning->setText(tr("⚠ %1").arg(status.warning));
    m_warning->setVisible(!status.warning.isEmpty());
}

QString ClusterPanel::connectionText() const
{
    return m_connectionText->text();
}

QString ClusterPanel::statusLineText() const
{
    return m_statusLine->text();
}

void ClusterPanel::report(const QString& text, bool failed)
{
    m_statusLine->setText(text);
    m_statusLine->setStyleSheet(failed ? QStringLiteral("color: #b00020;") : QString());
    Q_EMIT actionReported(text, failed);
}

} // namespace launchdeck
