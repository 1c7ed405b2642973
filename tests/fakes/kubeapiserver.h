// The fake Kubernetes API server (kubeapi/fake_apiserver.py) for tests: started on a free
// loopback port with TLS from a test CA made with openssl, a client certificate and bearer
// tokens, and a kubeconfig written for it, so that kubectl and Launchdeck's client reach it as
// they reach a cluster. Its controllers run Deployments and their pods, whose containers write
// log lines; it serves metrics.k8s.io unless told not to. It answers SelfSubjectAccessReviews,
// enforces ResourceQuotas on pod creation and keeps managedFields for server-side apply, with
// its conflicts. Image tags ending in "-never-ready", "-crash-loop", "-image-pull" or
// "-flaky-probe" (Ready, with Unhealthy Events) fail as the pod annotation
// fake.launchdeck.dev/fail does. Stopped by pid when the object goes.
#pragma once

#include <QByteArray>
#include <QProcessEnvironment>
#include <QString>
#include <QStringList>
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

struct KubectlResult
{
    int exitCode = -1; // -1: it did not start, crashed or did not end in time
    QString out;
    QString err;
};

// How the server's simulated cluster behaves; set before start().
struct KubeApiServerOptions
{
    // How long a pod takes to become Running and Ready (a pod template's annotation
    // fake.launchdeck.dev/ready-seconds overrides it).
    double readySeconds = 1.0;
    // How often a running container writes "<pod> <container> line <n>".
    int logIntervalMs = 500;
    // false: no metrics.k8s.io group, as a cluster without metrics-server.
    bool metrics = true;
    // What the "restricted" user (restrictedToken()) may not do, each "VERB RESOURCE[.GROUP]
    // [/SUBRESOURCE]": "patch deployments.apps", "create services", "get services/proxy".
    // Everything else it may; refusals and SelfSubjectAccessReviews answer accordingly.
    QStringList restrictedDeny;
};

class KubeApiServer final
{
public:
    KubeApiServer();
    ~KubeApiServer();
    KubeApiServer(const KubeApiServer&) = delete;
    KubeApiServer& operator=(const KubeApiServer&) = delete;

    // Takes effect at the next start().
    void setOptions(const KubeApiServerOptions& options) { m_options = options; }
    const KubeApiServerOptions& options() const { return m_options; }

    // Makes the certificates, starts the server and returns once /readyz answers 200; on
    // failure says why (with the server's output) and leaves nothing running.
    bool start(QString* error = nullptr);
    void stop();
    bool isRunning() const;

    QString url() const; // https://127.0.0.1:PORT
    quint16 port() const { return m_port; }
    // The kubeconfig: clusters "fake"; users "cert" (client certificate), "token" (bearer token
    // with full access), "viewer" (a token that may only get, list and watch), "restricted" (a
    // token denied what KubeApiServerOptions::restrictedDeny lists); contexts of the same names;
    // current-context "cert".
    QString kubeconfigPath() const;
    QString caPath() const;
    QString clientCertificatePath() const;
    QString clientKeyPath() const;
    QString token() const { return m_token; }
    QString viewerToken() const { return m_viewerToken; }
    // The token of the user "restricted" (see KubeApiServerOptions::restrictedDeny).
    QString restrictedToken() const { return m_restrictedToken; }

    // A request with the full-access token, verified against the test CA.
    KubeAnswer request(const QByteArray& method, const QString& path,
                       const QByteArray& body = {}) const;
    // The same with another bearer token, or with no credentials at all when `token` is empty.
    KubeAnswer requestAs(const QString& token, const QByteArray& method, const QString& path,
                         const QByteArray& body = {}) const;
    // A PATCH with the full-access token and the given media type, e.g.
    // application/strategic-merge-patch+json.
    KubeAnswer patch(const QString& path, const QByteArray& body,
                     const QByteArray& contentType) const;
    // Adds lines to a container's log as if it had written them now (POST /fake/logs); an
    // empty container means the pod's only one.
    bool appendLog(const QString& namespaceName, const QString& pod, const QString& container,
                   const QByteArray& lines, QString* error = nullptr) const;
    // Forgets the history (POST /fake/compact): a watch from an older resourceVersion and a
    // continue token of an earlier list get 410 Expired; with `expireWatches` the open watches
    // also end with a 410 ERROR event.
    bool compact(bool expireWatches, QString* error = nullptr);

    // How many watches are open (-1 when the server does not answer): lets a test wait until a
    // client's watch has reached the server.
    int openWatches() const;
    // How many watches were ever started (-1 when the server does not answer). Unlike the open
    // ones it only grows: a watch whose client went away still counts as open until the server
    // next writes to it, so "more than before" is asked of this count.
    int startedWatches() const;

    // The environment kubectl runs in against this server: its kubeconfig and a HOME of its
    // own, so that no discovery cache or user settings from elsewhere apply.
    QProcessEnvironment kubectlEnvironment() const;
    // Runs the real kubectl (from PATH) with `input` on its standard input.
    KubectlResult kubectl(const QStringList& arguments, const QByteArray& input = {},
                          int timeoutMs = 60'000) const;

    // What the server printed, for a failure message.
    QString output() const;

private:
    KubeAnswer send(const QString& token, const QByteArray& method, const QString& path,
                    const QByteArray& body, const QByteArray& contentType) const;
    int watchCount(QStringView which) const; // a figure of GET /fake/watches
    bool makeCertificates(QString* error);
    bool writeKubeconfig(QString* error);
    QString path(const QString& name) const { return m_dir.filePath(name); }

    QTemporaryDir m_dir;
    std::unique_ptr<QProcess> m_process;
    quint16 m_port = 0;
    QString m_token;
    QString m_viewerToken;
    QString m_restrictedToken;
    KubeApiServerOptions m_options;
};

} // namespace launchdeck::test
