// Applying list answers to the known containers.
#include "docker/dockerhoststate.h"

namespace launchdeck {

namespace {

// What a list entry shows that can change while the container lives.
bool sameListing(const DockerContainer& a, const DockerContainer& b)
{
    return a.state == b.state && a.status == b.status && a.health == b.health && a.name == b.name &&
           a.image == b.image && a.imageId == b.imageId && a.labels == b.labels &&
           a.ports.size() == b.ports.size();
}

} // namespace

void DockerHostState::reset(const QList<DockerContainer>& containers)
{
    m_containers.clear();
    m_containers.reserve(containers.size());
    for (const DockerContainer& container : containers)
        m_containers.insert(container.id, container);
}

DockerContainerDelta DockerHostState::applyListed(const QStringList& ids,
                                                  const QList<DockerContainer>& listed)
{
    DockerContainerDelta delta;
    QSet<QString> seen;
    for (const DockerContainer& container : listed) {
        seen.insert(container.id);
        m_containers.insert(container.id, container);
        delta.changed.append(container);
    }
    for (const QString& id : ids) {
        if (!seen.contains(id) && m_containers.remove(id) > 0)
            delta.removed.append(id);
    }
    return delta;
}

DockerContainerDelta DockerHostState::applyFull(const QSet<QString>& dirty,
                                                const QList<DockerContainer>& listed)
{
    DockerContainerDelta delta;
    QHash<QString, DockerContainer> next;
    next.reserve(listed.size());
    for (const DockerContainer& container : listed) {
        const auto known = m_containers.constFind(container.id);
        if (dirty.contains(container.id) || known == m_containers.cend() ||
            !sameListing(*known, container))
            delta.changed.append(container);
        next.insert(container.id, container);
    }
    for (auto it = m_containers.cbegin(); it != m_containers.cend(); ++it) {
        if (!next.contains(it.key()))
            delta.removed.append(it.key());
    }
    m_containers = std::move(next);
    return delta;
}

bool DockerHostState::isRunning(const QString& id) const
{
    const auto found = m_containers.constFind(id);
    return found != m_containers.cend() && isRunning(*found);
}

bool DockerHostState::isRunning(const DockerContainer& container)
{
    return container.state == QLatin1String("running") ||
           container.state == QLatin1String("paused");
}

} // namespace launchdeck
