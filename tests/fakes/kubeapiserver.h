// The fake Kubernetes API server (kubeapi/fake_apiserver.py) for tests: started on a free
// loopback port with TLS from a test CA made with openssl, a client certificate and bearer
// tokens, and a kubeconfig written for it, so that kubectl and Launchdeck's client reach it as
// they reach a cluster. Stopped by pid when the object goes.
#pragma once

#include <QByteArray>
#include <QString>
#include <QTemporaryDir>

#include <memory>

class QProcess;

namespace launchdeck::test {

struct KubeAnswer
{
    long status = 0; // 0 when no HTTP answer came
    QByteArray body;
    QString error; // libcurl's reason when status is 0
};

class KubeApiServer final
{
public:
    KubeApiServer();
    ~KubeApiServer();
    KubeApiServer(const KubeApiServer&) = delete;
    KubeApiServer& operator=(const KubeApiServer&) = delete;

    // Makes the certificates, starts the server and returns once /readyz answers 200; on
    // failure says why (with the server's output) and leaves nothing running.
    bool start(QString* error = nullptr);
    void stop();
    bool isRunning() const;

    QString url() const; // https://127.0.0.1:PORT
    quint16 port() const { return m_port; }
    // The kubeconfig: clusters "fake"; users "cert" (client certificate), "token" (bearer token
    // with full access), "viewer" (a token that may only get, list and watch); contexts of the
    // same names; current-context "cert".
    QString kubeconfigPath() const;
    QString caPath() const;
    QString clientCertificatePath() const;
    QString clientKeyPath() const;
    QString token() const { return m_token; }
    QString viewerToken() const { return m_viewerToken; }

    // A request with the full-access token, verified against the test CA.
    KubeAnswer request(const QByteArray& method, const QString& path,
                       const QByteArray& body = {}) const;
    // The same with another bearer token, or with no credentials at all when `token` is empty.
    KubeAnswer requestAs(const QString& token, const QByteArray& method, const QString& path,
                         const QByteArray& body = {}) const;
    // Forgets the history (POST /fake/compact): a watch from an older resourceVersion and a
    // continue token of an earlier list get 410 Expired; with `expireWatches` the open watches
    // also end with a 410 ERROR event.
    bool compact(bool expireWatches, QString* error = nullptr);

    // How many watches are open (-1 when the server does not answer): lets a test wait until a
    // client's watch has reached the server.
    int openWatches() const;

    // What the server printed, for a failure message.
    QString output() const;

private:
    bool makeCertificates(QString* error);
    bool writeKubeconfig(QString* error);
    QString path(const QString& name) const { return m_dir.filePath(name); }

    QTemporaryDir m_dir;
    std::unique_ptr<QProcess> m_process;
    quint16 m_port = 0;
    QString m_token;
    QString m_viewerToken;
};

} // namespace launchdeck::test
