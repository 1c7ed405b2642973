// Server-side apply, access reviews, quota, the Secret, Deployment revisions and rollout undo (as
// kubectl's DeploymentRollbacker and DeploymentHistoryViewer), a rollout polled to its verdict.
#include "kubernetes/kubeapply.h"

#include "core/units.h"

#include <QDeadlineTimer>
#include <QJsonArray>
#include <QJsonDocument>
#include <QLoggingCategory>
#include <QSet>
#include <QThread>

#include <algorithm>

Q_LOGGING_CATEGORY(lcKubeApply, "launchdeck.kubernetes.apply", QtInfoMsg)

namespace launchdeck::kube {

namespace {

constexpr char kRevisionAnnotation[] = "deployment.kubernetes.io/revision";
constexpr char kHashLabel[] = "pod-template-hash";

// The kinds a deployment's objects are made of, by group: enough to know the path without
// asking discovery, which a dry run of a whole application should not wait for.
constexpr std::pair<const char16_t*, const char16_t*> kKnownKinds[] = {
    {u"", u"Pod Service Secret ConfigMap ServiceAccount PersistentVolumeClaim Endpoints "
          u"ResourceQuota LimitRange Namespace PersistentVolume"},
    {u"apps", u"Deployment ReplicaSet StatefulSet DaemonSet ControllerRevision"},
    {u"batch", u"Job CronJob"},
    {u"networking.k8s.io", u"Ingress NetworkPolicy IngressClass"},
    {u"autoscaling", u"HorizontalPodAutoscaler"},
    {u"policy", u"PodDisruptionBudget"},
    {u"rbac.authorization.k8s.io", u"Role RoleBinding ClusterRole ClusterRoleBinding"}};
constexpr char16_t kClusterScoped[] = u"Namespace PersistentVolume IngressClass ClusterRole "
                                      u"ClusterRoleBinding";

bool isKnownKind(const QString& group, const QString& kind)
{
    for (const auto& [knownGroup, kinds] : kKnownKinds) {
        if (group == QStringView(knownGroup))
            return QStringView(kinds).split(u' ').contains(kind);
    }
    return false;
}

// The annotations kubectl keeps from the Deployment, not the ReplicaSet, when it rolls back.
const QSet<QString>& annotationsKeptFromDeployment()
{
    static const QSet<QString> keys{u"kubectl.kubernetes.io/last-applied-configuration"_qs,
                                    QString::fromLatin1(kRevisionAnnotation),
                                    u"deployment.kubernetes.io/revision-history"_qs,
                                    u"deployment.kubernetes.io/desired-replicas"_qs,
                                    u"deployment.kubernetes.io/max-replicas"_qs,
                                    u"deprecated.deployment.rollback.to"_qs};
    return keys;
}

QString where(const KubeClient& client)
{
    return clusterLabel(client.clusterName(), client.connection().server);
}

// The client puts the cluster in front of transport errors; a Result carries it in `where`.
QString withoutWhere(const QString& text, const QString& where)
{
    const QString prefix = where + u": ";
    return text.startsWith(prefix) ? text.mid(prefix.size()) : text;
}

Error failure(const KubeClient& client, const QString& what, const KubeAnswer& answer)
{
    const QString at = where(client);
    const QString text = withoutWhere(answer.error, at);
    return Error{what.isEmpty() ? text : what + u": " + text, at};
}

QJsonObject parsed(const QByteArray& body)
{
    return QJsonDocument::fromJson(body).object();
}

QByteArray compact(const QJsonDocument& document)
{
    return document.toJson(QJsonDocument::Compact);
}

QString identity(const QJsonObject& object)
{
    const QString name = object[u"metadata"][u"name"].toString();
    return object[u"kind"].toString(u"object"_qs) + u' ' +
           (name.isEmpty() ? u"(no name)"_qs : name);
}

// deploymentutil.Revision: no annotation is revision 0; one that is no number is skipped.
std::optional<qint64> revisionOf(const QJsonObject& object)
{
    const QJsonValue value =
        object[u"metadata"][u"annotations"][QLatin1String(kRevisionAnnotation)];
    if (value.isUndefined())
        return 0;
    bool ok = false;
    const qint64 revision = value.toString().toLongLong(&ok);
    return ok ? std::optional<qint64>(revision) : std::nullopt;
}

// apiequality.Semantic.DeepEqual treats absent, null and empty maps, lists and strings alike.
QJsonValue normalised(const QJsonValue& value)
{
    QJsonValue out = value;
    if (value.isObject()) {
        QJsonObject object;
        const QJsonObject in = value.toObject();
        for (auto it = in.begin(); it != in.end(); ++it) {
            if (const QJsonValue inner = normalised(it.value()); !inner.isUndefined())
                object.insert(it.key(), inner);
        }
        out = object;
    } else if (value.isArray()) {
        QJsonArray array;
        for (const QJsonValue& item : value.toArray())
            array.append(normalised(item)); // an undefined item is appended as null
        out = array;
    }
    const bool empty = out.isNull() || out == QJsonValue(QString()) ||
                       out == QJsonValue(QJsonObject()) || out == QJsonValue(QJsonArray());
    return empty ? QJsonValue(QJsonValue::Undefined) : out;
}

QJsonObject withoutHash(QJsonObject podTemplate)
{
    QJsonObject metadata = podTemplate.value(u"metadata").toObject();
    QJsonObject labels = metadata.value(u"labels").toObject();
    labels.remove(QLatin1String(kHashLabel));
    metadata.insert(u"labels"_qs, labels);
    podTemplate.insert(u"metadata"_qs, metadata);
    return podTemplate;
}

bool equalIgnoringHash(const QJsonObject& a, const QJsonObject& b)
{
    return normalised(withoutHash(a)) == normalised(withoutHash(b));
}

// The Deployment `name` into `deployment`, and as deploymentutil.GetAllReplicaSets the
// ReplicaSets whose controller it is, in the order the server lists them.
Result<QList<QJsonObject>> controlledReplicaSets(KubeClient& client, const QString& nameSpace,
                                                 const QString& name, QJsonObject& deployment)
{
    const QString base = u"/apis/apps/v1/namespaces/" + queryValue(nameSpace);
    const KubeAnswer read = client.get(base + u"/deployments/" + queryValue(name));
    if (!read.ok())
        return failure(client, u"failed to retrieve deployment " + name, read);
    deployment = parsed(read.body);
    const QJsonObject& object = deployment;
    const QString uid = object[u"metadata"][u"uid"].toString();
    // The selector's matchLabels narrow the list; the controller reference decides, as in
    // kubectl (a Deployment's selector cannot change, so its expressions add nothing here).
    QStringList selector;
    const QJsonObject labels = object[u"spec"][u"selector"][u"matchLabels"].toObject();
    for (auto it = labels.begin(); it != labels.end(); ++it)
        selector.append(it.key() + u'=' + it.value().toString());
    const KubeAnswer answer =
        client.get(base + u"/replicasets?labelSelector=" + queryValue(selector.join(u',')));
    if (!answer.ok())
        return failure(client, u"failed to retrieve replica sets from deployment " + name, answer);
    QList<QJsonObject> owned;
    for (const QJsonValue& item : parsed(answer.body).value(u"items").toArray()) {
        const QJsonObject replicaSet = item.toObject();
        const QJsonArray owners = replicaSet[u"metadata"][u"ownerReferences"].toArray();
        const bool controlled = std::any_of(owners.begin(), owners.end(), [&](const QJsonValue& o) {
            return o[u"controller"].toBool() && o[u"uid"].toString() == uid;
        });
        if (controlled)
            owned.append(replicaSet);
    }
    return owned;
}

QString unableToFind(qint64 revision)
{
    return u"unable to find specified revision " + QString::number(revision) + u" in history";
}

// kubectl's deploymentRevision(): the ReplicaSet of `toRevision`, or for 0 the second newest.
Result<QJsonObject> replicaSetOfRevision(const QList<QJsonObject>& replicaSets,
                                         const QString& deployment, qint64 toRevision)
{
    const QJsonObject* latest = nullptr;
    const QJsonObject* previous = nullptr;
    qint64 latestRevision = -1;
    qint64 previousRevision = -1;
    for (const QJsonObject& replicaSet : replicaSets) {
        const std::optional<qint64> revision = revisionOf(replicaSet);
        if (!revision)
            continue;
        if (toRevision > 0) {
            if (*revision == toRevision)
                return replicaSet;
        } else if (latestRevision < *revision) {
            previous = latest;
            previousRevision = latestRevision;
            latest = &replicaSet;
            latestRevision = *revision;
        } else if (previousRevision < *revision) {
            previous = &replicaSet;
            previousRevision = *revision;
        }
    }
    if (toRevision > 0)
        return Error{unableToFind(toRevision), {}};
    if (!previous)
        return Error{u"no rollout history found for deployment \"" + deployment + u'"', {}};
    return *previous;
}

// Amounts as a quota shows them: cores or millicores, bytes in the largest unit dividing them.
QString formatAmount(const QString& resource, qint64 milli)
{
    if (resource == u"pods")
        return QString::number(milli / 1000);
    if (resource.endsWith(u"cpu"))
        return milli % 1000 == 0 ? QString::number(milli / 1000) : QString::number(milli) + u'm';
    const qint64 bytes = milli / 1000;
    static constexpr std::pair<qint64, const char16_t*> kUnits[] = {
        {qint64(1) << 40, u"Ti"},  {qint64(1) << 30, u"Gi"}, {1 << 20, u"Mi"},  {1 << 10, u"Ki"},
        {1'000'000'000'000, u"T"}, {1'000'000'000, u"G"},    {1'000'000, u"M"}, {1'000, u"k"}};
    for (const auto& [size, suffix] : kUnits) {
        if (bytes != 0 && bytes % size == 0)
            return QString::number(bytes / size) + QStringView(suffix);
    }
    return QString::number(bytes);
}

QString redacted(QString text, const QMap<QString, QString>& values)
{
    for (const QString& value : values) {
        if (value.isEmpty())
            continue;
        text.replace(value, u"<redacted>"_qs);
        text.replace(QString::fromLatin1(value.toUtf8().toBase64()), u"<redacted>"_qs);
    }
    return text;
}

} // namespace

// apimachinery's meta.UnsafeGuessKindToResource, which is right for every known kind.
QString resourceOfKind(const QString& kind)
{
    const QString lower = kind.toLower();
    if (lower.endsWith(u's'))
        return lower == u"endpoints" ? lower : lower + u"es";
    if (lower.endsWith(u'y'))
        return lower.chopped(1) + u"ies";
    return lower + u's';
}

Result<QString> objectPath(const QJsonObject& object, const QString& nameSpace)
{
    const QString apiVersion = object.value(u"apiVersion").toString();
    const QString kind = object.value(u"kind").toString();
    const QString name = object[u"metadata"][u"name"].toString();
    const QString subject = identity(object);
    const qsizetype slash = apiVersion.lastIndexOf(u'/');
    const QString group = slash < 0 ? QString() : apiVersion.left(slash);
    if (!isKnownKind(group, kind) || apiVersion.isEmpty() || apiVersion.endsWith(u'/'))
        return Error{u"no matches for kind \"" + kind + u"\" in version \"" + apiVersion + u'"',
                     subject};
    if (name.isEmpty())
        return Error{u"metadata.name is empty"_qs, subject};
    QString path = (group.isEmpty() ? u"/api/"_qs : u"/apis/"_qs) + apiVersion;
    if (!QStringView(kClusterScoped).split(u' ').contains(kind)) {
        const QString own = object[u"metadata"][u"namespace"].toString();
        const QString where = own.isEmpty() ? nameSpace : own;
        if (where.isEmpty())
            return Error{u"no namespace: the object names none and none was given"_qs, subject};
        path += u"/namespaces/" + queryValue(where);
    }
    return QString(path + u'/' + resourceOfKind(kind) + u'/' + queryValue(name));
}

ApplyResult serverSideApply(KubeClient& client, const QJsonObject& object, const QString& nameSpace,
                            const ApplyOptions& options)
{
    ApplyResult result;
    const QString subject = identity(object);
    const Result<QString> path = objectPath(object, nameSpace);
    if (!path) {
        result.error = path.error().toString();
        return result;
    }
    QString query = u"?fieldManager=" + queryValue(options.fieldManager);
    if (options.force)
        query += u"&force=true";
    if (options.dryRun)
        query += u"&dryRun=All";
    const KubeAnswer answer =
        client.request(QByteArrayLiteral("PATCH"), *path + query, compact(QJsonDocument(object)),
                       QByteArrayLiteral("application/apply-patch+yaml"));
    result.httpStatus = answer.status;
    qCDebug(lcKubeApply).noquote() << "apply" << subject << "as" << options.fieldManager
                                   << (options.dryRun ? "(dry run) ->" : "->") << answer.status;
    if (answer.ok()) {
        result.object = parsed(answer.body);
        return result;
    }
    const QJsonArray causes = parsed(answer.body)[u"details"][u"causes"].toArray();
    if (answer.status == 409) {
        QStringList owned;
        for (const QJsonValue& cause : causes) {
            // A FieldManagerConflict says `conflict with "kubectl-edit" using apps/v1`.
            const QString message = cause[u"message"].toString();
            if (!message.startsWith(u"conflict with "))
                continue;
            const qsizetype open = message.indexOf(u'"');
            const qsizetype close = open < 0 ? -1 : message.indexOf(u'"', open + 1);
            const QString manager = close < 0 ? message : message.mid(open + 1, close - open - 1);
            const QString field = cause[u"field"].toString();
            result.conflicts.append({manager, field});
            owned.append(field + u" is owned by " + manager);
        }
        if (!owned.isEmpty()) {
            result.error = subject + u": " + owned.join(u", ") +
                           (owned.size() == 1 ? u" (apply with force to take it)"_qs
                                              : u" (apply with force to take them)"_qs);
            return result;
        }
    }
    if (answer.status == 422 && !causes.isEmpty()) {
        QStringList fields;
        for (const QJsonValue& cause : causes) {
            const QString field = cause[u"field"].toString();
            fields.append((field.isEmpty() ? QString() : field + u": ") +
                          cause[u"message"].toString());
        }
        result.error = subject + u": the API server refused it: " + fields.join(u"; ");
        return result;
    }
    result.error = subject + u": " + answer.error;
    return result;
}

QString AccessCheck::describe() const
{
    QString text = verb + u' ' + resource;
    if (!group.isEmpty())
        text += u'.' + group;
    if (!subresource.isEmpty())
        text += u'/' + subresource;
    if (!name.isEmpty())
        text += u" \"" + name + u'"';
    return text + (nameSpace.isEmpty() ? u" cluster-wide"_qs : u" in namespace " + nameSpace);
}

Result<QStringList> deniedAccess(KubeClient& client, const QList<AccessCheck>& checks)
{
    QStringList denied;
    for (const AccessCheck& check : checks) {
        // An empty field reads as an absent one (Go's zero value): the core group, any name.
        const QJsonObject attributes{
            {u"verb"_qs, check.verb},           {u"group"_qs, check.group},
            {u"resource"_qs, check.resource},   {u"subresource"_qs, check.subresource},
            {u"namespace"_qs, check.nameSpace}, {u"name"_qs, check.name}};
        const QJsonObject review{{u"apiVersion"_qs, u"authorization.k8s.io/v1"_qs},
                                 {u"kind"_qs, u"SelfSubjectAccessReview"_qs},
                                 {u"spec"_qs, QJsonObject{{u"resourceAttributes"_qs, attributes}}}};
        const KubeAnswer answer = client.request(
            QByteArrayLiteral("POST"), u"/apis/authorization.k8s.io/v1/selfsubjectaccessreviews"_qs,
            compact(QJsonDocument(review)));
        if (!answer.ok())
            return failure(client, u"cannot review whether it may " + check.describe(), answer);
        const QJsonObject status = parsed(answer.body).value(u"status").toObject();
        if (status.value(u"allowed").toBool())
            continue;
        QString reason = status.value(u"reason").toString();
        if (reason.isEmpty())
            reason = status.value(u"evaluationError").toString();
        denied.append(u"cannot " + check.describe() +
                      (reason.isEmpty() ? QString() : u": " + reason));
    }
    return denied;
}

Result<QStringList> quotaShortfalls(KubeClient& client, const QString& nameSpace,
                                    const ResourceAsk& ask)
{
    const KubeAnswer answer =
        client.get(u"/api/v1/namespaces/" + queryValue(nameSpace) + u"/resourcequotas");
    if (!answer.ok())
        return failure(client, u"cannot read the resource quotas of namespace " + nameSpace,
                       answer);
    // What the rollout asks of each resource a quota may limit, in thousandths.
    const std::pair<const char16_t*, qint64> asked[] = {
        {u"pods", qint64(ask.pods) * 1000},
        {u"requests.cpu", ask.cpuMilli},
        {u"limits.cpu", ask.cpuMilli},
        {u"cpu", ask.cpuMilli},
        {u"requests.memory", ask.memoryBytes * 1000},
        {u"limits.memory", ask.memoryBytes * 1000},
        {u"memory", ask.memoryBytes * 1000}};
    QStringList lines;
    for (const QJsonValue& item : parsed(answer.body).value(u"items").toArray()) {
        const QJsonObject quota = item.toObject();
        const QString name = quota[u"metadata"][u"name"].toString();
        QJsonObject hard = quota[u"status"][u"hard"].toObject();
        if (hard.isEmpty())
            hard = quota[u"spec"][u"hard"].toObject();
        const QJsonObject used = quota[u"status"][u"used"].toObject();
        for (const auto& [key, need] : asked) {
            const QString resource = QString::fromUtf16(key);
            if (need <= 0 || !hard.contains(resource))
                continue;
            const QString hardText = hard.value(resource).toString();
            const std::optional<Quantity> limit = parseQuantity(hardText);
            const std::optional<Quantity> spent =
                parseQuantity(used.value(resource).toString(u"0"_qs));
            if (!limit || !spent) {
                qCWarning(lcKubeApply).noquote()
                    << "quota" << name << "in" << nameSpace << "has an unreadable" << resource;
                continue;
            }
            const qint64 left = std::max<qint64>(limit->milli - spent->milli, 0);
            if (need > left)
                lines.append(u"quota " + name + u": " + resource + u" needs " +
                             formatAmount(resource, need) + u", " + formatAmount(resource, left) +
                             u" of " + hardText + u" left");
        }
    }
    return lines;
}

Result<bool> applySecret(KubeClient& client, const QString& nameSpace, const QString& name,
                         const QMap<QString, QString>& values, const QJsonObject& labels)
{
    QJsonObject data;
    for (auto it = values.begin(); it != values.end(); ++it)
        data.insert(it.key(), QString::fromLatin1(it.value().toUtf8().toBase64()));
    QJsonObject metadata{{u"name"_qs, name}};
    if (!labels.isEmpty())
        metadata.insert(u"labels"_qs, labels);
    QJsonObject secret{{u"apiVersion"_qs, u"v1"_qs}, {u"kind"_qs, u"Secret"_qs}};
    secret.insert(u"metadata"_qs, metadata);
    secret.insert(u"type"_qs, u"Opaque"_qs);
    secret.insert(u"data"_qs, data);
    const ApplyResult applied = serverSideApply(client, secret, nameSpace);
    if (applied.ok())
        return true;
    // The server may quote what it was sent; no value leaves this function.
    const QString at = where(client);
    return Error{redacted(withoutWhere(applied.error, at), values), at};
}

Result<QList<RolloutRevision>> rolloutHistory(KubeClient& client, const QString& nameSpace,
                                              const QString& deployment)
{
    QJsonObject object;
    const Result<QList<QJsonObject>> replicaSets =
        controlledReplicaSets(client, nameSpace, deployment, object);
    if (!replicaSets)
        return replicaSets.error();
    // kubectl keys the history by revision; a later ReplicaSet of the same revision wins.
    QMap<qint64, RolloutRevision> byRevision;
    for (const QJsonObject& replicaSet : *replicaSets) {
        const std::optional<qint64> revision = revisionOf(replicaSet);
        if (!revision)
            continue;
        const QJsonObject metadata = replicaSet.value(u"metadata").toObject();
        RolloutRevision entry;
        entry.revision = *revision;
        entry.replicaSet = metadata.value(u"name").toString();
        entry.changeCause = metadata[u"annotations"][u"kubernetes.io/change-cause"].toString();
        entry.podTemplate = replicaSet[u"spec"][u"template"].toObject();
        entry.created =
            QDateTime::fromString(metadata[u"creationTimestamp"].toString(), Qt::ISODate);
        byRevision.insert(*revision, entry);
    }
    return byRevision.values();
}

Result<qint64> rolloutUndo(KubeClient& client, const QString& nameSpace, const QString& deployment,
                           qint64 toRevision, bool* alreadyThere)
{
    if (alreadyThere)
        *alreadyThere = false;
    if (toRevision < 0)
        return Error{unableToFind(toRevision), where(client)};
    QJsonObject object;
    const Result<QList<QJsonObject>> replicaSets =
        controlledReplicaSets(client, nameSpace, deployment, object);
    if (!replicaSets)
        return replicaSets.error();
    const Result<QJsonObject> chosen = replicaSetOfRevision(*replicaSets, deployment, toRevision);
    if (!chosen)
        return Error{chosen.error().message, where(client)};
    const qint64 revision = revisionOf(*chosen).value_or(0);
    const QJsonObject spec = object.value(u"spec").toObject();
    if (spec.value(u"paused").toBool())
        return Error{u"you cannot rollback a paused deployment; resume it first with 'kubectl "
                     u"rollout resume' and try again"_qs,
                     where(client)};
    const QJsonObject wanted = (*chosen)[u"spec"][u"template"].toObject();
    if (equalIgnoringHash(wanted, spec.value(u"template").toObject())) {
        if (!alreadyThere)
            return Error{u"skipped rollback (current template already matches revision " +
                             QString::number(revision) + u')',
                         where(client)};
        *alreadyThere = true;
        return revision;
    }

    const QJsonObject metadata = object.value(u"metadata").toObject();
    // The revision's annotations (its change-cause above all), but the Deployment's own
    // revision bookkeeping and last-applied configuration stay as they are.
    const QJsonObject current = metadata[u"annotations"].toObject();
    QJsonObject annotations = (*chosen)[u"metadata"][u"annotations"].toObject();
    for (const QString& key : annotationsKeptFromDeployment()) {
        annotations.remove(key);
        if (current.contains(key))
            annotations.insert(key, current.value(key));
    }
    // The test makes the patch fail rather than overwrite a change made since the read.
    const QJsonArray patch{QJsonObject{{u"op"_qs, u"test"_qs},
                                       {u"path"_qs, u"/metadata/resourceVersion"_qs},
                                       {u"value"_qs, metadata.value(u"resourceVersion")}},
                           QJsonObject{{u"op"_qs, u"replace"_qs},
                                       {u"path"_qs, u"/spec/template"_qs},
                                       {u"value"_qs, withoutHash(wanted)}},
                           QJsonObject{{u"op"_qs, u"add"_qs},
                                       {u"path"_qs, u"/metadata/annotations"_qs},
                                       {u"value"_qs, annotations}}};
    const KubeAnswer answer = client.request(QByteArrayLiteral("PATCH"),
                                             u"/apis/apps/v1/namespaces/" + queryValue(nameSpace) +
                                                 u"/deployments/" + queryValue(deployment),
                                             compact(QJsonDocument(patch)),
                                             QByteArrayLiteral("application/json-patch+json"));
    qCDebug(lcKubeApply).noquote()
        << "rollout undo of deployment" << deployment << "in" << nameSpace << "to revision"
        << revision << "->" << answer.status;
    if (!answer.ok())
        return failure(client, u"failed restoring revision " + QString::number(revision), answer);
    return revision;
}

RolloutVerdict followRollout(KubeClient& client, const RolloutWatch& watch,
                             const std::function<void(const RolloutVerdict&)>& onVerdict)
{
    using State = RolloutVerdict::State;
    const Result<QString> path =
        objectPath(QJsonObject{{u"apiVersion"_qs, u"apps/v1"_qs},
                               {u"kind"_qs, watch.kind},
                               {u"metadata"_qs, QJsonObject{{u"name"_qs, watch.name}}}},
                   watch.nameSpace);
    if (!path)
        return {State::Failed, path.error().toString()};
    const QDeadlineTimer deadline(watch.timeout);
    const auto cancelled = [&] {
        return watch.cancel && watch.cancel->load();
    };
    QSet<QString> told;
    bool outage = false;
    while (true) {
        if (cancelled())
            return {State::Failed, u"cancelled"_qs};
        if (deadline.hasExpired())
            return {State::Failed, u"timed out waiting for the condition"_qs};
        const int timeoutMs = int(std::clamp<qint64>(deadline.remainingTime(), 1000, 30'000));
        const KubeAnswer answer = client.get(*path, timeoutMs, watch.cancel);
        if (answer.ok()) {
            outage = false;
            const RolloutVerdict verdict = rolloutStatus(parsed(answer.body), watch.revision);
            if (onVerdict && !told.contains(verdict.message)) {
                told.insert(verdict.message);
                onVerdict(verdict);
            }
            if (verdict.state != State::InProgress)
                return verdict;
        } else if (cancelled()) {
            return {State::Failed, u"cancelled"_qs};
        } else if (answer.unreachable || answer.status >= 500) {
            // A server restarting or a network blip: kubectl's watch would reconnect too.
            // Told once per outage, even when an earlier outage said the same.
            if (!outage && onVerdict)
                onVerdict(
                    {State::InProgress, failure(client, {}, answer).toString() + u", retrying"});
            outage = true;
        } else {
            return {State::Failed,
                    failure(client, watch.kind + u' ' + watch.name, answer).toString()};
        }
        // Sleep in short steps so that a cancel ends the wait promptly.
        const QDeadlineTimer nap(watch.pollInterval);
        while (!nap.hasExpired() && !deadline.hasExpired() && !cancelled())
            QThread::msleep(std::clamp<qint64>(nap.remainingTime(), 1, 20));
    }
}

} // namespace launchdeck::kube
