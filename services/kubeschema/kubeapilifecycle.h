// Which Kubernetes releases serve which built-in APIs: the lifecycle table generated from
// apilifecycle.txt, and the findings for an object a cluster no longer or not yet serves.
#pragma once

#include "core/diagnostic.h"
#include "core/kubeobject.h"
#include "core/kubeversion.h"

#include <QList>
#include <QString>
#include <QStringView>

#include <optional>
#include <string_view>

namespace launchdeck {

// The release the schema describes (1.30), which is also the one assumed when none is named.
KubeVersion newestKubeVersion();
KubeCluster assumedKubeCluster();

struct KubeApiLifecycle
{
    std::optional<KubeVersion> since;     // none: served before 1.16
    std::optional<KubeVersion> removedIn; // none: still served
    QString useInstead;                   // what the migration guide says to move to
};

// The lifecycle of a built-in API; a List kind (DeploymentList) follows its item kind. Nothing
// for kinds the table does not know (custom resources, alpha APIs that came and went).
std::optional<KubeApiLifecycle> kubeApiLifecycle(QStringView apiVersion, QStringView kind);
// True when the table knows the group of `apiVersion` (apiregistration.k8s.io, extensions).
bool isLifecycleApiGroup(QStringView apiVersion);

namespace kubeschema {

// Reports what the clusters do not serve of `object`, whose apiVersion and kind are the scalar
// nodes given (looked up once by the caller), at its apiVersion:
//  removed-api        (high)  a cluster's release no longer serves it
//  api-not-yet-served (high)  a cluster's release does not serve it yet
// Returns false when the table does not know the API, true otherwise; `removed` tells whether
// some cluster no longer serves it.
// `row` is the object's row of data::kLifecycles when the caller knows it (from its resource),
// or -2 to look it up.
bool checkApiLifecycle(const KubeObject& object, const YAML::Node& apiVersionNode,
                       const YAML::Node& kindNode, int row, const QList<KubeCluster>& clusters,
                       Diagnostics& out, bool& removed);
// True when some row of the table is of `group` ("extensions", "" for the core group).
bool isLifecycleGroup(std::string_view group);

} // namespace kubeschema

} // namespace launchdeck
