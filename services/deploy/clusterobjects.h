// The shape of an application on a cluster: which Deployments a strategy runs (one per track),
// their names, labels and selectors, the active and preview Services, the canary Ingress, and
// the objects a revision records so that it can be applied again exactly.
#pragma once

#include "core/result.h"
#include "kubernetes/applicationobjects.h"
#include "workspace/workspace.h"

#include <QJsonObject>
#include <QString>

#include <optional>

namespace launchdeck::deploy::cluster {

// The label telling a pair's Deployments apart, on the Deployment, its selector and its pods.
inline constexpr char16_t kTrack[] = u"launchdeck.dev/track";
// Tracks: recreate, rolling and canary's stable revision run as "stable", canary's new one as
// "canary", blue-green's as "blue" and "green", a candidate under test as "candidate".
inline constexpr char16_t kStable[] = u"stable";
inline constexpr char16_t kCanary[] = u"canary";
inline constexpr char16_t kBlue[] = u"blue";
inline constexpr char16_t kGreen[] = u"green";
inline constexpr char16_t kCandidate[] = u"candidate";

// "web" (stable), "web-canary", "web-blue", "web-green", "web-candidate".
QString workloadName(const QString& application, const QString& track);
// "web-preview": the Service the tests reach the candidate (or blue-green's idle colour) by.
QString previewServiceName(const QString& application);
// "blue" <-> "green".
QString otherColour(const QString& colour);

// The revision's Deployment as it runs under `track`: named workloadName(), the track added to
// its labels, selector and pod labels, `replicas` replicas, the change cause
// "launchdeck revision N (image)" in kubernetes.io/change-cause (what `kubectl rollout history`
// shows). Strategy fields stay as generated.
QJsonObject trackDeployment(const kube::ApplicationObjects& objects, const QString& track,
                            int replicas, int revision, const QString& image);

// The application's Service selecting the pair's pods; with `track`, only that track's
// (blue-green's active colour, or canary's stable pods when an Ingress splits the traffic). None
// when the application declares no ports.
std::optional<QJsonObject> activeService(const kube::ApplicationObjects& objects,
                                         const std::optional<QString>& track);
// The preview Service "<app>-preview" selecting `track`'s pods only.
std::optional<QJsonObject> previewService(const kube::ApplicationObjects& objects,
                                          const QString& track);
// The canary Service "<app>-canary" selecting the canary track, for the canary Ingress.
std::optional<QJsonObject> canaryService(const kube::ApplicationObjects& objects);

// The ingress-nginx canary twin "<ingress>-canary" of `ingress` (the environment's Ingress as
// the server has it): the same rules with every backend that names the application's Service
// sent to "<app>-canary", annotations nginx.ingress.kubernetes.io/canary "true" and
// canary-weight `weight` (0–100). Fails when no rule of `ingress` reaches the application's
// Service, naming the Ingress.
Result<QJsonObject> canaryIngress(const QJsonObject& ingress, const QString& application,
                                  const QString& serviceName, int weight);

// Replica counts approximating a canary weight: the canary gets round(weight × replicas /
// 100), at least 1 when weight > 0, and the stable the rest (at least 1 while weight < 100).
// `effectiveWeight` is what that split gives (canary ÷ total × 100).
struct WeightSplit
{
    int stable = 0;
    int canary = 0;
    double effectiveWeight = 0;
};
WeightSplit splitReplicas(int replicas, int weight);

// The key of the ledger's revision config that holds the objects a cluster revision applied.
inline constexpr char16_t kRecordedObjects[] = u"kubernetes";

} // namespace launchdeck::deploy::cluster
