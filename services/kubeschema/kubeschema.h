// Structural validation of Kubernetes objects against the schema generated at build time from
// the Kubernetes API types: unknown kinds and fields, wrong types, missing required fields, and
// APIs the cluster's release no longer or not yet serves.
#pragma once

#include "core/diagnostic.h"
#include "core/kubeobject.h"
#include "kubeschema/kubeapilifecycle.h"

#include <QString>
#include <QStringList>
#include <QStringView>

namespace launchdeck {

// Checks `object` against the schema of its apiVersion and kind. Findings:
//  unknown-kind  (high)  the apiVersion/kind pair is not a Kubernetes API resource
//  no-schema     (low)   a custom resource: its fields cannot be checked
//  unknown-field (high), wrong-type (high), missing-field (high), each at its node;
//  removed-api, api-not-yet-served (high) for what a release in `clusters` does not serve
//  (kubeapilifecycle.h). Fields are checked against the newest schema for every release.
void validateKubeStructure(const KubeObject& object, const QList<KubeCluster>& clusters,
                           Diagnostics& out);
// The same for a cluster of the newest release Launchdeck knows.
void validateKubeStructure(const KubeObject& object, Diagnostics& out);

// The Kubernetes release the schema describes, e.g. "1.30".
QString kubeSchemaVersion();

// True when `apiVersion` serves `kind` in the built-in API ("apps/v1", "Deployment").
bool isKnownKind(QStringView apiVersion, QStringView kind);
// The apiVersions that serve `kind` in the schema's release, sorted: "HorizontalPodAutoscaler"
// gives autoscaling/v1 and autoscaling/v2.
QStringList knownApiVersionsForKind(QStringView kind);
// Every built-in kind, sorted, without duplicates.
QStringList knownKinds();
// True when the group of `apiVersion` belongs to Kubernetes itself (the core group, groups
// without a dot such as apps or extensions, and the *.k8s.io groups the schema or the lifecycle
// table knows); false for
// custom resource groups such as argoproj.io.
bool isBuiltInApiGroup(QStringView apiVersion);
// The field names of the mapping at `fieldPath` below an object of the given kind, sorted; an
// empty path gives the top-level fields. List levels are passed through: {"spec", "template",
// "spec", "containers"} gives the fields of a container. Empty when the path leads nowhere.
QStringList kubeFieldNames(QStringView apiVersion, QStringView kind, const QStringList& fieldPath);

} // namespace launchdeck
