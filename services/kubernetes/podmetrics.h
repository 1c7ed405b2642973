// metrics.k8s.io (metrics-server): PodMetrics of a namespace, with CPU in cores and memory in
// bytes decoded from Kubernetes quantities, and the window they were measured over.
#pragma once

#include <QDateTime>
#include <QList>
#include <QMetaType>
#include <QString>

#include <atomic>
#include <optional>

namespace launchdeck::kube {

class KubeClient;

struct ContainerUsage
{
    QString name;
    double cpuCores = 0;    // "250m" -> 0.25, "12345n" -> 0.000012345
    double memoryBytes = 0; // "64Mi" -> 67108864
};

struct PodMetrics
{
    QString nameSpace;
    QString pod;
    QDateTime timestamp;
    double windowSeconds = 0; // "30s"
    QList<ContainerUsage> containers;
};

// A Kubernetes quantity ("250m", "1.5", "12345n", "64Mi", "1G", "1e3") as a number; none when
// it is not one.
std::optional<double> parseQuantity(QStringView text);

struct PodMetricsAnswer
{
    QList<PodMetrics> pods;
    QString error;
    bool notServed = false; // the cluster has no metrics API (no metrics-server)
};
// GET /apis/metrics.k8s.io/v1beta1/[namespaces/NS/]pods. Blocking.
PodMetricsAnswer readPodMetrics(KubeClient& client, const QString& nameSpace,
                                const std::atomic_bool* cancel = nullptr);

// Whether `error` is (or quotes) the message of a not-served answer: KubeCluster's
// podMetricsRead carries the message alone, and a missing API is shown unlike a failure.
bool isMetricsNotServed(QStringView error);

} // namespace launchdeck::kube

Q_DECLARE_METATYPE(launchdeck::kube::PodMetrics)
