// Validation and deterministic rendering of an entry point's haproxy.cfg.
#include "traffic/haproxyconfig.h"

#include "core/ipaddress.h"

#include <QRegularExpression>
#include <QSet>

namespace launchdeck::traffic {

namespace {

// sun_path holds 108 bytes including the terminating NUL.
constexpr qsizetype maxSocketPathBytes = 107;

bool isIpv6(const QString& text)
{
    const std::optional<IpAddress> address = parseIpAddress(text);
    return address && address->isV6();
}

bool isValidName(const QString& name)
{
    static const QRegularExpression pattern(QStringLiteral("^[A-Za-z0-9_][A-Za-z0-9_.-]{0,63}$"));
    return pattern.match(name).hasMatch();
}

bool isValidHost(const QString& host)
{
    if (host.isEmpty() || host == u"*")
        return true;
    if (parseIpAddress(host))
        return true;
    static const QRegularExpression hostName(
        QStringLiteral("^[A-Za-z0-9]([A-Za-z0-9-]{0,62})(\\.[A-Za-z0-9]([A-Za-z0-9-]{0,62}))*$"));
    return hostName.match(host).hasMatch();
}

// Splits "host:port", "[v6]:port" and ":port"; the host comes back without brackets.
bool splitListen(const QString& listen, QString* host, int* port)
{
    const qsizetype colon = listen.lastIndexOf(u':');
    if (colon < 0)
        return false;
    QString hostPart = listen.left(colon);
    if (hostPart.startsWith(u'[')) {
        if (!hostPart.endsWith(u']'))
            return false;
        hostPart = hostPart.mid(1, hostPart.size() - 2);
        if (!isIpv6(hostPart))
            return false;
    } else if (hostPart.contains(u':')) {
        return false; // a bare IPv6 address is ambiguous with the port separator
    }
    bool ok = false;
    const int value = listen.mid(colon + 1).toInt(&ok);
    if (!ok || value < 1 || value > 65535)
        return false;
    *host = hostPart;
    *port = value;
    return true;
}

QString duration(std::chrono::milliseconds value)
{
    const qint64 ms = value.count();
    if (ms % 1000 == 0)
        return QString::number(ms / 1000) + u's';
    return QString::number(ms) + u"ms";
}

// IPv6 addresses need brackets before the port separator.
QString bracketed(const QString& host)
{
    return isIpv6(host) ? u'[' + host + u']' : host;
}

QString endpoint(const QString& host, int port)
{
    return bracketed(host) + u':' + QString::number(port);
}

// A validated "host:port" as a bind address; "*" binds every address.
QString bindAddress(const QString& listen)
{
    QString host;
    int port = 0;
    splitListen(listen, &host, &port);
    return endpoint(host == u"*" ? QString() : host, port);
}

Error fieldError(const QString& field, const QString& message)
{
    return Error{message, u"haproxy config: " + field};
}

} // namespace

Result<bool> validateHaproxyConfig(const HaproxyConfig& config)
{
    if (!isValidName(config.environment))
        return fieldError(QStringLiteral("environment"),
                          QStringLiteral("'%1' is not a valid proxy name (letters, digits, "
                                         "'_', '-', '.', at most 64)")
                              .arg(config.environment));
    QString host;
    int port = 0;
    if (!splitListen(config.listen, &host, &port) || !isValidHost(host))
        return fieldError(
            QStringLiteral("listen"),
            QStringLiteral("'%1' is not host:port with a port from 1 to 65535").arg(config.listen));
    if (!config.metricsListen.isEmpty()) {
        QString metricsHost;
        int metricsPort = 0;
        if (!splitListen(config.metricsListen, &metricsHost, &metricsPort) ||
            !isValidHost(metricsHost))
            return fieldError(QStringLiteral("metricsListen"),
                              QStringLiteral("'%1' is not host:port with a port from 1 to 65535")
                                  .arg(config.metricsListen));
        // Two frontends on one address: HAProxy would share the connections between them.
        const auto anyAddress = [](const QString& h) {
            return h.isEmpty() || h == u"*";
        };
        if (metricsPort == port &&
            (metricsHost == host || anyAddress(metricsHost) || anyAddress(host)))
            return fieldError(QStringLiteral("metricsListen"),
                              QStringLiteral("'%1' uses the port of the entry point ('%2')")
                                  .arg(config.metricsListen, config.listen));
    }
    if (config.servers.isEmpty())
        return fieldError(QStringLiteral("servers"), QStringLiteral("the backend has no server"));

    QSet<QString> seen;
    for (qsizetype i = 0; i < config.servers.size(); ++i) {
        const HaproxyServer& server = config.servers.at(i);
        const QString field = QStringLiteral("servers[%1]").arg(i);
        if (!isValidName(server.name))
            return fieldError(field,
                              QStringLiteral("'%1' is not a valid server name").arg(server.name));
        if (seen.contains(server.name))
            return fieldError(field, QStringLiteral("server '%1' appears twice").arg(server.name));
        seen.insert(server.name);
        // A disabled server holding nothing yet is written with the vacant endpoint.
        const bool vacant = server.disabled && server.address.isEmpty() && server.port == 0;
        if (!vacant &&
            (server.address.isEmpty() || server.address == u"*" || !isValidHost(server.address)))
            return fieldError(field, QStringLiteral("server '%1' has no valid address ('%2')")
                                         .arg(server.name, server.address));
        if (!vacant && (server.port < 1 || server.port > 65535))
            return fieldError(field, QStringLiteral("server '%1' has port %2, not 1 to 65535")
                                         .arg(server.name)
                                         .arg(server.port));
        if (server.weight < 0 || server.weight > 256)
            return fieldError(field, QStringLiteral("server '%1' has weight %2, not 0 to 256")
                                         .arg(server.name)
                                         .arg(server.weight));
    }

    const HaproxyHealthCheck& health = config.health;
    static const QRegularExpression pathPattern(QStringLiteral("^/[\\x21-\\x7e]*$"));
    if (!pathPattern.match(health.path).hasMatch())
        return fieldError(
            QStringLiteral("health.path"),
            QStringLiteral("'%1' is not an absolute path without spaces").arg(health.path));
    if (health.expectStatus < 100 || health.expectStatus > 599)
        return fieldError(QStringLiteral("health.expectStatus"),
                          QStringLiteral("%1 is not an HTTP status").arg(health.expectStatus));
    if (health.interval.count() < 1 || health.fall < 1 || health.rise < 1)
        return fieldError(QStringLiteral("health"),
                          QStringLiteral("interval, fall and rise must be positive"));

    const HaproxyTimeouts& t = config.timeouts;
    if (t.connect.count() < 1 || t.client.count() < 1 || t.server.count() < 1 ||
        t.check.count() < 1 || t.hardStopAfter.count() < 1)
        return fieldError(QStringLiteral("timeouts"),
                          QStringLiteral("every timeout must be positive"));
    if (config.retries < 0 || config.retries > 100)
        return fieldError(QStringLiteral("retries"),
                          QStringLiteral("%1 is not from 0 to 100").arg(config.retries));
    return true;
}

Result<QByteArray> renderHaproxyConfig(const HaproxyConfig& config, const HaproxyFolder& folder)
{
    if (Result<bool> valid = validateHaproxyConfig(config); !valid)
        return valid.error();
    if (folder.path.isEmpty() || !folder.path.startsWith(u'/') || folder.path.contains(u' ') ||
        folder.path.contains(u'"'))
        return fieldError(QStringLiteral("folder"),
                          QStringLiteral("'%1' must be an absolute path without spaces or quotes")
                              .arg(folder.path));
    if (folder.socketPath().toLocal8Bit().size() > maxSocketPathBytes)
        return fieldError(QStringLiteral("folder"),
                          QStringLiteral("the stats socket path '%1' is longer than a unix socket "
                                         "allows (%2 bytes)")
                              .arg(folder.socketPath())
                              .arg(maxSocketPathBytes));

    const HaproxyHealthCheck& health = config.health;
    const HaproxyTimeouts& t = config.timeouts;

    QString text;
    text += u"# Generated by Launchdeck for environment " + config.environment +
            u"; rewritten on every deploy.\n";
    // No log lines: a detached instance has no terminal, and nothing may be written outside
    // its folder. The runtime API's counters are what Launchdeck reads.
    text += u"global\n";
    text += u"    pidfile " + folder.pidPath() + u'\n';
    // expose-fd listeners lets a reloading process take over the bound sockets (-x), so no
    // connection is refused during the switch.
    text +=
        u"    stats socket " + folder.socketPath() + u" mode 600 level admin expose-fd listeners\n";
    text += u"    stats timeout 30s\n";
    text += u"    hard-stop-after " + duration(t.hardStopAfter) + u'\n';
    text += u'\n';
    text += u"defaults\n";
    text += u"    mode http\n";
    text += u"    option redispatch\n";
    text += u"    retries " + QString::number(config.retries) + u'\n';
    text += u"    timeout connect " + duration(t.connect) + u'\n';
    text += u"    timeout client " + duration(t.client) + u'\n';
    text += u"    timeout server " + duration(t.server) + u'\n';
    text += u"    timeout check " + duration(t.check) + u'\n';
    text += u'\n';
    text += u"frontend " + config.frontendName() + u'\n';
    text += u"    bind " + bindAddress(config.listen) + u'\n';
    text += u"    default_backend " + config.backendName() + u'\n';
    text += u'\n';
    if (!config.metricsListen.isEmpty()) {
        // Only /metrics is served; anything else gets HAProxy's 503, as it has no backend.
        text += u"frontend " + config.metricsFrontendName() + u'\n';
        text += u"    bind " + bindAddress(config.metricsListen) + u'\n';
        text += u"    http-request use-service prometheus-exporter if { path /metrics }\n";
        text += u'\n';
    }
    text += u"backend " + config.backendName() + u'\n';
    text += u"    balance roundrobin\n";
    text += u"    option httpchk GET " + health.path + u'\n';
    text += u"    http-check expect status " + QString::number(health.expectStatus) + u'\n';
    text += u"    default-server inter " + duration(health.interval) + u" fall " +
            QString::number(health.fall) + u" rise " + QString::number(health.rise) + u'\n';
    for (const HaproxyServer& server : config.servers) {
        const bool unset = server.address.isEmpty();
        text += u"    server " + server.name + u' ' +
                endpoint(unset ? QStringView(kVacantAddress).toString() : server.address,
                         unset ? kVacantPort : server.port) +
                u" weight " + QString::number(server.weight) +
                (server.disabled ? u" disabled" : u"") + u" check\n";
    }
    return text.toUtf8();
}

} // namespace launchdeck::traffic
