// The cluster view's words for a connection.
#include "clusterstatustext.h"

#include "kubernetes/kubecluster.h"
#include "statusdot.h"

#include <algorithm>

namespace launchdeck {

QString ClusterStatusText::text(const kube::KubeCluster& cluster, const QDeadlineTimer& nextAttempt,
                                bool withName)
{
    const kube::ClusterStatus& status = cluster.status();
    switch (status.state) {
    case kube::ClusterState::Connecting:
        return withName ? tr("Connecting to %1 (%2)…").arg(cluster.name(), cluster.server())
                        : tr("connecting…");
    case kube::ClusterState::Connected:
        return withName ? tr("Connected to %1 (%2): Kubernetes %3")
                              .arg(cluster.name(), cluster.server(), status.serverVersion)
                        : tr("Kubernetes %1").arg(status.serverVersion);
    case kube::ClusterState::Disconnected: {
        const qint64 seconds = std::max<qint64>(0, (nextAttempt.remainingTime() + 999) / 1000);
        const QString retry = tr("retry %1 in %2 s").arg(status.attempt + 1).arg(seconds);
        if (!withName)
            return tr("disconnected — %1").arg(retry);
        const QString error = status.error.isEmpty() ? QString() : u": " + status.error;
        return tr("Disconnected from %1 (%2)%3. Showing the last known state; %4.")
            .arg(cluster.name(), cluster.server(), error, retry);
    }
    }
    return {};
}

QIcon ClusterStatusText::icon(const kube::KubeCluster& cluster)
{
    QColor colour(0x9e, 0x9e, 0x9e);
    if (cluster.status().state == kube::ClusterState::Connected)
        colour = QColor(0x2e, 0x7d, 0x32);
    else if (cluster.status().state == kube::ClusterState::Disconnected)
        colour = QColor(0xc6, 0x28, 0x28);
    return statusDot(colour);
}

} // namespace launchdeck
