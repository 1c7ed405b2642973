// A blocking REST client of one Kubernetes API server on libcurl: TLS from the connection's CA
// (verified unless the kubeconfig turns it off), client certificates, bearer tokens (static, a
// token file re-read as it changes, or an exec plugin's credential, run again on a 401), basic
// sign-in and proxy-url; metav1.Status answers turned into messages; streamed answers (watches,
// logs) handed over chunk by chunk. One client per thread; make it on the thread that uses it.
#pragma once

#include "kubernetes/clusterconnection.h"

#include <QByteArray>
#include <QByteArrayView>
#include <QString>

#include <atomic>
#include <functional>
#include <memory>

namespace launchdeck {
class ExecCredentialProvider;
}

namespace launchdeck::kube {

struct KubeAnswer
{
    long status = 0; // HTTP status; 0 when no HTTP answer came (refused, TLS, timeout)
    QByteArray body; // the answer; for a failure, what the server sent
    QString error;   // empty on success (2xx): otherwise one sentence, see statusMessage()
    QString reason;  // metav1.Status reason ("NotFound", "Expired", "Conflict", …) when given
    bool unreachable = false; // no HTTP answer: refused, timed out, TLS, broken connection
    bool ok() const { return error.isEmpty(); }
};

struct StreamControl
{
    const std::atomic_bool* cancel = nullptr; // set from any thread: the stream ends in <100 ms
    // No byte for this long ends the stream as unreachable (a server hung with its socket
    // open); 0: wait for ever. Watches with bookmarks use about three bookmark periods.
    int idleTimeoutMs = 0;
};

class KubeClient final
{
public:
    // `clusterName` names the cluster in messages ("cluster prod (https://…)").
    KubeClient(ClusterConnection connection, QString clusterName);
    // The same with the exec plugin of the connection's cluster shared with the other clients
    // of that cluster (one per thread), so the plugin runs once per credential, not per thread.
    KubeClient(ClusterConnection connection, QString clusterName,
               std::shared_ptr<ExecCredentialProvider> plugin);
    ~KubeClient();
    KubeClient(const KubeClient&) = delete;
    KubeClient& operator=(const KubeClient&) = delete;

    const QString& clusterName() const;
    const ClusterConnection& connection() const;
    // Set when TLS verification is off: the warning to show wherever the cluster shows.
    QString insecureWarning() const;

    // One request; `pathAndQuery` starts with '/' and is already percent-encoded.
    // Content types: application/json, application/merge-patch+json,
    // application/strategic-merge-patch+json, application/json-patch+json,
    // application/apply-patch+yaml.
    KubeAnswer request(const QByteArray& method, const QString& pathAndQuery,
                       const QByteArray& body = {},
                       const QByteArray& contentType = QByteArrayLiteral("application/json"),
                       int timeoutMs = 30'000, const std::atomic_bool* cancel = nullptr);
    KubeAnswer get(const QString& pathAndQuery, int timeoutMs = 30'000,
                   const std::atomic_bool* cancel = nullptr)
    {
        return request(QByteArrayLiteral("GET"), pathAndQuery, {}, {}, timeoutMs, cancel);
    }

    // A GET whose answer streams (watch=1, pods/log?follow=true): `onData` gets every chunk as
    // it arrives and returns false to stop. The answer holds the status and, for a non-2xx
    // status, the body and message; body stays empty for a 2xx stream.
    KubeAnswer stream(const QString& pathAndQuery,
                      const std::function<bool(QByteArrayView)>& onData,
                      const StreamControl& control = {});

private:
    struct Private;
    std::unique_ptr<Private> d;
};

// "cluster NAME (https://server)": how a client names its cluster at the start of a transport
// error (refused, TLS, timed out).
QString clusterLabel(const QString& clusterName, const QString& server);

// "NotFound (HTTP 404): deployments.apps \"web\" not found" from a metav1.Status body; for a
// body that is not one, the HTTP status and the start of the body as text. Never more than
// 300 characters of the server's text.
QString statusMessage(long httpStatus, const QByteArray& body, QString* reason = nullptr);

// Percent-encodes one query value (label selectors, field selectors, continue tokens).
QString queryValue(const QString& value);

} // namespace launchdeck::kube
