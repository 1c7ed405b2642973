// Runs as rows appended in arrival order and indexed by id, so an event touches one row.
#include "runsmodel.h"

#include "runstatusstyle.h"

#include <QLocale>

namespace launchdeck {

RunsModel::RunsModel(QObject* parent)
    : QAbstractTableModel(parent)
{}

void RunsModel::mergeHistory(const QList<RunRecord>& runs)
{
    QList<RunRecord> fresh;
    for (const RunRecord& run : runs)
        if (!m_rowOf.contains(run.id))
            fresh.append(run);
    if (fresh.isEmpty())
        return;
    const int first = static_cast<int>(m_runs.size());
    beginInsertRows({}, first, first + static_cast<int>(fresh.size()) - 1);
    for (const RunRecord& run : std::as_const(fresh)) {
        m_rowOf.insert(run.id, static_cast<int>(m_runs.size()));
        m_runs.append(run);
    }
    endInsertRows();
}

void RunsModel::runStarted(const RunInfo& info)
{
    RunRecord run;
    run.id = info.runId;
    run.pipeline = info.pipeline;
    run.pipelineFile = info.pipelineFile;
    run.workspace = info.workspace;
    run.runDir = info.runDir;
    run.status = RunStatus::Running;
    run.startedAt = info.startedAt;
    if (const int row = rowOf(run.id); row >= 0) {
        m_runs[row] = run;
        Q_EMIT dataChanged(index(row, 0), index(row, ColumnCount - 1));
        return;
    }
    const int row = static_cast<int>(m_runs.size());
    beginInsertRows({}, row, row);
    m_rowOf.insert(run.id, row);
    m_runs.append(run);
    endInsertRows();
}

void RunsModel::runFinished(const RunResult& result)
{
    const int row = rowOf(result.runId);
    if (row < 0)
        return;
    RunRecord& run = m_runs[row];
    run.status = result.status;
    run.finishedAt = result.finishedAt;
    run.durationMs = result.durationMs;
    Q_EMIT dataChanged(index(row, 0), index(row, ColumnCount - 1));
}

void RunsModel::tick()
{
    for (int row = 0; row < m_runs.size(); ++row)
        if (!isFinished(m_runs[row].status))
            Q_EMIT dataChanged(index(row, Duration), index(row, Duration),
                               {Qt::DisplayRole, SortRole});
}

qint64 RunsModel::durationOf(const RunRecord& run) const
{
    if (isFinished(run.status) || !run.startedAt.isValid())
        return run.durationMs;
    return run.startedAt.msecsTo(QDateTime::currentDateTimeUtc());
}

int RunsModel::rowCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : static_cast<int>(m_runs.size());
}

int RunsModel::columnCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant RunsModel::data(const QModelIndex& index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid))
        return {};
    const RunRecord& run = m_runs.at(index.row());
    const int column = index.column();
    switch (role) {
    case RunIdRole:
        return run.id;
    case StatusRole:
        return QVariant::fromValue(run.status);
    case SortRole:
        switch (column) {
        case Status:
            return static_cast<int>(run.status);
        case Pipeline:
            return run.pipeline;
        case Started:
            return run.startedAt;
        case Duration:
            return durationOf(run);
        default:
            return {};
        }
    case Qt::DisplayRole:
        switch (column) {
        case Status:
            return runStatusLabel(run.status);
        case Pipeline:
            return run.pipeline;
        case Started:
            return QLocale().toString(run.startedAt.toLocalTime(), QLocale::ShortFormat);
        case Duration:
            return formatDuration(durationOf(run));
        default:
            return {};
        }
    case Qt::DecorationRole:
        return column == Status ? QVariant(runStatusIcon(run.status)) : QVariant();
    case Qt::ForegroundRole:
        return column == Status ? QVariant(runStatusColour(run.status)) : QVariant();
    case Qt::ToolTipRole:
        return tr("Run %1\n%2").arg(run.id, run.runDir);
    case Qt::TextAlignmentRole:
        return column == Duration ? QVariant::fromValue(Qt::AlignRight | Qt::AlignVCenter)
                                  : QVariant();
    default:
        return {};
    }
}

QVariant RunsModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    switch (section) {
    case Status:
        return tr("Status");
    case Pipeline:
        return tr("Pipeline");
    case Started:
        return tr("Started");
    case Duration:
        return tr("Duration");
    default:
        return {};
    }
}

} // namespace launchdeck
