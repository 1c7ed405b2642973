// MetricsTab::setClusters, in a file of its own like the Docker hosts' wiring, so programs that
// feed the tab themselves do not link the cluster worker.
#include "metricstab.h"

#include "kubernetes/kubecluster.h"
#include "podmetricssource.h"

#include <QPointer>

namespace launchdeck {

void MetricsTab::setClusters(const QList<kube::KubeCluster*>& clusters)
{
    for (const QMetaObject::Connection& connection : std::as_const(m_clusterConnections))
        disconnect(connection);
    m_clusterConnections.clear();
    QList<PodMetricsSource::Cluster> sources;
    for (kube::KubeCluster* cluster : clusters) {
        const QString name = cluster->name();
        PodMetricsSource* pods = m_pods;
        m_clusterConnections.append(
            connect(cluster, &kube::KubeCluster::podMetricsRead, pods,
                    [pods, name](quint64 request, const QList<kube::PodMetrics>& metrics,
                                 const QString& error) {
                        pods->applyAnswer(name, request, metrics, error);
                    }));
        // The session deletes a replaced cluster once its clustersChanged receivers return.
        const QPointer<kube::KubeCluster> guarded(cluster);
        sources.append({name, cluster->defaultNamespace(), [guarded](const QString& nameSpace) {
                            return guarded ? guarded->podMetrics(nameSpace) : quint64(0);
                        }});
    }
    m_pods->setClusters(sources);
}

} // namespace launchdeck
