// Steps of one run as table rows; a step event changes its row only.
#include "stepsmodel.h"

#include "runstatusstyle.h"

#include <QFont>

namespace launchdeck {

StepsModel::StepsModel(QObject* parent)
    : QAbstractTableModel(parent)
{}

void StepsModel::setRun(const RunInfo& run)
{
    beginResetModel();
    m_runId = run.runId;
    m_rows.clear();
    for (qsizetype i = 0; i < run.steps.size(); ++i) {
        Row row;
        row.name = run.steps[i];
        row.stage = run.stages.value(i);
        m_rows.append(row);
    }
    reindex();
    endResetModel();
}

void StepsModel::setRecords(const QString& runId, const QList<StepRecord>& steps)
{
    beginResetModel();
    m_runId = runId;
    m_rows.clear();
    QList<StepRecord> ordered = steps;
    std::stable_sort(ordered.begin(), ordered.end(), [](const StepRecord& a, const StepRecord& b) {
        return a.position < b.position;
    });
    for (const StepRecord& record : std::as_const(ordered)) {
        Row row;
        row.name = record.name;
        row.stage = record.stage;
        row.status = record.status;
        row.attempt = record.attempt;
        row.durationMs = record.attempt > 0 ? record.durationMs : -1;
        row.exitCode = record.exitCode;
        row.message = record.message;
        row.startedAt = record.startedAt;
        m_rows.append(row);
    }
    reindex();
    endResetModel();
}

void StepsModel::clear()
{
    beginResetModel();
    m_runId.clear();
    m_rows.clear();
    m_rowOf.clear();
    endResetModel();
}

void StepsModel::reindex()
{
    m_rowOf.clear();
    for (int i = 0; i < m_rows.size(); ++i)
        m_rowOf.insert(m_rows[i].name, i);
}

void StepsModel::applyStarted(const StepEvent& step)
{
    apply(step, false);
}

void StepsModel::applyFinished(const StepEvent& step)
{
    apply(step, true);
}

void StepsModel::apply(const StepEvent& step, bool finished)
{
    if (step.runId != m_runId)
        return;
    const auto it = m_rowOf.constFind(step.step);
    if (it == m_rowOf.constEnd())
        return;
    Row& row = m_rows[*it];
    row.status = finished ? step.status : RunStatus::Running;
    row.attempt = step.attempt;
    row.startedAt = step.startedAt;
    row.durationMs = finished ? step.durationMs : 0;
    row.exitCode =
        finished && step.exitCode >= 0 ? std::optional<int>(step.exitCode) : std::nullopt;
    row.message = finished ? step.message : QString();
    if (finished)
        row.artifacts = step.artifacts;
    Q_EMIT dataChanged(index(*it, 0), index(*it, ColumnCount - 1));
}

void StepsModel::tick()
{
    const QDateTime now = QDateTime::currentDateTimeUtc();
    for (int i = 0; i < m_rows.size(); ++i) {
        Row& row = m_rows[i];
        if (row.status != RunStatus::Running || !row.startedAt.isValid())
            continue;
        row.durationMs = row.startedAt.msecsTo(now);
        Q_EMIT dataChanged(index(i, Duration), index(i, Duration), {Qt::DisplayRole});
    }
}

QStringList StepsModel::failedSteps() const
{
    QStringList names;
    for (const Row& row : m_rows)
        if (row.status == RunStatus::Failed || row.status == RunStatus::TimedOut ||
            row.status == RunStatus::Cancelled || row.status == RunStatus::Interrupted)
            names.append(row.name);
    return names;
}

int StepsModel::rowCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : static_cast<int>(m_rows.size());
}

int StepsModel::columnCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant StepsModel::data(const QModelIndex& index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid))
        return {};
    const Row& row = m_rows.at(index.row());
    if (role == StatusRole)
        return QVariant::fromValue(row.status);
    if (role == StepNameRole)
        return row.name;
    const int column = index.column();
    if (role == Qt::DisplayRole) {
        switch (column) {
        case Name:
            return row.name;
        case Stage:
            return row.stage;
        case Status:
            return runStatusLabel(row.status);
        case Attempt:
            return row.attempt > 0 ? QVariant(row.attempt) : QVariant();
        case Duration:
            return row.durationMs >= 0 && row.attempt > 0 ? formatDuration(row.durationMs)
                                                          : QString();
        case ExitCode:
            return row.exitCode ? QVariant(*row.exitCode) : QVariant();
        case Message:
            return row.message;
        default:
            return {};
        }
    }
    if (role == Qt::DecorationRole && column == Name)
        return runStatusIcon(row.status);
    if (role == Qt::ForegroundRole && column == Status)
        return runStatusColour(row.status);
    if (role == Qt::ToolTipRole && column == Message && !row.message.isEmpty())
        return row.message;
    if (role == Qt::TextAlignmentRole &&
        (column == Attempt || column == Duration || column == ExitCode))
        return QVariant::fromValue(Qt::AlignRight | Qt::AlignVCenter);
    return {};
}

QVariant StepsModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    switch (section) {
    case Name:
        return tr("Step");
    case Stage:
        return tr("Stage");
    case Status:
        return tr("Status");
    case Attempt:
        return tr("Attempt");
    case Duration:
        return tr("Duration");
    case ExitCode:
        return tr("Exit code");
    case Message:
        return tr("Message");
    default:
        return {};
    }
}

} // namespace launchdeck
