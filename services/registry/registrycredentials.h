// A registry's credentials found where the docker CLI finds them, then in the OS keyring where
// Launchdeck's Log in… stores them. The docker CLI's places: the config file
// ($DOCKER_CONFIG/config.json, else ~/.docker/config.json) with its `credHelpers` for the host,
// else its `credsStore`, both through the helper program docker-credential-<name> (`get`, the
// server on standard input), else its `auths` entry (base64 "user:password"). Blocking (reads a
// file, may run a helper): never on the GUI thread. The password is never logged or put in an
// error.
#pragma once

#include "core/result.h"
#include "registry/registryclient.h"
#include "registry/registrykeyring.h"

#include <QProcessEnvironment>
#include <QString>

#include <chrono>
#include <optional>

namespace launchdeck::registry {

struct FoundCredentials
{
    std::optional<RegistryCredentials> credentials; // none: the registry is asked anonymously
    // Where they came from, to show: "docker-credential-pass", "config.json auths", "keyring",
    // or empty.
    QString source;
    // Without credentials: why the keyring gave none, for a log line (empty when not asked).
    QString note;
};

// For `host` ("registry.example.com:5000", "docker.io"), with the variables of `environment`
// (HOME, DOCKER_CONFIG, PATH for the helpers). Fails naming the file or helper: a config file
// that is not JSON, an `auth` that is not base64 "user:password", a helper that is missing,
// fails or answers something else than its JSON.
Result<FoundCredentials> dockerCredentials(const QString& host,
                                           const QProcessEnvironment& environment);

// The docker CLI's credentials for `host` when it has any, else those Launchdeck stored in the
// keyring (source "keyring"); a keyring that is absent or does not answer within
// `keyringTimeout` means no credentials, with a note. Fails only as dockerCredentials fails.
Result<FoundCredentials>
registryCredentials(const QString& host, const QProcessEnvironment& environment,
                    std::chrono::milliseconds keyringTimeout = kKeyringTimeout);

// The server name the docker CLI stores a host's credentials under: Docker Hub's
// "https://index.docker.io/v1/", else the host itself.
QString credentialServer(const QString& host);

} // namespace launchdeck::registry
