// History rows kept in the ledger's order and indexed by id: a refresh removes what fell off
// the list, inserts what is new and marks the rows whose deployment moved on.
#include "deploymenthistorymodel.h"

#include "deploymentmatrixmodel.h"
#include "runstatusstyle.h"

#include <QLocale>
#include <QSet>

namespace launchdeck {

namespace {

bool sameRow(const DeploymentRecord& a, const DeploymentRecord& b)
{
    return a.id == b.id && a.stage == b.stage && a.status == b.status &&
           a.finishedAt == b.finishedAt && a.durationMs == b.durationMs && a.message == b.message;
}

} // namespace

DeploymentHistoryModel::DeploymentHistoryModel(QObject* parent)
    : QAbstractTableModel(parent)
{}

void DeploymentHistoryModel::reindex()
{
    m_rowOf.clear();
    for (int row = 0; row < m_records.size(); ++row)
        m_rowOf.insert(m_records[row].id, row);
}

void DeploymentHistoryModel::clear()
{
    if (m_records.isEmpty() && m_application.isEmpty())
        return;
    beginResetModel();
    m_application.clear();
    m_environment.clear();
    m_records.clear();
    m_rowOf.clear();
    endResetModel();
}

void DeploymentHistoryModel::setRecords(const QString& application, const QString& environment,
                                        const QList<DeploymentRecord>& records)
{
    const auto reset = [&] {
        beginResetModel();
        m_application = application;
        m_environment = environment;
        m_records = records;
        reindex();
        endResetModel();
    };
    if (application != m_application || environment != m_environment)
        return reset();

    QSet<QString> fresh;
    for (const DeploymentRecord& record : records)
        fresh.insert(record.id);
    for (int row = static_cast<int>(m_records.size()) - 1; row >= 0; --row) {
        if (fresh.contains(m_records[row].id))
            continue;
        beginRemoveRows({}, row, row);
        m_records.removeAt(row);
        endRemoveRows();
    }
    reindex();
    for (int row = 0; row < records.size(); ++row) {
        const DeploymentRecord& record = records[row];
        if (row < m_records.size() && m_records[row].id == record.id) {
            if (!sameRow(m_records[row], record)) {
                m_records[row] = record;
                Q_EMIT dataChanged(index(row, 0), index(row, ColumnCount - 1));
            }
            continue;
        }
        if (m_rowOf.contains(record.id))
            return reset(); // the order changed: not a routine refresh
        beginInsertRows({}, row, row);
        m_records.insert(row, record);
        endInsertRows();
        reindex();
    }
}

int DeploymentHistoryModel::rowCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : static_cast<int>(m_records.size());
}

int DeploymentHistoryModel::columnCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant DeploymentHistoryModel::data(const QModelIndex& index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid))
        return {};
    const DeploymentRecord& record = m_records.at(index.row());
    if (role == IdRole)
        return record.id;
    if (role == Qt::ToolTipRole)
        return record.message.isEmpty() ? record.id : record.id + u'\n' + record.message;
    if (role == Qt::ForegroundRole && index.column() == Status && record.status)
        return deploymentStatusColour(*record.status);
    if (role != Qt::DisplayRole)
        return {};
    switch (index.column()) {
    case Started:
        return QLocale().toString(record.startedAt.toLocalTime(), QLocale::ShortFormat);
    case Kind:
        return record.kind == DeploymentKind::Rollback ? tr("Rollback") : tr("Deploy");
    case Revision:
        return record.from ? tr("r%1 → r%2 (%3)")
                                 .arg(record.from->number)
                                 .arg(record.to.number)
                                 .arg(record.to.image)
                           : tr("r%1 (%2)").arg(record.to.number).arg(record.to.image);
    case Status:
        return record.status ? deploymentStatusLabel(*record.status)
                             : tr("Running: %1").arg(deploymentStageLabel(record.stage));
    case Duration:
        return record.status ? formatDuration(record.durationMs) : QString();
    case Who:
        return record.who;
    case Reason:
        return record.reason.isEmpty() ? record.message : record.reason;
    default:
        return {};
    }
}

QVariant DeploymentHistoryModel::headerData(int section, Qt::Orientation orientation,
                                            int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    switch (section) {
    case Started:
        return tr("Started");
    case Kind:
        return tr("Kind");
    case Revision:
        return tr("Revision");
    case Status:
        return tr("Status");
    case Duration:
        return tr("Duration");
    case Who:
        return tr("By");
    case Reason:
        return tr("Reason");
    default:
        return {};
    }
}

} // namespace launchdeck
