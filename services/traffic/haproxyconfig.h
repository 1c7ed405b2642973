// The haproxy.cfg of one environment's traffic entry point: a frontend on `traffic.listen`, one
// backend whose named servers (blue, green, stable, canary…) share traffic by weight, and, when
// asked, a second frontend serving HAProxy's own Prometheus exporter.
#pragma once

#include "core/result.h"

#include <QByteArray>
#include <QList>
#include <QString>

#include <chrono>

namespace launchdeck::traffic {

// Where one HAProxy instance keeps its files. Everything it writes stays in this folder, so the
// folder alone is enough to find it again after the console restarts.
struct HaproxyFolder
{
    QString path;

    QString configPath() const { return path + u"/haproxy.cfg"; }
    QString pidPath() const { return path + u"/haproxy.pid"; }
    QString socketPath() const { return path + u"/haproxy.sock"; }
};

struct HaproxyServer
{
    QString name;    // letters, digits, '_', '-', '.'; unique within the backend
    QString address; // an IP address or a host name HAProxy resolves at start
    int port = 0;
    int weight = 100; // 0..256; 0 keeps the server checked but sends it no new traffic
    // Starts in maintenance: neither checked nor sent traffic until the runtime API sets it
    // ready. A disabled server may leave address and port unset (empty, 0); it is then written
    // with the vacant endpoint below, which HAProxy never contacts.
    bool disabled = false;
};

inline constexpr char16_t kVacantAddress[] = u"127.0.0.1";
inline constexpr int kVacantPort = 1;

struct HaproxyHealthCheck
{
    QString path = QStringLiteral("/healthz");
    int expectStatus = 200;
    std::chrono::milliseconds interval{2000};
    int fall = 3; // consecutive failures that take a server DOWN
    int rise = 2; // consecutive successes that bring it back UP
};

struct HaproxyTimeouts
{
    std::chrono::milliseconds connect{5000};
    std::chrono::milliseconds client{30000};
    std::chrono::milliseconds server{30000};
    std::chrono::milliseconds check{2000};
    // How long a process replaced by a reload may keep finishing its connections.
    std::chrono::milliseconds hardStopAfter{30000};
};

struct HaproxyConfig
{
    QString environment; // names the backend; the frontend is "<environment>_entry"
    QString listen;      // "host:port", "[v6]:port" or ":port" for every address
    // Where HAProxy's Prometheus exporter answers GET /metrics, in the same forms as `listen`;
    // empty: not served.
    QString metricsListen;
    QList<HaproxyServer> servers;
    HaproxyHealthCheck health;
    HaproxyTimeouts timeouts;
    int retries = 3;

    QString backendName() const { return environment; }
    QString frontendName() const { return environment + u"_entry"; }
    QString metricsFrontendName() const { return environment + u"_metrics"; }
};

// Checks names, ports, weights and the listen address; the error's `where` names the field.
Result<bool> validateHaproxyConfig(const HaproxyConfig& config);

// The configuration text for an instance living in `folder`. The same input always gives the
// same bytes, so a reload can be skipped when nothing changed.
Result<QByteArray> renderHaproxyConfig(const HaproxyConfig& config, const HaproxyFolder& folder);

} // namespace launchdeck::traffic
