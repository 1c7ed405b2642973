// The Secret Service for tests: gnome-keyring-daemon on the process's bus (a PrivateBus), its
// login keyring under XDG_DATA_HOME, created on the first start and unlocked on every start.
#pragma once

#include "fakes/privatebus.h"

#include <QByteArray>
#include <QDBusMessage>
#include <QString>
#include <QVariantList>

#include <memory>
#include <optional>

class QProcess;

namespace launchdeck::test {

class SecretService final
{
public:
    SecretService();
    // Kills the daemon by its process id.
    ~SecretService();
    SecretService(const SecretService&) = delete;
    SecretService& operator=(const SecretService&) = delete;

    // Starts gnome-keyring-daemon (secrets component only) with the keyring's password on its
    // standard input and waits up to 15 s until the default collection is unlocked; on failure
    // says why, with the daemon's output. After stop() it opens the same keyring files again.
    bool start(QString* error = nullptr);
    // SIGKILL, then waits up to 10 s for org.freedesktop.secrets to leave the bus, so that the
    // next start() can claim it; on failure says why.
    bool stop(QString* error = nullptr);
    // SIGSTOP: a service that keeps its name on the bus and answers nothing.
    void freeze();
    // SIGKILL alone, as a crash would, without waiting for anything.
    void kill();
    bool isRunning() const;
    qint64 processId() const;

    // A blocking call (5 s) to org.freedesktop.secrets on QDBusConnection::sessionBus().
    static QDBusMessage call(const QString& path, const QString& interface, const QString& method,
                             const QVariantList& arguments);
    // The object path of the collection the "default" alias names (where libsecret and so
    // QtKeychain write), or empty.
    static QString defaultCollection();
    static std::optional<bool> collectionLocked(const QString& collection);

private:
    std::unique_ptr<QProcess> m_process;
    const QByteArray m_password;
};

// A test's own keyring, apart from the user's: HOME and the XDG folders under `home` (useOwnHome,
// with `alsoUnset`), then `bus` and `keyring` on it; false with why on failure.
bool startOwnKeyring(const QString& home, PrivateBus& bus, SecretService& keyring, QString* error,
                     std::initializer_list<const char*> alsoUnset = {});

} // namespace launchdeck::test
