// The shape of an application on a cluster: which Deployments a strategy runs (one per track),
// their names, labels and selectors, the active and preview Services, the canary Ingress, and
// the objects a revision records so that it can be applied again exactly.
#pragma once

#include "core/result.h"
#include "kubernetes/applicationobjects.h"
#include "workspace/workspace.h"

#include <QJsonArray>
#include <QJsonObject>
#include <QString>
#include <QStringList>

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

// Whether `track` is one of blue-green's colours.
bool isColour(const QString& track);

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

// Whether an object of a revision's recorded List is one a deployment shapes for the pair (a
// Deployment, the application's Service, its preview and canary Services) rather than one of
// the application's companions applied as they are.
bool isPairObject(const QJsonObject& object, const QString& application);

// The fields that differ between the objects two revisions apply (recorded Lists' items), one
// line each as the Deploy dialog shows a diff: "- Deployment/web
// spec.template.spec.containers[web].image: a:1" then "+ … a:2"; an object only the new one has
// as "+ Kind/name", one it no longer has as "- Kind/name (left on the cluster)". The
// application's Deployment is compared whatever its track (blue-green's colours), without its
// track labels; Launchdeck's own bookkeeping (the revision annotations, the change cause) is
// left out; list items with a name are matched by it.
QStringList objectsDiff(const QJsonArray& from, const QJsonArray& to, const QString& application);

// The key of the ledger's revision config that holds the objects a cluster revision applied.
inline constexpr char16_t kRecordedObjects[] = u"kubernetes";

} // namespace launchdeck::deploy::cluster
