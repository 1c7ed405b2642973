// How the cluster view words a cluster's connection: "Connected to … Kubernetes v1.31.0",
// "Disconnected from …: reason. … retry 3 in 4 s", in a long form for the connection bar and a
// short one for the picker, and the colour of its dot.
#pragma once

#include <QCoreApplication>
#include <QDeadlineTimer>
#include <QIcon>
#include <QString>

namespace launchdeck {

namespace kube {
class KubeCluster;
}

class ClusterStatusText final
{
    Q_DECLARE_TR_FUNCTIONS(launchdeck::ClusterStatusText)

public:
    static QString text(const kube::KubeCluster& cluster, const QDeadlineTimer& nextAttempt,
                        bool withName);
    static QIcon icon(const kube::KubeCluster& cluster);
};

} // namespace launchdeck
