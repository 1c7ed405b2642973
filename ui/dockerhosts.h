// The Docker hosts of the open workspace: one DockerHost per Docker target, made when a
// workspace opens (its launchdeck.yaml read off the GUI thread) and replaced when another does.
#pragma once

#include "docker/dockerhost.h"

#include <QList>
#include <QObject>
#include <QStringList>

#include <memory>
#include <vector>

namespace launchdeck {

struct Target;

class DockerHosts final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(DockerHosts)

public:
    explicit DockerHosts(QObject* parent = nullptr);
    ~DockerHosts() override;

    // Reads the workspace's targets in the background; hostsChanged follows.
    void loadWorkspace(const QString& root);
    QList<DockerHost*> hosts() const;
    // Targets whose host could not be understood, one message each.
    const QStringList& problems() const { return m_problems; }

Q_SIGNALS:
    // The new hosts, already started. The previous ones are deleted once receivers return,
    // so receivers must let go of them here.
    void hostsChanged(const QList<launchdeck::DockerHost*>& hosts);

private:
    void applyTargets(const QList<Target>& targets, const QString& root);

    std::vector<std::unique_ptr<DockerHost>> m_hosts;
    QStringList m_problems;
    quint64 m_generation = 0; // drops reads of workspaces since replaced
};

} // namespace launchdeck
