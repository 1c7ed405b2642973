// Secret lookup with a bounded wait on the keyring.
#include "pipeline/secretresolver.h"

#include <QDBusConnection>

#include <qt6keychain/keychain.h>

namespace launchdeck {

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
    // QtKeychain reaches the keyring over the D-Bus session bus; without one its jobs fail late
    // and have been seen to crash the process when they do, so they are not started at all.
    const bool keyringReachable = m_useKeyring && QDBusConnection::sessionBus().isConnected();
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
        // Not parented: a job the keyring never answers must outlive this resolver harmlessly.
        auto* job = new QKeychain::ReadPasswordJob(m_service);
        job->setAutoDelete(true);
        job->setKey(name);
        connect(job, &QKeychain::Job::finished, this, [this, name](QKeychain::Job* done) {
            if (m_done || !m_waiting.contains(name))
                return;
            m_waiting.removeAll(name);
            if (done->error() == QKeychain::NoError) {
                m_result.values.append(
                    {name, static_cast<QKeychain::ReadPasswordJob*>(done)->textData()});
                m_result.notes.append(QStringLiteral("secret %1 taken from the keyring").arg(name));
            } else {
                // QtKeychain says only "Unknown error" when no keyring service runs at all.
                const QString why = done->error() == QKeychain::EntryNotFound
                                        ? QStringLiteral("not in the keyring either")
                                    : done->error() == QKeychain::NoBackendAvailable ||
                                            done->error() == QKeychain::OtherError
                                        ? QStringLiteral("no keyring service is running")
                                        : QStringLiteral("keyring: %1").arg(done->errorString());
                m_result.notes.append(
                    QStringLiteral("secret %1 is not set in the environment (%2): it stays empty")
                        .arg(name, why));
            }
            finishIfDone();
        });
        job->start();
    }
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
