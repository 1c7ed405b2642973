// Secret lookup with a bounded wait on the keyring.
#include "pipeline/secretresolver.h"

#include <QCoreApplication>
#include <QDBusArgument>
#include <QDBusConnection>
#include <QDBusMessage>
#include <QDBusObjectPath>
#include <QDBusPendingCallWatcher>

#include <qt6keychain/keychain.h>

namespace launchdeck {

namespace {

// One keyring read, run in the application's main thread. QtKeychain queues every job of the
// process through one executor that lives in the thread of the first job, and that executor
// crashes on jobs finishing in another thread; so all of them run in one thread. The answer
// leaves as a queued signal, which Qt drops when the resolver is gone by then.
class KeyringLookup final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(KeyringLookup)

public:
    KeyringLookup(QString service, QString name)
        : m_service(std::move(service))
        , m_name(std::move(name))
    {}

    void start()
    {
        // Deleted only after it finished: libsecret's callback still points at a job it runs.
        auto* job = new QKeychain::ReadPasswordJob(m_service, this);
        job->setAutoDelete(false);
        job->setKey(m_name);
        connect(job, &QKeychain::Job::finished, this, [this](QKeychain::Job* done) {
            Q_EMIT answered(m_name, done->error(), done->errorString(),
                            static_cast<QKeychain::ReadPasswordJob*>(done)->textData());
            deleteLater();
        });
        job->start();
    }

Q_SIGNALS:
    void answered(const QString& name, int error, const QString& errorString, const QString& value);

private:
    QString m_service;
    QString m_name;
};

} // namespace

SecretResolver::SecretResolver(QString keyringService, std::chrono::milliseconds keyringTimeout,
                               bool useKeyring, QObject* parent)
    : QObject(parent)
    , m_service(std::move(keyringService))
    , m_timeout(keyringTimeout)
    , m_useKeyring(useKeyring)
{
    m_deadline.setSingleShot(true);
    connect(&m_deadline, &QTimer::timeout, this, &SecretResolver::giveUp);
}

void SecretResolver::resolve(const QStringList& names, const QProcessEnvironment& environment)
{
    for (const QString& name : names) {
        if (environment.contains(name)) {
            m_result.values.append({name, environment.value(name)});
            m_result.notes.append(QStringLiteral("secret %1 taken from the environment").arg(name));
        } else {
            m_waiting.append(name);
        }
    }
    // QtKeychain reaches the keyring over the user's D-Bus bus, and its jobs run in the main
    // thread's event loop: without both, no job is started at all.
    const bool keyringReachable =
        m_useKeyring && QCoreApplication::instance() && QDBusConnection::sessionBus().isConnected();
    if (m_waiting.isEmpty() || !keyringReachable) {
        for (const QString& name : std::as_const(m_waiting))
            m_result.notes.append(
                m_useKeyring
                    ? QStringLiteral("secret %1 is not set in the environment and no keyring "
                                     "service is reachable (no D-Bus session bus): it stays empty")
                          .arg(name)
                    : QStringLiteral("secret %1 is not set: it stays empty").arg(name));
        m_waiting.clear();
        finishIfDone();
        return;
    }
    m_deadline.start(m_timeout);
    for (const QString& name : std::as_const(m_waiting)) {
        // Not parented: a lookup the keyring never answers must outlive this resolver harmlessly.
        auto* lookup = new KeyringLookup(m_service, name);
        lookup->moveToThread(QCoreApplication::instance()->thread());
        connect(lookup, &KeyringLookup::answered, this, &SecretResolver::keyringAnswered);
        QMetaObject::invokeMethod(lookup, &KeyringLookup::start, Qt::QueuedConnection);
    }
}

void SecretResolver::keyringAnswered(const QString& name, int error, const QString& errorString,
                                     const QString& value)
{
    if (m_done || !m_waiting.contains(name))
        return;
    if (error == QKeychain::NoError) {
        m_result.values.append({name, value});
        settle(name, QStringLiteral("secret %1 taken from the keyring").arg(name));
        return;
    }
    const QString secretService = QStringLiteral("org.freedesktop.secrets");
    if (error == QKeychain::EntryNotFound) {
        // libsecret reports the items of a locked keyring as missing; the Secret Service lists
        // them (without their values) even then, under the attributes QtKeychain stores.
        QDBusMessage search = QDBusMessage::createMethodCall(
            secretService, QStringLiteral("/org/freedesktop/secrets"),
            QStringLiteral("org.freedesktop.Secret.Service"), QStringLiteral("SearchItems"));
        QDBusArgument attributes;
        attributes.beginMap(QMetaType::fromType<QString>(), QMetaType::fromType<QString>());
        for (const auto& [key, attribute] : {std::pair{QStringLiteral("user"), name},
                                             std::pair{QStringLiteral("server"), m_service}}) {
            attributes.beginMapEntry();
            attributes << key << attribute;
            attributes.endMapEntry();
        }
        attributes.endMap();
        search << QVariant::fromValue(attributes);
        explainMissing(name, search, [](const QDBusMessage& reply) {
            const bool locked =
                reply.type() == QDBusMessage::ReplyMessage && reply.arguments().size() == 2 &&
                !qdbus_cast<QList<QDBusObjectPath>>(reply.arguments().at(1)).isEmpty();
            return locked ? QStringLiteral("the keyring holds it but is locked; unlock the keyring "
                                           "and run again")
                          : QStringLiteral("not in the keyring either");
        });
        return;
    }
    // QtKeychain's errors do not tell a missing service from a failing one ("Unknown error", or
    // libsecret's text); the bus does.
    QDBusMessage hasOwner = QDBusMessage::createMethodCall(
        QStringLiteral("org.freedesktop.DBus"), QStringLiteral("/org/freedesktop/DBus"),
        QStringLiteral("org.freedesktop.DBus"), QStringLiteral("NameHasOwner"));
    hasOwner << secretService;
    explainMissing(name, hasOwner, [errorString](const QDBusMessage& reply) {
        const bool running = reply.type() == QDBusMessage::ReplyMessage &&
                             !reply.arguments().isEmpty() &&
                             reply.arguments().constFirst().toBool();
        return running ? QStringLiteral("the keyring service failed: %1").arg(errorString)
                       : QStringLiteral("no keyring service is running");
    });
}

void SecretResolver::explainMissing(const QString& name, const QDBusMessage& question,
                                    const std::function<QString(const QDBusMessage&)>& why)
{
    auto* watcher = new QDBusPendingCallWatcher(
        QDBusConnection::sessionBus().asyncCall(question, int(m_timeout.count())), this);
    connect(watcher, &QDBusPendingCallWatcher::finished, this,
            [this, name, why](QDBusPendingCallWatcher* call) {
                call->deleteLater();
                if (m_done || !m_waiting.contains(name))
                    return;
                settle(name, QStringLiteral(
                                 "secret %1 is not set in the environment (%2): it stays empty")
                                 .arg(name, why(call->reply())));
            });
}

void SecretResolver::settle(const QString& name, const QString& note)
{
    m_waiting.removeAll(name);
    m_result.notes.append(note);
    finishIfDone();
}

void SecretResolver::giveUp()
{
    for (const QString& name : std::as_const(m_waiting)) {
        m_result.notes.append(
            QStringLiteral("no keyring answered within %1 ms: secret %2 is not set, it stays empty")
                .arg(m_timeout.count())
                .arg(name));
    }
    m_waiting.clear();
    finishIfDone();
}

void SecretResolver::finishIfDone()
{
    if (m_done || !m_waiting.isEmpty())
        return;
    m_done = true;
    m_deadline.stop();
    Q_EMIT resolved(m_result);
}

} // namespace launchdeck

#include "secretresolver.moc"
