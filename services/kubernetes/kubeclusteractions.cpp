// The actions and reads of a KubeCluster, each on the call pool with a client of its own: scale
// through /scale, restart and set image as kubectl does them (strategic merge patches of the
// pod template), delete, get, list and pod metrics. Each answers once with its request id.
#include "kubernetes/kubecluster.h"

#include "kubernetes/kubeclient.h"
#include "kubernetes/kubeclusterworker.h"
#include "kubernetes/kubelistwatch.h"

#include <QDateTime>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

#include <functional>

namespace launchdeck::kube {

namespace {

QString describe(const QString& kind, const QString& nameSpace, const QString& name)
{
    return nameSpace.isEmpty()
               ? QStringLiteral("%1 \"%2\"").arg(kind, name)
               : QStringLiteral("%1 \"%2\" in namespace %3").arg(kind, name, nameSpace);
}

// The pod template's spec of a workload, or the pod's own spec, as the path of keys to it.
QStringList podSpecPath(const QString& kind)
{
    if (kind == QLatin1String("Pod"))
        return {QStringLiteral("spec")};
    if (kind == QLatin1String("CronJob"))
        return {QStringLiteral("spec"), QStringLiteral("jobTemplate"), QStringLiteral("spec"),
                QStringLiteral("template"), QStringLiteral("spec")};
    return {QStringLiteral("spec"), QStringLiteral("template"), QStringLiteral("spec")};
}

QJsonObject nested(const QStringList& path, const QJsonObject& leaf)
{
    QJsonObject object = leaf;
    for (qsizetype i = path.size() - 1; i >= 0; --i)
        object = QJsonObject{{path.at(i), object}};
    return object;
}

QByteArray compact(const QJsonObject& object)
{
    return QJsonDocument(object).toJson(QJsonDocument::Compact);
}

// The served resource `kind` names, from the current discovery or, before the first
// connection, a fresh one.
Result<ResourceInfo> resourceFor(ClusterShared& shared, KubeClient& client, const QString& kind)
{
    std::optional<Discovery> discovery = shared.currentDiscovery();
    if (!discovery) {
        Result<Discovery> loaded = Discovery::load(client, shared.closing());
        if (!loaded)
            return loaded.error();
        discovery = std::move(loaded).value();
    }
    const ResourceInfo* info = discovery->find(kind);
    if (!info)
        return Error{QStringLiteral("the API server serves no kind \"%1\"").arg(kind),
                     shared.name()};
    return *info;
}

// The answer's message, after telling the connection when the server could not be reached.
QString failure(ClusterShared& shared, quint64 generation, const KubeAnswer& answer,
                const QString& what)
{
    if (answer.ok())
        return {};
    if (answer.unreachable)
        shared.lost(generation, answer.error);
    return QStringLiteral("cannot %1 on cluster %2: %3")
        .arg(what, shared.name(), shared.reasonOf(answer.error));
}

using Act = std::function<QString(ClusterShared& shared, KubeClient& client, quint64 generation,
                                  const ResourceInfo& resource)>;

// One action on the call pool: resolves `kind`, runs `act` with the resource it names (which
// returns the error, empty on success) and answers actionFinished with `request`.
std::function<void(ClusterShared&, KubeClient&, quint64)> action(quint64 request, QString kind,
                                                                 QString what, Act act)
{
    return [request, kind = std::move(kind), what = std::move(what),
            act = std::move(act)](ClusterShared& shared, KubeClient& client, quint64 generation) {
        QString error;
        if (const Result<ResourceInfo> resource = resourceFor(shared, client, kind); !resource)
            error = QStringLiteral("cannot %1: %2").arg(what, resource.error().toString());
        else
            error = act(shared, client, generation, *resource);
        shared.post([request, error](KubeCluster* cluster) {
            Q_EMIT cluster->actionFinished(request, error);
        });
    };
}

// The list (containers or initContainers) holding `container` in the object's pod spec, with
// every container's name for the message when none has that name.
QString containerList(const QJsonObject& podSpec, const QString& container, QStringList* names)
{
    for (const QString& list : {u"containers"_qs, u"initContainers"_qs}) {
        for (const QJsonValue& value : podSpec.value(list).toArray()) {
            const QString name = value.toObject().value(u"name").toString();
            if (name == container)
                return list;
            names->append(name);
        }
    }
    return {};
}

} // namespace

quint64 KubeCluster::scale(const QString& kind, const QString& nameSpace, const QString& name,
                           int replicas)
{
    const quint64 request = ++d->lastId;
    const QString what =
        QStringLiteral("scale %1 to %2").arg(describe(kind, nameSpace, name)).arg(replicas);
    d->call(
        action(request, kind, what,
               [nameSpace, name, replicas, what](ClusterShared& shared, KubeClient& client,
                                                 quint64 generation, const ResourceInfo& resource) {
                   const QJsonObject patch{{u"spec"_qs, QJsonObject{{u"replicas"_qs, replicas}}}};
                   const KubeAnswer answer = client.request(
                       "PATCH", resource.objectPath(nameSpace, name) + QStringLiteral("/scale"),
                       compact(patch), "application/merge-patch+json",
                       shared.options().requestTimeoutMs, shared.closing());
                   return failure(shared, generation, answer, what);
               }));
    return request;
}

quint64 KubeCluster::restart(const QString& kind, const QString& nameSpace, const QString& name)
{
    const quint64 request = ++d->lastId;
    const QString what = QStringLiteral("restart ") + describe(kind, nameSpace, name);
    d->call(action(request, kind, what,
                   [nameSpace, name, what](ClusterShared& shared, KubeClient& client,
                                           quint64 generation, const ResourceInfo& resource) {
                       // As kubectl rollout restart: a changed template annotation rolls the pods.
                       QDateTime now = QDateTime::currentDateTime();
                       now = now.toOffsetFromUtc(now.offsetFromUtc());
                       const QJsonObject annotations{
                           {u"kubectl.kubernetes.io/restartedAt"_qs, now.toString(Qt::ISODate)}};
                       const QJsonObject patch =
                           nested({u"spec"_qs, u"template"_qs, u"metadata"_qs, u"annotations"_qs},
                                  annotations);
                       const KubeAnswer answer =
                           client.request("PATCH", resource.objectPath(nameSpace, name),
                                          compact(patch), "application/strategic-merge-patch+json",
                                          shared.options().requestTimeoutMs, shared.closing());
                       return failure(shared, generation, answer, what);
                   }));
    return request;
}

quint64 KubeCluster::setImage(const QString& kind, const QString& nameSpace, const QString& name,
                              const QString& container, const QString& image)
{
    const quint64 request = ++d->lastId;
    const QString what = QStringLiteral("set the image of container \"%1\" of %2")
                             .arg(container, describe(kind, nameSpace, name));
    d->call(action(
        request, kind, what,
        [nameSpace, name, container, image, what](ClusterShared& shared, KubeClient& client,
                                                  quint64 generation,
                                                  const ResourceInfo& resource) {
            const QString path = resource.objectPath(nameSpace, name);
            const int timeoutMs = shared.options().requestTimeoutMs;
            const KubeAnswer current = client.get(path, timeoutMs, shared.closing());
            if (QString error = failure(shared, generation, current, what); !error.isEmpty())
                return error;
            const QStringList specPath = podSpecPath(resource.kind);
            QJsonObject podSpec = QJsonDocument::fromJson(current.body).object();
            for (const QString& key : specPath)
                podSpec = podSpec.value(key).toObject();
            QStringList names;
            const QString list = containerList(podSpec, container, &names);
            if (list.isEmpty()) {
                return QStringLiteral("cannot %1: it has no such container (its containers: %2)")
                    .arg(what, names.isEmpty() ? QStringLiteral("none")
                                               : names.join(QStringLiteral(", ")));
            }
            // Strategic merge: the list is merged by name, other containers untouched.
            const QJsonArray containers{QJsonObject{{u"name"_qs, container}, {u"image"_qs, image}}};
            const QJsonObject patch = nested(specPath, QJsonObject{{list, containers}});
            const KubeAnswer answer = client.request("PATCH", path, compact(patch),
                                                     "application/strategic-merge-patch+json",
                                                     timeoutMs, shared.closing());
            return failure(shared, generation, answer, what);
        }));
    return request;
}

quint64 KubeCluster::remove(const QString& kind, const QString& nameSpace, const QString& name)
{
    const quint64 request = ++d->lastId;
    const QString what = QStringLiteral("delete ") + describe(kind, nameSpace, name);
    d->call(action(request, kind, what,
                   [nameSpace, name, what](ClusterShared& shared, KubeClient& client,
                                           quint64 generation, const ResourceInfo& resource) {
                       // As kubectl delete: dependents (a Deployment's ReplicaSets and pods) go
                       // after it.
                       const QJsonObject options{{u"kind"_qs, u"DeleteOptions"_qs},
                                                 {u"apiVersion"_qs, u"v1"_qs},
                                                 {u"propagationPolicy"_qs, u"Background"_qs}};
                       const KubeAnswer answer = client.request(
                           "DELETE", resource.objectPath(nameSpace, name), compact(options),
                           "application/json", shared.options().requestTimeoutMs, shared.closing());
                       return failure(shared, generation, answer, what);
                   }));
    return request;
}

quint64 KubeCluster::read(const QString& kind, const QString& nameSpace, const QString& name)
{
    const quint64 request = ++d->lastId;
    d->call([request, kind, nameSpace, name](ClusterShared& shared, KubeClient& client,
                                             quint64 generation) {
        const QString what = QStringLiteral("read ") + describe(kind, nameSpace, name);
        LiveObject object;
        QString error;
        if (const Result<ResourceInfo> resource = resourceFor(shared, client, kind); !resource) {
            error = QStringLiteral("cannot %1: %2").arg(what, resource.error().toString());
        } else {
            const KubeAnswer answer =
                client.get(resource->objectPath(nameSpace, name), shared.options().requestTimeoutMs,
                           shared.closing());
            error = failure(shared, generation, answer, what);
            if (error.isEmpty())
                object = LiveObject::fromJson(QJsonDocument::fromJson(answer.body).object(),
                                              resource->kind);
        }
        shared.post([request, object, error](KubeCluster* cluster) {
            Q_EMIT cluster->objectRead(request, object, error);
        });
    });
    return request;
}

quint64 KubeCluster::list(const QString& kind, const QString& nameSpace,
                          const QString& labelSelector, const QString& fieldSelector)
{
    const quint64 request = ++d->lastId;
    d->call([request, kind, nameSpace, labelSelector,
             fieldSelector](ClusterShared& shared, KubeClient& client, quint64 generation) {
        QList<LiveObject> objects;
        QString error;
        const Result<ResourceInfo> resource = resourceFor(shared, client, kind);
        if (!resource) {
            error = QStringLiteral("cannot list %1: %2").arg(kind, resource.error().toString());
        } else {
            WatchSpec spec;
            spec.resource = *resource;
            spec.nameSpace = resource->namespaced ? nameSpace : QString();
            spec.labelSelector = labelSelector;
            spec.fieldSelector = fieldSelector;
            ListResult listed = listAll(client, spec, shared.closing());
            if (listed.unreachable)
                shared.lost(generation, listed.error);
            if (listed.error.isEmpty())
                objects = std::move(listed.objects);
            else
                error = QStringLiteral("cannot list %1 on cluster %2: %3")
                            .arg(resource->plural, shared.name(), listed.error);
        }
        shared.post([request, objects, error](KubeCluster* cluster) {
            Q_EMIT cluster->listed(request, objects, error);
        });
    });
    return request;
}

quint64 KubeCluster::podMetrics(const QString& nameSpace)
{
    const quint64 request = ++d->lastId;
    d->call([request, nameSpace](ClusterShared& shared, KubeClient& client, quint64) {
        const PodMetricsAnswer answer = readPodMetrics(client, nameSpace, shared.closing());
        const QString error = answer.error.isEmpty()
                                  ? QString()
                                  : QStringLiteral("cluster %1: %2")
                                        .arg(shared.name(), shared.reasonOf(answer.error));
        shared.post([request, pods = answer.pods, error](KubeCluster* cluster) {
            Q_EMIT cluster->podMetricsRead(request, pods, error);
        });
    });
    return request;
}

} // namespace launchdeck::kube
