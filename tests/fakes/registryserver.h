// The real image registry for tests: Debian's `docker-registry` (the distribution registry)
// on a free loopback port with TLS from a test CA and htpasswd sign-in, storing in a temporary
// folder; images pushed to it through the Registry API by registry/push_image.py. Stopped by
// pid when the object goes.
#pragma once

#include <QByteArray>
#include <QDateTime>
#include <QString>
#include <QTemporaryDir>

#include <memory>

class QProcess;

namespace launchdeck::test {

class RegistryServer final
{
public:
    RegistryServer();
    ~RegistryServer();
    RegistryServer(const RegistryServer&) = delete;
    RegistryServer& operator=(const RegistryServer&) = delete;

    // Makes the certificates and the htpasswd file, starts the registry and returns once it
    // answers /v2/ (with 401: it asks for the password); on failure says why.
    bool start(QString* error = nullptr);
    void stop();

    QString host() const; // "127.0.0.1:PORT"
    QString url() const;  // "https://127.0.0.1:PORT"
    QString caFile() const;
    static QString username() { return QStringLiteral("tester"); }
    static QString password() { return QStringLiteral("pw-4c1f7a"); }

    // Pushes a one-layer image `repository:tag` created at `created`; returns its manifest
    // digest, or empty with `error` set.
    QString push(const QString& repository, const QString& tag, const QDateTime& created,
                 QString* error = nullptr);

private:
    QString path(const QString& name) const { return m_dir.filePath(name); }

    QTemporaryDir m_dir;
    std::unique_ptr<QProcess> m_process;
    quint16 m_port = 0;
};

} // namespace launchdeck::test
