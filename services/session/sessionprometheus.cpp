// The session's Prometheus servers: one per distinct server the environments name, made again
// only when what reaches it changes on reload, its secret looked up (process environment, then
// keyring) off the session's thread before the server is made.
#include "workspacesession.h"

#include "pipeline/secretresolver.h"
#include "prometheus/serverendpoints.h"

#include <QPointer>
#include <QProcessEnvironment>

#include <chrono>

namespace launchdeck {

using namespace std::chrono_literals;

prometheus::PrometheusServer* WorkspaceSession::prometheusServer(const QString& environment) const
{
    return m_prometheusOf.value(environment);
}

QList<prometheus::PrometheusServer*> WorkspaceSession::prometheusServers() const
{
    QList<prometheus::PrometheusServer*> servers;
    for (const auto& [key, server] : m_prometheusServers)
        servers.append(server.get());
    return servers;
}

QString WorkspaceSession::prometheusProblem(const QString& environment) const
{
    return m_prometheusProblems.value(environment);
}

void WorkspaceSession::applyPrometheusServers()
{
    if (!m_options.connectHosts)
        return;
    QStringList keys;
    QStringList secrets;
    const QList<Environment> environments =
        m_workspace ? m_workspace->environments : QList<Environment>();
    for (const Environment& environment : environments) {
        if (!environment.prometheus.isSet())
            continue;
        keys.append(environment.name + u'=' + prometheus::serverIdentity(environment.prometheus));
        prometheus::addSecretName(environment.prometheus, secrets);
    }
    // A reload that leaves every environment's server as it was keeps them and their state.
    if (keys == m_prometheusKeys)
        return;
    m_prometheusKeys = keys;
    const quint64 generation = ++m_prometheusGeneration;
    if (secrets.isEmpty()) {
        buildPrometheusServers({});
        return;
    }
    auto* resolver =
        new SecretResolver(QStringLiteral("launchdeck"), 2000ms, m_options.useKeyring, this);
    QPointer<WorkspaceSession> guard(this);
    connect(resolver, &SecretResolver::resolved, this,
            [this, guard, resolver, generation](const ResolvedSecrets& resolved) {
                resolver->deleteLater();
                if (!guard || generation != m_prometheusGeneration)
                    return;
                QHash<QString, QString> values;
                for (const auto& [name, value] : resolved.values)
                    values.insert(name, value);
                buildPrometheusServers(values);
            });
    resolver->resolve(secrets, QProcessEnvironment::systemEnvironment());
}

void WorkspaceSession::buildPrometheusServers(const QHash<QString, QString>& secrets)
{
    const QList<Environment> environments =
        m_workspace ? m_workspace->environments : QList<Environment>();
    // The environments sharing each server, for its name in messages.
    QMap<QString, QStringList> namesOf;
    for (const Environment& environment : environments) {
        if (environment.prometheus.isSet())
            namesOf[prometheus::serverIdentity(environment.prometheus)].append(environment.name);
    }

    auto previous = std::move(m_prometheusServers);
    m_prometheusServers.clear();
    m_prometheusOf.clear();
    m_prometheusProblems.clear();
    std::vector<prometheus::PrometheusServer*> started;
    const prometheus::SecretLookup lookup = [&secrets](const QString& name) {
        const auto it = secrets.constFind(name);
        return it == secrets.cend() ? std::nullopt : std::optional<QString>(*it);
    };
    for (const Environment& environment : environments) {
        if (!environment.prometheus.isSet())
            continue;
        const QString key = prometheus::serverIdentity(environment.prometheus);
        auto it = m_prometheusServers.find(key);
        if (it == m_prometheusServers.end()) {
            if (auto old = previous.find(key); old != previous.end()) {
                it = m_prometheusServers.emplace(key, std::move(old->second)).first;
                previous.erase(old);
            } else {
                const Result<prometheus::ServerEndpoint> endpoint =
                    prometheus::endpointOf(environment.prometheus, lookup);
                if (!endpoint) {
                    m_prometheusProblems.insert(environment.name,
                                                tr("Environment %1 (line %2): Prometheus: %3")
                                                    .arg(environment.name)
                                                    .arg(environment.prometheus.line)
                                                    .arg(endpoint.error().toString()));
                    continue;
                }
                auto server = std::make_unique<prometheus::PrometheusServer>(
                    namesOf.value(key).join(QStringLiteral(", ")), *endpoint);
                started.push_back(server.get());
                it = m_prometheusServers.emplace(key, std::move(server)).first;
            }
        }
        m_prometheusOf.insert(environment.name, it->second.get());
    }
    for (prometheus::PrometheusServer* server : started)
        server->start();
    Q_EMIT prometheusServersChanged(prometheusServers());
    // Receivers have let go; servers no environment names any more end their threads here.
    previous.clear();
}

} // namespace launchdeck
