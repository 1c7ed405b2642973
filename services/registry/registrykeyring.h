// Registry credentials in the OS keyring (the Secret Service, KWallet, … through QtKeychain):
// service "launchdeck", the registry's host as the key, the user name and password as a small
// JSON object as the value. Every call blocks its caller, on any thread, for at most its
// timeout: the keyring's job runs in the application's thread while the caller waits in a local
// event loop, so a keyring that is absent or answers nothing costs the timeout, never a hang.
// Neither a note nor an error ever holds the password.
#pragma once

#include "core/result.h"
#include "registry/registryclient.h"

#include <QString>

#include <chrono>
#include <optional>

namespace launchdeck::registry {

// The keyring service the console stores its secrets under (pipeline secrets too).
inline const QString kKeyringService = QStringLiteral("launchdeck");
inline constexpr std::chrono::milliseconds kKeyringTimeout{5000};

struct KeyringCredentials
{
    std::optional<RegistryCredentials> credentials;
    // Without credentials: why ("no credentials for HOST in the keyring", "no keyring answered
    // within 5000 ms", …), for a log line.
    QString note;
};

// The key a host's credentials are stored under: Docker Hub's names all mean "docker.io".
QString keyringKey(const QString& host);

KeyringCredentials readKeyringCredentials(const QString& host,
                                          std::chrono::milliseconds timeout = kKeyringTimeout);
// Replaces what the keyring held for `host`.
Result<bool> storeKeyringCredentials(const QString& host, const RegistryCredentials& credentials,
                                     std::chrono::milliseconds timeout = kKeyringTimeout);
// True when the keyring held credentials for `host`, false when it held none.
Result<bool> deleteKeyringCredentials(const QString& host,
                                      std::chrono::milliseconds timeout = kKeyringTimeout);

} // namespace launchdeck::registry
