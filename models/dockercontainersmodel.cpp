// Cell texts, colours and sort keys of the containers table, and how listings, events and stats
// samples land in it.
#include "dockercontainersmodel.h"

#include <QLocale>

#include <algorithm>

namespace launchdeck {

namespace {

// Stats belong to containers whose processes exist; a stopped one has no CPU or memory.
bool hasProcesses(const QString& state)
{
    return state == u"running" || state == u"paused" || state == u"restarting";
}

QString stateLabel(const QString& state)
{
    if (state.isEmpty())
        return state;
    return state.at(0).toUpper() + state.mid(1);
}

} // namespace

QString formatBinarySize(quint64 bytes)
{
    static const char* const units[] = {"B", "KiB", "MiB", "GiB", "TiB", "PiB"};
    double value = static_cast<double>(bytes);
    int unit = 0;
    while (value >= 1024.0 && unit < 5) {
        value /= 1024.0;
        ++unit;
    }
    const QLatin1String name(units[unit]);
    if (unit == 0)
        return QString::number(bytes) + u' ' + name;
    QString number = QString::number(value, 'f', 1);
    if (number.endsWith(u".0"))
        number.chop(2);
    return number + u' ' + name;
}

QString formatPorts(const QList<DockerPortMapping>& ports)
{
    QStringList published;
    QStringList exposed;
    for (const DockerPortMapping& port : ports) {
        const QString target = QString::number(port.containerPort) + u'/' + port.protocol;
        if (port.hostPort > 0) {
            const QString ip = port.hostIp.isEmpty() ? QStringLiteral("0.0.0.0") : port.hostIp;
            const QString host = ip.contains(u':') ? u'[' + ip + u']' : ip;
            published.append(host + u':' + QString::number(port.hostPort) + u"→" + target);
        } else {
            exposed.append(target);
        }
    }
    published.removeDuplicates();
    exposed.removeDuplicates();
    return (published + exposed).join(QStringLiteral(", "));
}

QString formatAge(const QDateTime& when, const QDateTime& now)
{
    if (!when.isValid())
        return {};
    const qint64 seconds = std::max<qint64>(0, when.secsTo(now));
    if (seconds < 60)
        return DockerContainersModel::tr("just now");
    if (seconds < 3600)
        return DockerContainersModel::tr("%1 min ago").arg(seconds / 60);
    if (seconds < 86400)
        return DockerContainersModel::tr("%1 h ago").arg(seconds / 3600);
    const qint64 days = seconds / 86400;
    if (days < 60)
        return days == 1 ? DockerContainersModel::tr("yesterday") : DockerContainersModel::tr("%1 days ago").arg(days);
    if (days < 730)
        return DockerContainersModel::tr("%1 months ago").arg(days / 30);
    return DockerContainersModel::tr("%1 years ago").arg(days / 365);
}

QColor dockerStateColour(const QString& state, const QString& health)
{
    if (state == u"dead" || health == u"unhealthy")
        return QColor(0xc6, 0x28, 0x28);
    if (state == u"running")
        return QColor(0x2e, 0x7d, 0x32);
    if (state == u"paused" || state == u"restarting")
        return QColor(0xb2, 0x6a, 0x00);
    if (state == u"exited" || state == u"created" || state == u"removing")
        return QColor(0x75, 0x75, 0x75);
    return {};
}

DockerContainersModel::DockerContainersModel(QObject* parent)
    : DockerTableModel(parent)
{}

int DockerContainersModel::columnCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant DockerContainersModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return QAbstractTableModel::headerData(section, orientation, role);
    switch (section) {
    case Name:
        return tr("Name");
    case Image:
        return tr("Image");
    case State:
        return tr("State");
    case Health:
        return tr("Health");
    case Ports:
        return tr("Ports");
    case Created:
        return tr("Created");
    case Cpu:
        return tr("CPU %");
    case Memory:
        return tr("Memory");
    default:
        return {};
    }
}

void DockerContainersModel::applyReset(const QList<DockerContainer>& containers)
{
    QList<DockerContainerRow> rows;
    rows.reserve(containers.size());
    for (const DockerContainer& container : containers)
        rows.append(DockerContainerRow{container});
    resetRows(rows);
}

void DockerContainersModel::applyChanged(const QList<DockerContainer>& containers)
{
    QList<DockerContainerRow> rows;
    rows.reserve(containers.size());
    for (const DockerContainer& container : containers)
        rows.append(DockerContainerRow{container});
    upsertRows(rows);
}

void DockerContainersModel::applyRemoved(const QStringList& ids)
{
    removeKeys(ids);
}

void DockerContainersModel::applyStats(const QList<DockerStatsSample>& samples)
{
    for (const DockerStatsSample& sample : samples) {
        const int row = rowOf(sample.containerId);
        if (row < 0)
            continue;
        DockerContainerRow& target = mutableRow(row);
        if (!hasProcesses(target.container.state))
            continue; // a late sample of a container that has just stopped
        target.hasStats = true;
        target.cpuPercent = sample.cpuPercent;
        target.memoryUsedBytes = sample.memoryUsedBytes;
        target.memoryLimitBytes = sample.memoryLimitBytes;
        Q_EMIT dataChanged(index(row, Cpu), index(row, Memory),
                           {Qt::DisplayRole, Qt::ToolTipRole, SortRole});
    }
}

void DockerContainersModel::refreshAges()
{
    if (rowCount() > 0)
        Q_EMIT dataChanged(index(0, Created), index(rowCount() - 1, Created),
                           {Qt::DisplayRole, SortRole});
}

DockerContainerRow DockerContainersModel::carriedOver(const DockerContainerRow& previous,
                                                      DockerContainerRow next) const
{
    if (hasProcesses(next.container.state) && previous.hasStats) {
        next.hasStats = true;
        next.cpuPercent = previous.cpuPercent;
        next.memoryUsedBytes = previous.memoryUsedBytes;
        next.memoryLimitBytes = previous.memoryLimitBytes;
    }
    return next;
}

QVariant DockerContainersModel::value(const DockerContainerRow& row, int column, int role) const
{
    const DockerContainer& container = row.container;
    switch (role) {
    case Qt::DisplayRole:
        return display(row, column);
    case IdRole:
        return container.id;
    case StateRole:
        return container.state;
    case HealthRole:
        return container.health;
    case NameRole:
        return container.name;
    case SortRole:
        return sortKey(row, column);
    case Qt::ForegroundRole:
        if (column == State) {
            const QColor colour = dockerStateColour(container.state);
            return colour.isValid() ? QVariant(colour) : QVariant();
        }
        if (column == Health && container.health == u"unhealthy")
            return dockerStateColour(container.state, container.health);
        if (column == Health && container.health == u"healthy")
            return dockerStateColour(QStringLiteral("running"));
        return {};
    case Qt::ToolTipRole:
        switch (column) {
        case Name:
            return tr("%1\n%2").arg(container.id, container.command);
        case State:
            return container.status;
        case Created:
            return QLocale().toString(container.created.toLocalTime(), QLocale::LongFormat);
        case Ports:
            return formatPorts(container.ports);
        case Memory:
            return row.hasStats && row.memoryLimitBytes > 0
                       ? tr("%1 % of the limit")
                             .arg(100.0 * static_cast<double>(row.memoryUsedBytes) /
                                      static_cast<double>(row.memoryLimitBytes),
                                  0, 'f', 1)
                       : QVariant();
        default:
            return {};
        }
    case Qt::TextAlignmentRole:
        return column == Cpu || column == Memory
                   ? QVariant::fromValue(Qt::AlignRight | Qt::AlignVCenter)
                   : QVariant();
    default:
        return {};
    }
}

QVariant DockerContainersModel::display(const DockerContainerRow& row, int column) const
{
    const DockerContainer& container = row.container;
    switch (column) {
    case Name:
        return container.name;
    case Image:
        return container.image;
    case State:
        return stateLabel(container.state);
    case Health:
        return container.health;
    case Ports:
        return formatPorts(container.ports);
    case Created:
        return formatAge(container.created, QDateTime::currentDateTimeUtc());
    case Cpu:
        return row.hasStats ? QString::number(row.cpuPercent, 'f', 1) : QString();
    case Memory:
        if (!row.hasStats)
            return QString();
        if (row.memoryLimitBytes == 0)
            return formatBinarySize(row.memoryUsedBytes);
        return QString(formatBinarySize(row.memoryUsedBytes) + u" / " +
                       formatBinarySize(row.memoryLimitBytes));
    default:
        return {};
    }
}

QVariant DockerContainersModel::sortKey(const DockerContainerRow& row, int column) const
{
    const DockerContainer& container = row.container;
    switch (column) {
    case Created:
        return container.created.isValid() ? container.created.toMSecsSinceEpoch() : qint64(0);
    case Cpu:
        return row.hasStats ? row.cpuPercent : -1.0;
    case Memory:
        return row.hasStats ? static_cast<qint64>(row.memoryUsedBytes) : qint64(-1);
    case State:
        return container.state;
    default:
        return display(row, column).toString().toLower();
    }
}

} // namespace launchdeck
