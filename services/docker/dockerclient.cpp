// The Docker Engine API calls behind DockerClient.
#include "docker/dockerclient.h"

#include "docker/dockerjson.h"
#include "docker/dockerstatsmath.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QUrl>
#include <QVersionNumber>

namespace launchdeck {

namespace {

QString encoded(const QString& value)
{
    return QString::fromLatin1(QUrl::toPercentEncoding(value));
}

template <typename T, typename Convert>
Result<QList<T>> convertArray(const Result<QJsonArray>& array, Convert convert)
{
    if (!array)
        return array.error();
    QList<T> list;
    list.reserve(array->size());
    for (const QJsonValue& value : *array)
        list.append(convert(value.toObject()));
    return list;
}

} // namespace

DockerClient::DockerClient(DockerEndpoint endpoint)
    : m_transport(std::move(endpoint))
{}

Result<DockerResponse> DockerClient::call(const QByteArray& method, const QString& pathAndQuery,
                                          const QString& what, const QByteArray& body)
{
    Result<DockerResponse> response = m_transport.send(method, pathAndQuery, body);
    if (response && response->status >= 400) {
        return docker::detail::httpError(
            response->status, response->body, what,
            docker::detail::requestName(endpoint(), method, pathAndQuery));
    }
    return response;
}

Result<QJsonObject> DockerClient::object(const QString& path, const QString& what)
{
    const Result<DockerResponse> response = call("GET", path, what);
    if (!response)
        return response.error();
    QJsonParseError parseError;
    const QJsonDocument document = QJsonDocument::fromJson(response->body, &parseError);
    if (!document.isObject()) {
        return Error{QStringLiteral("cannot %1: the answer is not a JSON object (%2)")
                         .arg(what, parseError.errorString()),
                     docker::detail::requestName(endpoint(), "GET", path)};
    }
    return document.object();
}

Result<QJsonArray> DockerClient::array(const QString& path, const QString& what)
{
    const Result<DockerResponse> response = call("GET", path, what);
    if (!response)
        return response.error();
    QJsonParseError parseError;
    const QJsonDocument document = QJsonDocument::fromJson(response->body, &parseError);
    if (!document.isArray()) {
        return Error{QStringLiteral("cannot %1: the answer is not a JSON array (%2)")
                         .arg(what, parseError.errorString()),
                     docker::detail::requestName(endpoint(), "GET", path)};
    }
    return document.array();
}

Result<bool> DockerClient::action(const QString& pathAndQuery, const QString& what)
{
    const Result<DockerResponse> response = call("POST", pathAndQuery, what);
    if (!response)
        return response.error();
    return response->status != 304;
}

Result<bool> DockerClient::ping()
{
    const Result<DockerResponse> response =
        call("GET", QStringLiteral("/_ping"), QStringLiteral("ping the Docker daemon"));
    if (!response)
        return response.error();
    return response->body.trimmed() == "OK";
}

Result<DockerVersion> DockerClient::negotiate()
{
    m_transport.setApiVersion({});
    const Result<bool> alive = ping();
    if (!alive)
        return alive.error();
    const Result<QJsonObject> answer =
        object(QStringLiteral("/version"), QStringLiteral("read the Docker daemon's version"));
    if (!answer)
        return answer.error();
    const DockerVersion version = docker::versionFromJson(*answer);

    const QVersionNumber ours = QVersionNumber::fromString(maxApiVersion());
    const QVersionNumber theirs = QVersionNumber::fromString(version.apiVersion);
    const QVersionNumber theirMinimum = QVersionNumber::fromString(version.minApiVersion);
    if (theirs.isNull()) {
        return Error{QStringLiteral("the Docker daemon did not say which API version it speaks"),
                     endpoint().toString()};
    }
    if (!theirMinimum.isNull() && ours < theirMinimum) {
        return Error{QStringLiteral("the Docker daemon needs API %1 or newer; this console "
                                    "speaks up to %2")
                         .arg(version.minApiVersion, maxApiVersion()),
                     endpoint().toString()};
    }
    m_transport.setApiVersion(theirs < ours ? version.apiVersion : maxApiVersion());
    return version;
}

Result<QList<DockerContainer>> DockerClient::containers(bool all, const QJsonObject& filters)
{
    QString path = QStringLiteral("/containers/json?all=") + (all ? u'1' : u'0');
    if (!filters.isEmpty()) {
        path += QStringLiteral("&filters=") +
                encoded(QString::fromUtf8(QJsonDocument(filters).toJson(QJsonDocument::Compact)));
    }
    return convertArray<DockerContainer>(array(path, QStringLiteral("list containers")),
                                         &docker::containerFromJson);
}

Result<QJsonObject> DockerClient::inspectContainer(const QString& idOrName)
{
    return object(QStringLiteral("/containers/") + encoded(idOrName) + QStringLiteral("/json"),
                  QStringLiteral("inspect container ") + idOrName);
}

Result<QString> DockerClient::createContainer(const DockerContainerSpec& spec)
{
    QString path = QStringLiteral("/containers/create");
    if (!spec.name.isEmpty())
        path += QStringLiteral("?name=") + encoded(spec.name);
    const QByteArray body =
        QJsonDocument(docker::containerCreateBody(spec)).toJson(QJsonDocument::Compact);
    const QString what = QStringLiteral("create container ") +
                         (spec.name.isEmpty() ? QStringLiteral("from ") + spec.image : spec.name);
    const Result<DockerResponse> response = call("POST", path, what, body);
    if (!response)
        return response.error();
    const QString id =
        QJsonDocument::fromJson(response->body).object().value(QLatin1String("Id")).toString();
    if (id.isEmpty())
        return Error{QStringLiteral("cannot %1: the answer has no Id").arg(what),
                     docker::detail::requestName(endpoint(), "POST", path)};
    return id;
}

Result<bool> DockerClient::startContainer(const QString& idOrName)
{
    return action(QStringLiteral("/containers/") + encoded(idOrName) + QStringLiteral("/start"),
                  QStringLiteral("start container ") + idOrName);
}

Result<bool> DockerClient::stopContainer(const QString& idOrName, int timeoutSeconds)
{
    // The wait for the container to stop is the daemon's; the request must outlast it.
    m_transport.setTimeout(std::chrono::seconds(timeoutSeconds + 30));
    Result<bool> result = action(QStringLiteral("/containers/") + encoded(idOrName) +
                                     QStringLiteral("/stop?t=") + QString::number(timeoutSeconds),
                                 QStringLiteral("stop container ") + idOrName);
    m_transport.setTimeout(std::chrono::seconds(30));
    return result;
}

Result<bool> DockerClient::restartContainer(const QString& idOrName, int timeoutSeconds)
{
    m_transport.setTimeout(std::chrono::seconds(timeoutSeconds + 30));
    Result<bool> result =
        action(QStringLiteral("/containers/") + encoded(idOrName) + QStringLiteral("/restart?t=") +
                   QString::number(timeoutSeconds),
               QStringLiteral("restart container ") + idOrName);
    m_transport.setTimeout(std::chrono::seconds(30));
    return result;
}

Result<bool> DockerClient::pauseContainer(const QString& idOrName)
{
    return action(QStringLiteral("/containers/") + encoded(idOrName) + QStringLiteral("/pause"),
                  QStringLiteral("pause container ") + idOrName);
}

Result<bool> DockerClient::unpauseContainer(const QString& idOrName)
{
    return action(QStringLiteral("/containers/") + encoded(idOrName) + QStringLiteral("/unpause"),
                  QStringLiteral("unpause container ") + idOrName);
}

Result<bool> DockerClient::renameContainer(const QString& idOrName, const QString& newName)
{
    return action(QStringLiteral("/containers/") + encoded(idOrName) +
                      QStringLiteral("/rename?name=") + encoded(newName),
                  QStringLiteral("rename container %1 to %2").arg(idOrName, newName));
}

Result<bool> DockerClient::removeContainer(const QString& idOrName, bool force, bool removeVolumes)
{
    const QString path = QStringLiteral("/containers/") + encoded(idOrName) +
                         QStringLiteral("?force=") + (force ? u'1' : u'0') + QStringLiteral("&v=") +
                         (removeVolumes ? u'1' : u'0');
    const Result<DockerResponse> response =
        call("DELETE", path, QStringLiteral("remove container ") + idOrName);
    if (!response)
        return response.error();
    return response->status != 304;
}

Result<QList<DockerImage>> DockerClient::images()
{
    return convertArray<DockerImage>(
        array(QStringLiteral("/images/json"), QStringLiteral("list images")),
        &docker::imageFromJson);
}

Result<bool> DockerClient::removeImage(const QString& idOrName, bool force)
{
    const Result<DockerResponse> response =
        call("DELETE",
             QStringLiteral("/images/") + encoded(idOrName) + QStringLiteral("?force=") +
                 (force ? u'1' : u'0'),
             QStringLiteral("remove image ") + idOrName);
    if (!response)
        return response.error();
    return true;
}

Result<QList<DockerNetwork>> DockerClient::networks()
{
    return convertArray<DockerNetwork>(
        array(QStringLiteral("/networks"), QStringLiteral("list networks")),
        &docker::networkFromJson);
}

Result<QList<DockerVolume>> DockerClient::volumes()
{
    const Result<QJsonObject> answer =
        object(QStringLiteral("/volumes"), QStringLiteral("list volumes"));
    if (!answer)
        return answer.error();
    return convertArray<DockerVolume>(answer->value(QLatin1String("Volumes")).toArray(),
                                      &docker::volumeFromJson);
}

Result<QJsonObject> DockerClient::info()
{
    return object(QStringLiteral("/info"), QStringLiteral("read the daemon's info"));
}

Result<std::optional<QJsonObject>> DockerClient::inspectImage(const QString& nameOrId)
{
    const QString path = QStringLiteral("/images/") + encoded(nameOrId) + QStringLiteral("/json");
    const Result<DockerResponse> response = m_transport.send("GET", path, {});
    if (!response)
        return response.error();
    if (response->status == 404)
        return std::optional<QJsonObject>();
    if (response->status >= 400) {
        return docker::detail::httpError(response->status, response->body,
                                         QStringLiteral("inspect image ") + nameOrId,
                                         docker::detail::requestName(endpoint(), "GET", path));
    }
    const QJsonDocument document = QJsonDocument::fromJson(response->body);
    if (!document.isObject()) {
        return Error{QStringLiteral("cannot inspect image %1: the answer is not a JSON object")
                         .arg(nameOrId),
                     docker::detail::requestName(endpoint(), "GET", path)};
    }
    return std::optional<QJsonObject>(document.object());
}

Result<bool> DockerClient::ensureNetwork(const QString& name, const QMap<QString, QString>& labels)
{
    const Result<QList<DockerNetwork>> known = networks();
    if (!known)
        return known.error();
    for (const DockerNetwork& network : *known) {
        if (network.name == name)
            return false;
    }
    QJsonObject labelObject;
    for (auto it = labels.begin(); it != labels.end(); ++it)
        labelObject.insert(it.key(), it.value());
    const QJsonObject body{{QLatin1String("Name"), name},
                           {QLatin1String("Driver"), QStringLiteral("bridge")},
                           {QLatin1String("CheckDuplicate"), true},
                           {QLatin1String("Labels"), labelObject}};
    const Result<DockerResponse> response =
        call("POST", QStringLiteral("/networks/create"), QStringLiteral("create network ") + name,
             QJsonDocument(body).toJson(QJsonDocument::Compact));
    if (!response)
        return response.error();
    return true;
}

Result<DockerStatsSample> DockerClient::statsOnce(const QString& idOrName)
{
    const QString path = QStringLiteral("/containers/") + encoded(idOrName) +
                         QStringLiteral("/stats?stream=false");
    const Result<QJsonObject> frame =
        object(path, QStringLiteral("read the stats of container ") + idOrName);
    if (!frame)
        return frame.error();
    return docker::statsSampleFromJson(*frame, idOrName);
}

std::optional<int> publishedHostPort(const QJsonObject& inspect, int containerPort)
{
    const QJsonObject ports = inspect.value(QLatin1String("NetworkSettings"))
                                  .toObject()
                                  .value(QLatin1String("Ports"))
                                  .toObject();
    const QJsonArray bindings =
        ports.value(QString::number(containerPort) + QStringLiteral("/tcp")).toArray();
    for (const QJsonValue& binding : bindings) {
        bool ok = false;
        const int port =
            binding.toObject().value(QLatin1String("HostPort")).toString().toInt(&ok);
        if (ok && port > 0)
            return port;
    }
    return std::nullopt;
}

} // namespace launchdeck
