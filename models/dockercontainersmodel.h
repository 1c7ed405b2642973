// The containers of one Docker host for the containers table: keyed by id, kept current by the
// host's listings, events and stats without ever resetting for a routine update.
#pragma once

#include "docker/dockertypes.h"
#include "dockertablemodel.h"

#include <QColor>

namespace launchdeck {

// A container as the table shows it: what the daemon listed plus its latest stats sample.
struct DockerContainerRow
{
    DockerContainer container;
    bool hasStats = false;
    double cpuPercent = 0;
    quint64 memoryUsedBytes = 0;
    quint64 memoryLimitBytes = 0;
};

// "12.3 MiB", "1 GiB", "512 B": binary units, one decimal where it says something.
QString formatBinarySize(quint64 bytes);
// "0.0.0.0:8080→80/tcp, 443/tcp": published ports first as the docker CLI shows them.
QString formatPorts(const QList<DockerPortMapping>& ports);
// "just now", "5 min ago", "3 h ago", "2 days ago".
QString formatAge(const QDateTime& when, const QDateTime& now);
// Green for running, amber for paused or restarting, grey for stopped, red for dead or
// unhealthy; invalid for states that need no colour.
QColor dockerStateColour(const QString& state, const QString& health = {});

class DockerContainersModel final : public DockerTableModel<DockerContainerRow>
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(DockerContainersModel)

public:
    enum Column { Name, Image, State, Health, Ports, Created, Cpu, Memory, ColumnCount };
    enum Role {
        IdRole = Qt::UserRole + 1,
        StateRole,
        SortRole, // numbers for CPU, memory and created; lower-cased text elsewhere
        HealthRole,
        NameRole,
    };

    explicit DockerContainersModel(QObject* parent = nullptr);

    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant headerData(int section, Qt::Orientation orientation,
                        int role = Qt::DisplayRole) const override;

    const DockerContainer& container(int row) const { return rowAt(row).container; }

public Q_SLOTS:
    void applyReset(const QList<launchdeck::DockerContainer>& containers);
    void applyChanged(const QList<launchdeck::DockerContainer>& containers);
    void applyRemoved(const QStringList& ids);
    // Touches the CPU and memory cells only; samples of unknown containers are ignored.
    void applyStats(const QList<launchdeck::DockerStatsSample>& samples);
    // Moves the relative "Created" texts on; called by a slow timer.
    void refreshAges();

protected:
    QString keyOf(const DockerContainerRow& row) const override { return row.container.id; }
    QVariant value(const DockerContainerRow& row, int column, int role) const override;
    DockerContainerRow carriedOver(const DockerContainerRow& previous,
                                   DockerContainerRow next) const override;

private:
    QVariant display(const DockerContainerRow& row, int column) const;
    QVariant sortKey(const DockerContainerRow& row, int column) const;
};

} // namespace launchdeck
