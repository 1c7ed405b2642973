// Exec credential plugins (client.authentication.k8s.io v1 and v1beta1): run the plugin a
// kubeconfig user names, keep its credential until it expires, and run it again on demand.
#pragma once

#include "core/result.h"
#include "kubernetes/clusterconnection.h"

#include <QByteArray>
#include <QDateTime>
#include <QMutex>
#include <QString>

#include <chrono>
#include <functional>
#include <optional>

namespace launchdeck {

struct ExecCredential
{
    QString token;
    QByteArray clientCertificateData; // PEM
    QByteArray clientKeyData;         // PEM
    std::optional<QDateTime> expiry;  // none: valid until the server refuses it

    friend bool operator==(const ExecCredential&, const ExecCredential&) = default;
};

// Parses a plugin's answer. `apiVersion` is the one the kubeconfig asked for; the messages
// name what is wrong and never the answer's content.
Result<ExecCredential> parseExecCredential(const QByteArray& answer, const QString& apiVersion);

// The request a plugin finds in KUBERNETES_EXEC_INFO, as kubectl encodes it: non-interactive,
// with the cluster's connection details when provideClusterInfo is set.
QByteArray execInfo(const ClusterConnection& connection);

// Runs the plugin of one cluster connection. Blocking: call it from the cluster's worker
// thread, never the GUI thread. Safe to share between threads.
class ExecCredentialProvider final
{
public:
    explicit ExecCredentialProvider(ClusterConnection connection);
    Q_DISABLE_COPY_MOVE(ExecCredentialProvider)

    void setTimeout(std::chrono::milliseconds timeout) { m_timeout = timeout; }
    // For tests: the clock that decides expiry.
    void setClock(std::function<QDateTime()> clock) { m_clock = std::move(clock); }

    // The cached credential while it has not expired, else a fresh one from the plugin.
    Result<ExecCredential> credential();
    // The server answered 401 to a request made with `rejected`: run the plugin again, unless
    // another caller already replaced that credential, in which case the newer one is returned.
    Result<ExecCredential> refreshAfterUnauthorized(const ExecCredential& rejected);

    int runs() const;

private:
    Result<ExecCredential> run();

    ClusterConnection m_connection;
    std::chrono::milliseconds m_timeout{std::chrono::seconds(60)};
    std::function<QDateTime()> m_clock;
    mutable QMutex m_mutex;
    std::optional<ExecCredential> m_cached;
    int m_runs = 0;
};

} // namespace launchdeck
