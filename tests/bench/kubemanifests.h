// Kubernetes manifests of the shapes real repositories hold (Deployments, Services, ConfigMaps,
// StatefulSets, Ingresses, CronJobs), numbered so that each is distinct, for the validation
// benchmarks.
#pragma once

#include <QByteArray>

namespace launchdeck::bench {

// The `i`th resource of a mix that cycles through the kinds above.
QByteArray kubeManifest(int i);
// A Service for the `i`th resource's pods, as an application's file often holds beside it.
QByteArray kubeService(int i);

} // namespace launchdeck::bench
