// A private D-Bus bus for tests: a dbus-daemon of the test's own with the policy of a user's
// desktop bus but no activatable services, so only what the test starts answers on it.
#pragma once

#include <QByteArray>
#include <QString>
#include <QTemporaryDir>

#include <initializer_list>
#include <memory>
#include <optional>

class QProcess;

namespace launchdeck::test {

// Nothing of the test may reach the user's keyring, desktop or docker configuration: HOME and the
// XDG folders become folders under `folder` (XDG_RUNTIME_DIR private to the user), and the
// variables of a desktop session (which would make QtKeychain prefer KWallet), a keyring
// control socket and DOCKER_CONFIG are unset, with `alsoUnset`. False when a folder could not be
// made.
bool useOwnHome(const QString& folder, std::initializer_list<const char*> alsoUnset = {});

class PrivateBus final
{
public:
    PrivateBus();
    // stop(), and DBUS_SESSION_BUS_ADDRESS as it was before start().
    ~PrivateBus();
    PrivateBus(const PrivateBus&) = delete;
    PrivateBus& operator=(const PrivateBus&) = delete;

    // Starts dbus-daemon, points DBUS_SESSION_BUS_ADDRESS at it and checks that
    // QDBusConnection::sessionBus() reaches it; on failure says why. Call it before anything in
    // the process uses D-Bus: Qt and GLib each read the address only once.
    bool start(QString* error = nullptr);
    // SIGTERM to the daemon by its process id, SIGKILL if it is still there after 5 s.
    void stop();
    bool isRunning() const;

    qint64 processId() const;
    // The address the daemon printed ("unix:path=...,guid=..."); empty before start().
    QString address() const { return QString::fromUtf8(m_address); }

private:
    bool writeConfig(const QString& path, QString* error) const;

    QTemporaryDir m_dir;
    std::unique_ptr<QProcess> m_process;
    QByteArray m_address;
    std::optional<QByteArray> m_previousAddress; // set once start() has replaced the variable
};

} // namespace launchdeck::test
