// Reaching a registry as the Docker daemon reaches it: its certs.d CA, its insecure registries.
#include "registry/registrylocation.h"

#include "core/ipaddress.h"

#include <QJsonArray>

#include <algorithm>

namespace launchdeck::registry {

namespace {

bool isDockerHub(const QString& host)
{
    return host == u"docker.io" || host == u"index.docker.io" || host == u"registry-1.docker.io";
}

// "127.0.0.1:5000" -> "127.0.0.1", "[::1]:5000" -> "::1", "registry.local" -> itself.
QString hostNameOf(const QString& host)
{
    if (host.startsWith(u'[')) {
        const qsizetype close = host.indexOf(u']');
        return close > 0 ? host.mid(1, close - 1) : host;
    }
    if (host.count(u':') == 1)
        return host.section(u':', 0, 0);
    return host;
}

} // namespace

QStringList insecureRegistriesOf(const QJsonObject& info)
{
    const QJsonObject config = info.value(u"RegistryConfig").toObject();
    QStringList insecure;
    for (const QJsonValue& cidr : config.value(u"InsecureRegistryCIDRs").toArray())
        insecure.append(cidr.toString());
    const QJsonObject indexes = config.value(u"IndexConfigs").toObject();
    for (auto it = indexes.begin(); it != indexes.end(); ++it)
        if (!it.value().toObject().value(u"Secure").toBool(true))
            insecure.append(it.key());
    insecure.removeAll(QString());
    return insecure;
}

bool isInsecureRegistry(const QString& host, const QStringList& insecureRegistries)
{
    if (insecureRegistries.contains(host, Qt::CaseInsensitive))
        return true;
    const QString name = hostNameOf(host);
    const std::optional<IpAddress> address = parseIpAddress(
        name.compare(u"localhost", Qt::CaseInsensitive) == 0 ? QStringLiteral("127.0.0.1") : name);
    if (!address)
        return false;
    return std::any_of(insecureRegistries.begin(), insecureRegistries.end(),
                       [&](const QString& entry) { return isInSubnet(*address, entry); });
}

bool namesRegistryHost(const QString& image)
{
    const qsizetype slash = image.indexOf(u'/');
    if (slash < 0)
        return false;
    const QString first = image.left(slash);
    return first.contains(u'.') || first.contains(u':') || first == u"localhost";
}

QString registryHostOf(const QString& image)
{
    return namesRegistryHost(image) ? image.section(u'/', 0, 0) : QStringLiteral("docker.io");
}

QList<RegistryEndpoint> registryEndpoints(const QString& host, const DaemonRegistryConfig& config)
{
    QList<RegistryEndpoint> endpoints{daemonEndpoint(host, false, config.certsDir)};
    // An insecure registry: TLS without checking who signed the certificate, then plain HTTP.
    if (!isDockerHub(host) && isInsecureRegistry(host, config.insecureRegistries)) {
        endpoints.first().verifyPeer = false;
        endpoints.append(daemonEndpoint(host, true, config.certsDir));
    }
    return endpoints;
}

Result<RegistryEndpoint> reachRegistry(const QString& host, const DaemonRegistryConfig& config,
                                       const std::optional<RegistryCredentials>& credentials,
                                       RegistryFailure* failure)
{
    std::optional<Error> first;
    RegistryFailure firstFailure = RegistryFailure::Protocol;
    for (RegistryEndpoint endpoint : registryEndpoints(host, config)) {
        endpoint.credentials = credentials;
        RegistryClient client(endpoint);
        const Result<bool> answered = client.ping();
        if (answered)
            return endpoint;
        if (!first) {
            first = answered.error();
            firstFailure = client.lastFailure();
        }
        if (client.lastFailure() != RegistryFailure::NotTls)
            break;
    }
    if (failure)
        *failure = firstFailure;
    return *first;
}

} // namespace launchdeck::registry
