// Log in and log out: the registry's check, then the keyring.
#include "registry/registrylogin.h"

#include <QDir>
#include <QFileInfo>

namespace launchdeck::registry {

QString defaultCertificatesFolder()
{
    return QStringLiteral("/etc/docker/certs.d");
}

QString normalizedRegistryHost(const QString& text)
{
    QString host = text.trimmed();
    if (const qsizetype scheme = host.indexOf(QStringLiteral("://")); scheme >= 0)
        host = host.mid(scheme + 3);
    host = host.section(u'/', 0, 0);
    return keyringKey(host);
}

RegistryEndpoint daemonEndpoint(const QString& host, bool insecure,
                                const QString& certificatesFolder)
{
    RegistryEndpoint endpoint;
    endpoint.host = host;
    endpoint.insecure = insecure;
    if (!insecure && !certificatesFolder.isEmpty()) {
        const QString ca = QDir(certificatesFolder).filePath(host + QStringLiteral("/ca.crt"));
        if (QFileInfo(ca).isFile())
            endpoint.caFile = ca;
    }
    return endpoint;
}

Result<QString> logInToRegistry(const RegistryEndpoint& endpoint,
                                std::chrono::milliseconds keyringTimeout)
{
    if (!endpoint.credentials || endpoint.credentials->username.isEmpty())
        return Error{QStringLiteral("logging in to %1 needs a user name").arg(endpoint.host),
                     endpoint.host};
    if (endpoint.credentials->password.isEmpty())
        return Error{QStringLiteral("logging in to %1 needs a password").arg(endpoint.host),
                     endpoint.host};
    RegistryClient client(endpoint);
    const Result<bool> answered = client.ping();
    if (!answered)
        return answered.error();
    const Result<bool> stored =
        storeKeyringCredentials(endpoint.host, *endpoint.credentials, keyringTimeout);
    if (!stored)
        return Error{
            QStringLiteral("registry %1 accepted the password of %2, but %3")
                .arg(endpoint.host, endpoint.credentials->username, stored.error().message),
            endpoint.host};
    return QStringLiteral("logged in to %1 as %2; the credentials are in the keyring")
        .arg(endpoint.host, endpoint.credentials->username);
}

Result<QString> logOutOfRegistry(const QString& host, std::chrono::milliseconds keyringTimeout)
{
    const Result<bool> removed = deleteKeyringCredentials(host, keyringTimeout);
    if (!removed)
        return removed.error();
    return *removed ? QStringLiteral("logged out of %1; its credentials left the keyring").arg(host)
                    : QStringLiteral("the keyring held no credentials for %1").arg(host);
}

} // namespace launchdeck::registry
