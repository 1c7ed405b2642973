// The images, networks and volumes of one Docker host, each a table kept current by the host's
// listings through keyed diffs.
#pragma once

#include "docker/dockertypes.h"
#include "dockertablemodel.h"

namespace launchdeck {

// "sha256:0123456789abcdef…" → "0123456789ab", as the docker CLI shortens ids.
QString shortDockerId(const QString& id);

class DockerImagesModel final : public DockerTableModel<DockerImage>
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(DockerImagesModel)

public:
    enum Column { Tags, Id, Size, Created, ColumnCount };
    enum Role { IdRole = Qt::UserRole + 1, SortRole };

    explicit DockerImagesModel(QObject* parent = nullptr);

    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant headerData(int section, Qt::Orientation orientation,
                        int role = Qt::DisplayRole) const override;

public Q_SLOTS:
    void applyReset(const QList<launchdeck::DockerImage>& images) { resetRows(images); }

protected:
    QString keyOf(const DockerImage& image) const override { return image.id; }
    QVariant value(const DockerImage& image, int column, int role) const override;
};

class DockerNetworksModel final : public DockerTableModel<DockerNetwork>
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(DockerNetworksModel)

public:
    enum Column { Name, Driver, Scope, Id, ColumnCount };
    enum Role { IdRole = Qt::UserRole + 1, SortRole };

    explicit DockerNetworksModel(QObject* parent = nullptr);

    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant headerData(int section, Qt::Orientation orientation,
                        int role = Qt::DisplayRole) const override;

public Q_SLOTS:
    void applyReset(const QList<launchdeck::DockerNetwork>& networks) { resetRows(networks); }

protected:
    QString keyOf(const DockerNetwork& network) const override { return network.id; }
    QVariant value(const DockerNetwork& network, int column, int role) const override;
};

class DockerVolumesModel final : public DockerTableModel<DockerVolume>
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(DockerVolumesModel)

public:
    enum Column { Name, Driver, Mountpoint, ColumnCount };
    enum Role { IdRole = Qt::UserRole + 1, SortRole };

    explicit DockerVolumesModel(QObject* parent = nullptr);

    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant headerData(int section, Qt::Orientation orientation,
                        int role = Qt::DisplayRole) const override;

public Q_SLOTS:
    void applyReset(const QList<launchdeck::DockerVolume>& volumes) { resetRows(volumes); }

protected:
    QString keyOf(const DockerVolume& volume) const override { return volume.name; }
    QVariant value(const DockerVolume& volume, int column, int role) const override;
};

} // namespace launchdeck
