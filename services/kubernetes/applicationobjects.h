// The Kubernetes objects Launchdeck makes for an application declared only in launchdeck.yaml:
// an apps/v1 Deployment and, when the application declares ports, a v1 ClusterIP Service, drawn
// from the workspace the way the Docker path draws its containers.
#pragma once

#include "core/result.h"
#include "workspace/workspace.h"

#include <QJsonObject>
#include <QList>
#include <QString>
#include <QStringList>

#include <optional>

namespace launchdeck::kube {

// Label and annotation keys on every object made here.
namespace appkeys {
inline constexpr char16_t kName[] = u"app.kubernetes.io/name";
inline constexpr char16_t kManagedBy[] = u"app.kubernetes.io/managed-by";
inline constexpr char16_t kEnvironment[] = u"launchdeck.dev/environment";
inline constexpr char16_t kRevision[] = u"launchdeck.dev/revision";
} // namespace appkeys

struct ApplicationObjects
{
    QJsonObject deployment;
    std::optional<QJsonObject> service; // none when the application declares no ports
    // The application's other objects from its template or manifests (ConfigMaps, claims,
    // policies, …): applied as they are, before its Deployments.
    QList<QJsonObject> companions;
    // Where they come from: "launchdeck.yaml:12", a manifest file, a template rendered for the
    // environment.
    QString source;
    bool generated = false; // made from launchdeck.yaml, which then describes them whole
    // The Secret Launchdeck makes from the keyring or the environment for the containers to
    // read, and its keys; empty when the objects read no Secret of Launchdeck's.
    QString secretName;
    QStringList secretKeys;

    // A v1 List of the objects, as `kubectl apply -f -` takes it.
    QJsonObject list() const;
};

// The Deployment's spec.strategy for `type` as launchdeck.yaml's `strategy` sets it: Recreate,
// or RollingUpdate with max_surge and max_unavailable; none for blue-green and canary, which
// Launchdeck drives. Fails when a rolling strategy allows neither a surge nor an unavailable pod.
Result<std::optional<QJsonObject>> deploymentStrategy(const Strategy& strategy,
                                                      Strategy::Type type);

// The name of the Secret whose keys (one per name under the application's `secrets:`) the
// containers read: "<application>-secrets". Launchdeck creates it separately.
QString applicationSecretName(const QString& application);

// The objects of `application` in `environment` running `image` ("repository:tag" or
// "repository@sha256:…") at Launchdeck's `revision` (1 or more). Fails naming what is missing or
// wrong and where (launchdeck.yaml:line): an unknown application or environment, an environment
// not on a Kubernetes target, no image, a port or name Kubernetes would refuse, an HTTP health
// check with no port to ask.
Result<ApplicationObjects> applicationObjects(const Workspace& workspace,
                                              const QString& application,
                                              const QString& environment, const QString& image,
                                              int revision);

} // namespace launchdeck::kube
