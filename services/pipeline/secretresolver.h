// Finds the values of a pipeline's secrets: the process environment first, then the OS keyring
// (QtKeychain), never waiting on a keyring that does not answer.
#pragma once

#include "pipeline/pipeline.h"

#include <QObject>
#include <QProcessEnvironment>
#include <QTimer>

#include <chrono>
#include <functional>

class QDBusMessage;

namespace launchdeck {

struct ResolvedSecrets
{
    EnvList values;
    QStringList notes; // for the run's log: where values came from, what is missing
};

class SecretResolver final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(SecretResolver)

public:
    SecretResolver(QString keyringService, std::chrono::milliseconds keyringTimeout,
                   bool useKeyring, QObject* parent = nullptr);

    // Emits resolved() exactly once, possibly before returning.
    void resolve(const QStringList& names, const QProcessEnvironment& environment);

Q_SIGNALS:
    void resolved(const launchdeck::ResolvedSecrets& secrets);

private:
    void keyringAnswered(const QString& name, int error, const QString& errorString,
                         const QString& value);
    // Asks the bus why a value is missing; `why` turns the answer into the note's reason.
    void explainMissing(const QString& name, const QDBusMessage& question,
                        const std::function<QString(const QDBusMessage&)>& why);
    void settle(const QString& name, const QString& note);
    void finishIfDone();
    void giveUp();

    QString m_service;
    std::chrono::milliseconds m_timeout;
    bool m_useKeyring;
    QTimer m_deadline;
    ResolvedSecrets m_result;
    QStringList m_waiting;
    bool m_done = false;
};

} // namespace launchdeck
