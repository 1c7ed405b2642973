// compose-go's consistency checks, with its wording: the conversion of quoted values after
// interpolation (loader/interpolate.go), the validation of the merged model
// (validation/validation.go) and checkConsistency (loader/validate.go).
#include "compose/composeconsistency.h"

#include "compose/composefile.h"
#include "compose/composeinterpolation.h"
#include "compose/yamljson.h"
#include "core/yamlsource.h"

#include <QRegularExpression>

namespace launchdeck {

namespace {

enum class Cast { Int, Int64, Float, Float32, Bool };

struct CastPath
{
    const char* path; // dot-separated; * is any key, [] any item
    Cast cast;
};

// The locations whose strings docker compose converts, and to what.
constexpr CastPath castPaths[] = {
    {"services.*.cpu_count", Cast::Int64},
    {"services.*.cpu_percent", Cast::Float},
    {"services.*.cpu_period", Cast::Int64},
    {"services.*.cpu_quota", Cast::Int64},
    {"services.*.cpu_rt_period", Cast::Int64},
    {"services.*.cpu_rt_runtime", Cast::Int64},
    {"services.*.cpus", Cast::Float32},
    {"services.*.cpu_shares", Cast::Int64},
    {"services.*.init", Cast::Bool},
    {"services.*.depends_on.*.required", Cast::Bool},
    {"services.*.depends_on.*.restart", Cast::Bool},
    {"services.*.deploy.replicas", Cast::Int},
    {"services.*.deploy.update_config.parallelism", Cast::Int},
    {"services.*.deploy.update_config.max_failure_ratio", Cast::Float},
    {"services.*.deploy.rollback_config.parallelism", Cast::Int},
    {"services.*.deploy.rollback_config.max_failure_ratio", Cast::Float},
    {"services.*.deploy.restart_policy.max_attempts", Cast::Int},
    {"services.*.deploy.placement.max_replicas_per_node", Cast::Int},
    {"services.*.healthcheck.retries", Cast::Int},
    {"services.*.healthcheck.disable", Cast::Bool},
    {"services.*.oom_kill_disable", Cast::Bool},
    {"services.*.oom_score_adj", Cast::Int64},
    {"services.*.pids_limit", Cast::Int64},
    {"services.*.ports.[].target", Cast::Int},
    {"services.*.privileged", Cast::Bool},
    {"services.*.read_only", Cast::Bool},
    {"services.*.scale", Cast::Int},
    {"services.*.stdin_open", Cast::Bool},
    {"services.*.tty", Cast::Bool},
    {"services.*.ulimits.*", Cast::Int},
    {"services.*.ulimits.*.hard", Cast::Int},
    {"services.*.ulimits.*.soft", Cast::Int},
    {"services.*.volumes.[].read_only", Cast::Bool},
    {"services.*.volumes.[].volume.nocopy", Cast::Bool},
    {"networks.*.external", Cast::Bool},
    {"networks.*.internal", Cast::Bool},
    {"networks.*.attachable", Cast::Bool},
    {"networks.*.enable_ipv4", Cast::Bool},
    {"networks.*.enable_ipv6", Cast::Bool},
    {"volumes.*.external", Cast::Bool},
    {"secrets.*.external", Cast::Bool},
    {"configs.*.external", Cast::Bool},
};

// Go's error for a string its strconv functions (or compose-go's toBoolean) refuse.
std::optional<QString> castError(const QString& text, Cast cast)
{
    static const QRegularExpression integer(QStringLiteral("^[+-]?[0-9]+$"));
    static const QRegularExpression decimal(
        QStringLiteral(
            "^[+-]?(([0-9]+(\\.[0-9]*)?|\\.[0-9]+)([eE][+-]?[0-9]+)?|inf|infinity|nan)$"),
        QRegularExpression::CaseInsensitiveOption);
    const auto syntax = [&](const char* function) {
        return QStringLiteral("strconv.%1: parsing \"%2\": invalid syntax")
            .arg(QLatin1String(function), text);
    };
    switch (cast) {
    case Cast::Int:
        return integer.match(text).hasMatch() ? std::nullopt : std::optional(syntax("Atoi"));
    case Cast::Int64:
        return integer.match(text).hasMatch() ? std::nullopt : std::optional(syntax("ParseInt"));
    case Cast::Float:
    case Cast::Float32:
        return decimal.match(text).hasMatch() ? std::nullopt : std::optional(syntax("ParseFloat"));
    case Cast::Bool: {
        static const QStringList words = {QStringLiteral("true"), QStringLiteral("false"),
                                          QStringLiteral("y"),    QStringLiteral("yes"),
                                          QStringLiteral("on"),   QStringLiteral("n"),
                                          QStringLiteral("no"),   QStringLiteral("off")};
        if (words.contains(text.toLower()))
            return std::nullopt;
        return QStringLiteral("invalid boolean: %1").arg(text);
    }
    }
    return std::nullopt;
}

// The key node of `key` in a mapping, where a finding about the whole attribute belongs.
YAML::Node keyOf(const YAML::Node& map, const char* key)
{
    for (const auto& entry : map) {
        if (entry.first.IsScalar() && entry.first.Scalar() == key)
            return entry.first;
    }
    return map;
}

class Consistency
{
public:
    Consistency(const QString& path, const YAML::Node& document, Diagnostics& out)
        : m_path(path)
        , m_document(document)
        , m_out(out)
    {}

    void run()
    {
        for (const CastPath& cast : castPaths) {
            const QStringList pattern = QString::fromLatin1(cast.path).split(u'.');
            checkCasts(m_document, pattern, 0, {}, cast.cast);
        }
        for (const ComposeService& service : composeServices(m_document))
            checkService(service);
        checkSources("secrets", {QStringLiteral("file"), QStringLiteral("environment")});
        checkSources("configs", {QStringLiteral("file"), QStringLiteral("environment"),
                                 QStringLiteral("content")});
        checkExternalVolumes();
    }

private:
    void add(const YAML::Node& at, const char* rule, const QString& message)
    {
        m_out.append(diagnosticAt(m_path, at, Severity::High, QLatin1String(rule), message));
    }

    void checkCasts(const YAML::Node& node, const QStringList& pattern, qsizetype depth,
                    const QString& where, Cast cast)
    {
        if (depth == pattern.size()) {
            if (!node.IsScalar() || !yamlScalarToJson(node).isString())
                return;
            const QString text = yamlText(node);
            if (hasComposeInterpolation(text))
                return;
            if (const auto error = castError(text, cast)) {
                add(node, "invalid-value",
                    QStringLiteral("error while interpolating %1: failed to cast to expected "
                                   "type: %2")
                        .arg(where, *error));
            }
            return;
        }
        const QString& segment = pattern[depth];
        if (segment == u"[]") {
            if (!node.IsSequence())
                return;
            int index = 0;
            for (const YAML::Node& item : node)
                checkCasts(item, pattern, depth + 1, where + QStringLiteral("[%1]").arg(index++),
                           cast);
            return;
        }
        if (!node.IsMap())
            return;
        const auto next = [&](const QString& key) {
            return where.isEmpty() ? key : where + u'.' + key;
        };
        if (segment == u"*") {
            for (const auto& entry : node) {
                const QString key = yamlText(entry.first);
                if (!key.startsWith(u"x-"))
                    checkCasts(entry.second, pattern, depth + 1, next(key), cast);
            }
            return;
        }
        const YAML::Node child = field(node, segment.toUtf8().constData());
        if (child.IsDefined())
            checkCasts(child, pattern, depth + 1, next(segment), cast);
    }

    void checkService(const ComposeService& service)
    {
        const YAML::Node& s = service.node;
        const QString name = u'"' + service.name + u'"';
        if (!field(s, "image").IsDefined() && !field(s, "build").IsDefined() &&
            !field(s, "provider").IsDefined() && !field(s, "extends").IsDefined()) {
            add(service.key, "missing-image",
                QStringLiteral("service %1 has neither an image nor a build context specified")
                    .arg(name));
        }
        const YAML::Node build = field(s, "build");
        if (field(build, "dockerfile").IsDefined() && field(build, "dockerfile_inline").IsDefined())
            add(field(build, "dockerfile_inline"), "conflicting-attributes",
                QStringLiteral("service %1 declares mutually exclusive dockerfile and "
                               "dockerfile_inline")
                    .arg(name));
        if (field(s, "network_mode").IsDefined() && field(s, "networks").IsDefined())
            add(keyOf(s, "networks"), "conflicting-attributes",
                QStringLiteral("service %1 declares mutually exclusive `network_mode` and "
                               "`networks`")
                    .arg(service.name));
        const auto scale = composeScalar(field(s, "scale"));
        const auto replicas = composeScalar(field(field(s, "deploy"), "replicas"));
        if (scale && replicas && !hasComposeInterpolation(*scale) &&
            !hasComposeInterpolation(*replicas) && scale->toLongLong() != replicas->toLongLong())
            add(field(s, "scale"), "conflicting-attributes",
                QStringLiteral("services.%1: can't set distinct values on 'scale' and "
                               "'deploy.replicas'")
                    .arg(service.name));
        checkDeviceRequests(field(s, "gpus"), QStringLiteral("services.%1.gpus").arg(service.name));
        checkDeviceRequests(
            field(field(field(field(s, "deploy"), "resources"), "reservations"), "devices"),
            QStringLiteral("services.%1.deploy.resources.reservations.devices").arg(service.name));
        checkWatch(service);
        checkHealthcheck(service);
    }

    void checkDeviceRequests(const YAML::Node& list, const QString& where)
    {
        if (!list.IsSequence())
            return;
        int index = 0;
        for (const YAML::Node& item : list) {
            if (field(item, "count").IsDefined() && field(item, "device_ids").IsDefined())
                add(field(item, "device_ids"), "conflicting-attributes",
                    QStringLiteral("%1[%2]: \"count\" and \"device_ids\" attributes are exclusive")
                        .arg(where)
                        .arg(index));
            ++index;
        }
    }

    void checkWatch(const ComposeService& service)
    {
        const YAML::Node watch = field(field(service.node, "develop"), "watch");
        if (!watch.IsSequence())
            return;
        for (const YAML::Node& item : watch) {
            const auto action = composeScalar(field(item, "action"));
            if (!item.IsMap() || !action || field(item, "target").IsDefined() ||
                *action == u"rebuild" || *action == u"restart")
                continue;
            add(field(item, "action"), "invalid-watch",
                QStringLiteral("services.%1.develop.watch: target is required for non-rebuild "
                               "actions")
                    .arg(service.name));
        }
        for (const YAML::Node& item : watch) {
            const YAML::Node path = field(item, "path");
            if (path.IsScalar() && yamlText(path).isEmpty())
                add(path, "invalid-watch",
                    QStringLiteral("services.%1.develop.watch.path: value can't be blank")
                        .arg(service.name));
        }
    }

    void checkHealthcheck(const ComposeService& service)
    {
        const YAML::Node test = field(field(service.node, "healthcheck"), "test");
        if (!test.IsSequence() || test.size() == 0 || !test[0].IsScalar())
            return;
        const QString first = yamlText(test[0]);
        if (first == u"CMD" || first == u"CMD-SHELL" || first == u"NONE" ||
            hasComposeInterpolation(first))
            return;
        add(test[0], "invalid-healthcheck",
            QStringLiteral("service \"%1\": healthcheck.test must start either by \"CMD\", "
                           "\"CMD-SHELL\" or \"NONE\"")
                .arg(service.name));
    }

    // A top-level secret or config takes its value from exactly one source, unless it exists
    // already (external) or a driver provides it.
    void checkSources(const char* section, const QStringList& sources)
    {
        const YAML::Node map = field(m_document, section);
        if (!map.IsMap())
            return;
        const bool secrets = section[0] == 's';
        const char* rule = secrets ? "invalid-secret-source" : "invalid-config-source";
        for (const auto& entry : map) {
            const YAML::Node& value = entry.second;
            if (!value.IsMap())
                continue;
            const QString where =
                QStringLiteral("%1.%2").arg(QLatin1String(section), yamlText(entry.first));
            QList<YAML::Node> found;
            for (const auto& attribute : value) {
                if (sources.contains(yamlText(attribute.first)))
                    found.append(attribute.first);
            }
            if (found.size() > 1) {
                add(found[1], rule,
                    QStringLiteral("%1: %2 attributes are mutually exclusive")
                        .arg(where, sources.join(u'|')));
                continue;
            }
            if (!found.isEmpty() || isExternal(field(value, "external")))
                continue;
            if (!field(value, "driver").IsDefined()) {
                add(entry.first, rule,
                    QStringLiteral("%1: one of %2 must be set").arg(where, sources.join(u'|')));
            } else if (secrets) {
                add(entry.first, rule,
                    QStringLiteral("secret \"%1\" must declare either `file` or `environment`")
                        .arg(yamlText(entry.first)));
            }
        }
    }

    static bool isExternal(const YAML::Node& external)
    {
        if (external.IsMap())
            return true;
        const auto text = composeScalar(external);
        return text && !castError(*text, Cast::Bool) &&
               QStringList({QStringLiteral("true"), QStringLiteral("y"), QStringLiteral("yes"),
                            QStringLiteral("on")})
                   .contains(text->toLower());
    }

    void checkExternalVolumes()
    {
        const YAML::Node volumes = field(m_document, "volumes");
        if (!volumes.IsMap())
            return;
        for (const auto& entry : volumes) {
            if (!entry.second.IsMap() || !isExternal(field(entry.second, "external")))
                continue;
            for (const auto& attribute : entry.second) {
                const QString key = yamlText(attribute.first);
                if (key == u"name" || key == u"external" || key.startsWith(u"x-"))
                    continue;
                add(attribute.first, "conflicting-attributes",
                    QStringLiteral("volumes.%1: conflicting parameters \"external\" and \"%2\" "
                                   "specified")
                        .arg(yamlText(entry.first), key));
            }
        }
    }

    const QString& m_path;
    const YAML::Node& m_document;
    Diagnostics& m_out;
};

} // namespace

void checkComposeConsistency(const QString& path, const YAML::Node& document, Diagnostics& out)
{
    if (document.IsMap())
        Consistency(path, document, out).run();
}

} // namespace launchdeck
