// What a deployment asks of an API server beyond reading and watching: server-side apply with
// Launchdeck's field manager (conflicts named by the manager that owns the field), dry runs,
// SelfSubjectAccessReview, the namespace's ResourceQuota against what a rollout adds, the
// application's Secret, a Deployment's revision history and `kubectl rollout undo`, and a
// rollout followed until kubectl's verdict. All blocking, on a KubeClient of the caller's thread.
#pragma once

#include "core/result.h"
#include "kubernetes/kubeclient.h"
#include "kubernetes/rolloutstatus.h"

#include <QDateTime>
#include <QJsonObject>
#include <QList>
#include <QMap>
#include <QString>
#include <QStringList>

#include <atomic>
#include <chrono>
#include <functional>
#include <optional>

namespace launchdeck::kube {

inline constexpr char16_t kFieldManager[] = u"launchdeck";

// The REST path of an object of the kinds a deployment applies (Deployment, ReplicaSet,
// Service, Secret, ConfigMap, Ingress, ServiceAccount, Pod, HorizontalPodAutoscaler, …, by
// apiVersion and kind), in `nameSpace` unless the object names its own. Fails naming the kind
// it does not know and the object.
Result<QString> objectPath(const QJsonObject& object, const QString& nameSpace);
// The resource of a kind in REST paths and access reviews ("ingresses", "networkpolicies").
QString resourceOfKind(const QString& kind);

struct ApplyOptions
{
    bool dryRun = false; // ?dryRun=All: admitted and defaulted, nothing kept
    bool force = false;  // take fields other managers own (?force=true)
    QString fieldManager = QString::fromUtf16(kFieldManager);
};

// One field another manager owns that the apply would change.
struct ApplyConflict
{
    QString manager; // "kubectl-client-side-apply", "kubectl-edit", "hpa-controller", …
    QString field;   // ".spec.replicas"
};

struct ApplyResult
{
    QJsonObject object;             // the object as the server now has it (or would, dry run)
    QList<ApplyConflict> conflicts; // set when the server answered 409 Conflict for fields
    QString error;                  // empty on success: otherwise the server's words
    long httpStatus = 0;
    bool ok() const { return error.isEmpty(); }
};

// PATCH application/apply-patch+yaml of `object` (JSON is YAML) with ?fieldManager=…
// [&force=true][&dryRun=All]. A 409 Conflict fills `conflicts` from the Status's causes
// (`conflict with "kubectl-edit" using apps/v1: .spec.replicas`) and says in `error`:
// "Deployment web: .spec.replicas is owned by kubectl-edit (apply with force to take it)".
// Admission and schema refusals (422 Invalid) name the object and each field the server named.
ApplyResult serverSideApply(KubeClient& client, const QJsonObject& object, const QString& nameSpace,
                            const ApplyOptions& options = {});

// One permission a deployment needs: `kubectl auth can-i VERB RESOURCE[/SUBRESOURCE]`.
struct AccessCheck
{
    QString verb;        // "get", "list", "watch", "create", "patch", "update", "delete"
    QString group;       // "" (core) or "apps", "networking.k8s.io"
    QString resource;    // "deployments"
    QString subresource; // "scale", "status", "proxy"; usually empty
    QString nameSpace;
    QString name; // usually empty
    // "patch deployments.apps in namespace storefront"
    QString describe() const;
};

// Asks the server with SelfSubjectAccessReviews, one per check; returns the checks denied, each
// as "cannot patch deployments.apps in namespace storefront" plus the server's reason when it
// gave one. Fails when the reviews themselves cannot be made (unreachable, the API refused).
Result<QStringList> deniedAccess(KubeClient& client, const QList<AccessCheck>& checks);

// What a rollout adds to a namespace at most while it runs.
struct ResourceAsk
{
    int pods = 0;
    qint64 cpuMilli = 0;    // requests.cpu and limits.cpu of those pods together
    qint64 memoryBytes = 0; // requests.memory and limits.memory together
};

// The namespace's ResourceQuotas (hard minus used, per resource they limit: pods,
// requests.cpu, limits.cpu, cpu, requests.memory, limits.memory, memory) against `ask`; one
// line per resource that would exceed: "quota compute: requests.cpu needs 1500m, 500m of 2
// left". Empty when everything fits or the namespace has no quota.
Result<QStringList> quotaShortfalls(KubeClient& client, const QString& nameSpace,
                                    const ResourceAsk& ask);

// Creates or updates the Opaque Secret `name` with `values` (server-side apply, stringData is
// not used: values are base64 in data). The values never appear in an error or a log line.
Result<bool> applySecret(KubeClient& client, const QString& nameSpace, const QString& name,
                         const QMap<QString, QString>& values, const QJsonObject& labels);

// One revision of a Deployment as `kubectl rollout history` lists it: its ReplicaSets.
struct RolloutRevision
{
    qint64 revision = 0; // deployment.kubernetes.io/revision of the ReplicaSet
    QString replicaSet;
    QString changeCause;     // kubernetes.io/change-cause, when set
    QJsonObject podTemplate; // the ReplicaSet's template (pod-template-hash label included)
    QDateTime created;
};

// The Deployment's revisions, oldest first (ReplicaSets it controls, by ownerReference uid).
Result<QList<RolloutRevision>> rolloutHistory(KubeClient& client, const QString& nameSpace,
                                              const QString& deployment);

// `kubectl rollout undo deployment/NAME [--to-revision=N]` (0: the previous revision): the
// Deployment's template is replaced with that revision's (its pod-template-hash label
// dropped) and the revision's annotations copied as kubectl copies them, in one JSON patch
// guarded by the Deployment's resourceVersion. Returns the revision rolled back to. Fails as
// kubectl does: "unable to find specified revision 7 in history", "no rollout history found",
// "skipped rollback (current template already matches revision 3)" (the latter with
// `*alreadyThere` set and no error when alreadyThere is given).
Result<qint64> rolloutUndo(KubeClient& client, const QString& nameSpace, const QString& deployment,
                           qint64 toRevision = 0, bool* alreadyThere = nullptr);

struct RolloutWatch
{
    QString kind = QStringLiteral("Deployment"); // or StatefulSet, DaemonSet
    QString nameSpace;
    QString name;
    std::optional<qint64> revision; // kubectl's --revision
    std::chrono::milliseconds timeout{std::chrono::minutes(10)};
    std::chrono::milliseconds pollInterval{250};
    const std::atomic_bool* cancel = nullptr;
};

// Follows the object until rolloutStatus() says Done or Failed, or the timeout or a cancel
// ends it (Failed with "timed out waiting for the condition" / "cancelled"). `onVerdict` gets
// each new message (kubectl's lines, each once). An unreachable server is retried until the
// timeout, each outage reported once through onVerdict as "cluster …: <error>, retrying".
RolloutVerdict followRollout(KubeClient& client, const RolloutWatch& watch,
                             const std::function<void(const RolloutVerdict&)>& onVerdict = {});

} // namespace launchdeck::kube
