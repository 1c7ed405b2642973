// A local HTTP relay to a Service through the API server's service proxy
// (/api/v1/namespaces/NS/services/NAME:PORT/proxy/…), as `kubectl proxy` relays: tests, load
// tests and pipelines reach a candidate at a plain http://127.0.0.1:PORT URL with no
// port-forward, no ingress and no credentials of their own; the relay adds the cluster's.
#pragma once

#include "core/result.h"
#include "kubernetes/clusterconnection.h"

#include <QString>

#include <memory>

namespace launchdeck::kube {

class ServiceProxyRelay final
{
public:
    // Relays to service `service` port `port` (a number or a port name) in `nameSpace` of the
    // cluster `connection` leads to. Nothing listens until start().
    ServiceProxyRelay(ClusterConnection connection, QString clusterName, QString nameSpace,
                      QString service, QString port);
    // Stops listening, ends open connections and joins its threads (within ~200 ms).
    ~ServiceProxyRelay();
    ServiceProxyRelay(const ServiceProxyRelay&) = delete;
    ServiceProxyRelay& operator=(const ServiceProxyRelay&) = delete;

    // Listens on 127.0.0.1 at a free port; fails naming why. Each accepted connection is
    // served on a thread of its own with its own KubeClient, HTTP/1.1 keep-alive included; the
    // method, path, query, body and the request's Content-Type and Accept go through; the
    // answer's status, Content-Type and body come back (Content-Length framed). A request the
    // API server cannot answer gets 502 with the client's message as text.
    Result<bool> start();
    // "http://127.0.0.1:PORT" once started.
    QString url() const;
    // "/api/v1/namespaces/NS/services/NAME:PORT/proxy": where requests go on the API server.
    QString proxyPath() const;
    // Requests relayed so far (for tests and the log).
    qint64 relayed() const;

private:
    struct Private;
    std::unique_ptr<Private> d;
};

} // namespace launchdeck::kube
