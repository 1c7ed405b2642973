// A private D-Bus bus for tests: dbus-daemon with a generated configuration.
#include "fakes/privatebus.h"

#include <QDBusConnection>
#include <QDBusConnectionInterface>
#include <QDBusError>
#include <QDeadlineTimer>
#include <QDir>
#include <QFile>
#include <QProcess>
#include <QRandomGenerator>
#include <QStandardPaths>

#include <csignal>
#include <sys/prctl.h>

using namespace std::chrono_literals;

namespace launchdeck::test {

bool useOwnHome(const QString& folder, std::initializer_list<const char*> alsoUnset)
{
    for (const char* name :
         {"XDG_DATA_HOME", "XDG_CONFIG_HOME", "XDG_CACHE_HOME", "XDG_RUNTIME_DIR"}) {
        const QString dir = QDir(folder).filePath(QString::fromLatin1(name).toLower());
        if (!QDir().mkpath(dir))
            return false;
        qputenv(name, QFile::encodeName(dir));
    }
    if (!QFile::setPermissions(QString::fromLocal8Bit(qgetenv("XDG_RUNTIME_DIR")),
                               QFile::ReadOwner | QFile::WriteOwner | QFile::ExeOwner))
        return false;
    qputenv("HOME", QFile::encodeName(folder));
    for (const char* name :
         {"XDG_CURRENT_DESKTOP", "DESKTOP_SESSION", "KDE_FULL_SESSION", "GNOME_DESKTOP_SESSION_ID",
          "DISPLAY", "WAYLAND_DISPLAY", "GNOME_KEYRING_CONTROL", "DOCKER_CONFIG"})
        qunsetenv(name);
    for (const char* name : alsoUnset)
        qunsetenv(name);
    return true;
}

namespace {

void fail(QString* error, const QString& reason)
{
    if (error)
        *error = reason;
}

} // namespace

PrivateBus::PrivateBus() = default;

PrivateBus::~PrivateBus()
{
    stop();
    if (m_previousAddress) {
        if (m_previousAddress->isNull())
            qunsetenv("DBUS_SESSION_BUS_ADDRESS");
        else
            qputenv("DBUS_SESSION_BUS_ADDRESS", *m_previousAddress);
    }
}

// The policy of dbus-daemon's own per-user configuration, without its service directories:
// nothing is activated on demand, so no system keyring, no
// password prompter and no notification daemon of the machine's can answer.
bool PrivateBus::writeConfig(const QString& path, QString* error) const
{
    const QString socketDir = m_dir.filePath(QStringLiteral("socket"));
    QFile file(path);
    if (!QDir().mkpath(socketDir) || !file.open(QIODevice::WriteOnly)) {
        fail(error, QStringLiteral("cannot write the bus configuration %1").arg(path));
        return false;
    }
    file.write(QStringLiteral("<busconfig>\n"
                              "  <type>session</type>\n"
                              "  <listen>unix:dir=%1</listen>\n"
                              "  <auth>EXTERNAL</auth>\n"
                              "  <policy context=\"default\">\n"
                              "    <allow send_destination=\"*\" eavesdrop=\"true\"/>\n"
                              "    <allow eavesdrop=\"true\"/>\n"
                              "    <allow own=\"*\"/>\n"
                              "  </policy>\n"
                              "</busconfig>\n")
                   .arg(socketDir)
                   .toUtf8());
    return true;
}

bool PrivateBus::start(QString* error)
{
    if (isRunning())
        return true;
    if (!m_dir.isValid()) {
        fail(error, QStringLiteral("cannot create a temporary folder for the bus: %1")
                        .arg(m_dir.errorString()));
        return false;
    }
    const QString program = QStandardPaths::findExecutable(QStringLiteral("dbus-daemon"));
    if (program.isEmpty()) {
        fail(error, QStringLiteral("dbus-daemon is not installed (see packaging/install-deps.sh)"));
        return false;
    }
    const QString config = m_dir.filePath(QStringLiteral("bus.conf"));
    if (!writeConfig(config, error))
        return false;

    m_process = std::make_unique<QProcess>();
    // A test that crashes takes its bus with it.
    m_process->setChildProcessModifier([] { prctl(PR_SET_PDEATHSIG, SIGKILL); });
    m_process->start(program, {QStringLiteral("--config-file=") + config,
                               QStringLiteral("--nofork"), QStringLiteral("--print-address=1")});
    QDeadlineTimer deadline(10s);
    while (!m_process->canReadLine() && m_process->state() != QProcess::NotRunning &&
           !deadline.hasExpired())
        m_process->waitForReadyRead(100);
    if (!m_process->canReadLine()) {
        fail(error, QStringLiteral("dbus-daemon printed no address within 10 s (%1): %2")
                        .arg(m_process->state() == QProcess::NotRunning
                                 ? QStringLiteral("it exited with %1").arg(m_process->exitCode())
                                 : QStringLiteral("still running"),
                             QString::fromLocal8Bit(m_process->readAllStandardError())));
        stop();
        return false;
    }
    m_address = m_process->readLine().trimmed();

    if (!m_previousAddress)
        m_previousAddress = qEnvironmentVariableIsSet("DBUS_SESSION_BUS_ADDRESS")
                                ? qgetenv("DBUS_SESSION_BUS_ADDRESS")
                                : QByteArray();
    qputenv("DBUS_SESSION_BUS_ADDRESS", m_address);
    const QDBusConnection bus = QDBusConnection::sessionBus();
    if (!bus.isConnected()) {
        fail(error, QStringLiteral("cannot connect to the private bus at %1: %2")
                        .arg(address(), bus.lastError().message()));
        return false;
    }
    // A name claimed straight on the private bus must be visible through Qt's default bus.
    const QString probe = QStringLiteral("probe%1").arg(QRandomGenerator::global()->generate64());
    QDBusConnection direct = QDBusConnection::connectToBus(address(), probe);
    const QString name = QStringLiteral("org.launchdeck.test.") + probe;
    const bool registered = direct.registerService(name);
    const bool same = registered && bus.interface()->isServiceRegistered(name).value();
    QDBusConnection::disconnectFromBus(probe);
    if (!same) {
        fail(error, QStringLiteral("this process's default bus is not the private bus at %1: "
                                   "something used D-Bus before the bus started")
                        .arg(address()));
        return false;
    }
    return true;
}

void PrivateBus::stop()
{
    if (!m_process)
        return;
    if (m_process->state() != QProcess::NotRunning) {
        ::kill(pid_t(m_process->processId()), SIGTERM);
        if (!m_process->waitForFinished(5000)) {
            ::kill(pid_t(m_process->processId()), SIGKILL);
            m_process->waitForFinished(5000);
        }
    }
    m_process.reset();
}

bool PrivateBus::isRunning() const
{
    return m_process && m_process->state() == QProcess::Running;
}

qint64 PrivateBus::processId() const
{
    return m_process ? m_process->processId() : 0;
}

} // namespace launchdeck::test
