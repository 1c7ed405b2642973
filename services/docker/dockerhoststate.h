// The containers a host's worker knows, and how each list answer changes them: the keyed diff
// the worker signals instead of a reset.
#pragma once

#include "docker/dockertypes.h"

#include <QHash>
#include <QList>
#include <QSet>
#include <QStringList>

namespace launchdeck {

struct DockerContainerDelta
{
    QList<DockerContainer> changed; // appeared or changed
    QStringList removed;
    bool isEmpty() const { return changed.isEmpty() && removed.isEmpty(); }
};

class DockerHostState final
{
public:
    void reset(const QList<DockerContainer>& containers);
    void clear() { m_containers.clear(); }

    // The answer of a list filtered by `ids`: the listed ones changed, the others are gone.
    DockerContainerDelta applyListed(const QStringList& ids, const QList<DockerContainer>& listed);
    // The answer of a list of all: `dirty` (named by events), new and different containers
    // changed; the known ones missing from it are gone.
    DockerContainerDelta applyFull(const QSet<QString>& dirty,
                                   const QList<DockerContainer>& listed);

    const QHash<QString, DockerContainer>& containers() const { return m_containers; }
    bool contains(const QString& id) const { return m_containers.contains(id); }
    bool isRunning(const QString& id) const;

    // Running or paused: the daemon has stats to stream for it.
    static bool isRunning(const DockerContainer& container);

private:
    QHash<QString, DockerContainer> m_containers;
};

} // namespace launchdeck
