// Registry credentials in the keyring, each call bounded by its timeout.
#include "registry/registrykeyring.h"

#include <QCoreApplication>
#include <QDBusConnection>
#include <QEventLoop>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLoggingCategory>
#include <QThread>
#include <QTimer>

#include <qt6keychain/keychain.h>

// Quiet unless asked for (QT_LOGGING_RULES): the command line prints what it did itself.
Q_LOGGING_CATEGORY(lcRegistryKeyring, "launchdeck.registry.keyring", QtWarningMsg)

namespace launchdeck::registry {

namespace {

enum class Operation { Read, Write, Delete };

// One keyring job, run in the application's thread. QtKeychain queues every job of the process
// through one executor that lives in the thread of the first job and crashes on jobs finishing
// in another thread, so all of them run there (the pipeline's secret lookup does the same). The
// answer leaves as a queued signal, which Qt drops when the waiting caller has given up.
class KeyringCall final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(KeyringCall)

public:
    KeyringCall(Operation operation, QString key, QString value)
        : m_operation(operation)
        , m_key(std::move(key))
        , m_value(std::move(value))
    {}

    void start()
    {
        // Deleted only after it finished: libsecret's callback still points at a job it runs.
        QKeychain::Job* job = nullptr;
        switch (m_operation) {
        case Operation::Read:
            job = new QKeychain::ReadPasswordJob(kKeyringService, this);
            break;
        case Operation::Write: {
            auto* write = new QKeychain::WritePasswordJob(kKeyringService, this);
            write->setTextData(m_value);
            job = write;
            break;
        }
        case Operation::Delete:
            job = new QKeychain::DeletePasswordJob(kKeyringService, this);
            break;
        }
        m_value.clear();
        job->setAutoDelete(false);
        job->setKey(m_key);
        connect(job, &QKeychain::Job::finished, this, [this](QKeychain::Job* done) {
            const auto* read = qobject_cast<QKeychain::ReadPasswordJob*>(done);
            Q_EMIT answered(done->error(), done->errorString(),
                            read ? read->textData() : QString());
            deleteLater();
        });
        job->start();
    }

Q_SIGNALS:
    void answered(int error, const QString& errorString, const QString& value);

private:
    Operation m_operation;
    QString m_key;
    QString m_value;
};

struct Answer
{
    bool answered = false;
    int error = QKeychain::OtherError;
    QString errorString;
    QString value;
    QString unreachable; // set when no job was started: why
};

Answer callKeyring(Operation operation, const QString& key, const QString& value,
                   std::chrono::milliseconds timeout)
{
    Answer answer;
    QCoreApplication* application = QCoreApplication::instance();
    if (!application) {
        answer.unreachable = QStringLiteral("the keyring is reached only from a running "
                                            "application");
        return answer;
    }
    // QtKeychain reaches the keyring over the user's D-Bus session bus.
    if (!QDBusConnection::sessionBus().isConnected()) {
        answer.unreachable =
            QStringLiteral("no keyring service is reachable (no D-Bus session bus)");
        return answer;
    }
    // Not parented: a job the keyring never answers must outlive this wait harmlessly.
    auto* call = new KeyringCall(operation, key, value);
    call->moveToThread(application->thread());
    QEventLoop loop;
    QObject receiver;
    QObject::connect(
        call, &KeyringCall::answered, &receiver,
        [&](int error, const QString& errorString, const QString& text) {
            answer.answered = true;
            answer.error = error;
            answer.errorString = errorString;
            answer.value = text;
            loop.quit();
        },
        Qt::QueuedConnection);
    QTimer deadline;
    deadline.setSingleShot(true);
    QObject::connect(&deadline, &QTimer::timeout, &loop, &QEventLoop::quit);
    deadline.start(timeout);
    QMetaObject::invokeMethod(call, &KeyringCall::start, Qt::QueuedConnection);
    loop.exec();
    if (!answer.answered)
        answer.unreachable =
            QStringLiteral("no keyring answered within %1 ms").arg(qint64(timeout.count()));
    return answer;
}

// The keyring's own words without anything of the value.
QString keyringFailure(const Answer& answer)
{
    if (!answer.unreachable.isEmpty())
        return answer.unreachable;
    return QStringLiteral("the keyring failed: %1")
        .arg(answer.errorString.isEmpty() ? QStringLiteral("error %1").arg(answer.error)
                                          : answer.errorString);
}

} // namespace

QString keyringKey(const QString& host)
{
    const QString name = host.trimmed().toLower();
    const bool hub = name == u"docker.io" || name == u"index.docker.io" ||
                     name == u"registry-1.docker.io" || name == u"https://index.docker.io/v1/";
    return hub ? QStringLiteral("docker.io") : host.trimmed();
}

KeyringCredentials readKeyringCredentials(const QString& host, std::chrono::milliseconds timeout)
{
    const QString key = keyringKey(host);
    const Answer answer = callKeyring(Operation::Read, key, {}, timeout);
    KeyringCredentials found;
    if (answer.answered && answer.error == QKeychain::NoError) {
        const QJsonObject entry = QJsonDocument::fromJson(answer.value.toUtf8()).object();
        const QString username = entry.value(u"username").toString();
        if (!username.isEmpty() && entry.value(u"password").isString()) {
            found.credentials = RegistryCredentials{username, entry.value(u"password").toString()};
            qCDebug(lcRegistryKeyring)
                << "credentials of" << username << "for" << key << "read from the keyring";
            return found;
        }
        found.note = QStringLiteral("the keyring's entry for %1 is not a user name and password "
                                    "Launchdeck stored")
                         .arg(key);
    } else if (answer.answered && answer.error == QKeychain::EntryNotFound) {
        found.note = QStringLiteral("no credentials for %1 in the keyring").arg(key);
    } else {
        found.note = QStringLiteral("no credentials for %1 from the keyring: %2")
                         .arg(key, keyringFailure(answer));
    }
    qCDebug(lcRegistryKeyring).noquote() << found.note;
    return found;
}

Result<bool> storeKeyringCredentials(const QString& host, const RegistryCredentials& credentials,
                                     std::chrono::milliseconds timeout)
{
    const QString key = keyringKey(host);
    const QJsonObject entry{{QStringLiteral("username"), credentials.username},
                            {QStringLiteral("password"), credentials.password}};
    const Answer answer = callKeyring(
        Operation::Write, key,
        QString::fromUtf8(QJsonDocument(entry).toJson(QJsonDocument::Compact)), timeout);
    if (!answer.answered || answer.error != QKeychain::NoError)
        return Error{QStringLiteral("the credentials of %1 for %2 were not stored: %3")
                         .arg(credentials.username, key, keyringFailure(answer)),
                     key};
    qCInfo(lcRegistryKeyring) << "credentials of" << credentials.username << "for" << key
                              << "stored in the keyring";
    return true;
}

Result<bool> deleteKeyringCredentials(const QString& host, std::chrono::milliseconds timeout)
{
    const QString key = keyringKey(host);
    // Deleting an entry that is not there is no failure to the keyring: ask first, to say so.
    const Answer held = callKeyring(Operation::Read, key, {}, timeout);
    if (held.answered && held.error == QKeychain::EntryNotFound)
        return false;
    if (!held.answered || held.error != QKeychain::NoError)
        return Error{QStringLiteral("the credentials for %1 were not removed: %2")
                         .arg(key, keyringFailure(held)),
                     key};
    const Answer answer = callKeyring(Operation::Delete, key, {}, timeout);
    if (!answer.answered || answer.error != QKeychain::NoError)
        return Error{QStringLiteral("the credentials for %1 were not removed: %2")
                         .arg(key, keyringFailure(answer)),
                     key};
    qCInfo(lcRegistryKeyring) << "credentials for" << key << "removed from the keyring";
    return true;
}

} // namespace launchdeck::registry

#include "registrykeyring.moc"
