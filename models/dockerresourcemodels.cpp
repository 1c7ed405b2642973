// Cell texts and sort keys of the images, networks and volumes tables.
#include "dockerresourcemodels.h"

#include "dockercontainersmodel.h"

#include <QLocale>

namespace launchdeck {

namespace {

QVariant header(const QStringList& titles, int section, Qt::Orientation orientation, int role)
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole || section < 0 ||
        section >= titles.size())
        return {};
    return titles.at(section);
}

} // namespace

QString shortDockerId(const QString& id)
{
    const qsizetype colon = id.indexOf(u':');
    return id.mid(colon + 1, 12);
}

DockerImagesModel::DockerImagesModel(QObject* parent)
    : DockerTableModel(parent)
{}

int DockerImagesModel::columnCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant DockerImagesModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    return header({tr("Repository:tag"), tr("Id"), tr("Size"), tr("Created")}, section, orientation,
                  role);
}

QVariant DockerImagesModel::value(const DockerImage& image, int column, int role) const
{
    switch (role) {
    case IdRole:
        return image.id;
    case Qt::DisplayRole:
        switch (column) {
        case Tags:
            return image.repoTags.isEmpty() ? tr("<none>") : image.repoTags.join(u", ");
        case Id:
            return shortDockerId(image.id);
        case Size:
            return formatBinarySize(static_cast<quint64>(std::max<qint64>(0, image.sizeBytes)));
        case Created:
            return formatAge(image.created, QDateTime::currentDateTimeUtc());
        default:
            return {};
        }
    case SortRole:
        switch (column) {
        case Size:
            return image.sizeBytes;
        case Created:
            return image.created.isValid() ? image.created.toMSecsSinceEpoch() : qint64(0);
        default:
            return value(image, column, Qt::DisplayRole).toString().toLower();
        }
    case Qt::ToolTipRole:
        if (column == Id)
            return image.id;
        if (column == Created)
            return QLocale().toString(image.created.toLocalTime(), QLocale::LongFormat);
        return {};
    case Qt::TextAlignmentRole:
        return column == Size ? QVariant::fromValue(Qt::AlignRight | Qt::AlignVCenter) : QVariant();
    default:
        return {};
    }
}

DockerNetworksModel::DockerNetworksModel(QObject* parent)
    : DockerTableModel(parent)
{}

int DockerNetworksModel::columnCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant DockerNetworksModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    return header({tr("Name"), tr("Driver"), tr("Scope"), tr("Id")}, section, orientation, role);
}

QVariant DockerNetworksModel::value(const DockerNetwork& network, int column, int role) const
{
    switch (role) {
    case IdRole:
        return network.id;
    case Qt::DisplayRole:
        switch (column) {
        case Name:
            return network.name;
        case Driver:
            return network.driver;
        case Scope:
            return network.scope;
        case Id:
            return shortDockerId(network.id);
        default:
            return {};
        }
    case SortRole:
        return value(network, column, Qt::DisplayRole).toString().toLower();
    case Qt::ToolTipRole:
        return column == Id ? QVariant(network.id) : QVariant();
    default:
        return {};
    }
}

DockerVolumesModel::DockerVolumesModel(QObject* parent)
    : DockerTableModel(parent)
{}

int DockerVolumesModel::columnCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant DockerVolumesModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    return header({tr("Name"), tr("Driver"), tr("Mount point")}, section, orientation, role);
}

QVariant DockerVolumesModel::value(const DockerVolume& volume, int column, int role) const
{
    switch (role) {
    case IdRole:
        return volume.name;
    case Qt::DisplayRole:
        switch (column) {
        case Name:
            return volume.name;
        case Driver:
            return volume.driver;
        case Mountpoint:
            return volume.mountpoint;
        default:
            return {};
        }
    case SortRole:
        return value(volume, column, Qt::DisplayRole).toString().toLower();
    case Qt::ToolTipRole:
        return column == Mountpoint ? QVariant(volume.mountpoint) : QVariant();
    default:
        return {};
    }
}

} // namespace launchdeck
