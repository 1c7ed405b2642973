// MetricsTab::setHosts and setSession, kept in a file of its own so programs that feed the tab
// themselves (the tests, the benchmark) do not link the Docker host worker.
#include "metricstab.h"

#include "dashboardsview.h"
#include "docker/dockerhost.h"
#include "session/workspacesession.h"

namespace launchdeck {

void MetricsTab::setSession(WorkspaceSession* session)
{
    disconnect(m_sessionConnection);
    disconnect(m_sessionClustersConnection);
    setHosts(session ? session->dockerHosts() : QList<DockerHost*>());
    setClusters(session ? session->kubeClusters() : QList<kube::KubeCluster*>());
    m_dashboards->setSession(session);
    if (!session)
        return;
    m_sessionConnection =
        connect(session, &WorkspaceSession::hostsChanged, this, &MetricsTab::setHosts);
    m_sessionClustersConnection =
        connect(session, &WorkspaceSession::clustersChanged, this, &MetricsTab::setClusters);
}

void MetricsTab::setHosts(const QList<DockerHost*>& hosts)
{
    for (const QMetaObject::Connection& connection : std::as_const(m_hostConnections))
        disconnect(connection);
    m_hostConnections.clear();
    for (DockerHost* host : hosts) {
        const QString name = host->name();
        MetricsStore* store = m_store;
        m_hostConnections.append(connect(host, &DockerHost::statsSampled, store,
                                         [store, name](const QList<DockerStatsSample>& samples) {
                                             store->addSamples(name, samples);
                                         }));
        m_hostConnections.append(connect(
            host, &DockerHost::eventsReceived, store,
            [store, name](const QList<DockerEvent>& events) { store->addEvents(name, events); }));
        m_hostConnections.append(connect(host, &DockerHost::containersReset, store,
                                         [store, name](const QList<DockerContainer>& containers) {
                                             store->resetContainers(name, containers);
                                         }));
        m_hostConnections.append(connect(host, &DockerHost::containersChanged, store,
                                         [store, name](const QList<DockerContainer>& containers) {
                                             store->updateContainers(name, containers);
                                         }));
        m_hostConnections.append(
            connect(host, &DockerHost::containersRemoved, store,
                    [store, name](const QStringList& ids) { store->removeContainers(name, ids); }));
        m_hostConnections.append(
            connect(host, &DockerHost::statusChanged, this,
                    [this, name](const DockerHostStatus& status) { setHostStatus(name, status); }));
        setHostStatus(name, host->status());
    }
}

} // namespace launchdeck
