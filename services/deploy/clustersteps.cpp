// The steps every stage of a deployment on a cluster shares: server-side apply, following a
// Deployment as `kubectl rollout status` does, scaling, removing, pointing the application's
// Service at a track, reading a track's pods for monitoring and the application's Secret.
#include "deploy/clusterrun.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QRegularExpression>
#include <QSet>

#include <algorithm>

namespace launchdeck::deploy {

namespace {

QString text(const char16_t* value)
{
    return QString::fromUtf16(value);
}

QString clusterWhere(const ClusterPlace& place)
{
    return kube::clusterLabel(place.clusterName, place.connection.server);
}

// The client names the cluster at the start of a transport error already; the error's `where`
// names it for every other one.
Error clusterError(const ClusterPlace& place, QString message)
{
    const QString where = clusterWhere(place);
    if (message.startsWith(where + u": "))
        message = message.mid(where.size() + 2);
    return Error{message, where};
}

// The REST collection of the kinds a deployment of the pair creates and removes.
QString collectionPath(const QString& kind, const QString& nameSpace)
{
    const QString tail = u"/namespaces/" + nameSpace + u'/';
    if (kind == u"Deployment")
        return u"/apis/apps/v1" + tail + u"deployments";
    if (kind == u"Ingress")
        return u"/apis/networking.k8s.io/v1" + tail + u"ingresses";
    if (kind == u"Service")
        return u"/api/v1" + tail + u"services";
    if (kind == u"Secret")
        return u"/api/v1" + tail + u"secrets";
    if (kind == u"ConfigMap")
        return u"/api/v1" + tail + u"configmaps";
    return {};
}

QJsonObject parsed(const QByteArray& body)
{
    return QJsonDocument::fromJson(body).object();
}

// Container statuses of a pod, regular containers first.
QJsonArray containerStatuses(const QJsonObject& pod)
{
    return pod[u"status"][u"containerStatuses"].toArray();
}

bool terminatedFor(const QJsonValue& state, QStringView reason)
{
    return state[u"terminated"][u"reason"].toString() == reason;
}

// Keys of the monitoring baseline: restart counts per pod uid at the window's start, the
// count of each Unhealthy Event at the previous reading, and a mark that the first reading
// was taken (pods that appear later restarted from zero within the window).
constexpr char16_t kFirstReadingTaken[] = u"window";
QString podKey(const QString& uid)
{
    return u"pod/" + uid;
}
QString eventKey(const QString& uid)
{
    return u"event/" + uid;
}

// "3 of 4 updated replicas are available": how far a rollout has come, for the progress bar.
std::optional<double> rolloutFraction(const QString& message)
{
    static const QRegularExpression counts(QStringLiteral("(\\d+) of (\\d+)"));
    const QRegularExpressionMatch match = counts.match(message);
    if (!match.hasMatch())
        return std::nullopt;
    const double total = match.captured(2).toDouble();
    return total > 0 ? std::optional(qBound(0.0, match.captured(1).toDouble() / total, 1.0))
                     : std::nullopt;
}

} // namespace

Result<std::optional<QJsonObject>> fetchObject(kube::KubeClient& client, const ClusterPlace& place,
                                               const QString& path)
{
    const kube::KubeAnswer answer = client.get(path);
    if (answer.status == 404)
        return std::optional<QJsonObject>();
    if (!answer.ok())
        return clusterError(place, answer.error);
    return std::optional(parsed(answer.body));
}

Result<QJsonObject> ClusterDeploymentRun::apply(const QJsonObject& object, bool dryRun)
{
    kube::ApplyOptions options;
    options.dryRun = dryRun;
    options.force = m_request.force;
    kube::ApplyResult applied =
        kube::serverSideApply(*m_client, object, m_subject.place.nameSpace, options);
    // Launchdeck's own changes outside apply (a scale, the Service's selector, a rollout undo)
    // are recorded as another operation of the same manager: taking those fields back is no
    // conflict with anyone.
    const auto ownChange = [](const kube::ApplyConflict& conflict) {
        return conflict.manager == QStringView(kube::kFieldManager);
    };
    if (!applied.ok() && !options.force && !applied.conflicts.isEmpty() &&
        std::all_of(applied.conflicts.cbegin(), applied.conflicts.cend(), ownChange)) {
        options.force = true;
        applied = kube::serverSideApply(*m_client, object, m_subject.place.nameSpace, options);
    }
    if (!applied.ok())
        return clusterError(m_subject.place, applied.error);
    if (!dryRun)
        log(QStringLiteral("applied %1/%2")
                .arg(object[u"kind"].toString(), object[u"metadata"][u"name"].toString()));
    return applied.object;
}

kube::RolloutVerdict ClusterDeploymentRun::followDeployment(const QString& name, int fromPercent,
                                                            int toPercent)
{
    kube::RolloutWatch watch;
    watch.nameSpace = m_subject.place.nameSpace;
    watch.name = name;
    watch.cancel = &m_control.cancel;
    // The controller writes the revision once it has seen the new template; before that the
    // generation check alone holds the verdict back, as kubectl's does without --revision.
    const kube::KubeAnswer current =
        m_client->get(collectionPath(QStringLiteral("Deployment"), watch.nameSpace) + u'/' + name);
    if (current.ok()) {
        const QJsonObject deployment = parsed(current.body);
        const qint64 generation = deployment[u"metadata"][u"generation"].toInteger();
        const qint64 observed = deployment[u"status"][u"observedGeneration"].toInteger(-1);
        const QString revision =
            deployment[u"metadata"][u"annotations"][u"deployment.kubernetes.io/revision"]
                .toString();
        if (observed >= generation && revision.toLongLong() > 0)
            watch.revision = revision.toLongLong();
    }
    const kube::RolloutVerdict verdict =
        kube::followRollout(*m_client, watch, [&](const kube::RolloutVerdict& seen) {
            log(seen.message);
            if (const std::optional<double> done = rolloutFraction(seen.message))
                progress(fromPercent + int((toPercent - fromPercent) * *done * 0.95));
        });
    if (verdict.state == kube::RolloutVerdict::State::Done)
        progress(toPercent);
    return verdict;
}

Result<bool> ClusterDeploymentRun::scaleWorkload(const QString& name, int replicas)
{
    const QJsonObject patch{
        {QStringLiteral("spec"), QJsonObject{{QStringLiteral("replicas"), replicas}}}};
    const kube::KubeAnswer answer = m_client->request(
        QByteArrayLiteral("PATCH"),
        collectionPath(QStringLiteral("Deployment"), m_subject.place.nameSpace) + u'/' + name +
            u"/scale?fieldManager=" + kube::queryValue(text(kube::kFieldManager)),
        QJsonDocument(patch).toJson(QJsonDocument::Compact),
        QByteArrayLiteral("application/merge-patch+json"));
    if (!answer.ok())
        return clusterError(m_subject.place,
                            QStringLiteral("scaling Deployment %1: %2").arg(name, answer.error));
    log(QStringLiteral("scaled Deployment/%1 to %2 replica%3")
            .arg(name)
            .arg(replicas)
            .arg(replicas == 1 ? QString() : QStringLiteral("s")));
    return true;
}

Result<bool> ClusterDeploymentRun::removeObject(const QString& kind, const QString& name)
{
    const QString collection = collectionPath(kind, m_subject.place.nameSpace);
    if (collection.isEmpty())
        return Error{QStringLiteral("cannot remove a %1 (%2)").arg(kind, name),
                     clusterWhere(m_subject.place)};
    // The garbage collector takes a Deployment's ReplicaSets and pods after it.
    const QJsonObject options{{QStringLiteral("apiVersion"), QStringLiteral("v1")},
                              {QStringLiteral("kind"), QStringLiteral("DeleteOptions")},
                              {QStringLiteral("propagationPolicy"), QStringLiteral("Background")}};
    const kube::KubeAnswer answer =
        m_client->request(QByteArrayLiteral("DELETE"), collection + u'/' + name,
                          QJsonDocument(options).toJson(QJsonDocument::Compact));
    if (answer.status == 404)
        return true;
    if (!answer.ok())
        return clusterError(m_subject.place,
                            QStringLiteral("removing %1 %2: %3").arg(kind, name, answer.error));
    log(QStringLiteral("removed %1/%2").arg(kind, name));
    return true;
}

Result<bool> ClusterDeploymentRun::pointService(const std::optional<QString>& track)
{
    // An application without ports has no Service: nothing reaches its pods through one.
    if (!m_subject.toObjects.service)
        return true;
    const QString name = (*m_subject.toObjects.service)[u"metadata"][u"name"].toString();
    const QJsonObject selector{
        {text(cluster::kTrack), track ? QJsonValue(*track) : QJsonValue(QJsonValue::Null)}};
    const QJsonObject patch{
        {QStringLiteral("spec"), QJsonObject{{QStringLiteral("selector"), selector}}}};
    const kube::KubeAnswer answer = m_client->request(
        QByteArrayLiteral("PATCH"),
        collectionPath(QStringLiteral("Service"), m_subject.place.nameSpace) + u'/' + name +
            u"?fieldManager=" + kube::queryValue(text(kube::kFieldManager)),
        QJsonDocument(patch).toJson(QJsonDocument::Compact),
        QByteArrayLiteral("application/merge-patch+json"));
    if (!answer.ok())
        return clusterError(m_subject.place,
                            QStringLiteral("pointing Service %1: %2").arg(name, answer.error));
    log(track ? QStringLiteral("Service %1 selects the %2 pods").arg(name, *track)
              : QStringLiteral("Service %1 selects the pods of every track").arg(name));
    return true;
}

Result<QList<QJsonObject>> ClusterDeploymentRun::pairPods(const QString& track)
{
    QString selector = text(kube::appkeys::kName) + u'=' + m_subject.application.name + u',' +
                       text(kube::appkeys::kEnvironment) + u'=' + m_subject.environment.name;
    if (!track.isEmpty())
        selector += u',' + text(cluster::kTrack) + u'=' + track;
    const kube::KubeAnswer answer =
        m_client->get(u"/api/v1/namespaces/" + m_subject.place.nameSpace + u"/pods?labelSelector=" +
                      kube::queryValue(selector));
    if (!answer.ok())
        return clusterError(m_subject.place, QStringLiteral("listing the pods of %1: %2")
                                                 .arg(m_subject.application.name, answer.error));
    QList<QJsonObject> pods;
    for (const QJsonValue& item : parsed(answer.body)[u"items"].toArray())
        pods.append(item.toObject());
    return pods;
}

Result<MonitorReading> ClusterDeploymentRun::readTrack(const QString& track,
                                                       QMap<QString, int>& restartBase)
{
    const Result<QList<QJsonObject>> pods = pairPods(track);
    if (!pods)
        return pods.error();
    const bool firstReading = !restartBase.contains(text(kFirstReadingTaken));
    MonitorReading reading;
    QSet<QString> uids;
    for (const QJsonObject& pod : *pods) {
        // A pod on its way out no longer serves: what it does now says nothing of the revision.
        if (pod[u"metadata"][u"deletionTimestamp"].isString())
            continue;
        const QString uid = pod[u"metadata"][u"uid"].toString();
        uids.insert(uid);
        const QJsonArray statuses = containerStatuses(pod);
        int restarts = 0;
        bool ready = !statuses.isEmpty();
        bool crashLooping = false;
        bool oomNow = false;
        bool oomBefore = false;
        for (const QJsonValue& status : statuses) {
            restarts += status[u"restartCount"].toInt();
            ready = ready && status[u"ready"].toBool();
            crashLooping = crashLooping || status[u"state"][u"waiting"][u"reason"].toString() ==
                                               u"CrashLoopBackOff";
            oomNow = oomNow || terminatedFor(status[u"state"], u"OOMKilled");
            oomBefore = oomBefore || terminatedFor(status[u"lastState"], u"OOMKilled");
        }
        if (!restartBase.contains(podKey(uid)))
            restartBase.insert(podKey(uid), firstReading ? restarts : 0);
        const int restartedSince = qMax(0, restarts - restartBase.value(podKey(uid)));
        reading.restarts += restartedSince;
        // The last termination counts only when it happened within the window.
        reading.oomKilled = reading.oomKilled || oomNow || (oomBefore && restartedSince > 0);
        reading.healthy = reading.healthy && ready && !crashLooping;
        if ((!ready || crashLooping) && reading.unhealthyWhy.isEmpty())
            reading.unhealthyWhy = QStringLiteral("pod %1: %2")
                                       .arg(pod[u"metadata"][u"name"].toString(),
                                            crashLooping ? QStringLiteral("CrashLoopBackOff")
                                                         : QStringLiteral("not Ready"));
    }
    if (uids.isEmpty()) {
        reading.healthy = false;
        reading.unhealthyWhy = QStringLiteral("no pod of %1 runs")
                                   .arg(cluster::workloadName(m_subject.application.name, track));
    }

    // Failing probes show only as the kubelet's Unhealthy Events; one whose count rose since
    // the previous reading (or that is new) makes this reading unhealthy.
    const QString selector = QStringLiteral("involvedObject.kind=Pod,reason=Unhealthy");
    const kube::KubeAnswer events =
        m_client->get(u"/api/v1/namespaces/" + m_subject.place.nameSpace +
                      u"/events?fieldSelector=" + kube::queryValue(selector));
    if (!events.ok())
        return clusterError(m_subject.place, QStringLiteral("listing the Events of %1: %2")
                                                 .arg(m_subject.application.name, events.error));
    for (const QJsonValue& item : parsed(events.body)[u"items"].toArray()) {
        const QJsonObject event = item.toObject();
        if (!uids.contains(event[u"involvedObject"][u"uid"].toString()))
            continue;
        const QString key =
            eventKey(event[u"metadata"][u"uid"].toString(event[u"metadata"][u"name"].toString()));
        const int count = qMax(1, event[u"count"].toInt(1));
        const int seen = restartBase.value(key, firstReading ? count : 0);
        if (count > seen) {
            reading.healthy = false;
            if (reading.unhealthyWhy.isEmpty())
                reading.unhealthyWhy = QStringLiteral("pod %1: %2")
                                           .arg(event[u"involvedObject"][u"name"].toString(),
                                                event[u"message"].toString());
        }
        restartBase.insert(key, count);
    }
    restartBase.insert(text(kFirstReadingTaken), 1);
    return reading;
}

Result<bool> ClusterDeploymentRun::applySupportingObjects()
{
    const kube::ApplicationObjects& objects = m_subject.toObjects;
    if (!objects.secretName.isEmpty()) {
        const QMap<QString, QString> known = secretValues();
        QMap<QString, QString> values;
        QStringList missing;
        for (const QString& name : objects.secretKeys) {
            if (const auto it = known.constFind(name); it != known.cend())
                values.insert(name, *it);
            else
                missing.append(name);
        }
        const Application& app = m_subject.application;
        const QJsonObject labels{{text(kube::appkeys::kName), app.name},
                                 {text(kube::appkeys::kManagedBy), QStringLiteral("launchdeck")},
                                 {text(kube::appkeys::kEnvironment), m_subject.environment.name}};
        const Result<bool> applied = kube::applySecret(*m_client, m_subject.place.nameSpace,
                                                       objects.secretName, values, labels);
        if (!applied)
            return applied.error().where.isEmpty()
                       ? clusterError(m_subject.place, applied.error().message)
                       : applied.error();
        log(QStringLiteral("applied Secret/%1 (%2 of %3 keys)")
                .arg(objects.secretName)
                .arg(values.size())
                .arg(objects.secretKeys.size()));
        if (!missing.isEmpty())
            log(QStringLiteral("Secret %1 has no value for %2: containers reading it do not "
                               "start until it has one")
                    .arg(objects.secretName, missing.join(QStringLiteral(", "))));
    }
    for (const QJsonObject& companion : objects.companions) {
        if (const Result<QJsonObject> applied = apply(companion); !applied)
            return applied.error();
    }
    return true;
}

} // namespace launchdeck::deploy
