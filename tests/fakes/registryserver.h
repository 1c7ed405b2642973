// The real image registry for tests: Debian's `docker-registry` (the distribution registry)
// on a free loopback port with TLS from a test CA and htpasswd sign-in — or token sign-in, as
// Docker Hub has it, from registry/token_server.py on a port of its own (Bearer tokens signed
// with a certificate of the test CA) — storing in a temporary folder; images pushed to it through
// the Registry API by registry/push_image.py. Stopped by pid when the object goes.
#pragma once

#include "registry/registryclient.h"

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
    enum class SignIn {
        Password, // htpasswd: the registry asks for Basic credentials
        Token,    // a Bearer challenge naming the token service's realm
    };
    explicit RegistryServer(SignIn signIn = SignIn::Password);
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
    // The token service answers this user 429 with Retry-After: 7, as a rate-limited one does.
    static QString rateLimitedUser() { return QStringLiteral("busy"); }
    // "http://127.0.0.1:PORT/token"; empty with password sign-in.
    QString tokenRealm() const;
    // What `docker login` writes into config.json for this registry with `secret`.
    QByteArray dockerConfig(const QString& secret = password()) const;
    // How a client reaches it: TLS with the test CA, the tester's credentials (or none).
    registry::RegistryEndpoint endpoint(bool withCredentials = true) const;
    // Copies the CA to CERTS_DIR/HOST/ca.crt, where the daemon's certs.d keeps it.
    bool installCa(const QString& certsDir) const;

    // Pushes a one-layer image `repository:tag` created at `created`; returns its manifest
    // digest, or empty with `error` set.
    QString push(const QString& repository, const QString& tag, const QDateTime& created,
                 QString* error = nullptr);

private:
    QString path(const QString& name) const { return m_dir.filePath(name); }

    bool startTokenService(QString* error);
    QByteArray authConfig() const;

    SignIn m_signIn;
    QTemporaryDir m_dir;
    std::unique_ptr<QProcess> m_process;
    std::unique_ptr<QProcess> m_tokenService;
    quint16 m_port = 0;
    quint16 m_tokenPort = 0;
};

} // namespace launchdeck::test
