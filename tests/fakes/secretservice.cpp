// The Secret Service for tests: gnome-keyring-daemon started, watched and stopped by process id.
#include "fakes/secretservice.h"

#include <QDBusConnection>
#include <QDBusConnectionInterface>
#include <QDBusObjectPath>
#include <QDBusVariant>
#include <QDeadlineTimer>
#include <QProcess>
#include <QRandomGenerator>
#include <QStandardPaths>
#include <QtCore/qtestsupport_core.h>

#include <csignal>
#include <sys/prctl.h>

using namespace std::chrono_literals;

namespace launchdeck::test {

namespace {

const QString kService = QStringLiteral("org.freedesktop.secrets");

void fail(QString* error, const QString& reason)
{
    if (error)
        *error = reason;
}

} // namespace

SecretService::SecretService()
    : m_password("unlock-" + QByteArray::number(QRandomGenerator::global()->generate64(), 36))
{}

SecretService::~SecretService()
{
    kill();
    if (m_process)
        m_process->waitForFinished(10'000);
}

bool SecretService::start(QString* error)
{
    const QString program = QStandardPaths::findExecutable(QStringLiteral("gnome-keyring-daemon"));
    if (program.isEmpty()) {
        fail(error, QStringLiteral("gnome-keyring-daemon is not installed (see "
                                   "packaging/install-deps.sh)"));
        return false;
    }
    m_process = std::make_unique<QProcess>();
    m_process->setProcessChannelMode(QProcess::MergedChannels);
    // A test that crashes takes the daemon with it.
    m_process->setChildProcessModifier([] { prctl(PR_SET_PDEATHSIG, SIGKILL); });
    m_process->start(program, {QStringLiteral("--foreground"), QStringLiteral("--unlock"),
                               QStringLiteral("--components=secrets")});
    if (!m_process->waitForStarted(10'000)) {
        fail(
            error,
            QStringLiteral("gnome-keyring-daemon did not start: %1").arg(m_process->errorString()));
        return false;
    }
    m_process->write(m_password);
    m_process->closeWriteChannel();
    QDeadlineTimer deadline(15s);
    while (!deadline.hasExpired() && m_process->state() != QProcess::NotRunning) {
        const QString collection = defaultCollection();
        if (!collection.isEmpty() && collectionLocked(collection) == false)
            return true;
        QTest::qWait(50);
    }
    fail(error, QStringLiteral("gnome-keyring-daemon (%1) has no unlocked default keyring after "
                               "15 s; its output: %2")
                    .arg(m_process->state() == QProcess::NotRunning
                             ? QStringLiteral("exited with %1").arg(m_process->exitCode())
                             : QStringLiteral("running"),
                         QString::fromLocal8Bit(m_process->readAll())));
    return false;
}

bool SecretService::stop(QString* error)
{
    if (!m_process)
        return true;
    kill();
    m_process->waitForFinished(10'000);
    m_process.reset();
    const bool gone = QTest::qWaitFor(
        [] { return !QDBusConnection::sessionBus().interface()->isServiceRegistered(kService); },
        10'000);
    if (!gone)
        fail(error, QStringLiteral("%1 is still on the bus 10 s after its daemon was killed")
                        .arg(kService));
    return gone;
}

void SecretService::freeze()
{
    if (isRunning())
        ::kill(pid_t(m_process->processId()), SIGSTOP);
}

void SecretService::kill()
{
    if (isRunning())
        ::kill(pid_t(m_process->processId()), SIGKILL);
}

bool SecretService::isRunning() const
{
    return m_process && m_process->state() == QProcess::Running;
}

qint64 SecretService::processId() const
{
    return m_process ? m_process->processId() : 0;
}

QDBusMessage SecretService::call(const QString& path, const QString& interface,
                                 const QString& method, const QVariantList& arguments)
{
    QDBusMessage message = QDBusMessage::createMethodCall(kService, path, interface, method);
    message.setArguments(arguments);
    return QDBusConnection::sessionBus().call(message, QDBus::Block, 5000);
}

QString SecretService::defaultCollection()
{
    const QDBusMessage reply = call(QStringLiteral("/org/freedesktop/secrets"),
                                    QStringLiteral("org.freedesktop.Secret.Service"),
                                    QStringLiteral("ReadAlias"), {QStringLiteral("default")});
    if (reply.type() != QDBusMessage::ReplyMessage || reply.arguments().isEmpty())
        return {};
    const QString path = reply.arguments().constFirst().value<QDBusObjectPath>().path();
    return path == u"/" ? QString() : path;
}

std::optional<bool> SecretService::collectionLocked(const QString& collection)
{
    const QDBusMessage reply =
        call(collection, QStringLiteral("org.freedesktop.DBus.Properties"), QStringLiteral("Get"),
             {QStringLiteral("org.freedesktop.Secret.Collection"), QStringLiteral("Locked")});
    if (reply.type() != QDBusMessage::ReplyMessage || reply.arguments().isEmpty())
        return std::nullopt;
    return reply.arguments().constFirst().value<QDBusVariant>().variant().toBool();
}

bool startOwnKeyring(const QString& home, PrivateBus& bus, SecretService& keyring, QString* error,
                     std::initializer_list<const char*> alsoUnset)
{
    if (!useOwnHome(home, alsoUnset)) {
        if (error)
            *error = QStringLiteral("could not make the folders of a home under %1").arg(home);
        return false;
    }
    return bus.start(error) && keyring.start(error);
}

} // namespace launchdeck::test
