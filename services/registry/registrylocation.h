// Where an image's registry is and how to reach it the way the Docker daemon does: the host an
// image reference names, HTTPS trusting the daemon's certs.d/HOST/ca.crt besides the system's
// authorities, plain HTTP for a registry the daemon counts as insecure (its insecure registries,
// names and CIDRs, as GET /info reports them), Docker Hub's API for "docker.io".
#pragma once

#include "core/result.h"
#include "registry/registryclient.h"
#include "registry/registrylogin.h"

#include <QJsonObject>
#include <QList>
#include <QString>
#include <QStringList>

#include <optional>

namespace launchdeck::registry {

// What the daemon knows about reaching registries.
struct DaemonRegistryConfig
{
    QString certsDir = defaultCertificatesFolder(); // HOST/ca.crt under it
    // Hosts ("registry.local:5000") and CIDRs ("127.0.0.0/8") the daemon reaches without a
    // verified certificate, falling back to plain HTTP.
    QStringList insecureRegistries;
};

// The insecure registries of a daemon's GET /info answer: RegistryConfig's
// InsecureRegistryCIDRs and the IndexConfigs it does not count Secure.
QStringList insecureRegistriesOf(const QJsonObject& info);

// Whether the daemon counts `host` ("127.0.0.1:5000") insecure: named among `insecureRegistries`,
// or an address (localhost as 127.0.0.1) within one of their CIDRs.
bool isInsecureRegistry(const QString& host, const QStringList& insecureRegistries);

// The registry an image reference names: "127.0.0.1:5000/shop/web:1.0" -> "127.0.0.1:5000";
// "shop/web:1.0" and "nginx" -> "docker.io". For a name without tag or digest,
// parseImageRepository says the same and the repository besides.
QString registryHostOf(const QString& image);
// The reference spells out its registry ("registry:5000/shop/web", "docker.io/shop/web")
// rather than leaving Docker Hub implied.
bool namesRegistryHost(const QString& image);
// The ways the daemon tries `host`, in its order (daemonEndpoint's): HTTPS, trusting
// certs.d/HOST/ca.crt when it exists; for an insecure registry HTTPS whoever signed its
// certificate, then plain HTTP. One HTTPS endpoint for Docker Hub.
QList<RegistryEndpoint> registryEndpoints(const QString& host, const DaemonRegistryConfig& config);

// The first of those endpoints whose /v2/ answers, with `credentials` set on it. Plain HTTP is
// tried only when HTTPS finds a plain HTTP server on the port, as that is the one failure the
// daemon's fallback cures here. Fails with the first failure in the registry's words; `failure`
// (may be null) then sorts it.
Result<RegistryEndpoint> reachRegistry(const QString& host, const DaemonRegistryConfig& config,
                                       const std::optional<RegistryCredentials>& credentials,
                                       RegistryFailure* failure = nullptr);

} // namespace launchdeck::registry
