// JSON of the Docker Engine API 1.41 to value types and back.
#include "docker/dockerjson.h"

namespace launchdeck::docker {

namespace {

QString str(const QJsonObject& object, const char* key)
{
    return object.value(QLatin1String(key)).toString();
}

QMap<QString, QString> stringMap(const QJsonValue& value)
{
    QMap<QString, QString> map;
    const QJsonObject object = value.toObject();
    for (auto it = object.begin(); it != object.end(); ++it)
        map.insert(it.key(), it.value().toString());
    return map;
}

QJsonArray stringArray(const QStringList& list)
{
    QJsonArray array;
    for (const QString& item : list)
        array.append(item);
    return array;
}

QJsonObject stringObject(const QMap<QString, QString>& map)
{
    QJsonObject object;
    for (auto it = map.begin(); it != map.end(); ++it)
        object.insert(it.key(), it.value());
    return object;
}

// Health is only in the status text of a list entry: "Up 5 minutes (healthy)".
QString healthFromStatus(const QString& status)
{
    for (const char* health : {"(healthy)", "(unhealthy)", "(health: starting)"}) {
        if (status.contains(QLatin1String(health))) {
            QString word = QLatin1String(health);
            word.remove(u'(').remove(u')').remove(QLatin1String("health: "));
            return word;
        }
    }
    return {};
}

constexpr qint64 nanosecondsPerMillisecond = 1000000;

} // namespace

DockerVersion versionFromJson(const QJsonObject& object)
{
    return DockerVersion{str(object, "ApiVersion"), str(object, "MinAPIVersion"),
                         str(object, "Version"), str(object, "Os"), str(object, "Arch")};
}

DockerContainer containerFromJson(const QJsonObject& object)
{
    DockerContainer container;
    container.id = str(object, "Id");
    const QJsonArray names = object.value(QLatin1String("Names")).toArray();
    if (!names.isEmpty())
        container.name = names.first().toString().mid(1);
    container.image = str(object, "Image");
    container.imageId = str(object, "ImageID");
    container.command = str(object, "Command");
    container.state = str(object, "State");
    container.status = str(object, "Status");
    container.health = healthFromStatus(container.status);
    container.created =
        QDateTime::fromSecsSinceEpoch(object.value(QLatin1String("Created")).toInteger(), Qt::UTC);
    container.labels = stringMap(object.value(QLatin1String("Labels")));
    for (const QJsonValue& value : object.value(QLatin1String("Ports")).toArray()) {
        const QJsonObject port = value.toObject();
        container.ports.append(DockerPortMapping{
            static_cast<int>(port.value(QLatin1String("PrivatePort")).toInteger()),
            str(port, "Type"), str(port, "IP"),
            static_cast<int>(port.value(QLatin1String("PublicPort")).toInteger())});
    }
    return container;
}

DockerImage imageFromJson(const QJsonObject& object)
{
    DockerImage image;
    image.id = str(object, "Id");
    for (const QJsonValue& tag : object.value(QLatin1String("RepoTags")).toArray())
        image.repoTags.append(tag.toString());
    image.sizeBytes = object.value(QLatin1String("Size")).toInteger();
    image.created =
        QDateTime::fromSecsSinceEpoch(object.value(QLatin1String("Created")).toInteger(), Qt::UTC);
    return image;
}

DockerNetwork networkFromJson(const QJsonObject& object)
{
    return DockerNetwork{str(object, "Id"), str(object, "Name"), str(object, "Driver"),
                         str(object, "Scope")};
}

DockerVolume volumeFromJson(const QJsonObject& object)
{
    return DockerVolume{str(object, "Name"), str(object, "Driver"), str(object, "Mountpoint")};
}

DockerEvent eventFromJson(const QJsonObject& object)
{
    DockerEvent event;
    event.type = str(object, "Type");
    event.action = str(object, "Action");
    const QJsonObject actor = object.value(QLatin1String("Actor")).toObject();
    event.actorId = str(actor, "ID");
    event.attributes = stringMap(actor.value(QLatin1String("Attributes")));
    const qint64 nanos = object.value(QLatin1String("timeNano")).toInteger();
    event.time =
        nanos > 0 ? QDateTime::fromMSecsSinceEpoch(nanos / nanosecondsPerMillisecond, Qt::UTC)
                  : QDateTime::fromSecsSinceEpoch(object.value(QLatin1String("time")).toInteger(),
                                                  Qt::UTC);
    return event;
}

QJsonObject containerCreateBody(const DockerContainerSpec& spec)
{
    QJsonObject body;
    body.insert(QLatin1String("Image"), spec.image);
    if (!spec.cmd.isEmpty())
        body.insert(QLatin1String("Cmd"), stringArray(spec.cmd));
    if (!spec.entrypoint.isEmpty())
        body.insert(QLatin1String("Entrypoint"), stringArray(spec.entrypoint));
    if (!spec.env.isEmpty()) {
        QStringList env;
        for (auto it = spec.env.begin(); it != spec.env.end(); ++it)
            env.append(it.key() + u'=' + it.value());
        body.insert(QLatin1String("Env"), stringArray(env));
    }
    if (!spec.labels.isEmpty())
        body.insert(QLatin1String("Labels"), stringObject(spec.labels));
    body.insert(QLatin1String("Tty"), spec.tty);

    QJsonObject hostConfig;
    if (!spec.ports.isEmpty()) {
        QJsonObject exposed;
        QJsonObject bindings;
        for (const DockerPortMapping& port : spec.ports) {
            const QString key = QString::number(port.containerPort) + u'/' +
                                (port.protocol.isEmpty() ? QStringLiteral("tcp") : port.protocol);
            exposed.insert(key, QJsonObject());
            if (port.hostPort > 0 || port.publish) {
                QJsonArray list = bindings.value(key).toArray();
                // An empty HostPort lets the daemon pick a free one.
                list.append(QJsonObject{
                    {QLatin1String("HostIp"), port.hostIp},
                    {QLatin1String("HostPort"),
                     port.hostPort > 0 ? QString::number(port.hostPort) : QString()}});
                bindings.insert(key, list);
            }
        }
        body.insert(QLatin1String("ExposedPorts"), exposed);
        if (!bindings.isEmpty())
            hostConfig.insert(QLatin1String("PortBindings"), bindings);
    }
    if (spec.healthcheck) {
        const DockerHealthcheck& check = *spec.healthcheck;
        body.insert(
            QLatin1String("Healthcheck"),
            QJsonObject{
                {QLatin1String("Test"), stringArray(check.test)},
                {QLatin1String("Interval"), check.intervalMs * nanosecondsPerMillisecond},
                {QLatin1String("Timeout"), check.timeoutMs * nanosecondsPerMillisecond},
                {QLatin1String("StartPeriod"), check.startPeriodMs * nanosecondsPerMillisecond},
                {QLatin1String("Retries"), check.retries},
            });
    }
    if (spec.memoryBytes > 0)
        hostConfig.insert(QLatin1String("Memory"), spec.memoryBytes);
    if (spec.cpus > 0)
        hostConfig.insert(QLatin1String("NanoCpus"), qint64(spec.cpus * 1e9));
    if (!spec.restartPolicy.isEmpty()) {
        QJsonObject policy{{QLatin1String("Name"), spec.restartPolicy}};
        if (spec.restartPolicy == u"on-failure")
            policy.insert(QLatin1String("MaximumRetryCount"), spec.restartMaxRetries);
        hostConfig.insert(QLatin1String("RestartPolicy"), policy);
    }
    if (!spec.networkMode.isEmpty())
        hostConfig.insert(QLatin1String("NetworkMode"), spec.networkMode);
    if (!hostConfig.isEmpty())
        body.insert(QLatin1String("HostConfig"), hostConfig);
    return body;
}

} // namespace launchdeck::docker
