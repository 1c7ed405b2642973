// Substitution of variables into template values and their conversion to typed values.
#include "templates/templateresolver.h"

#include "core/yamlmapreader.h"
#include "templates/templatetext.h"

#include <QStringList>

#include <limits>

namespace launchdeck::templates {

namespace {

class Resolver
{
public:
    Resolver(const InfraTemplate& tmpl, const QHash<QString, QString>& overrides, ResolveMode mode,
             Diagnostics& out, QSet<QString>* used)
        : m_tmpl(tmpl)
        , m_mode(mode)
        , m_out(out)
        , m_used(used)
    {
        for (const Variable& variable : tmpl.variables) {
            if (variable.secret)
                continue;
            if (overrides.contains(variable.name))
                m_values.insert(variable.name, overrides.value(variable.name));
            else if (variable.defaultValue)
                m_values.insert(variable.name, variable.defaultValue->text);
        }
        for (auto it = overrides.begin(); it != overrides.end(); ++it) {
            const Variable* variable = tmpl.variable(it.key());
            if (!variable) {
                report(tmpl.path, 0, 0, Severity::Medium, "unknown-override",
                       QStringLiteral("the override '%1' names no variable of the template")
                           .arg(it.key()));
            } else if (variable->secret) {
                report(tmpl.path, variable->line, variable->column, Severity::Medium,
                       "secret-override",
                       QStringLiteral("'%1' is a secret variable: it is never rendered, so its "
                                      "override is ignored")
                           .arg(it.key()));
            } else if (const QString problem = typeProblem(variable->type, it.value());
                       !problem.isEmpty()) {
                report(tmpl.path, variable->line, variable->column, Severity::High, "wrong-type",
                       QStringLiteral("the override of variable '%1' %2").arg(it.key(), problem));
            }
        }
    }

    bool failed() const { return m_failed; }

    static QString typeProblem(VariableType type, const QString& text)
    {
        switch (type) {
        case VariableType::String:
            return {};
        case VariableType::Integer: {
            bool ok = false;
            text.toLongLong(&ok);
            return ok ? QString() : QStringLiteral("must be a whole number, not '%1'").arg(text);
        }
        case VariableType::Boolean:
            return text == u"true" || text == u"false"
                       ? QString()
                       : QStringLiteral("must be true or false, not '%1'").arg(text);
        case VariableType::Quantity:
            return parseQuantity(text) ? QString()
                                       : QStringLiteral("must be a quantity such as 250m or "
                                                        "512Mi, not '%1'")
                                             .arg(text);
        case VariableType::Duration:
            return parseDuration(text) ? QString()
                                       : QStringLiteral("must be a duration such as 30s, not "
                                                        "'%1'")
                                             .arg(text);
        }
        return {};
    }

    // The value with its references substituted; nullopt after an error, or when checking and
    // a variable has no value yet. Secret references go to `parts` when given, else are errors.
    std::optional<QString> text(const Value& value, QList<EnvPart>* parts = nullptr, int depth = 0)
    {
        const ParsedText parsed = parseText(value.text);
        if (parsed.errorOffset) {
            reportAt(value, *parsed.errorOffset, "bad-interpolation", parsed.error);
            return std::nullopt;
        }
        QString result;
        bool known = true;
        const auto appendLiteral = [&](const QString& literal) {
            result += literal;
            if (parts) {
                if (parts->isEmpty() || parts->last().secret)
                    parts->append({literal, false});
                else
                    parts->last().text += literal;
            }
        };
        for (const TextPiece& piece : parsed.pieces) {
            if (!piece.reference) {
                appendLiteral(piece.literal);
                continue;
            }
            const Reference& reference = *piece.reference;
            if (reference.name.startsWith(u"resources.")) {
                const auto resolved = resourceValue(value, reference, depth);
                if (!resolved)
                    return std::nullopt;
                appendLiteral(*resolved);
                continue;
            }
            const Variable* variable = m_tmpl.variable(reference.name);
            if (!variable) {
                QStringList names;
                for (const Variable& v : m_tmpl.variables)
                    names.append(v.name);
                const QString guess = closestMatch(reference.name, names);
                reportAt(value, reference.offset, "undefined-variable",
                         QStringLiteral("undefined variable '%1'%2")
                             .arg(reference.name,
                                  guess.isEmpty()
                                      ? QStringLiteral(" (declare it under 'variables')")
                                      : QStringLiteral(" (did you mean '%1'?)").arg(guess)));
                return std::nullopt;
            }
            if (m_used)
                m_used->insert(variable->name);
            if (variable->secret) {
                if (!parts) {
                    reportAt(value, reference.offset, "secret-variable",
                             QStringLiteral("secret variable '%1' can only be used in 'env' "
                                            "values, where it is rendered as a reference")
                                 .arg(variable->name));
                    return std::nullopt;
                }
                parts->append({variable->name, true});
                result += u"${" + variable->name + u'}';
                continue;
            }
            if (m_values.contains(variable->name)) {
                appendLiteral(m_values.value(variable->name));
            } else if (reference.fallback) {
                appendLiteral(*reference.fallback);
            } else if (m_mode == ResolveMode::Check) {
                known = false;
            } else {
                reportAt(value, reference.offset, "missing-variable",
                         QStringLiteral("variable '%1' has no value: give it a default or an "
                                        "override")
                             .arg(variable->name));
                return std::nullopt;
            }
        }
        if (!known)
            return std::nullopt;
        return result;
    }

    std::optional<qint64> integer(const Value& value, const QString& what, qint64 min, qint64 max)
    {
        const auto resolved = text(value);
        if (!resolved)
            return std::nullopt;
        bool ok = false;
        const qint64 number = resolved->toLongLong(&ok);
        if (!ok) {
            error(value, "wrong-type",
                  QStringLiteral("%1 must be a whole number, not '%2'").arg(what, *resolved));
            return std::nullopt;
        }
        if (number < min || number > max) {
            error(value, "out-of-range",
                  QStringLiteral("%1 must be between %2 and %3, not %4")
                      .arg(what)
                      .arg(min)
                      .arg(max)
                      .arg(number));
            return std::nullopt;
        }
        return number;
    }

    std::optional<bool> boolean(const Value& value, const QString& what)
    {
        const auto resolved = text(value);
        if (!resolved)
            return std::nullopt;
        if (*resolved == u"true" || *resolved == u"false")
            return *resolved == u"true";
        error(value, "wrong-type",
              QStringLiteral("%1 must be true or false, not '%2'").arg(what, *resolved));
        return std::nullopt;
    }

    std::optional<ResolvedQuantity> quantity(const Value& value, const QString& what)
    {
        const auto resolved = text(value);
        if (!resolved)
            return std::nullopt;
        const auto parsed = parseQuantity(*resolved);
        if (!parsed || parsed->milli <= 0) {
            error(value, "bad-quantity",
                  QStringLiteral("%1 is not a positive quantity: '%2' (write e.g. 250m, 0.5, "
                                 "512Mi, 2Gi)")
                      .arg(what, *resolved));
            return std::nullopt;
        }
        return ResolvedQuantity{*resolved, *parsed, value.line};
    }

    std::optional<std::chrono::milliseconds> duration(const Value& value, const QString& what)
    {
        const auto resolved = text(value);
        if (!resolved)
            return std::nullopt;
        const auto parsed = parseDuration(*resolved);
        if (!parsed) {
            error(value, "bad-duration",
                  QStringLiteral("%1 is not a duration: '%2' (write e.g. 500ms, 30s, 5m)")
                      .arg(what, *resolved));
        }
        return parsed;
    }

    std::optional<QString> oneOf(const Value& value, const QString& what,
                                 const QStringList& allowed)
    {
        const auto resolved = text(value);
        if (resolved && !allowed.contains(*resolved)) {
            error(value, "bad-value",
                  QStringLiteral("%1 must be one of %2, not '%3'")
                      .arg(what, allowed.join(QStringLiteral(", ")), *resolved));
            return std::nullopt;
        }
        return resolved;
    }

    void error(const Value& value, const char* rule, const QString& message)
    {
        report(m_tmpl.path, value.line, value.column, Severity::High, rule, message);
    }

private:
    std::optional<QString> resourceValue(const Value& value, const Reference& reference, int depth)
    {
        const QStringList parts = reference.name.split(u'.');
        const Resource* resource = m_tmpl.resource(parts.value(1));
        const Value target = resource ? resource->scalars.value(parts.value(2)) : Value{};
        if (!target.present()) {
            reportAt(value, reference.offset, "unknown-reference",
                     QStringLiteral("'${%1}' names no scalar key of a resource of the template")
                         .arg(reference.name));
            return std::nullopt;
        }
        if (depth > 4) {
            reportAt(value, reference.offset, "unknown-reference",
                     QStringLiteral("'${%1}' refers to itself").arg(reference.name));
            return std::nullopt;
        }
        return text(target, nullptr, depth + 1);
    }

    void reportAt(const Value& value, qsizetype offset, const char* rule, const QString& message)
    {
        const auto [line, column] = positionIn(value, offset);
        report(m_tmpl.path, line, column, Severity::High, rule, message);
    }

    void report(const QString& path, int line, int column, Severity severity, const char* rule,
                const QString& message)
    {
        const Diagnostic diagnostic{path, line, column, severity, QLatin1String(rule), message};
        if (!m_out.contains(diagnostic))
            m_out.append(diagnostic);
        if (isError(severity))
            m_failed = true;
    }

    const InfraTemplate& m_tmpl;
    ResolveMode m_mode;
    Diagnostics& m_out;
    QSet<QString>* m_used;
    QHash<QString, QString> m_values;
    bool m_failed = false;
};

class ResourceResolver
{
public:
    ResourceResolver(Resolver& resolver, const Resource& resource)
        : r(resolver)
        , m_source(resource)
    {}

    ResolvedResource resolve()
    {
        ResolvedResource out;
        out.source = &m_source;
        out.name = m_source.name;
        out.type = m_source.type;
        out.line = m_source.line;
        out.dependencies = texts(m_source.dependencies);
        for (const auto& [key, value] : m_source.tags)
            out.tags.append({key, r.text(value).value_or(QString())});
        switch (m_source.type) {
        case ResourceType::Compute:
        case ResourceType::Database:
            workload(out);
            break;
        case ResourceType::Storage:
            if (const auto size = r.quantity(m_source.size, what(u"size")))
                out.size = *size;
            out.accessMode =
                optionalOneOf(m_source.accessMode, u"access_mode",
                              {QStringLiteral("ReadWriteOnce"), QStringLiteral("ReadOnlyMany"),
                               QStringLiteral("ReadWriteMany")},
                              QStringLiteral("ReadWriteOnce"));
            out.storageClass = optionalText(m_source.storageClass);
            break;
        case ResourceType::Network:
            if (m_source.internal.present())
                out.internal = r.boolean(m_source.internal, what(u"internal")).value_or(false);
            break;
        case ResourceType::LoadBalancer:
            out.host = optionalText(m_source.host);
            out.tlsSecret = optionalText(m_source.tlsSecret);
            out.ingressClass = optionalText(m_source.ingressClass);
            for (const Route& route : m_source.routes) {
                ResolvedRoute resolved;
                resolved.line = route.line;
                resolved.path = route.path.present() ? r.text(route.path).value_or(QString())
                                                     : QStringLiteral("/");
                resolved.resource = r.text(route.resource).value_or(QString());
                if (route.port.present())
                    resolved.port =
                        int(r.integer(route.port, what(u"route port"), 1, 65535).value_or(0));
                out.routes.append(resolved);
            }
            break;
        case ResourceType::Monitoring:
            out.scrape = texts(m_source.scrape);
            out.metricsPath = m_source.metricsPath.present()
                                  ? r.text(m_source.metricsPath).value_or(QString())
                                  : QStringLiteral("/metrics");
            if (m_source.metricsPort.present())
                out.metricsPort =
                    int(r.integer(m_source.metricsPort, what(u"port"), 1, 65535).value_or(0));
            if (m_source.interval.present())
                out.interval =
                    r.duration(m_source.interval, what(u"interval")).value_or(out.interval);
            break;
        }
        return out;
    }

private:
    QString what(QStringView key) const
    {
        return QStringLiteral("'%1' of resource '%2'").arg(key, m_source.name);
    }

    QStringList texts(const QList<Value>& values)
    {
        QStringList list;
        for (const Value& value : values) {
            if (const auto text = r.text(value))
                list.append(*text);
        }
        return list;
    }

    QString optionalText(const Value& value)
    {
        return value.present() ? r.text(value).value_or(QString()) : QString();
    }

    QString optionalOneOf(const Value& value, QStringView key, const QStringList& allowed,
                          const QString& fallback)
    {
        if (!value.present())
            return fallback;
        return r.oneOf(value, what(key), allowed).value_or(fallback);
    }

    ResolvedQuantity quantityOr(const Value& value, QStringView key,
                                const ResolvedQuantity& fallback)
    {
        if (!value.present())
            return fallback;
        return r.quantity(value, what(key)).value_or(fallback);
    }

    void workload(ResolvedResource& out)
    {
        out.image = r.text(m_source.image).value_or(QString());
        if (m_source.replicas.present())
            out.replicas =
                int(r.integer(m_source.replicas, what(u"replicas"), 0, 1000).value_or(1));
        if (m_source.user.present())
            out.user = r.integer(m_source.user, what(u"user"), 1, std::numeric_limits<int>::max())
                           .value_or(out.user);
        out.command = texts(m_source.command);
        out.args = texts(m_source.args);
        out.networks = texts(m_source.networks);
        out.writablePaths = texts(m_source.writablePaths);
        for (const Value& value : m_source.ports) {
            const auto text = r.text(value);
            if (!text)
                continue;
            const auto mapping = parsePortMapping(*text);
            if (!mapping || !mapping->hostIp.isEmpty()) {
                r.error(value, "invalid-port",
                        QStringLiteral("%1 has an invalid port '%2' (write \"8080:80\", \"80\" or "
                                       "\"53/udp\")")
                            .arg(what(u"ports"), *text));
                continue;
            }
            out.ports.append(
                {mapping->hostPort, mapping->containerPort, mapping->protocol, value.line});
        }
        if (m_source.port.present()) {
            if (const auto port = r.integer(m_source.port, what(u"port"), 1, 65535))
                out.ports.append({0, int(*port), QStringLiteral("tcp"), m_source.port.line});
        }
        for (const auto& [name, value] : m_source.env) {
            ResolvedEnv env{name, {}, value.line};
            if (r.text(value, &env.parts))
                out.env.append(env);
        }
        const int line = m_source.line;
        out.cpu = quantityOr(m_source.cpu, u"cpu", {QStringLiteral("100m"), {100}, line});
        out.memory = quantityOr(m_source.memory, u"memory",
                                {QStringLiteral("128Mi"), {128LL * 1024 * 1024 * 1000}, line});
        out.cpuLimit = quantityOr(m_source.cpuLimit, u"cpu_limit", out.cpu);
        out.memoryLimit = quantityOr(m_source.memoryLimit, u"memory_limit", out.memory);
        if (out.cpuLimit.quantity < out.cpu.quantity)
            r.error(m_source.cpuLimit, "bad-quantity",
                    QStringLiteral("%1 is below the request (cpu %2)")
                        .arg(what(u"cpu_limit"), out.cpu.text));
        if (out.memoryLimit.quantity < out.memory.quantity)
            r.error(m_source.memoryLimit, "bad-quantity",
                    QStringLiteral("%1 is below the request (memory %2)")
                        .arg(what(u"memory_limit"), out.memory.text));
        for (const Mount& mount : m_source.mounts) {
            ResolvedMount resolved;
            resolved.line = mount.line;
            resolved.storage = r.text(mount.storage).value_or(QString());
            resolved.path = r.text(mount.path).value_or(QString());
            if (mount.readOnly.present())
                resolved.readOnly = r.boolean(mount.readOnly, what(u"read_only")).value_or(false);
            out.mounts.append(resolved);
        }
        if (m_source.type == ResourceType::Database) {
            out.storage = quantityOr(m_source.storage, u"storage",
                                     {QStringLiteral("1Gi"), {1024LL * 1024 * 1024 * 1000}, line});
            out.dataPath = m_source.dataPath.present()
                               ? r.text(m_source.dataPath).value_or(QString())
                               : QStringLiteral("/data");
        }
        if (m_source.healthCheck)
            out.health = health(*m_source.healthCheck, out);
    }

    ResolvedHealth health(const HealthCheck& check, const ResolvedResource& resource)
    {
        ResolvedHealth h;
        h.line = check.line;
        if (check.http.present()) {
            h.kind = ResolvedHealth::Kind::Http;
            h.path = r.text(check.http).value_or(QStringLiteral("/"));
            if (check.port.present())
                h.port =
                    int(r.integer(check.port, what(u"health_check port"), 1, 65535).value_or(0));
            else if (!resource.ports.isEmpty())
                h.port = resource.ports.first().container;
        } else if (check.tcp.present()) {
            h.kind = ResolvedHealth::Kind::Tcp;
            h.port = int(r.integer(check.tcp, what(u"health_check tcp"), 1, 65535).value_or(0));
        } else {
            h.kind = ResolvedHealth::Kind::Command;
            h.command = texts(check.command);
        }
        if (check.interval.present())
            h.interval =
                r.duration(check.interval, what(u"health_check interval")).value_or(h.interval);
        if (check.timeout.present())
            h.timeout =
                r.duration(check.timeout, what(u"health_check timeout")).value_or(h.timeout);
        if (check.initialDelay.present())
            h.initialDelay = r.duration(check.initialDelay, what(u"health_check initial_delay"))
                                 .value_or(h.initialDelay);
        if (check.retries.present())
            h.retries =
                int(r.integer(check.retries, what(u"health_check retries"), 1, 100).value_or(3));
        return h;
    }

    Resolver& r;
    const Resource& m_source;
};

} // namespace

const ResolvedResource* ResolvedTemplate::find(const QString& resourceName) const
{
    for (const ResolvedResource& resource : resources) {
        if (resource.name == resourceName)
            return &resource;
    }
    return nullptr;
}

std::optional<ResolvedTemplate> resolveTemplate(const InfraTemplate& tmpl,
                                                const QHash<QString, QString>& overrides,
                                                ResolveMode mode, Diagnostics& out,
                                                QSet<QString>* used)
{
    Resolver resolver(tmpl, overrides, mode, out, used);
    ResolvedTemplate resolved;
    resolved.name = tmpl.name;
    resolved.version = tmpl.version;
    resolved.environment = tmpl.environment;
    resolved.description = tmpl.description;
    for (const Resource& resource : tmpl.resources)
        resolved.resources.append(ResourceResolver(resolver, resource).resolve());
    for (const Output& output : tmpl.outputs) {
        resolved.outputs.append({output.name, resolver.text(output.value).value_or(QString()),
                                 output.description, output.line});
    }
    for (const Variable& variable : tmpl.variables) {
        if (variable.secret)
            resolved.secrets.append(variable.name);
    }
    if (resolver.failed())
        return std::nullopt;
    return resolved;
}

} // namespace launchdeck::templates
