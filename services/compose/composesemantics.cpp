// Compose semantics: what docker compose would refuse or silently get wrong at `up` time; the
// references between parts and the loader's consistency checks have files of their own.
#include "compose/composesemantics.h"

#include "compose/composeconsistency.h"
#include "compose/composefile.h"
#include "compose/composeinterpolation.h"
#include "compose/composereferences.h"
#include "core/units.h"
#include "core/yamlsource.h"

#include <QHash>
#include <QRegularExpression>

namespace launchdeck {

namespace {

struct PublishedPort
{
    QString hostIp; // empty: every address
    int port = 0;
    QString protocol;
    QString service;
    YAML::Node node;
};

struct PortRange
{
    QString hostIp;
    int hostStart = 0;
    int hostEnd = 0;
    int containerStart = 0;
    int containerEnd = 0;
    QString protocol;
};

// One side of "8000-8005": start and end.
std::optional<std::pair<int, int>> splitRange(QStringView part)
{
    const qsizetype dash = part.indexOf(u'-');
    const auto single = [](QStringView text) -> std::optional<int> {
        const auto mapping = parsePortMapping(text);
        if (!mapping || mapping->hostPort != 0 || text.contains(u'/'))
            return std::nullopt;
        return mapping->containerPort;
    };
    if (dash < 0) {
        const auto port = single(part);
        if (!port)
            return std::nullopt;
        return std::pair{*port, *port};
    }
    const auto start = single(part.left(dash));
    const auto end = single(part.mid(dash + 1));
    if (!start || !end || *end < *start)
        return std::nullopt;
    return std::pair{*start, *end};
}

// The short port syntax with ranges, which parsePortMapping does not take, reduced to it.
std::optional<PortRange> parsePortRange(const QString& text)
{
    const auto mapping = [&]() -> std::optional<PortMapping> {
        QString reduced = text;
        static const QRegularExpression range(QStringLiteral("(\\d+)-\\d+"));
        reduced.replace(range, QStringLiteral("\\1"));
        return parsePortMapping(reduced);
    }();
    if (!mapping)
        return std::nullopt;
    QStringView rest = QStringView(text).trimmed();
    if (const qsizetype slash = rest.lastIndexOf(u'/'); slash >= 0)
        rest = rest.left(slash);
    const auto parts = rest.split(u':');
    PortRange range{mapping->hostIp, 0, 0, 0, 0, mapping->protocol};
    const auto container = splitRange(parts.last());
    if (!container)
        return std::nullopt;
    range.containerStart = container->first;
    range.containerEnd = container->second;
    if (parts.size() >= 2) {
        const auto host = splitRange(parts[parts.size() - 2]);
        if (!host)
            return std::nullopt;
        range.hostStart = host->first;
        range.hostEnd = host->second;
        const int hostCount = range.hostEnd - range.hostStart;
        const int containerCount = range.containerEnd - range.containerStart;
        if (containerCount != 0 && hostCount != containerCount)
            return std::nullopt;
    }
    return range;
}

class Checker
{
public:
    Checker(const QString& path, const YAML::Node& document, Diagnostics& out)
        : m_path(path)
        , m_document(document)
        , m_out(out)
    {}

    void run()
    {
        for (const ComposeService& service : composeServices(m_document)) {
            checkPorts(service);
            checkEnvironment(service);
            checkRestart(service);
        }
        checkInterpolation(m_document);
    }

private:
    void add(const YAML::Node& at, Severity severity, const char* rule, const QString& message)
    {
        m_out.append(diagnosticAt(m_path, at, severity, QLatin1String(rule), message));
    }

    void publish(const ComposeService& service, const YAML::Node& node, const QString& hostIp,
                 int start, int end, const QString& protocol)
    {
        const QString ip = hostIp == u"0.0.0.0" ? QString() : hostIp;
        for (int port = start; port <= end && port > 0; ++port) {
            for (const PublishedPort& other : std::as_const(m_published)) {
                if (other.port != port || other.protocol != protocol)
                    continue;
                if (!other.hostIp.isEmpty() && !ip.isEmpty() && other.hostIp != ip)
                    continue;
                add(node, Severity::High, "port-conflict",
                    QStringLiteral("host port %1/%2 is published twice: by service '%3' at line "
                                   "%4 and by service '%5'")
                        .arg(port)
                        .arg(protocol, other.service)
                        .arg(yamlLine(other.node))
                        .arg(service.name));
                return;
            }
            m_published.append({ip, port, protocol, service.name, node});
        }
    }

    void checkPorts(const ComposeService& service)
    {
        const YAML::Node ports = field(service.node, "ports");
        if (ports.IsSequence()) {
            for (const YAML::Node& item : ports) {
                if (item.IsMap()) {
                    checkLongPort(service, item);
                    continue;
                }
                const auto text = composeScalar(item);
                if (!text || hasComposeInterpolation(*text))
                    continue;
                const auto range = parsePortRange(*text);
                if (!range) {
                    add(item, Severity::High, "invalid-port",
                        QStringLiteral("service '%1' has an invalid port mapping '%2' (write e.g. "
                                       "\"8080:80\", \"127.0.0.1:8080:80/udp\" or \"80\")")
                            .arg(service.name, *text));
                    continue;
                }
                publish(service, item, range->hostIp, range->hostStart, range->hostEnd,
                        range->protocol);
            }
        }
        const YAML::Node expose = field(service.node, "expose");
        if (!expose.IsSequence())
            return;
        for (const YAML::Node& item : expose) {
            const auto text = composeScalar(item);
            if (!text || hasComposeInterpolation(*text))
                continue;
            const auto range = parsePortRange(*text);
            if (!range || range->hostStart != 0) {
                add(item, Severity::High, "invalid-port",
                    QStringLiteral("service '%1' exposes an invalid port '%2' (write a container "
                                   "port such as \"80\" or \"53/udp\")")
                        .arg(service.name, *text));
            }
        }
    }

    void checkLongPort(const ComposeService& service, const YAML::Node& item)
    {
        const auto port = [&](const char* key) -> std::optional<int> {
            const auto text = composeScalar(field(item, key));
            if (!text || hasComposeInterpolation(*text))
                return std::nullopt;
            bool ok = false;
            const int value = text->toInt(&ok);
            if (!ok || value < 1 || value > 65535) {
                add(field(item, key), Severity::High, "invalid-port",
                    QStringLiteral("service '%1' has an invalid %2 port '%3' (1 to 65535)")
                        .arg(service.name, QLatin1String(key), *text));
                return std::nullopt;
            }
            return value;
        };
        port("target");
        // A published port may be a range written as a string, "9000-9010".
        const auto publishedText = composeScalar(field(item, "published"));
        const auto range = publishedText && publishedText->contains(u'-')
                               ? splitRange(*publishedText)
                               : std::nullopt;
        if (publishedText && publishedText->contains(u'-') && !range &&
            !hasComposeInterpolation(*publishedText)) {
            add(field(item, "published"), Severity::High, "invalid-port",
                QStringLiteral("service '%1' has an invalid published port range '%2'")
                    .arg(service.name, *publishedText));
        }
        const auto published = range ? std::optional(range->first) : port("published");
        if (published) {
            publish(service, item, composeScalar(field(item, "host_ip")).value_or(QString()),
                    *published, range ? range->second : *published,
                    composeScalar(field(item, "protocol")).value_or(QStringLiteral("tcp")));
        }
    }

    void checkEnvironment(const ComposeService& service)
    {
        if (!field(service.node, "environment").IsSequence())
            return; // in the mapping form a repeated name is a duplicate key, reported on load
        QHash<QString, YAML::Node> seen;
        for (const ComposeEnvVar& var : composeEnvironment(service)) {
            if (const auto it = seen.constFind(var.name); it != seen.constEnd()) {
                add(var.node, Severity::Medium, "duplicate-env-var",
                    QStringLiteral(
                        "service '%1' sets the environment variable '%2' twice (first at "
                        "line %3); only the last value counts")
                        .arg(service.name, var.name)
                        .arg(yamlLine(*it)));
                continue;
            }
            seen.insert(var.name, var.node);
        }
    }

    void checkRestart(const ComposeService& service)
    {
        const YAML::Node node = field(service.node, "restart");
        const auto text = composeScalar(node);
        if (!text || hasComposeInterpolation(*text))
            return;
        static const QRegularExpression valid(
            QStringLiteral("^(no|always|unless-stopped|on-failure(:[0-9]+)?)$"));
        if (!valid.match(*text).hasMatch()) {
            add(node, Severity::High, "invalid-restart",
                QStringLiteral("service '%1' has restart policy '%2'; docker compose accepts no, "
                               "always, on-failure[:max-retries] or unless-stopped")
                    .arg(service.name, *text));
        }
    }

    void checkInterpolation(const YAML::Node& node)
    {
        if (node.IsMap()) {
            for (const auto& entry : node)
                checkInterpolation(entry.second);
        } else if (node.IsSequence()) {
            for (const YAML::Node& item : node)
                checkInterpolation(item);
        } else if (node.IsScalar()) {
            const QString text = yamlText(node);
            if (const auto error = checkComposeInterpolation(text)) {
                add(node, Severity::High, "invalid-interpolation",
                    QStringLiteral("invalid interpolation in '%1' at character %2: %3")
                        .arg(text)
                        .arg(error->offset + 1)
                        .arg(error->message));
            }
        }
    }

    const QString& m_path;
    const YAML::Node& m_document;
    Diagnostics& m_out;
    QList<PublishedPort> m_published;
};

} // namespace

void checkComposeSemantics(const QString& path, const YAML::Node& document, Diagnostics& out)
{
    if (!document.IsMap())
        return;
    Checker(path, document, out).run();
    checkComposeReferences(path, document, out);
    checkComposeConsistency(path, document, out);
}

} // namespace launchdeck
