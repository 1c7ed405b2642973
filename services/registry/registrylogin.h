// Logging in to a registry as the console does it: the registry reached as the Docker daemon
// reaches it (its certs.d CA, or plain HTTP for an insecure registry), the user name and
// password checked against it, and only then stored in the keyring; logging out removes them.
// Blocking (the registry, the keyring): call from a worker thread, never the GUI's.
#pragma once

#include "core/result.h"
#include "registry/registryclient.h"
#include "registry/registrykeyring.h"

#include <QString>

#include <chrono>

namespace launchdeck::registry {

// Where the Docker daemon reads the CA of each registry: /etc/docker/certs.d.
QString defaultCertificatesFolder();

// "https://registry.example.com:5000/" and " registry.example.com:5000 " name
// "registry.example.com:5000"; Docker Hub's names are "docker.io".
QString normalizedRegistryHost(const QString& text);

// The endpoint the Docker daemon would use for `host`: plain HTTP when `insecure`, else TLS
// trusting `certificatesFolder`/HOST/ca.crt besides the system's authorities when that file is
// there. Without credentials.
RegistryEndpoint daemonEndpoint(const QString& host, bool insecure,
                                const QString& certificatesFolder = defaultCertificatesFolder());

// Checks `endpoint.credentials` against the registry (GET /v2/ signed in) and, when it accepts
// them, stores them in the keyring under the endpoint's host. Fails in the registry's words
// (a refused password names the user, never the password) or the keyring's, storing nothing
// when the registry refused. On success says what was done, for the user.
Result<QString> logInToRegistry(const RegistryEndpoint& endpoint,
                                std::chrono::milliseconds keyringTimeout = kKeyringTimeout);

// Removes the keyring's credentials for `host`; says what was done (also when there were none).
Result<QString> logOutOfRegistry(const QString& host,
                                 std::chrono::milliseconds keyringTimeout = kKeyringTimeout);

} // namespace launchdeck::registry
