// One DockerHost per Docker target of the open workspace.
#include "dockerhosts.h"

#include "docker/dockerhost.h"
#include "workspace/workspace.h"

#include <QFutureWatcher>
#include <QtConcurrent/QtConcurrentRun>

namespace launchdeck {

DockerHosts::DockerHosts(QObject* parent)
    : QObject(parent)
{}

DockerHosts::~DockerHosts() = default;

void DockerHosts::loadWorkspace(const QString& root)
{
    const quint64 generation = ++m_generation;
    auto* watcher = new QFutureWatcher<QList<Target>>(this);
    connect(watcher, &QFutureWatcher<QList<Target>>::finished, this,
            [this, watcher, generation, root] {
                watcher->deleteLater();
                if (generation == m_generation)
                    applyTargets(watcher->result(), root);
            });
    watcher->setFuture(QtConcurrent::run([root] {
        Diagnostics findings;
        const std::optional<Workspace> workspace = launchdeck::loadWorkspace(root, findings);
        return workspace ? workspace->targets : QList<Target>{};
    }));
}

QList<DockerHost*> DockerHosts::hosts() const
{
    QList<DockerHost*> hosts;
    for (const std::unique_ptr<DockerHost>& host : m_hosts)
        hosts.append(host.get());
    return hosts;
}

void DockerHosts::applyTargets(const QList<Target>& targets, const QString& root)
{
    std::vector<std::unique_ptr<DockerHost>> previous = std::move(m_hosts);
    m_hosts.clear();
    m_problems.clear();
    QStringList seen;
    for (const Target& target : targets) {
        if (target.type != Target::Type::Docker)
            continue;
        const Result<DockerEndpoint> endpoint = endpointForTarget(target, root);
        if (!endpoint) {
            m_problems.append(tr("Target %1 (line %2): %3")
                                  .arg(target.name)
                                  .arg(target.line)
                                  .arg(endpoint.error().toString()));
            continue;
        }
        // Several targets on one daemon share its host: one set of streams, not several.
        const QString key = endpoint->toString();
        if (seen.contains(key))
            continue;
        seen.append(key);
        m_hosts.push_back(std::make_unique<DockerHost>(target.name, *endpoint));
    }
    for (const std::unique_ptr<DockerHost>& host : m_hosts)
        host->start();
    Q_EMIT hostsChanged(hosts());
    // Receivers have let go; the old hosts end their streams and threads here.
    previous.clear();
}

} // namespace launchdeck
